"""The DfE children in need census: the export from the record (`export.py`) and the import of
a council's earlier returns (`importer.py`). Layout and codes: lantern/reference/cin-census.md."""

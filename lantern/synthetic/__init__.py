"""Synthetic data: a whole council's children in need casework, made up and reproducible.

`manage.py seed_authority --size demo|lancashire|kent --seed N` fills an empty database; see
`lantern.synthetic.generator` for how the data is shaped.
"""

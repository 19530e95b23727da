"""Published reference data (Ofsted's Annex A lists, DfE's national figures, census samples),
kept in the repository with where each file came from: see README.md beside this file."""

from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "census-samples"


def path() -> Path:
    """The reference folder: this package's own, unless LANTERN_REFERENCE_DIR names a newer copy."""
    configured = getattr(settings, "LANTERN_REFERENCE_DIR", None)
    return Path(configured) if configured else HERE

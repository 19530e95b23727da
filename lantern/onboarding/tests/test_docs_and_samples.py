"""The guide's column tables and the blank templates come from the schema; the demo samples pass
the dry run into an empty Lantern."""

from pathlib import Path

from django.conf import settings

from lantern.onboarding import schema
from lantern.onboarding.management.commands.onboarding_templates import docs_tables
from lantern.onboarding.services import onboarding_check

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GUIDE = Path(settings.BASE_DIR) / "docs" / "guide" / "onboarding.md"


def test_the_guide_has_the_schema_tables():
    assert docs_tables() in GUIDE.read_text(encoding="utf-8"), "run manage.py onboarding_templates --docs"


def test_the_guide_is_linked_from_the_user_and_operator_guides():
    for guide in ("user-guide.md", "operator-guide.md"):
        assert "guide/onboarding.md" in (Path(settings.BASE_DIR) / "docs" / guide).read_text(encoding="utf-8")


def test_the_blank_templates_are_the_schema_headers():
    files = sorted(p.name for p in (SAMPLES / "blank").glob("*.csv"))
    assert files == sorted(schema.FILENAMES)
    for template in schema.TEMPLATES:
        assert (SAMPLES / "blank" / template.filename).read_text(encoding="utf-8") == schema.blank_template(template)


def test_the_demo_samples_pass_the_dry_run(db):
    report = onboarding_check(SAMPLES / "demo")
    assert [str(p) for p in report.problems.sorted()] == []
    assert report.files["children.csv"] > 500 and report.files["case_notes.csv"] > 100

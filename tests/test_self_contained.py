"""The repository stands alone: a clone with nothing beside it passes, and so does a council's
deployment. The suite-wide guard (conftest.py at the root) refuses any file opened beside the
repository; these tests prove the guard works and that the product finds its data inside."""

import re
import subprocess
from pathlib import Path

import pytest

from lantern import reference
from lantern.returns.annex_a import load_spec
from lantern.returns.indicators import national_figure
from lantern.standalone import REPO, ReadOutsideRepository, outside


def test_opening_a_file_beside_the_repository_is_refused():
    beside = REPO.parent.joinpath("shared", "reference", "annex-a-lists.json")
    with pytest.raises(ReadOutsideRepository):
        open(beside, encoding="utf-8")  # noqa: SIM115 - the guard refuses before anything opens


def test_only_the_parent_folder_outside_the_repository_is_guarded():
    assert outside(REPO.parent / "lantern-copy" / "x")
    assert not outside(REPO / "lantern" / "x")
    assert not outside(REPO)
    assert not outside(Path("/usr/share/x"))


def test_files_inside_the_repository_and_elsewhere_open_normally(tmp_path):
    (tmp_path / "x.txt").write_text("ok")
    assert (tmp_path / "x.txt").read_text() == "ok"
    assert (REPO / "README.md").read_text().startswith("# Lantern")


def test_reference_data_is_read_from_the_package(settings):
    settings.LANTERN_REFERENCE_DIR = None
    assert reference.path() == REPO / "lantern" / "reference"
    assert len(load_spec().lists) == 11
    figure = national_figure("c1_referrals_2013_to_2025.csv", "rereferral_percent")
    assert figure is not None and figure.label == "England 2025"
    assert sorted(p.name for p in reference.SAMPLES.glob("*.xml"))[:1] == ["CIN2rows.xml"]


def test_every_reference_file_says_where_it_came_from():
    readme = (REPO / "lantern" / "reference" / "README.md").read_text()
    for path in (REPO / "lantern" / "reference").iterdir():
        if path.suffix in {".json", ".csv", ".md"} and path.name != "README.md":
            assert f"`{path.name}`" in readme, f"{path.name} has no source in lantern/reference/README.md"
    assert "`census-samples/*.xml`" in readme


def test_no_source_file_names_a_folder_beside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "Makefile", "*.toml", "*.cfg", ".ci/*"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    pattern = re.compile(r"\.\./shared|parent\s*/\s*[\"']shared[\"']|/work/(?:shared)")
    offenders = [name for name in tracked if pattern.search(Path(REPO, name).read_text(errors="replace"))]
    assert offenders == []

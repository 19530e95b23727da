"""The onboarding section of docs/benchmarks.md: what it says, and that writing it keeps the other sections."""

from lantern.onboarding import bench

RESULT = {
    "date": "2026-12-07 03:00",
    "load_average": "3.0 / 2.5 / 2.0",
    "load_average_after": "2.0 / 2.0 / 2.0",
    "megabytes": 40.0,
    "files": {"children.csv": 10.0, "teams.csv": 0.01},
    "rows": {"children.csv": 54803, "teams.csv": 40},
    "export": {"seconds": 30.0, "peak_mb": 300.0},
    "migrate": {"seconds": 20.0, "peak_mb": 140.0},
    "demo_dry_run": {"seconds": 5.0, "peak_mb": 96.0, "megabytes": 0.4, "rows": 7491},
    "dry_run": {"seconds": 100.0, "peak_mb": 200.0},
    "load": {"seconds": 250.0, "peak_mb": 250.0},
    "summary": "Added 54,803 children.",
}


def test_section_reports_times_memory_and_the_target():
    text = "\n".join(bench.report_lines(RESULT, "a test machine"))
    assert text.startswith(bench.HEADING)
    assert "| Dry run plus load | 350.0 | |" in text
    assert "5.8 minutes, under the 10-minute target" in text
    assert "Load average when the dry run started: 3.0 / 2.5 / 2.0" in text
    assert "| children.csv | 10.00 | 54,803 |" in text
    assert "at 96.0 MB" in text and "at 200.0 MB" in text
    slow = dict(RESULT, load={"seconds": 550.0, "peak_mb": 250.0})
    assert "OVER the 10-minute target" in "\n".join(bench.report_lines(slow, "m"))


def test_replacing_the_section_keeps_the_others():
    section = bench.report_lines(RESULT, "m")
    first = "# Benchmarks\n\n## Pages\n\n| a | b |\n\n## CIN census\n\ncensus text\n"
    once = bench.replace_section(first, section)
    assert once.startswith(first.rstrip("\n") + "\n\n" + bench.HEADING)
    again = bench.replace_section(once, bench.report_lines(dict(RESULT, date="2027-01-01 00:00"), "m"))
    assert again.count(bench.HEADING) == 1
    assert "2027-01-01 00:00" in again and "2026-12-07 03:00" not in again
    assert "census text" in again and "## Pages" in again
    # A section in the middle is replaced in place; what follows it is kept.
    middle = once + "\n## Later\n\nlater text\n"
    replaced = bench.replace_section(middle, ["## Onboarding a Kent-sized council from its templates", "", "new"])
    assert replaced.endswith("new\n\n## Later\n\nlater text\n")
    assert bench.replace_section("", ["x"]) == "x\n"

"""The independent community validator (`csc-validator-be-cin`, MIT), kept at arm's length.

It runs in its own virtual environment, `.venv-conformance` at the project root (it needs
`numpy<2` and `pytest` beside it), never inside Lantern. `ensure_venv` makes that environment
(or reuses it); `run_community` runs community_runner.py there on some files and returns what
it found, per file (see community_runner.py for the shape). Used by scripts/conformance.py
(`make conformance`) and bench.py (`make bench`); nothing in the app or its tests needs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / ".venv-conformance"
PACKAGES = ("csc-validator-be-cin", "numpy<2", "pytest")
RUNNER = Path(__file__).with_name("community_runner.py")


def venv_python(venv: Path = VENV) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _works(python: Path) -> bool:
    if not python.exists():
        return False
    check = [str(python), "-c", "import cin_validator.cin_validator, cin_validator.rules.cin2025_26"]
    return subprocess.run(check, capture_output=True, check=False).returncode == 0  # noqa: S603


def ensure_venv(venv: Path = VENV, *, log=print) -> Path:
    """The community validator's Python, installing it into `venv` first if need be."""
    python = venv_python(venv)
    if _works(python):
        return python
    log(f"Making {venv} with {', '.join(PACKAGES)} ...")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PACKAGES]
    subprocess.run(pip, check=True)  # noqa: S603
    if not _works(python):
        raise RuntimeError(f"The community validator does not import in {venv}")
    return python


def run_community(paths: list[Path | str], python: Path | None = None) -> dict[str, dict]:
    """Run the community validator (ruleset cin2025_26) on `paths`; results keyed by the path as given."""
    python = python or ensure_venv()
    names = [str(p) for p in paths]
    done = subprocess.run(  # noqa: S603
        [str(python), str(RUNNER), *names], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"The community validator failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)

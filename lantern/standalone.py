"""A guard for the test suite: nothing the product or its tests run may read beside the repository.

A council's deployment (and a fresh clone) has nothing next to it, so the suite (conftest.py at
the root) installs an audit hook that refuses, at the moment it is opened, any file in the
repository's parent folder but outside the repository.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_BESIDE = str(REPO.parent) + os.sep
_INSIDE = str(REPO) + os.sep


class ReadOutsideRepository(PermissionError):
    pass


def outside(path) -> bool:
    """True for a path beside the repository (in its parent folder, not inside it)."""
    if isinstance(path, int):
        return False
    try:
        text = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return text.startswith(_BESIDE) and not (text + os.sep).startswith(_INSIDE)


def _guard(event: str, args: tuple) -> None:
    if event == "open" and args and outside(args[0]):
        raise ReadOutsideRepository(f"{args[0]} is outside the repository; copy what is needed into it")


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_guard)  # audit hooks cannot be removed: install once per process
        _installed = True

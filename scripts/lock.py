"""Pinned dependencies: requirements.lock and requirements-dev.lock, exact versions with hashes.

    python3 scripts/lock.py            # `make lock`: regenerate both lock files (keeps existing pins)
    python3 scripts/lock.py --upgrade  # `make lock UPGRADE=1`: move every package to its newest allowed version
    python3 scripts/lock.py --check    # is every requirement of requirements*.txt in its lock? (make install runs it)

What we ask for lives in requirements.txt (runtime) and requirements-dev.txt (tests and tools);
what is installed lives in the lock files, made by pip-tools' pip-compile with --generate-hashes
and installed by `make install` with `pip install --require-hashes`, so a council installs
exactly what was tested. The development lock is constrained by the runtime one, so both pin
the same version of every shared package.

pip-compile runs in its own virtual environment (.venv-lock, with a pinned pip-tools) so the
project's own environment never affects the result. It runs without prompts; its output names no
index or find-links (the machine's pip configuration stays on the machine).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv-lock"
PIP_TOOLS = "pip-tools==7.6.2"

#: (input, lock, constraint): the runtime lock first, then the development lock constrained by it.
LOCKS = [
    ("requirements.txt", "requirements.lock", None),
    ("requirements-dev.txt", "requirements-dev.lock", "requirements.lock"),
]

HEADER = """\
# Pinned {what}: exact versions with hashes, installed with `pip install --require-hashes`.
# Do not edit by hand. Made from {source} by `make lock` (scripts/lock.py, pip-compile
# --generate-hashes) on Python {python}; `make lock UPGRADE=1` moves to newer versions.
"""


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path: Path, seen: set[Path] | None = None) -> dict[str, str]:
    """Every requirement named in a requirements file (following `-r` includes): name -> line."""
    seen = seen or set()
    if path in seen:
        return {}
    seen.add(path)
    names: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            names.update(requirement_names(path.parent / line.split(None, 1)[1], seen))
            continue
        if line.startswith("-"):
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if match:
            names[_normal(match.group(1))] = line
    return names


def locked_versions(path: Path) -> dict[str, str]:
    """name -> pinned version in a lock file (each pin must carry at least one hash)."""
    pins: dict[str, str] = {}
    text = path.read_text()
    for match in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", text, re.M):
        pins[_normal(match.group(1))] = match.group(2)
    return pins


def check() -> list[str]:
    """Problems that mean the lock files no longer match what requirements*.txt ask for."""
    problems = []
    for source, lock, _ in LOCKS:
        lock_path = ROOT / lock
        if not lock_path.exists():
            problems.append(f"{lock} is missing: run `make lock`")
            continue
        pins = locked_versions(lock_path)
        for name, line in requirement_names(ROOT / source).items():
            if name not in pins:
                problems.append(f"{line!r} (from {source}) is not in {lock}: run `make lock`")
                continue
            try:  # the version check needs `packaging` (in the project's environment); names alone otherwise
                from packaging.requirements import Requirement
            except ImportError:
                continue
            requirement = Requirement(line)
            if requirement.specifier and not requirement.specifier.contains(pins[name], prereleases=True):
                problems.append(f"{lock} pins {name}=={pins[name]}, outside {line!r}: run `make lock`")
    return problems


def _tools() -> Path:
    compile_ = TOOLS / "bin" / "pip-compile"
    marker = TOOLS / ".pip-tools-version"
    if not compile_.exists() or not marker.exists() or marker.read_text().strip() != PIP_TOOLS:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS)], check=True)
        subprocess.run(
            [str(TOOLS / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", PIP_TOOLS], check=True
        )
        marker.write_text(PIP_TOOLS + "\n")
    return compile_


def regenerate(*, upgrade: bool) -> None:
    compile_ = _tools()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    env = {
        **os.environ,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "CUSTOM_COMPILE_COMMAND": "make lock",
    }
    for source, lock, constraint in LOCKS:
        print(f"== {source} -> {lock}", flush=True)
        command = [
            str(compile_),
            "--quiet",
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--no-emit-index-url",
            "--no-emit-find-links",
            "--no-emit-trusted-host",
            "--no-header",
            "--output-file",
            lock,
        ]
        if constraint:
            command += ["--constraint", constraint]
        if upgrade:
            command.append("--upgrade")
        command.append(source)
        subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=True)
        path = ROOT / lock
        body = path.read_text()
        what = "runtime dependencies" if constraint is None else "development and test dependencies"
        path.write_text(HEADER.format(what=what, source=source, python=python) + body)
        print(f"   {len(locked_versions(path))} packages pinned", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the lock files against requirements*.txt")
    parser.add_argument("--upgrade", action="store_true", help="move every package to its newest allowed version")
    args = parser.parse_args()
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    regenerate(upgrade=args.upgrade)
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Compile requirements/*.in into hashed locks with pip-compile, for the Python version in .python-version.

A lock is only valid for the interpreter it was resolved with (environment markers, wheels), so this script
finds that exact Python minor version, keeps pip-tools in a cached virtual environment of its own, and writes
requirements/<name>.txt for every requirements/<name>.in (base before dev: dev is constrained by base.txt).
Existing pins are kept unless --upgrade is given. Uses the standard library only.

    python scripts/lock.py [--upgrade] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_VERSION = "26.3"
PIP_TOOLS_VERSION = "7.6.2"
# Flags that keep the lock portable: hashes for every pin, and none of this machine's index or wheel folders.
COMPILE_FLAGS = [
    "--generate-hashes",
    "--allow-unsafe",
    "--strip-extras",
    "--no-emit-index-url",
    "--no-emit-find-links",
    "--no-emit-trusted-host",
]
ORDER = ("base", "dev")  # inputs compiled first; any other *.in follows in name order
ROOT = Path(__file__).resolve().parents[1]


class LockError(Exception):
    """Something the user must fix before a lock can be compiled."""


def wanted_version() -> str:
    path = ROOT / ".python-version"
    try:
        version = path.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        raise LockError(f"{path} is missing or empty: it must name the Python version, e.g. 3.11") from None
    parts = version.split(".")
    if len(parts) < 2 or not all(part.isdigit() for part in parts[:2]):
        raise LockError(f"{path} says {version!r}; expected a version like 3.11")
    return ".".join(parts[:2])


def version_of(python: str) -> str | None:
    """The X.Y version of an interpreter, or None when it does not run (e.g. a pyenv shim with no install)."""
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def candidates(version: str) -> list[str]:
    """Where a Python X.Y usually lives: this interpreter, PATH, pyenv, the Windows launcher, uv's installs."""
    found = [sys.executable]
    names = [f"python{version}", f"python{version.replace('.', '')}", "python3", "python"]
    found += [path for name in names if (path := shutil.which(name))]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found += [str(p) for p in sorted((pyenv_root / "versions").glob(f"{version}.*/bin/python{version}"), reverse=True)]
    uv_root = Path(os.environ.get("UV_PYTHON_INSTALL_DIR", Path.home() / ".local/share/uv/python"))
    found += [str(p) for p in sorted(uv_root.glob(f"cpython-{version}.*/bin/python{version}"), reverse=True)]
    if os.name == "nt" and (launcher := shutil.which("py")):
        done = subprocess.run(
            [launcher, f"-{version}", "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            found.append(done.stdout.strip())
    return list(dict.fromkeys(found))


def find_python(version: str) -> str:
    for python in candidates(version):
        if version_of(python) == version:
            return python
    raise LockError(
        f"Python {version} (from .python-version) is needed to compile the locks, and none was found on PATH, "
        f"in pyenv or in uv's installs. Install it (for example `pyenv install {version}`, "
        f"`uv python install {version}`, or your system's python{version} package) and run `make lock`."
    )


def tools_python(python: str, version: str) -> Path:
    """A cached virtual environment with pinned pip-tools for this Python version; built once per machine."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pip-compile-envs"
    target = cache / f"py{version}-pip-tools-{PIP_TOOLS_VERSION}"
    bin_dir = "Scripts" if os.name == "nt" else "bin"
    interpreter = target / bin_dir / ("python.exe" if os.name == "nt" else "python")
    if interpreter.exists():
        return interpreter
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=cache))
    try:
        subprocess.run([python, "-m", "venv", str(staging)], check=True)
        subprocess.run(
            [
                str(staging / bin_dir / interpreter.name),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"pip=={PIP_VERSION}",
                f"pip-tools=={PIP_TOOLS_VERSION}",
            ],
            check=True,
        )
        try:
            staging.rename(target)  # atomic: a concurrent run that finished first keeps its copy
        except OSError:
            if not interpreter.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return interpreter


def inputs() -> list[Path]:
    found = sorted((ROOT / "requirements").glob("*.in"))
    return sorted(found, key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.name))


def compile_lock(tools: Path, source: Path, upgrade: bool, quiet: bool) -> None:
    relative = source.relative_to(ROOT).as_posix()
    output = source.with_suffix(".txt").relative_to(ROOT).as_posix()
    command = [str(tools), "-m", "piptools", "compile", *COMPILE_FLAGS, "--output-file", output, relative]
    if upgrade:
        command.append("--upgrade")
    if quiet:
        command.append("--quiet")
    # Relative paths keep the header command free of this machine's folders.
    subprocess.run(command, cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="re-resolve every pin to the newest allowed version")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    parser.add_argument(
        "--warn-only",
        action="store_true",
        help="report a failure but exit 0 (the copy-time task: the project is kept, `make lock` finishes the job)",
    )
    args = parser.parse_args(argv)
    failed = 1 if not args.warn_only else 0
    try:
        version = wanted_version()
        tools = tools_python(find_python(version), version)
        for source in inputs():
            if not args.quiet:
                print(f"locking {source.relative_to(ROOT).as_posix()} with Python {version}", file=sys.stderr)
            compile_lock(tools, source, args.upgrade, args.quiet)
    except LockError as error:
        print(f"lock: {error}", file=sys.stderr)
        return failed
    except subprocess.CalledProcessError as error:
        command = " ".join(map(str, error.cmd))
        print(
            f"lock: {command} failed with exit code {error.returncode}; fix that, then run `make lock`", file=sys.stderr
        )
        return failed
    return 0


if __name__ == "__main__":
    sys.exit(main())

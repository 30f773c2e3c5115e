"""Copier task for `package_manager: uv`: write the new project's uv.lock at copy time.

Runs in the generated project with the Python that runs copier (standard library only). It locks with the `uv`
on PATH; without one it installs the pinned uv release from PyPI, checked against every wheel hash of that
release, into a cache of its own (built once per machine), and locks with that. When neither works (no network,
no venv module), it says why and exits 0: the project is kept, and `make lock` (uv lock) finishes it later.

    python uv_lock_at_copy.py <uv version> "<sha256:... sha256:...>"
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BIN_DIR = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""


class Unavailable(Exception):
    """uv could not be found or installed; the message says what to do."""


def cached_uv(version: str, hashes: list[str]) -> Path:
    """uv <version> in a cached virtual environment, installed with pip --require-hashes."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reprocheck-template"
    target = cache / f"uv-{version}"
    uv = target / BIN_DIR / f"uv{EXE}"
    if uv.exists():
        return uv
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=cache))
    try:
        requirement = staging / "uv-requirements.txt"
        requirement.write_text(" ".join([f"uv=={version}", *(f"--hash={h}" for h in hashes)]) + "\n", encoding="utf-8")
        python = staging / "venv" / BIN_DIR / f"python{EXE}"
        pip_flags = ["--quiet", "--disable-pip-version-check", "--require-hashes", "--only-binary=:all:", "--no-deps"]
        steps = [
            [sys.executable, "-m", "venv", str(staging / "venv")],
            [str(python), "-m", "pip", "install", *pip_flags, "-r", str(requirement)],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                raise Unavailable(f"installing uv {version} from PyPI failed ({detail[0]})")
        try:
            (staging / "venv").rename(target)  # atomic: a concurrent run that finished first keeps its copy
        except OSError:
            if not uv.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return uv


def find_uv(version: str, hashes: list[str]) -> str:
    on_path = shutil.which("uv")
    return on_path if on_path else str(cached_uv(version, hashes))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    version, hashes = argv[0], argv[1].split()
    try:
        uv = find_uv(version, hashes)
        done = subprocess.run([uv, "lock", "--quiet"], check=False)
        if done.returncode != 0:
            raise Unavailable(f"`uv lock` exited with {done.returncode} (see above)")
    except (Unavailable, OSError) as error:
        print(
            f"uv.lock was not created: {error}. The project is complete otherwise; install uv "
            f"(uv {version} is the version this template pins) and run `make lock` (uv lock), then commit uv.lock.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

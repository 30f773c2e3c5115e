"""Run the real engine on small repositories written to one scratch folder that a whole test reuses.

Hypothesis refuses function-scoped fixtures, so a test opens `workspace()` itself and runs its examples in it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import run_cli, write_files

# One example (a whole check of a tiny repository) must not take this long: a parser gone quadratic shows here.
EXAMPLE_BUDGET_SECONDS = 20.0
# Past this, the check is interrupted where it hangs (a BaseException: neither the engine's per-rule guard nor
# hypothesis's shrinking catches it, so the traceback shows the loop and the test stops at once).
HANG_SECONDS = 60


class ExampleHung(BaseException):
    pass


@contextlib.contextmanager
def hang_guard(files: dict[str, str | bytes]) -> Iterator[None]:
    def interrupt(_signum, _frame):
        shown = {rel: (content[:300], len(content)) for rel, content in files.items()}
        raise ExampleHung(f"a check ran over {HANG_SECONDS}s on {shown!r}")

    if not hasattr(signal, "SIGALRM"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class Workspace:
    """A folder holding the repository of the current example only."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, files: dict[str, str | bytes], keep: tuple[str, ...] = ()) -> Path:
        """Replace the folder's content by `files` (top-level entries named in `keep`, such as .git, stay)."""
        for entry in os.listdir(self.root):
            if entry in keep:
                continue
            full = self.root / entry
            if full.is_dir() and not full.is_symlink():
                shutil.rmtree(full)
            else:
                full.unlink()
        write_files(self.root, files)
        return self.root

    def check(self, files: dict[str, str | bytes], *args: str, keep: tuple[str, ...] = ()) -> dict | None:
        """Write `files`, check them with every rule and assert the run ended cleanly: findings and RPC002
        problems are fine, a rule error, a crash or a hang is not. Returns the JSON report (None when the
        settings file itself was damaged: that is the user's error, one line and exit 2)."""
        self.write(files, keep)
        if ".git" in keep:  # stage everything (git's warnings about damaged .gitattributes may not be UTF-8)
            subprocess.run(["git", "add", "-A"], cwd=self.root, capture_output=True, check=True, timeout=120)
        started = time.monotonic()
        with hang_guard(files):
            result = run_cli(str(self.root), "--select", "ALL", "--no-cache", "--output-format", "json", *args)
        elapsed = time.monotonic() - started
        assert "Traceback" not in result.stderr, result.stderr
        if result.exit_code == 2 and is_settings_error(result.stderr):
            return None
        assert result.exit_code in (0, 1), result.stderr
        report = result.json
        assert report["summary"]["rule_errors"] == [], report["summary"]["rule_errors"]
        assert elapsed < EXAMPLE_BUDGET_SECONDS, f"one check took {elapsed:.1f}s"
        for finding in report["findings"]:
            assert finding["code"] and finding["message"], finding
            assert not finding["path"].startswith(("/", "..")), finding
        return report


def is_settings_error(stderr: str) -> bool:
    """A damaged `[tool.reprocheck]` table stops the run with one line naming the file (not an internal error)."""
    return (
        stderr.startswith("reprocheck: error: ")
        and stderr.count("\n") == 1
        and "internal error" not in stderr
        and ("pyproject.toml" in stderr or "reprocheck.toml" in stderr)
    )


@contextlib.contextmanager
def workspace() -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory(prefix="reprocheck-fuzz-") as folder:
        yield Workspace(Path(folder))


def rpc002_paths(report: dict) -> set[str]:
    return {f["path"] for f in report["findings"] if f["code"] == "RPC002"}

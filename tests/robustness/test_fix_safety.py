"""`--fix` loses nothing: bytes outside the edits, line endings, BOMs and modes are kept; `--diff` never writes;
an interrupted fix leaves every file either as it was or as fixed, never truncated, and no temporary files.

tests/checker/test_fix.py covers the notebook strip's layout; these cover the byte-level guarantees.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reprocheck.fix
from tests.checker.test_fix import dirty_notebook
from tests.conftest import run_cli, write_files
from tests.robustness.harness import workspace
from tests.robustness.mutations import reshaped

BOM = b"\xef\xbb\xbf"
LINES = [
    "sklearn==1.4.0",
    "sklearn",
    "sklearn  # the placeholder",
    "numpy==1.26.4",
    "pandas>=2 ; python_version >= '3.10'",
    "# sklearn in a comment stays",
    "",
    "   ",
    "--index-url https://pypi.org/simple",
    "torch==2.2.0 \\\n    ; python_version >= '3.9'",
    "scikit-learn==1.4.0",
]
PLACEHOLDER = re.compile(r"^sklearn(==1\.4\.0)?(?=\s|$)")


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if "reprocheck-tmp" in p.name]


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
        for p in root.rglob("*")
        if p.is_file()
    }


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(st.sampled_from(LINES), min_size=1, max_size=12),
    newlines=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=12, max_size=12),
    final_newline=st.booleans(),
    bom=st.booleans(),
    mode=st.sampled_from([0o600, 0o644, 0o640, 0o755, 0o700, 0o444]),
)
def test_fix_changes_only_the_edited_bytes_and_diff_changes_nothing(lines, newlines, final_newline, bom, mode):
    with workspace() as space:
        ends = [newlines[i] for i in range(len(lines))]
        if not final_newline:
            ends[-1] = ""
        if "\r" in ends[:-1] and any(e == "\n" for e in ends):
            ends = [e.replace("\r\n", "\n") if e == "\r\n" else e for e in ends]  # no "\r" + "\n" pairs by accident
        original = (BOM if bom else b"") + "".join(line + end for line, end in zip(lines, ends, strict=True)).encode()
        expected = (BOM if bom else b"") + "".join(
            PLACEHOLDER.sub("scikit-learn", line) + end for line, end in zip(lines, ends, strict=True)
        ).encode()
        root = space.write({"requirements.txt": original})
        path = root / "requirements.txt"
        path.chmod(mode)
        before = snapshot(root)

        diff = run_cli(str(root), "--select", "DEP006", "--no-cache", "--diff")
        assert diff.exit_code == (1 if expected != original else 0), diff.stderr
        assert snapshot(root) == before  # --diff never writes

        fixed = run_cli(str(root), "--select", "DEP006", "--no-cache", "--fix", "--output-format", "json")
        assert fixed.exit_code in (0, 1), fixed.stderr
        assert path.read_bytes() == expected
        assert stat.S_IMODE(path.stat().st_mode) == mode
        assert temp_files(root) == []
        again = snapshot(root)
        run_cli(str(root), "--select", "DEP006", "--no-cache", "--fix")
        assert snapshot(root) == again  # nothing left to fix: nothing rewritten


# -- interrupted fixes ---------------------------------------------------------------------------------------------
NOTEBOOKS = 40


STRIP_POLICY = {".gitattributes": "*.ipynb filter=nbstripout\n"}  # the project strips notebooks: NB001 applies


def fixable_repo(root: Path, notebooks: int = NOTEBOOKS) -> dict[str, bytes]:
    files = {f"notebooks/nb{i:03d}.ipynb": dirty_notebook().replace("0.93", f"0.{i:03d}") for i in range(notebooks)}
    files["requirements.txt"] = "sklearn==1.4.0\nnumpy==1.26.4\n"
    write_files(root, {**files, **STRIP_POLICY})
    return {rel: (root / rel).read_bytes() for rel in files}


def fixed_versions(root: Path, originals: dict[str, bytes]) -> dict[str, bytes]:
    """What each file looks like once fixed (computed in a copy of the repository)."""
    copy = root.parent / (root.name + "-fixed")
    write_files(copy, {**originals, **STRIP_POLICY})
    result = run_cli(str(copy), "--select", "NB001,DEP006", "--no-cache", "--fix")
    assert result.exit_code in (0, 1), result.stderr
    fixed = {rel: (copy / rel).read_bytes() for rel in originals}
    assert all(fixed[rel] != originals[rel] for rel in originals)
    return fixed


def assert_old_or_new(root: Path, originals: dict[str, bytes], fixed: dict[str, bytes]) -> tuple[int, int]:
    """Every file is byte-for-byte the original or the fixed version; returns (old, new) counts."""
    old = new = 0
    for rel, before in originals.items():
        now = (root / rel).read_bytes()
        assert now in (before, fixed[rel]), f"{rel} is neither the original nor the fixed file ({len(now)} bytes)"
        if now == before:
            old += 1
        else:
            new += 1
            if rel.endswith(".ipynb"):
                assert json.loads(now)["nbformat"] == 4
    return old, new


@pytest.mark.parametrize("fail_at", [1, 7, NOTEBOOKS])
def test_a_failing_rename_leaves_files_old_or_new_and_no_temporary_files(tmp_path, monkeypatch, fail_at):
    root = tmp_path / "repo"
    originals = fixable_repo(root)
    fixed = fixed_versions(root, originals)
    calls = {"n": 0}
    real_replace = os.replace

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(reprocheck.fix.os, "replace", flaky_replace)
    result = run_cli(str(root), "--select", "NB001,DEP006", "--no-cache", "--fix")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "No space left on device" in result.stderr
    old, new = assert_old_or_new(root, originals, fixed)
    assert new == fail_at - 1 and old == len(originals) - new
    assert temp_files(root) == []


def test_a_failing_write_keeps_the_original_and_no_temporary_file(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    originals = fixable_repo(root, notebooks=3)
    fixed = fixed_versions(root, originals)

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reprocheck.fix.os, "fsync", full_disk)
    result = run_cli(str(root), "--select", "NB001,DEP006", "--no-cache", "--fix")
    assert result.exit_code == 2, result.stderr
    assert assert_old_or_new(root, originals, fixed) == (len(originals), 0)
    assert temp_files(root) == []


# A fix run whose writes are slowed down (each fsync sleeps) so that a signal lands in the middle of the writes.
SLOW_FIX = """
import os, signal, sys, time
# Ctrl-C as a terminal sends it: a parent that ignores SIGINT (a pytest-xdist worker) passes SIG_IGN down to its
# children, and Python then installs no KeyboardInterrupt handler, so the signal would never land.
signal.signal(signal.SIGINT, signal.default_int_handler)
real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    time.sleep(0.05)
os.fsync = slow_fsync
sys.argv = ["reprocheck", "--select", "NB001,DEP006", "--no-cache", "--fix", "."]
from reprocheck.cli import main
main()
"""


def interrupt_mid_fix(root: Path, originals: dict[str, bytes], sig: int) -> tuple[int, str]:
    """Start a slowed-down fix, send `sig` once a file has been rewritten; returns (exit status, stderr)."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_FIX], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    watched = [root / rel for rel in sorted(originals)[:3]]
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.read_bytes() != originals[p.relative_to(root).as_posix()] for p in watched):
            break
        time.sleep(0.002)
    process.send_signal(sig)
    _stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_killed_fix_leaves_every_file_old_or_new(tmp_path, sig):
    root = tmp_path / "repo"
    originals = fixable_repo(root)
    fixed = fixed_versions(root, originals)
    status, stderr = interrupt_mid_fix(root, originals, sig)
    old, new = assert_old_or_new(root, originals, fixed)
    assert old and new, "the signal did not land in the middle of the fix"
    leftovers = temp_files(root)
    if sig == signal.SIGINT:
        assert status == 130 and "Traceback" not in stderr, stderr  # typer turns Ctrl-C into a quiet exit 130
    # Nothing can clean up after SIGKILL, and a Ctrl-C landing between two writes can still strand the next
    # temporary file (see test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing): at most one is left,
    # beside its untouched original.
    assert len(leftovers) <= 1
    assert all(p.name.startswith(".") and p.name.endswith(".reprocheck-tmp") for p in leftovers)
    rerun = run_cli(str(root), "--select", "NB001,DEP006", "--no-cache", "--fix")  # a second run finishes the job
    assert rerun.exit_code == 0, rerun.stdout + rerun.stderr
    assert assert_old_or_new(root, originals, fixed) == (0, len(originals))


def test_fix_never_replaces_a_symbolic_link_by_a_file(tmp_path):
    root = tmp_path / "repo"
    write_files(root, {"shared/eval.ipynb": dirty_notebook(), **STRIP_POLICY})
    (root / "notebooks").mkdir()
    (root / "notebooks" / "eval.ipynb").symlink_to("../shared/eval.ipynb")
    run_cli(str(root), "--select", "NB001", "--no-cache", "--fix")
    assert (root / "notebooks" / "eval.ipynb").is_symlink()


def test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    originals = fixable_repo(root, notebooks=2)
    real_create = reprocheck.fix.create_exclusive
    created = []

    def interrupted_create(path):
        real_create(path)  # the file exists: then the signal's KeyboardInterrupt is raised
        created.append(path)
        raise KeyboardInterrupt

    monkeypatch.setattr(reprocheck.fix, "create_exclusive", interrupted_create)
    result = run_cli(str(root), "--select", "NB001,DEP006", "--no-cache", "--fix")
    assert result.exit_code == 130
    assert {rel: (root / rel).read_bytes() for rel in originals} == originals
    assert temp_files(root) == []
    assert created and not created[0].exists()  # it was created, then removed


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(notebook=reshaped(json.loads(dirty_notebook())), indent=st.sampled_from([None, 1, 2, 4]))
def test_fixing_any_notebook_shape_writes_a_notebook_or_nothing(notebook, indent):
    """NB001's strip on notebooks of odd shapes: the fix never crashes, and what it writes is still nbformat 4
    JSON with the same cells, sources and metadata keys it did not mean to drop."""
    with workspace() as space:
        original = json.dumps(notebook, indent=indent, default=str)
        root = space.write({"eval.ipynb": original, **STRIP_POLICY})
        result = run_cli(str(root), "--select", "NB,RPC002", "--no-cache", "--fix", "--output-format", "json")
        assert result.exit_code in (0, 1), result.stderr
        assert result.json["summary"]["rule_errors"] == []
        after = (root / "eval.ipynb").read_text("utf-8")
        assert temp_files(root) == []
        if after != original:
            fixed = json.loads(after)
            assert fixed["nbformat"] == 4 and len(fixed["cells"]) == len(notebook["cells"])
            for before, now in zip(notebook["cells"], fixed["cells"], strict=True):
                assert now["source"] == before["source"] and now["cell_type"] == before["cell_type"]

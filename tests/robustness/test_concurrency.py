"""Runs at once on the same repository (shared `.reprocheck_cache/`) never corrupt the cache or each other's output.

Everything goes through the console script in separate processes, as two terminals or a pre-commit hook next to
an editor integration would run it. Outputs are compared with a sequential run without the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import git, write_files
from tests.robustness.seeds import REPOSITORY

REPROCHECK = str(Path(sys.executable).parent / "reprocheck")
RUNS = 4
HOUR_AGO = time.time() - 3600


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A realistic committed repository whose files are old enough for the cache to engage (it refuses files
    modified in the last seconds)."""
    root = tmp_path_factory.mktemp("concurrent") / "repo"
    write_files(root, REPOSITORY)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    age(root)
    return root


def age(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            os.utime(path, (HOUR_AGO, HOUR_AGO))


def command(*args: str) -> list[str]:
    return [REPROCHECK, "--select", "ALL", "--output-format", "json", *args, "."]


def run_together(root: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Start every command before waiting for any."""
    processes = [
        subprocess.Popen(c, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands
    ]
    return [(p.wait(timeout=300), *p.communicate(timeout=300)) for p in processes]


def sequential(root: Path) -> tuple[int, str]:
    done = subprocess.run(command("--no-cache"), cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and done.stderr == "", done.stderr
    return done.returncode, done.stdout


def drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".reprocheck_cache", ignore_errors=True)


def cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".reprocheck_cache" / "runs").glob("*.json"))


def assert_cache_intact(root: Path) -> None:
    runs = root / ".reprocheck_cache" / "runs"
    leftovers = [p.name for p in runs.iterdir() if p.name.startswith(".tmp-")] if runs.exists() else []
    assert leftovers == []
    for entry in cache_entries(root):
        data = json.loads(entry.read_text("utf-8"))  # complete, never half-written
        assert data["format"] and isinstance(data["findings"], list)


@pytest.mark.parametrize("mix", ["all-cached", "cached-and-uncached"])
def test_concurrent_runs_print_what_a_sequential_run_prints(repo, mix):
    status, expected = sequential(repo)
    for attempt in ("cold", "warm"):
        if attempt == "cold":
            drop_cache(repo)
        extra = [[] if mix == "all-cached" or i % 2 else ["--no-cache"] for i in range(RUNS)]
        results = run_together(repo, [command(*e) for e in extra])
        for code, stdout, stderr in results:
            assert (code, stderr) == (status, ""), stderr
            assert json.loads(stdout) == json.loads(expected), f"{attempt}: output differs from the sequential run"
        assert_cache_intact(repo)
    assert cache_entries(repo), "the cache never engaged: the test would prove nothing"


def test_concurrent_runs_writing_their_own_output_files(repo, tmp_path):
    """Reports written beside the repository (inside it they would be new files for the other runs to check)."""
    _status, expected = sequential(repo)
    results = run_together(repo, [command("-o", str(tmp_path / f"out{i}.json")) for i in range(RUNS)])
    assert all(stderr == "" for _code, _out, stderr in results)
    for i in range(RUNS):
        assert json.loads((tmp_path / f"out{i}.json").read_text("utf-8")) == json.loads(expected)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b"\x00\xff" * 50,
        b"[]",
        b'{"format": 999}',
        b'{"format": 1}',
        b'{"format": 1, "findings": 5, "suppressed": [], "to_run": [], "fail_on": "x"}',
    ],
    ids=["empty", "truncated", "binary", "list", "other-format", "missing-keys", "wrong-types"],
)
def test_a_damaged_cache_is_a_miss_never_a_crash_nor_a_wrong_answer(repo, damage):
    status, expected = sequential(repo)
    drop_cache(repo)
    subprocess.run(command(), cwd=repo, capture_output=True, check=False, timeout=300)
    entries = cache_entries(repo)
    assert entries
    for entry in entries:
        entry.write_bytes(damage)
    try:
        done = subprocess.run(command(), cwd=repo, capture_output=True, text=True, timeout=300, check=False)
    finally:
        drop_cache(repo)
    assert (done.returncode, done.stderr) == (status, ""), done.stderr
    assert json.loads(done.stdout) == json.loads(expected)


def test_a_run_while_files_change_never_serves_a_stale_answer(repo):
    """A cached answer is never served after an edit, even one made right after the entry was written."""
    drop_cache(repo)
    first = subprocess.run(command(), cwd=repo, capture_output=True, text=True, timeout=300, check=False)
    target = repo / "configs" / "train.yaml"
    original = target.read_text("utf-8")
    try:
        target.write_text(original.replace("seed: ${oc.env:SEED}", "seed: 0"), encoding="utf-8")
        after = subprocess.run(command(), cwd=repo, capture_output=True, text=True, timeout=300, check=False)
        uncached = subprocess.run(command("--no-cache"), cwd=repo, capture_output=True, text=True, timeout=300)
        assert json.loads(after.stdout) == json.loads(uncached.stdout)
        assert json.loads(after.stdout) != json.loads(first.stdout)
    finally:
        target.write_text(original, encoding="utf-8")
        age(repo)

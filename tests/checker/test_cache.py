"""The run cache: a warm run reports exactly what a cold run reports, and any change that matters invalidates it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import git, run_cli

FILES = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy>=1"]\n',
    "requirements.txt": "numpy\npandas>=2\n",
    "src/demo/__init__.py": "",
    "src/demo/train.py": "import numpy as np\n\nif __name__ == '__main__':\n    print(np.random.rand())\n",
    "configs/train.yaml": "lr: 1e-3\nepochs: 3\n",
    "notebooks/a.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
}


def age(root: Path, seconds: float = 60) -> None:
    """Backdate every file (and git's index) so the tree is older than the cache's racy window."""
    past = time.time() - seconds
    for current, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".reprocheck_cache"]
        for name in names:
            os.utime(os.path.join(current, name), (past, past), follow_symlinks=False)


def report(root: Path, *args: str) -> dict:
    result = run_cli(str(root), "--select", "ALL", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.json


def entries(root: Path) -> list[Path]:
    runs = root / ".reprocheck_cache" / "runs"
    return sorted(runs.glob("*.json")) if runs.exists() else []


@pytest.fixture
def repo(make_repo):
    root = make_repo(FILES)
    age(root)
    return root


def test_warm_run_reports_exactly_the_cold_run(repo):
    cold = report(repo, "--no-cache")
    assert cold["findings"], "the fixture must have findings for this test to mean anything"
    assert entries(repo) == []  # --no-cache neither reads nor writes
    first = report(repo)
    assert len(entries(repo)) == 1
    warm = report(repo)
    assert len(entries(repo)) == 1
    assert cold["findings"] == first["findings"] == warm["findings"]
    assert cold["summary"] == warm["summary"]


def test_cache_ignores_itself(repo):
    report(repo)
    assert (repo / ".reprocheck_cache" / ".gitignore").read_text().strip().endswith("*")
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    "change",
    ["edit-file", "edit-config", "new-file", "git-add", "settings-cli", "settings-file"],
)
def test_changes_invalidate(repo, change):
    report(repo)
    before = report(repo)
    if change == "edit-file":
        (repo / "requirements.txt").write_text("numpy==1.26.4\npandas==2.2.2\n")
    elif change == "edit-config":
        (repo / "configs" / "train.yaml").write_text("lr: 0.001\nepochs: 3\nseed: 1\n")
    elif change == "new-file":
        (repo / "src" / "demo" / "eval.py").write_text(
            "import random\n\nif __name__ == '__main__':\n    print(random.random())\n"
        )
    elif change == "git-add":
        (repo / ".env").write_text("TOKEN=abc\n")
        age(repo)
        report(repo)
        git(repo, "add", ".env")
    elif change == "settings-file":
        with open(repo / "pyproject.toml", "a") as handle:
            handle.write('\n[tool.reprocheck]\nignore = ["DEP001"]\n')
    age(repo)
    args = ("--ignore", "DEP001") if change == "settings-cli" else ()
    after = report(repo, *args)
    cold = report(repo, "--no-cache", *args)
    assert after["findings"] == cold["findings"]
    assert after["findings"] != before["findings"]


def test_fresh_files_are_not_cached(make_repo):
    root = make_repo(FILES)  # just written: inside the racy window
    report(root)
    assert entries(root) == []


def test_unreadable_cache_entries_are_misses(repo):
    report(repo)
    for entry in entries(repo):
        entry.write_text("{not json")
    assert report(repo)["findings"] == report(repo, "--no-cache")["findings"]


def test_cache_dir_setting(repo):
    with open(repo / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.reprocheck]\ncache-dir = "build/rc-cache"\n')
    age(repo)
    report(repo)
    assert list((repo / "build" / "rc-cache" / "runs").glob("*.json"))
    assert not (repo / ".reprocheck_cache").exists()


def test_a_new_origin_remote_invalidates(repo):
    """CI003 reads the project's own GitHub account from the origin remote in .git/config."""
    workflow = repo / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: myorg/setup-env@v1\n"
    )
    git(repo, "add", ".github")
    age(repo)
    report(repo)
    before = ci003(report(repo))
    git(repo, "remote", "add", "origin", "https://github.com/myorg/project.git")
    age(repo)
    after = ci003(report(repo))
    assert after == ci003(report(repo, "--no-cache"))
    assert [(f["path"], f["line"]) for f in before] == [(".github/workflows/ci.yml", 6)] and after == []


def ci003(found: dict) -> list[dict]:
    return [f for f in found["findings"] if f["code"] == "CI003"]


def test_clean_removes_the_cache_and_nothing_else(repo):
    report(repo)
    assert list((repo / ".reprocheck_cache").iterdir())
    done = run_cli("clean", str(repo))
    assert done.exit_code == 0 and "Removed" in done.stdout
    assert not (repo / ".reprocheck_cache").exists()
    assert run_cli("clean", str(repo)).stdout.startswith("No cache at")
    assert report(repo)["findings"] == report(repo, "--no-cache")["findings"]  # the next run is cold and equal


def test_clean_refuses_a_folder_reprocheck_did_not_make(repo):
    with open(repo / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.reprocheck]\ncache-dir = "src"\n')
    done = run_cli("clean", str(repo))
    assert done.exit_code == 2 and "not a reprocheck cache" in done.stderr
    assert (repo / "src" / "demo" / "train.py").exists()

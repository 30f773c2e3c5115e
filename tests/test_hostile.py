"""Hostile repositories: odd files must yield findings or RPC002, never a crash, a hang or a read outside the root."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write_files

# The console script, as users run it: unlike `python -m`, it never puts the checked folder on sys.path.
REPROCHECK = str(Path(sys.executable).parent / "reprocheck")
BASIC = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy==1.26.4"]\n',
    "src/demo/__init__.py": "",
    "src/demo/train.py": (
        "import random\nimport numpy as np\n\n\ndef main():\n    random.seed(0)\n    np.random.seed(0)\n"
        "    print(np.random.rand())\n\n\nif __name__ == '__main__':\n    main()\n"
    ),
    "configs/train.yaml": "seed: 1\nlr: 0.001\n",
}


def run_all(root: Path, *extra: str) -> dict:
    """Every rule, JSON output, in a subprocess with a hang guard; asserts a clean exit (0 or 1)."""
    done = subprocess.run(
        [REPROCHECK, "--select", "ALL", "--no-cache", "--output-format", "json", *extra, "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def rpc002_paths(report: dict) -> set[str]:
    return {f["path"] for f in report["findings"] if f["code"] == "RPC002"}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, BASIC)
    return root


def commit_all(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")


def test_symlink_loops_and_links_out_of_the_repo_are_not_followed(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("seed: [unclosed\n")
    (repo / "configs" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (repo / "loop").mkdir()
    (repo / "loop" / "self").symlink_to(repo / "loop")
    (repo / "a.yaml").symlink_to(repo / "b.yaml")
    (repo / "b.yaml").symlink_to(repo / "a.yaml")
    for use_git in (False, True):
        if use_git:
            commit_all(repo)
        report = run_all(repo)
        messages = " ".join(f["message"] for f in report["findings"])
        assert "unclosed" not in messages  # the outside file was never parsed


def test_odd_encodings_and_binary_files_with_text_extensions(repo):
    write_files(
        repo,
        {
            "configs/latin1.yaml": "name: caf\xe9\nseed: 3\n".encode("latin-1"),
            "configs/utf16.yaml": "seed: 4\n".encode("utf-16"),
            "configs/binary.yaml": b"\x00\x01\x02seed: 1\x00" * 100,
            "src/demo/binary.py": b"\x89PNG\r\n\x1a\n\x00\x00" * 50,
            "notebooks/binary.ipynb": random.Random(0).randbytes(2048),
            "requirements.txt": b"\xff\xfe\x00n\x00u\x00m",
        },
    )
    report = run_all(repo)
    assert "configs/binary.yaml" in rpc002_paths(report)


def test_huge_file_is_never_read_whole(repo):
    big = repo / "data.yaml"
    with open(big, "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    (repo / "model.py").write_bytes(b"x = 1\n")
    with open(repo / "model.py", "ab") as handle:
        handle.truncate(200 * 1024 * 1024)
    report = run_all(repo)
    assert report["summary"]["rule_errors"] == []


def test_special_files_are_refused_not_opened(repo):
    os.mkfifo(repo / "configs" / "pipe.yaml")  # opening it for reading would block forever
    report = run_all(repo)
    assert report["summary"]["rule_errors"] == []


def test_yaml_alias_bomb_and_deep_nesting_are_refused(repo):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    write_files(repo, {"configs/bomb.yaml": "\n".join(lines) + "\nseed: 1\n"})
    write_files(repo, {"configs/deep.yaml": "seed: 1\nx: " + "[" * 50000 + "]" * 50000 + "\n"})
    report = run_all(repo)
    assert {"configs/bomb.yaml", "configs/deep.yaml"} <= rpc002_paths(report)


def test_notebook_with_ten_thousand_cells(repo):
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [f"x{i} = {i}\n"]}
        for i in range(10_000)
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    write_files(repo, {"notebooks/big.ipynb": json.dumps(notebook, indent=1)})
    report = run_all(repo)
    assert report["summary"]["rule_errors"] == []


def test_paths_with_spaces_and_non_ascii_names(repo):
    write_files(
        repo,
        {
            "my configs/exp é.yaml": "seed: 1\n",
            "configs/données/über model.yaml": "lr: 1e-3\nseed: 2\n",
            "src/demo/scripts with space/run ü.py": "import random\nprint(random.random())\n",
        },
    )
    for use_git in (False, True):
        if use_git:
            commit_all(repo)
        report = run_all(repo)
        assert all("\\" not in f["path"] for f in report["findings"])


@pytest.mark.parametrize("layout", ["no-git", "no-commits", "shallow", "nested"])
def test_repository_layouts(repo, tmp_path, layout):
    target = repo
    if layout == "no-commits":
        git(repo, "init", "-q", "-b", "main")
    elif layout == "shallow":
        commit_all(repo)
        write_files(repo, {"configs/more.yaml": "seed: 5\n"})
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "second")
        clone = tmp_path / "shallow"
        subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True)
        target = clone
    elif layout == "nested":
        outer = tmp_path / "outer"
        outer.mkdir()
        write_files(outer, {"README.md": "outer\n", "configs/outer.yaml": "lr: 1e-3\n"})
        commit_all(outer)
        inner = outer / "sub" / "inner"
        shutil.copytree(repo, inner)
        commit_all(inner)
        target = inner
    report = run_all(target)
    paths = {f["path"] for f in report["findings"]}
    assert not any(p.startswith("..") or p.startswith("/") for p in paths)
    if layout == "nested":
        assert "configs/outer.yaml" not in paths


SENTINEL_CODE = "import pathlib; pathlib.Path({path!r}).write_text('executed')\n"


def test_nothing_of_the_checked_repository_is_executed(repo, tmp_path):
    sentinel = tmp_path / "SENTINEL"
    code = SENTINEL_CODE.format(path=str(sentinel))
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [code]}
    write_files(
        repo,
        {
            "setup.py": code,
            "conftest.py": code,
            "noxfile.py": code,
            "src/demo/__init__.py": code,
            "sitecustomize.py": code,
            "yaml.py": code,  # would shadow PyYAML if the checked folder were ever put on sys.path
            "typer.py": code,
            "src/demo/__main__.py": code + "if __name__ == '__main__':\n    pass\n",
            "notebooks/run.ipynb": json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
            "Makefile": f"check:\n\tpython -c {code!r}\n",
            ".pre-commit-config.yaml": "repos: []\n",
        },
    )
    commit_all(repo)
    run_all(repo)
    subprocess.run(
        [REPROCHECK, "--select", "ALL", "--no-cache", "--fix", "."],
        cwd=repo,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert not sentinel.exists()


def test_no_network_is_used(repo, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("reprocheck opened a network connection")

    write_files(
        repo,
        {
            "configs/schema.json": json.dumps(
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$ref": "https://example.invalid/remote.schema.json",
                }
            ),
            "configs/remote.yaml": "# yaml-language-server: $schema=schema.json\nseed: 1\n",
        },
    )
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = run_cli(str(repo), "--select", "ALL", "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr

"""Hostile repositories: odd files must yield findings or RPC002, never a crash, a hang or a read outside the root."""

from __future__ import annotations

import json
import os
import pickle
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


class Payload:
    """Unpickling this runs Python code (what `pickle.load`, `torch.load` or `joblib.load` would do)."""

    def __init__(self, code: str):
        self.code = code

    def __reduce__(self):
        return (exec, (self.code,))


def booby_trapped_repository(sentinel: Path) -> dict[str, str | bytes]:
    """Every file a careless checker could run, import, load or build, each writing `sentinel` if it did."""
    code = SENTINEL_CODE.format(path=str(sentinel))
    touch = f"touch {sentinel}"
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [code]}
    magic = {**cell, "source": [f"!{touch}\n", f"%pip install --target {sentinel} x\n"]}
    bash = {**cell, "source": [f"%%bash\n{touch}\n"]}
    notebook = {"cells": [cell, magic, bash], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    pickled = pickle.dumps(Payload(code))
    yaml_tag = f"!!python/object/apply:os.system [{touch!r}]"
    return {
        "setup.py": code,
        "conftest.py": code,
        "tests/conftest.py": code,
        "noxfile.py": code,
        "src/demo/__init__.py": code,
        "sitecustomize.py": code,
        "usercustomize.py": code,
        "yaml.py": code,  # would shadow PyYAML if the checked folder were ever put on sys.path
        "typer.py": code,
        "src/demo/__main__.py": code + "if __name__ == '__main__':\n    pass\n",
        "evil.pth": code,  # run at start-up if this folder were a site directory
        ".venv/lib/python3.11/site-packages/evil.pth": code,
        "build_backend.py": code,
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "build_backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy==1.26.4"]\n'
        '[project.scripts]\ndemo = "demo.__main__:main"\n',
        "notebooks/run.ipynb": json.dumps(notebook),
        "Makefile": f"NOW := $(shell {touch})\ninclude evil.mk\ncheck:\n\tpython -c {code!r}\n\t{touch}\n",
        "evil.mk": f"$(shell {touch})\n",
        "Dockerfile": f"# syntax=docker/dockerfile:1\nFROM python:3.11@sha256:{'a' * 64}\nRUN {touch}\nCMD {touch}\n",
        "scripts/setup.sh": f"#!/bin/sh\n{touch}\n",
        "dvc.yaml": f"stages:\n  train:\n    cmd: {touch}\n    deps: [params.yaml]\n",
        "params.yaml": f"seed: 1\nevil: {yaml_tag}\n",
        "configs/train.yaml": f"seed: 1\nmodel:\n  _target_: os.system\n  _args_: [{touch!r}]\n  command: {touch}\n",
        "configs/tagged.yaml": f"seed: 1\nx: {yaml_tag}\ny: !!python/name:os.system\n",
        "environment.yml": f"name: x\ndependencies:\n  - pip:\n      - {yaml_tag}\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-22.04\n    steps:\n"
        f"      - run: {touch}\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: evil\n        name: evil\n"
        f"        entry: {touch}\n        language: system\n",
        "copier.yml": f"_tasks:\n  - {touch}\n",
        "tox.ini": f"[testenv]\ncommands = {touch}\n",
        "models/model.pkl": pickled,
        "models/model.pt": pickled,
        "models/model.joblib": pickled,
        "data/frame.pickle": pickled,
        ".gitattributes": "*.py filter=evil diff=evil\n",
    }


def test_nothing_of_the_checked_repository_is_executed(repo, tmp_path):
    sentinel = tmp_path / "SENTINEL"
    write_files(repo, booby_trapped_repository(sentinel))
    commit_all(repo)
    (repo / "src" / "demo" / "train.py").write_text("import demo\n")  # a change to fix-and-recheck around
    run_all(repo)
    for extra in (["--fix"], ["--diff"], ["--output-format", "sarif"]):
        subprocess.run(
            [REPROCHECK, "--select", "ALL", *extra, "."], cwd=repo, capture_output=True, timeout=300, check=False
        )
    assert not sentinel.exists()


def test_only_git_is_ever_started(repo, tmp_path, monkeypatch):
    """In-process, every program the checker starts is recorded: git alone, never a shell."""
    write_files(repo, booby_trapped_repository(tmp_path / "SENTINEL"))
    commit_all(repo)
    started: list[list[str]] = []
    real_popen = subprocess.Popen.__init__

    def recording(self, args, *rest, **kwargs):
        started.append([str(a) for a in args] if isinstance(args, (list, tuple)) else [str(args)])
        assert not kwargs.get("shell"), args
        real_popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    result = run_cli(str(repo), "--select", "ALL", "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert started and {argv[0] for argv in started} == {"git"}
    assert not (tmp_path / "SENTINEL").exists()


PROGRAMS_IN_GIT_CONFIG = {
    "core.fsmonitor": "{touch}; echo",  # run by every command that reads the index (ls-files, grep)
    "core.hooksPath": "{hooks}",
    "core.pager": "{touch}; cat",
    "pager.grep": "{touch}; cat",
    "diff.external": "{touch}",
    "diff.evil.textconv": "{touch}; cat",
    "filter.evil.clean": "{touch}; cat",
    "filter.evil.smudge": "{touch}; cat",
    "filter.evil.process": "{touch}",
    "core.sshCommand": "{touch}",
    "alias.ls-files": "!{touch}",
}


def test_programs_named_in_the_repository_git_config_are_never_run(repo, tmp_path):
    sentinel = tmp_path / "SENTINEL"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("pre-commit", "post-checkout", "post-index-change", "fsmonitor-watchman", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {sentinel}\n")
        (hooks / hook).chmod(0o755)
    write_files(repo, {".gitattributes": "* filter=evil diff=evil\n", "conflict.txt": "<<<<<<< HEAD\nx\n"})
    commit_all(repo)
    (repo / "src" / "demo" / "train.py").write_text("import demo\n")  # a modified file: git refreshes the index
    for key, value in PROGRAMS_IN_GIT_CONFIG.items():
        git(repo, "config", key, value.format(touch=f"touch {sentinel}", hooks=hooks))
    run_all(repo)
    assert not sentinel.exists()


def test_no_network_is_used(repo, monkeypatch):
    """Every family on inputs full of remote references (schemas, indexes, VCS and archive URLs, hub models and
    datasets, remote actions, GitLab includes, DVC remotes) with every way to open a connection refused."""
    from tests.robustness.seeds import REPOSITORY

    def refuse(*args, **kwargs):
        raise AssertionError("reprocheck opened a network connection")

    write_files(repo, REPOSITORY)
    write_files(
        repo,
        {
            "configs/schema.json": json.dumps(
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$ref": "https://example.invalid/remote.schema.json",
                    "properties": {"lr": {"$ref": "http://example.invalid/lr.json#/defs/lr"}},
                }
            ),
            "configs/remote.yaml": "# yaml-language-server: $schema=schema.json\nseed: 1\n",
            "configs/remote-meta.yaml": "# yaml-language-server: $schema=https://example.invalid/s.json\nseed: 1\n",
            "configs/remote-key.json": json.dumps({"$schema": "https://example.invalid/s.json", "seed": 1}),
            "requirements-urls.txt": "--index-url https://example.invalid/simple\n--find-links https://example.invalid/w\n"
            "pkg @ https://example.invalid/pkg-1.0.tar.gz\ngit+ssh://git@example.invalid/o/r.git@main#egg=r\n",
            "src/demo/hub.py": "import torch\nimport requests\nfrom huggingface_hub import hf_hub_download\n"
            "from urllib.request import urlretrieve\n\n\ndef load():\n"
            "    torch.hub.load('org/repo', 'model')\n    hf_hub_download('org/m', 'w.bin')\n"
            "    urlretrieve('https://example.invalid/d.csv', 'd.csv')\n"
            "    return requests.get('https://example.invalid/data.csv')\n",
            ".gitlab-ci.yml": "include:\n  - remote: https://example.invalid/ci.yml\n"
            "  - template: Python.gitlab-ci.yml\ntest:\n  script: [pytest]\n",
        },
    )
    commit_all(repo)
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    sarif = run_cli(str(repo), "--select", "ALL", "--no-cache", "--output-format", "sarif")
    assert sarif.exit_code in (0, 1), sarif.stderr
    for extra in ([], ["--fix"]):
        result = run_cli(str(repo), "--select", "ALL", "--no-cache", "--output-format", "json", *extra)
        assert result.exit_code in (0, 1), result.stderr
        assert result.json["summary"]["rule_errors"] == []
    remote = [f["message"] for f in result.json["findings"] if "never fetched" in f["message"]]
    assert remote, "the remote $ref was not even seen"


ODD_NAMES = {
    b"caf\xe9.yaml": b"seed: 1\n",  # Latin-1 bytes: not UTF-8, comes back from the OS as a lone surrogate
    b"configs/bad\xff name.yaml": b"seed: [\n",
    b"line\nbreak.py": b"import numpy\n",
    b"tab\there.ipynb": b"{",
    b"configs/-dash.yaml": b"seed: 1\n",
    b"\xe2\x80\xaertl.py": b"import torch\n",  # a right-to-left override in the name
}
FORMATS = ["json", "full", "concise", "github", "gitlab", "junit", "markdown"]  # and sarif


@pytest.mark.parametrize("output_format", [*FORMATS, "sarif"])
@pytest.mark.parametrize("use_git", [False, True], ids=["walk", "git"])
def test_file_names_that_are_not_utf8_or_hold_control_characters(repo, output_format, use_git):
    for name, content in ODD_NAMES.items():
        path = os.path.join(os.fsencode(repo), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    if use_git:
        commit_all(repo)
    done = subprocess.run(
        [REPROCHECK, "--select", "ALL", "--no-cache", "--output-format", output_format, "."],
        cwd=repo,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr and done.stderr == b"", done.stderr
    if output_format == "json":
        assert "configs/bad\udcff name.yaml" in rpc002_paths(json.loads(done.stdout.decode("utf-8", "surrogateescape")))

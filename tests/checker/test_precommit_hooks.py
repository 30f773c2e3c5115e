"""The pre-commit hooks this repository publishes: manifest, `files` pattern, and a real `pre-commit try-repo`.

try-repo installs the hook environment from the local checkout; pip still fetches the runtime dependencies
(typer, PyYAML, ...) from the package index, so the slow test skips itself when the index is unreachable.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reprocheck import filekinds
from tests.conftest import GIT_ENV, REPO_ROOT, git

MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
HOOKS = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text("utf-8"))}
FILES = re.compile(HOOKS["reprocheck"]["files"])

CHECKED = [
    "train.py",
    "src/pkg/model.py",
    "notebooks/explore.ipynb",
    "Dockerfile",
    "docker/gpu/Dockerfile",
    "Dockerfile.gpu",
    "Dockerfile-cpu",
    "Containerfile",
    "serve.Dockerfile",
    "images/app.dockerfile",
    "requirements.txt",
    "requirements-dev.in",
    "requirements/base.txt",
    "reqs/test.in",
    "constraints.txt",
    "dev-requirements.txt",
    "environment.yml",
    "environment-gpu.yaml",
    "configs/train.yaml",
    "params.yaml",
    "dvc.yaml",
    "dvc.lock",
    "data/raw.csv.dvc",
    ".dvc/config.toml",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    "pyproject.toml",
    "reprocheck.toml",
    "schemas/config.schema.json",
    "Makefile",
    "mk/rules.mk",
    "scripts/run.sh",
    "scripts/run.bash",
    ".dockerignore",
    "api.dockerignore",
    ".gitignore",
    ".gitattributes",
    ".python-version",
    "runtime.txt",
    ".env",
    "setup.cfg",
    "tox.ini",
    "uv.lock",
    "poetry.lock",
    "src/pkg/__init__.py.rej",
]
NOT_CHECKED = ["README.md", "LICENSE", "docs/guide.md", "assets/logo.png", "src/pkg/stub.pyi", ".github/CODEOWNERS"]
ARTIFACTS = ["data/train.csv", "models/model.pt", "weights.safetensors", "cache/x.npz", "features.parquet"]


def test_manifest_declares_both_hooks():
    assert set(HOOKS) == {"reprocheck", "reprocheck-fix"}
    check, fix = HOOKS["reprocheck"], HOOKS["reprocheck-fix"]
    assert check["entry"] == "reprocheck" and fix["entry"] == "reprocheck --fix"
    for hook in (check, fix):
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False  # the rules compare files: the whole repository is checked
        assert hook["require_serial"] is True
        assert hook["files"] == check["files"]


@pytest.mark.parametrize("path", CHECKED)
def test_files_pattern_matches_every_kind_the_checker_reads(path):
    assert filekinds.is_checked_text(path), path
    assert FILES.search(path), path


@pytest.mark.parametrize("path", ARTIFACTS)
def test_files_pattern_matches_data_artifacts(path):
    assert FILES.search(path), path


@pytest.mark.parametrize("path", NOT_CHECKED)
def test_files_pattern_skips_what_the_checker_never_reads(path):
    assert not filekinds.is_checked_text(path)
    assert not FILES.search(path), path


SEGMENT = st.sampled_from(
    ["src", "pkg", "configs", "conf", "requirements", "reqs", "docker", "tests", ".github", "workflows", "a b", "x.y"]
)
STEM = st.sampled_from(
    [
        "Dockerfile",
        "Containerfile",
        "requirements",
        "constraints",
        "dev-requirements",
        "environment",
        "Makefile",
        "GNUmakefile",
        "runtime",
        "setup",
        ".env",
        ".gitignore",
        ".dockerignore",
        "train",
        "README",
        "notes",
    ]
)
SUFFIX = st.sampled_from(
    [
        *("", ".py", ".pyi", ".ipynb", ".txt", ".in", ".yml", ".yaml", ".json", ".toml", ".sh", ".mk", ".cfg"),
        *(".lock", ".dvc", ".rej", ".md", ".png", ".gpu", "-cpu", "_x", ".Dockerfile", ".dockerignore", ".jinja"),
        ".csv",
    ]
)


@settings(max_examples=400, deadline=None)
@given(dirs=st.lists(SEGMENT, max_size=3), stem=STEM, suffix=SUFFIX)
def test_files_pattern_covers_is_checked_text(dirs, stem, suffix):
    path = "/".join([*dirs, stem + suffix])
    if filekinds.is_checked_text(path):
        assert FILES.search(path), path


# -- a real run of the published hooks -------------------------------------------------------------------------
def throwaway_copy(destination: Path) -> Path:
    """This checkout as pre-commit would clone it: tracked and untracked-not-ignored files, one commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = REPO_ROOT / rel
        if source.is_file():
            target = destination / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "init", "-q", "-b", "main")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "snapshot")
    return destination


NETWORK_TROUBLE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "No matching distribution",
)


@pytest.mark.slow
def test_pre_commit_try_repo_runs_both_hooks(tmp_path, make_repo):
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not Path(pre_commit).exists():
        pytest.skip("pre-commit is not installed")
    source = throwaway_copy(tmp_path / "reprocheck-src")
    notebook = (
        '{"cells": [{"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": '
        '[{"name": "stdout", "output_type": "stream", "text": ["1\\n"]}], "source": ["print(1)"]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    )
    sample = make_repo(
        {
            "reprocheck.toml": 'select = ["RPC", "NB001"]\n',
            "app.py": "x = 1  # reprocheck: ignore[NB001]\n",
            "explore.ipynb": notebook,
            ".gitattributes": "*.ipynb filter=nbstripout\n",  # the project strips notebooks
            "README.md": "# sample\n",
        }
    )
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}

    def try_repo(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [pre_commit, "try-repo", str(source), *args, "--color", "never"],
            cwd=sample,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        log = done.stdout + done.stderr
        if done.returncode == 3 and any(sign in log for sign in NETWORK_TROUBLE):
            pytest.skip("installing the hook environment needs PyPI, which is unreachable")
        return done

    # One run of every hook in the manifest (each try-repo installs a fresh environment, ~15 s): the check
    # fails on the unused suppression and the notebook outputs, then the fix hook strips the outputs.
    done = try_repo("--all-files")
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    check_part, fix_part = done.stdout.split("reprocheck (apply safe fixes)", 1)
    assert "app.py:1: RPC001 [W] unused suppression of NB001" in check_part
    assert "explore.ipynb" in check_part and "NB001" in check_part
    assert "files were modified by this hook" in fix_part
    assert '"outputs": []' in (sample / "explore.ipynb").read_text()
    assert '"execution_count": null' in (sample / "explore.ipynb").read_text()

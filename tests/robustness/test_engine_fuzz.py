"""Mutated realistic repositories never crash the engine: every rule runs, problems become RPC002 findings.

Each case writes a small repository (the mutated file plus the files that make rules read it) into one scratch
folder reused by all examples of the test, checks it with every rule through the real command line, and asserts
exit 0/1, no rule error, no traceback and no hang (see `harness.Workspace.check`).
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reprocheck.facts.structured import tomllib
from tests.conftest import git
from tests.robustness import seeds
from tests.robustness.harness import workspace
from tests.robustness.mutations import mutated_bytes, reshaped, to_json, to_toml, to_yaml

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
R = seeds.REPOSITORY


def subset(*paths: str) -> dict[str, str]:
    return {p: R[p] for p in paths}


# kind -> (files that get mutated, the repository around them)
KINDS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "requirements": (
        ("requirements.txt", "requirements.in", "constraints.txt"),
        subset("requirements.txt", "requirements.in", "constraints.txt", "pyproject.toml", "scripts/train.py"),
    ),
    "pip-compile-lock": (
        ("requirements.txt",),
        {
            "requirements.in": seeds.REQUIREMENTS_IN,
            "requirements.txt": seeds.PIP_COMPILE_LOCK,
            "constraints.txt": seeds.CONSTRAINTS,
            "Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            ".python-version": "3.12\n",
            "src/demo/__init__.py": "import numpy, pandas, torch\n",
        },
    ),
    "uv-lock": (
        ("uv.lock", "pyproject.toml"),
        subset("uv.lock", "pyproject.toml", ".python-version", "src/demo/__init__.py", "src/demo/utils.py")
        | {"Dockerfile": "FROM python:3.11\nCOPY uv.lock pyproject.toml ./\nRUN uv sync\n"},
    ),
    "other-locks": (
        ("poetry.lock", "Pipfile", "Pipfile.lock", "pylock.toml", "conda-lock.yml", "explicit-linux-64.txt"),
        subset("poetry.lock", "Pipfile", "Pipfile.lock", "pylock.toml", "conda-lock.yml", "explicit-linux-64.txt")
        | subset("environment.yml", "src/demo/utils.py"),
    ),
    "dockerfile": (
        ("Dockerfile", ".dockerignore"),
        subset("Dockerfile", ".dockerignore", "requirements.txt", "pyproject.toml", "scripts/train.py"),
    ),
    "shell": (("scripts/setup.sh",), subset("scripts/setup.sh", "scripts/train.py", "requirements.txt")),
    "yaml-configs": (
        ("configs/train.yaml", "configs/model/resnet.yaml", "params.yaml"),
        subset("configs/train.yaml", "configs/model/resnet.yaml", "params.yaml", "configs/schema/train.schema.json"),
    ),
    "json-toml-configs": (
        ("configs/exp.json", "configs/exp.toml", "configs/schema/train.schema.json"),
        subset("configs/exp.json", "configs/exp.toml", "configs/schema/train.schema.json", "configs/train.yaml"),
    ),
    "notebook": (("notebooks/explore.ipynb",), subset("notebooks/explore.ipynb", "requirements.txt")),
    "github-workflow": (
        (".github/workflows/ci.yml", ".github/actions/local/action.yml"),
        subset(".github/workflows/ci.yml", ".github/actions/local/action.yml", "requirements.txt", "uv.lock")
        | subset("pyproject.toml"),
    ),
    "gitlab-ci": ((".gitlab-ci.yml",), subset(".gitlab-ci.yml", "requirements.txt", "pyproject.toml")),
    "pre-commit": ((".pre-commit-config.yaml",), subset(".pre-commit-config.yaml", ".github/workflows/ci.yml")),
    "python": (
        ("scripts/train.py", "src/demo/utils.py", "setup.py"),
        subset("scripts/train.py", "src/demo/utils.py", "src/demo/__init__.py", "setup.py", "pyproject.toml"),
    ),
    "dvc": (
        ("dvc.yaml", "dvc.lock", "data/raw.csv.dvc", ".dvc/config", "params.yaml"),
        subset("dvc.yaml", "dvc.lock", "data/raw.csv.dvc", ".dvc/config", "params.yaml", "scripts/train.py"),
    ),
    "conda": (("environment.yml",), subset("environment.yml", "requirements.txt", "src/demo/utils.py")),
    "makefile": (("Makefile",), subset("Makefile", "scripts/train.py", "requirements.in")),
    "copier-answers": ((".copier-answers.yml",), subset(".copier-answers.yml")),
    "project-metadata": (
        ("pyproject.toml", "setup.cfg", "Pipfile", ".python-version", "runtime.txt"),
        subset("pyproject.toml", "setup.cfg", "Pipfile", ".python-version", "runtime.txt", "scripts/train.py"),
    ),
    "git-and-secrets": (
        (".gitattributes", "models/model.pt", ".env", ".dockerignore"),
        subset(".gitattributes", "models/model.pt", ".env", ".dockerignore", "Dockerfile"),
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_mutated_text_never_crashes_the_engine(kind):
    targets, repository = KINDS[kind]
    with workspace() as space:

        @FUZZ
        @given(target=st.sampled_from(targets), data=st.data())
        def run(target, data):
            content = data.draw(mutated_bytes(repository[target]), label="content")
            space.check({**repository, target: content})

        run()


# Structured seeds: parsed, given subtrees of the wrong type, written back in their own format.
FORMATS = {
    "json": (json.loads, to_json),
    "yaml": (yaml.safe_load, to_yaml),
    "toml": (tomllib.loads, to_toml),
}
STRUCTURED = {
    "notebooks/explore.ipynb": "json",
    "Pipfile.lock": "json",
    "configs/exp.json": "json",
    "configs/schema/train.schema.json": "json",
    "uv.lock": "toml",
    "pyproject.toml": "toml",
    "poetry.lock": "toml",
    "pylock.toml": "toml",
    "Pipfile": "toml",
    "configs/exp.toml": "toml",
    ".github/workflows/ci.yml": "yaml",
    ".github/actions/local/action.yml": "yaml",
    ".gitlab-ci.yml": "yaml",
    ".pre-commit-config.yaml": "yaml",
    "dvc.yaml": "yaml",
    "dvc.lock": "yaml",
    "data/raw.csv.dvc": "yaml",
    "environment.yml": "yaml",
    "conda-lock.yml": "yaml",
    "configs/train.yaml": "yaml",
    "params.yaml": "yaml",
    ".copier-answers.yml": "yaml",
}


def gitlab_seed() -> str:
    """The GitLab seed without its `!reference` tag and anchors, which safe_load keeps but safe_dump cannot."""
    return seeds.GITLAB_CI.replace("    - !reference [.setup, script]\n", "")


@pytest.mark.parametrize("path", sorted(STRUCTURED))
def test_wrong_shapes_never_crash_the_engine(path):
    load, dump = FORMATS[STRUCTURED[path]]
    seed = load(gitlab_seed() if path == ".gitlab-ci.yml" else R[path])
    repository = next(around for targets, around in KINDS.values() if path in targets)
    with workspace() as space:

        @settings(FUZZ, max_examples=35)
        @given(data=reshaped(seed))
        def run(data):
            space.check({**repository, path: dump(data)})

        run()


def test_a_whole_repository_with_several_damaged_files():
    """Cross-file facts (locks against inputs, entry points through DVC/Makefile/Docker) on damaged neighbours."""
    with workspace() as space:

        @settings(FUZZ, max_examples=40)
        @given(data=st.data())
        def run(data):
            damaged = data.draw(st.lists(st.sampled_from(sorted(R)), min_size=1, max_size=4, unique=True))
            files = dict(R)
            for rel in damaged:
                files[rel] = data.draw(mutated_bytes(R[rel], max_ops=3), label=rel)
            space.check(files)

        run()


def test_damaged_files_staged_in_git():
    """The same in a git work tree: tracked, staged, untracked and ignored files, sizes and LFS pointers from git."""
    with workspace() as space:
        git(space.root, "init", "-q", "-b", "main")

        @settings(FUZZ, max_examples=40)
        @given(data=st.data())
        def run(data):
            damaged = data.draw(st.lists(st.sampled_from(sorted(R)), min_size=1, max_size=3, unique=True))
            files = {**R, ".gitignore": "*.log\nbuild/\n", "build/out.log": "x\n", "big.bin": b"\0" * 2_000_000}
            for rel in damaged:
                files[rel] = data.draw(mutated_bytes(R[rel], max_ops=3), label=rel)
            space.check(files, keep=(".git",))

        run()

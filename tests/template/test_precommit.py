"""The generated `.pre-commit-config.yaml` is valid, and `pre-commit run --all-files` passes on a fresh project.

pre-commit cannot clone GitHub from this machine, so the run uses a copy of the config in which the three
third-party hook repositories become `repo: local` hooks installing the same releases from PyPI (same ids, same
arguments); the reprocheck hook is used as generated, resolved from the checkout under test (a local git path
pinned to its commit). On a user's machine pre-commit clones the pinned repositories themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.template.conftest import commit_all, copy_project

pytestmark = pytest.mark.slow
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
# The hooks of the pinned third-party repositories: (entry, file selection, PyPI requirement at the pinned release).
OFFLINE_HOOKS = {
    "check-yaml": ("check-yaml", {"types": ["yaml"]}, "pre-commit-hooks==6.0.0"),
    "check-toml": ("check-toml", {"types": ["toml"]}, "pre-commit-hooks==6.0.0"),
    "check-json": ("check-json", {"types": ["json"]}, "pre-commit-hooks==6.0.0"),
    "check-added-large-files": ("check-added-large-files", {}, "pre-commit-hooks==6.0.0"),
    "check-merge-conflict": ("check-merge-conflict", {"types": ["text"]}, "pre-commit-hooks==6.0.0"),
    "end-of-file-fixer": ("end-of-file-fixer", {"types": ["text"]}, "pre-commit-hooks==6.0.0"),
    "trailing-whitespace": ("trailing-whitespace-fixer", {"types": ["text"]}, "pre-commit-hooks==6.0.0"),
    "ruff-check": ("ruff check --force-exclude", {"types_or": ["python", "pyi", "jupyter"]}, "ruff==0.16.4"),
    "ruff-format": ("ruff format --force-exclude", {"types_or": ["python", "pyi", "jupyter"]}, "ruff==0.16.4"),
    "nbstripout": ("nbstripout", {"types": ["jupyter"]}, "nbstripout==0.9.1"),
}


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([str(PRE_COMMIT), *args], cwd=project, env=env, capture_output=True, text=True, timeout=1200)


def offline_config(config: dict, template_src: Path) -> dict:
    repos = []
    for repo in config["repos"]:
        if repo["repo"] == str(template_src):
            repos.append(repo)
            continue
        hooks = []
        for hook in repo["hooks"]:
            entry, selection, requirement = OFFLINE_HOOKS[hook["id"]]
            hooks.append(
                {
                    "id": hook["id"],
                    "name": hook["id"],
                    "entry": entry,
                    "language": "python",
                    "additional_dependencies": [requirement],
                    "args": hook.get("args", []),
                    **selection,
                }
            )
        repos.append({"repo": "local", "hooks": hooks})
    return {**config, "repos": repos}


def test_generated_config_is_valid_and_pinned(rendered) -> None:
    project = rendered("default")
    done = subprocess.run(
        [str(PRE_COMMIT), "validate-config", ".pre-commit-config.yaml"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "reprocheck", "nbstripout", "check-yaml"} <= ids
    assert {"check-added-large-files", "check-merge-conflict"} <= ids
    for repo in config["repos"]:
        assert len(repo["rev"]) == 40 and int(repo["rev"], 16) >= 0, repo


def test_pre_commit_run_all_files_passes(rendered, template_src: Path, shared_dir: Path, tmp_path: Path) -> None:
    if not (template_src / ".pre-commit-hooks.yaml").is_file():
        pytest.skip("this checkout has no .pre-commit-hooks.yaml yet, so the reprocheck hook cannot resolve")
    project = copy_project(rendered("default"), tmp_path / "project")
    path = project / ".pre-commit-config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(offline_config(config, template_src), sort_keys=False), encoding="utf-8")
    commit_all(project, "Offline hooks for this test")
    done = pre_commit(project, shared_dir / "pre-commit-home", "run", "--all-files", "--show-diff-on-failure")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "reprocheck" in done.stdout

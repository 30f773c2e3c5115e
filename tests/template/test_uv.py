"""`package_manager: uv`: the project declares its dependencies in pyproject.toml, locks them in uv.lock at copy
time, and every install (Makefile, image, CI) is `uv sync --locked` with a uv release pinned by version and hash or
digest. The copy-time task works with the uv on PATH, and without uv or network it keeps the project and says
what to run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from tests.conftest import REPO_ROOT
from tests.template.conftest import COMBOS, PACKAGE, answers_for, copy_project, uv_binary

pytestmark = pytest.mark.slow
UV_COMBOS = [combo for combo, answers in COMBOS.items() if answers.get("package_manager") == "uv"]
COPIER = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
UV_VERSION = COPIER["uv_version"]["default"]
UV_HASHES = COPIER["uv_wheel_hashes"]["default"].split()
TASK = REPO_ROOT / "scripts" / "uv_lock_at_copy.py"


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_one_uv_release_everywhere() -> None:
    """copier.yml's uv version, its image tag and wheel hashes, and the uv the tests run are the same release."""
    assert re.fullmatch(r"ghcr\.io/astral-sh/uv:(\S+)@sha256:[0-9a-f]{64}", COPIER["uv_image"]["default"]).group(1) == (
        UV_VERSION
    )
    dev_lock = read(REPO_ROOT, "requirements/dev.txt")
    block = re.search(rf"^uv=={re.escape(UV_VERSION)} \\\n((?:    --hash=sha256:\w+(?: \\)?\n)+)", dev_lock, re.M)
    assert block, f"requirements/dev.txt pins uv=={UV_VERSION}"
    assert len(UV_HASHES) >= 10 and set(UV_HASHES) <= set(re.findall(r"sha256:\w+", block.group(1)))
    version = subprocess.run([uv_binary(), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.split()[1] == UV_VERSION


@pytest.mark.parametrize("combo", UV_COMBOS)
def test_dependencies_live_in_pyproject_and_uv_lock(rendered, combo: str) -> None:
    root = rendered(combo)
    pyproject = tomllib.loads(read(root, "pyproject.toml"))
    assert {"jsonschema", "numpy", "PyYAML"} <= set(pyproject["project"]["dependencies"])
    assert "ruff==0.16.4" in pyproject["dependency-groups"]["dev"]
    lock = tomllib.loads(read(root, "uv.lock"))
    root_package = next(p for p in lock["package"] if p["name"] == "demo-model")
    assert {r["name"] for r in root_package["metadata"]["requires-dist"]} >= {"jsonschema", "numpy", "pyyaml"}
    assert not (root / "requirements").exists() and not (root / "scripts").exists()
    assert 'LOCK_FILE = Path("uv.lock")' in read(root, f"src/{PACKAGE}/record.py")
    done = subprocess.run([uv_binary(), "lock", "--check", "--offline"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("combo", UV_COMBOS)
def test_every_install_is_uv_sync_locked(rendered, combo: str) -> None:
    root = rendered(combo)
    makefile = read(root, "Makefile")
    assert "\tuv sync --locked --python $(PYTHON_VERSION)\n" in makefile and "\tuv lock\n" in makefile
    assert "IN_VENV := uv run --locked\n" in makefile and "pip install" not in makefile
    dockerfile = read(root, "Dockerfile")
    assert f"FROM {COPIER['uv_image']['default']} AS uv\n" in dockerfile
    assert "RUN uv sync --locked --no-dev --no-install-project\n" in dockerfile
    syncs = re.findall(r"^RUN uv sync .*$", dockerfile, re.MULTILINE)
    if COMBOS[combo].get("devcontainer"):
        # the dev container's stage: the dev group too, with the same pinned uv; its setup is `make setup`'s
        assert syncs == [
            "RUN uv sync --locked --no-dev --no-install-project",
            "RUN uv sync --locked --no-install-project --no-cache",
        ]
        assert dockerfile.count("COPY --from=uv /uv /usr/local/bin/uv\n") == 2
        assert "UV_PROJECT_ENVIRONMENT=$VIRTUAL_ENV" in dockerfile
        devcontainer = json.loads(read(root, ".devcontainer/devcontainer.json"))
        python_version = read(root, ".python-version").strip()
        assert devcontainer["postCreateCommand"] == (
            f"uv sync --locked --python {python_version} && uv run --locked pre-commit install"
        )
    else:
        assert syncs == ["RUN uv sync --locked --no-dev --no-install-project"]
    hooks = yaml.safe_load(read(root, ".pre-commit-config.yaml"))["repos"]
    uv_hook = next(hook for repo in hooks for hook in repo["hooks"] if hook["id"] == "uv-lock-check")
    assert uv_hook["entry"] == "uv lock --check" and uv_hook["additional_dependencies"] == [f"uv=={UV_VERSION}"]
    if COMBOS[combo].get("ci") == "github":
        steps = yaml.safe_load(read(root, ".github/workflows/ci.yml"))["jobs"]["test"]["steps"]
        setup = next(step for step in steps if step.get("uses", "").startswith("astral-sh/setup-uv@"))
        assert re.fullmatch(r"astral-sh/setup-uv@[0-9a-f]{40}", setup["uses"])
        assert setup["with"]["version"] == UV_VERSION
        assert "uv sync --locked" in [step.get("run") for step in steps]
    else:
        job = yaml.safe_load(read(root, ".gitlab-ci.yml"))["test"]
        install = " ".join(job["before_script"])
        assert f"uv=={UV_VERSION}" in install and all(f"--hash={digest}" in install for digest in UV_HASHES)
        assert "--require-hashes" in install and job["before_script"][-1] == "uv sync --locked"


def copier_copy(template_src: Path, dst: Path, answers: dict, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`copier copy` with its tasks, as a user runs it (a subprocess, so the task sees `env`)."""
    data = [arg for key, value in answers.items() for arg in ("-d", f"{key}={value}")]
    command = [str(Path(sys.executable).parent / "copier"), "copy", "--trust", "--defaults", *data]
    return subprocess.run(
        [*command, str(template_src), str(dst)], capture_output=True, text=True, env=env, timeout=900, check=False
    )


def test_copy_locks_with_the_uv_on_path(template_src: Path, tmp_path: Path) -> None:
    answers = {**answers_for("uv-sklearn-gitlab-dvc-mlflow", template_src)}
    env = {**os.environ, "PATH": f"{Path(uv_binary()).parent}{os.pathsep}{os.environ['PATH']}"}
    done = copier_copy(template_src, tmp_path / "project", answers, env)
    assert done.returncode == 0, done.stdout + done.stderr
    project = tmp_path / "project"
    assert tomllib.loads(read(project, "uv.lock"))["requires-python"] == ">=3.11"
    check = subprocess.run([uv_binary(), "lock", "--check", "--offline"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_without_uv_or_network_the_project_is_kept_with_a_message(rendered, tmp_path: Path) -> None:
    project = copy_project(rendered(UV_COMBOS[0]), tmp_path / "project")
    (project / "uv.lock").unlink()
    offline = {
        "PATH": os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir()),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(tmp_path / "no-wheels"),
        "PIP_CONFIG_FILE": os.devnull,
    }
    assert subprocess.run(["sh", "-c", "command -v uv"], env=offline, capture_output=True).returncode != 0
    hashes = " ".join(UV_HASHES)
    done = subprocess.run(
        [sys.executable, str(TASK), UV_VERSION, hashes], cwd=project, env=offline, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "uv.lock was not created: installing uv" in done.stderr and "run `make lock`" in done.stderr
    assert not (project / "uv.lock").exists()
    assert not list((tmp_path / "cache" / "reprocheck-template").glob("uv-*")), "no half-built uv is cached"


def test_the_lock_check_hook_runs_and_catches_a_stale_lock(rendered, shared_dir: Path, tmp_path: Path) -> None:
    """The generated `uv lock --check` hook, run by pre-commit alone (the other hooks' repositories are on GitHub,
    which this machine cannot clone; tests/template/test_precommit.py runs those): it passes on the generated
    project and fails once pyproject.toml gains a dependency that uv.lock lacks."""
    project = copy_project(rendered(UV_COMBOS[0]), tmp_path / "project")
    config = yaml.safe_load(read(project, ".pre-commit-config.yaml"))
    only_uv = {**config, "repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(only_uv, sort_keys=False), encoding="utf-8")
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run", "uv-lock-check", "--all-files"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(shared_dir / "pre-commit-home"), "UV_PYTHON_DOWNLOADS": "never"}
    done = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    pyproject = read(project, "pyproject.toml").replace('    "numpy",\n', '    "numpy",\n    "requests",\n')
    (project / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    done = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1 and "uv lock --check" in done.stdout, done.stdout + done.stderr

"""Render the Copier template once per answer combination and share the results between tests and xdist workers.

The template is rendered from a throwaway git copy of the current work tree (so uncommitted edits are tested),
reached by an absolute path and tagged like a release: `v0.0.1` holds an older variant of the template (for the
`copier update` test) and `v0.1.0`, HEAD, the current one. Each combination is rendered once per test session
into a folder shared by the xdist workers (guarded by a file lock), committed to a fresh git repository as a
user would, and then only read by the tests; a test that writes copies it first.

Locks are the slow part: pip-compile resolves against the index, and where the index serves no separate
metadata it downloads every candidate wheel (several GB for torch and its CUDA packages). The default
combination runs the template's real copy-time task. The others render with tasks skipped and take their locks
from `tests/template/locks/<key>/`, committed and produced by the template's own `scripts/lock.py` (refresh them
with `python -m tests.template.refresh_locks`). The key covers what decides a lock: the Python version, the
`requirements/*.in` files, and the pip/pip-tools versions and flags of `scripts/lock.py`; on a miss the same
script compiles them, once per session. A uv project's `uv.lock` is kept the same way (`tests/template/locks/<key>/
uv.lock`, made by `uv lock`): its key covers the uv version and what `uv lock` reads from `pyproject.toml`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GIT_ENV, REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOCK_FIXTURES = Path(__file__).resolve().parent / "locks"
OLD_TAG = "v0.0.1"
NEW_TAG = "v0.1.0"
PACKAGE = "demo_model"

# Answer combinations: together they take every value of every question at least once.
COMBOS: dict[str, dict[str, Any]] = {
    "default": {},
    "pytorch-gpu-gitlab-dvc-mlflow": {
        "python_version": "3.12",
        "ml_framework": "pytorch",
        "ci": "gitlab",
        "docker": True,
        "gpu": True,
        "devcontainer": True,
        "data_versioning": "dvc",
        "experiment_tracking": "mlflow",
        "license": "Apache-2.0",
    },
    "none-bare": {
        "python_version": "3.10",
        "ml_framework": "none",
        "ci": "none",
        "docker": False,
        "license": "proprietary",
    },
    "sklearn-dvc-mlflow-py313": {
        "python_version": "3.13",
        "ci": "github",
        "docker": False,
        "data_versioning": "dvc",
        "experiment_tracking": "mlflow",
        "license": "BSD-3-Clause",
    },
    "pytorch-cpu": {
        "python_version": "3.11",
        "ml_framework": "pytorch",
        "docker": True,
        "gpu": False,
    },
    "none-gitlab-docker-mlflow": {
        "python_version": "3.12",
        "ml_framework": "none",
        "ci": "gitlab",
        "docker": True,
        "devcontainer": True,
        "experiment_tracking": "mlflow",
    },
    "uv-sklearn-gitlab-dvc-mlflow": {
        "package_manager": "uv",
        "ci": "gitlab",
        "docker": True,
        "devcontainer": True,
        "data_versioning": "dvc",
        "experiment_tracking": "mlflow",
    },
    "uv-pytorch-gpu-py312": {
        "package_manager": "uv",
        "python_version": "3.12",
        "ml_framework": "pytorch",
        "ci": "github",
        "docker": True,
        "gpu": True,
    },
}
BASE_ANSWERS = {
    "project_name": "Demo Model",
    "package_name": PACKAGE,
    "author_name": "Ada Lovelace",
    "author_email": "ada@example.org",
}
# Files changed in the older tagged version, so that `copier update` has real work to do.
OLD_VARIANT_EDITS = {
    "template/docs/reproducibility.md.jinja": ("## Known limits", "## Limits"),
    "template/configs/train.yaml.jinja": ("seed: 42", "seed: 7"),
}


def run(command: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, **kwargs.pop("env", {})}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True, **kwargs)


def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd).stdout


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by all xdist workers of this session (the workers' base temp's parent)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / "template-shared"
    folder.mkdir(exist_ok=True)
    return folder


def work_tree_files() -> list[str]:
    """Tracked and untracked-but-not-ignored files of this checkout: what a commit of it would hold now."""
    listed = git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted(p for p in set(listed.split("\0")) if p and (REPO_ROOT / p).is_file())


def build_source(target: Path) -> None:
    for rel in work_tree_files():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, target / rel)
    git(target, "init", "-q", "-b", "main")
    current = {rel: (target / rel).read_text(encoding="utf-8") for rel in OLD_VARIANT_EDITS}
    for rel, (new, old) in OLD_VARIANT_EDITS.items():
        assert new in current[rel], f"{rel} no longer contains {new!r}: update OLD_VARIANT_EDITS"
        (target / rel).write_text(current[rel].replace(new, old), encoding="utf-8")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "older template")
    git(target, "tag", OLD_TAG)
    for rel, text in current.items():
        (target / rel).write_text(text, encoding="utf-8")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "current template")
    git(target, "tag", NEW_TAG)


@pytest.fixture(scope="session")
def template_src(shared_dir: Path) -> Path:
    """Absolute path of the throwaway git copy of this work tree (tags OLD_TAG and NEW_TAG)."""
    target = shared_dir / "template-src"
    with file_lock(shared_dir / "template-src.lock"):
        if not (target / ".done").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            build_source(target)
            (target / ".git" / "info" / "exclude").write_text(".done\n", encoding="utf-8")
            (target / ".done").touch()
    return target.resolve()


def answers_for(combo: str, template_src: Path) -> dict[str, Any]:
    return {**BASE_ANSWERS, "reprocheck_repo": str(template_src), **COMBOS[combo]}


def load_project_script(path: Path):
    """Import a generated project's script without writing __pycache__ into the project (whatever
    PYTHONDONTWRITEBYTECODE says): the file-set and update tests compare the project's files exactly."""
    spec = importlib.util.spec_from_file_location(f"project_script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module


def lock_settings(project: Path) -> str:
    """What in scripts/lock.py decides a lock's content: the pinned pip and pip-tools and the compile flags."""
    script = load_project_script(project / "scripts" / "lock.py")
    return repr((script.PIP_VERSION, script.PIP_TOOLS_VERSION, script.COMPILE_FLAGS))


def lock_key(project: Path, python_version: str) -> str:
    digest = hashlib.sha256(f"{python_version}\0{lock_settings(project)}\0".encode())
    for source in sorted((project / "requirements").glob("*.in")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def uv_binary() -> str:
    """The uv of the test environment (a dev dependency, the version the template pins)."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert found, "uv is a dev dependency (requirements/dev.in)"
    return found


def uv_lock_key(project: Path) -> str:
    """What decides a uv.lock: the uv version, and the tables of pyproject.toml that `uv lock` resolves."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    package = pyproject["project"]
    inputs = {
        "uv": run([uv_binary(), "--version"], project).stdout.split()[1],
        "project": {key: package.get(key) for key in ("name", "version", "requires-python", "dependencies")},
        "optional": package.get("optional-dependencies"),
        "groups": pyproject.get("dependency-groups"),
        "tool.uv": pyproject.get("tool", {}).get("uv"),
    }
    return "uv-" + hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def make_uv_lock(project: Path) -> None:
    """`uv lock` as the copy-time task runs it: uv resolves on PyPI itself (it reads no pip configuration) from
    package metadata, so torch's CUDA wheels are never downloaded."""
    run([uv_binary(), "lock", "--quiet"], project, timeout=1800, env={"UV_PYTHON_DOWNLOADS": "never"})


def compile_locks(project: Path, python_version: str, cache: Path) -> None:
    """Locks from the committed fixtures, else from the project's own scripts/lock.py or `uv lock` (memoised per
    session)."""
    uv = not (project / "requirements").exists()
    key = uv_lock_key(project) if uv else lock_key(project, python_version)
    entry = LOCK_FIXTURES / key if (LOCK_FIXTURES / key).is_dir() else cache / key
    with file_lock(cache / f"{key}.lock"):
        if not entry.is_dir():
            if uv:
                make_uv_lock(project)
            else:
                run([sys.executable, "scripts/lock.py", "--quiet"], project, timeout=3600)
            staging = cache / f"{entry.name}.tmp"
            staging.mkdir(parents=True)
            for lock in project_locks(project):
                shutil.copy2(lock, staging / lock.name)
            staging.rename(entry)
            return
    for lock in entry.iterdir():
        shutil.copy2(lock, (project if uv else project / "requirements") / lock.name)


def project_locks(project: Path) -> list[Path]:
    """The lock files of a generated project: requirements/*.txt (pip-tools) or uv.lock."""
    return sorted((project / "requirements").glob("*.txt")) or [project / "uv.lock"]


def render(
    template_src: Path,
    dst: Path,
    answers: dict[str, Any],
    *,
    vcs_ref: str = "HEAD",
    lock_cache: Path | None = None,
) -> Path:
    """copier copy (tasks run when lock_cache is None), then git init + commit as a user would."""
    import copier

    copier.run_copy(
        str(template_src),
        dst,
        data=answers,
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref=vcs_ref,
        skip_tasks=lock_cache is not None,
    )
    if lock_cache is not None:
        compile_locks(dst, answers.get("python_version", "3.11"), lock_cache)
    commit_all(dst, "Generated from the template")
    return dst


def commit_all(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture(scope="session")
def rendered(template_src: Path, shared_dir: Path):
    """rendered(combo) -> path of that combination's generated project (render once per session, read only)."""

    def get(combo: str) -> Path:
        target = shared_dir / "renders" / combo
        with file_lock(shared_dir / "renders" / f"{combo}.lock"):
            if not (target / ".git" / "rendered").exists():
                shutil.rmtree(target, ignore_errors=True)
                cache = None if combo == "default" else shared_dir / "locks"
                render(template_src, target, answers_for(combo, template_src), lock_cache=cache)
                (target / ".git" / "rendered").touch()
        return target

    return get


def copy_project(source: Path, target: Path) -> Path:
    """A private, writable copy of a rendered project (git history included)."""
    shutil.copytree(source, target, symlinks=True)
    return target

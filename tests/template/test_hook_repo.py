"""The generated pre-commit config takes the reprocheck hook from where the template was copied: a git URL as a URL
pre-commit clones, a local checkout's origin remote (copy task), else the placeholder and a note saying how to set
it. template_support/hook_repo.jinja holds the rules; the default, the task and the message all use it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import copier
import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.template.conftest import BASE_ANSWERS, git, load_project_script

pytestmark = pytest.mark.slow
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
COPIER = Path(sys.executable).parent / "copier"
FORK = "https://example.org/fork/reprocheck.git"
TASK = REPO_ROOT / "template_support" / "hook_repo_origin.py"


@pytest.fixture(scope="module")
def rules():
    """hook_repo.jinja as the copy task loads it."""
    return load_project_script(TASK).rules()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("gh:acme/reprocheck", "https://github.com/acme/reprocheck"),
        ("gh:/acme/reprocheck.git", "https://github.com/acme/reprocheck.git"),
        ("gl:acme/reprocheck", "https://gitlab.com/acme/reprocheck"),
        ("https://github.com/acme/reprocheck.git", "https://github.com/acme/reprocheck.git"),
        ("https://git.example.org/ml/reprocheck", "https://git.example.org/ml/reprocheck"),
        ("git+https://git.example.org/ml/reprocheck.git", "https://git.example.org/ml/reprocheck.git"),
        ("git@github.com:acme/reprocheck.git", "https://github.com/acme/reprocheck.git"),
        ("git@gitlab.example.org:group/sub/reprocheck", "https://gitlab.example.org/group/sub/reprocheck"),
        ("ssh://git@git.example.org:2222/acme/reprocheck.git", "https://git.example.org/acme/reprocheck.git"),
        ("git+ssh://git@github.com/acme/reprocheck.git", "https://github.com/acme/reprocheck.git"),
        ("git://git.example.org/reprocheck.git", "https://git.example.org/reprocheck.git"),
        ("git+file:///srv/git/reprocheck", "file:///srv/git/reprocheck"),
        ("/home/ada/src/reprocheck", None),
        ("../reprocheck", None),
        ("~/reprocheck", None),
        ("C:\\src\\reprocheck", None),
        ("gh:", None),
        ("", None),
    ],
)
def test_hook_repo_url_normalizes_sources(rules, source: str, expected: str | None) -> None:
    assert str(rules.hook_repo_url(source)) == (expected or str(rules.placeholder))


def checkout(template_src: Path, target: Path, origin: str | None) -> Path:
    """A local clone of the template, as a user's checkout of their fork (`origin` None: no remote at all)."""
    subprocess.run(["git", "clone", "-q", str(template_src), str(target)], check=True, capture_output=True)
    if origin is None:
        git(target, "remote", "remove", "origin")
    else:
        git(target, "remote", "set-url", "origin", origin)
    return target


def copy_with_tasks(source: str, dst: Path, tmp_path: Path, **answers: str) -> str:
    """`copier copy --trust`, tasks included, as a user runs it; returns what copier printed. In this narrowed
    environment the lock task finds no Python 3.10 and leaves the locks for `make lock` (a warning only): the hook
    task is what is tested."""
    env = {
        **os.environ,
        "PATH": f"{Path(shutil.which('git')).parent}:/usr/bin:/bin",
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "no-uv"),
    }
    data = [f"--data={key}={value}" for key, value in {**BASE_ANSWERS, "python_version": "3.10", **answers}.items()]
    done = subprocess.run(
        [str(COPIER), "copy", "--trust", "--defaults", "--vcs-ref=HEAD", *data, source, str(dst)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


def hook_repo(project: Path) -> str:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = [r["repo"] for r in config["repos"] if any(h["id"] == "reprocheck" for h in r["hooks"])]
    return repo


def recorded(project: Path) -> str:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))["reprocheck_repo"]


def validate(project: Path) -> None:
    done = subprocess.run(
        [str(PRE_COMMIT), "validate-config", ".pre-commit-config.yaml"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_local_checkout_takes_its_origin_remote(template_src, tmp_path) -> None:
    fork = checkout(template_src, tmp_path / "reprocheck", origin="git@example.org:fork/reprocheck.git")
    printed = copy_with_tasks(str(fork), tmp_path / "project", tmp_path)
    project = tmp_path / "project"
    assert hook_repo(project) == recorded(project) == FORK
    assert f"The reprocheck hook follows {FORK}, the origin remote of {fork}" in printed
    validate(project)


def test_relative_local_checkout_takes_its_origin_remote(template_src, tmp_path) -> None:
    checkout(template_src, tmp_path / "reprocheck", origin=FORK)
    copy_with_tasks("reprocheck", tmp_path / "project", tmp_path)
    project = tmp_path / "project"
    assert hook_repo(project) == recorded(project) == FORK


def test_local_checkout_without_origin_keeps_the_placeholder_and_says_so(template_src, tmp_path, rules) -> None:
    fork = checkout(template_src, tmp_path / "reprocheck", origin=None)
    err = copy_with_tasks(str(fork), tmp_path / "project", tmp_path)
    project = tmp_path / "project"
    assert hook_repo(project) == recorded(project) == str(rules.placeholder)
    assert f"{fork} has no origin remote" in err and "--data reprocheck_repo=<git URL>" in err
    validate(project)


def test_without_tasks_the_message_after_copy_says_so(template_src, tmp_path, capfd, rules) -> None:
    copier.run_copy(
        str(template_src), tmp_path / "project", data=BASE_ANSWERS, defaults=True, quiet=False, skip_tasks=True
    )
    assert recorded(tmp_path / "project") == str(rules.placeholder)
    err = capfd.readouterr().err
    assert f"points at the placeholder {rules.placeholder}" in err and "--data reprocheck_repo=<git URL>" in err


def test_git_url_source_is_the_default(template_src, tmp_path, capfd) -> None:
    project = tmp_path / "project"
    copier.run_copy(
        f"git+file://{template_src}",
        project,
        data=BASE_ANSWERS,
        defaults=True,
        quiet=False,
        vcs_ref="HEAD",
        skip_tasks=True,
    )
    assert hook_repo(project) == recorded(project) == f"file://{template_src}"
    assert "placeholder" not in capfd.readouterr().err
    validate(project)


def test_an_answer_given_is_kept(template_src, tmp_path) -> None:
    fork = checkout(template_src, tmp_path / "reprocheck", origin=FORK)
    mine = "https://git.example.org/mine/reprocheck"
    copy_with_tasks(str(fork), tmp_path / "project", tmp_path, reprocheck_repo=mine)
    project = tmp_path / "project"
    assert hook_repo(project) == recorded(project) == mine

"""The generated scripts/lock.py: it refuses clearly when the project's Python version cannot be found, and
builds its pip-compile command with the flags that keep a lock portable (checked without touching the network)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.template.conftest import copy_project, load_project_script


@pytest.fixture
def project(rendered, tmp_path: Path) -> Path:
    return copy_project(rendered("none-bare"), tmp_path / "project")


def load_script(project: Path):
    return load_project_script(project / "scripts" / "lock.py")


def test_missing_python_version_is_a_clear_error(project: Path) -> None:
    (project / ".python-version").write_text("3.99\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "scripts/lock.py"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Python 3.99 (from .python-version) is needed to compile the locks" in done.stderr
    assert "pyenv install 3.99" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("content", ["", "three\n"])
def test_unreadable_python_version_is_a_clear_error(project: Path, content: str) -> None:
    (project / ".python-version").write_text(content, encoding="utf-8")
    done = subprocess.run([sys.executable, "scripts/lock.py"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 1 and ".python-version" in done.stderr and "Traceback" not in done.stderr


def test_finds_the_running_interpreter_for_its_own_version(project: Path) -> None:
    script = load_script(project)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert script.version_of(script.find_python(version)) == version


def test_compile_command_keeps_the_lock_portable(project: Path, monkeypatch) -> None:
    script = load_script(project)
    seen = []
    monkeypatch.setattr(script.subprocess, "run", lambda command, **kw: seen.append((command, kw)))
    for source in script.inputs():
        script.compile_lock(Path("/tools/python"), source, upgrade=False, quiet=True)
    assert [Path(c[-2]).name for c, _ in seen] == ["base.in", "dev.in"], "base first: dev.in is constrained by it"
    for command, kwargs in seen:
        assert {"--generate-hashes", "--no-emit-index-url", "--no-emit-find-links", "--strip-extras"} <= set(command)
        assert not any(part.startswith("/") for part in command[1:]), "no machine paths in the lock header"
        assert kwargs["cwd"] == project


def test_copy_task_mode_warns_but_keeps_the_project(project: Path) -> None:
    (project / ".python-version").write_text("3.99\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/lock.py", "--warn-only"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0 and "Python 3.99" in done.stderr

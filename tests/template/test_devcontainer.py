"""The dev container: `.devcontainer/devcontainer.json` builds a real stage of the project's Dockerfile as the
image's unprivileged user, sets up the work tree the way `make setup` does, keeps the editor to ruff, Python and
Jupyter, and reprocheck judges the image through it. Without docker the option is not offered. With uv, the stage
installs uv.lock with `uv sync --locked` and the uv image's uv, and `make` reaches the stage's environment through
UV_PROJECT_ENVIRONMENT."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import copier
import pytest
import yaml

from tests.conftest import findings
from tests.template.conftest import BASE_ANSWERS, COMBOS, copy_project, uv_binary
from tests.template.test_generated_project import python_for, sh

pytestmark = pytest.mark.slow
WITH_DEVCONTAINER = [c for c in COMBOS if COMBOS[c].get("docker", True) and COMBOS[c].get("devcontainer")]
WITH_UV = [c for c in WITH_DEVCONTAINER if COMBOS[c].get("package_manager") == "uv"]
WITH_PIP_TOOLS = [c for c in WITH_DEVCONTAINER if c not in WITH_UV]
EXTENSIONS = {"ms-python.python", "charliermarsh.ruff", "ms-toolsai.jupyter"}
SETTING_PREFIXES = ("python.", "ruff.", "jupyter.", "[python]", "[jupyter]")
FROM = re.compile(r"^FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$", re.IGNORECASE)


def definition(root: Path) -> dict:
    return json.loads((root / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))


def stages(dockerfile: str) -> dict[str, list[str]]:
    """Stage name -> its instructions (continuation lines joined), in file order; unnamed stages get '#<index>'."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for instruction in re.sub(r"\\\n\s*", " ", dockerfile).splitlines():
        if not instruction.strip() or instruction.lstrip().startswith("#"):
            continue
        match = FROM.match(instruction.strip())
        if match:
            current = found.setdefault(match.group(1) or f"#{len(found)}", [])
        if current is not None:
            current.append(instruction.strip())
    return found


def recipe(makefile: str, target: str) -> list[str]:
    """The command lines of a make target."""
    body = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert body, f"no {target} target"
    return [line.strip() for line in body.group(1).splitlines()]


def stage_env(instructions: list[str], inherited: dict[str, str]) -> dict[str, str]:
    """The variables a stage's ENV instructions set, `$NAME` expanded from earlier ones or `inherited`."""
    env: dict[str, str] = {}
    for line in instructions:
        if not line.upper().startswith("ENV "):
            continue
        for pair in shlex.split(line[4:]):
            name, value = pair.split("=", 1)
            env[name] = re.sub(r"\$\{?(\w+)\}?", lambda m: {**inherited, **env}.get(m.group(1), ""), value)
    return env


def test_the_matrix_has_a_dev_container():
    assert WITH_PIP_TOOLS and WITH_UV, "combinations must turn devcontainer on with pip-tools and with uv"


@pytest.mark.parametrize("combo", WITH_DEVCONTAINER)
def test_builds_a_real_stage_as_its_unprivileged_user(rendered, combo: str) -> None:
    root = rendered(combo)
    config = definition(root)
    folder = root / ".devcontainer"
    build = config["build"]
    assert (folder / build["dockerfile"]).resolve() == (root / "Dockerfile").resolve()
    assert (folder / build["context"]).resolve() == root.resolve(), "the context holds the .dockerignore"
    dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
    by_name = stages(dockerfile)
    assert build["target"] in by_name, f"no stage {build['target']} in {list(by_name)}"
    assert list(by_name)[-1] == "inference", "`docker build .` without a target still gives the inference image"
    dev = by_name[build["target"]]
    users = [line.split(None, 1)[1] for line in dev if line.upper().startswith("USER ")]
    assert users and users[-1] == config["remoteUser"] != "root"
    assert re.search(rf"useradd\b.*\s{re.escape(config['remoteUser'])}$", dockerfile, re.MULTILINE)
    assert dev[0].split()[1] == "base"
    if combo in WITH_UV:
        # uv.lock, dev group included, with the uv of the digest-pinned uv image the deps stage uses
        assert re.fullmatch(r"FROM ghcr\.io/astral-sh/uv:\S+@sha256:[0-9a-f]{64} AS uv", by_name["uv"][0])
        assert "COPY --from=uv /uv /usr/local/bin/uv" in dev and "pip install" not in " ".join(dev)
        assert "COPY .python-version pyproject.toml uv.lock ./" in dev
        (sync,) = [line for line in dev if line.startswith("RUN uv ")]
        assert sync == "RUN uv sync --locked --no-install-project --no-cache"
    else:
        # the stage is built on the pinned base and installs both locks, hashes enforced
        installs = [line for line in dev if "pip install" in line]
        assert installs and all("--require-hashes" in line for line in installs)
        assert "-r requirements/base.txt" in installs[-1] and "-r requirements/dev.txt" in installs[-1]
    for feature in config.get("features", {}):
        assert re.search(r"@sha256:[0-9a-f]{64}$", feature), f"feature {feature} is not pinned by digest"


@pytest.mark.parametrize("combo", WITH_PIP_TOOLS)
def test_post_create_sets_up_like_make_setup(rendered, combo: str) -> None:
    root = rendered(combo)
    config = definition(root)
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    # make setup minus the venv it creates: the image holds the environment, the work tree is installed into it
    expected = [
        line.replace("$(PY)", "python").replace("$(VENV)/bin/", "")
        for line in recipe(makefile, "setup")
        if " -m venv " not in line
    ]
    assert config["postCreateCommand"].split(" && ") == expected
    # make's tasks run in the image's environment: VENV from the dev stage, the editor's interpreter in it
    dev = stages((root / "Dockerfile").read_text(encoding="utf-8"))[config["build"]["target"]]
    env = " ".join(line for line in dev if line.upper().startswith("ENV "))
    venv = re.search(r"VIRTUAL_ENV=(\S+)", env).group(1)
    assert "VENV=$VIRTUAL_ENV" in env
    interpreter = config["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
    assert interpreter == f"{venv}/bin/python"
    make = shutil.which("make")
    assert make, "make is needed to read the Makefile as the dev container does"
    done = subprocess.run(
        [make, "-n", "test"], cwd=root, capture_output=True, text=True, env={**os.environ, "VENV": venv}
    )
    assert done.returncode == 0 and f"{venv}/bin/python -m pytest" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("combo", WITH_UV)
def test_post_create_sets_up_like_uv_make_setup(rendered, combo: str) -> None:
    root = rendered(combo)
    config = definition(root)
    make = shutil.which("make")
    assert make, "make is needed to read the Makefile as the dev container does"
    dev = stages((root / "Dockerfile").read_text(encoding="utf-8"))[config["build"]["target"]]
    env = stage_env(dev, {"PATH": "/usr/bin"})
    # uv reaches the stage's environment, not the work tree's .venv, and the editor's interpreter is in it
    assert env["UV_PROJECT_ENVIRONMENT"] == env["VIRTUAL_ENV"] and env["UV_PYTHON_DOWNLOADS"] == "never"
    venv = env["VIRTUAL_ENV"]
    assert env["PATH"].startswith(f"{venv}/bin:")
    interpreter = config["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
    assert interpreter == f"{venv}/bin/python"
    done = {}
    for target in ("setup", "test"):
        done[target] = subprocess.run(
            [make, "-n", target], cwd=root, capture_output=True, text=True, env={**os.environ, **env}
        )
        assert done[target].returncode == 0, done[target].stdout + done[target].stderr
    # make setup, as make runs it (uv sync --locked, dev group included, then the git hook)
    assert config["postCreateCommand"].split(" && ") == done["setup"].stdout.splitlines()
    assert config["postCreateCommand"].startswith("uv sync --locked ")
    assert done["test"].stdout.strip() == "uv run --locked python -m pytest"


@pytest.mark.parametrize("combo", [c for c in WITH_PIP_TOOLS if COMBOS[c].get("ml_framework") != "pytorch"])
def test_image_and_post_create_install_from_the_locks(rendered, combo: str, tmp_path: Path) -> None:
    """The dev stage's install and postCreateCommand, run as written but outside a container (this machine has no
    docker): the hashed locks install with no resolution, the work tree installs, and `make test` runs in that
    environment. PyTorch combinations are left out: their lock pins CUDA wheels of several GB."""
    project = copy_project(rendered(combo), tmp_path / "project")
    config = definition(project)
    dev = stages((project / "Dockerfile").read_text(encoding="utf-8"))[config["build"]["target"]]
    (install,) = [line.removeprefix("RUN ") for line in dev if "--require-hashes" in line]
    version = (project / ".python-version").read_text(encoding="utf-8").strip()
    interpreter = sh([python_for(version), "-c", "import sys; print(sys.executable)"], tmp_path).stdout.strip()
    image_bin = tmp_path / "image-bin"  # the image's `python`
    image_bin.mkdir()
    (image_bin / "python").symlink_to(interpreter)
    venv = tmp_path / "venv"
    # the dev stage's environment: VIRTUAL_ENV, its bin first on PATH, VENV for make
    path = f"{venv / 'bin'}:{image_bin}:{os.environ['PATH']}"
    image_env = {"VIRTUAL_ENV": str(venv), "VENV": str(venv), "PATH": path}
    for command in (["bash", "-c", install], ["bash", "-c", config["postCreateCommand"]], ["make", "test"]):
        done = subprocess.run(
            command, cwd=project, env={**os.environ, **image_env}, capture_output=True, text=True, timeout=1200
        )
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout, done.stdout
    assert (project / ".git" / "hooks" / "pre-commit").is_file(), "postCreateCommand installed the git hook"


@pytest.mark.parametrize("combo", [c for c in WITH_UV if COMBOS[c].get("ml_framework") != "pytorch"])
def test_image_and_post_create_install_from_uv_lock(rendered, combo: str, tmp_path: Path) -> None:
    """The uv dev stage and postCreateCommand, run as written but outside a container: `uv sync --locked` installs
    uv.lock (dev group included) into the stage's environment from the files the stage copies, the work tree then
    syncs into that same environment (no .venv), and `make test` runs there through uv."""
    project = copy_project(rendered(combo), tmp_path / "project")
    config = definition(project)
    dev = stages((project / "Dockerfile").read_text(encoding="utf-8"))[config["build"]["target"]]
    version = (project / ".python-version").read_text(encoding="utf-8").strip()
    interpreter = sh([python_for(version), "-c", "import sys; print(sys.executable)"], tmp_path).stdout.strip()
    image_bin = tmp_path / "image-bin"  # the image's `python` and the uv copied from the uv image
    image_bin.mkdir()
    for name in ("python", f"python{version}"):
        (image_bin / name).symlink_to(interpreter)
    (image_bin / "uv").symlink_to(uv_binary())
    image_env = stage_env(dev, {"PATH": f"{image_bin}:{os.environ['PATH']}"})
    image_venv = image_env["VIRTUAL_ENV"]
    venv = tmp_path / "venv"
    image_env = {name: value.replace(image_venv, str(venv)) for name, value in image_env.items()}
    workdir = tmp_path / "app"  # the stage's WORKDIR, holding only what it copies before the install
    workdir.mkdir()
    (copied,) = [line.split()[1:-1] for line in dev if line.startswith("COPY ") and "uv.lock" in line]
    for name in copied:
        shutil.copy2(project / name, workdir / name)
    (install,) = [line.removeprefix("RUN ") for line in dev if line.startswith("RUN uv sync")]
    env = {**os.environ, **image_env}
    env.pop("UV_CACHE_DIR", None)
    for command, cwd in (
        (["bash", "-c", install], workdir),
        (["bash", "-c", config["postCreateCommand"]], project),
        (["make", "test"], project),
    ):
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout, done.stdout
    assert not (project / ".venv").exists(), "uv used the image's environment, not a .venv in the work tree"
    assert (venv / "bin" / "pre-commit").is_file() and (venv / "bin" / "ruff").is_file(), "the dev group is in"
    assert (project / ".git" / "hooks" / "pre-commit").is_file(), "postCreateCommand installed the git hook"
    assert sh(["git", "status", "--porcelain"], project).stdout == "", "uv sync --locked changes no tracked file"


@pytest.mark.parametrize("combo", WITH_DEVCONTAINER)
def test_editor_is_limited_to_ruff_python_and_jupyter(rendered, combo: str) -> None:
    vscode = definition(rendered(combo))["customizations"]["vscode"]
    assert set(vscode["extensions"]) <= EXTENSIONS
    assert {"ms-python.python", "charliermarsh.ruff"} <= set(vscode["extensions"])
    assert all(key.startswith(SETTING_PREFIXES) for key in vscode["settings"]), vscode["settings"]
    assert set(definition(rendered(combo))) <= {
        "name",
        "build",
        "remoteUser",
        "updateRemoteUserUID",
        "hostRequirements",
        "postCreateCommand",
        "customizations",
    }


@pytest.mark.parametrize("combo", WITH_DEVCONTAINER)
def test_reprocheck_judges_the_image_through_the_definition(rendered, combo: str, tmp_path: Path) -> None:
    project = copy_project(rendered(combo), tmp_path / "project")
    path = project / ".devcontainer" / "devcontainer.json"
    config = definition(project)
    path.write_text(json.dumps({**config, "remoteUser": "root"}, indent=2) + "\n", encoding="utf-8")
    reported = [(f["code"], f["path"], f["line"]) for f in findings(project, select="DKR009")]
    dev_line = next(
        n
        for n, line in enumerate((project / "Dockerfile").read_text(encoding="utf-8").splitlines(), 1)
        if re.match(rf"FROM\s+\S+\s+AS\s+{config['build']['target']}\s*$", line, re.IGNORECASE)
    )
    assert reported == [("DKR009", "Dockerfile", dev_line)]


def test_not_offered_without_docker(template_src: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    copier.run_copy(
        str(template_src),
        project,
        data={**BASE_ANSWERS, "reprocheck_repo": str(template_src), "docker": False, "devcontainer": True},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
        skip_tasks=True,
    )
    assert not (project / ".devcontainer").exists() and not (project / "Dockerfile").exists()
    assert "devcontainer" not in yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert "VENV := .venv" in (project / "Makefile").read_text(encoding="utf-8")

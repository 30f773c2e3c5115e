"""What a CI job does, told from its steps: CI002 points at the workflow that tests, CI003 judges the runner of
jobs that install, test, train or build (not of those that check links, label issues, greet, mark stale,
publish what another job built, or only build container images)."""

from __future__ import annotations

import re

# Programs (after wrappers such as `sudo`, runners such as `uv run`) by the activity they make a job do.
TEST_PROGRAMS = frozenset({"pytest", "py.test", "tox", "nox", "coverage", "unittest"})
TEST_MODULES = frozenset({"pytest", "unittest", "tox", "nox", "coverage"})
BUILD_PROGRAMS = frozenset(
    {"make", "gmake", "cmake", "ninja", "hatch", "flit", "maturin", "npm", "yarn", "pnpm", "cargo", "go", "bazel"}
)
TRAIN_PROGRAMS = frozenset(
    {"torchrun", "accelerate", "deepspeed", "dvc", "papermill", "jupyter", "cml", "mlflow", "python", "python3"}
)
# Runners whose `run`/`exec` word is followed by the program they run.
RUNNERS = frozenset({"uv", "poetry", "pdm", "hatch", "pipenv", "conda", "mamba", "micromamba", "pixi", "rye"})
# Packages installed only to publish, notify or talk to a service: installing them is no environment.
PUBLISHING_TOOLS = frozenset({"twine", "awscli", "ghp-import", "gh", "requests", "pygithub"})

# Actions by what they make a job do; an action is named `owner/repo[/path]`, matched on its last segment.
SETUP_ACTION_PREFIXES = ("setup-",)  # actions/setup-python, astral-sh/setup-uv, conda-incubator/setup-miniconda
BUILD_ACTIONS = frozenset({"pypa/cibuildwheel"})
# Actions and container-tool subcommands that build an image from its Dockerfile (activity "image"): what goes
# into the image is the Dockerfile's, not the runner's OS, so CI003 does not judge such a job's runner.
IMAGE_ACTIONS = frozenset({"docker/build-push-action", "docker/bake-action", "redhat-actions/buildah-build"})
# Set-up actions for image builds only (checked before SETUP_ACTION_PREFIXES): no environment of the project.
IMAGE_TOOLING_ACTIONS = frozenset(
    {"docker/setup-buildx-action", "docker/setup-qemu-action", "docker/setup-docker-action"}
)
IMAGE_BUILDERS = frozenset({"docker", "podman", "buildah"})
IMAGE_SUBCOMMANDS = (("build",), ("buildx", "build"), ("buildx", "bake"), ("image", "build"), ("bud",))
LINT_ACTIONS = frozenset({"pre-commit/action", "pre-commit-ci/lite-action"})
# Inputs through which an action runs a shell command (retry wrappers: `with: run: docker build ...`).
SCRIPT_INPUTS = frozenset({"run", "command", "script"})
# A job named for its tests (`Tests`, `unit-tests`, `run_tests_ubuntu`) runs them.
TEST_NAME = re.compile(r"(?i)(^|[\W_])tests?($|[\W_])")

# CI003: owners whose actions GitHub itself publishes and maintains (`actions/checkout`, `github/codeql-action`).
# A version tag of theirs is not reported (it has no bearing on results); a branch (`@main`) still is.
GITHUB_OWNED_ACTIONS = frozenset({"actions", "github"})

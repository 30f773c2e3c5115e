"""What a CI job does, told from its steps: CI002 points at the workflow that tests, CI003 judges the runner of
jobs that install the project's environment, test, train or build it (not of those that only lint, fetch results
and render them, check links, label issues, greet, mark stale, publish what another job built, or only build
container images)."""

from __future__ import annotations

import re

from reprocheck.patterns import lazy_pattern

# Programs (after wrappers such as `sudo`, runners such as `uv run`) by the activity they make a job do.
TEST_PROGRAMS = frozenset({"pytest", "py.test", "tox", "nox", "coverage", "unittest"})
TEST_MODULES = frozenset({"pytest", "unittest", "tox", "nox", "coverage"})
BUILD_PROGRAMS = frozenset(
    {"make", "gmake", "cmake", "ninja", "hatch", "flit", "maturin", "npm", "yarn", "pnpm", "cargo", "go", "bazel"}
)
TRAIN_PROGRAMS = frozenset(
    {"torchrun", "accelerate", "deepspeed", "papermill", "jupyter", "mlflow", "python", "python3"}
)
# Programs whose subcommands mostly fetch results and render them (activity "report": `dvc pull`, `dvc metrics
# diff`, `dvc plots diff`), except those listed here, which run the pipeline on the runner (activity "train").
REPORT_PROGRAMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "dvc": (("repro",), ("run",), ("exp", "run"), ("exp", "apply")),
    "cml": (),  # `cml comment create`, `cml publish`, `cml runner launch` (the training runs on another runner)
}
# Linters and formatters (activity "lint"), as programs, `python -m` modules and the packages that install them.
LINT_PROGRAMS = frozenset(
    {
        "pre-commit", "prek", "ruff", "flake8", "black", "isort", "pylint", "mypy", "pyright", "codespell",
        "yamllint", "shellcheck", "pydocstyle", "pycodestyle", "autoflake", "docformatter", "nbqa", "bandit",
        "interrogate", "markdownlint", "prettier", "pyupgrade", "blackdoc", "mdformat", "typos",
        "lychee", "markdown-link-check", "linkchecker", "markdownlint-cli2",
    }
)  # fmt: skip
LINT_MODULES = frozenset({"pre_commit", "ruff", "flake8", "black", "isort", "pylint", "mypy", "pycodestyle"})
LINT_PACKAGES = LINT_PROGRAMS | frozenset({"flake8-bugbear", "flake8-docstrings", "pep8-naming", "pylint-pytest"})
# Makefile targets that only lint (`make lint`, `make format`): a job running only these lints.
LINT_TARGETS = frozenset(
    {"lint", "lints", "format", "fmt", "style", "check-format", "check-style", "pre-commit", "quality"}
)
# Documentation builders (activity "docs"): a job that builds the docs installs what they need, not the project's
# environment for results.
DOCS_PROGRAMS = frozenset({"mkdocs", "sphinx-build", "sphinx-autobuild", "jupyter-book", "mike", "pdoc", "quarto"})
DOCS_TARGETS = frozenset({"docs", "doc", "html", "site", "book"})
# Node package managers: a global install (`npm install -g json5`) installs a command-line tool, no build.
NODE_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm"})
NODE_GLOBAL = frozenset({"-g", "--global", "global"})
# Runners followed directly by the program they run (`npx markdown-link-check`, `uvx ruff check`), and their
# options that take a value.
DIRECT_RUNNERS = frozenset({"npx", "uvx", "pnpx", "bunx"})
DIRECT_RUNNER_VALUE_OPTIONS = frozenset({"--from", "--with", "-p", "--package", "--python", "-c", "--call"})
# Runners whose `run`/`exec` word is followed by the program they run.
RUNNERS = frozenset({"uv", "poetry", "pdm", "hatch", "pipenv", "conda", "mamba", "micromamba", "pixi", "rye"})
# Packages installed only to publish, notify or talk to a service: installing them is no environment.
PUBLISHING_TOOLS = frozenset({"twine", "awscli", "ghp-import", "gh", "requests", "pygithub"})
# The link checker's packages: a job that installs only them checks documents.
LINK_CHECK_PACKAGES = frozenset({"pytest", "pytest-check-links"})
# Packages that are tools rather than the project's environment (a requirements file of only these, too).
TOOL_PACKAGES = PUBLISHING_TOOLS | LINT_PACKAGES | LINK_CHECK_PACKAGES

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
LINT_ACTIONS = frozenset(
    {
        "pre-commit/action", "pre-commit-ci/lite-action", "astral-sh/ruff-action", "chartboost/ruff-action",
        "psf/black", "py-actions/flake8", "isort/isort-action", "jamescurtin/isort-action",
        "codespell-project/actions-codespell", "ricardochaves/python-lint", "suo/flake8-github-action",
        "lycheeverse/lychee-action", "gaurav-nelson/github-action-markdown-link-check",
        "tcort/github-action-markdown-link-check", "umbrelladocs/action-linkspector", "anishathalye/proof-html",
    }
)  # fmt: skip
# CI003: actions that only show or upload the test and coverage reports earlier steps wrote (they run after the
# tests and cannot change them): their pins are not judged, even in a test job.
RESULT_SURFACING_ACTIONS = frozenset(
    {
        "pmeier/pytest-results-action", "dorny/test-reporter", "mikepenz/action-junit-report",
        "enricomi/publish-unit-test-result-action", "enricomi/publish-unit-test-result-action/composite",
        "codecov/codecov-action", "codecov/test-results-action", "coverallsapp/github-action",
        "py-cov-action/python-coverage-comment-action", "madrapps/jacoco-report", "5monkeys/cobertura-action",
        "irongut/codecoveragesummary", "test-summary/action",
    }
)  # fmt: skip
# CI003: actions that make nothing a result depends on, whatever job runs them: they read a release tag, put a tool
# the runner already has on PATH, audit the dependencies, cancel or skip superseded runs, or open a pull request for
# review. Their pins are not judged, unless the job hands them stored secrets (a moved tag would run with those;
# see also CHORE_ACTIONS). Credential set-up actions are never among them.
NO_RESULT_ACTIONS = frozenset(
    {
        "microsoft/setup-msbuild", "pozetroninc/github-action-get-latest-release", "oprypin/find-latest-tag",
        "actions-ecosystem/action-get-latest-tag", "pypa/gh-action-pip-audit",
    }
)  # fmt: skip
RUN_HOUSEKEEPING_ACTIONS = frozenset(
    {
        "styfle/cancel-workflow-action", "n1hility/cancel-previous-runs", "fkirc/skip-duplicate-actions",
        "andymckay/cancel-action", "rokroskar/workflow-run-cleanup-action",
    }
)  # fmt: skip
PULL_REQUEST_ACTIONS = frozenset(
    {"peter-evans/create-pull-request", "peter-evans/enable-pull-request-automerge", "repo-sync/pull-request"}
)
# Jobs that test moving dependencies on purpose (a runner pin defeats their point), by their name.
CANARY_NAME = lazy_pattern(r"bleeding|nightly|pre-?release|canary|(?<![\w-])latest\b", re.IGNORECASE)
# Set-up actions for the tools that fetch results and render them (CML reports): no environment of the project.
REPORT_ACTIONS = frozenset({"iterative/setup-cml", "iterative/setup-dvc"})
# CI003 judges the runner of a job that does one of these; a job that only sets up a toolchain ("setup") too,
# unless all else it does is linting or reporting.
WORKING_ACTIVITIES = frozenset({"test", "install", "build", "train"})
RESULT_ACTIVITIES = frozenset({"test", "build", "train"})  # what a docs, lint or report job does not do
# A job whose work is only these (with whatever it installs for them) makes no result: its runner is not judged,
# and a name such as `test` does not make it a test job (a link check named `test`).
CHECKING_ACTIVITIES = frozenset({"lint", "docs", "report"})
# Installing only tools (twine, PyGithub, linters) and git/gh chores: a set-up action serves them, no result.
AUXILIARY_ACTIVITIES = frozenset({"tools", "chores"})
# Programs that only talk to the repository or its host (merge, label, comment, push): activity "chores".
CHORE_PROGRAMS = frozenset({"git", "gh", "hub"})
# Actions that only file or update tickets, label, comment, assign, greet, mark stale or notify (activity
# "chores"): a job of them makes nothing, whatever its name (`test-transition-issue` filing a JIRA ticket).
CHORE_ACTIONS = frozenset(
    {
        "actions/labeler", "actions/stale", "actions/first-interaction", "actions/add-to-project",
        "peter-evans/create-or-update-comment", "peter-evans/find-comment", "peter-evans/create-issue-from-file",
        "peter-evans/close-issue", "actions-ecosystem/action-add-labels", "actions-ecosystem/action-remove-labels",
        "actions-ecosystem/action-create-comment", "andymckay/labeler", "github/issue-labeler",
        "alex-page/github-project-automation-plus", "kentaro-m/auto-assign-action", "dessant/lock-threads",
        "dessant/label-actions", "marocchino/sticky-pull-request-comment", "thollander/actions-comment-pull-request",
        "mshick/add-pr-comment", "slackapi/slack-github-action", "8398a7/action-slack", "rtcamp/action-slack-notify",
    }
)  # fmt: skip
CHORE_ACTION_PREFIXES = ("atlassian/gajira-",)  # JIRA: login, create, transition, comment, find-issue-key
# Events that only concern issues, projects, labels, discussions and the like: a workflow triggered by nothing
# else builds and tests nothing (an issue-triage bot), so CI003 does not judge it. `issue_comment` also fires on
# pull-request comments (`/test` bots): a workflow it triggers is judged by what its jobs' steps do, not by their
# names.
HOUSEKEEPING_EVENTS = frozenset(
    {
        "issues", "label", "milestone", "project", "project_card", "project_column", "discussion",
        "discussion_comment", "watch", "fork", "gollum",
    }
)  # fmt: skip
COMMENT_EVENTS = frozenset({"issue_comment"})
# CI003: words of a workflow's or job's name that say it runs against a library's development head ("tests on
# transformers main"), when the job installs that library from its git head.
HEAD_NAME = lazy_pattern(r"(?i)(?<![\w-])(main|master|dev|develop|head|trunk|source|git)(?![\w-])")
# Inputs through which an action runs a shell command (retry wrappers: `with: run: docker build ...`).
SCRIPT_INPUTS = frozenset({"run", "command", "script"})
# A job named for its tests (`Tests`, `unit-tests`, `run_tests_ubuntu`) runs them.
TEST_NAME = lazy_pattern(r"(?i)(^|[\W_])tests?($|[\W_])")

# CI003: owners whose actions GitHub itself publishes and maintains (`actions/checkout`, `github/codeql-action`).
# A version tag of theirs is not reported (it has no bearing on results); a branch (`@main`) still is.
GITHUB_OWNED_ACTIONS = frozenset({"actions", "github"})

# CI004: `pre-commit` subcommands that read `.pre-commit-config.yaml` (from the folder they run in), and the
# files where a project tells contributors to use pre-commit (a mention there expects the root's config).
PRE_COMMIT_CONFIG_COMMANDS = frozenset({"run", "install", "install-hooks", "autoupdate"})
PRE_COMMIT_TASK_FILES = ("tox.ini", "tox.toml", "noxfile.py")
PRE_COMMIT_DOC_FILES = (
    "CONTRIBUTING.md", "CONTRIBUTING.rst", "CONTRIBUTING", ".github/CONTRIBUTING.md", "docs/CONTRIBUTING.md",
    "README.md", "README.rst", "README",
)  # fmt: skip

"""Which kind of input a path is, decided from its name alone (cheap, no reading)."""

from __future__ import annotations

import functools
import re

from reprocheck.patterns import lazy_pattern

DOCKERFILE = re.compile(r"^(Dockerfile|Containerfile)([.\-_].*)?$|.*\.(Dockerfile|dockerfile|Containerfile)$")
REQUIREMENTS = re.compile(r"^(requirements|constraints)([\w.\-]*)\.(txt|in)$|.*requirements.*\.(txt|in)$")
# environment.yml and its variants; conda.yaml is MLflow's (MLproject `conda_env:`), conda_env.yml and the like.
CONDA_ENV = re.compile(r"^(?:environment[\w.\-]*|conda|conda[_-]env(?:ironment)?[\w.\-]*)\.ya?ml$")
CONFIG_DIRS = frozenset({"configs", "config", "conf"})
TEST_FILE = lazy_pattern(r"^(test_.*|.*_test|conftest)\.py$")


def name(path: str) -> str:
    """The last segment of a root-relative POSIX path (posixpath.basename, without its generality's cost: this
    runs for every file under every kind test)."""
    return path[path.rfind("/") + 1 :]


def parts(path: str) -> list[str]:
    return path.split("/")


def is_template(path: str) -> bool:
    """A path with Jinja markers (`{{cookiecutter.name}}/setup.py`) is the source of a file some generator writes:
    its text is a template, not the kind its name says, so no parser reads it as that kind."""
    return "{{" in path or "{%" in path


def is_python(path: str) -> bool:
    return path.endswith(".py") and not is_template(path)


def is_markdown_readme(path: str) -> bool:
    """A README written in Markdown (`README.md`, `readme_docker.md`), whose fenced blocks show how to run things."""
    base = name(path).lower()
    return base.startswith("readme") and base.endswith(".md")


def is_notebook(path: str) -> bool:
    return path.endswith(".ipynb") and "/.ipynb_checkpoints/" not in f"/{path}" and not is_template(path)


# `Dockerfile.jinja`, `Dockerfile.dockerignore`, `Dockerfile.md` are templates, ignore files or docs, not Dockerfiles.
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".jinja", ".j2", ".tpl", ".tmpl", ".template", ".md", ".rst", ".rej")


def is_dockerfile(path: str) -> bool:
    base = name(path)
    return bool(DOCKERFILE.match(base)) and not base.endswith(NOT_DOCKERFILE_SUFFIXES) and not is_template(path)


def is_dockerignore(path: str) -> bool:
    return name(path) == ".dockerignore" or name(path).endswith(".dockerignore")


def is_requirements(path: str) -> bool:
    """requirements*.txt / *.in / constraints*.txt anywhere, and any *.txt under a requirements/ folder."""
    base = name(path)
    if is_template(path):
        return False
    if REQUIREMENTS.match(base):
        return True
    dirs = parts(path)[:-1]
    return bool(dirs) and dirs[-1] in {"requirements", "reqs", "requirements.d"} and base.endswith((".txt", ".in"))


def is_conda_env(path: str) -> bool:
    return bool(CONDA_ENV.match(name(path)))


# A data file whose name says it is a template (`ds_config_TEMPLATE.json`, `config.template.yaml`): a script
# fills its placeholders (sed, envsubst) before anything reads it, so it need not parse as it stands.
TEMPLATE_NAME = lazy_pattern(r"(?:^|[._-])(?:template|tmpl|tpl)(?:[._-]|$)", re.IGNORECASE)


def named_as_template(path: str) -> bool:
    return bool(TEMPLATE_NAME.search(name(path).rsplit(".", 1)[0]))


def is_yaml(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and not is_template(path) and not named_as_template(path)


def is_json(path: str) -> bool:
    return path.endswith(".json") and not is_template(path) and not named_as_template(path)


def is_toml(path: str) -> bool:
    return path.endswith(".toml") and not is_template(path)


def is_github_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/") and is_yaml(path) and path.count("/") == 2


def is_github_action(path: str) -> bool:
    return name(path) in {"action.yml", "action.yaml"}


def is_gitlab_ci(path: str) -> bool:
    return name(path) == ".gitlab-ci.yml" or (path.startswith(".gitlab/") and is_yaml(path))


def is_makefile(path: str) -> bool:
    base = name(path)
    return base in {"Makefile", "makefile", "GNUmakefile"} or base.endswith(".mk")


def is_shell_script(path: str) -> bool:
    return path.endswith((".sh", ".bash"))


TEST_DIRS = frozenset({"tests", "test", "testing"})


@functools.lru_cache(maxsize=1 << 16)
def is_test_path(path: str) -> bool:
    """A test module or a file in a test folder. Remembered: the facts and rules ask it of every Python file of the
    repository, many times each (a function of the path alone)."""
    folder, _, base = path.rpartition("/")
    return bool(TEST_FILE.match(base)) or (bool(folder) and not TEST_DIRS.isdisjoint(folder.split("/")))


def in_config_dir(path: str) -> bool:
    return any(s in CONFIG_DIRS for s in parts(path)[:-1]) or name(path) == "params.yaml"


# The files a pre-commit hook must react to and RPC001 scans for suppression comments.
# Files of these names are read by some rule (tox.ini: CI002 follows tox environments).
CHECKED_NAMES = frozenset(
    {".gitignore", ".gitattributes", ".python-version", "runtime.txt", ".env", "setup.cfg", "tox.ini"}
)


def is_checked_text(path: str) -> bool:
    return (
        is_python(path)
        or is_notebook(path)
        or is_dockerfile(path)
        or is_requirements(path)
        or is_yaml(path)
        or is_json(path)
        or is_toml(path)
        or is_makefile(path)
        or is_shell_script(path)
        or is_dockerignore(path)
        or name(path) in CHECKED_NAMES
        or path.endswith((".cfg", ".lock", ".dvc", ".rej"))
    )

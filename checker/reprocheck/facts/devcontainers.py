"""Dev container definitions (`.devcontainer/devcontainer.json`, `.devcontainer.json`, `.devcontainer/<name>/
devcontainer.json`): which Dockerfile each builds, from which context, with which build arguments, and as which
user it runs.

A Dockerfile built for a dev container is judged together with its definition: `remoteUser`/`containerUser` say
who runs inside the stage it builds (`build.target`, else the final stage; DKR009) and `build.context` (relative
to the json file, `.` by default) is what the build sends (DKR010); `build.args` set the Dockerfile's ARGs, and so
the image `FROM ${VARIANT}` names (DKR001-DKR003). The files are JSON with comments (JSONC);
comments and trailing commas are dropped before parsing, keeping every newline so that positions stay true.

A Dockerfile that only dev containers build (no CI workflow, Makefile, shell script or compose file names it) is
a development environment, not the one experiments run in (`dev_container_dockerfiles`).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile

# Files that build images for other purposes: a Dockerfile they name is not only a dev container's.
COMPOSE_FILE = lazy_pattern(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$", re.IGNORECASE)
SCRIPT_SUFFIXES = (".sh", ".bash")

# Strings are kept; comments, then trailing commas, are blanked (newlines kept, so positions stay true).
JSONC_COMMENT = lazy_pattern(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
JSONC_TRAILING_COMMA = lazy_pattern(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')


@dataclass(frozen=True)
class DevContainer:
    """A dev container built from a Dockerfile; paths are root-relative."""

    path: str
    dockerfile: str
    context: str  # "" for the repository root
    remote_user: str | None
    container_user: str | None
    target: str | None = None  # the stage `build.target` names; None builds the final stage
    build_args: tuple[tuple[str, str], ...] = ()  # `build.args`: values of the Dockerfile's ARGs (`VARIANT`)

    @property
    def user(self) -> str | None:
        """Who runs the tools and terminals in the container: `remoteUser`, which defaults to `containerUser`."""
        return self.remote_user or self.container_user


def is_devcontainer_json(rel: str) -> bool:
    name = filekinds.name(rel)
    if name == ".devcontainer.json":
        return True
    return name == "devcontainer.json" and "/.devcontainer/" in f"/{rel}"


def strip_jsonc(text: str) -> str:
    def blank(match: re.Match) -> str:
        token = match.group(0)
        return token if token.startswith('"') else re.sub(r"[^\n]", " ", token)

    return JSONC_TRAILING_COMMA.sub(blank, JSONC_COMMENT.sub(blank, text))


def _build(project, rel: str) -> DevContainer | None:
    text = project.try_read_text(rel, "devcontainer.json")
    if text is None:
        return None
    try:
        data = json.loads(strip_jsonc(text))
    except json.JSONDecodeError as error:
        project.problem(rel, f"invalid devcontainer.json: {error.msg}", error.lineno, error.colno)
        return None
    except (RecursionError, ValueError) as error:
        project.problem(rel, f"invalid devcontainer.json: {error}")
        return None
    if not isinstance(data, dict):
        return None
    build = data.get("build") if isinstance(data.get("build"), dict) else {}
    dockerfile = build.get("dockerfile") or data.get("dockerFile")
    if not isinstance(dockerfile, str) or not dockerfile.strip():
        return None  # an `image:` or compose dev container: no Dockerfile of the repository is built
    context = build.get("context") or data.get("context") or "."
    folder = posixpath.dirname(rel)
    return DevContainer(
        path=rel,
        dockerfile=joined(folder, dockerfile),
        context=joined(folder, context if isinstance(context, str) else "."),
        remote_user=text_or_none(data.get("remoteUser")),
        container_user=text_or_none(data.get("containerUser")),
        target=text_or_none(build.get("target")),
        build_args=build_arguments(build.get("args") or data.get("build_args")),
    )


def build_arguments(value) -> tuple[tuple[str, str], ...]:
    """`build.args` as (name, value) pairs; values that are not plain strings or numbers are left out."""
    if not isinstance(value, dict):
        return ()
    return tuple(
        (name, str(arg))
        for name, arg in value.items()
        if isinstance(name, str) and isinstance(arg, (str, int, float)) and not isinstance(arg, bool)
    )


def joined(folder: str, relative: str) -> str:
    path = posixpath.normpath(posixpath.join(folder, relative.strip()))
    return "" if path == "." else path


def text_or_none(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def load_devcontainers(project) -> list[DevContainer]:
    """Every dev container that builds a Dockerfile, each definition parsed once per run."""
    found = (project.parsed("devcontainer", rel, _build) for rel in project.select(is_devcontainer_json))
    return [container for container in found if container is not None]


def devcontainer_of(project, dockerfile: str) -> DevContainer | None:
    """The dev container that builds `dockerfile`, if any."""
    return next((c for c in load_devcontainers(project) if c.dockerfile == dockerfile), None)


@fact
def devcontainers(project) -> list[DevContainer]:
    """Dev containers built from a Dockerfile of the repository (see the module docstring)."""
    return load_devcontainers(project)


@fact
def dev_container_dockerfiles(project, devcontainers, ci_configs, makefiles) -> dict[str, str]:
    """Dockerfile -> the devcontainer.json that builds it, for Dockerfiles that only dev containers build: no CI
    workflow, Makefile, shell script or compose file names them (`docker build -f .devcontainer/Dockerfile`,
    `dockerfile: .devcontainer/Dockerfile`, `file:` of a build action)."""
    built = {container.dockerfile: container.path for container in devcontainers}
    if not built:
        return {}
    builders = {config.path for config in ci_configs} | set(makefiles)
    builders |= set(project.select(builds_images))
    for builder in sorted(builders):
        try:
            text = project.read_text(builder)
        except UnreadableFile:
            continue  # reported by the facts that parse it, if any
        for dockerfile in [d for d in built if names_path(text, d, posixpath.dirname(builder))]:
            del built[dockerfile]
        if not built:
            break
    return built


def builds_images(rel: str) -> bool:
    return rel.lower().endswith(SCRIPT_SUFFIXES) or COMPOSE_FILE.match(filekinds.name(rel)) is not None


def names_path(text: str, rel: str, folder: str) -> bool:
    """Whether `text` (a file in `folder`) names the root-relative `rel`: as it is, `./rel`, or relative to the
    file's folder, as a whole word."""
    spellings = {rel, posixpath.relpath(rel, folder or ".")}
    for spelled in spellings:
        pattern = rf"(?:^|[\s'\"=(:])(?:\./)?{re.escape(spelled)}(?=$|[\s'\");,])"
        if spelled in text and re.search(pattern, text, re.MULTILINE):
            return True
    return False

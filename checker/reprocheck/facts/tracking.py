"""Images that track their dependencies' latest on purpose: a project's CI image rebuilt on a schedule so that its
tests run against the heads of the libraries it installs (a `Latest … [dev]` job of a scheduled workflow pushing
`huggingface/peft-gpu`, whose Dockerfile installs transformers, accelerate and peft from git head).

Pinning such an image's base, packages or system packages defeats its point, so the pin findings located in its
Dockerfile, and CI's moving-tag findings on the image it pushes, are set aside (listed with the suppressed ones,
saying why) instead of being reported as things to act on. All must hold:

- a GitHub workflow that runs on a `schedule` builds the Dockerfile (`docker/build-push-action` with `context:` or
  `file:`, or a `docker build`/`docker buildx build` step that names it), and no workflow that a release or a
  pushed tag triggers builds it (a released image keeps its pins);
- the Dockerfile installs a library from its git head (`pip install git+https://github.com/org/lib`, no ref or a
  branch) or nightly/pre-release builds (`--pre`, a `/nightly/` index);
- and that install is the project's own package (its root setup declares that name), or the scheduled job's name
  says it tracks (`latest`, `nightly`, `bleeding-edge`, `canary`, `pre-release`).

A Dockerfile that only installs from git head, or that a scheduled job merely smoke-builds, is an ordinary image:
its findings stay.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from reprocheck.facts import fact
from reprocheck.facts.ci import CiConfig
from reprocheck.facts.dockerfile import (
    DOCKER_PROGRAMS,
    docker_build,
    docker_subcommand,
    normalise_image_name,
    option_values,
    parse_image,
)
from reprocheck.facts.roles import NIGHTLY, VCS_HEAD, root_project_names
from reprocheck.facts.shell import SourcedCommand, split_commands, strip_wrappers
from reprocheck.tables import ci_jobs

BUILD_ACTION = "docker/build-push-action"
NIGHTLY_BUILDS = "nightly builds"


@dataclass(frozen=True)
class ImageBuild:
    """A CI build of a Dockerfile of the repository: where, in which job, and the image names it tags."""

    dockerfile: str
    workflow: str
    line: int
    job: str | None
    images: tuple[str, ...]  # names without tag or digest, Docker Hub spelling normalised


@dataclass(frozen=True)
class TrackingImage:
    """A Dockerfile rebuilt on a schedule to track the heads of what it installs (see the module docstring)."""

    dockerfile: str
    build: ImageBuild
    title: str | None  # the scheduled job's name, when it says it tracks
    heads: tuple[str, ...]  # the libraries it installs from git head (NIGHTLY_BUILDS for nightly installs)
    line: int  # the first such install

    def why(self) -> str:
        job = f" (job '{self.title}')" if self.title else ""
        return f"{self.build.workflow}:{self.build.line} rebuilds it on a schedule{job} and it installs {self.what()}"

    def what(self) -> str:
        libraries = [name for name in self.heads if name != NIGHTLY_BUILDS]
        shown = ", ".join(libraries[:3]) + (f" and {len(libraries) - 3} more" if len(libraries) > 3 else "")
        parts = [f"{shown} from git head"] if libraries else []
        parts += ["nightly or pre-release builds"] if NIGHTLY_BUILDS in self.heads else []
        return f"{' and '.join(parts)} (line {self.line})"

    def reason(self) -> str:
        return f"an image that tracks the latest on purpose: {self.why()}"


@dataclass
class TrackingImages:
    """The tracking images by Dockerfile, and the CI `container:`/`services:` lines that run one of them."""

    dockerfiles: dict[str, TrackingImage] = field(default_factory=dict)
    uses: dict[tuple[str, int], tuple[str, TrackingImage]] = field(default_factory=dict)

    def at(self, path: str, line: int | None) -> str | None:
        """Why a CI image reference at `path:line` is set aside: it runs the project's own tracking image."""
        found = self.uses.get((path, line or 0))
        if found is None:
            return None
        image, tracking = found
        why = f"{tracking.dockerfile}: {tracking.why()}"
        return f"the project's own image {image}, which tracks the latest on purpose ({why})"

    def of(self, path: str) -> str | None:
        tracking = self.dockerfiles.get(path)
        return tracking.reason() if tracking is not None else None


def image_name(tag: str) -> str | None:
    tag = tag.strip().strip("'\"")
    if not tag or "$" in tag:
        return None
    return normalise_image_name(parse_image(tag, tag, 0).name)


def action_builds(config: CiConfig, dockerfiles) -> list[ImageBuild]:
    """`docker/build-push-action` steps that build a Dockerfile of the repository (`file:`, else `context:`'s
    Dockerfile; a Git context is the repository's root)."""
    found = []
    for use in config.uses:
        if use.action.lower() != BUILD_ACTION:
            continue
        context = str(use.inputs.get("context") or ".")
        file = use.inputs.get("file")
        if "$" in context or (file is not None and "$" in str(file)) or "://" in context:
            continue
        path = posixpath.normpath(str(file) if file is not None else posixpath.join(context, "Dockerfile"))
        path = path.removeprefix("./")
        if path not in dockerfiles:
            continue
        tags = str(use.inputs.get("tags") or "").replace(",", "\n").split("\n")
        names = tuple(dict.fromkeys(name for tag in tags if (name := image_name(tag))))
        found.append(ImageBuild(path, config.path, use.line, use.job, names))
    return found


def command_builds(config: CiConfig, dockerfiles) -> list[ImageBuild]:
    """`docker build` / `docker buildx build` steps that build a Dockerfile of the repository, with their `-t`s."""
    found = []
    for step in config.run_steps:
        if not step.is_shell:
            continue
        for command in split_commands(step.script, step.line, step.env):
            argv = strip_wrappers(command.argv)
            if not argv or posixpath.basename(argv[0]) not in DOCKER_PROGRAMS:
                continue
            sub, words = docker_subcommand(argv)
            built = docker_build(SourcedCommand(config.path, command.line, "ci", command), words, dockerfiles)
            if sub != "build" or built is None:
                continue
            tags = option_values(words, "--tag", "-t")
            names = tuple(dict.fromkeys(name for tag in tags if (name := image_name(tag))))
            found.append(ImageBuild(built[0], config.path, command.line, step.job, names))
    return found


def head_installs(dockerfile, live: list[int] | None = None) -> list[tuple[str, int]]:
    """(library, line) for what the Dockerfile's RUNs install from git head or as nightly/pre-release builds."""
    found: list[tuple[str, int]] = []
    for stage in dockerfile.stages:
        if live is not None and stage.index not in live:
            continue
        for run in stage.runs:
            for offset, text in enumerate(run.script.split("\n")):
                for match in VCS_HEAD.finditer(text):
                    found.append((match.group("repo").lower(), run.line + offset))
                if NIGHTLY.search(text):
                    found.append((NIGHTLY_BUILDS, run.line + offset))
    return found


@fact
def tracking_images(project, ci_configs, dockerfiles, dead_stages, python_modules) -> TrackingImages:
    """The Dockerfiles rebuilt on a schedule to track the latest on purpose (see the module docstring), and the
    CI image references that run them."""
    out = TrackingImages()
    builds = [
        (config, build)
        for config in ci_configs
        if config.kind == "github"
        for build in [*action_builds(config, dockerfiles), *command_builds(config, dockerfiles)]
    ]
    if not builds:
        return out
    released = {build.dockerfile for config, build in builds if "release" in config.events or config.tag_pushes}
    own: set[str] | None = None
    for config, build in builds:
        path = build.dockerfile
        if "schedule" not in config.events or path in released or path in out.dockerfiles:
            continue
        gone = dead_stages.get(path, frozenset())
        dockerfile = dockerfiles[path]
        heads = head_installs(dockerfile, [s.index for s in dockerfile.stages if s.index not in gone])
        if not heads:
            continue
        title = f"{build.job or ''} {config.titles.get(build.job or '', '')}"
        says = ci_jobs.CANARY_NAME.search(title) is not None
        if not says:
            if own is None:
                own = root_project_names(project, python_modules)
            if not any(canonicalize_name(name) in own for name, _ in heads):
                continue
        names = list(dict.fromkeys(name for name, _ in heads))
        out.dockerfiles[path] = TrackingImage(
            path,
            build,
            (config.titles.get(build.job or "") or build.job) if says else None,
            tuple(names),
            heads[0][1],
        )
    pushed = {name: tracking for tracking in out.dockerfiles.values() for name in tracking.build.images}
    for config in ci_configs:
        for use in config.images:
            name = image_name(use.image)
            if name in pushed:
                out.uses[(config.path, use.line)] = (name, pushed[name])
    return out

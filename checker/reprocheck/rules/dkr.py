"""DKR: containers. Dockerfiles are read through the `dockerfiles` fact (ARG defaults and stage aliases resolved,
RUN bodies split by the shell lexer), so a rule sees what BuildKit would build."""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprocheck import filekinds
from reprocheck.facts.conda import pinned_by_label
from reprocheck.facts.devcontainers import DevContainer
from reprocheck.facts.dockerfile import (
    ArgDecl,
    BuildContext,
    Dockerfile,
    ImageRef,
    Stage,
    built_dockerfile,
    docker_commands,
    is_host_folder,
    option_values,
    parse_image,
    unresolved_names,
    volume_source,
)
from reprocheck.facts.shell import (
    SHELLS,
    Command,
    Install,
    expand_word,
    iter_installs,
    strip_wrappers,
)
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.rule import Rule
from reprocheck.tables import containers
from reprocheck.tables.dev_tools import bears_on_results

COMMIT = re.compile(r"^[0-9a-f]{40}$")
SHORT_COMMIT = lazy_pattern(r"^[0-9a-f]{7,40}$")
UNRESOLVED = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
FETCHERS = frozenset({"curl", "wget"})
INTERPRETER = lazy_pattern(r"^(python|pypy|perl|ruby|node)[\d.]*$")  # python3.10 and pypy3 run scripts too
CHECKSUM_TOOLS = frozenset({"sha256sum", "sha512sum", "sha384sum", "sha224sum", "sha1sum", "md5sum", "b2sum", "shasum"})
SIGNATURE_CHECKS = {"gpg": ("--verify",), "gpgv": (), "cosign": ("verify", "verify-blob"), "minisign": ("-V",)}
KEY_SINKS = frozenset({"gpg", "apt-key", "rpm"})  # a fetched signing key is itself the trust anchor
KEY_PATH = lazy_pattern(r"(\.(gpg|asc|key|pub|pem)$)|/(apt/)?keyrings/|/trusted\.gpg\.d/")
PYTHON_INSTALLERS = {"pip": {"install"}, "pipx": {"install", "inject"}, "conda": {"install", "create"}}


def label(stage: Stage, dockerfile: Dockerfile) -> str:
    if stage.alias:
        return f"stage {stage.alias}"
    return f"stage {stage.index}" if len(dockerfile.stages) > 1 else "the image"


def external_bases(
    dockerfiles: dict[str, Dockerfile],
    devcontainers: list[DevContainer] | None = None,
    dead: dict[str, frozenset[int]] | None = None,
) -> Iterator[tuple[str, Dockerfile, Stage, ImageRef]]:
    """The images the stages start from (not other stages, not scratch, not left unresolved), dead stages left out
    (`dead`: see `live_stages`). A Dockerfile that a dev container builds is read with its `build.args`:
    `FROM …:1-${VARIANT}` is the image those args make."""
    args = {c.dockerfile: dict(c.build_args) for c in devcontainers or () if c.build_args}
    for path, dockerfile in dockerfiles.items():
        for stage in live_stages(path, dockerfile, dead):
            base = stage.base
            if path in args and not base.is_stage_alias and "$" in base.raw:
                base = with_build_args(dockerfile, base, args[path])
            if not base.is_stage_alias and not base.is_scratch and not base.unresolved:
                yield path, dockerfile, stage, base


def with_build_args(dockerfile: Dockerfile, base: ImageRef, args: dict[str, str]) -> ImageRef:
    """`base` as built with `--build-arg`s: a global ARG the args name takes their value instead of its default
    (an undeclared name sets nothing)."""
    values = {decl.name: decl.default for decl in dockerfile.global_args if decl.default is not None}
    values.update({decl.name: args[decl.name] for decl in dockerfile.global_args if decl.name in args})
    resolved = expand_word(base.raw, values)[0]
    if resolved == base.resolved:
        return base
    ref = parse_image(resolved, base.raw, base.line, unresolved_names(resolved))
    ref.via = base.via
    return ref


def live_stages(path: str, dockerfile: Dockerfile, dead: dict[str, frozenset[int]] | None) -> list[Stage]:
    """The stages of a Dockerfile that some build produces or uses: a dead stage (not the final one, no build
    targets it, nothing copies from it: a leftover `FROM ubuntu:18.04` right before `FROM python:2.7`) makes no
    image, so its base image and installs are not judged."""
    gone = (dead or {}).get(path, frozenset())
    return [stage for stage in dockerfile.stages if stage.index not in gone]


def in_dev_container(finding, dev_container_dockerfiles: dict[str, str]):
    """At info in a Dockerfile that only dev containers build: the editor's development environment, not the
    one experiments run in (a digest, pinned tooling or an unprivileged user there has no bearing on results)."""
    definition = dev_container_dockerfiles.get(finding.path)
    if definition is not None:
        finding.severity = Severity.INFO
        finding.message += (
            f" (info: a dev container's Dockerfile, built only by {definition}: the development environment, "
            "not the one experiments run in)"
        )
    return finding


def stage_commands(stage: Stage) -> Iterator[list[Command]]:
    """The commands of each RUN of the stage (split once per run, shared by the rules)."""
    for run in stage.runs:
        yield run.commands()


# Documentation shared by the rules that judge Docker stages and pins (Rule.notes).
DEAD_STAGES = """
A dead stage is not judged: one that is not the final stage, that no build targets (`--target`, compose or
dev container `target:`) and that no used stage builds on or copies from (a leftover `FROM ubuntu:18.04`
right before `FROM python:2.7`) makes no image.
"""
TRACKING_IMAGES = """
An image that tracks the latest on purpose is not reported: its findings are listed with the suppressed findings,
saying why ("an image that tracks the latest on purpose: .github/workflows/docker.yml:39 rebuilds it on a schedule
(job 'Latest GPU [dev]') and it installs transformers from git head (line 30)"). That is a Dockerfile that a
scheduled GitHub workflow builds (and no workflow that a release or a pushed tag triggers), that installs libraries
from git head or as nightly builds, and whose scheduled job is named latest, nightly, canary, bleeding-edge or
pre-release or whose head installs include the project's own package: a CI image rebuilt to test against the heads
of its dependencies, which pins would defeat.
"""


class UntaggedBaseImage(Rule):
    """
    ## What it does
    Reports a `FROM` whose image has neither a tag nor a digest once `ARG` defaults are substituted. Stage
    aliases (`FROM builder`) and `FROM scratch` are fine; an `ARG` without a default is DKR008's business.

    ## Why it matters
    `FROM python` means `python:latest` today and another Python, another Debian, another libc tomorrow. The
    same Dockerfile silently builds a different environment every time the upstream tag moves.

    ## Example
    ```dockerfile
    FROM python
    ```

    ## Fix
    Name the exact version and pin its digest: `FROM python:3.11.9-slim@sha256:<digest>` (get it with
    `docker buildx imagetools inspect python:3.11.9-slim`).
    """

    code = "DKR001"
    notes = (DEAD_STAGES, TRACKING_IMAGES)
    name = "untagged-base-image"
    severity = Severity.ERROR
    summary = "FROM without a tag or digest"

    def check(self, dockerfiles, devcontainers, dead_stages):
        for path, dockerfile, stage, base in external_bases(dockerfiles, devcontainers, dead_stages):
            if base.tag is None and base.digest is None:
                yield self.finding(
                    f"FROM {base.resolved} ({label(stage, dockerfile)}) has no tag or digest: "
                    f"pin it as {base.resolved}:<version>@sha256:<digest>",
                    path,
                    stage.line,
                )


class LatestTag(Rule):
    """
    ## What it does
    Reports the moving `latest` tag in `FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>`, and an image
    in `COPY --from`/`--mount=from` without any tag (which is `latest`). A reference that also carries a digest
    is pinned by the digest and is fine.

    ## Why it matters
    `latest` is whatever was pushed last. Two builds a week apart get different interpreters, CUDA versions or
    tool binaries, and nothing in the repository records which one a result came from.

    ## Example
    ```dockerfile
    FROM pytorch/pytorch:latest
    COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv
    ```

    ## Fix
    Use a version tag plus its digest: `COPY --from=ghcr.io/astral-sh/uv:0.4.20@sha256:<digest> /uv /bin/uv`.
    """

    code = "DKR002"
    notes = (DEAD_STAGES, TRACKING_IMAGES)
    name = "latest-tag"
    severity = Severity.ERROR
    summary = "A :latest image in FROM, COPY --from or RUN --mount=from"

    def check(self, dockerfiles, devcontainers, dead_stages):
        for path, dockerfile, stage, base in external_bases(dockerfiles, devcontainers, dead_stages):
            if base.tag == "latest" and base.digest is None:
                yield self.finding(
                    f"FROM {base.resolved} ({label(stage, dockerfile)}) uses the moving :latest tag: "
                    f"pin a version, e.g. {base.name}:<version>@sha256:<digest>",
                    path,
                    stage.line,
                )
        for path, dockerfile in dockerfiles.items():
            for stage in live_stages(path, dockerfile, dead_stages):
                for ref in stage.external_refs:
                    if ref.digest is not None or ref.unresolved or ref.tag not in (None, "latest"):
                        continue
                    why = "uses the moving :latest tag" if ref.tag else "has no tag, so it is :latest"
                    yield self.finding(
                        f"{ref.via}={ref.resolved} ({label(stage, dockerfile)}) {why}: "
                        f"pin it as {ref.name}:<version>@sha256:<digest>",
                        path,
                        ref.line,
                    )


class BaseImageWithoutDigest(Rule):
    """
    ## What it does
    Reports a base image pinned by a tag (`python:3.11-slim`) but not by an `@sha256:` digest. A Dockerfile that
    a dev container builds is read with the `build.args` of its devcontainer.json: `ARG VARIANT=3-bookworm` then
    `FROM mcr.microsoft.com/devcontainers/python:1-${VARIANT}` built with `"VARIANT": "3.11-bookworm"` names
    `…python:1-3.11-bookworm` (DKR001 and DKR002 read it so too). A Dockerfile that only dev containers build (no
    CI workflow, Makefile, shell script or compose file names it) is the editor's development environment, not
    the one experiments run in: reported at info, and not at all for a dev container image
    (`mcr.microsoft.com/devcontainers/…`), whose tags are meant to float with security fixes.

    ## Why it matters
    Tags are mutable: `python:3.11-slim` is rebuilt for every Python patch release and Debian security update.
    Only the digest names one exact image, so only a digest lets a build be repeated bit for bit.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    ```

    ## Fix
    Keep the tag for readers and add the digest (`docker buildx imagetools inspect python:3.11-slim`):
    `FROM python:3.11-slim@sha256:<digest>`. Dependabot and Renovate update both together.

    In an examples collection that tracks its library's latest release on purpose (the root README's title calls
    the repository examples of a library, its top-level folders are self-contained examples, and its CI installs
    that library from git head or nightly), the finding is not reported: it is listed with the suppressed findings,
    saying why ("an examples collection that tracks optuna's latest on purpose: its CI installs optuna from git
    head"), as a library needs no pins.
    """

    code = "DKR003"
    notes = (DEAD_STAGES, TRACKING_IMAGES)
    name = "base-image-without-digest"
    severity = Severity.WARNING
    summary = "A base image pinned by tag but not by digest"

    def check(self, dockerfiles, devcontainers, dev_container_dockerfiles, dead_stages):
        for path, dockerfile, stage, base in external_bases(dockerfiles, devcontainers, dead_stages):
            if base.tag not in (None, "latest") and base.digest is None:
                if path in dev_container_dockerfiles and base.name.startswith(containers.DEVCONTAINER_IMAGES):
                    continue  # a dev container image tag, meant to float with fixes, in contributor tooling
                finding = self.finding(
                    f"FROM {base.resolved} ({label(stage, dockerfile)}) is pinned by tag only: "
                    f"pin as {base.resolved}@sha256:<digest>",
                    path,
                    stage.line,
                )
                yield in_dev_container(finding, dev_container_dockerfiles)


# -- package pins -------------------------------------------------------------------------------------------------
def python_spec_pinned(spec: str) -> bool | None:
    """True/False for a pip requirement string; None when it cannot be judged (unresolved variables)."""
    if "$" in spec:
        return None
    if spec.lower().startswith(("git+", "hg+", "svn+", "bzr+")):
        return direct_reference_pinned(spec)
    try:
        requirement = Requirement(spec)
    except InvalidRequirement:
        return direct_reference_pinned(spec) if "://" in spec else None
    if requirement.url:
        return direct_reference_pinned(requirement.url)
    return any(s.operator == "===" or (s.operator == "==" and "*" not in s.version) for s in requirement.specifier)


def direct_reference_pinned(url: str) -> bool:
    """A VCS URL pinned to a 40-hex commit, or an archive URL with a hash fragment."""
    fragment = url.split("#", 1)[1] if "#" in url else ""
    if re.search(r"(^|&)(sha256|sha384|sha512)=", fragment):
        return True
    base = url.split("#", 1)[0]
    if base.endswith(".whl"):  # a wheel's file name carries its exact version
        return True
    if "+" in base.split("://", 1)[0]:  # git+https://...@ref
        ref = base.rsplit("@", 1)[1] if "@" in base.split("://", 1)[-1] else ""
        return bool(COMMIT.match(ref))
    return False


def conda_spec_pinned(spec: str) -> bool | None:
    if "$" in spec:
        return None
    spec = spec.split("::", 1)[-1].strip()
    if "==" in spec:
        return "*" not in spec.split("==", 1)[1]
    match = re.match(r"^[A-Za-z0-9_.\-]+\s*=\s*([^=\s]+)(=\S+)?$", spec) or re.match(
        r"^[A-Za-z0-9_.\-]+\s+([^\s]+)(\s+\S+)?$", spec
    )
    if not match:
        return False
    version, build = match.group(1), match.group(2)
    return "*" not in version and (build is not None or version.count(".") >= 2)


def unpinned_python_packages(install: Install) -> list[tuple[str, int]]:
    if install.tool == "uv" and install.action == "tool install":
        kind = "pip"
    elif install.action in PYTHON_INSTALLERS.get(install.tool, ()):
        kind = install.tool
    else:
        return []
    if kind == "pip" and install.constraint_files:
        return []
    specs = list(zip(install.packages, install.package_lines, strict=True))
    if kind == "pipx" and install.options.get("--spec"):
        specs = [(spec, install.command.line) for spec in install.options["--spec"]]
    if kind == "conda":
        channels = install.options.get("--channel", [])
        return [
            (spec, line)
            for spec, line in specs
            if conda_spec_pinned(spec) is False
            and not pinned_by_label(requirement_name(spec), [*channels, spec.split("::", 1)[0] if "::" in spec else ""])
        ]
    # pip merges the requirements of one name in one command: `pkg==1.4.2 'pkg[tensorboard]'` installs 1.4.2
    pinned = {canonicalize_name(requirement_name(spec)) for spec, _ in specs if python_spec_pinned(spec) is True}
    return [
        (spec, line)
        for spec, line in specs
        if python_spec_pinned(spec) is False and canonicalize_name(requirement_name(spec)) not in pinned
    ]


class UnpinnedPackageInstall(Rule):
    """
    ## What it does
    Reports Python packages installed in a `RUN` without an exact version: `pip`, `pip3`, `python -m pip`,
    `uv pip`, `uv tool`, `pipx`, `conda`/`mamba`/`micromamba install` of names without `==` (conda: `=X.Y.Z` or
    `==`), after `ARG`/`ENV` expansion, once per `RUN` instruction with the packages listed. Installing from a lock
    (`-r`, `-c`, `--require-hashes`), a local path or a wheel is fine, and so is a conda package of the family a
    release channel label names (`conda install -c nvidia/label/cuda-12.1.1 cuda`: the label serves only CUDA
    12.1.1; a label without a full version, or another package, pins nothing). The values of options such as
    `-i URL` or `--target DIR` are never taken for packages. pip merges the requirements of one name in one
    command, so `pip install pkg==1.4.2 'pkg[tensorboard]'` installs a pinned `pkg` with its extra. A `RUN` that
    only installs or upgrades the build tooling (`pip install -U pip setuptools wheel`, an installer such as
    pipenv or uv that then installs from a lock) is reported at info: it changes how packages are built, rarely
    what they compute. So is any install in a Dockerfile that only dev containers build (`build.dockerfile` in a
    devcontainer.json, and no CI workflow, Makefile, shell script or compose file names it): the development
    environment, not the one experiments run in; a build-tooling-only `RUN` there is not reported at all. A
    generated Dockerfile (`# GENERATED …`, `DO NOT EDIT` in its header) repeating a finding of a Dockerfile
    written by hand is not reported again.
    Packages whose version never changes a result (notebook servers, test runners, linters, progress bars, log
    viewers: `tables/dev_tools.py`) are not asked to be pinned: a `RUN pip install jupyter pytest` is not reported.

    ## Why it matters
    `pip install torch` installs whatever is newest on the day of the build. The image built next month has
    other versions than the one the results came from, and the repository keeps no trace of either.

    ## Example
    ```dockerfile
    RUN pip install --no-cache-dir -i https://download.pytorch.org/whl/cu121 torch torchvision
    ```

    ## Fix
    Install from the lock (`pip install --require-hashes -r requirements.lock`), constrain the command line with it
    (`pip install -c requirements.lock torch`), or pin: `torch==2.3.1`.

    In an examples collection that tracks its library's latest release on purpose (the root README's title calls
    the repository examples of a library, its top-level folders are self-contained examples, and its CI installs
    that library from git head or nightly), the finding is not reported: it is listed with the suppressed findings,
    saying why ("an examples collection that tracks optuna's latest on purpose: its CI installs optuna from git
    head"), as a library needs no pins.
    """

    code = "DKR004"
    notes = (DEAD_STAGES, TRACKING_IMAGES)
    name = "unpinned-package-install"
    severity = Severity.WARNING
    summary = "An unpinned Python package install in RUN"

    def check(self, dockerfiles, dev_container_dockerfiles, dead_stages):
        found = self.findings_in(dockerfiles, dev_container_dockerfiles, dead_stages)
        yield from fold_generated(list(found), dockerfiles)

    def findings_in(self, dockerfiles, dev_container_dockerfiles, dead_stages):
        for path, dockerfile in dockerfiles.items():
            for stage in live_stages(path, dockerfile, dead_stages):
                for run in stage.runs:
                    loose = [
                        (install, spec, line)
                        for install in iter_installs(run.commands())
                        for spec, line in unpinned_python_packages(install)
                        if may_change_results(spec)
                    ]
                    if not loose:
                        continue  # nothing, or only tools that never change a result (notebook servers, test runners)
                    finding = self.run_finding(path, loose)
                    if path in dev_container_dockerfiles and finding.severity is Severity.INFO:
                        continue  # a build-tooling upgrade in contributor tooling: no bearing on any result
                    yield in_dev_container(finding, dev_container_dockerfiles)

    def run_finding(self, path: str, loose: list[tuple[Install, str, int]]):
        """One finding per RUN: the packages to pin, or (at info) the build tooling when it is all there is."""
        packages = [(install, spec, line) for install, spec, line in loose if not is_bootstrap(spec)]
        tooling = [spec for _, spec, _ in loose if is_bootstrap(spec)]
        install, spec, line = (packages or loose)[0]
        what = "RUN " + " / ".join(dict.fromkeys(spelled(i) for i, _, _ in packages or loose))
        hint = pin_hint(spec, install.tool)
        if not packages:
            finding = self.finding(
                f"{what} leaves the build tooling ({listing(tooling)}) unpinned: pin it ({hint}) so that packages "
                "are built the same way every time",
                path,
                line,
            )
            finding.severity = Severity.INFO
            return finding
        specs = [spec for _, spec, _ in packages]
        also = f" (the build tooling {listing(tooling)} too)" if tooling else ""
        version, them = ("a pinned version", "it") if len(specs) == 1 else ("pinned versions", "them")
        return self.finding(
            f"{what} installs {listing(specs)} without {version}{also}: pin {them} ({hint}) or install from a lock "
            "(-r/-c requirements.lock)",
            path,
            line,
        )


def spelled(install: Install) -> str:
    """The install as the RUN writes it, without options: `uv pip install`, `python3 -m pip install`."""
    argv = strip_wrappers(install.command.argv)
    if install.action not in argv:
        return f"{install.tool} {install.action}"
    words = [w for w in argv[1 : argv.index(install.action) + 1] if not w.startswith("-") or w == "-m"]
    return " ".join([posixpath.basename(argv[0]), *words])


def may_change_results(spec: str) -> bool:
    """Build tooling (reported at info on its own) or a package whose version can change what a run computes."""
    return is_bootstrap(spec) or bears_on_results(canonicalize_name(requirement_name(spec)))


def is_bootstrap(spec: str) -> bool:
    return requirement_name(spec).lower() in containers.BOOTSTRAP_PACKAGES


def requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~;\[@]", spec.split("::", 1)[-1], maxsplit=1)[0] or spec


def listing(items: list[str], shown: int = 5) -> str:
    """`a, b, c` or `a, b, c, d, e and 3 more`."""
    items = list(dict.fromkeys(items))
    if len(items) <= shown:
        return ", ".join(items)
    return ", ".join(items[:shown]) + f" and {len(items) - shown} more"


def pin_hint(spec: str, tool: str) -> str:
    name = requirement_name(spec)
    if "://" in spec or spec.startswith(("git+", "hg+")):
        return "a commit: git+https://...@<40-hex sha>, or an archive URL with #sha256=<hash>"
    return f"{name}=<x.y.z>" if tool == "conda" else f"{name}==<version>"


class UnpinnedSystemPackages(Rule):
    """
    ## What it does
    Reports `apt-get`/`apt`, `apk`, `dnf`/`microdnf` and `yum` installs of packages without a version
    (`libopenblas-dev=0.3.21+ds-4`, `musl-dev=1.2.4-r2`), once per Dockerfile (at its first such `RUN`, naming the
    lines of the others), when the packages bear on what the image computes or reads: numerical libraries
    (BLAS/LAPACK/MKL, FFTW, sparse solvers), the CUDA stack (CUDA, cuDNN, NCCL, TensorRT), the interpreter itself
    (`python3`, `python3.11`, `r-base`) and scientific libraries the distribution packages (`python3-numpy`), and
    the decoders and readers of data (ffmpeg and libav, sox and libsndfile, image codecs, ImageMagick, OpenCV,
    GDAL/PROJ/GEOS, HDF5, NetCDF, espeak, Tesseract, poppler); the list is data in `tables/containers.py`.
    Compilers, build tools, X/GL runtime libraries, editors, shells, fetchers, certificates and locales change
    how an image is built or used, not the numbers it produces, and are left out. So are installs on a
    distribution release past its end of life (`ubuntu:18.04`, `…-ubuntu16.04`, `python:3.7-buster`,
    `debian:10`, `centos:7`), whose archive no longer changes, build dependencies the same `RUN` removes again
    (`apt-get purge`/`remove`, the docker-library recipe's `apt-mark auto '.*'` then `apt-get purge --auto-remove`,
    `apk add --virtual .build-deps` then `apk del .build-deps`) and what a `RUN` installs after adding a PPA
    (`add-apt-repository ppa:…`), which keeps only its latest build. A generated Dockerfile (its header says
    `# GENERATED …`/`DO NOT EDIT`) repeating the finding of a Dockerfile written by hand is not reported again
    (DKR004 and DKR007 alike): the fix belongs in the source. Opt-in: select `DKR006`.

    ## Why it matters
    System packages change with every rebuild of the distribution's index. Most are harmless, but BLAS/LAPACK
    and CUDA libraries change numerical results, and decoders change the data a model sees. A digest-pinned base
    image plus versioned system packages is the only way to rebuild the same image later.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential libopenblas-dev
    ```

    ## Fix
    Pin the versions that matter (`libopenblas-dev=0.3.21+ds-4`), or use a snapshot mirror
    (`snapshot.debian.org`) so the index itself is fixed.
    """

    code = "DKR006"
    notes = (DEAD_STAGES, TRACKING_IMAGES)
    name = "unpinned-system-packages"
    severity = Severity.INFO
    summary = "apt/apk/dnf/yum installs without versions"
    default_enabled = False

    def check(self, dockerfiles, dead_stages):
        found = []
        for path, dockerfile in dockerfiles.items():
            stages = live_stages(path, dockerfile, dead_stages)
            runs = [
                loose
                for stage in stages
                if not on_frozen_release(stage, dockerfile)
                for run in stage.runs
                if (loose := kept_packages(run))
            ]
            if not runs:
                continue
            loose = [item for run in runs for item in run]
            first, example = loose[0]
            programs = " / ".join(dict.fromkeys(f"{i.command.program} {i.action}" for i, _ in loose))
            if len(runs) > 1:
                programs += " (lines " + ", ".join(str(run[0][0].command.line) for run in runs) + ")"
            suffix = "-<version>" if first.tool in ("dnf", "yum") else "=<version>"
            found.append(
                self.finding(
                    f"RUN {programs} installs {listing(list(dict.fromkeys(p for _, p in loose)))} without versions: "
                    f"pin them ({example}{suffix}) or use a snapshot mirror",
                    path,
                    first.command.line,
                )
            )
        yield from fold_generated(found, dockerfiles)


def on_frozen_release(stage: Stage, dockerfile: Dockerfile) -> bool:
    """Whether the stage builds on a distribution release past its end of life (following `FROM <stage>` to the
    image it starts from): its archive no longer changes, so what an unversioned install gets never moves."""
    aliases = {s.alias: s for s in dockerfile.stages if s.alias}
    seen = set()
    base = stage.base
    while base.is_stage_alias and base.name in aliases and base.name not in seen:
        seen.add(base.name)
        base = aliases[base.name].base
    tag = base.tag or ""
    short = base.name.rsplit("/", 1)[-1]
    release = containers.FROZEN_RELEASE_TAGS.get(short) if "/" not in base.name else None
    return bool(containers.FROZEN_RELEASES.search(tag) or (release and release.search(tag)))


def kept_packages(run) -> list[tuple[Install, str]]:
    """(install, package) for the packages a RUN installs unversioned and keeps: not the build dependencies it
    removes again (`apt-get purge`/`remove`, `apt-mark auto '.*'` then `apt-get purge --auto-remove`,
    `apk add --virtual .build-deps` then `apk del .build-deps`, `dnf remove`), nor what it installs after adding a
    PPA (`add-apt-repository ppa:deadsnakes/ppa`), which keeps only its latest build, so a pin would break."""
    commands = run.commands()
    installs = list(iter_installs(commands))
    removed: set[str] = set()
    auto_remove = False
    for install in installs:
        if (install.tool, install.action) in REMOVALS:
            removed.update(package.split("=")[0].lower() for package in install.packages)
            argv = install.command.argv
            auto_remove |= install.action == "autoremove" or "--auto-remove" in argv or "--autoremove" in argv
    marked_auto = any(strip_wrappers(c.argv)[:3] == ["apt-mark", "auto", ".*"] for c in commands)
    position = {id(command): index for index, command in enumerate(commands)}
    ppa_at = min(
        (
            position[id(c)]
            for c in commands
            if c.program == "add-apt-repository" and any(a.startswith("ppa:") for a in c.argv)
        ),
        default=None,
    )
    kept = []
    for install in installs:
        if install.tool == "apt" and marked_auto and auto_remove:
            continue  # the docker-library recipe: everything installed here is purged at the end
        if install.tool == "apk" and removed & {v.lower() for v in install.options.get("--virtual", [])}:
            continue
        if install.tool == "apt" and ppa_at is not None and position.get(id(install.command), -1) > ppa_at:
            continue
        kept.extend((install, p) for p in unpinned_system_packages(install) if p.lower() not in removed)
    return kept


REMOVALS = frozenset(
    {("apt", "purge"), ("apt", "remove"), ("apt", "autoremove"), ("apk", "del"), ("dnf", "remove"),
     ("dnf", "erase"), ("yum", "remove"), ("yum", "erase")}
)  # fmt: skip


def fold_generated(found: list, dockerfiles: dict[str, Dockerfile]) -> list:
    """`found` without the findings of a generated Dockerfile (its header says `# GENERATED …` or `DO NOT EDIT`)
    that repeat, word for word, one in a Dockerfile written by hand: the fix belongs in the source it is generated
    from, where the same finding is already reported."""
    written = {f.message for f in found if not dockerfiles[f.path].generated}
    return [f for f in found if not (dockerfiles[f.path].generated and f.message in written)]


def unpinned_system_packages(install: Install) -> list[str]:
    """Packages an apt/apk/dnf/yum install leaves unversioned that bear on results (see
    `containers.RESULT_BEARING_SYSTEM_PACKAGES`)."""
    if install.tool not in ("apt", "apk", "dnf", "yum") or install.action not in ("install", "add"):
        return []
    return [
        p
        for p in install.packages
        if not system_package_pinned(p, install.tool) and containers.RESULT_BEARING_SYSTEM_PACKAGES.match(p)
    ]


def system_package_pinned(package: str, tool: str) -> bool:
    if "$" in package or package.startswith(("@", "-")):
        return True
    if tool == "apt":
        return "=" in package
    if tool == "apk":
        return bool(re.search(r"[=~<>]", package))
    return bool(re.search(r"-\d[\w.+~]*(-[\w.+~]+)?(\.[\w]+)?$", package)) or "=" in package


# -- remote fetches -----------------------------------------------------------------------------------------------
def first_url(argv: list[str]) -> str | None:
    return next((a for a in argv[1:] if "://" in a and not a.startswith("-")), None)


def is_download(command: Command) -> bool:
    """curl/wget that writes what it fetches to a file or a pipe (not a health check printing to stdout)."""
    if command.program == "wget":
        return "--spider" not in command.argv
    if command.program != "curl":
        return False
    writes = any(
        a in ("--output", "--remote-name", "--remote-name-all", "--output-dir")
        or a.startswith("--output=")
        or (a.startswith("-") and not a.startswith("--") and ("o" in a[1:] or "O" in a[1:]))
        for a in command.argv[1:]
    )
    return writes or command.operator == "|"


def output_target(command: Command) -> str | None:
    """The file curl (`-o`) or wget (`-O`) writes to."""
    short = "o" if command.program == "curl" else "O"
    argv = command.argv
    for i, arg in enumerate(argv[1:], start=1):
        if arg.startswith(("--output=", "--output-document=")):
            return arg.split("=", 1)[1]
        if arg in ("--output", "--output-document") or (
            arg.startswith("-") and not arg.startswith("--") and arg.endswith(short)
        ):
            return argv[i + 1] if i + 1 < len(argv) else None
    return None


def is_verification(command: Command) -> bool:
    program, args = command.program, command.argv[1:]
    if program in CHECKSUM_TOOLS:
        return any(a in ("-c", "--check") or (a.startswith("-") and not a.startswith("--") and "c" in a) for a in args)
    if program in SIGNATURE_CHECKS:
        wanted = SIGNATURE_CHECKS[program]
        return not wanted or any(a in wanted for a in args)
    return False


# What is wrong with a fetch in a RUN, by kind: (said of one fetch, said of several).
FETCH_VERDICTS = {
    "piped": ("runs a remote script unverified", "run remote scripts unverified"),
    "substituted": ("runs a remote script fetched with curl/wget, unverified", "run remote scripts unverified"),
    "unchecked": (
        "downloads without a checksum check (sha256sum -c) in this RUN",
        "download without a checksum check (sha256sum -c) in this RUN",
    ),
    "unpinned clone": ("is not pinned to a commit", "are not pinned to a commit"),
}


def remote_fetch_problems(commands: list[Command]) -> Iterator[tuple[Command, str, str]]:
    """(command, what it fetches as the reader knows it, kind of problem in FETCH_VERDICTS)."""
    verified = any(is_verification(c) for c in commands)
    for index, command in enumerate(commands):
        following = commands[index + 1] if index + 1 < len(commands) else None
        piped_into, receiver = None, []
        if following is not None and command.operator == "|":
            receiver = strip_wrappers(following.argv)  # `| sudo bash` runs bash
            piped_into = posixpath.basename(receiver[0]) if receiver else None
        saves_key = KEY_PATH.search(output_target(command) or "") or any(KEY_PATH.search(a) for a in receiver[1:])
        if command.program in FETCHERS and is_download(command):
            url = first_url(command.argv) or "a remote file"
            if piped_into is not None and runs_scripts(piped_into):
                yield command, f"{command.program} {url} | {piped_into}", "piped"
            elif piped_into in KEY_SINKS or saves_key:
                continue
            elif not verified:
                yield command, f"{command.program} {url}", "unchecked"
        elif command.program in SHELLS and any(("$(curl" in a or "$(wget" in a or "<(curl" in a) for a in command.argv):
            yield command, command.program, "substituted"
        elif (
            command.program == "git"
            and "clone" in command.argv[1:3]
            and not any(checks_out_commit(c) for c in commands[index + 1 :])
        ):
            url = first_url(command.argv) or next((a for a in command.argv[2:] if not a.startswith("-")), "")
            yield command, f"git clone {url}", "unpinned clone"


def runs_scripts(program: str) -> bool:
    return program in SHELLS or bool(INTERPRETER.match(program))


def is_pip_bootstrap(command: Command) -> bool:
    """`curl https://bootstrap.pypa.io/get-pip.py`: the pip installer, build tooling rather than what runs."""
    url = first_url(command.argv)
    return url is not None and (urlsplit(url).hostname or "") in containers.PIP_BOOTSTRAP_HOSTS


def checks_out_commit(command: Command) -> bool:
    if command.program != "git":
        return False
    args = [a for a in command.argv[1:] if not a.startswith("-")]
    if command.argv[1:2] == ["-C"]:  # git -C <dir> checkout ...
        args = args[1:]
    if not args or args[0] not in ("checkout", "reset", "switch", "fetch"):
        return False
    return any(SHORT_COMMIT.match(a) or "$" in a for a in args[1:])


class UnverifiedRemoteFetch(Rule):
    """
    ## What it does
    Reports remote content entering an image without an integrity check: `ADD <url>` without `--checksum`, `curl … | sh`
    (or `bash -c "$(curl …)"`), a `curl -o`/`wget` download not verified by `sha256sum -c` (or `gpg --verify`, `cosign
    verify-blob`) in the same `RUN`, and `git clone` without a checkout of a commit, once per instruction (listing its
    URLs). Fetching a signing key (`| gpg --dearmor`, `-o /etc/apt/keyrings/x.gpg`) is not reported. A `RUN` whose only
    fetch is the pip bootstrap (`curl https://bootstrap.pypa.io/get-pip.py | python`) is reported at info: it is build
    tooling, which changes how packages are installed, rarely what they compute. An instruction whose only unverified
    fetches are fonts (`ADD https://…/Arial.ttf`, `.otf`, `.woff2`) is not reported: fonts are display assets with no
    bearing on results (beside other fetches they are listed with them). Nor is the download of an init process (`ADD
    …/tini /usr/bin/tini`, `dumb-init`, `catatonit`) that nothing runs: no ENTRYPOINT or CMD of the repository's
    Dockerfiles, and no command of their RUNs (other than those that fetch it or `chmod +x` it), scripts, Makefiles, CI
    or documented commands (`docker run --entrypoint`) names it by its name, its file name or where it is saved. An init
    process exists to be PID 1; an image whose ENTRYPOINT is something else (`./run.sh`) never executes it. A generated
    Dockerfile (`# GENERATED …`, `DO NOT EDIT` in its header) repeating a finding of a Dockerfile written by hand is not
    reported again: the fix belongs in the source.

    In an image that tracks the latest on purpose, a `git clone` without a commit is not reported: it is listed
    with the suppressed findings, saying why ("an image that tracks the latest on purpose:
    .github/workflows/docker.yml:39 rebuilds it on a schedule (job 'Latest GPU [dev]') and it installs transformers
    from git head (line 30)"). That is a Dockerfile that a scheduled GitHub workflow builds (and no workflow that a
    release or a pushed tag triggers), that installs libraries from git head or as nightly builds, and whose
    scheduled job is named latest, nightly, canary, bleeding-edge or pre-release or whose head installs include the
    project's own package: a CI image rebuilt to test against the heads of its dependencies, which pins would
    defeat. A download without a checksum there is reported: integrity matters in any image.

    ## Why it matters
    A URL returns what its server serves today. Release assets get re-uploaded, install scripts change, branches
    move: the image built from the same Dockerfile is no longer the same image, and a compromised server
    injects code straight into it.

    ## Example
    ```dockerfile
    RUN curl -fsSL https://astral.sh/uv/install.sh | sh
    RUN git clone https://github.com/org/lib /opt/lib
    ```

    ## Fix
    Verify what you fetch: `ADD --checksum=sha256:<hash> <url> /dst`, or
    `curl -fsSLo x.tgz <url> && echo "<sha256>  x.tgz" | sha256sum -c -`; clone then
    `git -C /opt/lib checkout <commit sha>`; prefer a digest-pinned image (`COPY --from=…@sha256:…`).
    """

    code = "DKR007"
    notes = (DEAD_STAGES,)
    name = "unverified-remote-fetch"
    severity = Severity.WARNING
    summary = "A remote fetch without an integrity check"

    def check(self, dockerfiles, dead_stages, shell_commands, documented_commands):
        runs = RunNames(dockerfiles, [*shell_commands, *documented_commands])
        yield from fold_generated(list(self.findings_in(dockerfiles, dead_stages, runs)), dockerfiles)

    def findings_in(self, dockerfiles, dead_stages, runs: RunNames):
        for path, dockerfile in dockerfiles.items():
            for stage in live_stages(path, dockerfile, dead_stages):
                for add in stage.adds:
                    finding = self.add_finding(path, add, runs, add_destination(stage, add))
                    if finding:
                        yield finding
                for commands in stage_commands(stage):
                    found = [
                        problem for problem in remote_fetch_problems(commands) if not idle_init_download(problem, runs)
                    ]
                    finding = self.run_finding(path, found) if found else None
                    if finding:
                        yield finding

    def add_finding(self, path: str, add, runs: RunNames, destination: str | None = None):
        """One finding per ADD: its unverified sources (fonts beside them named too); none for fonts alone, nor for
        an init process that nothing runs."""
        remote = [source for source in add.sources if "://" in source or source.startswith("git@")]
        if not add.checksum and remote and all(is_idle_init(source, runs, destination) for source in remote):
            return None  # an init process (tini) no ENTRYPOINT, CMD or command runs: never executed
        assets = [source for source in remote if is_display_asset(source)]
        problem = add_problems([source for source in add.sources if source not in assets], add.checksum)
        if problem:
            also = f" (the font {', '.join(assets)} too)" if assets and not add.checksum else ""
            return self.finding(f"{problem}{also}", path, add.line)
        return None

    def run_finding(self, path: str, found: list[tuple[Command, str, str]]):
        """One finding per RUN: its unverified fetches (fonts beside them named too), or (at info) the pip
        bootstrap when it is all there is; none when only fonts are fetched."""
        bootstraps = [subject for command, subject, _ in found if is_pip_bootstrap(command)]
        assets = [subject for command, subject, kind in found if is_asset_download(command, kind)]
        fetches = [problem for problem in found if problem[1] not in bootstraps and problem[1] not in assets]
        if fetches:
            fixes = dict.fromkeys(fetch_fix(command) for command, _, _ in fetches)
            also = "".join(
                f" (the {what} {', '.join(subjects)} too)"
                for what, subjects in (("pip bootstrap", bootstraps), ("font", assets))
                if subjects
            )
            return self.finding(f"RUN {run_problems(fetches)}{also}: {'; '.join(fixes)}", path, fetches[0][0].line)
        if not bootstraps:
            return None
        line = next(command.line for command, subject, _ in found if subject in bootstraps)
        return self.info(
            f"RUN {', '.join(bootstraps)} bootstraps pip from a script it does not verify, so the pip version "
            "floats: pin pip afterwards (python -m pip install pip==<version>) or verify the script "
            "(sha256sum -c)",
            path,
            line,
        )

    def info(self, message: str, path: str, line: int):
        finding = self.finding(message, path, line)
        finding.severity = Severity.INFO
        return finding


class RunNames:
    """The names of what the repository runs, read lazily: the words of every Dockerfile's ENTRYPOINT and CMD, and of
    every command of its Dockerfiles, scripts, Makefiles, CI and documented commands that runs something (not a
    `chmod +x /usr/bin/tini`, nor the `curl -o /usr/bin/tini` that fetches it), by their base name (`/usr/bin/tini`
    -> `tini`)."""

    def __init__(self, dockerfiles: dict[str, Dockerfile], commands: list):
        self.dockerfiles = dockerfiles
        self.commands = commands
        self._names: set[str] | None = None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            self._names = self.collect()
        return name in self._names

    def collect(self) -> set[str]:
        words: list[str] = []
        for dockerfile in self.dockerfiles.values():
            for stage in dockerfile.stages:
                for spec in (stage.entrypoint, stage.cmd):
                    if spec is not None:
                        words += spec.argv if spec.argv is not None else re.split(r"[\s'\"=;&|()]+", spec.script or "")
        for sourced in self.commands:
            argv = strip_wrappers(sourced.command.argv)
            if argv and posixpath.basename(argv[0]) not in containers.FILE_COMMANDS | FETCHERS:
                words += [part for word in argv for part in word.split("=")]
        return {posixpath.basename(word.strip("'\"")) for word in words if word}


def init_process(url: str) -> str | None:
    """The init process a URL serves (`…/tini-static-amd64` -> `tini`), None for anything else."""
    match = containers.INIT_PROCESS.match(url_file_name(url))
    return match.group(1) if match else None


def url_file_name(url: str) -> str:
    """The last part of a URL's path (`https://x.org/a/tini?x=1` -> `tini`), read without a URL parser (a mangled
    host such as `http://[x` is still a string)."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    path = path.split("://", 1)[1] if "://" in path else path
    return posixpath.basename(path.partition("/")[2]) if "/" in path else ""


def is_idle_init(url: str, runs: RunNames, destination: str | None) -> bool:
    """An init process (tini, dumb-init) that nothing runs under its name, its file name or where it is saved: it
    exists to be the ENTRYPOINT, and an image whose ENTRYPOINT is something else never executes it."""
    name = init_process(url)
    if name is None:
        return False
    names = {name, url_file_name(url)}
    if destination and not destination.endswith("/"):
        names.add(posixpath.basename(destination))
    return not any(candidate in runs for candidate in names)


def idle_init_download(problem: tuple[Command, str, str], runs: RunNames) -> bool:
    """A plain download (`curl -o /tini …/tini`) of an init process that nothing runs."""
    command, _, kind = problem
    url = first_url(command.argv)
    return kind == "unchecked" and url is not None and is_idle_init(url, runs, output_target(command))


def add_destination(stage: Stage, add) -> str | None:
    """Where an ADD saves what it fetches (its last argument)."""
    for instruction in stage.instructions:
        if instruction.keyword == "ADD" and instruction.line == add.line:
            words = instruction.value.split()
            return words[-1].strip("\"'[],") if len(words) > 1 else None
    return None


def is_display_asset(url: str) -> bool:
    """A font (`https://…/Arial.ttf`): shown in plots and UIs, with no bearing on results."""
    suffix = posixpath.splitext(url_file_name(url))[1].lower()
    return suffix in containers.DISPLAY_ASSET_SUFFIXES


def is_asset_download(command: Command, kind: str) -> bool:
    """A plain download (not a script run) of display assets only."""
    url = first_url(command.argv)
    return kind == "unchecked" and url is not None and is_display_asset(url)


def run_problems(found: list[tuple[Command, str, str]]) -> str:
    """`wget a, wget b download without a checksum check …`: each kind of problem said once for its fetches."""
    by_kind: dict[str, list[str]] = {}
    for _, subject, kind in found:
        by_kind.setdefault(kind, []).append(subject)
    return joined_problems(
        [f"{', '.join(subjects)} {FETCH_VERDICTS[kind][len(subjects) > 1]}" for kind, subjects in by_kind.items()]
    )


def joined_problems(problems: list[str]) -> str:
    return problems[0] if len(problems) == 1 else "; ".join(problems)


def add_problems(sources: list[str], checksum: str | None) -> str | None:
    """What is wrong with an ADD's remote sources, said once for the instruction."""
    git = [s for s in sources if s.startswith("git@") or ("://" in s and s.split("#", 1)[0].endswith(".git"))]
    unpinned_git = [s for s in git if not COMMIT.match(s.split("#", 1)[1].split(":", 1)[0] if "#" in s else "")]
    unchecked = [] if checksum else [s for s in sources if "://" in s and s not in git]
    problems = []
    if unpinned_git:
        subject = "is a git source" if len(unpinned_git) == 1 else "are git sources"
        problems.append(
            f"ADD {', '.join(unpinned_git)} {subject} not pinned to a commit: add #<40-hex commit> to the URL"
        )
    if len(unchecked) == 1:
        problems.append(f"ADD {unchecked[0]} has no --checksum: use ADD --checksum=sha256:<hash> {unchecked[0]} <dest>")
    elif unchecked:
        problems.append(
            f"ADD {', '.join(unchecked)} have no --checksum: fetch each with its own "
            "ADD --checksum=sha256:<hash> <url> <dest>"
        )
    return joined_problems(problems) if problems else None


def fetch_fix(command: Command) -> str:
    if command.program == "git":
        return "check out a commit after cloning (git -C <dir> checkout <commit sha>)"
    return 'download to a file and verify it (echo "<sha256>  file" | sha256sum -c -) before use'


# -- build arguments, users, contexts -----------------------------------------------------------------------------
class ArgWithoutDefault(Rule):
    """
    ## What it does
    Reports an `ARG` declared without a default whose value decides a base image (`FROM nvidia/cuda:${CUDA}`),
    an image copied or mounted from, or an installed version (`pip install torch==${TORCH}`). BuildKit's automatic
    arguments (`TARGETARCH`, `BUILDPLATFORM`, …) are not reported, nor is an `ARG` the repository's own build
    command gives a value: `docker build --build-arg NAME=<value>` in its scripts, Makefile, CI, the root README,
    a `docs/` page or the README beside the Dockerfile, or `build.args` of a compose service built from it. One
    `ARG` line declaring several such arguments is reported once.

    ## Why it matters
    Without a default the image depends on a `--build-arg` typed on somebody's command line. Nothing in the
    repository says which CUDA or torch the published results were built with, and a plain `docker build` either
    fails or silently builds something else.

    ## Example
    ```dockerfile
    ARG CUDA
    FROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04
    ```

    ## Fix
    Give it the default you use: `ARG CUDA=12.1.1`. A build can still override it, but the default is recorded.
    """

    code = "DKR008"
    name = "arg-without-default"
    severity = Severity.WARNING
    summary = "An ARG without a default that decides a base image or an installed version"

    def check(self, dockerfiles, shell_commands, documented_commands, dockerfile_readme_commands, compose_builds):
        commands = [*shell_commands, *documented_commands, *dockerfile_readme_commands]
        given = passed_build_args(commands, dockerfiles, compose_builds)
        for path, dockerfile in dockerfiles.items():
            by_line: dict[int, dict[str, str]] = {}  # ARG line -> name -> the first thing it decides
            for decl, what in undefined_arg_uses(dockerfile):
                if decl.name not in given.get(path, ()):
                    by_line.setdefault(decl.line, {}).setdefault(decl.name, what)
            for line, uses in by_line.items():
                if len(uses) == 1:
                    ((name, what),) = uses.items()
                    value = "<version>" if what.startswith("the installed") else "<value>"
                    message = f"ARG {name} has no default but decides {what}: give it a default (ARG {name}={value})"
                else:
                    names = ", ".join(uses)
                    decided = "; ".join(f"{name}: {what}" for name, what in uses.items())
                    defaults = " ".join(f"{name}=<value>" for name in uses)
                    message = (
                        f"ARGs {names} have no default but decide ({decided}): give them defaults (ARG {defaults})"
                    )
                yield self.finding(message, path, line)


def passed_build_args(commands, dockerfiles, compose_builds) -> dict[str, set[str]]:
    """Dockerfile -> the ARGs the repository's own build commands give a value (`docker build --build-arg
    COMMIT=c34ac1d …` in its scripts, Makefile, CI or the README beside it; `build.args` of a compose service)."""
    given: dict[str, set[str]] = {}
    for sourced, sub, words in docker_commands(commands):
        path = built_dockerfile(sourced, words, dockerfiles) if sub == "build" else None
        for value in option_values(words, "--build-arg", None) if path else ():
            name, equals, setting = value.partition("=")
            if equals and setting:
                given.setdefault(path, set()).add(name)
    for service in compose_builds:
        given.setdefault(service.dockerfile, set()).update(service.args)
    return given


def undefined_arg_uses(dockerfile: Dockerfile) -> Iterator[tuple[ArgDecl, str]]:
    """(ARG without a default, what it decides) for base images, copied/mounted images and installed versions."""
    undefined = {a.name: a for a in dockerfile.global_args if a.default is None and not a.automatic}
    for stage in dockerfile.stages:
        for name in stage.base.unresolved:
            if name in undefined:
                yield undefined[name], f"the base image {stage.base.raw} (line {stage.line})"
        local = {a.name: a for a in stage.args if a.default is None and not a.automatic}
        for ref in stage.external_refs:
            for name in ref.unresolved:
                if name in local:
                    yield local[name], f"the image {ref.raw} (line {ref.line})"
        for commands in stage_commands(stage):
            for install in iter_installs(commands):
                for spec in install.packages + install.local_paths:
                    for name in UNRESOLVED.findall(spec):
                        if name in local:
                            yield local[name], f"the installed {spec} (line {install.command.line})"


def effective_user(dockerfile: Dockerfile, stage: Stage) -> tuple[str | None, Stage]:
    """The USER in force at the end of `stage` (following stage aliases), and the stage that set it."""
    seen: set[int] = set()
    current = stage
    while current.user is None and current.parent is not None and current.parent not in seen:
        seen.add(current.index)
        current = dockerfile.stages[current.parent]
    return current.user, current


def is_root(user: str | None) -> bool:
    if user is None:
        return True
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0", "")


class RunsAsRoot(Rule):
    """
    ## What it does
    Reports a Dockerfile whose final stage runs as root (no `USER` in it or in the stage it builds on, or a last
    `USER root`/`USER 0`) when the repository shows that image writing into a host folder: its own scripts,
    Makefile, CI or instructions (a shell code block of the root README or a `docs/` page) `docker run` the image
    a `docker build -t <tag>` there builds from it with a host folder mounted (`-v $(pwd):/work`,
    `--volume ./data:/data`, `--mount type=bind,…`), or a docker compose service built from it has a bind volume
    (`./outputs:/outputs`, `${PWD}:/w`). The finding names that mount. This is a deliberate narrowing of
    "runs as root": an image nothing in the repository runs with a host folder (a server, a one-shot job, a
    published image) is not reported, nor one run with a named volume (`-v cache:/root/.cache`), a tmpfs or
    `--user <non-root>` (`--user $(id -u):$(id -g)`): root there is a security matter with no bearing on results.
    Base images known to default to an unprivileged user (Jupyter docker-stacks, Bitnami, Chainguard, distroless
    `:nonroot`) or never run as root (AWS Lambda function images) are fine.

    A Dockerfile that a dev container builds (`build.dockerfile` in `.devcontainer/devcontainer.json`) is always
    judged, since the editor mounts the workspace into it, with its definition: a non-root `remoteUser` or
    `containerUser` answers for the stage it builds (`build.target`, else the final stage), and so does a dev
    container base image (`mcr.microsoft.com/devcontainers/…`), whose metadata names an unprivileged remote user;
    a final stage other than that target is judged on its own as above. A Dockerfile that only dev containers
    build (no CI workflow, Makefile, shell script or compose file names it) is reported at info when its dev
    container runs as root: the development environment, not the one experiments run in.

    ## Why it matters
    A container running as root writes root-owned files into the host folders mounted into it, so the next run on
    the host (or in CI) cannot overwrite or clean them and results get mixed with stale ones.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    COPY . /app
    CMD ["python", "/app/train.py"]
    ```
    run by the repository's `Makefile` as `docker run -v $(pwd)/outputs:/app/outputs train`.

    ## Fix
    Create and switch to an unprivileged user at the end: `RUN useradd --create-home app` then `USER app`, or run
    the image as the host user (`docker run --user $(id -u):$(id -g) …`); for a dev container, set
    `"remoteUser": "<user>"` in its devcontainer.json.
    """

    code = "DKR009"
    name = "runs-as-root"
    severity = Severity.WARNING
    summary = "The final stage runs as root"
    preview = (
        "sampled findings judged worth acting on: 4 of 35 (21 repositories): running as root changes no "
        "result unless the container writes to a mounted host folder"
    )

    def check(
        self,
        dockerfiles,
        devcontainers,
        shell_commands,
        documented_commands,
        dockerfile_readme_commands,
        dev_container_dockerfiles,
        compose_builds,
    ):
        by_dockerfile = {container.dockerfile: container for container in devcontainers}
        commands = [*shell_commands, *documented_commands, *dockerfile_readme_commands]
        unprivileged = unprivileged_runs(commands, dockerfiles, compose_builds)
        mounts = host_mounts(commands, dockerfiles, compose_builds)
        for path, dockerfile in dockerfiles.items():
            final = dockerfile.final_stage
            if final is None:
                continue
            container = by_dockerfile.get(path)
            # Root matters where the image writes into a host folder: the repository's own `docker run -v`
            # (without `--user $(id -u):$(id -g)`) or compose bind volume; a dev container is run by the editor,
            # which mounts the workspace, as its definition says.
            mount = mounts.get(path) if path not in unprivileged else None
            built = built_stage(dockerfile, container)
            if built is not final and mount is not None:
                yield from self.judge(path, dockerfile, final, None, mount)
            if container is not None or mount is not None:
                for finding in self.judge(path, dockerfile, built, container, mount):
                    yield in_dev_container(finding, dev_container_dockerfiles) if container else finding

    def judge(
        self, path: str, dockerfile: Dockerfile, stage: Stage, container: DevContainer | None, mount: HostMount | None
    ):
        """Findings for `stage` run as `container`'s user (None: under the repository's `docker run -v`)."""
        what = "the final stage" if stage is dockerfile.final_stage else f"the stage {stage.alias}"
        if container is not None and container.user is not None:
            if is_root(container.user):
                yield self.finding(
                    f"the dev container {container.path} runs as {container.user}: set remoteUser to an "
                    "unprivileged user",
                    path,
                    stage.line,
                )
            return
        user, owner = effective_user(dockerfile, stage)
        if user is None and nonroot_image(owner.base, container is not None):
            return
        why, run_fix = "", ""
        if container is None and mount is not None:
            why = (
                f", and {mount.path}:{mount.line} mounts {mount.source} into it: files it writes there are "
                "root-owned on the host"
            )
            run_fix = " (or run it with `--user $(id -u):$(id -g)`)"
        if user is None:
            fix = (
                f'set "remoteUser" in {container.path} (or add `USER app`)'
                if container is not None
                else "add `RUN useradd --create-home app` and `USER app`" + run_fix
            )
            yield self.finding(
                f"{what} (FROM {stage.base.resolved}, line {stage.line}) has no USER and runs as root{why}: {fix}",
                path,
                stage.line,
            )
        elif is_root(user):
            yield self.finding(
                f"{what} switches to USER {user} and runs as root{why}: end with an unprivileged USER{run_fix}",
                path,
                owner.user_line or stage.line,
            )


ROOT_USERS = frozenset({"root", "0", "0:0", "root:root"})


# `docker run` flags that take no value (the others take one: `-v x`, `--name x`); a short cluster such as `-it`
# takes a value only when its last letter does (`-itu 1000`).
RUN_FLAGS = frozenset(
    {"--rm", "--init", "--privileged", "--read-only", "--detach", "--interactive", "--tty", "--no-healthcheck",
     "--oom-kill-disable", "--publish-all", "--sig-proxy", "--help", "--quiet", "--use-api-socket"}
)  # fmt: skip
RUN_SHORT_FLAGS = frozenset("ditP")


def run_options(words: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(option, value) pairs of `docker run` before the image, and the words from the image on (the command run
    inside, whose own options, `python -u train.py`, are not docker's)."""
    options: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if VARIABLE_WORD.match(word) and index + 1 < len(words) and words[index + 1].startswith("-"):
            index += 1  # `$(OPTIONS) --net=host …`: options kept in a variable
            continue
        if word == "--" or not word.startswith("-") or word == "-":
            return options, words[index + (word == "--") :]
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            if equals:
                options.append((name, value))
            elif word not in RUN_FLAGS and index + 1 < len(words):
                options.append((word, words[index + 1]))
                index += 1
        else:
            letters = word[1:]
            last = letters[-1:]
            if last and last not in RUN_SHORT_FLAGS and index + 1 < len(words):
                options.append(("-" + last, words[index + 1]))
                index += 1
        index += 1
    return options, []


def unprivileged_runs(shell_commands, dockerfiles, compose_builds) -> set[str]:
    """Dockerfiles that the repository's own scripts, Makefile, CI or README run with `docker run --user <non-root>`:
    the only Dockerfile, or those a `docker build -t <tag>` there (or a compose `image:`) builds for the image the run
    names."""
    runs = []
    for _sourced, sub, words in docker_commands(shell_commands):
        if sub != "run":
            continue
        options, rest = run_options(words)
        if rest and any(o in ("--user", "-u") and v.strip("'\"") not in ROOT_USERS for o, v in options):
            runs.append(rest[0])
    if not runs:
        return set()
    if len(dockerfiles) == 1:
        return set(dockerfiles)
    images = built_images(shell_commands, dockerfiles, compose_builds)
    return {path for image in runs for path in images.get(image_key(image), ())}


# A word that is only a variable (`$(OPTIONS)`, `${GPU_FLAGS}`, `$ARGS`): before another option it stands for options.
VARIABLE_WORD = lazy_pattern(r"^(?:\$\([^()]*\)|\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class HostMount:
    """A host folder that the repository's own commands mount into an image built from one of its Dockerfiles."""

    path: str  # the script, Makefile, CI workflow, document or compose file that shows it
    line: int
    source: str  # the host folder as written (`$(pwd)`, `./data`)


def image_key(image: str) -> str:
    """An image name as a run names it and a build tags it: `demo`, `demo:latest` and `docker.io/demo` agree."""
    image = image.strip("'\"")
    for prefix in ("docker.io/library/", "docker.io/"):
        image = image.removeprefix(prefix)
    return image.removesuffix(":latest")


def built_images(shell_commands, dockerfiles, compose_builds) -> dict[str, set[str]]:
    """Image name -> the Dockerfiles the repository builds under it (`docker build -t`, compose `image:`)."""
    images: dict[str, set[str]] = {}
    for sourced, sub, words in docker_commands(shell_commands):
        path = built_dockerfile(sourced, words, dockerfiles) if sub == "build" else None
        for tag in option_values(words, "--tag", "-t") if path else ():
            images.setdefault(image_key(tag), set()).add(path)
    for service in compose_builds:
        if service.image and service.dockerfile in dockerfiles:
            images.setdefault(image_key(service.image), set()).add(service.dockerfile)
    return images


def mounted_source(option: str, value: str) -> str | None:
    """The host folder a `docker run` option mounts (`-v $(pwd):/w`, `--mount type=bind,source=.,target=/w`); None
    for a named (`-v cache:/root/.cache`) or anonymous volume, a tmpfs and any other option."""
    if option in ("-v", "--volume"):
        source = volume_source(value)
        return source if source is not None and is_host_folder(source) else None
    if option == "--mount":
        fields = dict(part.partition("=")[::2] for part in value.split(","))
        source = fields.get("source") or fields.get("src")
        return source if fields.get("type") == "bind" and source else None
    return None


def host_mounts(shell_commands, dockerfiles, compose_builds) -> dict[str, HostMount]:
    """Dockerfile -> the first place the repository runs its image with a host folder mounted into it: a
    `docker run -v <host folder>:…` (no non-root `--user`) of an image a `docker build -t` there builds from it, or
    a compose service built from it with a bind volume."""
    images = built_images(shell_commands, dockerfiles, compose_builds)
    found: dict[str, HostMount] = {}
    for sourced, sub, words in docker_commands(shell_commands):
        if sub != "run":
            continue
        options, rest = run_options(words)
        users = [value for option, value in options if option in ("--user", "-u")]
        if not rest or any(user.strip("'\"") not in ROOT_USERS for user in users):
            continue
        sources = [source for option, value in options if (source := mounted_source(option, value))]
        for path in sorted(images.get(image_key(rest[0]), ())) if sources else ():
            found.setdefault(path, HostMount(sourced.path, sourced.line, sources[0]))
    for service in compose_builds:
        if service.binds and service.dockerfile in dockerfiles:
            source, line = service.binds[0]
            found.setdefault(service.dockerfile, HostMount(service.path, line, source))
    return found


def built_stage(dockerfile: Dockerfile, container: DevContainer | None) -> Stage:
    """The stage a dev container builds: the one its `build.target` names, else (no or unknown target) the final."""
    if container is not None and container.target is not None:
        named = dockerfile.stage_named(container.target)
        if named is not None:
            return named
    return dockerfile.final_stage


def nonroot_image(base: ImageRef, in_devcontainer: bool) -> bool:
    prefixes = containers.NONROOT_IMAGES + (containers.DEVCONTAINER_IMAGES if in_devcontainer else ())
    return base.name.startswith(prefixes) or "nonroot" in (base.tag or "")


class MissingDockerignore(Rule):
    """
    ## What it does
    Reports a build context with no `.dockerignore` (at the context root, or `<Dockerfile>.dockerignore` beside
    the Dockerfile) when the build sends data or model folders (`data/`, `models/`,
    `checkpoints/`, `outputs/`, `mlruns/`, `wandb/`, … that hold data files: a `data/` Python package is code),
    a `.env` file or notebooks. What is sent is what BuildKit transfers: the paths `COPY`/`ADD` and bind mounts
    name, all of the context for `COPY . .`; a folder named on its own (`COPY data/ /data`) is copied on purpose.
    The context is the dev container's `build.context` when `.devcontainer/devcontainer.json` builds the
    Dockerfile, else the Dockerfile's folder or the nearest parent where its `COPY` sources exist. Dockerfiles
    that share a context are reported once, at the first of them. A context that sends only `.git` is not
    reported: the repository's history holds no data or secrets (beside them, `.git` is listed too). Notebooks
    under 1 MiB in all are source-sized (a tutorial's 50-150 KiB of code and text): beside the Dockerfile, at the
    top of the context, they are the walkthrough of the example the folder is and are not reported; swept in from
    a sub-folder (`experimental_notebooks/`) they are reported at info when they are all the context sends (a line
    in a `.dockerignore`, though they neither bloat the image nor leak anything). Larger ones carry embedded
    outputs and are reported as data is. The context is the one
    the repository's own build names when a script, Makefile recipe or CI step runs `docker build` of the
    Dockerfile (`docker build -f Dockerfile.training ./yelp/yelp_sentiment`: that folder), or a compose service's
    `build.context`.

    ## Why it matters
    `COPY . .` bakes datasets, checkpoints, secrets and notebook outputs into the image, git-ignored or not:
    builds get slow and huge, the image changes whenever a local file does, and `.env` credentials ship with it.

    ## Example
    A repository with `Dockerfile` (`COPY . /app`), `data/raw.csv` and `.env` at its root, and no `.dockerignore`.

    ## Fix
    Add a `.dockerignore`:
    ```
    .git
    .env
    data/
    models/
    **/*.ipynb
    ```
    """

    code = "DKR010"
    name = "missing-dockerignore"
    severity = Severity.WARNING
    summary = "No .dockerignore for a build context that sends data, .env or notebooks"

    def check(self, project, build_contexts):
        by_folder: dict[str, list[BuildContext]] = {}
        for context in build_contexts.values():
            if context.ignore_file is None:
                by_folder.setdefault(context.folder, []).append(context)
        for folder, contexts in by_folder.items():
            sent = sent_contents(project, contexts)
            notebooks = sent_notebooks(project, contexts) if "*.ipynb" in sent else []
            size = notebooks_size(project, notebooks, contexts[0].prefix)
            small = bool(notebooks) and size < SMALL_NOTEBOOKS_BYTES
            if small and all("/" not in inside for inside in notebooks):
                del sent["*.ipynb"]  # the walkthrough of the example the folder is, beside its Dockerfile
            if not sent.keys() - {".git"}:
                continue
            first, *others = contexts
            of = ", ".join(c.dockerfile for c in contexts)
            what = listing(list(sent.values()), shown=len(sent))
            finding = self.finding(
                f"the build of {of} sends {what} from the context {folder or '.'}, which has no .dockerignore: "
                f"add {first.prefix}.dockerignore excluding {'it' if len(sent) == 1 else 'them'}",
                first.dockerfile,
                1,
                related=[Location(c.dockerfile, 1) for c in others],
            )
            if small and "*.ipynb" in sent and not sent.keys() - {".git", "*.ipynb"}:
                finding.severity = Severity.INFO
                finding.message += f" (info: only small notebooks, {human_size(size)} in all)"
            yield finding


# Below this size in all, the notebooks a context sends are source-sized (code, text and a few small plots: a
# tutorial's handful weighs 50-150 KiB): they add nothing measurable to an image and hold no data. Above it they
# carry embedded outputs (images, printed frames) worth keeping out.
SMALL_NOTEBOOKS_BYTES = 1024 * 1024


def sent_notebooks(project, contexts: list[BuildContext]) -> list[str]:
    """The context-relative paths of the notebooks the builds of one context send."""
    prefix = contexts[0].prefix
    return [
        rel[len(prefix) :]
        for rel in project.select(filekinds.is_notebook)
        if rel.startswith(prefix) and any(c.sends(rel[len(prefix) :]) for c in contexts)
    ]


def notebooks_size(project, notebooks: list[str], prefix: str = "") -> float:
    """The size of these notebooks in bytes (infinite when one cannot be read)."""
    total = 0
    for inside in notebooks:
        try:
            total += os.path.getsize(project.root / (prefix + inside))
        except OSError:
            return float("inf")
    return total


def human_size(size: float) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def sent_contents(project, contexts: list[BuildContext]) -> dict[str, str]:
    """What the builds of one context send that a .dockerignore should keep out: path -> description for the
    reader (`.git` -> `.git (28 files)`, `data` -> `data/ (12 .csv files)`)."""
    first = contexts[0]
    root = project.root / first.prefix if first.prefix else project.root
    held: dict[str, str] = {}
    if os.path.isdir(root / ".git") and any(c.sends(".git") for c in contexts):
        held[".git"] = f".git ({counted(count_files(root / '.git'), 'file')})"
    for name in containers.DATA_DIRS:
        if os.path.isdir(root / name) and any(c.sends(name) for c in contexts):
            described = describe_data(root / name)
            if described:
                held[name] = f"{name}/ ({described})"
    if os.path.isfile(root / ".env") and any(c.sends(".env") for c in contexts):
        held[".env"] = ".env"
    notebooks = sum(
        any(c.sends(rel[len(first.prefix) :]) for c in contexts)
        for rel in project.select(filekinds.is_notebook)
        if rel.startswith(first.prefix)
    )
    if notebooks:
        held["*.ipynb"] = counted(notebooks, "notebook")
    return held


def count_files(folder) -> int:
    total = 0
    for _, _, names in os.walk(folder):
        total += len(names)
        if total >= containers.MAX_COUNTED_FILES:
            break
    return total


def describe_data(folder) -> str | None:
    """`12 .csv files, 3 .pt files` for the data files under `folder`; None when it holds none (code, docs)."""
    suffixes: Counter[str] = Counter()
    seen = 0
    for _, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in (".git", "__pycache__")]
        for name in names:
            suffix = posixpath.splitext(name)[1].lower()
            if suffix not in containers.NOT_DATA_SUFFIXES:
                suffixes[suffix] += 1
        seen += len(names)
        if seen >= containers.MAX_COUNTED_FILES:
            break
    if not suffixes:
        return None
    shown = [counted(n, f"{suffix} file") for suffix, n in suffixes.most_common(2)]
    rest = sum(suffixes.values()) - sum(n for _, n in suffixes.most_common(2))
    return ", ".join(shown) + (f" and {counted(rest, 'other file')}" if rest else "")


def counted(number: int, noun: str) -> str:
    more = "+" if number >= containers.MAX_COUNTED_FILES else ""
    return f"{number}{more} {noun}{'' if number == 1 else 's'}"

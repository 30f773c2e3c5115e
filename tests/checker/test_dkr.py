"""DKR rules on Dockerfiles written the way real ones are: true positives and the look-alikes that must not fire."""

from __future__ import annotations

import re

from tests.conftest import findings, run_cli

PINNED_BASE = "python:3.11.9-slim@sha256:" + "a" * 64
DIGEST = "@sha256:" + "b" * 64


def dkr(make_repo, files: dict[str, str], code: str, git_init: bool = True) -> list[tuple[str, int, str]]:
    root = make_repo(files, git_init=git_init)
    return [(f["path"], f["line"], f["message"]) for f in findings(root, select=code)]


def lines(found) -> list[int]:
    return [line for _, line, _ in found]


# -- DKR001 / DKR002 / DKR003: base images ------------------------------------------------------------------------
def test_dkr001_untagged_from_after_arg_substitution(make_repo):
    found = dkr(
        make_repo,
        {
            "Dockerfile": "ARG BASE=python\nFROM ${BASE}\nUSER app\n",
            "docker/Dockerfile.gpu": "FROM nvidia/cuda\nUSER app\n",
        },
        "DKR001",
    )
    assert lines(found) == [2, 1]
    assert "FROM python (the image) has no tag or digest: pin it as python:<version>@sha256:<digest>" in found[0][2]


def test_dkr001_lookalikes(make_repo):
    dockerfile = (
        "ARG PY=3.11\nARG CUDA\n"
        "FROM python:${PY}-slim AS build\n"
        "FROM build AS test\n"
        "FROM nvidia/cuda:${CUDA}-runtime\n"  # ARG without default: DKR008's business
        "FROM registry.local:5000/team/img@sha256:" + "c" * 64 + "\n"
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS tools\n"
        "FROM scratch\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile}, "DKR001") == []


def test_dkr002_latest_everywhere(make_repo):
    dockerfile = (
        "FROM pytorch/pytorch:latest AS build\n"
        "FROM python:3.11-slim\n"
        "COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv\n"
        "COPY --from=ghcr.io/astral-sh/uv /uvx /bin/uvx\n"
        "RUN --mount=type=bind,from=busybox:latest,source=/bin/busybox,target=/bb /bb true\n"
        "COPY --from=build /opt /opt\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR002")
    assert lines(found) == [1, 3, 4, 5]
    assert "uses the moving :latest tag" in found[0][2]
    assert found[2][2] == (
        "COPY --from=ghcr.io/astral-sh/uv (stage 1) has no tag, so it is :latest: "
        "pin it as ghcr.io/astral-sh/uv:<version>@sha256:<digest>"
    )
    assert found[3][2].startswith("RUN --mount=busybox:latest (stage 1) uses the moving :latest tag")


def test_dkr002_lookalikes(make_repo):
    dockerfile = (
        "FROM python:latest@sha256:" + "d" * 64 + " AS build\n"
        "FROM python:3.11-slim AS latest\n"
        "FROM latest\n"
        "COPY --from=build /a /a\n"
        "COPY --from=0 /b /b\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv\n"
        "RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile}, "DKR002") == []


def test_dkr003_tag_without_digest_names_the_pin(make_repo):
    found = dkr(
        make_repo,
        {"Dockerfile": "ARG PY=3.11\nFROM python:${PY}-slim AS build\nFROM build\nUSER app\n"},
        "DKR003",
    )
    assert found == [
        (
            "Dockerfile",
            2,
            "FROM python:3.11-slim (stage build) is pinned by tag only: pin as python:3.11-slim@sha256:<digest>",
        )
    ]


def test_dkr003_lookalikes(make_repo):
    dockerfile = f"FROM {PINNED_BASE} AS base\nFROM base\nFROM scratch\nFROM python\nFROM python:latest\n"
    assert dkr(make_repo, {"Dockerfile": dockerfile}, "DKR003") == []


def test_dkr003_a_dev_containers_build_args_decide_the_image(make_repo):
    """devcontainer.json `build.args` override the Dockerfile's ARG defaults: the finding names the image the dev
    container builds from; an arg that fills an ARG without default makes the FROM judgeable; args of another
    Dockerfile, args naming no declared ARG and a digest the args complete are left as they are."""
    dockerfile = "ARG VARIANT=3-bookworm\nFROM python:${VARIANT}\n"
    files = {
        ".devcontainer/devcontainer.json": '{\n  // the dev container\n  "build": {"dockerfile": "Dockerfile",'
        ' "context": "..", "args": {"VARIANT": "3.11-bookworm",}},\n}\n',
        ".devcontainer/Dockerfile": dockerfile,
        ".devcontainer/gpu/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "args": {"CUDA": "12.1.1"}}}',
        ".devcontainer/gpu/Dockerfile": "ARG CUDA\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n",
        ".devcontainer/other/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "args": {"NODE": "20"}}}',
        ".devcontainer/other/Dockerfile": dockerfile,
        "docker/Dockerfile": dockerfile,  # no dev container builds it: its own default
        ".devcontainer/pinned/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "args": {"V": "3.11"}}}',
        ".devcontainer/pinned/Dockerfile": f"ARG V=3\nFROM python:${{V}}-slim{DIGEST}\n",
    }
    found = sorted(dkr(make_repo, files, "DKR003"))
    assert [(path, message.split(" (")[0]) for path, _, message in found] == [
        (".devcontainer/Dockerfile", "FROM python:3.11-bookworm"),
        (".devcontainer/gpu/Dockerfile", "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04"),
        (".devcontainer/other/Dockerfile", "FROM python:3-bookworm"),
        ("docker/Dockerfile", "FROM python:3-bookworm"),
    ]
    assert "pin as python:3.11-bookworm@sha256:<digest>" in found[0][2]
    # an arg that makes the image :latest is DKR002's
    latest = {
        **files,
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "args": {"VARIANT": "latest"}}}',
        ".devcontainer/Dockerfile": "ARG VARIANT=3.11\nFROM python:${VARIANT}\n",
    }
    assert [path for path, _, _ in dkr(make_repo, latest, "DKR002")] == [".devcontainer/Dockerfile"]


def test_dkr003_a_dev_container_image_tag_floats_on_purpose_in_a_dev_container(make_repo):
    """`mcr.microsoft.com/devcontainers/…` tags float with security fixes by design: not reported in a Dockerfile
    only dev containers build; the same image in an experiment Dockerfile, and another image in a dev container's
    Dockerfile, still are."""
    mcr = "ARG VARIANT=3-bookworm\nFROM mcr.microsoft.com/devcontainers/python:1-${VARIANT}\n"
    files = {
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "args": {"VARIANT": "3.11"}}}',
        ".devcontainer/Dockerfile": mcr,
        ".devcontainer/gpu/devcontainer.json": '{"build": {"dockerfile": "Dockerfile"}}',
        ".devcontainer/gpu/Dockerfile": "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\n",
        "docker/Dockerfile": mcr,
    }
    found = sorted((path, message.split(" (")[0]) for path, _, message in dkr(make_repo, files, "DKR003"))
    assert found == [
        (".devcontainer/gpu/Dockerfile", "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04"),
        ("docker/Dockerfile", "FROM mcr.microsoft.com/devcontainers/python:1-3-bookworm"),
    ]


# -- DKR004: Python package installs ------------------------------------------------------------------------------
def test_dkr004_unpinned_installs_in_every_spelling(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ENV TORCH_SPEC=torch\n"
        "RUN pip install --no-cache-dir -i https://download.pytorch.org/whl/cu121 $TORCH_SPEC torchvision==0.18.1\n"
        "RUN python3 -m pip install --upgrade pip \\\n"
        "    && uv pip install --system 'numpy>=1.26' \\\n"
        "    && pipx install black\n"
        "RUN conda install -y -c conda-forge python=3.11 'scipy=1.13.1' mamba\n"
        "RUN pip install 'lib @ git+https://github.com/org/lib@main'\n"
        "RUN uv tool install ruff\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR004")
    messages = [m for _, _, m in found]
    assert lines(found) == [3, 5, 7, 8]  # `uv tool install ruff`: a linter's version changes no result
    assert messages[0].startswith("RUN pip install installs torch without a pinned version: pin it (torch==<version>)")
    assert messages[1].startswith(
        "RUN uv pip install installs numpy>=1.26 without a pinned version (the build tooling pip too): pin it "
        "(numpy==<version>)"
    )
    assert "installs python=3.11, mamba without pinned versions: pin them (python=<x.y.z>)" in messages[2]
    assert "git+https://github.com/org/lib@main" in messages[3] and "40-hex" in messages[3]


def test_dkr004_leaves_tools_that_never_change_a_result(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN pip install jupyter jupyterlab ipywidgets tensorboard\n"
        "RUN pip install pytest mock flake8 pytest-cov\n"
        "RUN pip install tqdm torch\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR004")
    assert [(line, m.split(" without")[0]) for _, line, m in found] == [(4, "RUN pip install installs torch")]


def test_dkr004_reports_once_per_run_instruction(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN pip install numpy pandas \\\n"
        "    scipy && pip install torch\n"
        "RUN pip install a b c d e f g\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR004")
    assert [(line, m.split(" without")[0]) for _, line, m in found] == [
        (2, "RUN pip install installs numpy, pandas, scipy, torch"),
        (4, "RUN pip install installs a, b, c, d, e and 2 more"),
    ]


def test_dkr004_bootstrap_upgrades_are_info_once_per_instruction(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN pip install -U pip\n"
        "RUN python -m pip install --upgrade pip setuptools wheel && pip install --upgrade pip\n"
        "RUN pip install -U pip && pip install torch\n"
        "RUN pip install pipenv && pipenv install --system --deploy\n"
        "USER app\n"
    )
    root = make_repo({"Dockerfile": dockerfile})
    found = [(f["line"], f["severity"], f["message"]) for f in findings(root, select="DKR004")]
    assert [(line, severity) for line, severity, _ in found] == [(2, "info"), (3, "info"), (4, "warning"), (5, "info")]
    assert found[0][2] == (
        "RUN pip install leaves the build tooling (pip) unpinned: pin it (pip==<version>) so that packages are "
        "built the same way every time"
    )
    assert found[1][2].startswith("RUN python -m pip install / pip install leaves the build tooling (pip, setuptools")
    assert found[2][2].startswith("RUN pip install installs torch without a pinned version (the build tooling pip too)")
    assert found[3][2].startswith("RUN pip install leaves the build tooling (pipenv) unpinned")


def test_dkr004_lookalikes(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ARG TORCH=2.3.1\n"
        "ARG LIB_VERSION\n"
        "RUN pip install --no-cache-dir -r requirements.txt --target /opt/lib -i https://x.org/simple "
        "--extra-index-url https://y.org/simple -f ./wheels --trusted-host x.org\n"
        "RUN pip install --require-hashes -r requirements.lock && pip install --no-deps -e .\n"
        "RUN pip install -c constraints.txt torch torchvision\n"
        "RUN pip install torch==${TORCH} lib==${LIB_VERSION} ./dist/app-1.0-py3-none-any.whl /src 'x===1.0'\n"
        "RUN pip install 'lib @ git+https://github.com/org/lib@" + "e" * 40 + "'\n"
        "RUN pip install https://x.org/pkg-1.0.tar.gz#sha256=" + "f" * 64 + "\n"
        "RUN uv sync --locked && uv pip sync requirements.lock && pip download numpy && pip freeze\n"
        "RUN conda env create -f environment.yml && conda install -y numpy==1.26.4 'scipy=1.13.1=py311h1' pandas=2.2.2"
        "\n"
        'RUN ["pip", "install", "--no-cache-dir", "numpy==1.26.4"]\n'
        "RUN echo pip install torch\n"
        "USER app\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile, "requirements.txt": "x==1\n"}, "DKR004") == []


def test_dkr004_one_command_pins_a_name_for_all_its_requirements(make_repo):
    """pip merges the requirements of one name in one command: the extra is installed at the pinned version."""
    dockerfile = (
        "FROM gcr.io/tfx-oss-public/tfx:1.2.0\n"
        "RUN pip install google-cloud-aiplatform==1.4.2 google-cloud-aiplatform[tensorboard]\n"
        "RUN pip install 'Torch[opt]' torch==2.3.1 'torch_geometric==2.5.3'\n"
        "RUN uv pip install --system 'lib[all]' 'lib @ git+https://github.com/org/lib@" + "e" * 40 + "'\n"
        # look-alikes that stay reported: an extra alone, a pin in another command of the RUN, a range
        "RUN pip install 'transformers[torch]'\n"
        "RUN pip install numpy==1.26.4 && pip install 'numpy[dev]' scipy\n"
        "RUN pip install 'pandas>=2' 'pandas[performance]'\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR004")
    assert [(line, m.split(" without")[0]) for _, line, m in found] == [
        (5, "RUN pip install installs transformers[torch]"),
        (6, "RUN pip install installs numpy[dev], scipy"),
        (7, "RUN pip install installs pandas>=2, pandas[performance]"),
    ]


def test_dkr004_a_release_channel_label_pins_its_package_family(make_repo):
    """`-c nvidia/label/cuda-12.1.1` serves only CUDA 12.1.1: cuda and cuda-* from it are pinned by the label."""
    pinned = (
        f"FROM {PINNED_BASE}\n"
        'RUN conda install -c "nvidia/label/cuda-12.1.1" cuda -y\n'
        "RUN mamba install -y --channel=nvidia/label/cuda-11.8.0 cuda-toolkit cuda-nvcc\n"
        "RUN conda install -y nvidia/label/cuda-12.4.1::cuda-runtime\n"
        "RUN conda install -y -c https://conda.anaconda.org/nvidia/label/cuda-12.1.0 cuda-libraries-dev\n"
        "USER app\n"
    )
    assert dkr(make_repo, {"Dockerfile": pinned}, "DKR004") == []
    loose = (
        f"FROM {PINNED_BASE}\n"
        "RUN conda install -y -c conda-forge numpy\n"  # a plain channel pins nothing
        "RUN conda install -y -c nvidia/label/cuda-12.1.1 pytorch\n"  # another family than the label's
        "RUN conda install -y -c nvidia/label/cuda-12.1 cuda\n"  # no full version in the label
        "RUN conda install -y -c nvidia cuda-toolkit\n"  # the channel itself holds every release
        "RUN conda install -y -c nvidia/label/cuda-12.1.1 cudatoolkit\n"  # cudatoolkit is not cuda-*
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": loose}, "DKR004")
    assert lines(found) == [2, 3, 4, 5, 6]


def test_dep007_a_release_channel_label_pins_its_package_family(make_repo):
    env = (
        "name: x\nchannels:\n  - nvidia/label/cuda-11.8.0\n  - conda-forge\n"
        "dependencies:\n  - python=3.11.9\n  - cuda-toolkit\n  - cuda-nvcc\n  - numpy\n"
    )
    root = make_repo({"environment.yml": env})
    found = [(f["line"], f["message"]) for f in findings(root, select="DEP007")]
    assert found == [
        (
            9,
            "conda dependency numpy in environment.yml has no version; pin it (numpy=X.Y.Z) or lock the "
            "environment with conda-lock -f environment.yml",
        )
    ]


def test_dkr004_heredoc_and_continuations_with_comments(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN <<EOF\n"
        "set -eux\n"
        "pip install \\\n"
        "  pandas\n"
        "EOF\n"
        "RUN pip install \\\n"
        "    # the plotting stack\n"
        "    matplotlib==3.9.0 \\\n"
        "    seaborn\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR004")
    assert [(line, m.split(" without")[0]) for _, line, m in found] == [
        (5, "RUN pip install installs pandas"),
        (10, "RUN pip install installs seaborn"),
    ]


# -- DKR006: system packages (opt-in) -----------------------------------------------------------------------------
def test_dkr006_is_opt_in_and_reports_unversioned_system_packages(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confnew "
        "curl=7.88.1-10+deb12u5 git build-essential libopenblas-dev && rm -rf /var/lib/apt/lists/*\n"
        "RUN apk add --no-cache --virtual .deps gcc ffmpeg musl-dev=1.2.4-r2\n"
        "RUN dnf install -y --setopt=tsflags=nodocs jq-1.6-16.el9 gcc-c++ python3\n"
        "USER app\n"
    )
    root = make_repo({"Dockerfile": dockerfile})
    default_run = run_cli(str(root), "--output-format", "json", "--no-cache", "--isolated")
    assert default_run.exit_code in (0, 1), default_run.stderr
    assert "DKR006" not in {f["code"] for f in default_run.json["findings"]}
    found = [(f["line"], f["message"], f["severity"]) for f in findings(root, select="DKR006")]
    assert [(line, severity) for line, _, severity in found] == [(2, "info")]  # once per Dockerfile
    assert found[0][1] == (
        "RUN apt-get install / apk add / dnf install (lines 2, 3, 4) installs libopenblas-dev, ffmpeg, python3 without "
        "versions: pin them (libopenblas-dev=<version>) or use a snapshot mirror"
    )


def test_dkr006_once_per_run_and_tools_without_bearing_on_results_are_left_out(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN apt-get update && apt-get install -y cuda-toolkit-12-1 git \\\n"
        "    && apt-get install -y libopenblas-dev curl\n"
        "RUN apt-get update && apt-get install -y tzdata ca-certificates vim nano git curl wget openssh-client \\\n"
        "    locales build-essential gcc g++ cmake make libgl1 libsm6 libxext6 libglib2.0-0 python3-pip\n"
        "RUN apk add --no-cache bash libsndfile\n"
        "USER app\n"
    )
    root = make_repo({"Dockerfile": dockerfile})
    found = [(f["line"], f["message"]) for f in findings(root, select="DKR006")]
    assert found == [
        (
            2,
            "RUN apt-get install / apk add (lines 2, 6) installs cuda-toolkit-12-1, libopenblas-dev, libsndfile "
            "without versions: pin them (cuda-toolkit-12-1=<version>) or use a snapshot mirror",
        ),
    ]
    # one RUN: the message names no lines
    root = make_repo({"Dockerfile": dockerfile.replace("RUN apk add --no-cache bash libsndfile\n", "")})
    assert [(f["line"], f["message"]) for f in findings(root, select="DKR006")] == [
        (
            2,
            "RUN apt-get install installs cuda-toolkit-12-1, libopenblas-dev without versions: pin them "
            "(cuda-toolkit-12-1=<version>) or use a snapshot mirror",
        )
    ]


def test_dkr006_a_release_past_its_end_of_life_is_left_out(make_repo):
    """An end-of-life release's archive no longer changes: an unversioned install there never moves. Its look-alikes
    (a supported release, a tag that only contains the digits) still report."""
    run = "RUN apt-get update && apt-get install -y libopenblas-dev ffmpeg\n"
    frozen = (
        "ubuntu:18.04",
        "nvidia/cuda:10.2-cudnn7-devel-ubuntu18.04",
        "python:3.7-buster",
        "python:3.6-slim-stretch",
        "debian:10-slim",
        "ubuntu:xenial",
        "centos:7",
    )
    for image in frozen:
        assert findings(make_repo({"Dockerfile": f"FROM {image}\n{run}"}), select="DKR006") == [], image
    # a later stage built on a frozen one is frozen too
    chained = f"FROM ubuntu:16.04 AS base\nFROM base\n{run}"
    assert findings(make_repo({"Dockerfile": chained}), select="DKR006") == []
    live = ("ubuntu:22.04", "nvidia/cuda:12.1.0-runtime-ubuntu22.04", "python:3.11-slim-bookworm", "myorg/tool:18.04.1")
    for image in live:
        assert len(findings(make_repo({"Dockerfile": f"FROM {image}\n{run}"}), select="DKR006")) == 1, image


def test_dkr006_build_dependencies_removed_again_and_ppa_packages_are_left_out(make_repo):
    """Build dependencies a RUN removes again leave nothing in the image to pin; a PPA keeps only its latest
    build, so a pin of what a RUN installs after adding one would break the build."""
    quiet = (
        # the docker-library recipe: everything is marked auto and purged at the end
        'RUN set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update; '
        "apt-get install -y --no-install-recommends dpkg-dev gcc libssl-dev make; ./configure; make install; "
        "apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n",
        "RUN apt-get install -y libopenblas-dev && pip install cffi && apt-get purge -y libopenblas-dev\n",
        "RUN apk add --no-cache --virtual .build-deps ffmpeg musl-dev && pip install x && apk del .build-deps\n",
        "RUN apt-get update && apt-get install -y software-properties-common "
        "&& add-apt-repository ppa:deadsnakes/ppa && apt-get install -y python3.10\n",
        "RUN apt-get install -y --no-install-recommends ca-certificates netbase tzdata\n",
    )
    for run in quiet:
        assert findings(make_repo({"Dockerfile": f"FROM {PINNED_BASE}\n{run}"}), select="DKR006") == [], run
    loud = (
        "RUN apt-get install -y gcc libopenblas-dev && apt-get purge -y gcc\n",  # the BLAS stays
        "RUN apk add --virtual .build-deps ffmpeg && apk add openblas-dev && apk del .build-deps\n",
        "RUN apt-get install -y python3.10 && add-apt-repository ppa:deadsnakes/ppa\n",  # installed before
        "RUN apt-get install -y ffmpeg && apt-mark auto '.*'\n",  # marked, never purged
    )
    for run in loud:
        assert len(findings(make_repo({"Dockerfile": f"FROM {PINNED_BASE}\n{run}"}), select="DKR006")) == 1, run


def test_dkr_a_generated_dockerfile_repeating_a_finding_of_its_source_is_folded(make_repo):
    """A Dockerfile whose header says it is generated repeats the findings of the one it is generated from: the
    fix belongs there. Findings of its own stay, and so does a repeat in a Dockerfile written by hand."""
    source = f"FROM {PINNED_BASE}\nRUN apt install -y make libopenblas-base\nRUN curl -sSL https://x.org/i.sh | sh -\n"
    generated = (
        "# GENERATED FROM SCRIPTS\nFROM nvidia/cuda:11.3.1-runtime-ubuntu20.04" + DIGEST + "\n"
        "RUN apt-get install -y libsndfile1\n" + source.split("\n", 1)[1]
    )
    files = {"Dockerfile": source, "Dockerfile_gpu": generated, "docker/copy.Dockerfile": source}
    found = sorted((f["path"], f["code"], f["line"]) for f in findings(make_repo(files), select="DKR006,DKR007"))
    assert found == [
        ("Dockerfile", "DKR006", 2),
        ("Dockerfile", "DKR007", 3),
        ("Dockerfile_gpu", "DKR006", 3),  # libsndfile1 is its own: the message differs
        ("docker/copy.Dockerfile", "DKR006", 2),
        ("docker/copy.Dockerfile", "DKR007", 3),
    ]
    for header in (
        "# DO NOT EDIT: generated from Dockerfile.in by gen.py\n",
        "# syntax=docker/dockerfile:1\n# Auto-generated\n",
    ):
        files = {"Dockerfile": source, "Dockerfile_gpu": header + source}
        assert {f["path"] for f in findings(make_repo(files), select="DKR007")} == {"Dockerfile"}, header
    # a comment after the first instruction says nothing about the file
    files = {"Dockerfile": source, "Dockerfile_gpu": source + "# generated fragment follows\n"}
    assert {f["path"] for f in findings(make_repo(files), select="DKR007")} == {"Dockerfile", "Dockerfile_gpu"}


# -- DKR007: remote fetches ---------------------------------------------------------------------------------------
def test_dkr007_remote_fetches_without_integrity(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ADD https://github.com/org/tool/releases/download/v1/tool.tgz /opt/\n"
        "RUN curl -fsSL https://astral.sh/uv/install.sh | sh\n"
        "RUN wget -qO- https://x.org/setup | sudo -E bash -s -- --yes\n"
        'RUN sh -c "$(curl -fsSL https://x.org/install.sh)"\n'
        "RUN curl -fsSLo /tmp/model.bin https://x.org/model.bin && mv /tmp/model.bin /opt\n"
        "RUN git clone --depth 1 --branch v1.2.0 https://github.com/org/lib /opt/lib && pip install -e /opt/lib\n"
        "ADD https://github.com/org/repo.git#main /src\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR007")
    assert lines(found) == [2, 3, 4, 5, 6, 7, 8]
    messages = [m for _, _, m in found]
    assert messages[0].startswith("ADD https://github.com/org/tool/releases/download/v1/tool.tgz has no --checksum")
    assert "curl https://astral.sh/uv/install.sh | sh runs a remote script unverified" in messages[1]
    assert "downloads without a checksum check" in messages[4]
    assert "git clone https://github.com/org/lib is not pinned to a commit" in messages[5]
    assert "not pinned to a commit" in messages[6]


def test_dkr007_lookalikes(make_repo):
    sha = "9" * 64
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        f"ADD --checksum=sha256:{sha} https://x.org/tool.tgz /opt/\n"
        "ADD https://github.com/org/repo.git#" + "1" * 40 + " /src\n"
        "ADD requirements.txt /app/\n"
        "RUN curl -fsSLo /tmp/t.tgz https://x.org/t.tgz \\\n"
        f'    && echo "{sha}  /tmp/t.tgz" | sha256sum -c - && tar -xzf /tmp/t.tgz\n'
        "RUN wget https://x.org/t.tgz https://x.org/t.tgz.asc && gpg --verify t.tgz.asc t.tgz\n"
        "RUN curl -fsSL https://download.docker.com/linux/debian/gpg | gpg --dearmor -o /etc/apt/keyrings/docker.gpg\n"
        "RUN curl -fsSLo /usr/share/keyrings/nvidia.asc https://nvidia.github.io/keys/gpgkey\n"
        "RUN curl -fsSL https://x.org/key.gpg | sudo tee /etc/apt/trusted.gpg.d/x.gpg > /dev/null\n"
        "RUN git clone https://github.com/org/lib /opt/lib && git -C /opt/lib checkout 0123abcd4567\n"
        "RUN curl -f http://localhost:8000/health || exit 1\n"
        "USER app\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile, "requirements.txt": "x==1\n"}, "DKR007") == []


def test_dkr007_once_per_instruction(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ADD https://x.org/det.onnx https://x.org/cls.onnx /models/\n"
        "RUN wget https://x.org/a.pth -P /ckpt && wget https://x.org/b.pth -P /ckpt\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR007")
    assert found == [
        (
            "Dockerfile",
            2,
            "ADD https://x.org/det.onnx, https://x.org/cls.onnx have no --checksum: fetch each with its "
            "own ADD --checksum=sha256:<hash> <url> <dest>",
        ),
        (
            "Dockerfile",
            3,
            "RUN wget https://x.org/a.pth, wget https://x.org/b.pth download without a checksum check (sha256sum -c) "
            'in this RUN: download to a file and verify it (echo "<sha256>  file" | sha256sum -c -) before use',
        ),
    ]


def test_dkr007_instructions_that_fetch_only_fonts_are_not_reported(make_repo):
    """Fonts for plot labels are display assets with no bearing on results: an ADD or RUN that fetches only fonts
    (any font suffix, a query string, several fonts) is not reported; the pip bootstrap beside a font still is."""
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ADD https://x.org/assets/Arial.ttf https://x.org/assets/Arial.Unicode.ttf /root/.config/App/\n"
        "RUN wget -q https://x.org/fonts/NotoSans.otf -P /usr/share/fonts && fc-cache -f\n"
        "RUN curl -fsSLo /tmp/f.woff2 'https://cdn.x.org/inter.woff2?v=4'\n"
        "RUN wget https://x.org/a.TTC && wget https://x.org/b.woff && curl -o c.eot https://x.org/c.eot\n"
        "RUN wget https://x.org/f.ttf && curl https://bootstrap.pypa.io/get-pip.py | python\n"
        "USER app\n"
    )
    found = [
        (f["line"], f["severity"], f["message"])
        for f in findings(make_repo({"Dockerfile": dockerfile}), select="DKR007")
    ]
    assert [(line, severity) for line, severity, _ in found] == [(6, "info")]
    assert found[0][2].startswith("RUN curl https://bootstrap.pypa.io/get-pip.py | python bootstraps pip")
    assert "font" not in found[0][2]


def test_dkr007_fonts_beside_fetches_that_matter_stay_warnings(make_repo):
    """A font in the same instruction as weights, data or a script does not lower the finding; a verified font, a
    font-named script piped to a shell, and a `.ttf` folder in a path are no display-asset downloads."""
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ADD https://x.org/Arial.ttf https://x.org/weights.pt /opt/\n"
        "RUN wget https://x.org/Arial.ttf && wget https://x.org/data.zip\n"
        "ADD --checksum=sha256:abc https://x.org/Arial.ttf /opt/\n"
        "RUN curl -fsSL https://x.org/install-fonts.sh | bash\n"
        "RUN wget https://x.org/ttf.d/model.bin\n"
        "USER app\n"
    )
    found = [
        (f["line"], f["severity"], f["message"])
        for f in findings(make_repo({"Dockerfile": dockerfile}), select="DKR007")
    ]
    assert [(line, severity) for line, severity, _ in found] == [
        (2, "warning"),
        (3, "warning"),
        (5, "warning"),
        (6, "warning"),
    ]
    assert found[0][2] == (
        "ADD https://x.org/weights.pt has no --checksum: use ADD --checksum=sha256:<hash> https://x.org/weights.pt "
        "<dest> (the font https://x.org/Arial.ttf too)"
    )
    assert found[1][2].startswith("RUN wget https://x.org/data.zip downloads without a checksum check")
    assert "(the font wget https://x.org/Arial.ttf too)" in found[1][2]


def test_dkr007_an_init_process_nothing_runs_is_not_reported(make_repo):
    """tini fetched by ADD (the judged shape, its version from an ENV) or by `curl -o` (another shape), made
    executable and never run: the ENTRYPOINT is the project's script, which does not call it either."""
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "ENV TINI_VERSION v0.16.1\n"
        "ADD https://github.com/krallin/tini/releases/download/${TINI_VERSION}/tini /usr/bin/tini\n"
        "RUN chmod +x /usr/bin/tini\n"
        "RUN curl -fsSL -o /usr/local/bin/dumb-init "
        "https://github.com/Yelp/dumb-init/releases/download/v1.2.5/dumb-init_1.2.5_x86_64 "
        "&& chmod +x /usr/local/bin/dumb-init\n"
        "COPY . /work/\n"
        'ENTRYPOINT ["./run.sh"]\n'
    )
    files = {"Dockerfile": dockerfile, "run.sh": "#!/bin/bash\npython predict.py --pre $1\n"}
    assert dkr(make_repo, files, "DKR007") == []


def test_dkr007_an_init_process_something_runs_stays_reported(make_repo):
    """Look-alikes: the ENTRYPOINT (exec or shell form, saved under another name), the entrypoint script, a
    documented `docker run --entrypoint`, and another download beside an idle init."""
    add = "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-amd64 /tini\n"
    base = f"FROM {PINNED_BASE}\n{add}RUN chmod +x /tini\nCOPY . /app\n"
    cases = (
        {"Dockerfile": base + 'ENTRYPOINT ["/tini", "--"]\nCMD ["python", "train.py"]\n'},
        {"Dockerfile": base + "ENTRYPOINT /tini -- python train.py\n"},
        {"Dockerfile": base + 'ENTRYPOINT ["/app/entry.sh"]\n', "entry.sh": 'exec /tini -- "$@"\n'},
        {"Dockerfile": base, "README.md": "```bash\ndocker run --entrypoint=/tini app python train.py\n```\n"},
        {"Dockerfile": base.replace("RUN chmod", "RUN wget https://x.org/w.pt && chmod")},
    )
    for files in cases:
        assert lines(dkr(make_repo, files, "DKR007")) != [], files


def test_dkr007_pip_bootstrap_is_info_in_its_own_message(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3.10 && python3.10 -m pip install -r r.txt\n"
        "RUN curl -sSLo get-pip.py https://bootstrap.pypa.io/pip/3.8/get-pip.py && python get-pip.py\n"
        "RUN wget -qO- https://bootstrap.pypa.io/get-pip.py | pypy3\n"
        "USER app\n"
    )
    root = make_repo({"Dockerfile": dockerfile, "r.txt": "x==1\n"})
    found = [(f["line"], f["severity"], f["message"]) for f in findings(root, select="DKR007")]
    assert [(line, severity) for line, severity, _ in found] == [(2, "info"), (3, "info"), (4, "info")]
    assert found[0][2] == (
        "RUN curl https://bootstrap.pypa.io/get-pip.py | python3.10 bootstraps pip from a script it does not verify, "
        "so the pip version floats: pin pip afterwards (python -m pip install pip==<version>) or verify the script "
        "(sha256sum -c)"
    )
    assert "curl https://bootstrap.pypa.io/pip/3.8/get-pip.py bootstraps pip" in found[1][2]


def test_dkr007_other_fetches_stay_warnings_beside_a_pip_bootstrap(make_repo):
    dockerfile = (
        f"FROM {PINNED_BASE}\n"
        "RUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3 && wget https://x.org/model.pth -P /ckpt\n"
        "RUN curl -fsSL https://bootstrap.pypa.io.evil.org/get-pip.py | python3\n"
        "RUN curl -fsSL https://x.org/install.py | python3.11\n"
        "USER app\n"
    )
    root = make_repo({"Dockerfile": dockerfile})
    found = [(f["line"], f["severity"], f["message"]) for f in findings(root, select="DKR007")]
    assert [(line, severity) for line, severity, _ in found] == [(2, "warning"), (3, "warning"), (4, "warning")]
    assert found[0][2] == (
        "RUN wget https://x.org/model.pth downloads without a checksum check (sha256sum -c) in this RUN (the pip "
        "bootstrap curl https://bootstrap.pypa.io/get-pip.py | python3 too): download to a file and verify it "
        '(echo "<sha256>  file" | sha256sum -c -) before use'
    )
    assert "curl https://x.org/install.py | python3.11 runs a remote script unverified" in found[2][2]


# -- DKR008: ARGs without defaults --------------------------------------------------------------------------------
def test_dkr008_arg_without_default_deciding_image_or_version(make_repo):
    dockerfile = (
        "ARG CUDA\n"
        "ARG TARGETARCH\n"
        "FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04" + DIGEST + "\n"
        "ARG TORCH_VERSION\n"
        "ARG UV_IMAGE\n"
        "COPY --from=${UV_IMAGE} /uv /bin/uv\n"
        "RUN pip install torch==${TORCH_VERSION} && echo $TARGETARCH\n"
        "USER app\n"
    )
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR008")
    assert lines(found) == [1, 4, 5]
    assert found[0][2] == (
        "ARG CUDA has no default but decides the base image nvidia/cuda:${CUDA}-runtime-ubuntu22.04"
        + DIGEST
        + " (line 3): give it a default (ARG CUDA=<value>)"
    )
    assert "ARG TORCH_VERSION has no default but decides the installed torch==${TORCH_VERSION} (line 7)" in found[1][2]
    assert "ARG UV_IMAGE has no default but decides the image ${UV_IMAGE} (line 6)" in found[2][2]


def test_dkr008_lookalikes(make_repo):
    dockerfile = (
        "ARG CUDA=12.1.1\n"
        "ARG BUILDPLATFORM\n"
        "FROM --platform=$BUILDPLATFORM nvidia/cuda:${CUDA}-runtime" + DIGEST + "\n"
        "ARG CUDA\n"
        "ARG GIT_SHA\n"
        "ARG TARGETARCH\n"
        "LABEL revision=$GIT_SHA\n"
        "RUN echo $CUDA $GIT_SHA && pip install --no-cache-dir -r requirements-${TARGETARCH}.txt\n"
        "USER app\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile}, "DKR008") == []


def test_dkr008_the_repositorys_own_build_passes_a_value(make_repo):
    """A build command of the repository (script, Makefile, CI, the README beside the Dockerfile, compose
    `build.args`) that passes `--build-arg NAME=<value>` records the value: no finding."""
    dockerfile = "FROM python:3.13.5-slim\nARG COMMIT_ID\nRUN pip install git+https://github.com/o/r.git@${COMMIT_ID}\n"
    readme = "```bash\nCOMMIT_ID=c34ac1d\ndocker build \\\n  --build-arg COMMIT_ID=$COMMIT_ID \\\n  -t conv:x .\n```\n"
    quiet = {
        "convert/README.md": readme,
        "build.sh": "docker build --build-arg COMMIT_ID=c34ac1d -f convert/Dockerfile convert\n",
        "Makefile": "image:\n\tdocker build --build-arg=COMMIT_ID=c34ac1d -t conv convert\n",
        "compose.yaml": "services:\n  conv:\n    build:\n      context: convert\n"
        "      args:\n        COMMIT_ID: c34ac1d\n",
    }
    for name, text in quiet.items():
        assert dkr(make_repo, {"convert/Dockerfile": dockerfile, name: text}, "DKR008") == [], name
    loud = {
        "other/README.md": readme,  # a README beside no Dockerfile, building another folder
        "build.sh": "docker build --build-arg OTHER=1 -f convert/Dockerfile convert\n",  # another ARG
        "Makefile": "image:\n\tdocker build --build-arg COMMIT_ID -t conv convert\n",  # the caller's environment
        "ci.sh": "docker build --build-arg COMMIT_ID=c34ac1d -t gpu gpu\n",  # another Dockerfile
    }
    for name, text in loud.items():
        found = dkr(make_repo, {"convert/Dockerfile": dockerfile, "gpu/Dockerfile": "FROM x:1\n", name: text}, "DKR008")
        assert [(p, line) for p, line, _ in found] == [("convert/Dockerfile", 2)], name


def test_dkr009_the_readme_beside_the_dockerfile_runs_it(make_repo):
    files = {
        "serve/Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\n",
        "serve/README.md": "```\ndocker build -t srv .\ndocker run -v $(pwd)/out:/app/out srv\n```\n",
    }
    assert [(p, line) for p, line, _ in dkr(make_repo, files, "DKR009")] == [("serve/Dockerfile", 1)]
    files["serve/README.md"] = files["serve/README.md"].replace("-v $(pwd)/out:/app/out ", "-p 80:80 ")
    assert dkr(make_repo, files, "DKR009") == []


def test_dkr008_once_per_arg_line(make_repo):
    dockerfile = "ARG BASE TAG\nFROM ${BASE}:${TAG}" + DIGEST + "\nUSER app\n"
    found = dkr(make_repo, {"Dockerfile": dockerfile}, "DKR008")
    assert found == [
        (
            "Dockerfile",
            1,
            "ARGs BASE, TAG have no default but decide (BASE: the base image ${BASE}:${TAG}" + DIGEST + " (line 2); "
            "TAG: the base image ${BASE}:${TAG}" + DIGEST + " (line 2)): give them defaults (ARG BASE=<value> "
            "TAG=<value>)",
        )
    ]


# -- DKR009: root -------------------------------------------------------------------------------------------------
def test_dkr009_final_stage_runs_as_root(make_repo):
    found = dkr(
        make_repo,
        {
            "Dockerfile": f"FROM {PINNED_BASE} AS build\nUSER app\nFROM {PINNED_BASE}\nCOPY --from=build /a /a\n",
            "docker/Dockerfile.cpu": f"FROM {PINNED_BASE}\nUSER app\nRUN true\nUSER root\n",
            "docker/Dockerfile.gpu": f"FROM {PINNED_BASE}\nUSER 0:0\n",
            **MOUNTING_RUNS,
        },
        "DKR009",
    )
    assert [(p, line) for p, line, _ in found] == [
        ("Dockerfile", 3),
        ("docker/Dockerfile.cpu", 4),
        ("docker/Dockerfile.gpu", 2),
    ]
    assert found[0][2] == (
        f"the final stage (FROM {PINNED_BASE}, line 3) has no USER and runs as root, and Makefile:3 mounts "
        "$(pwd)/out into it: files it writes there are root-owned on the host: add `RUN useradd --create-home app` "
        "and `USER app` (or run it with `--user $(id -u):$(id -g)`)"
    )
    assert "switches to USER root and runs as root, and Makefile:5 mounts ./data into it" in found[1][2]
    assert "switches to USER 0:0 and runs as root, and docker-compose.yml:7 mounts ./runs into it" in found[2][2]


# The repository's own commands that run each image with a host folder mounted into it.
MOUNTING_RUNS = {
    "Makefile": "run:\n\tdocker build -t a .\n\tdocker run --rm -v $(pwd)/out:/out a python train.py\n"
    "\tdocker build -t b -f docker/Dockerfile.cpu .\n\tdocker run --mount type=bind,source=./data,target=/data b\n",
    "docker-compose.yml": "services:\n  gpu:\n    build:\n      context: docker\n      dockerfile: Dockerfile.gpu\n"
    "    volumes:\n      - ./runs:/runs\n      - cache:/root/.cache\n",
}


def test_dkr009_only_where_the_image_writes_into_a_host_folder(make_repo):
    """Root matters through mounted host folders: an image nothing in the repository runs with one is not
    reported (a server, a one-shot job, a published image), nor one run with a named volume, a tmpfs or `--user`."""
    image = {"Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\n"}
    assert dkr(make_repo, image, "DKR009") == []
    build = "docker build -t proj .\n"
    quiet = (
        "docker run -v cache:/root/.cache proj\n",  # a named volume lives in Docker's storage
        "docker run -v /data proj\n",  # an anonymous volume
        "docker run --tmpfs /tmp --mount type=volume,source=models,target=/models proj\n",
        "docker run -v $(pwd):/w other/image\n",  # another image
        "docker run -v $(pwd):/w -u $(id -u):$(id -g) proj\n",  # run as the host user
        "docker run -v $(pwd):/w -e X=1 proj-gpu\n",  # a tag the repository does not build
    )
    for run in quiet:
        assert dkr(make_repo, {**image, "run.sh": build + run}, "DKR009") == [], run
    compose = "services:\n  app:\n    build: .\n    volumes:\n      - models:/models\n"
    assert dkr(make_repo, {**image, "compose.yaml": compose}, "DKR009") == []
    loud = {
        "run.sh": build + "sudo docker run -it -v `pwd`/data:/workspace/data proj\n",
        "scripts/run.sh": "docker build -t proj:latest ..\ndocker run $(GPU_FLAGS) --volume=$PWD:/w proj bash\n",
        "Makefile": "IMG=proj\nrun:\n\tdocker build -t $(IMG) .\n"
        "\tdocker run --rm -dit $(OPTIONS) -v $(shell pwd):/w $(IMG)\n",
        "compose.yaml": compose.replace("models:/models", "${PWD}/models:/models"),
        "docker/compose.yml": "services:\n  app:\n    build:\n      context: ..\n    volumes:\n"
        "      - type: bind\n        source: ../outputs\n        target: /outputs\n",
        "README.md": '```bash\ndocker build -t proj .\ndocker run --volume "$HOME/data":/dataset -it proj\n```\n',
    }
    for name, text in loud.items():
        found = dkr(make_repo, {**image, name: text}, "DKR009")
        assert [(path, line) for path, line, _ in found] == [("Dockerfile", 1)], name
        assert f", and {name}:" in found[0][2], name


def test_dkr009_lookalikes(make_repo):
    files = {
        "Dockerfile": f"FROM {PINNED_BASE} AS base\nRUN useradd app\nUSER app\nFROM base\nRUN echo inherits\n",
        "a.Dockerfile": f"FROM {PINNED_BASE}\nUSER root\nRUN apt-get update\nUSER 1000:1000\n",
        "b.Dockerfile": "FROM quay.io/jupyter/scipy-notebook:2024-05-27" + DIGEST + "\n",
        "c.Dockerfile": "FROM gcr.io/distroless/python3-debian12:nonroot" + DIGEST + "\n",
        "d.Dockerfile": f"FROM {PINNED_BASE}\nARG UID=1000\nUSER ${{UID}}\n",
    }
    assert dkr(make_repo, files, "DKR009") == []


def test_dkr009_images_whose_runtime_is_unprivileged(make_repo):
    files = {
        "lambda/Dockerfile": "FROM public.ecr.aws/lambda/python:3.11" + DIGEST + "\nCOPY app.py ./\n",
        "lambda/app.py": "def handler(e, c): ...\n",
        "run.sh": "docker build -t fn lambda\ndocker run -v $PWD/events:/events fn\n",
    }
    assert dkr(make_repo, files, "DKR009") == []
    # the same image switched to root on purpose is still reported
    files["lambda/Dockerfile"] += "USER root\n"
    assert lines(dkr(make_repo, files, "DKR009")) == [3]


def test_dkr009_dev_container_user_answers_it(make_repo):
    base = f"FROM {PINNED_BASE}\nRUN useradd -m dev\n"
    files = {
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "Dockerfile"}, "remoteUser": "dev"}',
        ".devcontainer/Dockerfile": base,
        ".devcontainer/gpu/devcontainer.json": '{\n  "dockerFile": "Dockerfile", // legacy key\n'
        '  "containerUser": "1000"\n}\n',
        ".devcontainer/gpu/Dockerfile": base,
        ".devcontainer/mcr/devcontainer.json": '{"build": {"dockerfile": "Dockerfile"}}',
        ".devcontainer/mcr/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.11" + DIGEST + "\n",
    }
    assert dkr(make_repo, files, "DKR009") == []


def test_dkr009_dev_container_lookalikes_still_fire(make_repo):
    base = f"FROM {PINNED_BASE}\n"
    files = {
        # no user in the definition: the image's root user is the dev container's user
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "Dockerfile"}}',
        ".devcontainer/Dockerfile": base,
        # root on purpose
        ".devcontainer/root/devcontainer.json": '{"build": {"dockerfile": "Dockerfile"}, "remoteUser": "root"}',
        ".devcontainer/root/Dockerfile": base + "RUN useradd -m dev\nUSER dev\n",
        # a dev container base image outside a dev container runs as root under docker run
        "Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.11" + DIGEST + "\n",
        "run.sh": "docker build -t app .\ndocker run -v $(pwd):/w app\n",
    }
    found = dkr(make_repo, files, "DKR009")
    assert [(p, m.split(" (")[0].split(":")[0]) for p, _, m in found] == [
        (".devcontainer/Dockerfile", "the final stage"),
        (".devcontainer/root/Dockerfile", "the dev container .devcontainer/root/devcontainer.json runs as root"),
        ("Dockerfile", "the final stage"),
    ]
    assert (
        'runs as root: set "remoteUser" in .devcontainer/devcontainer.json (or add `USER app`) (info: a dev'
        in (found[0][2])
    )


def test_dkr009_dev_container_target_stage(make_repo):
    """`build.target` names the stage the dev container runs; `docker build` alone still builds the final one."""
    dockerfile = (
        f"FROM {PINNED_BASE} AS base\nRUN useradd -m app\nFROM base AS dev\nFROM base AS inference\nUSER 10001:10001\n"
    )
    definition = '{"build": {"dockerfile": "../Dockerfile", "context": "..", "target": "dev"}%s}'
    files = {"Dockerfile": dockerfile, ".devcontainer/devcontainer.json": definition % ', "remoteUser": "app"'}
    assert dkr(make_repo, files, "DKR009") == []
    # the dev stage has no USER and the definition names none: its root user is reported at the dev stage
    files[".devcontainer/devcontainer.json"] = definition % ""
    found = dkr(make_repo, files, "DKR009")
    assert [(p, line) for p, line, _ in found] == [("Dockerfile", 3)]
    assert found[0][2].startswith("the stage dev (FROM base, line 3) has no USER and runs as root")
    # root on purpose is reported at the stage the dev container builds
    files[".devcontainer/devcontainer.json"] = definition % ', "remoteUser": "root"'
    assert lines(dkr(make_repo, files, "DKR009")) == [3]
    # a non-root dev container does not answer for a final stage that runs as root
    files["Dockerfile"] = dockerfile.replace("USER 10001:10001\n", "")
    files[".devcontainer/devcontainer.json"] = definition % ', "remoteUser": "app"'
    assert dkr(make_repo, files, "DKR009") == []  # … when the repository runs it with a host folder mounted
    files["run.sh"] = "docker build -t app .\ndocker run -v $(pwd):/w app\n"
    found = dkr(make_repo, files, "DKR009")
    assert [(line, m.split(" (")[0]) for _, line, m in found] == [(4, "the final stage")]
    del files["run.sh"]
    # an unknown target is the final stage, as before
    files[".devcontainer/devcontainer.json"] = definition.replace('"dev"', '"missing"') % ', "remoteUser": "app"'
    assert dkr(make_repo, files, "DKR009") == []


# -- DKR010: .dockerignore ----------------------------------------------------------------------------------------
def test_dkr010_context_with_git_data_env_notebooks(make_repo):
    files = {
        "Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n",
        "data/raw.csv": "a,b\n",
        "data/more.csv": "a,b\n",
        "data/labels.json": "{}",
        "notebooks/eda.ipynb": BIG_NOTEBOOK,
        ".env": "TOKEN=x\n",
        ".gitignore": ".env\ndata/\n",
    }
    found = dkr(make_repo, files, "DKR010")
    assert len(found) == 1
    path, line, message = found[0]
    assert (path, line) == ("Dockerfile", 1)
    assert re.fullmatch(
        r"the build of Dockerfile sends \.git \(\d+ files\), data/ \(2 \.csv files, 1 \.json file\), \.env, "
        r"1 notebook from the context \., which has no \.dockerignore: add \.dockerignore excluding them",
        message,
    ), message


def test_dkr010_context_is_the_root_when_copy_sources_live_there(make_repo):
    files = {
        "docker/train/Dockerfile": (
            f"FROM {PINNED_BASE}\nCOPY requirements.txt ./src/ .python-version /app/\nCOPY *.toml /app/\n"
            "COPY . /app/\nUSER app\n"
        ),
        "requirements.txt": "x==1\n",
        ".python-version": "3.11\n",
        "src/train.py": "print(1)\n",
        "models/.keep": "",
        "eda.ipynb": BIG_NOTEBOOK,  # only the root context holds it
    }
    found = dkr(make_repo, files, "DKR010")
    assert [(p, m.split(" sends")[0], m.split("from the context ")[1][:1]) for p, _, m in found] == [
        ("docker/train/Dockerfile", "the build of docker/train/Dockerfile", ".")
    ]
    assert "models/" not in found[0][2]  # only a .keep file: nothing to keep out


def test_dkr010_only_what_the_build_sends_counts(make_repo):
    files = {
        # BuildKit transfers only the named sources: .git, data/ and notebooks never leave the machine
        "Dockerfile": f"FROM {PINNED_BASE}\nCOPY requirements.txt model.bin /app/\nUSER app\n",
        "requirements.txt": "x==1\n",
        "model.bin": "x",
        "data/raw.csv": "a,b\n",
        "eda.ipynb": "{}",
        # a folder named on its own is copied on purpose
        "svc/Dockerfile": f"FROM {PINNED_BASE}\nCOPY data/ /data/\nCOPY app.py /app/\nUSER app\n",
        "svc/app.py": "print(1)\n",
        "svc/data/x.csv": "a\n",
        # a bind mount of a folder sends what it holds
        "job/Dockerfile": f"FROM {PINNED_BASE}\nRUN --mount=type=bind,source=work,target=/w ls /w\nUSER app\n",
        "job/work/notes.ipynb": BIG_NOTEBOOK,
    }
    found = dkr(make_repo, files, "DKR010")
    assert [(p, m.split(" from the context")[0]) for p, _, m in found] == [
        ("job/Dockerfile", "the build of job/Dockerfile sends 1 notebook")
    ]


def test_dkr010_a_python_package_named_data_is_code_not_data(make_repo):
    files = {
        "Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n",
        ".dockerignore.txt": "",
        "data/__init__.py": "",
        "data/dataset.py": "class D: ...\n",
        "data/README.md": "# data loaders\n",
        "models/__init__.py": "",
        "models/resnet.py": "x = 1\n",
        "checkpoints/best.pt": "x",
    }
    found = dkr(make_repo, files, "DKR010", git_init=False)
    assert [m for _, _, m in found] == [
        "the build of Dockerfile sends checkpoints/ (1 .pt file) from the context ., which has no .dockerignore: "
        "add .dockerignore excluding it"
    ]


# A notebook of 1 MiB and more (outputs, embedded images): worth keeping out of an image at warning.
BIG_NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' + " " * (1024 * 1024)


def test_dkr010_small_notebooks(make_repo):
    code = {"Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n", "app.py": "print(1)\n"}
    # beside the Dockerfile, at the top of the context: the walkthrough of the example the folder is
    top = {"katib-with-python-sdk.ipynb": "{}" + " " * 2000, "tfjob-with-python-sdk.ipynb": "{}"}
    assert findings(make_repo({**code, **top}), select="DKR010") == []
    # swept in from a sub-folder of exploration: info
    small = {"experimental_notebooks/eda.ipynb": "{}" + " " * 2000, "experimental_notebooks/plots.ipynb": "{}"}
    (found,) = findings(make_repo({**code, **small}), select="DKR010")
    assert found["severity"] == "info"
    assert found["message"].endswith("excluding them (info: only small notebooks, 2.0 KiB in all)")
    # look-alikes at warning: large notebooks, small ones beside data or .env (top-level ones are not listed then)
    for extra in ({"eda.ipynb": BIG_NOTEBOOK}, {**small, "data/x.csv": "a\n"}, {**small, ".env": "K=v\n"}):
        (found,) = findings(make_repo({**code, **extra}), select="DKR010")
        assert found["severity"] == "warning", list(extra)
        assert "(info:" not in found["message"] and "notebook" in found["message"]
    (found,) = findings(make_repo({**code, **top, "data/x.csv": "a\n"}), select="DKR010")
    assert "data/ (1 .csv file)" in found["message"] and "notebook" not in found["message"]


def test_dkr010_a_context_that_sends_only_git_is_not_reported(make_repo):
    """.git alone is history, no data or secrets: not reported. With data, .env or notebooks beside it the
    finding is a warning that lists .git too."""
    code = {"Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /workspace\nUSER app\n", "train.py": "print(1)\n"}
    assert findings(make_repo(code), select="DKR010") == []
    extras = ({"data/train.csv": "a\n"}, {".env": "TOKEN=x\n"}, {"eda.ipynb": BIG_NOTEBOOK}, {"models/best.pt": "x"})
    for extra in extras:
        (found,) = findings(make_repo({**code, **extra}), select="DKR010")
        assert found["severity"] == "warning", extra
        assert re.fullmatch(
            r"the build of Dockerfile sends \.git \(\d+ files\), .+ from the context \., which has no "
            r"\.dockerignore: add \.dockerignore excluding them",
            found["message"],
        ), found["message"]
    # without .git, data alone is a warning too
    (found,) = findings(make_repo({**code, "data/x.csv": "a\n"}, git_init=False), select="DKR010")
    assert found["severity"] == "warning"


def test_dkr010_dockerfiles_sharing_a_context_are_reported_once(make_repo):
    files = {
        "docker/Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n",
        "docker/Dockerfile.gpu": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n",
        "docker/bashrc": "x\n",
        "docker/demo.ipynb": BIG_NOTEBOOK,
    }
    root = make_repo(files)
    (found,) = findings(root, select="DKR010")
    assert (found["path"], found["line"]) == ("docker/Dockerfile", 1)
    assert found["message"].startswith("the build of docker/Dockerfile, docker/Dockerfile.gpu sends")
    assert found["related"] == [{"path": "docker/Dockerfile.gpu", "line": 1}]


def test_dkr010_dev_container_build_context(make_repo):
    devcontainer = (
        "{\n"
        "  // the repository is the context\n"
        '  "name": "dev",\n'
        '  "build": {"dockerfile": "Dockerfile", "context": "..",},\n'
        "  /* tools */\n"
        '  "remoteUser": "vscode",\n'
        "}\n"
    )
    files = {
        ".devcontainer/devcontainer.json": devcontainer,
        ".devcontainer/Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /workspace\n",
        "train.ipynb": BIG_NOTEBOOK,
    }
    found = dkr(make_repo, files, "DKR010")
    assert [p for p, _, _ in found] == [".devcontainer/Dockerfile"]
    assert found[0][2].endswith(
        "1 notebook from the context ., which has no .dockerignore: add .dockerignore excluding them"
    )
    # the same Dockerfile without the definition builds from its own folder, which holds nothing to keep out
    files[".devcontainer/devcontainer.json"] = '{"build": {"dockerfile": "Dockerfile"}}'
    assert dkr(make_repo, files, "DKR010") == []


def test_dkr010_the_context_is_the_one_the_repositorys_build_command_names(make_repo):
    demo = f"FROM {PINNED_BASE}\nCOPY . /home/jovyan/yelp_sentiment\nUSER app\n"
    files = {
        # the Makefile builds Dockerfile.training from ./yelp/yelp_sentiment (no notebooks), not from its folder
        "demos/yelp/Dockerfile.training": demo,
        "demos/yelp/Makefile": "build-cpu:\n\tdocker build ${DOCKER_BUILD_OPTS} --build-arg X=1 "
        "-f Dockerfile.training -t $(IMG):$(TAG) ./yelp/yelp_sentiment\n",
        "demos/yelp/yelp/yelp_sentiment/problem.py": "x = 1\n",
        "demos/yelp/notebooks/yelp.ipynb": BIG_NOTEBOOK,
        # CI builds serve/Dockerfile from serve/app; a compose service builds api/Dockerfile from api/src
        "serve/Dockerfile": demo,
        "serve/app/main.py": "x = 1\n",
        "serve/eda.ipynb": BIG_NOTEBOOK,
        ".github/workflows/image.yml": "on: push\njobs:\n  image:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: docker build -f serve/Dockerfile serve/app\n",
        "api/Dockerfile": demo,
        "api/src/main.py": "x = 1\n",
        "api/eda.ipynb": BIG_NOTEBOOK,
        "docker-compose.yml": "services:\n  api:\n    build:\n      context: api/src\n"
        "      dockerfile: ../Dockerfile\n",
        # the look-alike: a script builds from the Dockerfile's own folder, which holds a large notebook
        "train/Dockerfile": demo,
        "train/build.sh": "docker build -t trainer .\n",
        "train/analysis.ipynb": BIG_NOTEBOOK,
    }
    found = dkr(make_repo, files, "DKR010", git_init=False)
    assert [(p, m.split(" from the context ")[1].split(",")[0]) for p, _, m in found] == [("train/Dockerfile", "train")]


def test_dkr010_lookalikes(make_repo):
    files = {
        "Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /app\nUSER app\n",
        ".dockerignore": ".git\ndata/\n",
        "data/raw.csv": "a,b\n",
        "services/api/Dockerfile": f"FROM {PINNED_BASE}\nCOPY app.py /app/\nUSER app\n",
        "services/api/app.py": "print(1)\n",
        "tools/Dockerfile": f"FROM {PINNED_BASE}\nCOPY . /t\nUSER app\n",
        "tools/Dockerfile.dockerignore": "*\n",
        "tools/.env": "X=1\n",
    }
    assert dkr(make_repo, files, "DKR010") == []


def test_dkr010_outside_git_without_risky_content(make_repo):
    files = {"Dockerfile": f"FROM {PINNED_BASE}\nCOPY app.py /app/\nUSER app\n", "app.py": "print(1)\n"}
    assert dkr(make_repo, files, "DKR010", git_init=False) == []


# -- robustness ---------------------------------------------------------------------------------------------------
def test_unparsable_and_binary_dockerfiles_are_rpc002_not_crashes(make_repo):
    root = make_repo(
        {
            "Dockerfile": "RUN echo no from\n",
            "Containerfile": b"\x00\x01\x02",
            "x.Dockerfile": "FROM python:3.11\nRUN pip install 'unterminated\nRUN $(\nUSER app\n",
            "y.Dockerfile": "\ufeffFROM python\nRUN pip install numpy\n",
            "z.Dockerfile": "FROM python:3.11\r\nRUN pip install \\\r\n  numpy\r\nUSER app\r\n",
        }
    )
    found = findings(root, select="DKR,RPC002")
    assert sorted((f["code"], f["path"]) for f in found if f["code"] == "RPC002") == [
        ("RPC002", "Containerfile"),
        ("RPC002", "Dockerfile"),
    ]
    assert ("DKR001", "y.Dockerfile") in {(f["code"], f["path"]) for f in found}
    assert ("DKR004", "z.Dockerfile", 3) in {(f["code"], f["path"], f["line"]) for f in found}


def test_suppression_on_the_line_before_an_instruction(make_repo):
    dockerfile = (
        "# reprocheck: ignore[DKR003] the digest is pinned by the release pipeline\nFROM python:3.11-slim\nUSER app\n"
    )
    assert dkr(make_repo, {"Dockerfile": dockerfile}, "DKR003") == []


def test_dkr009_a_readme_that_runs_the_image_as_the_user(make_repo):
    """The README's shell block is how users run the image: `--user $(id -u):$(id -g)` there answers DKR009."""
    image = {"Dockerfile": f"FROM {PINNED_BASE}\nRUN pip install torch\n"}
    readme = (
        "# demo\n\n```.bash\n# Build the image\n$ docker build --tag demo:latest .\n"
        "docker run --gpus all -it --rm --user $(id -u):$(id -g) \\\n    -v `pwd`:/scratch demo:latest \\\n"
        "    python example.py\n```\n"
    )
    assert dkr(make_repo, {**image, "README.md": readme}, "DKR009") == []
    assert dkr(make_repo, {**image, "docs/docker.md": readme.replace(".bash", "console")}, "DKR009") == []
    # look-alikes: a run as root, a run without --user
    for files in (
        {"README.md": readme.replace("$(id -u):$(id -g)", "root")},
        {"README.md": readme.replace("--user $(id -u):$(id -g) ", "")},
    ):
        assert len(dkr(make_repo, {**image, **files}, "DKR009")) == 1, files
    # a Python block or a README inside a sub-folder shows no run at all
    for files in ({"README.md": readme.replace(".bash", "python")}, {"examples/README.md": readme}):
        assert dkr(make_repo, {**image, **files}, "DKR009") == [], files


def test_dkr009_the_repositorys_own_docker_run_passes_a_non_root_user(make_repo):
    run_script = (
        '#!/bin/bash\nIMAGE="${IMAGE:-sg2ada:latest}"\n'
        "docker run --gpus all -it --rm -v `pwd`:/scratch --user $(id -u):$(id -g) --workdir=/scratch $IMAGE $@\n"
    )
    root_only = {"Dockerfile": f"FROM {PINNED_BASE}\nRUN pip install torch\n"}
    assert dkr(make_repo, {**root_only, "docker_run.sh": run_script}, "DKR009") == []
    # several Dockerfiles: the one built under the tag the run names
    files = {
        "docker/gpu.Dockerfile": f"FROM {PINNED_BASE}\n",
        "docker/cpu.Dockerfile": f"FROM {PINNED_BASE}\n",
        "Makefile": "run:\n\tdocker build -t proj-gpu -f docker/gpu.Dockerfile .\n"
        "\tdocker run -u 1000:1000 -v $(CURDIR):/w proj-gpu python train.py\n"
        "\tdocker build -t proj-cpu -f docker/cpu.Dockerfile .\n\tdocker run -v $(CURDIR):/w proj-cpu\n",
    }
    assert [path for path, _, _ in dkr(make_repo, files, "DKR009")] == ["docker/cpu.Dockerfile"]
    # look-alikes: a run as root, or one without --user, leaves the finding
    for run in (
        "docker run --user root -v $(pwd):/w img\n",
        "docker run -u 0 -v $(pwd):/w img\n",
        "docker run --rm -v $(pwd):/w img\n",
        "docker run --rm -v $(pwd):/w -it img python -u train.py\n",  # python's -u, not docker's
    ):
        assert len(dkr(make_repo, {**root_only, "run.sh": "docker build -t img .\n" + run}, "DKR009")) == 1, run
    # a dev container is run by the editor, as its definition says: a root remoteUser is still reported
    dev = {
        "Dockerfile": f"FROM {PINNED_BASE} AS base\nRUN useradd -m app\nUSER app\n\nFROM base AS dev\nUSER app\n",
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "../Dockerfile", "context": "..", '
        '"target": "dev"}, "remoteUser": "root"}\n',
        "docker_run.sh": run_script,
    }
    assert [(path, line) for path, line, _ in dkr(make_repo, dev, "DKR009")] == [("Dockerfile", 5)]


# -- dev containers ------------------------------------------------------------------------------------------------
DEV_DOCKERFILE = "FROM python:3.11-slim\nRUN pip install torch\nRUN python3 -m pip install --upgrade pip setuptools\n"


def test_dkr_a_dockerfile_only_a_dev_container_builds_reports_at_info(make_repo):
    """DKR003, DKR004 and DKR009 report at info in a Dockerfile that only devcontainer.json builds: the editor's
    development environment, not the one experiments run in. The same Dockerfile named by CI, a Makefile, a
    script or a compose file (and a Dockerfile no dev container builds) keeps its severity; DKR001, DKR002 and
    DKR007 keep theirs everywhere."""
    dev = {
        ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "Dockerfile", "context": ".."}}',
        ".devcontainer/Dockerfile": DEV_DOCKERFILE + "ADD https://astral.sh/uv/install.sh /uv.sh\n",
        "setup/docker/.devcontainer/devcontainer.json": '{"build": {"dockerfile": "../Dockerfile"}}',
        "setup/docker/Dockerfile": DEV_DOCKERFILE,
        "Dockerfile": DEV_DOCKERFILE,  # the experiment image: no dev container builds it
        "run.sh": "docker build -t exp .\ndocker run -v $(pwd):/w exp\n",
        "README.md": "Build it with `docker build -f .devcontainer/Dockerfile .`\n",  # docs build nothing
    }
    found = findings(make_repo(dev), select="DKR003,DKR004,DKR007,DKR009")
    severities = sorted((f["path"], f["code"], f["severity"]) for f in found)
    assert severities == [
        (".devcontainer/Dockerfile", "DKR003", "info"),
        (".devcontainer/Dockerfile", "DKR004", "info"),  # the pip upgrade alone: not reported
        (".devcontainer/Dockerfile", "DKR007", "warning"),
        (".devcontainer/Dockerfile", "DKR009", "info"),
        ("Dockerfile", "DKR003", "warning"),
        ("Dockerfile", "DKR004", "info"),  # build tooling only: info anyway
        ("Dockerfile", "DKR004", "warning"),
        ("Dockerfile", "DKR009", "warning"),
        ("setup/docker/Dockerfile", "DKR003", "info"),
        ("setup/docker/Dockerfile", "DKR004", "info"),
        ("setup/docker/Dockerfile", "DKR009", "info"),
    ]
    note = "(info: a dev container's Dockerfile, built only by .devcontainer/devcontainer.json: the development"
    assert all(note in f["message"] for f in found if f["path"] == ".devcontainer/Dockerfile" and f["code"] != "DKR007")
    builders = {
        ".github/workflows/image.yml": "on: [push]\njobs:\n  b:\n    runs-on: ubuntu-22.04\n    steps:\n"
        "      - run: docker build -f .devcontainer/Dockerfile -t exp .\n",
        "Makefile": "image:\n\tdocker build -f ./setup/docker/Dockerfile -t exp .\n",
        "scripts/build.sh": "docker build -f ../.devcontainer/Dockerfile ..\n",
        "docker-compose.yml": "services:\n  train:\n    build:\n      dockerfile: setup/docker/Dockerfile\n",
    }
    for name, text in builders.items():
        found = findings(make_repo({**dev, name: text}), select="DKR003")
        built = ".devcontainer/Dockerfile" if ".devcontainer" in text else "setup/docker/Dockerfile"
        assert [f["severity"] for f in found if f["path"] == built] == ["warning"], name


# -- dead stages --------------------------------------------------------------------------------------------------
def test_a_dead_stage_is_not_judged(make_repo):
    files = {
        # a leftover FROM that the next FROM replaces: nothing copies from stage 0
        "xgb/Dockerfile": (
            "FROM ubuntu:18.04\nRUN apt-get update && apt-get install -y curl && pip install numpy\n"
            "FROM python:2.7\nRUN pip install xgboost\n"
        ),
        # a named stage nothing uses, and a stage only that dead stage copies from
        "svc/Dockerfile": (
            "FROM golang:1.22 AS tools\nRUN go install example.com/tool@latest\n"
            "FROM node:20 AS old\nCOPY --from=tools /go/bin/tool /usr/bin/\nRUN pip install flask\n"
            f"FROM {PINNED_BASE}\nRUN pip install requests\n"
        ),
    }
    found = {(p, line) for p, line, _ in dkr(make_repo, files, "DKR001,DKR002,DKR003,DKR004,DKR007")}
    assert found == {("xgb/Dockerfile", 3), ("xgb/Dockerfile", 4), ("svc/Dockerfile", 7)}


def test_stages_a_build_uses_or_targets_stay_judged(make_repo):
    files = {
        # a builder stage used by COPY --from, and one by RUN --mount=from=
        "app/Dockerfile": (
            "FROM python:3.11 AS builder\nRUN pip wheel -w /w numpy\n"
            "FROM rust:1.78 AS rs\n"
            f"FROM {PINNED_BASE}\nCOPY --from=builder /w /w\n"
            "RUN --mount=type=bind,from=rs,source=/usr/local/cargo,target=/c ls /c\n"
        ),
        # a dev stage the Makefile builds with --target, and a test stage compose targets
        "svc/Dockerfile": f"FROM python:3.11 AS dev\nFROM python:3.12 AS test\nFROM {PINNED_BASE}\n",
        "svc/Makefile": "dev:\n\tdocker build --target dev -t svc:dev .\n",
        "docker-compose.yml": "services:\n  t:\n    build:\n      context: svc\n      target: test\n",
        # a target left to a variable may name any stage
        "ml/Dockerfile": f"FROM python:3.11 AS gpu\nFROM {PINNED_BASE}\n",
        "ml/build.sh": 'docker build --target "$STAGE" -t ml .\n',
        # a FROM left to a variable may name any stage
        "dyn/Dockerfile": "ARG BASE\nFROM python:3.10 AS cpu\nFROM $BASE\n",
    }
    found = {(p, line) for p, line, _ in dkr(make_repo, files, "DKR003")}
    assert found == {
        ("app/Dockerfile", 1),
        ("app/Dockerfile", 3),
        ("svc/Dockerfile", 1),
        ("svc/Dockerfile", 2),
        ("ml/Dockerfile", 1),
        ("dyn/Dockerfile", 2),
    }


def test_unused_stages_of_a_parsed_dockerfile():
    from reprocheck.facts.dockerfile import parse_dockerfile

    text = (
        "FROM a:1 AS base\nFROM base AS build\nFROM b:1 AS lint\nFROM c:1 AS unused\n"
        "FROM d:1\nCOPY --from=build /x /x\nCOPY --from=2 /y /y\n"
    )
    parsed = parse_dockerfile("Dockerfile", text)
    assert parsed.unused_stages() == frozenset({3})
    assert parsed.unused_stages(frozenset({"unused"})) == frozenset()
    assert parsed.unused_stages(None) == frozenset()

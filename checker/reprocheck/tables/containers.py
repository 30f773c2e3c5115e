"""Container facts the DKR rules judge by: which installs matter, which images run unprivileged, what is data."""

from __future__ import annotations

import re

from reprocheck.patterns import lazy_pattern

# DKR004: build tooling installed before the real installs (`pip install -U pip setuptools wheel`, the installer
# that then installs from a lock: `pip install pipenv`). Unpinned, it changes how packages are resolved and
# built, rarely what they compute: reported at info, once per RUN.
BOOTSTRAP_PACKAGES = frozenset(
    {"pip", "setuptools", "wheel", "pipenv", "poetry", "uv", "pdm", "pip-tools", "hatch", "conda-lock", "virtualenv"}
)

# DKR007: hosts that serve the pip bootstrap (`curl https://bootstrap.pypa.io/get-pip.py | python`). Unverified,
# it installs whatever pip is newest: build tooling again, reported at info in a message of its own.
PIP_BOOTSTRAP_HOSTS = frozenset({"bootstrap.pypa.io"})

# DKR007: file types that are display assets (fonts for plot labels and UIs): an unverified download of them has
# no bearing on results, so an instruction that fetches only these is not reported (beside other fetches they are
# named with them). Matched on the URL path's suffix.
DISPLAY_ASSET_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".woff", ".woff2", ".eot", ".pfa", ".pfb", ".pcf"})

# DKR007: init processes a Dockerfile downloads to run as PID 1 (`ENTRYPOINT ["/usr/bin/tini", "--"]`): one that no
# ENTRYPOINT, CMD or command of the repository runs is never executed, so its unverified download is not reported.
# Matched on the URL path's last part (`tini`, `tini-static-amd64`, `dumb-init_1.2.5_x86_64`).
INIT_PROCESS = lazy_pattern(r"^(tini|dumb-init|catatonit)(?:[-_.][\w.+-]*)?$")
# Commands that handle a file without running it (`chmod +x /usr/bin/tini`).
FILE_COMMANDS = frozenset(
    {"chmod", "chown", "chgrp", "ln", "cp", "mv", "rm", "ls", "stat", "file", "install", "touch", "sha256sum",
     "sha512sum", "md5sum", "gpg", "gpgv"}
)  # fmt: skip

# DKR006: system packages whose version bears on what an experiment computes or reads: numerical libraries
# (BLAS/LAPACK/MKL, FFT, sparse solvers), the CUDA stack, the interpreter itself and scientific Python libraries
# installed by the distribution, and the decoders and readers of data (audio, video, images, geodata, HDF5,
# speech synthesis, OCR, PDF text). Compilers, build tools, X/GL runtime libraries, editors, shells, fetchers,
# certificates and locales change how an image is built or used, not the numbers it produces: not reported.
RESULT_BEARING_SYSTEM_PACKAGES = lazy_pattern(
    r"""^(?:
        lib(?:open)?blas[\w.+-]*|liblapack[\w.+-]*|libatlas[\w.+-]*|(?:intel-)?(?:lib)?mkl[\w.+-]*|openblas[\w.+-]*
      |libfftw3[\w.+-]*|fftw[\w.+-]*|libgsl[\w.+-]*|libsuitesparse[\w.+-]*|libarpack[\w.+-]*|libeigen3[\w.+-]*
      |cuda(?:-[\w.+-]+)?|nvidia-cuda[\w.+-]*|libcudnn[\w.+-]*|cudnn[\w.+-]*|libnccl[\w.+-]*|libcu(?:blas|fft|rand|sparse|solver)[\w.+-]*
      |libnvinfer[\w.+-]*|tensorrt[\w.+-]*|python(?:[23](?:\.\d+)?)?|r-base(?:-core)?
      |python3?-(?:numpy|scipy|pandas|sklearn|skimage|opencv|h5py|tables|torch|tensorflow)
      |ffmpeg|libav(?:codec|format|util|filter|device|resample)[\w.+-]*|libswscale[\w.+-]*|libswresample[\w.+-]*
      |sox|libsox[\w.+-]*|libsndfile[\w.+-]*|libmp3lame[\w.+-]*|libflac[\w.+-]*|libvorbis[\w.+-]*|libopus[\w.+-]*
      |libjpeg[\w.+-]*|libturbojpeg[\w.+-]*|libpng[\w.+-]*|libtiff[\w.+-]*|libwebp[\w.+-]*|libvips[\w.+-]*
      |imagemagick[\w.+-]*|libmagick[\w.+-]*|libopencv[\w.+-]*|libgdal[\w.+-]*|gdal(?:-bin)?|libproj[\w.+-]*
      |proj-bin|libgeos[\w.+-]*|libhdf5[\w.+-]*|hdf5(?:-tools)?|libnetcdf[\w.+-]*
      |espeak(?:-ng)?[\w.+-]*|libespeak[\w.+-]*|festival|tesseract-ocr[\w.+-]*|poppler-utils
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

# DKR006: distribution releases past their end of life, whose archives no longer change: an unversioned install
# there resolves to the same version on every rebuild (or fails), so a version pin adds nothing. Matched as a word
# of the base image's tag (`ubuntu:18.04`, `nvidia/cuda:10.2-cudnn7-devel-ubuntu18.04`, `python:3.7-buster`).
FROZEN_RELEASES = lazy_pattern(
    r"(?:^|[-_.:])(?:ubuntu(?:12|14|16|18)\.04|precise|trusty|xenial|bionic|wheezy|jessie|stretch|buster"
    r"|centos[678])(?:$|[-_.])",
    re.IGNORECASE,
)
# Images whose tag is the release itself: `ubuntu:18.04`, `debian:10-slim`, `centos:7`.
FROZEN_RELEASE_TAGS = {
    "ubuntu": lazy_pattern(r"^(?:12|14|16|18)\.04(?:$|[-_.])"),
    "debian": lazy_pattern(r"^(?:7|8|9|10)(?:$|[-_.])"),
    "centos": lazy_pattern(r"^[678](?:$|[-_.])"),
}

# DKR009: base images whose default user is unprivileged (or whose runtime never runs the image as root).
NONROOT_IMAGES = (
    "jupyter/",
    "quay.io/jupyter/",
    "bitnami/",
    "cgr.dev/chainguard/",
    "public.ecr.aws/lambda/",  # AWS Lambda runs function images as an unprivileged sandbox user
    "amazon/aws-lambda-",
)
# Dev container images carry `remoteUser` in their metadata label: the dev container tools run as that user.
DEVCONTAINER_IMAGES = ("mcr.microsoft.com/devcontainers/", "mcr.microsoft.com/vscode/devcontainers/")

# DKR010: folders a build context should not ship (checked on disk: they are often git-ignored), and the
# suffixes of files that make such a folder code rather than data (a `data/` Python package is not data).
DATA_DIRS = ("data", "datasets", "models", "checkpoints", "outputs", "mlruns", "wandb", "lightning_logs")
NOT_DATA_SUFFIXES = frozenset(
    {
        "", ".py", ".pyi", ".pyc", ".pyx", ".pxd", ".md", ".rst", ".gitkeep", ".keep", ".gitignore",
        ".gitattributes", ".dvc", ".sh", ".cfg", ".ini", ".toml", ".yaml", ".yml", ".in",
    }
)  # fmt: skip
# Stop counting files on disk past this many (a build context of millions of files is described as such).
MAX_COUNTED_FILES = 100_000

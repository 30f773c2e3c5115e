"""Container facts the DKR rules judge by: which installs matter, which images run unprivileged, what is data."""

from __future__ import annotations

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

# DKR006: system packages with no bearing on results: time zones, certificates, editors, shells, fetchers and
# version control, locales, process viewers and archivers. Compilers, BLAS/LAPACK, CUDA and Python itself matter.
NO_BEARING_SYSTEM_PACKAGES = frozenset(
    {
        "tzdata", "ca-certificates", "locales", "locales-all", "language-pack-en",
        "vim", "vim-tiny", "nano", "emacs", "emacs-nox", "less", "mc", "micro", "ed",
        "git", "git-lfs", "openssh-client", "ssh", "curl", "wget", "gnupg", "gnupg2", "gpg", "dirmngr",
        "lsb-release", "software-properties-common", "apt-transport-https", "apt-utils",
        "sudo", "bash", "bash-completion", "zsh", "tmux", "screen", "htop", "glances", "tree", "procps", "psmisc",
        "iputils-ping", "net-tools", "iproute2", "dnsutils", "telnet", "netcat", "netcat-openbsd", "rsync",
        "zip", "unzip", "tar", "gzip", "bzip2", "xz-utils", "p7zip-full", "jq", "file", "man-db", "openssh-server",
        "tini", "dumb-init", "supervisor", "netbase",
    }
)  # fmt: skip

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

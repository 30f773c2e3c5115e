"""Installer command lines as data: which options take a value, so a value is never taken for a package.

Each table maps an option spelling to its canonical long name. Options not listed are flags (no value).
Sources: `pip install --help` (pip 24/25), `uv pip install --help`, `conda install --help`, apt-get(8), apk(8),
dnf(8), pipx, poetry and pipenv documentation.
"""

from __future__ import annotations

# pip install / download / wheel / uninstall and `uv pip install|sync|compile` options that take a value.
PIP_VALUE_OPTIONS: dict[str, str] = {
    "-r": "--requirement",
    "--requirement": "--requirement",
    "-c": "--constraint",
    "--constraint": "--constraint",
    "-e": "--editable",
    "--editable": "--editable",
    "-t": "--target",
    "--target": "--target",
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links",
    "--find-links": "--find-links",
    "--platform": "--platform",
    "--python-version": "--python-version",
    "--implementation": "--implementation",
    "--abi": "--abi",
    "--root": "--root",
    "--prefix": "--prefix",
    "--src": "--src",
    "--upgrade-strategy": "--upgrade-strategy",
    "-C": "--config-settings",
    "--config-settings": "--config-settings",
    "--config-setting": "--config-settings",
    "--global-option": "--global-option",
    "--install-option": "--install-option",
    "--build-option": "--build-option",
    "--no-binary": "--no-binary",
    "--only-binary": "--only-binary",
    "--progress-bar": "--progress-bar",
    "--root-user-action": "--root-user-action",
    "--report": "--report",
    "--log": "--log",
    "--log-file": "--log",
    "--proxy": "--proxy",
    "--retries": "--retries",
    "--timeout": "--timeout",
    "--exists-action": "--exists-action",
    "--trusted-host": "--trusted-host",
    "--cert": "--cert",
    "--client-cert": "--client-cert",
    "--cache-dir": "--cache-dir",
    "--python": "--python",
    "--keyring-provider": "--keyring-provider",
    "--use-feature": "--use-feature",
    "--use-deprecated": "--use-deprecated",
    "--group": "--group",
    "-d": "--dest",
    "--dest": "--dest",
    "--destination-directory": "--dest",
    "-w": "--wheel-dir",
    "--wheel-dir": "--wheel-dir",
    "-b": "--build",
    "--build": "--build",
    # uv pip only
    "-p": "--python",
    "--index": "--index",
    "--default-index": "--default-index",
    "--index-strategy": "--index-strategy",
    "--resolution": "--resolution",
    "--prerelease": "--prerelease",
    "--override": "--override",
    "--overrides": "--override",
    "--build-constraint": "--build-constraint",
    "--build-constraints": "--build-constraint",
    "--python-platform": "--python-platform",
    "--exclude-newer": "--exclude-newer",
    "--link-mode": "--link-mode",
    "-P": "--upgrade-package",
    "--upgrade-package": "--upgrade-package",
    "--refresh-package": "--refresh-package",
    "--reinstall-package": "--reinstall-package",
    "--no-build-isolation-package": "--no-build-isolation-package",
    "--config-file": "--config-file",
    "--directory": "--directory",
    "--project": "--project",
    "--color": "--color",
    "--extra": "--extra",
    "-o": "--output-file",
    "--output-file": "--output-file",
    "--torch-backend": "--torch-backend",
}

# Flags worth knowing by their canonical name (short spellings and aliases folded).
PIP_FLAG_ALIASES: dict[str, str] = {
    "-U": "--upgrade",
    "-q": "--quiet",
    "-v": "--verbose",
    "-I": "--ignore-installed",
    "-y": "--yes",
    "--no-dependencies": "--no-deps",
    "--user": "--user",
    "--require-hash": "--require-hashes",
}

# Sub-commands of pip (and `uv pip`) that change an environment or fetch distributions.
PIP_INSTALL_ACTIONS = frozenset({"install", "download", "wheel", "uninstall", "sync", "compile"})

# uv (project interface), poetry, pipenv, pipx: options that take a value.
UV_VALUE_OPTIONS: dict[str, str] = {
    "--python": "--python",
    "-p": "--python",
    "--index": "--index",
    "--index-url": "--index-url",
    "--default-index": "--default-index",
    "--extra-index-url": "--extra-index-url",
    "--find-links": "--find-links",
    "-f": "--find-links",
    "--extra": "--extra",
    "--group": "--group",
    "--only-group": "--only-group",
    "--no-group": "--no-group",
    "--package": "--package",
    "--directory": "--directory",
    "--project": "--project",
    "--with": "--with",
    "-w": "--with",
    "--with-requirements": "--with-requirements",
    "--with-editable": "--with-editable",
    "--from": "--from",
    "--optional": "--optional",
    "--dev-group": "--group",
    "--config-file": "--config-file",
    "--exclude-newer": "--exclude-newer",
    "--resolution": "--resolution",
    "--prerelease": "--prerelease",
    "--upgrade-package": "--upgrade-package",
    "-P": "--upgrade-package",
    "--color": "--color",
    "--cache-dir": "--cache-dir",
    "--constraint": "--constraint",
    "--constraints": "--constraint",
    "-c": "--constraint",
    "--requirements": "--requirement",
    "-r": "--requirement",
    "--env-file": "--env-file",
    "--link-mode": "--link-mode",
    "--script": "--script",
}
UV_ACTIONS = frozenset({"sync", "add", "lock", "remove", "run", "tool install", "tool run", "tool upgrade"})

POETRY_VALUE_OPTIONS: dict[str, str] = {
    "--with": "--with",
    "--without": "--without",
    "--only": "--only",
    "-E": "--extras",
    "--extras": "--extras",
    "-G": "--group",
    "--group": "--group",
    "--source": "--source",
    "-C": "--directory",
    "--directory": "--directory",
    "-P": "--project",
    "--project": "--project",
    "--python": "--python",
    "--platform": "--platform",
}
POETRY_ACTIONS = frozenset({"install", "add", "lock", "update", "remove", "sync"})

PIPENV_VALUE_OPTIONS: dict[str, str] = {
    "--python": "--python",
    "-r": "--requirements",
    "--requirements": "--requirements",
    "-i": "--index",
    "--index": "--index",
    "--extra-index-url": "--extra-index-url",
    "--categories": "--categories",
}
PIPENV_ACTIONS = frozenset({"install", "sync", "lock", "update", "upgrade", "uninstall"})

PIPX_VALUE_OPTIONS: dict[str, str] = {
    "--python": "--python",
    "--pip-args": "--pip-args",
    "--index-url": "--index-url",
    "-i": "--index-url",
    "--suffix": "--suffix",
    "--spec": "--spec",
    "--preinstall": "--preinstall",
}  # `--global` (install for all users) is a flag, not an option with a value
PIPX_ACTIONS = frozenset({"install", "inject", "upgrade", "reinstall", "runpip", "install-all"})

CONDA_VALUE_OPTIONS: dict[str, str] = {
    "-n": "--name",
    "--name": "--name",
    "-p": "--prefix",
    "--prefix": "--prefix",
    "-c": "--channel",
    "--channel": "--channel",
    "-f": "--file",
    "--file": "--file",
    "--solver": "--solver",
    "--repodata-fn": "--repodata-fn",
    "--platform": "--platform",
    "--subdir": "--subdir",
    "-r": "--root-prefix",
    "--root-prefix": "--root-prefix",
    "--category": "--category",
}
CONDA_ACTIONS = frozenset({"install", "create", "update", "upgrade", "remove", "uninstall", "env create", "env update"})

APT_VALUE_OPTIONS: dict[str, str] = {
    "-o": "--option",
    "--option": "--option",
    "-t": "--target-release",
    "--target-release": "--target-release",
    "--default-release": "--target-release",
    "-c": "--config-file",
    "--config-file": "--config-file",
}
APK_VALUE_OPTIONS: dict[str, str] = {
    "-t": "--virtual",
    "--virtual": "--virtual",
    "-X": "--repository",
    "--repository": "--repository",
    "-p": "--root",
    "--root": "--root",
    "--arch": "--arch",
    "--cache-dir": "--cache-dir",
    "--keys-dir": "--keys-dir",
    "--repositories-file": "--repositories-file",
}
DNF_VALUE_OPTIONS: dict[str, str] = {
    "--setopt": "--setopt",
    "--enablerepo": "--enablerepo",
    "--disablerepo": "--disablerepo",
    "--releasever": "--releasever",
    "--installroot": "--installroot",
    "-c": "--config",
    "--config": "--config",
    "--repo": "--repo",
    "--repoid": "--repo",
    "-x": "--exclude",
    "--exclude": "--exclude",
    "--forcearch": "--forcearch",
    "-d": "--debuglevel",
    "-e": "--errorlevel",
}

# Command words that only wrap the real command, with their own options that take a value.
WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "--user", "-g", "--group", "-C", "-D", "-h", "-p", "-r", "-t", "-U"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S"}),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "nohup": frozenset(),
    "builtin": frozenset(),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "xvfb-run": frozenset({"-s", "--server-args", "-n", "--server-num", "-e", "--error-file", "-f"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "fakeroot": frozenset(),
}
# `timeout`, `gosu`, `su-exec` take a positional argument before the command.
WRAPPER_POSITIONALS: dict[str, int] = {"timeout": 1, "gosu": 1, "su-exec": 1}

"""Every failure a user can cause ends with exit 2 and one line saying what is wrong and what to do.

No traceback and no "internal error" (that wording is for bugs): bad paths, bad or unreadable configuration,
bad option values, an output file that cannot be written. tests/checker/test_cli.py covers the option-parsing
errors; these are the files-and-settings ones, plus the cases that need an unprivileged user.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli, write_files
from tests.robustness.harness import workspace
from tests.robustness.mutations import reshaped, to_toml

REPROCHECK = str(Path(sys.executable).parent / "reprocheck")
SOURCE = {"train.py": "import numpy\n"}
RESERVED = "reprocheck.toml"


def settings_file(text: str | bytes, name: str = RESERVED) -> dict[str, str | bytes]:
    return {**SOURCE, name: text}


def case(name: str, files: dict, setup: str | None, args: list[str], expected: str, mark=None):
    """One user error: the files of the repository, an extra setup step (`mkdir:X`, `fifo:X`, `link:X`), the
    command-line arguments, and the part of the message that says what is wrong."""
    return pytest.param(files, setup, args, expected, id=name, marks=[mark] if mark else [])


CASES = [
    case("config-missing", SOURCE, None, ["--config", "missing.toml", "."], "missing.toml: no such configuration file"),
    case("config-is-a-directory", SOURCE, "mkdir:conf", ["--config", "conf", "."], "conf: no such configuration file"),
    case("config-is-a-fifo", SOURCE, "fifo:pipe.toml", ["--config", "pipe.toml", "."], "pipe.toml"),
    case("config-broken-link", SOURCE, "link:cfg.toml", ["--config", "cfg.toml", "."], "no such configuration file"),
    case("config-invalid-toml", {"c.toml": "select = [\n"}, None, ["--config", "c.toml", "."], "c.toml: invalid TOML"),
    case("config-not-utf8", {"c.toml": b"\xff\xfe[\x00"}, None, ["--config", "c.toml", "."], "c.toml: cannot read"),
    case("path-missing", SOURCE, None, ["nothing/here"], "nothing/here: no such file or directory"),
    case("path-broken-link", SOURCE, "link:gone", ["gone"], "gone: no such file or directory"),
    case("path-not-utf8", SOURCE, None, ["caf\udce9"], "no such file or directory"),
    case("output-in-missing-folder", SOURCE, None, ["-o", "no/dir/out.json", "."], "cannot write no/dir/out.json"),
    case("output-is-a-directory", SOURCE, "mkdir:out", ["-o", "out", "."], "cannot write out: Is a directory"),
    case("own-config-invalid-toml", settings_file("select = ['ALL'\n"), None, ["."], "reprocheck.toml: invalid TOML"),
    case("own-config-not-utf8", settings_file(b"select = ['\xff']\n"), None, ["."], "reprocheck.toml: cannot read"),
    case("own-config-unknown-key", settings_file("selekt = ['ALL']\n"), None, ["."], "unknown key 'selekt'"),
    case(
        "own-config-wrong-type", settings_file("select = 'ALL'\n"), None, ["."], "select: 'ALL' is not of type 'array'"
    ),
    case("own-config-unknown-rule", settings_file("select = ['XYZ9']\n"), None, ["."], "unknown rule selector 'XYZ9'"),
    case("own-config-bad-size", settings_file("max-file-size = 'lots'\n"), None, ["."], "max-file-size: 'lots'"),
    case("own-config-bad-severity", settings_file("severity = {DEP001 = 'fatal'}\n"), None, ["."], "severity.DEP001"),
    case("own-config-bad-glob", settings_file("entrypoints = ['\\']\n"), None, ["."], "is not a valid glob"),
    case("own-config-bad-fail-on", settings_file("fail-on = 'sometimes'\n"), None, ["."], "fail-on: 'sometimes'"),
    case(
        "pyproject-table-broken",
        settings_file("[tool.reprocheck]\nselect = [\n", "pyproject.toml"),
        None,
        ["."],
        "pyproject.toml: invalid TOML",
    ),
    case(
        "pyproject-table-not-a-table",
        settings_file("[tool]\nreprocheck = 5\n", "pyproject.toml"),
        None,
        ["."],
        "[tool.reprocheck] must be a table",
    ),
    case("config-show-broken", settings_file("select = [\n"), None, ["config", "--show", "."], "invalid TOML"),
    case(
        "glob-with-bad-class",
        settings_file("per-file-ignores = {'[z-a]' = ['DEP001']}\n"),
        None,
        ["."],
        "is not a valid glob",
    ),
    case(
        "exclude-with-bad-class",
        settings_file("exclude = ['data/[z-a]']\n"),
        None,
        ["."],
        "is not a valid glob",
    ),
]


def prepare(root: Path, setup: str | None) -> None:
    if setup is None:
        return
    action, name = setup.split(":")
    if action == "mkdir":
        (root / name).mkdir()
    elif action == "fifo":
        os.mkfifo(root / name)
    elif action == "link":
        (root / name).symlink_to(root / "does-not-exist")


def assert_one_line_error(exit_code: int, stderr: str, expected: str) -> None:
    assert exit_code == 2, stderr
    assert stderr.startswith("reprocheck: error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert expected in stderr, stderr


@pytest.mark.parametrize(("files", "setup", "args", "expected"), CASES)
def test_user_errors_are_one_line_and_exit_2(tmp_path, files, setup, args, expected):
    write_files(tmp_path, files)
    prepare(tmp_path, setup)
    result = run_cli(*args, "--no-cache", cwd=tmp_path) if args[0] != "config" else run_cli(*args, cwd=tmp_path)
    assert_one_line_error(result.exit_code, result.stderr, expected)


def test_deeply_nested_settings_file_is_a_one_line_error(tmp_path):
    write_files(tmp_path, settings_file("x = " + "[" * 3000 + "]" * 3000 + "\n"))
    result = run_cli(".", "--no-cache", cwd=tmp_path)
    assert_one_line_error(result.exit_code, result.stderr, "reprocheck.toml: invalid TOML")


def test_a_pyproject_whose_tool_is_not_a_table_holds_no_settings(tmp_path):
    write_files(tmp_path, settings_file("tool = 5\n", "pyproject.toml"))
    result = run_cli(".", "--no-cache", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr


def test_a_broken_pyproject_without_our_table_is_rpc002_not_a_user_error(tmp_path):
    write_files(tmp_path, settings_file("[project\nname = 'x'\n", "pyproject.toml"))
    result = run_cli(".", "--no-cache", "--select", "ALL", "--output-format", "json", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert [f["path"] for f in result.json["findings"] if f["code"] == "RPC002"] == ["pyproject.toml"]


def test_debug_shows_the_traceback_of_an_internal_error_only(tmp_path):
    """A user error stays one line even with --debug (it is not a bug)."""
    write_files(tmp_path, settings_file("selekt = 1\n"))
    result = run_cli(".", "--no-cache", "--debug", cwd=tmp_path)
    assert_one_line_error(result.exit_code, result.stderr, "unknown key 'selekt'")


# -- as an unprivileged user: permissions that root would ignore -------------------------------------------------
SETPRIV = shutil.which("setpriv")
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or SETPRIV is None,
    reason="needs root and setpriv to run the checker as an unprivileged user",
)


@functools.cache
def why_nobody_cannot_run() -> str | None:
    """Why the `nobody` user cannot start the checker here, or None when it can.

    A checkout in a private folder (a clone under /root, mode 0700) puts the virtual environment out of that
    user's reach: the tests below then skip and say so rather than fail for a reason that is not the checker's.
    """
    command = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", REPROCHECK, "--version"]
    try:
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=60, check=False)
    except OSError as error:
        return f"the nobody user cannot start {REPROCHECK}: {error}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"the nobody user cannot run {REPROCHECK} (is the checkout in a private folder?): {last}"
    return None


@pytest.fixture
def shared_folder():
    """A folder the `nobody` user can enter (pytest's tmp_path is private to root)."""
    reason = why_nobody_cannot_run()
    if reason is not None:
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="reprocheck-perm-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o700 if path.is_dir() else 0o600)
        shutil.rmtree(folder)


def as_nobody(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    command = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", REPROCHECK, "--no-cache", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def public(root: Path, files: dict[str, str]) -> None:
    write_files(root, files)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


@needs_root
@pytest.mark.parametrize(
    ("closed", "args", "expected"),
    [
        ("secret.toml", ["--config", "secret.toml", "repo"], "'secret.toml' is not readable"),
        ("locked", ["locked"], "'locked' is not readable"),
        ("ro", ["-o", "ro/out.json", "repo"], "cannot write ro/out.json: Permission denied"),
        ("repo/reprocheck.toml", ["repo"], "repo/reprocheck.toml: cannot read"),
        ("locked", ["locked/a.py"], "locked/a.py: cannot access it"),
    ],
)
def test_unreadable_inputs_and_unwritable_outputs(shared_folder, closed, args, expected):
    public(
        shared_folder,
        {"secret.toml": "select = ['ALL']\n", "locked/a.py": "x = 1\n", "repo/train.py": "import numpy\n"}
        | {"repo/reprocheck.toml": "select = ['ALL']\n", "ro/keep": ""},
    )
    target = shared_folder / closed
    target.chmod(0o555 if closed == "ro" else 0o000)
    done = as_nobody(shared_folder, *args)
    assert_one_line_error(done.returncode, done.stderr, expected)


@needs_root
def test_an_unreadable_file_inside_the_repository_is_rpc002(shared_folder):
    public(shared_folder, {"configs/ok.yaml": "seed: 1\n", "configs/closed.yaml": "seed: 2\n"})
    (shared_folder / "configs" / "closed.yaml").chmod(0)
    done = as_nobody(shared_folder, "--select", "ALL", "--output-format", "concise", ".")
    assert done.returncode == 1 and done.stderr == "", done.stderr
    assert "configs/closed.yaml: RPC002 [E] cannot parse configs/closed.yaml: cannot read YAML file: Permission" in (
        done.stdout
    )
    assert stat.S_IMODE((shared_folder / "configs" / "closed.yaml").stat().st_mode) == 0


# -- any settings table: runs, or stops with one line naming the key ---------------------------------------------
SETTINGS_SEED = {
    "select": ["ALL"],
    "extend-select": ["DKR006"],
    "ignore": {"DEP001": "library pins are ranges"},
    "per-file-ignores": {"tests/**": ["RNG"], "notebooks/*.ipynb": ["NB001"]},
    "exclude": ["data/", "*.tmp"],
    "fail-on": "error",
    "severity": {"CFG001": "info"},
    "project-type": "application",
    "max-file-size": "2 MiB",
    "seed-keys": ["seed"],
    "config-paths": ["conf/**/*.yaml"],
    "entrypoints": ["scripts/*.py"],
    "seed-functions": ["demo.utils.seed_all"],
    "schemas": {"configs/*.yaml": "configs/schema.json"},
    "import-map": {"cv2": "opencv-python-headless", "foo": ["a", "b"]},
    "fixture-dirs": ["tests/fixtures"],
    "cache-dir": ".cache/reprocheck",
}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(table=reshaped(SETTINGS_SEED), where=st.sampled_from(["reprocheck.toml", "pyproject.toml"]))
def test_any_settings_table_runs_or_is_a_one_line_error(table, where):
    with workspace() as space:
        text = to_toml(table) if where == "reprocheck.toml" else "[tool.reprocheck]\n" + to_toml(table)
        space.write({**SOURCE, where: text})
        result = run_cli(".", "--no-cache", "--output-format", "json", cwd=space.root)
        if result.exit_code == 2:
            assert_one_line_error(result.exit_code, result.stderr, where)
        else:
            assert result.exit_code in (0, 1) and result.json["summary"]["rule_errors"] == [], result.stderr


def test_an_integral_float_size_is_a_size(tmp_path):
    write_files(tmp_path, settings_file("max-file-size = 2e6\n"))
    result = run_cli(".", "--no-cache", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr

"""The command line: every option, exit codes, usage errors, fixes, colour, and the rule/config commands."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reprocheck import __version__
from reprocheck.findings import Edit, Fix, Severity
from tests.conftest import marker_rule, run_cli

EXE = Path(sys.executable).with_name("reprocheck")


def console(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script (falls back to `python -m reprocheck`)."""
    command = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "reprocheck"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120
    )


# -- version and start-up --------------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--version", "-V", "version"])
def test_version(flag):
    done = console(flag)
    assert done.returncode == 0 and done.stdout == f"reprocheck {__version__}\n" and done.stderr == ""


def test_version_imports_neither_typer_nor_the_rules():
    probe = (
        "import sys; sys.argv = ['reprocheck', '--version']; from reprocheck.cli import main; main(); "
        "print(sorted(m for m in sys.modules if m.startswith(('typer', 'click', 'reprocheck.rules', 'yaml'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [f"reprocheck {__version__}", "[]"]


def test_python_dash_m_and_version_through_the_app():
    done = subprocess.run([sys.executable, "-m", "reprocheck", "--version"], capture_output=True, text=True)
    assert done.stdout == f"reprocheck {__version__}\n"
    assert run_cli("--version").stdout == f"reprocheck {__version__}\n"


def test_help_lists_commands_and_check_options():
    top = run_cli("--help")
    assert top.exit_code == 0
    for command in ("check", "rules", "rule", "config", "--version"):
        assert command in top.stdout
    check_help = run_cli("check", "--help").stdout
    for option in (
        "--select",
        "--extend-select",
        "--ignore",
        "--fail-on",
        "--exit-zero",
        "--output-format",
        "--output-file",
        "--statistics",
        "--fix",
        "--diff",
        "--no-color",
        "--config",
        "--isolated",
        "--no-cache",
        "--debug",
    ):
        assert option in check_help, option
    assert ".reprocheck_cache" in check_help  # where --no-cache's cache lives


# -- usage errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["--selct", "ALL"], "No such option: --selct (Possible options: --extend-select, --help, --select)"),
        (["rule"], "Missing argument"),
        (["rules", "--x"], "No such option: --x"),
        (["rules", "--output-format", "xml"], "--output-format: 'xml' is not one of table, json"),
        (["rule", "XYZ123"], "unknown rule code 'XYZ123'; `reprocheck rules` lists them"),
        (["--output-format", "xml"], "--output-format: 'xml' is not one of full, concise, json, sarif"),
        (["--fail-on", "sometimes"], "--fail-on: 'sometimes' is not one of error, warning, info, never"),
        (["--fix", "--diff"], "--fix and --diff cannot be combined"),
        (["--statistics", "--output-format", "sarif"], "--statistics works with --output-format full, concise or json"),
        (["does/not/exist"], "does/not/exist: no such file or directory"),
        (["--select"], "Option '--select' requires an argument"),
        (["--select", "NOPE"], "--select: unknown rule selector 'NOPE'"),
        (["config"], "nothing to do: use `reprocheck config --show`"),
    ],
)
def test_usage_errors_end_with_one_line_and_exit_2(make_repo, args, message):
    root = make_repo({"a.txt": ""})
    result = run_cli(*args, cwd=root)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("reprocheck: error: "), result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr


def test_usage_error_from_the_real_console_script(tmp_path):
    done = console("--no-such-flag", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "reprocheck: error: No such option: --no-such-flag (see `reprocheck check --help`)\n"
    assert done.stdout == ""


def test_internal_errors_are_one_line_unless_debug(make_repo, monkeypatch):
    import reprocheck.runner

    def broken(*_args, **_kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(reprocheck.runner, "check_target", broken)
    root = make_repo({"a.txt": ""})
    result = run_cli(str(root))
    assert result.exit_code == 2
    assert result.stderr == (
        "reprocheck: error: internal error: OSError: disk on fire (run with --debug for the traceback)\n"
    )
    with pytest.raises(OSError):
        run_cli(str(root), "--debug")


# -- exit codes and thresholds ---------------------------------------------------------------------------------
@pytest.fixture
def graded(make_repo, scratch_rules):
    marker_rule(scratch_rules, "ZZZ001", "ERR", severity=Severity.ERROR)
    marker_rule(scratch_rules, "ZZZ002", "WARN", severity=Severity.WARNING)
    marker_rule(scratch_rules, "ZZZ003", "INFO", severity=Severity.INFO)
    return make_repo({"e.txt": "ERR\n", "w.txt": "WARN\n", "i.txt": "INFO\n", "clean.txt": "ok\n"})


@pytest.mark.parametrize(
    ("paths", "fail_on", "expected"),
    [
        (["clean.txt"], None, 0),
        (["i.txt"], None, 0),  # default threshold: warning
        (["w.txt"], None, 1),
        (["e.txt"], None, 1),
        (["i.txt"], "info", 1),
        (["w.txt"], "error", 0),
        (["e.txt"], "error", 1),
        (["e.txt", "w.txt"], "never", 0),
    ],
)
def test_exit_code_follows_the_threshold(graded, paths, fail_on, expected):
    args = [str(graded / p) for p in paths] + ["--select", "ZZZ"]
    if fail_on:
        args += ["--fail-on", fail_on]
    assert run_cli(*args).exit_code == expected


def test_exit_zero_reports_but_succeeds(graded):
    result = run_cli(str(graded), "--select", "ZZZ", "--exit-zero", "--output-format", "concise")
    assert result.exit_code == 0 and "ZZZ001 [E]" in result.stdout


def test_severity_override_changes_the_exit_code(graded):
    (graded / "reprocheck.toml").write_text('select = ["ZZZ"]\nseverity = {ZZZ002 = "info"}\n')
    assert run_cli(str(graded / "w.txt")).exit_code == 0
    assert run_cli(str(graded / "w.txt"), "--fail-on", "info").exit_code == 1


def test_default_path_is_the_current_directory(graded):
    result = run_cli("--select", "ZZZ001", "--output-format", "json", cwd=graded)
    assert [f["path"] for f in result.json["findings"]] == ["e.txt"]
    done = console("--select", "ZZZ", "--output-format", "json", cwd=graded)  # synthetic rules are not there
    assert done.returncode == 2 and "unknown rule selector 'ZZZ'" in done.stderr


# -- statistics ------------------------------------------------------------------------------------------------
def test_statistics_table_and_json(graded):
    (graded / "more.txt").write_text("WARN\nWARN\n")
    result = run_cli(str(graded), "--select", "ZZZ", "--statistics")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "3  ZZZ002  [W] synthetic-zzz002",
        "1  ZZZ001  [E] synthetic-zzz001",
        "1  ZZZ003  [I] synthetic-zzz003",
        "Found 5 findings (1 error, 3 warnings, 1 info).",
    ]
    data = run_cli(str(graded), "--select", "ZZZ", "--statistics", "--output-format", "json").json
    assert data[0] == {"code": "ZZZ002", "name": "synthetic-zzz002", "severity": "warning", "count": 3, "fixable": 0}


# -- fixes -----------------------------------------------------------------------------------------------------
@pytest.fixture
def fixable(make_repo, scratch_rules):
    """OLD -> NEW on each line (one finding per occurrence) and a whole-line rewrite of `wrap(x)` to `[x]`."""

    def replace_old(self, project):
        for rel in project.files:
            for number, line in enumerate(project.read_text(rel).splitlines(), start=1):
                start = line.find("OLD")
                while start >= 0:
                    edit = Edit(number, start + 1, number, start + 4, "NEW")
                    yield self.finding("OLD is outdated", rel, number, start + 1, fix=Fix("use NEW", (edit,)))
                    start = line.find("OLD", start + 1)

    def unwrap(self, project):
        for rel in project.files:
            for number, line in enumerate(project.read_text(rel).splitlines(), start=1):
                if line.startswith("wrap(") and line.endswith(")"):
                    edit = Edit(number, 1, number, len(line) + 1, f"[{line[5:-1]}]")
                    yield self.finding("wrap() is deprecated", rel, number, 1, fix=Fix("use a list", (edit,)))

    scratch_rules("ZZZ004", replace_old, fixable=True)
    scratch_rules("ZZZ005", unwrap, fixable=True)
    return make_repo({"a.txt": "keep\nx = OLD + OLD\n", "b.txt": "wrap(OLD)\r\nend\r\n", "c.txt": "clean\n"})


def test_diff_shows_fixes_without_writing_and_exits_1(fixable):
    before = {p: (fixable / p).read_bytes() for p in ("a.txt", "b.txt")}
    result = run_cli(str(fixable), "--select", "ZZZ", "--diff")
    assert result.exit_code == 1
    assert "--- a/a.txt\n+++ b/a.txt\n" in result.stdout
    assert "-x = OLD + OLD\n+x = NEW + NEW\n" in result.stdout
    assert "--- a/b.txt\n+++ b/b.txt\n" in result.stdout
    assert {p: (fixable / p).read_bytes() for p in before} == before
    clean = run_cli(str(fixable / "c.txt"), "--select", "ZZZ", "--diff")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_fix_writes_keeps_line_endings_and_mode_and_reports_what_remains(fixable):
    os.chmod(fixable / "b.txt", 0o755)
    result = run_cli(str(fixable), "--select", "ZZZ", "--fix", "--output-format", "concise")
    assert (fixable / "a.txt").read_text() == "keep\nx = NEW + NEW\n"
    # wrap(OLD) overlaps OLD: one fix per pass, the next pass fixes the rest
    assert (fixable / "b.txt").read_bytes() == b"[NEW]\r\nend\r\n"
    assert stat.S_IMODE(os.stat(fixable / "b.txt").st_mode) == 0o755
    assert result.exit_code == 0
    assert "All checks passed. Fixed 4 findings." in result.stdout
    again = run_cli(str(fixable), "--select", "ZZZ", "--fix", "--output-format", "json")
    assert again.exit_code == 0 and again.json["summary"]["fixed"] == 0
    assert not list(fixable.glob(".*reprocheck-tmp"))


def test_fix_skips_suppressed_findings_and_non_utf8_files(fixable):
    (fixable / "a.txt").write_text("x = OLD  # reprocheck: ignore[ZZZ004] on purpose\ny = OLD\n")
    (fixable / "latin.txt").write_bytes("caf\xe9 OLD\n".encode("latin-1"))
    result = run_cli(str(fixable / "a.txt"), str(fixable / "latin.txt"), "--select", "ZZZ004", "--fix")
    assert (fixable / "a.txt").read_text() == "x = OLD  # reprocheck: ignore[ZZZ004] on purpose\ny = NEW\n"
    assert (fixable / "latin.txt").read_bytes() == "caf\xe9 OLD\n".encode("latin-1")
    assert result.exit_code == 1  # the latin-1 finding remains


def test_fix_loop_stops_on_fixes_that_undo_each_other(make_repo, scratch_rules):
    def flip(self, project):
        for rel in project.files:
            new = "B" if "A" in project.read_text(rel) else "A"
            yield self.finding("flip", rel, 1, 1, fix=Fix("flip", (Edit(1, 1, 1, 2, new),)))

    scratch_rules("ZZZ006", flip, fixable=True)
    root = make_repo({"x.txt": "A\n"})
    result = run_cli(str(root), "--select", "ZZZ006", "--fix")
    assert result.exit_code == 1
    assert (root / "x.txt").read_text() == "B\n"


# -- colour ----------------------------------------------------------------------------------------------------
def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch, tmp_path):
    from reprocheck.commands import use_color

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert use_color(False, None) is True
    assert use_color(True, None) is False
    assert use_color(False, tmp_path / "out.txt") is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, None) is False
    monkeypatch.setenv("NO_COLOR", "")  # an empty NO_COLOR does not count (no-color.org)
    assert use_color(False, None) is True
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert use_color(False, None) is False


def test_colour_codes_in_terminal_output(graded, monkeypatch):
    import reprocheck.commands

    monkeypatch.setattr(reprocheck.commands, "use_color", lambda no_color, output_file: not no_color)
    coloured = run_cli(str(graded / "e.txt"), "--select", "ZZZ", "--output-format", "concise").stdout
    assert "\033[31mZZZ001\033[0m" in coloured
    plain = run_cli(str(graded / "e.txt"), "--select", "ZZZ", "--output-format", "concise", "--no-color").stdout
    assert "\033[" not in plain


# -- rules, rule, no-cache -------------------------------------------------------------------------------------
def test_rules_table_and_json(scratch_rules):
    marker_rule(scratch_rules, "ZZZ001", "X", default_enabled=False, fixable=True)
    table = run_cli("rules").stdout.splitlines()
    row = next(line for line in table if line.startswith("ZZZ001"))
    assert row.split() == ["ZZZ001", "W", "synthetic-zzz001", "opt-in", "fix", "Synthetic", "rule", "ZZZ001"]
    assert any(line.startswith("RPC002  E  unparsable-file") for line in table)
    data = json.loads(run_cli("rules", "--output-format", "json").stdout)
    entry = next(r for r in data if r["code"] == "ZZZ001")
    assert entry == {
        "code": "ZZZ001",
        "name": "synthetic-zzz001",
        "family": "ZZZ",
        "severity": "warning",
        "default_enabled": False,
        "preview": False,
        "fixable": True,
        "summary": "Synthetic rule ZZZ001",
        "explanation": entry["explanation"],
    }
    assert entry["explanation"].startswith("## What it does")
    assert [r["code"] for r in data] == sorted(r["code"] for r in data)


def test_rule_explains_one_code_case_insensitively():
    result = run_cli("rule", "rpc002")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# RPC002 unparsable-file"
    assert "Severity: error · on by default · no automatic fix" in lines
    for section in ("## What it does", "## Why it matters", "## Example", "## Fix"):
        assert section in lines


def test_no_cache_is_accepted(make_repo):
    assert run_cli(str(make_repo({"a.txt": ""})), "--no-cache", "--select", "RPC").exit_code == 0


def test_an_empty_selection_or_threshold_is_a_usage_error_not_a_silent_pass(make_repo):
    """`--select "$RULES"` with the variable unset would otherwise run no rule and pass."""
    root = make_repo({"requirements.txt": "numpy\n"})
    for args, expected in (
        (("--select", ""), "--select: empty value"),
        (("--select", " , "), "--select: empty value"),
        (("--fail-on", ""), "--fail-on: '' is not one of"),
    ):
        result = run_cli(str(root), *args, "--no-cache")
        assert result.exit_code == 2 and expected in result.stderr, (args, result.stderr)
    assert run_cli(str(root), "--select", "DEP001,", "--no-cache").exit_code == 1  # a trailing comma is fine

"""`python -m reprocheck.action`: what the GitHub Action (action.yml) runs, one analysis for three reports.

It checks once, with the options `reprocheck check` takes (parsed by that command, so both accept the same), then
writes pull-request annotations (the github format) on standard output, the Markdown report appended to the job
summary, SARIF for code scanning, and the `findings` and `sarif-file` step outputs. Only when all of them are
written does it exit, with the code `reprocheck check` would give (1 for findings at or above --fail-on).
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
from pathlib import Path

# Options of `reprocheck check` that choose another report or change files: the action writes its own reports.
NOT_HERE = ("output_format", "output_file", "statistics", "fix", "diff", "write_baseline")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m reprocheck.action",
        description="Check once; write GitHub annotations (stdout), a job summary, SARIF and step outputs.",
    )
    parser.add_argument("--paths", default=".", help="Files or folders to check, shell-quoted (default: .).")
    parser.add_argument("--args", default="", help="Further `reprocheck check` options, shell-quoted.")
    parser.add_argument("--fail-on", default="", help="As `reprocheck check --fail-on`; empty: the project's.")
    parser.add_argument("--sarif-file", type=Path, default=Path("reprocheck.sarif"), help="Where to write SARIF.")
    parser.add_argument("--summary-file", type=Path, help="Append the Markdown report here ($GITHUB_STEP_SUMMARY).")
    parser.add_argument("--outputs-file", type=Path, help="Append findings= and sarif-file= here ($GITHUB_OUTPUT).")
    return parser.parse_args(argv)


def check_parameters(arguments: argparse.Namespace) -> dict:
    """The action's inputs read by the `check` command's own parser: its options, values and errors."""
    from typer.main import get_command

    from reprocheck.commands import app

    argv = shlex.split(arguments.args)
    if arguments.fail_on:
        argv += ["--fail-on", arguments.fail_on]
    argv += ["--", *shlex.split(arguments.paths)]
    command = get_command(app).commands["check"]
    parameters = command.make_context("reprocheck check", argv).params
    defaults = command.make_context("reprocheck check", []).params
    changed = [name for name in NOT_HERE if parameters[name] != defaults[name]]
    if changed:
        options = ", ".join("--" + name.replace("_", "-") for name in changed)
        raise ValueError(f"args: {options} cannot be used in the action, which writes its own reports")
    return parameters


def check_options(parameters: dict):
    """The runner's options from the parsed command line, field by field (lists arrive as tuples)."""
    from reprocheck.runner import CheckOptions

    values = {}
    for option in dataclasses.fields(CheckOptions):
        value = parameters.get(option.name)
        if value is None:
            continue
        values[option.name] = list(value) if isinstance(value, tuple) else value
    if "config" in values:
        values["config"] = Path(values["config"])
    return CheckOptions(**values)


def append(path: Path | None, text: str) -> None:
    if path is not None:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)


def run(arguments: argparse.Namespace) -> int:
    from reprocheck.report import render
    from reprocheck.runner import build_report, check_target, fails, group_targets

    parameters = check_parameters(arguments)
    options = check_options(parameters)
    targets = group_targets([Path(path) for path in parameters["paths"] or ["."]])
    results = [check_target(target, options) for target in targets]
    report = build_report(results, color=False)

    sys.stdout.write(render("github", report))
    sys.stdout.flush()
    append(arguments.summary_file, render("markdown", report))
    arguments.sarif_file.parent.mkdir(parents=True, exist_ok=True)
    arguments.sarif_file.write_text(render("sarif", report), encoding="utf-8")
    append(arguments.outputs_file, f"findings={len(report.findings)}\nsarif-file={arguments.sarif_file}\n")

    for error in report.errors:
        print(f"reprocheck: internal error in rule {error.code}: {error.summary}", file=sys.stderr)
    if report.errors:
        return 2
    if parameters["exit_zero"]:
        return 0
    return 1 if fails(results) else 0


def main(argv: list[str] | None = None) -> int:
    from reprocheck.commands import CLICK_ERROR
    from reprocheck.config import ConfigError
    from reprocheck.report.github import escape_data

    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        return run(arguments)
    except CLICK_ERROR as error:
        message = error.format_message()
    except (ConfigError, ValueError, OSError) as error:
        message = str(error)
    # An annotation, so the reason shows on the run's page and not only in its log.
    print(f"::error title=reprocheck::{escape_data(message)}")
    print(f"reprocheck: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

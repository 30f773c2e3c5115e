"""The typer application behind `reprocheck`; heavy modules are imported inside commands so start-up stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from reprocheck import __version__

# Click's base error, whether typer vendors click (>= 0.2x) or depends on it.
CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class ReprocheckGroup(TyperGroup):
    """Every usage error ends the same way as our own: one `reprocheck: error: ...` line and exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            outcome = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except CLICK_ERROR as error:
            context = getattr(error, "ctx", None)
            hint = f" (see `{context.command_path} --help`)" if context is not None else ""
            typer.echo(f"reprocheck: error: {error.format_message()}{hint}", err=True)
            sys.exit(2)
        except typer.Abort:
            typer.echo("reprocheck: error: interrupted", err=True)
            sys.exit(130)
        sys.exit(outcome if isinstance(outcome, int) else 0)


app = typer.Typer(
    cls=ReprocheckGroup,
    name="reprocheck",
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Keep machine-learning repositories reproducible: pinned dependencies, locks, seeds, configs, CI.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

SelectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Rules to run instead of the configured set: codes, prefixes (DKR), ALL. Comma-separated or repeated.",
    ),
]
ExtendOpt = Annotated[
    list[str] | None, typer.Option("--extend-select", help="Rules to run in addition to the selected ones.")
]
IgnoreOpt = Annotated[list[str] | None, typer.Option("--ignore", help="Rules not to report.")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Settings file (pyproject.toml or reprocheck.toml) to use instead of the one at the root.",
    ),
]
IsolatedOpt = Annotated[bool, typer.Option("--isolated", help="Ignore every configuration file.")]
PreviewOpt = Annotated[
    bool | None,
    typer.Option(
        "--preview/--no-preview",
        help="Let ALL, families and prefixes select the preview rules too (a rule's exact code always does); "
        "default: the `preview` setting.",
    ),
]


def print_version(value: bool) -> None:
    if value:
        typer.echo(f"reprocheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Print the version and exit.", is_eager=True, callback=print_version),
    ] = False,
) -> None:
    # `reprocheck --version` alone is answered by cli.main() before typer is imported; this serves `--help`
    # and in-process callers.
    del version


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"reprocheck: error: {message}", err=True)
    return typer.Exit(code)


def use_color(no_color: bool, output_file: Path | None) -> bool:
    if no_color or os.environ.get("NO_COLOR") or output_file is not None:
        return False
    return sys.stdout.isatty()


def write_output(text: str, output_file: Path | None) -> None:
    if output_file is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output_file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {output_file}: {error.strerror or error}") from None


def parse_reports(values: list[str], formats: tuple[str, ...]) -> list[tuple[str, Path]]:
    """`--report FORMAT:PATH` values: each a known format and a non-empty path (a usage error otherwise)."""
    parsed = []
    for value in values:
        name, _, path = value.partition(":")
        if name not in formats or not path:
            raise fail(f"--report: {value!r} is not FORMAT:PATH with FORMAT one of {', '.join(formats)}")
        parsed.append((name, Path(path)))
    return parsed


def write_report_file(text: str, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {target}: {error.strerror or error}") from None


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check (default: .).")] = None,
    select: SelectOpt = None,
    extend_select: ExtendOpt = None,
    ignore: IgnoreOpt = None,
    preview: PreviewOpt = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Lowest severity that fails the run: error, warning (default), info, never."),
    ] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings are reported.")] = False,
    output_format: Annotated[
        str,
        typer.Option("--output-format", help="full, concise, json, sarif, github, gitlab, junit or markdown."),
    ] = "full",
    output_file: Annotated[
        Path | None, typer.Option("--output-file", "-o", help="Write the report to this file.")
    ] = None,
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            help="Also write the same run as FORMAT to PATH (FORMAT:PATH, repeatable), e.g. sarif:reprocheck.sarif.",
        ),
    ] = None,
    statistics: Annotated[
        bool,
        typer.Option("--statistics", help="Print the number of findings per rule instead (full, concise or json)."),
    ] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes, then report what remains.")] = False,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the safe fixes as a unified diff without writing; exit 1 if any."),
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No ANSI colours (also NO_COLOR=1).")] = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Neither read nor write the caches (.reprocheck_cache/ at the project root)."),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes to use: 1 runs everything in this one; 2 or more run the Python analysis beside the "
            "other rules (default: 2 on a multi-core machine for a large repository; also REPROCHECK_JOBS).",
        ),
    ] = None,
    write_baseline: Annotated[
        bool,
        typer.Option(
            "--write-baseline",
            help="Record the current findings in the baseline (.reprocheck-baseline.json at the project root) "
            "instead of reporting them; later runs hide them.",
        ),
    ] = False,
    no_baseline: Annotated[
        bool, typer.Option("--no-baseline", help="Report every finding, also those the baseline records.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Check PATHs (default: the current directory) and report findings."""
    from reprocheck.config import ConfigError
    from reprocheck.fix import unified_diff
    from reprocheck.report import FORMATS, plural, render
    from reprocheck.report import statistics as render_statistics
    from reprocheck.runner import CheckOptions, build_report, check_target, fix_until_stable, group_targets, planned
    from reprocheck.runner import write_baseline as runner_write_baseline

    if output_format not in FORMATS:
        raise fail(f"--output-format: {output_format!r} is not one of {', '.join(FORMATS)}")
    if fix and diff:
        raise fail("--fix and --diff cannot be combined: --diff only shows what --fix would write")
    if write_baseline and (diff or statistics):
        raise fail(f"--write-baseline cannot be combined with {'--diff' if diff else '--statistics'}")
    if statistics and output_format not in ("full", "concise", "json"):
        raise fail(f"--statistics works with --output-format full, concise or json, not {output_format}")
    extra_reports = parse_reports(reports or [], FORMATS)
    if extra_reports and (diff or write_baseline):
        raise fail(f"--report cannot be combined with {'--diff' if diff else '--write-baseline'}")
    options = CheckOptions(
        select=select or [],
        extend_select=extend_select or [],
        ignore=ignore or [],
        fail_on=fail_on,
        preview=preview,
        config=config,
        isolated=isolated,
        no_cache=no_cache,
        no_baseline=no_baseline,
        write_baseline=write_baseline,
        jobs=jobs,
    )
    try:
        targets = group_targets(paths or [Path(".")])
        results = [check_target(t, options) for t in targets]
        fixed = 0
        if diff:
            changes = planned(results)
            text = "".join(unified_diff({rel: change}) for (_root, rel), change in changes.items())
            write_output(text, output_file)
            raise typer.Exit(1 if changes else 0)
        if fix:
            results, fixed = fix_until_stable(results, targets, options)
        if write_baseline and not any(r.errors for r in results):
            for target, result in zip(targets, results, strict=True):
                rel, count = runner_write_baseline(result, target.only)
                where = rel if len(results) == 1 else str(result.project.root / rel)
                typer.echo(f"Recorded {plural(count, 'finding')} in the baseline {where}; commit it.")
            raise typer.Exit(0)
        report = build_report(results, use_color(no_color, output_file))
        report.fixed = fixed
        if statistics:
            text = render_statistics(report, as_json=output_format == "json")
        else:
            text = render(output_format, report)
        write_output(text, output_file)
        report.color = False
        for name, target in extra_reports:
            write_report_file(render(name, report), target)
    except ConfigError as error:
        raise fail(str(error)) from None
    except typer.Exit:
        raise
    except Exception as error:
        if debug:
            raise
        raise fail(f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)") from None

    for error in report.errors:
        typer.echo(f"reprocheck: internal error in rule {error.code}: {error.summary}", err=True)
        if debug:
            typer.echo(error.traceback, err=True)
    if report.errors:
        raise typer.Exit(2)
    if exit_zero:
        raise typer.Exit(0)
    from reprocheck.runner import fails

    raise typer.Exit(1 if fails(results) else 0)


@app.command("rules")
def rules_command(
    output_format: Annotated[str, typer.Option("--output-format", help="table (default) or json.")] = "table",
) -> None:
    """List every rule: code, severity, default selection, fixability and summary."""
    import json

    from reprocheck.rule import load_rules

    rules = [r for r in load_rules().values()]
    if output_format == "json":
        data = [rule_metadata(r) for r in rules]
        typer.echo(json.dumps(data, indent=2))
        return
    if output_format != "table":
        raise fail(f"--output-format: {output_format!r} is not one of table, json")
    for r in rules:
        severity = r.severity.letter if r.severity else "-"
        status = "preview " if r.preview else ("" if r.default_enabled else "opt-in ")
        flags = status + ("fix" if r.fixable else "")
        typer.echo(f"{r.code:<7} {severity}  {r.name:<34} {flags:<11} {r.summary}")


def rule_metadata(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "family": r.family(),
        "severity": r.severity.label if r.severity else None,
        "default_enabled": r.default_enabled,
        "preview": bool(r.preview),
        "fixable": r.fixable,
        "summary": r.summary,
        "explanation": r.explanation(),
    }


@app.command("rule")
def rule_command(code: Annotated[str, typer.Argument(help="A rule code such as DEP001.")]) -> None:
    """Explain one rule: what it detects, why it hurts reproducibility, an example and the fix."""
    from reprocheck.rule import load_rules

    rules = load_rules()
    found = rules.get(code.upper())
    if found is None:
        raise fail(f"unknown rule code {code!r}; `reprocheck rules` lists them")
    typer.echo(render_rule(found))


def render_rule(r) -> str:
    severity = r.severity.label if r.severity else "reserved"
    default = "on by default" if r.default_enabled else "opt-in (select it to enable)"
    if r.preview:
        default = f"preview (runs with --preview or when --select names {r.code})"
    fixable = "safe fix available (--fix)" if r.fixable else "no automatic fix"
    preview = f"\n\nPreview: {r.preview}." if r.preview else ""
    return (
        f"# {r.code} {r.name}\n\n{r.summary}.\n\nSeverity: {severity} · {default} · {fixable}{preview}\n\n"
        f"{r.explanation()}\n"
    )


@app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="The repository to adopt reprocheck in.")] = Path("."),
) -> None:
    """Adopt reprocheck here: write its settings, record today's findings in the baseline, print CI snippets."""
    import json

    from reprocheck.config import ConfigError
    from reprocheck.init import adopt, snippets
    from reprocheck.report import plural

    try:
        adoption = adopt(path)
    except ConfigError as error:
        raise fail(str(error)) from None
    written = ", ".join(f"{key} = {json.dumps(value)}" for key, value in adoption.settings.items())
    typer.echo(f"Wrote reprocheck settings to {adoption.settings_file.name}: {written}")
    typer.echo(
        f"Recorded {plural(adoption.recorded, 'finding')} in the baseline {adoption.baseline}: CI now fails only "
        "on new problems; commit both files."
    )
    typer.echo("")
    typer.echo(snippets(), nl=False)


@app.command("clean")
def clean_command(
    path: Annotated[Path, typer.Argument(help="The project whose cache to remove.")] = Path("."),
) -> None:
    """Remove the project's cache (`.reprocheck_cache/`, or the `cache-dir` setting); the next run is cold."""
    import shutil

    from reprocheck.cache import TAG_SIGNATURE
    from reprocheck.config import ConfigError
    from reprocheck.runner import CheckOptions, cache_location, group_targets

    try:
        root = group_targets([path])[0].root
    except ConfigError as error:
        raise fail(str(error)) from None
    folder = cache_location(root, CheckOptions())[0]
    if not folder.exists():
        typer.echo(f"No cache at {folder}.")
        return
    try:
        tagged = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(TAG_SIGNATURE)
    except OSError:
        tagged = False
    if not tagged or folder.resolve() == root:  # a `cache-dir` pointing at the project itself is never removed
        raise fail(f"{folder} is not a reprocheck cache (no CACHEDIR.TAG written by reprocheck): not removed")
    try:
        shutil.rmtree(folder)
    except OSError as error:
        raise fail(f"cannot remove {folder}: {error.strerror or error}") from None
    typer.echo(f"Removed {folder}.")


@app.command("config")
def config_command(
    path: Annotated[Path, typer.Argument(help="Project whose settings to show.")] = Path("."),
    show: Annotated[bool, typer.Option("--show", help="Print the resolved settings and where each came from.")] = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    select: SelectOpt = None,
    extend_select: ExtendOpt = None,
    ignore: IgnoreOpt = None,
    preview: PreviewOpt = None,
) -> None:
    """Show the resolved settings (`reprocheck config --show`)."""
    import json

    from reprocheck.config import ConfigError
    from reprocheck.rule import load_rules
    from reprocheck.runner import CheckOptions, group_targets, settings_for
    from reprocheck.selection import select_rules

    if not show:
        raise fail("nothing to do: use `reprocheck config --show`")
    try:
        target = group_targets([path])[0]
        options = CheckOptions(
            select=select or [],
            extend_select=extend_select or [],
            ignore=ignore or [],
            preview=preview,
            config=config,
            isolated=isolated,
        )
        settings = settings_for(target.root, options)
        selection = select_rules(settings, load_rules())
    except ConfigError as error:
        raise fail(str(error)) from None
    typer.echo(f"root: {target.root}")
    typer.echo(f"configuration file: {settings.config_file or '(none)'}")
    for key, value in settings.as_dict().items():
        typer.echo(f"{key} = {json.dumps(value)}  # {settings.sources.get(key, 'default')}")
    typer.echo(f"# selected rules ({len(selection.enabled)}): {' '.join(sorted(selection.enabled))}")
    for line in detected_facts(target.root, settings):
        typer.echo(line)


def detected_facts(root: Path, settings) -> list[str]:
    """What the checker found about the project that changes how rules judge it: its projects (each judged on its
    own by the cross-file rules), its type and vendored copies."""
    from reprocheck.facts import FactStore
    from reprocheck.project import Project

    facts = FactStore(Project.discover(root, settings, root=root))
    lines = [f"# project: {folder.label} ({declaration_list(folder)})" for folder in facts.get("projects").found]
    kind = facts.get("project_kind")
    lines.append(f"# project type: {kind.kind}; {kind.reason}")
    for copy in facts.get("roles").vendored_copies:
        lines.append(f"# vendored copy: {copy.folder}/ ({copy.distribution}; only repository-wide rules report there)")
    return lines


def declaration_list(folder, shown: int = 4) -> str:
    """A project's declaration files relative to its folder, the first few of them."""
    names = [rel.removeprefix(f"{folder.folder}/") for rel in folder.declarations]
    if not names:
        return "no declarations"
    more = f", and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more

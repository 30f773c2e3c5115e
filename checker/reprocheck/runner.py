"""From command-line paths to a Report: group paths by project root, load settings, select, run, fix."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from reprocheck import __version__
from reprocheck.config import ConfigError, Settings, apply_cli, load_settings
from reprocheck.engine import RunResult, run_rules
from reprocheck.fix import apply_changes, planned_changes, planned_fixes
from reprocheck.project import Project, find_git_root
from reprocheck.report import Report
from reprocheck.rule import load_rules
from reprocheck.selection import check_settings_selectors, select_rules


@dataclass
class CheckOptions:
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    config: Path | None = None
    isolated: bool = False
    no_cache: bool = False


@dataclass
class Target:
    root: Path
    only: list[str] | None  # root-relative prefixes, None = everything


def group_targets(paths: list[Path]) -> list[Target]:
    """Each path belongs to the git work tree containing it, or is its own root outside git."""
    targets: dict[Path, Target] = {}
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
        resolved = path.resolve()
        root = find_git_root(resolved) or (resolved if resolved.is_dir() else resolved.parent)
        root = root.resolve()
        rel = resolved.relative_to(root).as_posix() if resolved != root else ""
        target = targets.setdefault(root, Target(root, []))
        if target.only is not None:
            if rel in ("", "."):
                target.only = None
            else:
                target.only.append(rel)
    return list(targets.values())


def settings_for(root: Path, options: CheckOptions) -> Settings:
    """File settings validated (naming file and key), then the command line on top (naming the option)."""
    known = list(load_rules())
    settings = load_settings(root, options.config, options.isolated)
    check_settings_selectors(settings, known)
    apply_cli(settings, options.select, options.extend_select, options.ignore, options.fail_on, known)
    return settings


def check_target(target: Target, options: CheckOptions) -> RunResult:
    settings = settings_for(target.root, options)
    selection = select_rules(settings, load_rules())
    project = Project.discover(target.root, settings, root=target.root)
    return run_rules(project, selection, target.only)


MAX_FIX_PASSES = 10


def planned(results: list[RunResult]) -> dict[tuple[Path, str], tuple[str, str]]:
    """(root, path) -> (old, new) text for every file the reported findings' fixes change."""
    changes = {}
    for result in results:
        for rel, change in planned_changes(result.project.root, result.findings).items():
            changes[(result.project.root, rel)] = change
    return changes


def fix_until_stable(
    results: list[RunResult], targets: list[Target], options: CheckOptions
) -> tuple[list[RunResult], int]:
    """Apply fixes and re-check until nothing more is fixable (fixes that overlapped wait for the next pass)."""
    fixed = 0
    seen: set[tuple[Path, str, str]] = set()
    for _ in range(MAX_FIX_PASSES):
        applied_any = False
        for result in results:
            root = result.project.root
            for rel, (old, new, count) in planned_fixes(root, result.findings).items():
                if (root, rel, new) in seen:  # fixes that undo each other: stop rather than loop
                    continue
                seen.add((root, rel, old))
                apply_changes(root, {rel: (old, new)})
                fixed += count
                applied_any = True
        if not applied_any:
            break
        results = [check_target(t, options) for t in targets]
    return results, fixed


def display_path(root: Path, rel: str, several_roots: bool) -> str:
    if not several_roots:
        return rel
    return Path(os.path.relpath(root / rel)).as_posix()


def build_report(results: list[RunResult], color: bool) -> Report:
    several = len(results) > 1
    report = Report(version=__version__, findings=[], color=color)
    for result in results:
        for finding in result.findings:
            finding.path = display_path(result.project.root, finding.path, several)
            report.findings.append(finding)
        for finding in result.suppressed:
            finding.path = display_path(result.project.root, finding.path, several)
            report.suppressed.append(finding)
        report.errors.extend(result.errors)
        report.rules.update({code: result.rules[code] for code in result.selection.to_run})
        report.ran = sorted(set(report.ran) | result.selection.to_run)
    report.root = str(results[0].project.root) if len(results) == 1 else "."
    return report

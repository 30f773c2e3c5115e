"""From command-line paths to a Report: group paths by project root, load settings, select, run, fix."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from reprocheck import __version__
from reprocheck.config import ConfigError, Settings, apply_cli, load_settings
from reprocheck.engine import RunResult, run_rules
from reprocheck.project import Project, find_git_root
from reprocheck.report import Report
from reprocheck.rule import load_rules
from reprocheck.selection import select_rules


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
    settings = load_settings(root, options.config, options.isolated)
    apply_cli(settings, options.select, options.extend_select, options.ignore, options.fail_on)
    return settings


def check_target(target: Target, options: CheckOptions) -> RunResult:
    settings = settings_for(target.root, options)
    selection = select_rules(settings, load_rules())
    project = Project.discover(target.root, settings, root=target.root)
    return run_rules(project, selection, target.only)


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

"""From command-line paths to a Report: group paths by project root, load settings, select, run, fix."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from reprocheck import __version__
from reprocheck import baseline as baselines
from reprocheck.config import ConfigError, Settings, apply_cli, load_settings
from reprocheck.engine import RunResult, run_rules
from reprocheck.filecache import FILE_NAME, FileCache
from reprocheck.fix import apply_changes, planned_changes, planned_fixes
from reprocheck.project import Project, find_git_root, list_files, listed_stat
from reprocheck.report import Report
from reprocheck.rule import load_rules
from reprocheck.selection import Selection, check_settings_selectors, select_rules


@dataclass
class CheckOptions:
    """The options of `reprocheck check` that shape a run."""

    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    config: Path | None = None
    isolated: bool = False
    no_cache: bool = False
    no_baseline: bool = False
    write_baseline: bool = False
    preview: bool | None = None  # None: the configured `preview`
    jobs: int | None = None  # processes; None: REPROCHECK_JOBS, else by the repository's size (parallel.py)

    @property
    def use_baseline(self) -> bool:
        """Writing a baseline records every current finding, so it reads none."""
        return not (self.no_baseline or self.write_baseline)


@dataclass
class Target:
    """A folder to check and the paths under it to report on."""

    root: Path
    only: list[str] | None  # root-relative prefixes, None = everything


def group_targets(paths: list[Path]) -> list[Target]:
    """Each path belongs to the git work tree containing it, or is its own root outside git."""
    targets: dict[Path, Target] = {}
    for path in paths:
        try:
            present = path.exists()
        except OSError as error:  # e.g. a folder on the way that may not be searched
            raise ConfigError(f"{path}: cannot access it: {error.strerror or error}") from None
        if not present:
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
    apply_cli(settings, options.select, options.extend_select, options.ignore, options.fail_on, known, options.preview)
    return settings


def check_target(target: Target, options: CheckOptions) -> RunResult:
    """Check one project, serving the result from the run cache when nothing it depends on changed."""
    from reprocheck import cache

    listing = list_files(target.root)
    store = key = file_cache = None
    if not options.no_cache:
        folder, config_files, baseline_rel = cache_location(target.root, options)
        baseline_file = target.root / baseline_rel
        extra = {
            "select": options.select,
            "extend_select": options.extend_select,
            "ignore": options.ignore,
            "fail_on": options.fail_on,
            "preview": options.preview,
            "isolated": options.isolated,
            "only": target.only,
            "config_files": [*config_files, str(baseline_file)],
            "baseline": [baseline_rel, baselines.state(baseline_file) if options.use_baseline else "unused"],
        }
        key = cache.run_key(target.root, listing[0], listing[1], extra)
        store = cache.RunCache(folder)
        hit = store.load(key) if key else None
        if hit is not None:
            try:
                return cached_result(target, listing, hit)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # an entry of the right format but the wrong shape: a miss, recomputed and overwritten
    if not options.no_cache:  # a miss of the run cache: files unchanged since an earlier run are answered here
        file_cache = FileCache(folder / FILE_NAME, cache.checker_fingerprint(), stat=listed_stat, root=target.root)
    settings = settings_for(target.root, options)
    selection = select_rules(settings, load_rules())
    project = Project.discover(target.root, settings, root=target.root, listing=listing)
    project.file_cache = file_cache
    baseline_rel = normal_rel(settings.baseline)
    baseline = baselines.load(target.root, baseline_rel) if options.use_baseline else None
    result = run_rules(project, selection, target.only, baseline, baseline_rel, jobs=options.jobs)
    if file_cache is not None:
        with contextlib.suppress(OSError):
            cache.prepare_folder(file_cache.path.parent)
            file_cache.save(project.file_set)
    if key and store is not None and not result.errors:
        data = cache.encode_result(result.findings, result.suppressed, selection.to_run, settings.fail_on)
        store.store(key, {**data, "baselined": result.baselined, "baseline_file": baseline_rel})
    return result


def normal_rel(path: str) -> str:
    """A root-relative setting as the findings' paths spell it (POSIX, no leading `./`)."""
    return Path(path).as_posix()


def write_baseline(result: RunResult, only: list[str] | None) -> tuple[str, int]:
    """Record `result`'s findings in its baseline file; entries this run could not judge (another rule's, or
    outside the checked paths) are kept. Returns the file and the number of findings recorded."""
    from reprocheck.engine import under_any

    root, rel = result.project.root, result.baseline_file or baselines.DEFAULT_FILE
    ran = result.selection.to_run
    try:
        old = baselines.load(root, rel)
    except ConfigError:
        old = None  # a broken baseline is what writing it again repairs
    kept = [
        entry
        for entry in (old.entries if old else ())
        if entry.code not in ran or (only is not None and not under_any(entry.path, only))
    ]
    recorded = baselines.entries_of(result.findings, root)
    baselines.write(root, rel, kept + recorded)
    return rel, len(recorded)


def cache_location(root: Path, options: CheckOptions) -> tuple[Path, list[str], str]:
    """The cache folder and the baseline file (the `cache-dir` and `baseline` settings, read without validating
    the whole configuration) and the configuration files whose content the key must cover."""
    from reprocheck.config import find_config_file, read_toml, table_of

    candidates = [root / "reprocheck.toml", root / "pyproject.toml"]
    if options.config is not None:
        candidates.append(options.config)
    folder = root / ".reprocheck_cache"
    baseline = baselines.DEFAULT_FILE
    if not options.isolated:
        try:
            found = (options.config, read_toml(options.config)) if options.config else find_config_file(root)
            if found is not None:
                table = table_of(*found)
                configured = table.get("cache-dir")
                if isinstance(configured, str) and configured:
                    folder = root / configured
                moved = table.get("baseline")
                if isinstance(moved, str) and moved:
                    baseline = normal_rel(moved)
        except (ConfigError, OSError):
            pass
    return folder, [str(path) for path in candidates], baseline


def cached_result(target: Target, listing, data: dict) -> RunResult:
    from reprocheck.cache import decode_findings

    if data["fail_on"] not in ("error", "warning", "info", "never") or not all(
        isinstance(code, str) for code in data["to_run"]
    ):
        raise ValueError("cache entry of the wrong shape")
    settings = Settings(fail_on=data["fail_on"])
    files, tracked = listing
    project = Project(root=target.root, settings=settings, files=files, tracked=tracked)
    selection = Selection(enabled=set(data["to_run"]), ignored={}, severity={})
    return RunResult(
        project=project,
        findings=decode_findings(data["findings"]),
        suppressed=decode_findings(data["suppressed"]),
        selection=selection,
        baselined=int(data.get("baselined", 0)),
        baseline_file=data.get("baseline_file"),
    )


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


class RuleMap(dict):
    """Rule classes by code for the rules that ran, imported only when a format asks (a cached run may not)."""

    def __init__(self, codes: list[str]):
        super().__init__()
        self._codes = codes
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            known = load_rules()
            super().update({code: known[code] for code in self._codes if code in known})

    def __getitem__(self, code):
        self._load()
        return super().__getitem__(code)

    def get(self, code, default=None):
        self._load()
        return super().get(code, default)

    def __iter__(self):
        self._load()
        return super().__iter__()

    def __len__(self):
        self._load()
        return super().__len__()

    def __contains__(self, code):
        self._load()
        return super().__contains__(code)

    def keys(self):
        self._load()
        return super().keys()

    def items(self):
        self._load()
        return super().items()

    def values(self):
        self._load()
        return super().values()


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
        report.ran = sorted(set(report.ran) | result.selection.to_run)
        report.baselined += result.baselined
        if result.baselined and result.baseline_file not in report.baseline_files:
            report.baseline_files.append(result.baseline_file)
    report.rules = RuleMap(report.ran)
    report.root = str(results[0].project.root) if len(results) == 1 else "."
    return report


def fails(results) -> bool:
    """Whether a run fails: a finding at or above its project's `fail-on` threshold (what exit code 1 means)."""
    from reprocheck.config import fail_threshold

    for result in results:
        threshold = fail_threshold(result.project.settings)
        if threshold is not None and any(f.severity >= threshold for f in result.findings):
            return True
    return False

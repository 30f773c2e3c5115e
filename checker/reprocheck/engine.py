"""One run: facts built on demand, selected rules checked, suppressions and the baseline applied, RPC findings
added."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from reprocheck import baseline as baselines
from reprocheck import filekinds
from reprocheck.facts import FactStore
from reprocheck.findings import Finding, Severity
from reprocheck.parallel import run_split
from reprocheck.project import Project
from reprocheck.rule import Rule, asks_for_a_pin, asks_to_pin_the_image, load_rules
from reprocheck.selection import Selection, matches
from reprocheck.suppress import Suppressions

# Rules that look at the other rules' outcome run last, in this order.
LAST = ("RPC002", "RPC001", "RPC003")


@dataclass
class RuleError:
    """A rule that crashed: its code, a one-line summary and the traceback."""

    code: str
    summary: str
    traceback: str


@dataclass
class RunResult:
    """What one run found, suppressed and failed on, with the rules and selection it ran."""

    project: Project
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    rules: dict[str, type[Rule]] = field(default_factory=dict)
    selection: Selection | None = None
    baselined: int = 0  # findings the baseline hid
    baseline_file: str | None = None  # root-relative: where the baseline is read and written


def run_rules(
    project: Project,
    selection: Selection,
    only: list[str] | None = None,
    baseline: baselines.Baseline | None = None,
    baseline_file: str | None = None,
    jobs: int | None = None,
) -> RunResult:
    """Check `project`; `only` limits reported findings to these root-relative paths (and below). `baseline`
    hides the findings it records; the file at `baseline_file` (applied or not) is the checker's own output,
    which no rule judges."""
    rules = load_rules()
    result = RunResult(project=project, rules=rules, selection=selection, baseline_file=baseline_file)
    first = sorted(code for code in selection.to_run if code not in LAST)
    raw, result.errors = run_split(project, first, rules, check_rules, RuleError, jobs)
    # RPC002 reports what the others could not parse (in either process); RPC001 is computed below from the
    # suppressions' bookkeeping.
    if "RPC002" in selection.to_run:
        more, errors = check_rules(project, ["RPC002"])
        raw.extend(more)
        result.errors.extend(errors)

    inline = Suppressions(project)
    placed = RolePlacement(project, rules)
    for finding in raw:
        if only is not None and not under_any(finding.path, only):
            continue
        if finding.path == baseline_file:
            continue
        if placed.keep(finding):
            finding.project = placed.project_of(finding.path)
            settle(finding, selection, result, inline, placed)

    if "RPC001" in selection.to_run:
        # Suppressions of other rules first; those naming RPC001 itself can only be judged once the RPC001
        # findings have been suppressed or not.
        for about_rpc001 in (False, True):
            for finding in unused_suppressions(project, selection, inline, rules, about_rpc001):
                if only is not None and not under_any(finding.path, only):
                    continue
                settle(finding, selection, result, None if about_rpc001 else inline)

    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=Finding.sort_key)
    if baseline is not None:
        apply_baseline(result, baseline, only)
    return result


def apply_baseline(result: RunResult, baseline: baselines.Baseline, only: list[str] | None) -> None:
    """Hide what the baseline records; report its stale entries (RPC003) when their rule ran on their path."""
    selection = result.selection
    ran = selection.to_run - {error.code for error in result.errors}  # a crashed rule's entries are not stale

    def judged(entry: baselines.Entry) -> bool:
        return entry.code in ran and (only is None or under_any(entry.path, only))

    outcome = baselines.apply(baseline, result.findings, result.project.root, judged)
    result.findings = outcome.reported
    result.baselined = outcome.hidden
    if baselines.STALE_CODE in ran:
        rule = result.rules[baselines.STALE_CODE]()
        for entry in outcome.stale:
            message = (
                f"stale baseline entry: {entry.code} at {entry.path} no longer occurs; run "
                "`reprocheck check --write-baseline` again so the baseline only shrinks"
            )
            settle(rule.finding(message, baseline.rel, entry.line), selection, result, None)
        result.findings.sort(key=Finding.sort_key)
        result.suppressed.sort(key=Finding.sort_key)


def check_rules(project: Project, codes: list[str]) -> tuple[list[Finding], list[RuleError]]:
    """Run rules in order with one fact store; a crashing rule is recorded and the others still run."""
    rules = load_rules()
    store = shared_facts(project)
    found: list[Finding] = []
    errors: list[RuleError] = []
    for code in codes:
        try:
            found.extend(store.call(rules[code]().check) or ())
        except Exception as error:
            errors.append(RuleError(code, f"{type(error).__name__}: {error}", traceback.format_exc()))
    return found, errors


def shared_facts(project: Project) -> FactStore:
    """The one fact store of `project` in this process: the rules, RPC002 and the role placement share what
    they build (facts are pure functions of the project, so sharing changes nothing but the time)."""
    store = project.__dict__.get("_fact_store")
    if store is None:
        store = project.__dict__["_fact_store"] = FactStore(project)
    return store


# Roles of files that are not the project's own live code (or repeat it: a notebook's copy; or are the sources of
# projects a template generates): only repository-wide rules report there.
NOT_THE_PROJECTS_CODE = frozenset({"vendored", "archive", "copy", "template"})


class RolePlacement:
    """Applies the role of a finding's file (facts/roles.py) to what its rule's scope says (rule.py).

    Experiment rules report at info outside experiments, saying why; nothing but repository-wide rules reports
    inside a vendored copy of a third-party package or in archived material. In a repository of several
    projects each finding names its project. The facts are built only when a finding asks for them.
    """

    def __init__(self, project: Project, rules: dict[str, type[Rule]]):
        self.project = project
        self.rules = rules
        self._roles = None

    @property
    def roles(self):
        if self._roles is None:
            self._roles = self.facts.get("roles")
        return self._roles

    @cached_property
    def facts(self) -> FactStore:
        return shared_facts(self.project)

    @cached_property
    def projects(self):
        """The repository's projects, or None when it holds one (findings then name none)."""
        found = self.facts.get("projects")
        return found if len(found.folders) > 1 else None

    def project_of(self, path: str) -> str | None:
        """The label of the project a finding's file belongs to (`services/api/`, `./`), in a multi-project
        repository; repository-wide files (CI, the root's own files) belong to the root project."""
        if self.projects is None:
            return None
        folder = self.projects.owner(path)
        return f"{folder}/" if folder else "./"

    def scope(self, finding: Finding) -> str:
        rule = self.rules.get(finding.code)
        return rule.scope() if rule is not None else "repository"

    def keep(self, finding: Finding) -> bool:
        """False for a finding inside a vendored copy or archived material (kept for the record, no longer run),
        unless its rule holds repository-wide."""
        return self.scope(finding) == "repository" or self.roles.role(finding.path) not in NOT_THE_PROJECTS_CODE

    def tracking(self, finding: Finding) -> str | None:
        """Why a finding is set aside, or None: a pin rule's, when the repository is an examples collection that
        tracks its library's latest release on purpose (facts/roles.py `examples_collection`); an image pin rule's
        in a Dockerfile that tracks the latest on purpose, and CI003's on a CI line that runs that image
        (facts/tracking.py); any project rule's located in a Dockerfile that cannot build as committed
        (facts/unbuildable.py)."""
        if asks_for_a_pin(finding):
            reason = self.roles.tracks_latest(finding.path)
            if reason is not None:
                return reason
        if asks_to_pin_the_image(finding) and filekinds.is_dockerfile(finding.path):
            reason = self.facts.get("tracking_images").of(finding.path)
            if reason is not None:
                return reason
        if finding.code == "CI003":
            reason = self.facts.get("tracking_images").at(finding.path, finding.line)
            if reason is not None:
                return reason
        if self.scope(finding) != "repository" and filekinds.is_dockerfile(finding.path):
            return self.facts.get("unbuildable_dockerfiles").get(finding.path)
        return None

    def demote(self, finding: Finding) -> None:
        """An experiment rule's finding outside an experiment is info at most, and says why."""
        if self.scope(finding) != "experiment" or finding.severity <= Severity.INFO:
            return
        if self.roles.role(finding.path) != "experiment":
            finding.severity = Severity.INFO
            finding.message = f"{finding.message} (info: {self.roles.why(finding.path)})"


def settle(
    finding: Finding,
    selection: Selection,
    result: RunResult,
    inline: Suppressions | None,
    placement: RolePlacement | None = None,
) -> None:
    """Apply the configured severity and the file's role, then file the finding as reported or suppressed.

    Both the configuration and the inline comments are consulted so that each is marked used (RPC001); the
    configuration's reason wins because it says why the rule is off for the whole project.
    """
    if finding.code in selection.severity:
        finding.severity = selection.severity[finding.code]
    if placement is not None:
        placement.demote(finding)
    configured = selection.suppress_reason(finding)
    commented = inline.reason(finding) if inline is not None else None
    reason = configured or commented
    if reason is None and placement is not None:
        reason = placement.tracking(finding)  # listed with the suppressed findings, saying why
    if reason is None:
        result.findings.append(finding)
    else:
        finding.suppressed = reason
        result.suppressed.append(finding)


def under_any(path: str, prefixes: list[str]) -> bool:
    return any(p in ("", ".") or path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def unused_suppressions(
    project: Project, selection: Selection, inline: Suppressions, rules, about_rpc001: bool
) -> list[Finding]:
    """RPC001 findings for suppressions that matched nothing: those whose selector covers RPC001 itself when
    `about_rpc001`, the others otherwise."""
    rpc001 = rules["RPC001"]()
    out: list[Finding] = []
    inline.scan_all()
    ran = selection.to_run

    def in_phase(selector: str) -> bool:
        return matches(selector, "RPC001") == about_rpc001

    for item in inline.all():
        if not filekinds.is_checked_text(item.path):
            continue  # docs that quote the syntax were read only to look for a finding's suppression
        for selector in filter(in_phase, item.codes):
            known = [c for c in rules if matches(selector, c)]
            if not known:
                message = f"suppression names unknown rule {selector!r}; remove it or fix the code"
            elif selector in item.used or not all(c in ran for c in known):
                continue
            else:
                message = f"unused suppression of {selector}: nothing to suppress here; remove the comment"
            out.append(rpc001.finding(message, item.path, item.line, cell=item.cell))
    config = project.settings.config_file
    if config is not None:
        rel = relative_to_root(config, project.root)
        text = project.settings.config_text or ""
        for selector, origin in selection.ignore_selectors.items():
            if not in_phase(selector) or origin == "command line" or selector in selection.used_ignores:
                continue
            if not all(c in ran for c in rules if matches(selector, c)):
                continue
            out.append(
                rpc001.finding(
                    f"configured ignore of {selector} matched nothing; remove it from `ignore`",
                    rel,
                    line_of(text, selector),
                )
            )
        for glob, _spec, selectors in selection.per_file:
            for selector in filter(in_phase, selectors):
                if (glob, selector) in selection.used_per_file:
                    continue
                if not all(c in ran for c in rules if matches(selector, c)):
                    continue
                out.append(
                    rpc001.finding(
                        f"per-file-ignores {glob!r} = {selector} matched nothing; remove it",
                        rel,
                        line_of(text, glob),
                    )
                )
    return out


def relative_to_root(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def line_of(text: str, needle: str) -> int:
    pattern = re.compile(r"[\"']?" + re.escape(needle) + r"[\"']?\s*[,=\]]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line.split("#", 1)[0] + " ,"):
            return number
    return 1

"""TPL: hygiene of projects generated from a Copier template (answers that let `copier update` work, and no
leftovers of an update)."""

from __future__ import annotations

import posixpath

from reprocheck import filekinds
from reprocheck.facts.yamlfiles import load_yaml
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.rule import Rule

ANSWERS_FILE = lazy_pattern(r"^\.copier-answers([.\-_][\w.\-]*)?\.ya?ml$")
BARE_COMMIT = lazy_pattern(r"^[0-9a-fA-F]{7,40}$")
REMOTE_SOURCE = lazy_pattern(r"^([a-z][a-z0-9+.\-]*://|gh:|gl:|git@|[\w.\-]+@[\w.\-]+:)")
WINDOWS_ABSOLUTE = lazy_pattern(r"^[A-Za-z]:[\\/]")


def is_answers_file(path: str) -> bool:
    return bool(ANSWERS_FILE.match(filekinds.name(path)))


def source_problem(src: object) -> str | None:
    if not isinstance(src, str) or not src.strip():
        return "has no _src_path"
    src = src.strip()
    if REMOTE_SOURCE.match(src) or src.startswith(("/", "~")) or WINDOWS_ABSOLUTE.match(src):
        return None
    return f"has _src_path {src}, a relative local path"


def commit_problem(commit: object) -> tuple[str, Severity] | None:
    """What is wrong with `_commit`, and how much it hurts an update.

    Copier writes a tag (`v1.2.0`) or its `git describe` form (`v1.2.0-3-gabcdef0`); both are fine. A bare commit
    still updates (without version ordering or migrations); a missing `_commit` or a branch name does not.
    """
    if commit is None or (isinstance(commit, str) and not commit.strip()):
        return "has no _commit: copier update cannot tell which template version the project has", Severity.WARNING
    text = str(commit).strip()
    if text == "HEAD" or BARE_COMMIT.match(text):
        return (
            f"has _commit {text}, a bare commit and not a tag: copier update works, but without version ordering "
            "or migrations",
            Severity.INFO,
        )
    if not any(ch.isdigit() for ch in text):
        return (
            f"has _commit {text}, a branch name and not a tag: copier update would diff against the branch's "
            "current state, not the version the project was generated from",
            Severity.WARNING,
        )
    return None


class CopierAnswersNotUpdatable(Rule):
    """
    ## What it does
    Reports a Copier answers file (`.copier-answers.yml`, or `.copier-answers.<name>.yml`) that breaks
    `copier update`: `_src_path` missing or a relative local path, `_commit` missing or a branch name, or the
    answers file not tracked by git. A `_commit` that is a bare commit hash or `HEAD` is reported at info: updates
    work from it, but without version ordering or migrations. Git URLs (`gh:org/template`, `https://…`, `git@…`)
    and absolute paths are fine, and so are the tag (`v1.2.0`) and `git describe` (`v1.2.0-3-gabcdef0`) forms
    Copier writes.

    ## Why it matters
    `copier update` replays the template from `_src_path` at `_commit` to bring template fixes (new pins, CI,
    reprocheck rules) into the project. A relative path only resolves on the machine that generated the project,
    without `_commit` Copier cannot compute what changed, and an answers file that is not committed is gone from
    every other clone, so the project drifts from its template.

    ## Example
    ```yaml
    _commit: main
    _src_path: ../ml-template
    ```

    ## Fix
    Generate from a tagged release of the template by its URL:
    `copier copy --vcs-ref v1.2.0 gh:org/ml-template .`, or edit `_src_path` to the template's git URL and
    `_commit` to the tag the project was generated from; commit `.copier-answers.yml`.
    """

    code = "TPL001"
    name = "copier-answers-not-updatable"
    severity = Severity.WARNING
    summary = "A Copier answers file whose _src_path or _commit makes copier update fail"

    def check(self, project):
        for rel in project.select(is_answers_file):
            data = load_yaml(project, rel)
            if data is None:
                continue
            if not project.is_tracked(rel):
                yield self.finding(
                    f"{rel} is not tracked by git: other clones have no answers to update from; git add it", rel, 1
                )
            answers = data.data if isinstance(data.data, dict) else {}
            problem = source_problem(answers.get("_src_path"))
            if problem:
                yield self.finding(
                    f"{rel} {problem}: copier update cannot find the template; set it to the template's git URL "
                    "(gh:org/template or https://...)",
                    rel,
                    data.line_of("_src_path") if "_src_path" in answers else 1,
                )
            judged = commit_problem(answers.get("_commit"))
            if judged:
                problem, severity = judged
                finding = self.finding(
                    f"{rel} {problem}; generate from a tagged release (copier copy --vcs-ref v<X.Y.Z> ...)",
                    rel,
                    data.line_of("_commit") if "_commit" in answers else 1,
                )
                finding.severity = severity
                yield finding


class UpdateLeftovers(Rule):
    """
    ## What it does
    Reports what a `copier update` (or any merge) leaves behind: `*.rej` files with hunks that did not apply,
    and unresolved merge-conflict blocks (`<<<<<<< ` … `>>>>>>> `) in tracked text files, once per file (the
    other blocks as related locations). A merge tool's backup holding them (`x.orig` from `git mergetool`, next
    to the resolved `x`) is to be deleted, and the message says so.

    ## Why it matters
    A conflict block in a config, a requirements file or a workflow either breaks it outright or, worse, keeps
    working with the wrong half of the change. A `.rej` file means part of a template update silently did not
    happen.

    ## Example
    A `requirements.txt` after `copier update` (markers shown indented here; git writes them at the line start):
    ```
      <<<<<<< before updating
      torch==2.1.0
      =======
      torch==2.3.1
      >>>>>>> after updating
    ```

    ## Fix
    Resolve each conflict (keep the right side, delete the markers), apply the rejected hunks by hand, then delete
    the `.rej` files and commit.
    """

    code = "TPL002"
    name = "update-leftovers"
    severity = Severity.ERROR
    summary = "Leftover *.rej files or merge-conflict markers"

    def check(self, project, conflict_markers):
        for rel in project.select(lambda path: path.endswith(".rej")):
            original = rel[: -len(".rej")]
            yield self.finding(
                f"{rel} holds rejected hunks of an update to {posixpath.basename(original)}: apply them by hand, "
                "then delete the .rej file",
                rel,
                1,
            )
        by_file: dict[str, list] = {}
        for block in conflict_markers:
            by_file.setdefault(block.path, []).append(block)
        for rel, blocks in by_file.items():  # one finding per file: resolving it is one fix
            first = blocks[0]
            spans = ", ".join(f"{b.line}-{b.end_line}" for b in blocks[:MAX_SPANS_SHOWN])
            more = f" and {len(blocks) - MAX_SPANS_SHOWN} more" if len(blocks) > MAX_SPANS_SHOWN else ""
            where = f"{len(blocks)} unresolved merge conflicts" if len(blocks) > 1 else "unresolved merge conflict"
            resolved = merge_backup_of(project, rel)
            if resolved is not None:  # a merge tool's backup (`git mergetool` keeps `x.orig`): nothing to resolve
                fix = f"it is a merge tool's backup of {resolved}: delete it (and set mergetool.keepBackup false)"
            else:
                fix = "keep the right side of each and delete the conflict markers"
            finding = self.finding(
                f"{where} in {rel} (lines {spans}{more}): {fix}",
                rel,
                first.line,
                end_line=first.end_line,
            )
            finding.related = tuple(Location(rel, b.line) for b in blocks[1:])
            yield finding


MAX_SPANS_SHOWN = 5
# Backups that merge tools write next to the merged file: `x.orig` (git mergetool), `x.BACKUP.1234.py`, ...
MERGE_BACKUP = lazy_pattern(r"^(?P<stem>.+?)(?:\.orig|\.(?:BACKUP|BASE|LOCAL|REMOTE)\.\d+(?P<suffix>\.[^./]+)?)$")


def merge_backup_of(project, rel: str) -> str | None:
    """The file a merge tool's backup `rel` was made for, when that file is in the repository."""
    match = MERGE_BACKUP.match(rel)
    if match is None:
        return None
    original = match.group("stem") + (match.group("suffix") or "")
    return original if project.exists(original) else None

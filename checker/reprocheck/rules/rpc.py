"""RPC: findings about the checker's own inputs (suppressions, unparsable files and the baseline)."""

from __future__ import annotations

from reprocheck.facts.git_facts import link_into_missing_submodule
from reprocheck.findings import Severity
from reprocheck.rule import Rule


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a `# reprocheck: ignore[CODE]` comment, a `file-ignore`, a configured `ignore` entry or a
    `per-file-ignores` entry that suppressed nothing in this run, and a suppression naming an unknown code.

    ## Why it matters
    Suppressions outlive the problem they hid. A stale one silently swallows the next, real finding of that rule
    at that place, and a misspelt code suppresses nothing while looking as if it does.

    ## Example
    ```python
    SEED = 42  # reprocheck: ignore[RNG003] was time.time() once
    ```

    ## Fix
    Delete the comment or the configuration entry. Only comments naming rules that ran are judged, so a
    suppression for a rule you did not select is left alone.
    """

    code = "RPC001"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "A suppression comment or config ignore that matched nothing"

    def check(self):  # the engine computes this rule from the suppressions' bookkeeping
        return ()


class UnparsableFile(Rule):
    """
    ## What it does
    Reports a file of a kind the checker reads (YAML, TOML, JSON, notebook, Python, Dockerfile, requirements)
    that could not be parsed or read, with the parser's message and position. A symbolic link into a git
    submodule that is not checked out is not a file of the checkout and is not reported; documentation pages
    (Markdown, HTML), which are only scanned for links, are never reported.

    ## Why it matters
    A file the checker cannot parse is a file none of its rules can vouch for, and usually one that the tool it
    belongs to (pip, Docker, Hydra, Jupyter) will refuse as well, so a rerun fails.

    ## Example
    ```yaml
    model:
      lr: 0.001
     layers: 3   # bad indentation
    ```

    ## Fix
    Repair the syntax, or exclude the file with `exclude = ["path/to/file"]` if it is not meant to be valid.
    """

    code = "RPC002"
    name = "unparsable-file"
    severity = Severity.ERROR
    summary = "A file the checker reads could not be parsed"

    def check(self, project):
        for problem in project.problems:
            if link_into_missing_submodule(project, problem.path):
                continue  # a link into a submodule that is not checked out: not a file of this checkout
            yield self.finding(
                f"cannot parse {problem.path}: {problem.message}", problem.path, problem.line, problem.column
            )


class StaleBaselineEntry(Rule):
    """
    ## What it does
    Reports an entry of the baseline (`.reprocheck-baseline.json`, or the file the `baseline` setting names)
    that hid no finding in this run: the problem it recorded was fixed, or its line changed. It points at the
    entry in the baseline file, one finding per entry. Only entries whose rule ran, on a path that was
    checked, are judged.

    ## Why it matters
    A baseline is a debt to pay down, not a permanent exemption. An entry that no longer matches would hide the
    next finding that happens to fingerprint the same way, and a baseline that never shrinks hides how much of
    the debt is already paid.

    ## Example
    ```json
    {"fingerprint": "9f2c…", "code": "RNG001", "path": "train.py", "message": "…"}
    ```
    after `train.py` started seeding its random generators.

    ## Fix
    Run `reprocheck check --write-baseline` again and commit the smaller baseline. Writing it records only what
    is still reported, so the file only shrinks unless new findings are deliberately accepted.
    """

    code = "RPC003"
    name = "stale-baseline-entry"
    severity = Severity.WARNING
    summary = "A baseline entry that matches no finding any more"

    def check(self):  # the engine computes this rule from the baseline's bookkeeping
        return ()

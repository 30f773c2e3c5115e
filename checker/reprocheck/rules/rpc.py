"""RPC: findings about the checker's own inputs (suppressions and unparsable files)."""

from __future__ import annotations

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
    that could not be parsed or read, with the parser's message and position.

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
            yield self.finding(
                f"cannot parse {problem.path}: {problem.message}", problem.path, problem.line, problem.column
            )

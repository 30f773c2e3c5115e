"""RPC: findings about the checker's own inputs (suppressions, unparsable files and the baseline)."""

from __future__ import annotations

from dataclasses import replace

from reprocheck import filekinds
from reprocheck.facts.git_facts import link_into_missing_submodule
from reprocheck.facts.notebooks import load_notebook
from reprocheck.facts.pycode import OLD_GRAMMAR_PROBLEM, blank_magics, blank_repair
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import Rule
from reprocheck.tables.notebooks import EXERCISE_BLANK


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
    (Markdown, HTML), which are only scanned for links, are never reported. A file is reported once: its first
    problem is the location, the others (more notebook cells) are related locations. An exercise notebook whose only
    unparsable cells hold blanks for the reader (`x = # TODO`, `seed = # your favourite seed`, `num_epochs = ` with
    nothing after the `=`, `# YOUR CODE HERE`, `# Add your solution here`, `[TODO ...]`, `model = <>`, a cell that is
    only `<write the training loop here>`, a run of four or more dots where an expression goes, `x = ....`, and in a
    notebook holding such a blank a function whose body is only a comment) is not reported: the blanks are there by
    design and the reader fills them in, and the rest of each cell is analysed; a cell left with an unterminated string
    once its blanks are repaired is broken beside them.
    A one-line cell that IPython runs as a magic without its `%` (automagic: `pip install -r requirements.txt`,
    `cd data`) is IPython, not a syntax error. A notebook cell whose saved output is the SyntaxError it raises was
    run and kept to show the mistake (a lesson on syntax), and an empty (0-byte) `.ipynb`, which holds nothing to
    run, are not reported either. A notebook whose kernel runs another language (its `kernelspec` or
    `language_info` says Julia or R, or it names a well-known kernel of one, `julia-1.5`) is not read as Python.
    A Python file that parses with the grammar of Python 3.6, where `async` and `await` are names
    (`x.cuda(async=True)` of a 2018 project), is analysed as that Python reads it and reported only where the
    project pins Pythons from 3.7 on (every `.python-version`, `runtime.txt`, image or CI pin of a minor version,
    or a `requires-python` that admits nothing older), which refuse it.

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

    def check(self, project, facts):
        by_path: dict[str, list] = {}
        newer = None
        # the Python pins are read only for a file that older Pythons parse (rare): building them up front would
        # parse Dockerfiles, CI configs and locks for every run that selects RPC002, and record their problems
        if any(problem.message.startswith(OLD_GRAMMAR_PROBLEM) for problem in project.problems):
            newer = keyword_python(facts.get("python_pins"), facts.get("requires_python")) or ""
        for problem in list(project.problems):
            if link_into_missing_submodule(project, problem.path):
                continue  # a link into a submodule that is not checked out: not a file of this checkout
            if problem.message.startswith(OLD_GRAMMAR_PROBLEM):
                if not newer:
                    continue  # `x.cuda(async=True)`: valid on the Python 3.6 and older that the project may run
                problem = replace(problem, message=f"{problem.message} ({newer})")
            by_path.setdefault(problem.path, []).append(problem)
        for path, problems in by_path.items():
            problems = [p for p in problems if not shown_syntax_error(project, path, p)]
            if not problems:
                continue  # every cell that does not parse shows the SyntaxError it raises: a lesson in syntax
            # a broken cell of an exercise notebook is the place to show, not a blank left for the reader
            problems.sort(key=lambda problem: blank_cell(project, path, problem) is not None)
            first, more = problems[0], problems[1:]
            related = [Location(path, p.line) for p in more]
            if exercise_cells(project, path, problems) or empty_notebook(project, path):
                continue  # blanks left for the reader by design, or a notebook with nothing in it
            where = f" ({len(more)} more {'problem' if len(more) == 1 else 'problems'} in this file)" if more else ""
            yield self.finding(
                f"cannot parse {path}: {first.message}{where}", path, first.line, first.column, related=related
            )


def keyword_python(python_pins, requires_python) -> str | None:
    """Where the project pins only Pythons from 3.7 on, which read `async` and `await` as keywords: every pin of a
    minor version is 3.7 or later, or its `requires-python` admits no 3.x release before 3.7."""
    if python_pins and all(pin.minor >= (3, 7) for pin in python_pins):
        pin = python_pins[0]
        return f"the project runs Python {pin.minor_text}, {pin.path}:{pin.line}"
    if requires_python is not None and not any(requires_python.admits_minor((3, minor)) for minor in range(7)):
        return f"the project requires Python {requires_python.text}, {requires_python.path}:{requires_python.line}"
    return None


CELL_PROBLEM = lazy_pattern(r"^invalid Python: cell (\d+), ")


# What Python raises for a cell that does not parse (IndentationError and TabError are SyntaxErrors).
SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})


def shown_syntax_error(project, path: str, problem) -> bool:
    """Whether `problem` is a notebook cell that does not parse and whose saved output is the SyntaxError it
    raises: the cell was run and its error kept on purpose, to show the mistake (a teaching cell, `df.Engine HP`)."""
    match = CELL_PROBLEM.match(problem.message)
    if not match or not filekinds.is_notebook(path):
        return False
    notebook = load_notebook(project, path)
    number = int(match.group(1))
    if notebook is None or not 0 < number <= len(notebook.cells):
        return False
    return any(
        isinstance(output, dict) and output.get("output_type") == "error" and output.get("ename") in SYNTAX_ERRORS
        for output in notebook.cells[number - 1].outputs
    )


def empty_notebook(project, path: str) -> bool:
    """Whether `path` is a notebook file with nothing in it (0 bytes, or only whitespace)."""
    if not filekinds.is_notebook(path):
        return False
    size = project.size(path)
    if size is None or size >= 4096:
        return False
    try:
        return not project.read_bytes(path, 4096).strip()
    except (OSError, UnreadableFile):
        return False


def exercise_cells(project, path: str, problems: list) -> list[int]:
    """The cells of an exercise notebook that do not parse because they hold blanks for the reader, when every
    problem of the notebook is such a cell (else none: a broken notebook is reported as one)."""
    cells = [blank_cell(project, path, problem) for problem in problems]
    return [] if None in cells else cells


def blank_cell(project, path: str, problem) -> int | None:
    """The number of the notebook cell that `problem` is about when that cell holds a blank for the reader, unless
    the error left once its blanks are repaired is an unterminated string, which no blank makes (a comment marker
    or a placeholder holds no quote that Python reads): that cell is broken beside its blank."""
    notebook = load_notebook(project, path) if filekinds.is_notebook(path) else None
    match = CELL_PROBLEM.match(problem.message)
    number = int(match.group(1)) if match else 0
    if notebook is None or not 0 < number <= len(notebook.cells):
        return None
    source = notebook.cells[number - 1].source
    if not EXERCISE_BLANK.search(source):
        return None
    text = blank_magics(source)
    error = blank_repair(text)[1] if text is not None else None
    if error is not None and UNTERMINATED_STRING.match(error.msg or ""):
        return None
    return number


UNTERMINATED_STRING = lazy_pattern(r"unterminated (?:triple-quoted )?string literal")


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

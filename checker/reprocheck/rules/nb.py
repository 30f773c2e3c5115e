"""NB: notebooks committed with their outputs, run out of order, or installing packages from a cell."""

from __future__ import annotations

import ast
import posixpath
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from itertools import accumulate

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprocheck import ipython
from reprocheck.facts.ci import GITHUB_SLUG
from reprocheck.facts.declarations import FILE_ORIGINS
from reprocheck.facts.notebooks import LINE_BREAK, LINE_MAGIC, SHELL_ESCAPE, Cell, Notebook
from reprocheck.facts.pycode import PYTHON_CELL_MAGICS, is_ipython_escape
from reprocheck.facts.requirements import parse_requirement, pinned_version
from reprocheck.facts.shell import parse_install
from reprocheck.findings import Edit, Fix, Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.rule import Rule
from reprocheck.tables import notebooks as notebook_table

# What nbstripout removes by default besides outputs and execution counts (its default `extra_keys`).
VOLATILE_NOTEBOOK_METADATA = ("signature", "widgets")
VOLATILE_CELL_METADATA = ("collapsed", "ExecuteTime", "execution", "heading_collapsed", "hidden", "scrolled")

# Package-manager actions that install into the running kernel's environment (NB003).
INSTALL_ACTIONS = {
    "pip": frozenset({"install", "sync"}),
    "conda": frozenset({"install", "create", "update", "upgrade", "env create", "env update"}),
    "uv": frozenset({"sync", "add"}),
    "poetry": frozenset({"install", "add", "update", "sync"}),
    "pipenv": frozenset({"install", "sync", "update", "upgrade"}),
    "pipx": frozenset({"install", "inject"}),
}


# -- NB001's strip, as nbstripout does it by default -----------------------------------------------
def keeps_output(notebook: Notebook, cell: Cell) -> bool:
    """nbstripout's opt-outs: notebook `keep_output`, cell `init_cell`, cell `keep_output` metadata or tag."""
    default = bool(notebook.metadata.get("keep_output", False))
    metadata = cell.metadata
    if "init_cell" in metadata:
        return bool(metadata["init_cell"])
    tags = metadata.get("tags") if isinstance(metadata.get("tags"), list) else []
    if "keep_output" in metadata or "keep_output" in tags:
        return bool(metadata.get("keep_output", False)) or "keep_output" in tags
    return default


def counted_outputs(cell: Cell) -> bool:
    return any(isinstance(o, dict) and o.get("execution_count") is not None for o in cell.outputs)


def dirty_cells(notebook: Notebook) -> tuple[list[Cell], list[Cell]]:
    """(cells whose outputs nbstripout would remove, cells with an execution count it would clear)."""
    with_outputs, with_counts = [], []
    for cell in notebook.cells:
        if cell.outputs and not keeps_output(notebook, cell):
            with_outputs.append(cell)
        if cell.raw.get("execution_count") is not None or counted_outputs(cell):
            with_counts.append(cell)
    return with_outputs, with_counts


def stripped(notebook: Notebook) -> dict:
    """A copy of the notebook without outputs, counts, volatile metadata and random cell ids; key order kept."""
    data = dict(notebook.raw)
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        data["metadata"] = {k: v for k, v in metadata.items() if k not in VOLATILE_NOTEBOOK_METADATA}
    cells = []
    for number, cell in enumerate(notebook.cells):
        raw = dict(cell.raw)
        if "outputs" in raw:
            kept = raw["outputs"] if keeps_output(notebook, cell) and isinstance(raw["outputs"], list) else []
            raw["outputs"] = [
                {**o, "execution_count": None} if isinstance(o, dict) and "execution_count" in o else o for o in kept
            ]
        if "execution_count" in raw:
            raw["execution_count"] = None
        if "id" in raw:
            raw["id"] = str(number)  # nbstripout's stable ids instead of the per-run random ones
        if isinstance(raw.get("metadata"), dict):
            raw["metadata"] = {k: v for k, v in raw["metadata"].items() if k not in VOLATILE_CELL_METADATA}
        cells.append(raw)
    data["cells"] = cells
    return data


def strip_fix(notebook: Notebook) -> Fix | None:
    """The whole-file rewrite, in the notebook's own layout; None when the file cannot be rewritten faithfully."""
    if not notebook.utf8:
        return None
    content = notebook.dumps(stripped(notebook))
    return Fix(
        "strip outputs, execution counts and volatile metadata",
        (Edit(1, 1, notebook.line_count + 1, 1, content),),
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class NotebookOutputs(Rule):
    """
    ## What it does
    Reports a committed notebook whose cells keep their outputs or execution counts (`[12]`). Cells that
    opt out the way nbstripout understands (`keep_output` in the notebook or cell metadata, a `keep_output`
    tag, `init_cell`) may keep their outputs, but not their counts.

    Whether outputs belong in git is the project's policy, so NB001 reports only where the repository declares
    that notebooks are committed stripped: an nbstripout, nb-clean, nbstripout-fast or
    `jupyter nbconvert --clear-output` hook in `.pre-commit-config.yaml`, a clean filter on notebooks in
    `.gitattributes` (`*.ipynb filter=nbstripout`), a `[tool.nbstripout]` table in `pyproject.toml`, or a CI step
    that strips or checks notebooks (`nbstripout --verify`). The outputs then slipped past the project's own rule.
    Without such a policy, outputs kept for readers (lecture, book, tutorial and analysis notebooks) are the
    author's choice and are not reported, whatever their execution counts: counts that start late or skip a
    number (`[4]` after `[2]`) come from re-running a cell or from a kernel used before, and judged on real
    repositories they were as often harmless as not. A notebook whose shown outputs were run out of order is
    NB002's finding, policy or not. The template's projects declare the policy (an nbstripout hook).

    ## Why it matters
    Outputs are the result of one run on one machine, saved next to code that may since have changed: readers
    cannot tell whether the figures match the code. They bloat the history with images, leak data and paths,
    and turn every re-run into a merge conflict.

    ## Example
    ```json
    {"cell_type": "code", "execution_count": 7, "outputs": [{"output_type": "stream", "text": ["0.93\\n"]}], ...}
    ```

    ## Fix
    `reprocheck --fix` strips the notebook as nbstripout does by default: outputs and execution counts go,
    volatile metadata goes (`ExecuteTime`, `execution`, `collapsed`, `scrolled`, `hidden`, `heading_collapsed`,
    notebook `signature` and `widgets`), random cell ids become stable ones, everything else stays, in the
    file's own indentation, key order and line endings. Install nbstripout as a pre-commit hook so it stays so.
    To keep a cell's outputs on purpose, tag it `keep_output` (nbstripout's opt-out).
    """

    code = "NB001"
    name = "notebook-outputs"
    severity = Severity.WARNING
    summary = "A committed notebook with outputs or execution counts"
    fixable = True

    def check(self, notebooks, notebook_strip_policy):
        if notebook_strip_policy is None:
            return  # outputs in git are the author's choice; NB002 reports outputs run out of order
        for path, notebook in notebooks.items():
            with_outputs, with_counts = dirty_cells(notebook)
            if not with_outputs and not with_counts:
                continue
            first = min(with_outputs + with_counts, key=lambda cell: cell.index)
            kept = []
            if with_outputs:
                kept.append(f"outputs in {plural(len(with_outputs), 'cell')}")
            if with_counts:
                kept.append(f"execution counts in {plural(len(with_counts), 'cell')}")
            yield self.finding(
                f"notebook keeps {' and '.join(kept)} although the project commits notebooks stripped "
                f"({notebook_strip_policy}); strip them (`reprocheck --fix`, or run the hook)",
                path,
                1,
                cell=first.index,
                json_line=first.json_line,
                fix=strip_fix(notebook),
            )


COLAB_BADGE = lazy_pattern(r"colab-badge|open[ -]in[ -]colab", re.IGNORECASE)


def shows_a_result(cell: Cell) -> bool:
    """Does the cell show something a run computed? An "Open in Colab" badge displayed as HTML is decoration."""
    for output in cell.outputs:
        if not isinstance(output, dict):
            return True
        data = output.get("data") if output.get("output_type") in ("display_data", "execute_result") else None
        html = data.get("text/html") if isinstance(data, dict) else None
        html = "".join(html) if isinstance(html, list) else html
        if not (isinstance(html, str) and COLAB_BADGE.search(html)):
            return True
    return False


def ran_nothing(cell: Cell) -> bool:
    """An empty code cell without outputs: running it changes no state (Jupyter gives it the count of the cell
    run before it), so where its count stands says nothing about the order of the runs."""
    return not cell.source.strip() and not cell.outputs


def shows_out_of_order_output(notebook: Notebook) -> bool:
    """Whether an output the notebook shows came from a kernel state that a top-to-bottom run does not give: a
    cell above it ran later (a higher count), a cell below it ran earlier (a lower count), or another cell showing
    outputs has the same count (the two outputs came from two sessions). Stale counts of cells whose outputs are
    gone mislead nobody."""
    counted = [(cell.execution_count, bool(cell.outputs)) for cell in notebook.code_cells if not ran_nothing(cell)]
    counted = [(count, shown) for count, shown in counted if count is not None]
    highest_above = list(accumulate((count for count, _ in counted), max, initial=-1))
    lowest_below = list(accumulate((count for count, _ in reversed(counted)), min, initial=float("inf")))[::-1]
    shown_counts = Counter(count for count, shown in counted if shown)
    return any(
        shown and (highest_above[i] > count or lowest_below[i + 1] < count or shown_counts[count] > 1)
        for i, (count, shown) in enumerate(counted)
    )


MAX_ORDERED_CELLS = 600


def order_free_cells(notebook: Notebook, cell_modules) -> frozenset[int]:
    """The cells (by index) that ran out of order but whose place in the order of the runs no output shown can
    depend on, when setting them aside leaves the other counts strictly increasing (else none: the notebook ran out
    of order):
    - an install cell (its commands are all package installs) that ran no later than every other cell below it:
      it changes the environment on disk, not the kernel's state, and a restart after it starts the counts again
      (the install-then-restart pattern: `!pip install -r requirements.txt` as [2], then the imports as [2]);
    - a cell without outputs that only imports modules and defines functions, classes or constants, that ran before
      every other cell below it, whose names no cell above it uses outside a function body and no other cell
      binds (`import torch` run first as [1] at the foot of a notebook counted [1] to [11] above it);
    - a cell that only shows something no other cell reads (`shows_only`: `Image(filename='figures/14_11.png')`,
      `%load_ext tensorboard`, `%tensorboard --logdir logs/`, with or without its output), wherever it ran, when
      no cell above it uses what it imports unless a cell above that one imports it too;
    - a cell that only runs a command on the notebook's own file (`exports_itself`: converting it to a script).
    An import or definition cell that ran after cells below it (they used an earlier version of what it defines)
    is no such cell, nor is a cell that computes anything, or shows a value the notebook computed."""
    counted = [cell for cell in notebook.code_cells if cell.execution_count is not None and not ran_nothing(cell)]
    if len(counted) > MAX_ORDERED_CELLS:
        return frozenset()  # the search is quadratic; a notebook this long is judged as it is
    modules = {cell_module.cell: cell_module.module for cell_module in cell_modules}
    installs = {cell.index for cell in counted if installs_only(cell, modules.get(cell.index))}
    shows = {
        cell.index
        for cell in counted
        if shows_only(cell, modules.get(cell.index)) or exports_itself(notebook, cell, modules.get(cell.index))
    }
    candidates = installs | shows
    candidates |= {cell.index for cell in counted if not cell.outputs and defines_only(modules.get(cell.index))}
    if not candidates:
        return frozenset()
    kept = increasing_keeping(counted, candidates)
    if kept is None:
        return frozenset()  # a cell that computes or shows something ran out of order
    free = frozenset(cell.index for cell in counted if cell.index not in kept)
    for position, cell in enumerate(counted):
        if cell.index not in free:
            continue
        below = [other.execution_count for other in counted[position + 1 :] if other.index in kept]
        if cell.index in installs:
            if any(count < cell.execution_count for count in below):
                return frozenset()
        elif cell.index in shows:
            if cell.index in modules and not (
                names_kept_to_itself(notebook, cell, modules) and helpers_bound_above(notebook, cell, modules)
            ):
                return frozenset()
        elif any(count <= cell.execution_count for count in below) or not names_kept_to_itself(notebook, cell, modules):
            return frozenset()
    return free


def increasing_keeping(cells: list[Cell], optional: set[int]) -> set[int] | None:
    """The cells (by index) of a longest strictly increasing run of counts that keeps every cell not in `optional`
    (leaving out as few optional cells as can be), or None when the cells that must stay do not increase."""
    weight = [1 if cell.index in optional else len(cells) + 1 for cell in cells]
    best: list[int] = []
    before: list[int | None] = []
    for i, cell in enumerate(cells):
        choice = max(
            (j for j in range(i) if cells[j].execution_count < cell.execution_count), key=best.__getitem__, default=None
        )
        best.append(weight[i] + (best[choice] if choice is not None else 0))
        before.append(choice)
    if not cells:
        return set()
    mandatory = sum(1 for cell in cells if cell.index not in optional)
    end = max(range(len(cells)), key=best.__getitem__)
    kept: set[int] = set()
    at: int | None = end
    while at is not None:
        kept.add(cells[at].index)
        at = before[at]
    if sum(1 for cell in cells if cell.index in kept and cell.index not in optional) < mandatory:
        return None
    return kept


def installs_only(cell: Cell, module) -> bool:
    """A cell whose only code is shell commands or magics that install packages (`!pip install ...`)."""
    if module is not None and (module.tree is None or module.tree.body):
        return False
    commands = cell.commands
    return bool(commands) and all(
        (install := parse_install(command)) is not None and install.action in INSTALL_ACTIONS.get(install.tool, ())
        for command in commands
    )


def defines_only(module) -> bool:
    """A cell (PyModule) whose statements only import modules and define functions, classes or constants."""
    tree = module.tree if module is not None else None
    return tree is not None and bool(tree.body) and all(defining(statement) for statement in tree.body)


def defining(statement: ast.stmt) -> bool:
    if isinstance(
        statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)
    ):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)  # a docstring or a bare `...`
    if isinstance(statement, ast.Assign):
        return all(isinstance(target, ast.Name) for target in statement.targets) and literal(statement.value)
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and (statement.value is None or literal(statement.value))
    return False


def literal(node: ast.expr) -> bool:
    """A constant written out: a number, a string, or a tuple, list, set or dict of them."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(literal(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and literal(key) for key in node.keys) and all(map(literal, node.values))
    return False


def bound_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names a definition cell binds by imports, names it binds by definitions and assignments)."""
    imported: set[str] = set()
    defined: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            imported.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            imported.update(alias.asname or alias.name for alias in statement.names if alias.name != "*")
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(statement.name)
        elif isinstance(statement, ast.Assign):
            defined.update(target.id for target in statement.targets if isinstance(target, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            defined.add(statement.target.id)
    return imported, defined


def top_level_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names the cell reads when it runs, names it binds), leaving out what runs only when a function is called."""
    used: set[str] = set()
    bound: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(default for default in node.args.kw_defaults if default is not None)
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.ClassDef):
            bound.add(node.name)
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return used, bound


def names_kept_to_itself(notebook: Notebook, cell: Cell, modules: dict) -> bool:
    """Whether no code cell above `cell` uses a name it binds when it runs (unless that cell, or one above it,
    imports the same thing under that name: a top-to-bottom run gives it the same object), and no other cell binds
    a name it defines (imports of the same name elsewhere bind the same module)."""
    tree = modules[cell.index].tree
    imported, defined = bound_names(tree)
    own_imports = dict(import_bindings(tree))
    imported_above: set[tuple[str, str]] = set()
    for other in notebook.code_cells:
        if other.index == cell.index or not other.source.strip():
            continue
        module = modules.get(other.index)
        if module is None:
            continue  # no Python in it (magics, shell escapes)
        if module.tree is None:
            return False  # cannot tell what it uses
        used, bound = top_level_names(module.tree)
        if other.index < cell.index:
            imported_above |= import_bindings(module.tree)
            if used & defined or any((name, own_imports.get(name)) not in imported_above for name in used & imported):
                return False
        if bound & defined:
            return False
    return True


def import_bindings(tree: ast.Module) -> set[tuple[str, str]]:
    """(name, what it is bound to) of each top-level import of a cell: `import torch.nn as nn` gives
    ("nn", "torch.nn"), `from IPython.display import Image` ("Image", "IPython.display.Image")."""
    found: set[tuple[str, str]] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                top = alias.name.split(".")[0]
                found.add((alias.asname, alias.name) if alias.asname else (top, top))
        elif isinstance(statement, ast.ImportFrom) and not statement.level and statement.module:
            found.update(
                (alias.asname or alias.name, f"{statement.module}.{alias.name}")
                for alias in statement.names
                if alias.name != "*"
            )
    return found


def helpers_bound_above(notebook: Notebook, cell: Cell, modules: dict) -> bool:
    """Whether a display cell finds the helpers it calls (`Image`) where a top-to-bottom run gets them: imported by
    itself or by a cell above it (`display` is IPython's own)."""
    used, _ = top_level_names(modules[cell.index].tree)
    bound = {name for name, _ in import_bindings(modules[cell.index].tree)} | {"display"}
    for other in notebook.code_cells:
        if other.index >= cell.index:
            break
        module = modules.get(other.index)
        if module is not None and module.tree is not None:
            bound |= {name for name, _ in import_bindings(module.tree)}
    return used <= bound


def cell_escapes(cell: Cell) -> list[str] | None:
    """The IPython escapes of a code cell, a word each: a line magic's name (`matplotlib`), `!` for a shell escape,
    `=` for a shell assignment (`files = !ls`), `?` for help; None for a cell that a cell magic runs (`%%bash`)."""
    lines = ipython.leading_indent(LINE_BREAK.split(cell.source))
    if next((line for line in lines if line.strip()), "").lstrip().startswith("%%"):
        return None
    found = []
    for line, kind in zip(lines, ipython.escape_lines(lines, is_ipython_escape), strict=True):
        if kind != ipython.ESCAPE:
            continue
        magic = LINE_MAGIC.match(line)
        if magic:
            found.append(magic.group("magic"))
        elif SHELL_ESCAPE.match(line):
            found.append("!" if line.lstrip().startswith("!") else "=")
        else:
            found.append("?")
    return found


def shows_only(cell: Cell, module) -> bool:
    """A cell whose only effect is showing something that no other cell reads: calls of IPython's display helpers
    with written-out arguments (`Image(filename='figures/14_01.png', width=700)`, `display(Markdown('## Loss'))`),
    imports of those helpers, and magics that set up or show (`%matplotlib inline`, `%load_ext tensorboard`,
    `%tensorboard --logdir lightning_logs/`, `%watermark`). Where it ran changes no result shown. A display of a
    value the notebook computed (`display(df)`, `Image(data=png)`) is no such cell."""
    marks = cell_escapes(cell)
    if marks is None or any(mark not in notebook_table.DISPLAY_MAGICS for mark in marks):
        return False
    if module is not None and module.tree is None:
        return False
    body = module.tree.body if module is not None else []
    return bool(marks or body) and all(map(shows_fixed, body))


def shows_fixed(statement: ast.stmt) -> bool:
    """An import of IPython's display helpers, or a display of written-out values (see `shows_only`)."""
    if isinstance(statement, ast.ImportFrom):
        return (
            not statement.level
            and statement.module in notebook_table.DISPLAY_MODULES
            and all(alias.name in notebook_table.DISPLAY_CALLS and not alias.asname for alias in statement.names)
        )
    if isinstance(statement, ast.Import):
        return all(alias.name in notebook_table.DISPLAY_MODULES and not alias.asname for alias in statement.names)
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant) or fixed_display(statement.value)
    return isinstance(statement, ast.Pass)


# What a display helper is called on: `IPython.display.Image(...)`, `display.HTML(...)` after `from IPython import
# display`.
DISPLAY_OWNERS = frozenset({"IPython.display", "IPython.core.display", "display"})


def fixed_display(node: ast.expr) -> bool:
    """`Image(filename='figures/14_01.png', width=700)`, `IPython.display.display(HTML('<b>x</b>'))`: a display
    helper called with literals, or with other such calls."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        owner: ast.expr = func.value
        parts: list[str] = []
        while isinstance(owner, ast.Attribute):
            parts.append(owner.attr)
            owner = owner.value
        if not isinstance(owner, ast.Name) or ".".join([owner.id, *reversed(parts)]) not in DISPLAY_OWNERS:
            return False
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        return False
    arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
    return name in notebook_table.DISPLAY_CALLS and all(
        literal(argument) or fixed_display(argument) for argument in arguments
    )


def exports_itself(notebook: Notebook, cell: Cell, module) -> bool:
    """A cell whose only code is shell commands run on the notebook's own file, converting or rendering it
    (`! python ../.convert_notebook_to_script.py --input ch14_part1.ipynb --output ch14_part1.py`, `!jupyter
    nbconvert --to script eda.ipynb`): it reads the saved file, not the kernel's state, and writes nothing a cell
    reads. Running the notebook again (`--execute`, `--inplace`) is no such command."""
    if module is not None and (module.tree is None or module.tree.body):
        return False
    marks = cell_escapes(cell)
    if not marks or any(mark != "!" for mark in marks):
        return False
    own = posixpath.basename(notebook.path)
    commands = cell.commands
    return bool(commands) and all(
        any(arg == own or arg.endswith(("/" + own, "=" + own)) for arg in command.argv)
        and not any(arg.startswith(("--execute", "--inplace")) for arg in command.argv)
        for command in commands
    )


class NotebookExecutionOrder(Rule):
    """
    ## What it does
    Reports a notebook whose saved execution counts do not strictly increase from top to bottom: cells were run
    out of order, re-run, or depend on state from cells that were since edited or deleted. Cells never run
    (no count) and empty cells without outputs (running one changes nothing) are skipped. It is reported when
    the notebook shows an output: at warning when an output shown is affected (a cell with outputs below a cell
    that ran after it, or above a cell that ran before it, or two cells showing outputs with the same count, which
    came from two sessions), at info when only cells without outputs swapped places (every output shown ran after
    all cells above it).
    It is not reported when the only cells out of order are ones whose place no output shown can depend on, and
    the other counts strictly increase: an install cell (`!pip install -r requirements.txt`) that ran no later
    than the cells below it (the install-then-restart pattern: the install as [2], the imports after the restart
    as [2]), or a cell without outputs that only imports modules or defines functions, classes or constants, ran
    before every cell below it, and whose names no cell above uses outside a function body nor another cell binds
    (`import torch` run first as [1] at the foot of the notebook), a cell that only shows something no other
    cell reads, with or without its output (a figure `Image(filename='figures/14_11.png', width=800)` or
    `display(...)` of written-out values, imports of IPython's display helpers, and magics that set up or show:
    `%matplotlib inline`, `%load_ext tensorboard`, `%tensorboard --logdir logs/`, `%watermark`), or a cell that
    only runs a command on the notebook's own file (`!jupyter nbconvert --to script ch14.ipynb`). An import or
    definition cell that ran after cells below it (they show what an earlier version of it gave), a cell that
    computes a value, a display of a computed value (`display(df.head())`) and a magic that changes the kernel
    (`%env`) stay reported, unless the cells that ran in another order than they stand are independent two by two:
    neither changes a name the other reads or changes (rebinding it, setting an attribute or item of it, calling a
    method on it, passing it to a call; a module's state for every name bound to it, `torch.manual_seed(0)` and
    `nn.Linear(2, 2)`), neither writes files the other may read or write, no name the one below read came from an
    import the one above re-ran, and no run between their counts went unrecorded (the dataset loaded as [8] below
    the cell that wrapped the model as [9]: the state and the outputs are those of a top-to-bottom run). The effects
    of the notebook's own functions count where they are called; a shell command, a magic that changes the machine,
    and two cells with the same count (two sessions) depend on everything.
    Counts left in a notebook that shows no output mislead nobody, and a count of 0, which no kernel gives (a tool's
    placeholder for a cleared count), is no run. Two neighbouring code cells with the same count, the upper one
    without outputs, are the halves of one cell split after it ran (`read_h5ad(...)` above, `adata` below, both
    [3]): one run, in order. Notebooks recorded live in lectures
    (`lectures/`, `video_notebooks/`) are not reported: their cells ran in the order the lecture took. Nor are
    maintainers' site-tooling notebooks (rendering pages or texts with jinja2, importing no ML library).

    ## Why it matters
    The saved outputs came from a kernel state that "Restart & Run All" does not reproduce. A variable defined
    in a later cell, or a cell re-run after editing an earlier one, makes the notebook fail or give other
    numbers for the next person.

    ## Example
    ```text
    cell 2: [3]   df = load()
    cell 3: [1]   model = fit(df)      <- ran before the data it uses was loaded
    ```

    ## Fix
    Restart the kernel and run all cells top to bottom, then commit; or strip outputs and counts (NB001's fix).
    """

    code = "NB002"
    name = "notebook-execution-order"
    severity = Severity.WARNING
    summary = "A notebook that keeps outputs and was executed out of order"

    def check(self, notebooks, roles, notebook_modules):
        for path, notebook in notebooks.items():
            if roles.recorded_live(path):
                continue  # a lecture recorded live runs its cells in the lecture's order: nothing to restart
            if roles.is_site_tooling(path):
                continue  # a page generator: the order its cells ran in bears on no result
            pair = out_of_order(notebook, notebook_modules.get(path, []))
            if pair is None:
                continue
            previous, cell = pair
            finding = self.finding(
                f"cell {cell.index} ran as [{cell.execution_count}] after cell {previous.index} ran as "
                f"[{previous.execution_count}]: executed out of order; restart the kernel and run all "
                "cells, or strip outputs",
                path,
                1,
                cell=cell.index,
                json_line=cell.json_line,
            )
            if not shows_out_of_order_output(notebook):
                finding.severity = Severity.INFO
                finding.message += (
                    " (info: only cells without outputs ran out of order; every output shown ran after the cells"
                    " above it)"
                )
            yield finding


def out_of_order(notebook: Notebook, cell_modules) -> tuple[Cell, Cell] | None:
    """The pair NB002 reports (see `first_out_of_order`), unless only cells whose place in the order no shown
    output can depend on (`order_free_cells`) ran out of order, or every two cells that ran in the other order than
    they stand are independent (`independent_swaps`)."""
    pair = first_out_of_order(notebook)
    if pair is None or not (order_free_cells(notebook, cell_modules) or independent_swaps(notebook, cell_modules)):
        return pair
    return None


# -- what a cell reads and changes, for NB002 ------------------------------------------------------------------
# Builtins whose call changes none of its arguments (`print(model)` leaves the model as it was).
PURE_CALLS = frozenset(
    {
        "print", "len", "str", "int", "float", "bool", "complex", "repr", "format", "type", "isinstance",
        "issubclass", "range", "enumerate", "zip", "sorted", "sum", "min", "max", "abs", "round", "any", "all",
        "hasattr", "getattr", "id", "hash", "display", "list", "tuple", "set", "dict", "frozenset", "reversed",
        "vars", "dir", "help", "ord", "chr", "divmod", "pow", "hex", "bin", "oct", "callable", "ascii", "bytes",
    }
)  # fmt: skip
# Calls that write files (or the machine's state: a download, a removal, a push), and calls that read them: a cell
# that writes files depends on every cell that reads or writes files.
FILE_WRITE_CALL = lazy_pattern(
    r"^(?:save\w*|dump\w*|write\w*|to_(?:csv|json|parquet|pickle|excel|feather|hdf|sql|netcdf|zarr|file|disk)"
    r"|savefig|imwrite|imsave|mkdirs?|makedirs|remove|unlink|rmtree|rmdir|rename|move|copy(?:file|tree|2)"
    r"|push_to_hub|export\w*|touch|symlink_to|urlretrieve|download\w*|extractall|unpack_archive|make_archive|system"
    r"|run|call|check_call|check_output|Popen|chdir)$"
)
FILE_READ_CALL = lazy_pattern(
    r"^(?:open|load\w*|read\w*|imread|from_pretrained|listdir|scandir|i?glob|walk|exists|is(?:file|dir)|getsize"
    r"|stat|fetch_\w+|ImageFolder|getcwd)$"
)
WRITE_MODE = lazy_pattern(r"[wax+]")


@dataclass
class Effects:
    """What running one code cell reads and may change, by name (a name bound by an import stands for its module,
    `module:torch` for `nn` after `from torch import nn`); `barrier` for a cell whose effects are not known (a shell
    escape, a magic that changes the machine, code that does not parse)."""

    reads: set[str]
    writes: set[str]
    imports: dict[str, str]  # name -> what an import binds to it (`np` -> `numpy`)
    file_reads: bool = False
    file_writes: bool = False
    barrier: bool = False


@dataclass
class FunctionEffects:
    """What calling a function defined in the notebook reads and changes outside its own names."""

    reads: set[str]
    writes: set[str]
    calls: set[str]
    file_reads: bool = False
    file_writes: bool = False


def independent_swaps(notebook: Notebook, cell_modules) -> bool:
    """Whether every two counted cells that ran in the other order than they stand (the one above with the higher
    count) are independent, so that the order they ran in and the top-to-bottom order leave the same state and
    show the same outputs: neither changes a name the other reads or changes (a rebinding, an attribute or item
    set on it, a method called on it, or the object passed to a call that may change it; a module's state counts
    for every name bound to it), nor writes files when the other reads or writes any; the cell above binds by import
    no name the cell below read unless a cell above that one imported it before it ran, and the cell below imports
    no name the cell above uses unless a cell above that one imports it. The effects of functions the notebook
    defines count where they are called. A cell with shell escapes or magics that change the machine, or that does
    not parse, depends on every cell; so do two cells with the same count (two sessions), and two cells between
    whose counts another run went unrecorded (a gap: a cell run again since, or deleted, whose effects are not
    known). `load_dataset(...)` run as [8] below `model = get_peft_model(model, config)` run as [9] commutes with
    it; `class Net` run again after the cells that built and trained the nets does not."""
    counted = [cell for cell in notebook.code_cells if cell.execution_count is not None and not ran_nothing(cell)]
    if len(counted) > MAX_ORDERED_CELLS:
        return False
    counts = sorted(cell.execution_count for cell in counted)
    if len(set(counts)) < len(counts):
        return False  # two sessions: which ran first is not known
    modules = {cell_module.cell: cell_module.module for cell_module in cell_modules}
    trees = [modules[c.index].tree for c in counted if c.index in modules and modules[c.index].tree is not None]
    imported = {name: target for tree in trees for name, target in import_bindings(tree)}
    functions = function_effects(trees, imported)
    effects = {cell.index: cell_effects(cell, modules.get(cell.index), imported, functions) for cell in counted}
    for position, above in enumerate(counted):
        for below in counted[position + 1 :]:
            if below.execution_count > above.execution_count:
                continue
            unrecorded = bisect_left(counts, above.execution_count) - bisect_right(counts, below.execution_count)
            if unrecorded != above.execution_count - below.execution_count - 1:
                return False  # runs between the two that no cell shows: what they did is not known
            if not commute(counted, effects, position, below):
                return False
    return True


def commute(counted: list[Cell], effects: dict[int, Effects], position: int, below_cell: Cell) -> bool:
    """Whether the cell at `position` of `counted` and `below_cell`, which stands below it and ran before it, are
    independent (see `independent_swaps`)."""
    above_cell = counted[position]
    above, below = effects[above_cell.index], effects[below_cell.index]
    if above.barrier or below.barrier:
        return False
    if above.writes & (below.reads | below.writes) or below.writes & above.reads:
        return False
    if (above.file_writes and (below.file_reads or below.file_writes)) or (below.file_writes and above.file_reads):
        return False
    for name, target in above.imports.items():
        if name in below.reads and not any(
            effects[other.index].imports.get(name) == target
            for other in counted
            if other.index < below_cell.index
            and other is not above_cell
            and other.execution_count < below_cell.execution_count
        ):
            return False  # the cell below used what an earlier run of the cell above bound
        if name in below.imports and below.imports[name] != target:
            return False
    for name, target in below.imports.items():
        if name in above.reads and not any(
            effects[other.index].imports.get(name) == target for other in counted[: position + 1]
        ):
            return False  # top to bottom, the cell above runs before its name is imported
    return True


def resource(name: str, imported: dict[str, str]) -> str:
    """What a name stands for: a module's state for a name an import binds, else the name."""
    target = imported.get(name)
    return f"module:{target.split('.')[0]}" if target is not None else name


def root_name(node: ast.AST) -> str | None:
    """The name an attribute or item chain starts from (`model.layer[0].weight` -> `model`), else None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def called_name(call: ast.Call) -> str | None:
    """The last name of what a call calls (`torch.save` -> `save`, `f` -> `f`)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def executed_nodes(body: list[ast.stmt]):
    """The nodes that run when the statements run: function bodies are left out (they run when called), class
    bodies and lambdas' bodies are in (a lambda passed to `map` runs there)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(default for default in node.args.kw_defaults if default is not None)
            continue
        stack.extend(ast.iter_child_nodes(node))


def call_effects(call: ast.Call, imported: dict[str, str]) -> tuple[set[str], bool, bool]:
    """(what a call may change, whether it writes files, whether it reads them): the object a method is called on,
    and the objects passed to anything but a pure builtin."""
    changed: set[str] = set()
    name = called_name(call)
    if isinstance(call.func, ast.Attribute):
        base = root_name(call.func.value)
        if base is not None:
            changed.add(resource(base, imported))
    if not (isinstance(call.func, ast.Name) and call.func.id in PURE_CALLS):
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            base = root_name(argument)
            if base is not None:
                changed.add(resource(base, imported))
    writes = bool(name and FILE_WRITE_CALL.match(name))
    reads = bool(name and FILE_READ_CALL.match(name))
    if name == "open":
        mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
        writes = isinstance(mode, ast.Constant) and isinstance(mode.value, str) and bool(WRITE_MODE.search(mode.value))
        reads = True
    return changed, writes, reads


def stored_names(node: ast.AST, imported: dict[str, str]) -> tuple[set[str], set[str]]:
    """(names a statement's target rebinds, names whose objects it changes: `x.a = ...`, `x[i] = ...`, `del x[i]`)."""
    bound: set[str] = set()
    changed: set[str] = set()
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        bound.add(node.id)
    elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
        base = root_name(node)
        if base is not None:
            changed.add(resource(base, imported))
    return bound, changed


def cell_effects(cell: Cell, module, imported: dict[str, str], functions: dict[str, FunctionEffects]) -> Effects:
    """What running `cell` reads and may change (see `Effects`)."""
    effects = Effects(set(), set(), {}, barrier=changes_machine(cell))
    tree = module.tree if module is not None else None
    if module is not None and tree is None:
        effects.barrier = True
    if tree is None:
        return effects
    effects.imports = dict(import_bindings(tree))
    comprehension_targets = {
        id(name)
        for node in ast.walk(tree)
        if isinstance(node, ast.comprehension)
        for name in ast.walk(node.target)
        if isinstance(name, ast.Name)
    }
    called: set[str] = set()
    for node in executed_nodes(tree.body):
        if isinstance(node, ast.Name):
            if id(node) in comprehension_targets:
                continue
            if isinstance(node.ctx, ast.Load):
                effects.reads |= {node.id, resource(node.id, imported)}
            else:
                effects.writes.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            effects.writes |= stored_names(node, imported)[1]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            effects.writes.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    effects.reads.add(resource((alias.asname or alias.name).split(".")[0], imported))
            if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                effects.barrier = True  # binds names nobody listed
        elif isinstance(node, ast.Global):
            effects.barrier = True  # names bound from inside: not followed
        elif isinstance(node, ast.Call):
            changed, writes, reads = call_effects(node, imported)
            effects.writes |= changed
            effects.file_writes |= writes
            effects.file_reads |= reads
            name = called_name(node)
            if name in functions:
                called.add(name)
    for name in reachable(called, functions):
        function = functions[name]
        effects.reads |= function.reads
        effects.writes |= function.writes
        effects.file_reads |= function.file_reads
        effects.file_writes |= function.file_writes
    # an import binds its name to the same module wherever it runs: the name is read, not changed (see `commute`)
    effects.writes -= set(effects.imports)
    return effects


def changes_machine(cell: Cell) -> bool:
    """A cell with IPython escapes beyond those that only show things or time the Python below (`%matplotlib
    inline`, `%%time`): a shell command, a magic that changes the kernel or the machine, a cell of another
    language."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return True
    marks = [] if first.startswith("%%") else cell_escapes(cell)
    return marks is None or any(
        mark not in notebook_table.DISPLAY_MAGICS and mark not in TIMING_MAGICS for mark in marks
    )


TIMING_MAGICS = frozenset({"time", "timeit"})


def function_effects(trees: list[ast.Module], imported: dict[str, str]) -> dict[str, FunctionEffects]:
    """What calling each function the notebook defines (at the top of a cell or in a class) reads and changes
    outside itself, by name (redefinitions together); calls between them are followed by `reachable`."""
    found: dict[str, FunctionEffects] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            local = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
            local |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
            declared = {name for inner in ast.walk(node) if isinstance(inner, ast.Global) for name in inner.names}
            local |= {
                inner.id
                for inner in ast.walk(node)
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store) and inner.id not in declared
            }
            effects = found.setdefault(node.name, FunctionEffects(set(), set(), set()))
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    if isinstance(inner.ctx, ast.Load) and inner.id not in local:
                        effects.reads |= {inner.id, resource(inner.id, imported)}
                    elif inner.id in declared:
                        effects.writes.add(inner.id)
                elif isinstance(inner, (ast.Attribute, ast.Subscript)):
                    base = root_name(inner)
                    if base is not None and base not in local:
                        effects.writes |= stored_names(inner, imported)[1]
                elif isinstance(inner, ast.Call):
                    changed, writes, reads = call_effects(inner, imported)
                    effects.writes |= {name for name in changed if name not in local}
                    effects.file_writes |= writes
                    effects.file_reads |= reads
                    name = called_name(inner)
                    if name is not None:
                        effects.calls.add(name)
    return found


def reachable(called: set[str], functions: dict[str, FunctionEffects]) -> set[str]:
    """The notebook's functions that calling `called` runs, those they call included."""
    seen: set[str] = set()
    stack = [name for name in called if name in functions]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(other for other in functions[name].calls if other in functions and other not in seen)
    return seen


def first_out_of_order(notebook: Notebook) -> tuple[Cell, Cell] | None:
    """(previous, cell) of the first counted cell whose count does not exceed the count above it, in a notebook
    that shows a result (NB002 reports it), else None."""
    if not any(shows_a_result(cell) for cell in notebook.code_cells if cell.outputs):
        return None
    previous: Cell | None = None
    above: Cell | None = None  # the code cell right above, counted or not
    for cell in notebook.code_cells:
        if cell.execution_count is None or ran_nothing(cell):
            above = cell
            continue
        if (
            previous is not None
            and cell.execution_count <= previous.execution_count
            and not split_after_running(above, cell)
        ):
            return previous, cell
        previous = above = cell
    return None


def split_after_running(above: Cell | None, cell: Cell) -> bool:
    """Whether `cell` and the code cell right above it are the halves of one cell split after it ran: both keep
    its count, and only the lower half shows what the run printed (`read_h5ad(...)` above, `adata` below, both
    [3]). One run, in order."""
    return above is not None and above.execution_count == cell.execution_count and not above.outputs


# -- NB003 ----------------------------------------------------------------------------------------
def notebook_installs(cell: Cell):
    """Each package install run from the cell, with its line in the cell."""
    for command in cell.commands:
        install = parse_install(command)
        if install is not None and install.action in INSTALL_ACTIONS.get(install.tool, ()):
            yield command.line, install


def guarded_off(notebook: Notebook, cell: Cell, line: int) -> bool:
    """Whether the line runs only on Colab or Kaggle (`if 'google.colab' in sys.modules:`, `if IN_COLAB:`) or
    only behind an opt-in switch that is off as committed (`INSTALL = False` ... `if INSTALL:`): a local run never
    does it."""
    if import_fallback(cell, line):
        return True
    for condition in cell.conditions(line):
        if colab_only(condition):
            return True
        if not notebook_table.NEGATION.search(condition) and notebook.flag_off(condition.strip()):
            return True
    return False


IMPORT_ERROR_HANDLER = lazy_pattern(r"^\s*except\b[^:#]*\b(?:ImportError|ModuleNotFoundError)\b")


def import_fallback(cell: Cell, line: int) -> bool:
    """Whether the line sits in an `except ImportError:` (or `ModuleNotFoundError`) block: an install that runs only
    where the import fails (`try: import fastkaggle` / `except ModuleNotFoundError: !pip install fastkaggle`), which
    an environment that declares the package never makes."""
    headers = cell.headers(line)
    return bool(headers) and IMPORT_ERROR_HANDLER.match(headers[0]) is not None


def colab_only(condition: str) -> bool:
    """Whether the condition holds only on a hosted notebook service: it asks for Colab, alone or as one of the
    terms joined by `and` (`'google.colab' in sys.modules and not os.path.exists('.setup_complete')`), or every
    way that `or` opens is such a service (`IS_COLAB or IS_KAGGLE`)."""
    if re.search(r"\bor\b", condition):
        return all(hosted_test(term) for term in re.split(r"\bor\b", condition))
    return any(hosted_test(term) for term in re.split(r"\band\b", condition))


def hosted_test(term: str) -> bool:
    """A test, not negated, for Colab or Kaggle (`IS_COLAB`, `'google.colab' in sys.modules`, `IS_KAGGLE`)."""
    return bool(notebook_table.HOSTED_CONDITION.search(term)) and not notebook_table.NEGATION.search(term)


def install_sites(notebook: Notebook, left_out=None) -> list[tuple[Cell, int, list]]:
    """(cell, line of its first install, its installs) of each cell that installs packages, guarded ones left out,
    and those for which `left_out(cell, line, install)` is true."""
    sites = []
    for cell in notebook.code_cells:
        if "install" not in cell.source and "add" not in cell.source and "sync" not in cell.source:
            continue
        installs = [
            (line, install)
            for line, install in notebook_installs(cell)
            if not guarded_off(notebook, cell, line) and not (left_out and left_out(cell, line, install))
        ]
        if installs:
            sites.append((cell, installs[0][0], [install for _, install in installs]))
    return sites


def shown(targets: list[str]) -> str:
    return ", ".join(targets[:4]) + (f" and {len(targets) - 4} more" if len(targets) > 4 else "")


def environment_targets(install) -> list[str]:
    """What the install takes from the project itself: requirement files, editable and local paths."""
    return [*(f"-r {f}" for f in install.requirement_files), *install.editables, *install.local_paths]


def distribution_name(package: str) -> str | None:
    """The PEP 503 name a package argument installs (None for URLs, paths and unparsable text)."""
    try:
        return canonicalize_name(Requirement(package).name)
    except InvalidRequirement:
        return None


def declared_in_files(declared_distributions, projects, path: str) -> frozenset[str]:
    """Distributions that a requirements/pyproject/setup/conda/lock file of the notebook's own project, or of the
    root project, declares (not an install command, not another sub-project's file)."""
    origins = FILE_ORIGINS | {"conda", "lock"}
    owner = projects.owner(path)
    return frozenset(
        name
        for name, found in declared_distributions.items()
        if any(d.origin in origins and projects.owner(d.path) in (owner, "") for d in found)
    )


def declared_environment(path: str, projects, notebook: Notebook):
    """A test for installs of the notebook's own declared environment: `-r` of requirement files that are the
    declarations of the notebook's project (resolved from the notebook's folder, where its kernel starts), before
    any clone (after one, the folder the install runs in is not known)."""
    owner = projects.owner(path)
    declarations = {rel for found in projects.found if found.folder in (owner, "") for rel in found.declarations}
    folder = posixpath.dirname(path)

    def test(cell: Cell, line: int, install) -> bool:
        if install.packages or install.editables or install.local_paths or not install.requirement_files:
            return False
        if notebook.clones and notebook.clones[0].precedes(cell.index, line):
            return False
        return all(
            posixpath.normpath(posixpath.join(folder, name)) in declarations for name in install.requirement_files
        )

    return test


def pinned_install(install) -> bool:
    """Whether the install names an exact version of everything it installs: `==`/`===` pins, an archive whose
    URL names its release (`.../release/0.1.3/kfp.tar.gz`, `pkg-1.2.0-py3-none-any.whl`), a VCS URL at a commit."""
    if install.requirement_files or install.editables or install.local_paths or not install.packages:
        return False
    return all(pinned_package(package) for package in install.packages)


def pinned_package(package: str) -> bool:
    fields = parse_requirement(package)
    if "error" in fields:
        return False
    specifier = fields.get("specifier")
    if specifier is not None and pinned_version(specifier) is not None:
        return True
    url = fields.get("url")
    return bool(url) and bool(
        notebook_table.VCS_AT_COMMIT.search(url) or notebook_table.VERSIONED_ARCHIVE.search(url.split("#", 1)[0])
    )


def install_message(installs: list, quick_start: str | None, declared: frozenset[str], own=None) -> str:
    """What the cell's installs do and the advice that fits (never "declare" what the project already declares, nor
    the repository itself, `own`; on a machine that a quick-start sets up, pin what it installs: there is no kernel
    to start after installing)."""
    commands = [f"`{install.command.text.strip()}`" for install in installs]
    subject = commands[0] if len(commands) == 1 else f"{len(commands)} installs ({shown(commands)})"
    verb = "installs" if len(commands) == 1 else "install"
    packages = [package for install in installs for package in install.packages]
    mine = [package for package in packages if own is not None and own.package(package)]
    undeclared = [package for package in packages if distribution_name(package) not in declared and package not in mine]
    from_project = [target for install in installs for target in environment_targets(install)]
    from_project += [package for package in packages if package not in undeclared and package not in mine]
    from_project += [f"{package} (this repository)" for package in mine]
    if quick_start is not None:
        return quick_start_message(subject, len(commands), installs, quick_start)
    if not undeclared:
        what = shown(from_project) or "the project's environment"
        already = ", which the project declares already" if len(mine) < len(packages) else ""
        return (
            f"{subject} {verb} {what}{already} from inside the notebook; install the environment before starting "
            "the kernel (run the same command in a shell, then start Jupyter) and remove the install"
        )
    also = f" (besides {shown(from_project)})" if from_project else ""
    return (
        f"{subject} {verb} {shown(undeclared)}{also} from inside the notebook; declare them in the project's "
        "requirements, install the environment before starting the kernel and remove the install"
    )


@dataclass(frozen=True)
class OwnCode:
    """What installs of a notebook take from the repository itself (see `own_code`)."""

    home: frozenset[str]  # `owner/name` of the repository
    cloned_at: tuple[int, int] | None  # (cell, line) of the first clone of the repository, if the notebook clones it
    declarations: frozenset[str] = frozenset()  # the repository's declaration files (requirements, setup, ...)

    def package(self, package: str) -> bool:
        """A requirement whose URL is the repository (`git+https://github.com/org/name`, `name @ git+...`)."""
        match = GITHUB_SLUG.search(package)
        return match is not None and match.group(1).lower() in self.home

    def target(self, cell: int, line: int) -> bool:
        """Whether an editable or local path installed at `cell`:`line` comes after the notebook cloned the repository
        (`pip install -e .` in its folder)."""
        return self.cloned_at is not None and self.cloned_at < (cell, line)

    def declared_file(self, name: str, cell: int, line: int) -> bool:
        """Whether `-r name`, run at `cell`:`line` after the notebook cloned the repository, is one of the
        repository's own declaration files: the path inside the clone (`%cd repo`, then `-r requirements.txt`) or
        under the clone's folder (`-r repo/requirements.txt`)."""
        if not self.target(cell, line):
            return False
        path = posixpath.normpath(name)
        return path in self.declarations or path.partition("/")[2] in self.declarations


def own_code(notebook: Notebook, home: frozenset[str], projects=None) -> OwnCode:
    """What the notebook installs of the repository it ships with: its GitHub address (facts/ci.py
    `home_repositories`) from git, or its clone's own folder (`!git clone <this repository>`, `%cd`, `!pip install
    -e .`, `!pip install -r requirements.txt`)."""
    cloned = next((clone for clone in notebook.clones if clone.url and own_url(clone.url, home)), None)
    declarations = frozenset(rel for found in projects.found for rel in found.declarations) if projects else frozenset()
    return OwnCode(home, (cloned.cell, cloned.line) if cloned is not None else None, declarations)


def own_url(url: str, home: frozenset[str]) -> bool:
    match = GITHUB_SLUG.search(url)
    return match is not None and match.group(1).lower() in home


def without_own(install, own: OwnCode, cell: int):
    """The install (run in code cell `cell`) without what it takes from the repository itself (None when that is
    all it installs)."""
    packages = [package for package in install.packages if not own.package(package)]
    local = own.target(cell, install.command.line)
    editables = [] if local else install.editables
    local_paths = [] if local else install.local_paths
    # the repository's own requirement files, installed from its clone: whether they pin is DEP001's finding there
    files = [name for name in install.requirement_files if not own.declared_file(name, cell, install.command.line)]
    if not packages and not editables and not local_paths and not files:
        return None
    return replace(install, packages=packages, editables=editables, local_paths=local_paths, requirement_files=files)


def quick_start_message(subject: str, count: int, installs: list, how: str) -> str:
    """A quick-start sets up a fresh machine on purpose: what it installs without a version is the problem."""
    loose = [package for install in installs for package in install.packages if not pinned_package(package)]
    files = [target for install in installs for target in environment_targets(install)]
    upgrade = any(
        "--upgrade" in install.flags or "-U" in install.command.argv for install in installs if install.packages
    )
    parts = []
    if loose:
        parts.append(f"{shown(loose)} {'is' if len(loose) == 1 else 'are'} not pinned")
    if files:
        parts.append(f"{shown(files)} {'is' if len(files) == 1 else 'are'} resolved anew on every run")
    detail = " and ".join(parts)
    if upgrade and loose:
        detail += ", and `--upgrade` takes the latest release each time"
    example = distribution_name(loose[0]) if loose else None
    pin = f"`{example}==<version>`" if example else "`name==<version>`"
    return (
        f"{subject} set{'s' if count == 1 else ''} up a fresh machine ({how}); {detail}: pin the versions the "
        f"notebook's outputs were made with ({pin}, in the cell or in the requirements it installs), so that every "
        "run of the quick-start gets the same environment"
    )


class NotebookInstall(Rule):
    """
    ## What it does
    Reports package installs run from notebook cells: `!pip install`, `%pip install`, `%conda install`,
    `!conda install`, `!{sys.executable} -m pip install`, `!uv pip install`, installs inside `%%bash` cells, and
    `pip install ...` alone in a cell (IPython's automagic runs it as `%pip`).
    An install of what the project already declares (`-e .`, a package its requirements list, another
    requirements file) is advised to move before the kernel starts, not to be declared again. An install of
    nothing but the notebook's own project's declared requirements (`!pip install -r requirements.txt` with the
    file in the notebook's folder, `-r ../requirements.txt`) installs the declared environment and is not reported:
    whether that file pins is DEP001's finding. Nor is an install that names an exact version of all it installs
    (`==` pins, a release archive such as `.../release/0.1.3/kfp.tar.gz`, a VCS URL at a commit) in a project that
    declares its environment in no file: the notebook is where it is recorded, exactly.
    A Colab setup cell, in a notebook that clones a repository before its first install (`!git clone ...`, `%cd`,
    then the install) or is made to run on Colab (an "Open in Colab" badge or link, a `google.colab` import,
    Colab's metadata), sets up a fresh machine where no kernel can be started after installing: it is reported at
    info, advising to pin what it installs (naming what is unpinned, and `--upgrade`, which takes the latest
    release each time), and not at all when it pins everything or when all it installs is the repository it ships
    with: its own GitHub address from git (`pip install git+https://github.com/org/this-repo`; the address the
    root setup files give, the repository the README tells users to clone), its clone's folder (`git clone <this
    repository>`, then `pip install -e .`) or its clone's own requirement files (`%cd <repository>`, then `pip
    install -r requirements.txt`, or `-r <repository>/requirements.txt`: whether they pin is DEP001's finding on
    that file). Elsewhere such an install is advised to move before the kernel starts, never to be declared in
    the project's own requirements.
    Installs that a local run never makes are not reported: those that run only on Colab or Kaggle
    (`if 'google.colab' in sys.modules:`, `if IN_COLAB:`, `if IS_COLAB or IS_KAGGLE:`, a Colab test joined to
    another by `and`), only where the import fails (in `except ImportError:` or `except ModuleNotFoundError:`
    after `try: import x`) or only behind an opt-in switch that is off as committed (`INSTALL = False`, then
    `if INSTALL:`). A notebook is reported once, at its first install, naming
    everything it installs; the other install cells are listed as related locations.

    ## Why it matters
    The environment then depends on which cells someone happened to run, and when: the install is unpinned more
    often than not, invisible to the project's declared dependencies and lock, and resolved anew on every run.
    Nobody can rebuild the environment the results came from.

    ## Example
    ```python
    %pip install transformers datasets
    ```

    ## Fix
    Declare the packages in the project's requirements (or environment.yml), lock them, install the
    environment before starting Jupyter (`pip install -r requirements.txt` in a shell, then `jupyter lab`), and
    delete the install from the notebook.
    """

    code = "NB003"
    name = "notebook-install"
    severity = Severity.WARNING
    summary = "Packages installed from inside a notebook"

    def check(self, notebooks, declared_distributions, projects, roles, home_repositories):
        for path, notebook in notebooks.items():
            sites = install_sites(notebook, declared_environment(path, projects, notebook))
            if not sites:
                continue  # nothing but the notebook's own declared environment (DEP001 judges its pins)
            installs = [install for *_, found in sites for install in found]
            (cell, line, _), others = sites[0], sites[1:]
            after_clone = bool(notebook.clones) and notebook.clones[0].precedes(cell.index, line)
            quick_start = (
                "a Colab-style quick-start after cloning a repository"
                if after_clone
                else "a notebook made to run on Colab"
                if roles.made_for_colab(path)
                else None
            )
            own = own_code(notebook, home_repositories, projects)
            if quick_start is not None:
                installs = [
                    rest
                    for site, _, found in sites
                    for install in found
                    if (rest := without_own(install, own, site.index)) is not None
                ]
                if not installs:
                    continue  # it installs the repository it ships with (`pip install git+<this repository>`)
            pinned = all(pinned_install(install) for install in installs)
            if pinned and (quick_start is not None or not declares_anything(projects, path)):
                continue  # exact versions, in a quick-start or in a project that declares its environment nowhere else
            declared = declared_in_files(declared_distributions, projects, path)
            finding = self.finding(
                install_message(installs, quick_start, declared, own),
                path,
                line,
                cell=cell.index,
                json_line=cell.file_line(line),
                related=[Location(path, at, other.index, other.file_line(at)) for other, at, _ in others],
            )
            if quick_start is not None:
                finding.severity = Severity.INFO
            yield finding


def declares_anything(projects, path: str) -> bool:
    """Whether the notebook's project (or the root project) has a declaration file (requirements, setup, ...)."""
    owner = projects.owner(path)
    return any(found.declarations for found in projects.found if found.folder in (owner, ""))

"""Which of the project's own code runs from an entry point: a bounded, cached walk over a static call graph.

Code is cut into units: a module's import-time body, its `if __name__ == "__main__":` block, each top-level
function and method, each class twice (its "class" unit: making an object, which runs its constructors; its
"instance" unit: an object handed to code the walk does not follow, which may run any method the project does
not call itself), and each notebook code cell. A unit's edges are the project units it names: calls and
references (`seed_all()`, `worker_init_fn=seed_worker`), `self.method`, `super().method`, the bodies of the
project modules it imports (also through `from pkg import *`), and the methods it runs on objects of project
classes: `net = Net(); net.fit()` (names, `self.x` attributes set by any method of the class, earlier notebook
cells and the module's top level), `Net().fit()`, `net(x)` (`forward`), and what a project function does with
an object passed to it. A method that calls `self.load()` reaches the overrides of `load` in project
subclasses, once the walk has made an object of that subclass (:meth:`CallGraph.reach`). Names resolve through
imports (`from pkg.utils.seed import seed_all`, relative imports, re-exports in `__init__.py`); a name that
does not resolve to project code is not followed (no guessing).

Dispatch tables: calling an element of a table (`COMMANDS[args.command](args)`, `COMMANDS.get(name, usage)(args)`,
`handler = COMMANDS[name]; handler(args)`, `for step in STEPS: step(cfg)`, `for name, fn in TABLE.items(): fn()`)
reaches every project function and class the table's literal names (or that a lambda in it calls). The table is
found through the unit's own assignments, then the module's, then its imports (`from .registry import MODELS`,
when that module assigns the literal); every assignment to the name must be a dict/list/tuple/set literal (nested
ones included). Storing a function in a table does not run it. A module-level table that starts empty (`{}`,
`dict()`, `[]`) and that a decorator of the same module fills (`def register(fn): TABLE[fn.__name__] = fn`, or a
decorator factory whose inner function does) holds the functions and classes of that module decorated with it.
Other tables built or filled at run time (`MODELS[name] = cls` elsewhere, a decorator of another module, a
comprehension), class attributes (`self.handlers`), tables passed as arguments and methods called on an element
(`MODELS[name].build()`) stay unfollowed.

Speed: each unit's nodes are visited once, in one loop without generators, sorting out what both the edges and
the randomness scan need (:class:`UnitCode`); a name is resolved once per code context (see
:meth:`CallGraph.resolve_load`), and class bases are computed once per class.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from reprocheck.facts import fact
from reprocheck.facts.pycode import PyModule

MAX_UNITS = 5000  # per walk: a reach larger than this stops (the result stays sound for what was seen)
MAX_RESOLVE_DEPTH = 8  # re-export hops followed when resolving a name
# References whose meaning in a method depends on its class (`self.fit`, `cls.build`, `super().__init__`).
CLASS_KEYS = ("self.", "cls.", "super().")
MISSING: Final = object()
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# What making an object runs, and what calling one runs (`model(x)` runs `forward` through `nn.Module.__call__`).
CONSTRUCTORS: Final = ("__new__", "__init__", "__post_init__")
CALL_PROTOCOL: Final = ("__call__", "forward")
# `class Name(bases):` statements, read from the text to find where subclasses of a class may be.
CLASS_STATEMENT: Final = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
IDENTIFIER_WORD: Final = re.compile(r"\w+")
# Built-ins that look at an object without running its methods (dunders aside): passing one there hands it on
# to nothing.
INSPECTING_BUILTINS: Final = frozenset(
    {"isinstance", "issubclass", "getattr", "hasattr", "setattr", "delattr", "id", "type", "print", "repr", "str"}
    | {"len", "vars", "dir", "callable", "hash", "format", "bool"}
)
# Built-ins that put what they are given in a container: at import time that stores a class, it makes none (as
# does a call whose name says it registers).
STORING_BUILTINS: Final = frozenset({"dict", "list", "tuple", "set", "frozenset"})
# Decorators that register a function as a command of a CLI object run by the module (`@app.command()`).
COMMAND_DECORATORS = frozenset({"command", "main", "callback", "group", "cli", "task", "entrypoint"})
# Code sent to run elsewhere, built from its source: a Kubeflow Pipelines component (`func_to_container_op(fn)`,
# `comp.create_component_from_func(fn)`, `@dsl.component`) runs in its own container, a Kubeflow Fairing job
# (`TrainJob(Trainer, ...)`) on a cluster, and a pipeline handed to a KFP client or compiler
# (`client.create_run_from_pipeline_func(pipeline)`, `Compiler().compile(pipeline, path)`) becomes such
# components. Handing a function or class to one runs none of its code here.
KFP_ROOTS: Final = frozenset({"kfp", "kfp_tekton"})
COMPONENT_FACTORIES: Final = frozenset(
    {"func_to_container_op", "create_component_from_func", "create_component_from_func_v2", "func_to_component_text"}
    | {"component", "container_component", "python_component"}
)
FAIRING_JOBS: Final = frozenset({"TrainJob", "PredictionEndpoint"})
PIPELINE_RUNNERS: Final = frozenset({"create_run_from_pipeline_func"})
PIPELINE_COMPILERS: Final = frozenset({"Compiler", "TektonCompiler"})
# Words one of those calls needs in a text (a cheap filter before any look at its calls).
REMOTE_WORDS: Final = ("component", "container_op", "TrainJob", "PredictionEndpoint", "pipeline_func", "Compiler")


class Unit(NamedTuple):
    """A piece of code that runs as a whole: kind is body, main, function, class, instance or cell.

    (A named tuple rather than a frozen dataclass: units are hashed millions of times per run, and a tuple's
    hash is computed in C.)

    A "class" unit is the making of an object of that class (its constructors, and the overrides its base
    classes' methods call on `self`); an "instance" unit is an object of the class handed to code the walk does
    not follow (a call's argument, a return value, an element of a container): any of its methods may run."""

    path: str
    kind: str
    name: str = ""  # "main", "Trainer.fit" (function), "Trainer" (class), the cell index (cell)

    def describe(self) -> str:
        if self.kind == "function" or self.kind == "class":
            return self.name
        if self.kind == "instance":
            return f"a {self.name} object"
        if self.kind == "cell":
            return f"cell {self.name}"
        return "module body" if self.kind == "body" else '`if __name__ == "__main__"` block'


@dataclass
class Definitions:
    """Top-level functions and classes of a module, methods by class, and the `__main__` blocks."""

    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    methods: dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    main_blocks: list[ast.If] = field(default_factory=list)


def is_main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":` (either operand order)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare) or len(node.test.ops) != 1:
        return False
    if not isinstance(node.test.ops[0], ast.Eq):
        return False
    sides = [node.test.left, *node.test.comparators]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    values = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and values)


def definitions_of(tree: ast.Module | None) -> Definitions:
    found = Definitions()
    if tree is None:
        return found
    for node in tree.body:
        if isinstance(node, DEFS):
            found.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.classes[node.name] = node
            found.methods[node.name] = {n.name: n for n in node.body if isinstance(n, DEFS)}
        elif is_main_guard(node):
            found.main_blocks.append(node)
    return found


def decorator_name(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


# -- one pass over a unit's nodes -------------------------------------------------------------------
# Fields never worth visiting: plain values (names, levels, flags) and leaves no consumer looks at (`Load()`,
# `Add()`, `Eq()`, import aliases). Skipping a leaf changes no other node's order.
SKIPPED_FIELDS: Final = frozenset(
    {"ctx", "op", "ops", "names", "id", "attr", "arg", "name", "asname", "module", "level", "kind", "conversion"}
    | {"simple", "type_comment", "type_ignores", "is_async", "tag"}
)
_child_fields: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of an AST class that may hold child nodes worth visiting, in `ast.iter_child_nodes` order."""
    fields = _child_fields.get(cls)
    if fields is None:
        fields = _child_fields[cls] = tuple(name for name in cls._fields if name not in SKIPPED_FIELDS)
    return fields


def breadth_first(roots: list[ast.AST]) -> list[ast.AST]:
    """The nodes of each root in `ast.walk` order (breadth first per root, roots in order), as one list."""
    out: list[ast.AST] = []
    fields_of = _child_fields
    node_class = ast.AST
    for root in roots:
        queue = [root]
        append = queue.append
        for node in queue:  # the loop sees what it appends
            cls = node.__class__
            fields = fields_of.get(cls)
            if fields is None:
                fields = child_fields(cls)
            for name in fields:
                value = getattr(node, name)
                if value.__class__ is list:
                    for item in value:
                        if isinstance(item, node_class):
                            append(item)
                elif isinstance(value, node_class):
                    append(value)
        out.extend(queue)
    return out


def import_time_nodes(statements: list[ast.stmt]) -> list[ast.AST]:
    """Nodes that run when these statements run, in a depth-first order, as one list: function bodies are not
    entered (their decorators and default values do run), nor are the `__main__` blocks."""
    out: list[ast.AST] = []
    fields_of = _child_fields
    node_class = ast.AST
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls is ast.If and is_main_guard(node):
            continue
        out.append(node)
        if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if cls is ast.Lambda:
            continue
        fields = fields_of.get(cls)
        if fields is None:
            fields = child_fields(cls)
        children: list[ast.AST] = []
        for name in fields:
            value = getattr(node, name)
            if value.__class__ is list:
                children.extend(item for item in value if isinstance(item, node_class))
            elif isinstance(value, node_class):
                children.append(value)
        children.reverse()
        stack.extend(children)
    return out


@dataclass(frozen=True, slots=True)
class UnitCode:
    """What runs in a unit, in walk order: its calls, its references (import statements and the Name/Attribute
    loads that may name project code: at import time only called, passed or decorating ones), its simple
    assignments and its loops (`for` statements and comprehension clauses: what they bind may be a table's
    element)."""

    calls: list[ast.Call]
    references: list[ast.expr | ast.Import | ast.ImportFrom]
    assignments: list[ast.Assign | ast.AnnAssign]
    loops: list[ast.For | ast.AsyncFor | ast.comprehension]


NO_CODE: Final = UnitCode([], [], [], [])


def sort_nodes(nodes: list[ast.AST], import_time: bool) -> UnitCode:
    """Sort a unit's nodes (parents before children) into a :class:`UnitCode`."""
    calls: list[ast.Call] = []
    references: list[ast.expr | ast.Import | ast.ImportFrom] = []
    assignments: list[ast.Assign | ast.AnnAssign] = []
    loops: list[ast.For | ast.AsyncFor | ast.comprehension] = []
    runs: set[ast.AST] = set()  # at import time: what a call or a decorator runs
    call, name, attribute, load, starred = ast.Call, ast.Name, ast.Attribute, ast.Load, ast.Starred
    for node in nodes:
        cls = node.__class__
        if cls is name or cls is attribute:
            if node.ctx.__class__ is load and (not import_time or node in runs):
                references.append(node)
        elif cls is call:
            calls.append(node)
            if import_time:
                runs.add(node.func)
                runs.update(a.value if a.__class__ is starred else a for a in node.args)
                runs.update(k.value for k in node.keywords)
        elif cls is ast.Import or cls is ast.ImportFrom:
            references.append(node)
        elif cls is ast.Assign or cls is ast.AnnAssign:
            assignments.append(node)
        elif cls is ast.comprehension or cls is ast.For or cls is ast.AsyncFor:
            loops.append(node)
        elif import_time and (cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.ClassDef):
            runs.update(node.decorator_list)
    return UnitCode(calls, references, assignments, loops)


def reference_key(node: ast.AST) -> str | None:
    """What a Name/Attribute load's resolution depends on besides its code context: the dotted chain
    (`torch.nn.Linear`, `self.fit`) or `super().name`; None when it can name no project code."""
    if node.__class__ is ast.Name:
        return node.id
    parts: list[str] = []
    while node.__class__ is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if node.__class__ is ast.Name:
        parts.append(node.id)
        parts.reverse()
        return ".".join(parts)
    if len(parts) == 1 and node.__class__ is ast.Call and node.func.__class__ is ast.Name and node.func.id == "super":
        return "super()." + parts[0]
    return None


# -- dispatch tables --------------------------------------------------------------------------------
# What a table is, and the ways code takes its elements: data, read by the functions below.
TABLE_LITERALS: Final = (ast.Dict, ast.List, ast.Tuple, ast.Set)
ELEMENT_METHODS: Final = frozenset({"get", "pop", "setdefault"})  # `TABLE.get(name, usage)(args)`
VIEW_METHODS: Final = frozenset({"values", "items"})  # `for name, fn in TABLE.items(): fn()`
# Builtins that hand a table's elements on to a loop: `for i, step in enumerate(STEPS)`, `sorted(TABLE.items())`.
ITERATION_WRAPPERS: Final = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "iter"})
MAX_TABLE_NESTING = 3  # `[("prepare", prepare), ...]`, `{"a": {"fit": fit}}`: literals inside the table


def element_table(expr: ast.expr) -> ast.expr | None:
    """The table whose element `expr` takes: `T[k]`, `T[k][j]`, `T.get(k, default)` -> `T` (a Name or
    Attribute), else None."""
    cls = expr.__class__
    if cls is ast.Subscript:
        while expr.__class__ is ast.Subscript:
            expr = expr.value
    elif cls is ast.Call and expr.func.__class__ is ast.Attribute and expr.func.attr in ELEMENT_METHODS:
        expr = expr.func.value
    else:
        return None
    return expr if expr.__class__ is ast.Name or expr.__class__ is ast.Attribute else None


def iterated_table(expr: ast.expr) -> ast.expr | None:
    """The table whose elements a loop over `expr` binds: `T`, `T.values()`, `T.items()`, `enumerate(T)`."""
    if expr.__class__ is ast.Call:
        func = expr.func
        if func.__class__ is ast.Name and func.id in ITERATION_WRAPPERS and expr.args:
            expr = expr.args[0]
    if expr.__class__ is ast.Call:
        func = expr.func
        if func.__class__ is ast.Attribute and func.attr in VIEW_METHODS and not expr.args:
            expr = func.value
    return expr if expr.__class__ is ast.Name or expr.__class__ is ast.Attribute else None


def bound_names(target: ast.expr) -> list[str]:
    """The names an assignment or loop target binds (`name, fn`, `(i, (a, b))`, `*rest`)."""
    names: list[str] = []
    stack = [target]
    while stack:
        node = stack.pop()
        if node.__class__ is ast.Name:
            names.append(node.id)
        elif node.__class__ is ast.Tuple or node.__class__ is ast.List:
            stack.extend(node.elts)
        elif node.__class__ is ast.Starred:
            stack.append(node.value)
    return names


def table_aliases(code: UnitCode) -> dict[str, list[ast.expr]]:
    """Names a unit binds to an element of a table, with the table expressions: `handler = T[name]`,
    `run = T.get(name)`, `for step in STEPS`, `for name, fn in T.items()` (comprehensions too)."""
    aliases: dict[str, list[ast.expr]] = {}
    for node in code.assignments:
        table = element_table(node.value) if node.value is not None else None
        if table is not None:
            for target in node.targets if node.__class__ is ast.Assign else (node.target,):
                if target.__class__ is ast.Name:
                    aliases.setdefault(target.id, []).append(table)
    for loop in code.loops:
        table = iterated_table(loop.iter)
        if table is not None:
            for name in bound_names(loop.target):
                aliases.setdefault(name, []).append(table)
    return aliases


def table_values(literal: ast.expr, depth: int = 0) -> Iterator[ast.expr]:
    """What a table literal holds that may be project code (dict values, sequence items, nested literals): the
    Name/Attribute values, and lambdas (`lambda args: train(args)`). (`partial(train)` needs nothing here: a
    function passed to a call counts as run wherever the table is built.)"""
    if literal.__class__ is ast.Dict:
        items = [value for key, value in zip(literal.keys, literal.values, strict=True) if key is not None]
    else:
        items = literal.elts
    for item in items:
        cls = item.__class__
        if cls is ast.Name or cls is ast.Attribute or cls is ast.Lambda:
            yield item
        elif cls in TABLE_LITERALS and depth < MAX_TABLE_NESTING:
            yield from table_values(item, depth + 1)


def wrapped_callables(value: ast.expr) -> list[ast.expr]:
    """The Name/Attribute nodes a table value runs when it is called: itself, or what a lambda's body calls."""
    if value.__class__ is not ast.Lambda:
        return [value]
    return [
        node.func
        for node in ast.walk(value.body)
        if node.__class__ is ast.Call and (node.func.__class__ is ast.Name or node.func.__class__ is ast.Attribute)
    ]


EMPTY_TABLE_MAKERS: Final = frozenset({"dict", "list", "set", "OrderedDict", "defaultdict"})


def empty_table_binding(tree: ast.Module, name: str) -> bool:
    """Is `name` bound at module level exactly once, to an empty table (`{}`, `dict()`, `[]`, `OrderedDict()`)?"""
    values = [
        node.value
        for node in tree.body
        if (node.__class__ is ast.Assign and any(t.__class__ is ast.Name and t.id == name for t in node.targets))
        or (node.__class__ is ast.AnnAssign and node.target.__class__ is ast.Name and node.target.id == name)
    ]
    if len(values) != 1 or values[0] is None:
        return False
    value = values[0]
    if value.__class__ in TABLE_LITERALS:
        return not (value.keys if value.__class__ is ast.Dict else value.elts)
    return (
        value.__class__ is ast.Call
        and not value.args
        and not value.keywords
        and decorator_name(value.func) in EMPTY_TABLE_MAKERS
    )


def stores_argument_in(function: ast.FunctionDef | ast.AsyncFunctionDef, table: str) -> bool:
    """Does a decorator (or a decorator factory's inner function) store a parameter of its own in `table`
    (`table[key] = fn`, `table.append(fn)`, `table.setdefault(key, fn)`)?"""
    for node in ast.walk(function):
        if node.__class__ not in DEFS:
            continue
        params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
        for part in ast.walk(node):
            if part.__class__ is ast.Assign:
                stored = part.value
                targets = [t.value for t in part.targets if t.__class__ is ast.Subscript]
            elif part.__class__ is ast.Call and part.func.__class__ is ast.Attribute and part.args:
                if part.func.attr not in ("append", "add", "setdefault"):
                    continue
                stored = part.args[-1]
                targets = [part.func.value]
            else:
                continue
            if (
                stored.__class__ is ast.Name
                and stored.id in params
                and any(t.__class__ is ast.Name and t.id == table for t in targets)
            ):
                return True
    return False


def registering_decorator(node: ast.expr) -> str:
    """The name of a module-level decorator as applied: `@register` or `@register("name")`."""
    node = node.func if node.__class__ is ast.Call else node
    return node.id if node.__class__ is ast.Name else ""


def class_bases(text: str) -> list[list]:
    """[class name, [words of its bases]] for each class statement of a text (JSON data: kept between runs)."""
    if "class" not in text:
        return []
    return [[subclass, IDENTIFIER_WORD.findall(bases)] for subclass, bases in CLASS_STATEMENT.findall(text)]


class CallGraph:
    """Units, their edges and reachability for one run; every per-unit result is cached."""

    def __init__(self, python_modules: dict[str, PyModule], module_index: dict[str, list[str]], notebook_modules):
        self.modules = python_modules
        self.index = module_index
        self.cells: dict[tuple[str, str], PyModule] = {}
        self.notebook_cells: dict[str, list[Unit]] = {}
        for path, cells in notebook_modules.items():
            units = []
            for cell in cells:
                unit = Unit(path, "cell", str(cell.cell))
                self.cells[(path, unit.name)] = cell.module
                units.append(unit)
            self.notebook_cells[path] = units
        self._defs: dict[str, Definitions] = {}
        self._code: dict[Unit, UnitCode] = {}
        self._edges: dict[Unit, list[Unit]] = {}
        self._ancestors: dict[Unit, set[str]] = {}
        self._bases: dict[Unit, list[tuple[Unit | None, str | None]]] = {}
        self._resolved: dict[tuple[str, str, str], dict[str, Unit | None]] = {}
        self._module_paths: dict[tuple[str, str], str | None] = {}
        self._tables: dict[tuple[str, str], tuple[Unit, ...] | None] = {}
        self._held: dict[Unit, dict[str, list[Unit]]] = {}
        self._attributes: dict[Unit, dict[str, list[Unit]]] = {}
        self._class_stored: dict[str, tuple[frozenset[int], dict[str, list[Unit]]]] = {}
        self._body_uses: dict[str, list[tuple[ast.AST, list[Unit]]]] = {}
        self._parameter_uses: dict[tuple[Unit, str], tuple[frozenset[str], bool, bool]] = {}
        self._self_calls: dict[Unit, frozenset[str]] = {}
        self._internal: dict[Unit, frozenset[str]] = {}
        self._subclass_files: dict[str, list[str]] = {}
        self._overrides: dict[Unit, list[tuple[Unit, Unit]]] = {}
        self._base_index: dict[str, set[tuple[str, str]]] | None = None
        self._star_bound: dict[tuple[tuple[str, ...], str, str], str | None] = {}
        self._imported_paths: frozenset[str] | None = None
        self._elsewhere: dict[Unit, bool] = {}
        self._component_cells: dict[str, dict[Unit, tuple[str, tuple[str, ...]]]] = {}

    # -- code of a unit ---------------------------------------------------------------------------
    def source(self, unit: Unit) -> PyModule | None:
        if unit.kind == "cell":
            return self.cells.get((unit.path, unit.name))
        return self.modules.get(unit.path)

    def definitions(self, path: str) -> Definitions:
        if path not in self._defs:
            module = self.modules.get(path)
            self._defs[path] = definitions_of(module.tree if module is not None else None)
        return self._defs[path]

    def function_node(self, unit: Unit) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        defs = self.definitions(unit.path)
        owner, _, method = unit.name.partition(".")
        if method:
            return defs.methods.get(owner, {}).get(method)
        return defs.functions.get(owner)

    def code(self, unit: Unit) -> UnitCode:
        """The calls, references and assignments of `unit`, from one pass over its nodes (cached)."""
        found = self._code.get(unit)
        if found is None:
            found = self._code[unit] = self._sort_code(unit)
        return found

    def _sort_code(self, unit: Unit) -> UnitCode:
        module = self.source(unit)
        tree = module.tree if module is not None else None
        if tree is None:
            return NO_CODE
        if unit.kind == "cell":
            nodes = breadth_first([tree])
        elif unit.kind == "body":
            nodes = import_time_nodes(tree.body)
        elif unit.kind == "main":
            nodes = []
            for block in self.definitions(unit.path).main_blocks:
                nodes.extend(import_time_nodes(block.body))
        elif unit.kind == "function":
            node = self.function_node(unit)
            nodes = breadth_first(node.body) if node is not None else []
        else:
            return NO_CODE
        return sort_nodes(nodes, unit.kind == "body")

    def line(self, unit: Unit) -> int:
        """Where a finding about `unit` as an entry point belongs."""
        if unit.kind == "function":
            node = self.function_node(unit)
            return node.lineno if node is not None else 1
        if unit.kind == "main":
            blocks = self.definitions(unit.path).main_blocks
            return blocks[0].lineno if blocks else 1
        if unit.kind == "class":
            node = self.definitions(unit.path).classes.get(unit.name)
            return node.lineno if node is not None else 1
        return 1

    # -- resolution -------------------------------------------------------------------------------
    def module_path(self, name: str, near: str) -> str | None:
        """The project file importable as `name` from a file at `near` (the closest one when several)."""
        paths = self.index.get(name)
        if not paths:
            return None
        key = (name, near)
        if key in self._module_paths:
            return self._module_paths[key]
        found = self._module_paths[key] = self._closest_module(name, near, paths)
        return found

    def sibling_module(self, parts: list[str], near: str) -> str | None:
        """The file next to `near` that `import a.b` finds when `near` runs as a script (its folder is first on
        `sys.path`), even inside a package (`python src/train.py` doing `from util import x`)."""
        folder = near.rsplit("/", 1)[0] + "/" if "/" in near else ""
        stem = folder + "/".join(parts)
        for candidate in (stem + ".py", stem + "/__init__.py"):
            if candidate in self.modules:
                return candidate
        return None

    def imported_paths(self) -> frozenset[str]:
        """The project modules that some project module or notebook imports (any dotted prefix of an import,
        relative imports resolved): a module nothing imports and no entry point runs is dead code or somebody
        else's. Computed once per run."""
        if self._imported_paths is None:
            self._imported_paths = frozenset(target for _, _, _, target in self.import_targets())
        return self._imported_paths

    def import_targets(self, ancestors: bool = False) -> Iterator[tuple[str, PyModule, object, str]]:
        """(importing path, importing module or cell, import item, imported project module) for every import of a
        project module by a project module or notebook cell. With `ancestors`, an absolute import that resolves
        nowhere else is looked for under the folders above the importing file too (`from envs.metaworld import
        make_env` in `tdmpc2/envs/__init__.py` finds `tdmpc2/envs/metaworld.py` when scripts in `tdmpc2/` run)."""
        importers = [*self.modules.items(), *((path, module) for (path, _), module in self.cells.items())]
        for path, module in importers:
            for item in module.imports:
                # a relative import resolved (`from . import lra` in `dataloaders/`: `dataloaders`), and as written
                bases = {item.module or ""}
                if item.level:
                    bases.add(module.resolve_relative(item.module, item.level))
                names = [*bases, *(f"{base}.{name}" if base else name for base in bases for name in item.names)]
                targets = set()
                for name in names:
                    parts = name.split(".") if name else []
                    for depth in range(1, len(parts) + 1):
                        target = self.module_path(".".join(parts[:depth]), path)
                        if target is None and not item.level:
                            target = self.sibling_module(parts[:depth], path)
                        if target is None and not item.level and ancestors:
                            target = self.ancestor_module(parts[:depth], path)
                        if target is not None and target != path:
                            targets.add(target)
                for target in targets:
                    yield path, module, item, target

    def ancestor_module(self, parts: list[str], near: str) -> str | None:
        """The module `import a.b` finds under the closest folder above `near` that holds it."""
        folder = posixpath.dirname(near)
        while folder:
            folder = posixpath.dirname(folder)
            stem = posixpath.join(folder, *parts)
            for candidate in (stem + ".py", stem + "/__init__.py"):
                if candidate in self.modules:
                    return candidate
        return None

    def _closest_module(self, name: str, near: str, paths: list[str]) -> str | None:
        usable = []
        for path in paths:
            module = self.modules.get(path)
            canonical = module.module_name if module is not None else None
            if name == canonical or "." in name:
                usable.append(path)  # its own name, or a dotted one (from the root, after src/, a namespace)
            elif "." not in name and posixpath.dirname(path) == posixpath.dirname(near):
                usable.append(path)  # a sibling module imported from a script folder
        if not usable:
            return None
        return max(usable, key=lambda p: (len(posixpath.commonprefix([p, near])), -len(p)))

    def resolve_qualified(self, qualified: str, near: str, depth: int = 0) -> Unit | None:
        """The project unit a dotted name denotes (`pkg.utils.seed_all`), or None when it is not project code."""
        if depth > MAX_RESOLVE_DEPTH:
            return None
        parts = qualified.split(".")
        for i in range(len(parts), 0, -1):
            path = self.module_path(".".join(parts[:i]), near)
            if path is not None:
                return self.resolve_in(path, parts[i:], depth)
        return None

    def resolve_in(self, path: str, rest: list[str], depth: int) -> Unit | None:
        if not rest:
            return Unit(path, "body")
        defs = self.definitions(path)
        head = rest[0]
        if head in defs.functions:
            return Unit(path, "function", head)
        if head in defs.classes:
            if len(rest) > 1 and rest[1] in defs.methods.get(head, {}):
                return Unit(path, "function", f"{head}.{rest[1]}")
            return Unit(path, "class", head)
        module = self.modules.get(path)
        bound = module.bindings.get(head) if module is not None else None
        if bound:
            return self.resolve_qualified(".".join([bound, *rest[1:]]), path, depth + 1)
        return self.resolve_starred(module, rest, path, depth) if module is not None else None

    def resolve_starred(self, module: PyModule, rest: list[str], near: str, depth: int) -> Unit | None:
        """A name that `from pkg import *` brought into `module`, looked up in each starred project module."""
        for star in module.star_imports:
            found = self.resolve_qualified(".".join([star, *rest]), near, depth + 1)
            if found is not None:
                return found
        return None

    def star_qualname(self, module: PyModule, near: str, node: ast.AST) -> str | None:
        """:meth:`PyModule.qualname`, also through `from config import *` of a project module that imports the
        name (`import numpy as np` in config.py makes `np.random.seed(0)` here `numpy.random.seed`)."""
        qualified = module.qualname(node)
        if qualified is not None or not module.star_imports:
            return qualified
        attrs: list[str] = []
        while node.__class__ is ast.Attribute:
            attrs.append(node.attr)
            node = node.value
        if node.__class__ is not ast.Name:
            return None
        base = self.star_binding(module.star_imports, near, node.id, 0)
        return ".".join([base, *reversed(attrs)]) if base is not None else None

    def star_binding(self, stars: tuple[str, ...], near: str, name: str, depth: int) -> str | None:
        """What an import in one of the starred project modules binds `name` to (exported names only: no leading
        underscore, and listed in a literal `__all__` where the module has one), following their own star imports."""
        key = (stars, posixpath.dirname(near), name)
        if key in self._star_bound:
            return self._star_bound[key]
        found = self._star_bound[key] = None
        if name.startswith("_") or depth > 3:
            return None
        for star in stars:
            path = self.module_path(star, near)
            starred = self.modules.get(path) if path is not None else None
            if starred is None or not exports(starred, name):
                continue
            found = starred.bindings.get(name)
            if found is None and starred.star_imports:
                found = self.star_binding(starred.star_imports, path, name, depth + 1)
            if found is not None:
                break
        self._star_bound[key] = found
        return found

    def resolver(self, unit: Unit) -> tuple[dict[str, Unit | None], dict[str, Unit | None]]:
        """The memos of :meth:`resolve_load` for `unit`'s code context, reference_key -> resolved unit: one for
        its source (a file, or a notebook cell), and one for its class when it is a method (`self.x`,
        `super().x` depend on the class)."""
        cell = unit.name if unit.kind == "cell" else ""
        owner = unit.name.partition(".")[0] if unit.kind == "function" and "." in unit.name else ""
        module_memo = self._resolved.get((unit.path, cell, ""))
        if module_memo is None:
            module_memo = self._resolved[(unit.path, cell, "")] = {}
        if not owner:
            return module_memo, module_memo
        class_memo = self._resolved.get((unit.path, "", owner))
        if class_memo is None:
            class_memo = self._resolved[(unit.path, "", owner)] = {}
        return module_memo, class_memo

    def resolve_load(
        self,
        unit: Unit,
        node: ast.AST,
        memos: tuple[dict[str, Unit | None], dict[str, Unit | None]] | None = None,
    ) -> Unit | None:
        """:meth:`resolve_node` for a Name/Attribute node, computed once per code context and dotted name (an
        attribute chain and each of its prefixes is met once per use, tens of thousands of times per run)."""
        key = reference_key(node)
        if key is None:
            return None
        module_memo, class_memo = memos if memos is not None else self.resolver(unit)
        memo = class_memo if key.startswith(CLASS_KEYS) and key.count(".") == 1 else module_memo
        try:
            return memo[key]
        except KeyError:
            found = memo[key] = self.resolve_node(unit, node)
            return found

    def resolve_node(self, unit: Unit, node: ast.AST) -> Unit | None:
        """The project unit that a Name or Attribute node in `unit` denotes, if any."""
        module = self.source(unit)
        if module is None:
            return None
        if isinstance(node, ast.Name):
            if node.id in module.bindings:
                return self.resolve_qualified(module.bindings[node.id], unit.path)
            if unit.kind != "cell":
                return self.resolve_in(unit.path, [node.id], 0)  # a local or starred definition
            return self.resolve_starred(module, [node.id], unit.path, 0)
        if not isinstance(node, ast.Attribute):
            return None
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls") and unit.kind == "function" and "." in unit.name:
            return self.method_of(Unit(unit.path, "class", unit.name.split(".")[0]), node.attr)
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
            if unit.kind == "function" and "." in unit.name:
                owner = Unit(unit.path, "class", unit.name.split(".")[0])
                for parent in self.project_bases(owner):
                    found = self.method_of(parent, node.attr)
                    if found is not None:
                        return found
            return None
        qualified = module.qualname(node)
        if qualified is not None:
            return self.resolve_qualified(qualified, unit.path)
        if isinstance(base, ast.Name) and unit.kind != "cell" and base.id in self.definitions(unit.path).classes:
            return self.method_of(Unit(unit.path, "class", base.id), node.attr)
        return None

    def method_of(self, cls: Unit, name: str) -> Unit | None:
        """`name` looked up on project class `cls` and its project base classes, depth first (without recursion:
        a chain of thousands of classes must not hit Python's limit)."""
        stack, seen = [cls], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if name in self.definitions(current.path).methods.get(current.name, {}):
                return Unit(current.path, "function", f"{current.name}.{name}")
            stack.extend(reversed(self.project_bases(current)))
        return None

    def class_bases(self, cls: Unit) -> list[tuple[Unit | None, str | None]]:
        """Each base of a project class: (project class unit, None) or (None, external qualified name); cached.

        A base naming the class itself (`class A(A.x)`) sees no bases while they are being computed."""
        found = self._bases.get(cls)
        if found is None:
            self._bases[cls] = []  # cycle guard
            found = self._bases[cls] = self._class_bases(cls)
        return found

    def _class_bases(self, cls: Unit) -> list[tuple[Unit | None, str | None]]:
        node = self.definitions(cls.path).classes.get(cls.name)
        module = self.modules.get(cls.path)
        if node is None or module is None:
            return []
        bases = []
        for base in node.bases:
            target = self.resolve_node(Unit(cls.path, "body"), base)
            if target is not None and target.kind == "class":
                bases.append((target, None))
            else:
                bases.append((None, module.qualname(base)))
        return bases

    def project_bases(self, cls: Unit) -> list[Unit]:
        return [unit for unit, _ in self.class_bases(cls) if unit is not None]

    def ancestors(self, cls: Unit) -> set[str]:
        """External qualified names among all ancestors of a project class (`torch.nn.Module`, ...)."""
        if cls in self._ancestors:
            return self._ancestors[cls]
        # Depth first without recursion (a chain of a few thousand classes must not hit Python's limit); each
        # class is finished after its bases, so every class met is cached.
        bases_of: dict[Unit, list[tuple[Unit | None, str | None]]] = {}
        stack: list[tuple[Unit, bool]] = [(cls, False)]
        while stack:
            unit, bases_done = stack.pop()
            if bases_done:
                found: set[str] = set()
                for base, name in bases_of[unit]:
                    if base is not None:
                        found |= self._ancestors[base]
                    elif name:
                        found.add(name)
                self._ancestors[unit] = found
                continue
            if unit in self._ancestors:
                continue
            self._ancestors[unit] = set()  # cycle guard
            bases_of[unit] = self.class_bases(unit)
            stack.append((unit, True))
            stack.extend((base, False) for base, _ in bases_of[unit] if base is not None)
        return self._ancestors[cls]

    # -- dispatch tables --------------------------------------------------------------------------
    def dispatch_targets(self, unit: Unit) -> list[Unit]:
        """The project units `unit` reaches by calling an element of a table (see the module docstring)."""
        code = self.code(unit)
        aliases: dict[str, list[ast.expr]] | None = None
        found: dict[Unit, None] = {}
        for call in code.calls:
            func = call.func
            cls = func.__class__
            if cls is ast.Name:
                if aliases is None:
                    aliases = table_aliases(code)
                tables = aliases.get(func.id, ())
            elif cls is ast.Subscript or cls is ast.Call:
                table = element_table(func)
                tables = (table,) if table is not None else ()
            else:
                continue
            for table in tables:
                for target in self.table_elements(unit, table):
                    found[target] = None
        return list(found)

    def table_elements(self, unit: Unit, table: ast.expr) -> tuple[Unit, ...]:
        """The project units named by the table that `table` (a Name or Attribute in `unit`) denotes."""
        module = self.source(unit)
        if module is None:
            return ()
        if table.__class__ is ast.Attribute:
            qualified = module.qualname(table)
            return (self.qualified_table(qualified, unit.path) if qualified else None) or ()
        name = table.id
        if unit.kind != "body":
            literals = self.scope_literals(unit, name)
            if literals is not MISSING:
                return self.literal_elements(unit, literals) if literals else ()
        if unit.kind == "cell":
            bound = module.bindings.get(name)
            return (self.qualified_table(bound, unit.path) if bound else None) or ()
        return self.module_table(unit.path, name) or ()

    def scope_literals(self, unit: Unit, name: str):
        """The table literals `name` is assigned in `unit`'s own code: MISSING when the unit does not bind it,
        None when a binding is not a literal (a parameter, a loop variable, a call's result)."""
        code = self.code(unit)
        literals: list[ast.expr] = []
        bound = False
        for node in code.assignments:
            for target in node.targets if node.__class__ is ast.Assign else (node.target,):
                if target.__class__ is ast.Name:
                    if target.id != name:
                        continue
                    bound = True
                    if node.value is None:  # `name: dict[str, Callable]` declares, binds nothing
                        continue
                    if node.value.__class__ not in TABLE_LITERALS:
                        return None
                    literals.append(node.value)
                elif name in bound_names(target):
                    return None
        if any(name in bound_names(loop.target) for loop in code.loops):
            return None
        if unit.kind == "function":
            function = self.function_node(unit)
            args = function.args if function is not None else None
            if args is not None and any(
                arg.arg == name
                for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
                if arg is not None
            ):
                return None
        return literals if bound else MISSING

    def literal_elements(self, scope: Unit, literals: list[ast.expr]) -> tuple[Unit, ...]:
        """The project units the values of table literals in `scope` resolve to."""
        memos = self.resolver(scope)
        found: dict[Unit, None] = {}
        for literal in literals:
            for value in table_values(literal):
                for node in wrapped_callables(value):
                    target = self.resolve_load(scope, node, memos)
                    if target is not None:
                        found[target] = None
        return tuple(found)

    def module_table(self, path: str, name: str, depth: int = 0) -> tuple[Unit, ...] | None:
        """The elements of the module-level table `name` of project module `path` (assigned there, or imported
        into it), or None when `name` is no table there; cached."""
        key = (path, name)
        found = self._tables.get(key, MISSING)
        if found is not MISSING:
            return found
        self._tables[key] = None  # cycle guard: `from b import T` in a, `from a import T` in b
        body = Unit(path, "body")
        literals = self.scope_literals(body, name)
        if literals is MISSING:
            module = self.modules.get(path)
            bound = module.bindings.get(name) if module is not None else None
            found = self.qualified_table(bound, path, depth + 1) if bound else None
        else:
            found = self.literal_elements(body, literals) if literals is not None else None
            if not found:
                registered = self.registered_elements(path, name)
                found = registered if registered else found
        self._tables[key] = found
        return found

    def registered_elements(self, path: str, name: str) -> tuple[Unit, ...] | None:
        """The functions and classes of module `path` decorated with a decorator of that module that stores its
        argument in the module-level table `name`, which starts empty (`{}`, `dict()`, `[]`); None otherwise."""
        module = self.modules.get(path)
        tree = module.tree if module is not None else None
        if tree is None or not empty_table_binding(tree, name):
            return None
        defs = self.definitions(path)
        decorators = {function_name for function_name, node in defs.functions.items() if stores_argument_in(node, name)}
        if not decorators:
            return None
        found: list[Unit] = []
        for node in tree.body:
            if isinstance(node, (*DEFS, ast.ClassDef)) and any(
                registering_decorator(d) in decorators for d in node.decorator_list
            ):
                found.append(Unit(path, "class" if isinstance(node, ast.ClassDef) else "function", node.name))
        return tuple(found) or None

    def qualified_table(self, qualified: str, near: str, depth: int = 0) -> tuple[Unit, ...] | None:
        """The elements of the table a dotted name denotes (`pkg.registry.MODELS`), or None."""
        if depth > MAX_RESOLVE_DEPTH:
            return None
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            path = self.module_path(".".join(parts[:i]), near)
            if path is not None:
                return self.module_table(path, parts[i], depth) if i == len(parts) - 1 else None
        return None

    # -- edges and reach --------------------------------------------------------------------------
    def edges(self, unit: Unit) -> list[Unit]:
        if unit not in self._edges:
            self._edges[unit] = self._compute_edges(unit)
        return self._edges[unit]

    def _compute_edges(self, unit: Unit) -> list[Unit]:
        found: dict[Unit, None] = {}
        if unit.kind == "class":
            return self.construction_edges(unit)
        if unit.kind == "instance":
            cls = Unit(unit.path, "class", unit.name)
            internal = self.internal_methods(cls)
            for name in self.definitions(unit.path).methods.get(unit.name, {}):
                if name in CONSTRUCTORS:  # run where it is made (its "class" unit)
                    continue
                if name not in internal or (name.startswith("__") and name.endswith("__")):
                    found[Unit(unit.path, "function", f"{unit.name}.{name}")] = None
            for parent in self.project_bases(cls):
                found[Unit(parent.path, "instance", parent.name)] = None
            return list(found)
        module = self.source(unit)
        if module is None:
            return []
        if unit.kind in ("function", "main"):
            found[Unit(unit.path, "body")] = None  # the module is imported for its code to run
        # At import time a function only runs when called, passed to a call or used as a decorator; one merely
        # stored in a module-level table (`MODELS = {"a": build_a}`) does not. Code that runs later (functions,
        # the `__main__` block, cells) may call whatever it names, so every reference counts there (see
        # `sort_nodes`).
        memos = self.resolver(unit)
        module_memo = memos[0]
        code = self.code(unit)
        callees: set[ast.expr] | None = None
        inspected: set[ast.expr] | None = None
        sent = sent_arguments(module, code) if may_send(module) else None
        for node in code.references:
            cls = node.__class__
            if cls is ast.Name:  # the commonest reference, inlined from resolve_load
                target = module_memo.get(node.id, MISSING)
                if target is MISSING:
                    target = module_memo[node.id] = self.resolve_node(unit, node)
            elif cls is ast.Attribute:
                target = self.resolve_load(unit, node, memos)
            else:
                for target in self.imported_bodies(module, node):
                    found[target] = None
                continue
            if target is not None and target != unit:
                if sent and node in sent:
                    continue  # `func_to_container_op(train)`, `TrainJob(Trainer)`: sent to run elsewhere
                if target.kind == "function" and self.runs_elsewhere(target):
                    continue  # `@dsl.component def train()`: calling it in a pipeline makes a task
                if target.kind == "class":  # made here (`Net(...)`), or handed on to be made elsewhere
                    if callees is None:
                        callees = {call.func for call in code.calls}
                        inspected = inspected_arguments(code)
                    if node in inspected:
                        continue  # `isinstance(module, Net)`, `Net.collate_fn` make nothing
                    if unit.kind == "body" and node in stored_arguments(code):
                        continue  # `BLOCKS = dict(basic=BasicBlock)` at import time stores the class, makes none
                    if node not in callees:  # a factory: made elsewhere, with any arguments, and handed on
                        found[target] = None
                        target = Unit(target.path, "instance", target.name)
                found[target] = None
        for target in self.dispatch_targets(unit):
            if target != unit:
                found[target] = None
                if target.kind == "class":
                    found[Unit(target.path, "instance", target.name)] = None
        for target in self.object_targets(unit):
            if target != unit:
                found[target] = None
        return list(found)

    # -- objects of project classes ---------------------------------------------------------------
    def construction_edges(self, cls: Unit) -> list[Unit]:
        """What making an object of `cls` runs: its constructors (a base's `__init__` calling `self.setup()` runs
        the subclass's override through :meth:`overrides`)."""
        found: dict[Unit, None] = {}
        for name in CONSTRUCTORS:
            method = self.method_of(cls, name)
            if method is not None:
                found[method] = None
        found[Unit(cls.path, "body")] = None
        for owner in [cls, *self.project_ancestors(cls)]:
            for target in self.class_stored_objects(owner.path)[1].get(owner.name, ()):
                found[target] = None
        return list(found)

    def override_edges(self, unit: Unit) -> list[tuple[Unit, Unit]]:
        """(subclass, override) for the methods a method looks up on `self`: `self.load()` in `Base.run` runs
        `Child.load` when `self` is a `Child`; the reach takes it once a `Child` object exists (cached)."""
        if unit.kind != "function" or "." not in unit.name:
            return []
        found = self._overrides.get(unit)
        if found is None:
            names = set()
            for node in self.code(unit).references:
                key = reference_key(node)
                if key is not None and key.startswith("self.") and key.count(".") == 1:
                    names.add(key[5:])
            found = self._overrides[unit] = self.overrides_of(unit, names) if names else []
        return found

    def overrides_of(self, unit: Unit, names: set[str]) -> list[tuple[Unit, Unit]]:
        """(subclass, method) for the methods called `names` that project subclasses of `unit`'s class define.

        Files are found by a text index of class statements; only those that define one of `names` (by text)
        are parsed, and their classes checked through their resolved bases."""
        cls = Unit(unit.path, "class", unit.name.partition(".")[0])
        words = tuple(sorted(f"def {name}" for name in names))
        found: list[tuple[Unit, Unit]] = []
        for path in self.subclass_files(cls.name):
            module = self.modules.get(path)
            if module is None or not module.mentions(*words):
                continue
            for name, methods in self.definitions(path).methods.items():
                sub = Unit(path, "class", name)
                overridden = sorted(names.intersection(methods))
                if sub != cls and overridden and cls in self.project_ancestors(sub):
                    found.extend((sub, Unit(path, "function", f"{name}.{method}")) for method in overridden)
        return found

    def subclass_files(self, name: str) -> list[str]:
        """Files whose class statements may derive from a class called `name`, directly or through classes
        they define (by text: `class B(A)`, `class C(mod.B)`), cached."""
        found = self._subclass_files.get(name)
        if found is None:
            index = self.base_index()
            paths: set[str] = set()
            pending, seen = [name], {name}
            while pending:
                for path, subclass in index.get(pending.pop(), ()):
                    paths.add(path)
                    if subclass not in seen:
                        seen.add(subclass)
                        pending.append(subclass)
            found = self._subclass_files[name] = sorted(paths)
        return found

    def base_index(self) -> dict[str, set[tuple[str, str]]]:
        """Word of a base class -> (file, class) of the class statements naming it, over every module: the one
        project-wide input of the reach besides the file list (built once, from each file's kept answer)."""
        if self._base_index is None:
            self._base_index = {}
            for path, module in self.modules.items():
                for subclass, words in module.remembered("class-bases", class_bases):
                    for word in words:
                        self._base_index.setdefault(word, set()).add((path, subclass))
        return self._base_index

    def project_ancestors(self, cls: Unit) -> list[Unit]:
        """The project base classes of `cls`, transitively (each once)."""
        seen: dict[Unit, None] = {}
        stack = list(self.project_bases(cls))
        while stack:
            base = stack.pop()
            if base not in seen and base != cls:
                seen[base] = None
                stack.extend(self.project_bases(base))
        return list(seen)

    def internal_methods(self, cls: Unit) -> frozenset[str]:
        """Methods the project itself runs by name: looked up on `self` in the class or its bases, or as
        `Cls.name` in the class's module. Code that an object is handed to can run the others (the hooks a
        framework calls: `training_step`, `__getitem__`); these run where the project runs them (cached)."""
        found = self._internal.get(cls)
        if found is None:
            names = set(self.self_calls(cls))
            for base in self.project_ancestors(cls):
                names |= self.self_calls(base)
            prefix = cls.name + "."
            for unit in self.units_of(cls.path):
                for node in self.code(unit).references:
                    key = reference_key(node)
                    if key is not None and key.startswith(prefix) and key.count(".") == 1:
                        names.add(key[len(prefix) :])
            found = self._internal[cls] = frozenset(names)
        return found

    def self_calls(self, cls: Unit) -> frozenset[str]:
        """Names the methods of `cls` look up on `self` (`self.setup`), cached."""
        found = self._self_calls.get(cls)
        if found is None:
            names = set()
            for method in self.definitions(cls.path).methods.get(cls.name, {}):
                for node in self.code(Unit(cls.path, "function", f"{cls.name}.{method}")).references:
                    key = reference_key(node)
                    if key is not None and key.startswith("self.") and key.count(".") == 1:
                        names.add(key[5:])
            found = self._self_calls[cls] = frozenset(names)
        return found

    def made_objects(self, unit: Unit, memos=None) -> dict[ast.Call, Unit]:
        """The calls in `unit` that make an object of a project class (`Net(...)`), with the class."""
        made: dict[ast.Call, Unit] = {}
        memos = memos if memos is not None else self.resolver(unit)
        for call in self.code(unit).calls:
            func = call.func
            if func.__class__ is ast.Name or func.__class__ is ast.Attribute:
                target = self.resolve_load(unit, func, memos)
                if target is not None and target.kind == "class":
                    made[call] = target
        return made

    def held_objects(self, unit: Unit, made: dict[ast.Call, Unit]) -> dict[str, list[Unit]]:
        """Names and `self` attributes that hold an object of a project class in `unit`, by reference key:
        assigned here (`net = Net()`), in the code whose names it sees (the module's top level for a function,
        earlier cells for a cell) or, in a method, to `self.x` by any method of its class or its base classes."""
        held: dict[str, list[Unit]] = {}
        for key, classes in self.assigned_objects(unit, made).items():
            held.setdefault(key, []).extend(classes)
        if unit.kind == "function" and "." in unit.name:
            owner = Unit(unit.path, "class", unit.name.partition(".")[0])
            for key, classes in self.class_attributes(owner).items():
                held.setdefault(key, []).extend(classes)
        for scope in self.enclosing_scopes(unit):
            for key, classes in self.assigned_objects(scope).items():
                if "." not in key:
                    held.setdefault(key, []).extend(classes)
        return held

    def assigned_objects(self, unit: Unit, made: dict[ast.Call, Unit] | None = None) -> dict[str, list[Unit]]:
        """Reference keys that `unit` itself assigns an object of a project class (`net = Net()`), cached."""
        found = self._held.get(unit)
        if found is None:
            made = made if made is not None else self.made_objects(unit)
            found = {}
            for node in self.code(unit).assignments if made else ():
                for value in assigned_values(node.value):
                    cls = made.get(value)
                    if cls is None:
                        continue
                    for target in node.targets if node.__class__ is ast.Assign else (node.target,):
                        key = reference_key(target)
                        if key is not None:
                            found.setdefault(key, []).append(cls)
            self._held[unit] = found
        return found

    def class_attributes(self, cls: Unit) -> dict[str, list[Unit]]:
        """`self.x` keys that methods of `cls` and its project base classes assign an object of a project class."""
        found = self._attributes.get(cls)
        if found is not None:
            return found
        self._attributes[cls] = {}  # cycle guard
        found = {}
        for owner in [cls, *self.project_ancestors(cls)]:
            for name in self.definitions(owner.path).methods.get(owner.name, {}):
                method = Unit(owner.path, "function", f"{owner.name}.{name}")
                for key, classes in self.assigned_objects(method).items():
                    if key.startswith("self.") and key.count(".") == 1:
                        found.setdefault(key, []).extend(classes)
        self._attributes[cls] = found
        return found

    def enclosing_scopes(self, unit: Unit) -> list[Unit]:
        """Code whose global names `unit` sees: a function or the `__main__` block sees the module's top level
        (and the `__main__` block's names), a notebook cell the earlier cells."""
        if unit.kind == "cell":
            cells = self.notebook_cells.get(unit.path, [])
            return cells[: cells.index(unit)] if unit in cells else []
        if unit.kind == "function":
            main = [Unit(unit.path, "main")] if self.definitions(unit.path).main_blocks else []
            return [Unit(unit.path, "body"), *main]
        return [Unit(unit.path, "body")] if unit.kind == "main" else []

    def object_targets(self, unit: Unit) -> list[Unit]:
        """The methods `unit` runs on objects of project classes: `net.fit()` and `Net().fit()` run `fit`,
        `net(x)` runs `__call__` (or `forward`), `train(net)` runs what the project function `train` does with
        its parameter; an object handed on anywhere else (to a library, returned, put in a container) may have
        any method run (its "instance" unit). Built-ins that only inspect an object (`isinstance`, `getattr`,
        `print`) run none."""
        found: dict[Unit, None] = {}
        for _node, targets in self.object_uses(unit):
            found.update(dict.fromkeys(targets))
        return list(found)

    def object_uses(self, unit: Unit) -> list[tuple[ast.AST, list[Unit]]]:
        """Each occurrence of an object of a project class in `unit`, with the methods that use runs (see
        :meth:`object_targets`): a branch that cannot run takes its uses with it (facts/liveness.py). At import
        time, an object only stored in a class attribute (`transforms = dict(train=Compose([Noise(p=0.5)]))` in
        a config class) is handed on when the class is used, not when its module is imported (see
        :meth:`class_stored_objects`)."""
        if unit.kind == "body":
            stored = self.class_stored_objects(unit.path)[0]
            uses = self._body_uses.pop(unit.path, None)
            if uses is None:
                uses = self.all_object_uses(unit)
            return [(node, targets) for node, targets in uses if id(node) not in stored] if stored else uses
        return self.all_object_uses(unit)

    def class_stored_objects(self, path: str) -> tuple[frozenset[int], dict[str, list[Unit]]]:
        """The objects of project classes that a module's class bodies make and only store (handed on, no method
        run at import): (ids of their nodes, the "instance" units of each class's objects, by class name). A
        config class `class Exp: transforms = [Noise()]` read by a script runs `Noise.__call__` there, but a
        script that imports the module for another name (`from configs import HW_CFG`) runs none of it."""
        found = self._class_stored.get(path)
        if found is not None:
            return found
        self._class_stored[path] = (frozenset(), {})  # cycle guard
        module = self.source(Unit(path, "body")) if path not in self.notebook_cells else None
        spans: list[tuple[int, int, str]] = []
        if module is not None and module.tree is not None:
            for statement in module.tree.body:
                if statement.__class__ is ast.ClassDef and statement.body:
                    spans.append((statement.body[0].lineno, statement.end_lineno or statement.lineno, statement.name))
        ids: set[int] = set()
        by_class: dict[str, list[Unit]] = {}
        if spans:
            uses = self._body_uses[path] = self.all_object_uses(Unit(path, "body"))  # taken by object_uses
            for node, targets in uses:
                line = getattr(node, "lineno", None)
                owner = next((name for start, end, name in spans if line is not None and start <= line <= end), None)
                if owner is None or not targets or any(target.kind != "instance" for target in targets):
                    continue
                ids.add(id(node))
                by_class.setdefault(owner, []).extend(targets)
        found = self._class_stored[path] = (frozenset(ids), by_class)
        return found

    def all_object_uses(self, unit: Unit) -> list[tuple[ast.AST, list[Unit]]]:
        memos = self.resolver(unit)
        made = self.made_objects(unit, memos)
        held = self.held_objects(unit, made)
        if not made and not held:
            return []
        code = self.code(unit)
        # judged where the name is used (`self.drop = Drop(p) if p else nn.Identity()` included)
        kept = {value for node in code.assignments for value in assigned_values(node.value) if value in made}

        def classes_of(expr: ast.AST) -> list[Unit]:
            if expr in made:
                return [made[expr]]
            cls = expr.__class__
            key = reference_key(expr) if cls is ast.Name or cls is ast.Attribute else None
            return held.get(key, []) if key is not None else []

        objects = [(call, [cls]) for call, cls in made.items() if call not in kept]
        for node in code.references:
            if node.__class__ is ast.Name or node.__class__ is ast.Attribute:
                classes = classes_of(node)
                if classes:
                    objects.append((node, classes))
        result: list[tuple[ast.AST, list[Unit]]] = []
        uses = ObjectUses(self, unit)
        for node, classes in objects:
            attributes, called, escapes = uses.of(node, 0)
            found: dict[Unit, None] = {}
            for cls in classes:
                self.add_object_methods(found, cls, attributes, called, escapes)
            result.append((node, list(found)))
        return result

    def add_object_methods(
        self, found: dict[Unit, None], cls: Unit, attributes: frozenset[str], called: bool, escapes: bool
    ) -> None:
        if escapes:
            found[Unit(cls.path, "instance", cls.name)] = None
            return
        for name in sorted(attributes):
            method = self.method_of(cls, name)
            if method is not None:
                found[method] = None
        if called:
            method = next(filter(None, (self.method_of(cls, name) for name in CALL_PROTOCOL)), None)
            if method is not None:
                found[method] = None

    def parameter_uses(self, function: Unit, name: str, depth: int) -> tuple[frozenset[str], bool, bool]:
        """What a project function does with an object passed as its parameter `name`: the attributes it looks
        up on it, whether it calls it, whether it hands it on where the walk cannot follow (cached)."""
        key = (function, name)
        found = self._parameter_uses.get(key)
        if found is None:
            self._parameter_uses[key] = (frozenset(), False, True)  # recursion guard: unknown
            code = self.code(function)
            uses = ObjectUses(self, function)
            attributes: set[str] = set()
            called = escapes = False
            for node in code.references:
                if node.__class__ is ast.Name and node.id == name:
                    more, was_called, handed_on = uses.of(node, depth + 1)
                    attributes |= more
                    called |= was_called
                    escapes |= handed_on
            found = self._parameter_uses[key] = (frozenset(attributes), called, escapes)
        return found

    def imported_bodies(self, module: PyModule, node: ast.Import | ast.ImportFrom) -> Iterator[Unit]:
        """The bodies of project modules (and their parent packages) an import statement runs."""
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = module.resolve_relative(node.module, node.level)
            names = [base] + [f"{base}.{alias.name}" if base else alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                path = self.module_path(".".join(parts[:i]), module.path)
                if path is not None:
                    yield Unit(path, "body")

    def reach(self, starts: list[Unit], limit: int = MAX_UNITS, cut=None) -> list[Unit]:
        """Units reachable from `starts` (breadth first, starts included), at most `limit` of them.

        An override in a subclass (see :meth:`overrides`) is reached once an object of that subclass is made or
        handed on in the reach. `cut(unit)`, when given, names the targets of `unit` to leave out."""
        seen: dict[Unit, None] = dict.fromkeys(starts)
        queue = deque(starts)
        waiting: dict[Unit, list[Unit]] = {}  # subclass -> overrides reached before any object of it

        def add(target: Unit) -> None:
            if target in seen:
                return
            seen[target] = None
            queue.append(target)
            if target.kind == "class" or target.kind == "instance":
                for method in waiting.pop(Unit(target.path, "class", target.name), ()):
                    add(method)

        while queue and len(seen) < limit:
            unit = queue.popleft()
            removed = cut(unit) if cut is not None else None
            for target in self.edges(unit):
                if not removed or target not in removed:
                    add(target)
            for sub, method in self.override_edges(unit):
                if removed and method in removed:
                    continue
                if sub in seen or Unit(sub.path, "instance", sub.name) in seen:
                    add(method)
                else:
                    waiting.setdefault(sub, []).append(method)
        return list(seen)

    def units_of(self, path: str) -> list[Unit]:
        """Every unit of a file: each AST node of a module belongs to exactly one of them."""
        if path in self.notebook_cells:
            return self.notebook_cells[path]
        defs = self.definitions(path)
        units = [Unit(path, "body")]
        if defs.main_blocks:
            units.append(Unit(path, "main"))
        units.extend(Unit(path, "function", name) for name in defs.functions)
        for owner, methods in defs.methods.items():
            units.extend(Unit(path, "function", f"{owner}.{name}") for name in methods)
        return units

    def command_functions(self, path: str) -> list[Unit]:
        """Top-level functions registered on a CLI object by decorator (`@app.command()`, `@click.command()`)."""
        units = []
        for name, node in self.definitions(path).functions.items():
            if any(decorator_name(d) in COMMAND_DECORATORS for d in node.decorator_list):
                units.append(Unit(path, "function", name))
        return units

    # -- code sent to run elsewhere ------------------------------------------------------------------
    def runs_elsewhere(self, unit: Unit) -> bool:
        """Is `unit` a function decorated as a Kubeflow Pipelines component (see `component_decorator`)? Its body
        runs in the component's own container, never where it is called (cached)."""
        found = self._elsewhere.get(unit)
        if found is None:
            node = self.function_node(unit) if unit.kind == "function" else None
            module = self.modules.get(unit.path)
            found = self._elsewhere[unit] = (
                node is not None
                and bool(node.decorator_list)
                and module is not None
                and may_send(module)
                and component_decorator(module, node)
            )
        return found

    def remote_functions(self, path: str) -> dict[Unit, str]:
        """The project functions that the code of a Python file sends to run elsewhere, with how ("component",
        "fairing", "pipeline"): those it decorates as components, and those it hands to a component factory or a
        Fairing job (`func_to_container_op(train)`, also a function of another module). Each runs as its own
        program. Pipelines (run by a client or compiled) are left out: their bodies only wire components."""
        module = self.modules.get(path)
        if module is None or not may_send(module) or module.tree is None:
            return {}
        found: dict[Unit, str] = {}
        for name in self.definitions(path).functions:
            if self.runs_elsewhere(Unit(path, "function", name)):
                found[Unit(path, "function", name)] = "component"
        for unit in self.units_of(path):
            code = self.code(unit)
            for argument, kind in sent_arguments(module, code).items():
                if kind == "pipeline" or argument.__class__ not in (ast.Name, ast.Attribute):
                    continue
                target = self.resolve_load(unit, argument)
                if target is not None and target.kind == "function" and "." not in target.name:
                    found.setdefault(target, kind)
        return found

    def component_cells(self, path: str) -> dict[Unit, tuple[str, tuple[str, ...]]]:
        """The cells of a notebook that only define code sent to run elsewhere, with how and the functions' names
        (see `remote_kind`):
        a Kubeflow Pipelines component (`def train(...)` that a cell hands to `func_to_container_op` or
        `create_component_from_func`, or decorated `@dsl.component`) or a function handed to a Fairing job. Such
        a cell holds nothing else but imports, a docstring and the factory calls that wrap its functions
        (`train_op = func_to_container_op(train)`). Each is a program of its own, not part of the notebook's run."""
        found = self._component_cells.get(path)
        if found is None:
            found = self._component_cells[path] = self._find_component_cells(path)
        return found

    def _find_component_cells(self, path: str) -> dict[Unit, tuple[str, tuple[str, ...]]]:
        cells = self.notebook_cells.get(path, [])
        sent: dict[str, str] = {}
        for cell in cells:
            module = self.source(cell)
            if module is None or not may_send(module):
                continue
            for argument, kind in sent_arguments(module, self.code(cell)).items():
                if kind != "pipeline" and argument.__class__ is ast.Name:
                    sent.setdefault(argument.id, kind)
        found: dict[Unit, tuple[str, tuple[str, ...]]] = {}
        for cell in cells:
            module = self.source(cell)
            tree = module.tree if module is not None else None
            if tree is None or not tree.body:
                continue
            names: list[str] = []
            kind = None
            for statement in tree.body:
                if statement.__class__ in DEFS:
                    how = "component" if component_decorator(module, statement) else sent.get(statement.name)
                    if how is None:
                        break
                    names.append(statement.name)
                    kind = kind or how
                elif not wraps_components(module, statement):
                    break
            else:
                if names and kind is not None:
                    found[cell] = (kind, tuple(names))
        return found


def may_send(module: PyModule) -> bool:
    """Can the code of a module send code elsewhere (a cheap text test): a file must import kfp or Kubeflow
    Fairing itself; a notebook cell sees the imports of the cells before it, so it only needs the call's words."""
    if module.cell is None:
        return module.mentions("kfp", "fairing")
    return module.mentions(*REMOTE_WORDS)


def remote_kind(module: PyModule, func: ast.expr) -> str | None:
    """What a call of `func` does with the code it is given when it sends it to run elsewhere (see `KFP_ROOTS`):
    "component", "fairing" or "pipeline"; None for any other call (`fabric.launch(main)`, `mp.spawn(main)` and
    `fire.Fire(main)` run it here)."""
    qualified = module.qualname(func)
    if qualified is not None:
        top, name = qualified.partition(".")[0], qualified.rpartition(".")[2]
        if top in KFP_ROOTS and name in COMPONENT_FACTORIES:
            return "component"
        if (qualified.startswith("kubeflow.fairing.") or top == "fairing") and name in FAIRING_JOBS:
            return "fairing"
    if func.__class__ is ast.Attribute:
        if func.attr in PIPELINE_RUNNERS:
            return "pipeline"
        receiver = func.value
        if func.attr == "compile" and receiver.__class__ is ast.Call:
            made = module.qualname(receiver.func)
            if (
                made is not None
                and made.partition(".")[0] in KFP_ROOTS
                and made.rpartition(".")[2] in PIPELINE_COMPILERS
            ):
                return "pipeline"
    return None


def sent_arguments(module: PyModule, code: UnitCode) -> dict[ast.expr, str]:
    """The arguments of a unit's calls that send code to run elsewhere (see `remote_kind`), with how."""
    found: dict[ast.expr, str] = {}
    for call in code.calls:
        if not call.args and not call.keywords:
            continue
        kind = remote_kind(module, call.func)
        if kind is not None:
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                found[argument] = kind
    return found


def component_decorator(module: PyModule, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Is a function decorated as a Kubeflow Pipelines component (`@dsl.component`, `@component(base_image=...)`,
    `@func_to_container_op`)? Calling it in a pipeline makes a task; its body runs in the task's container."""
    for decorator in node.decorator_list:
        func = decorator.func if decorator.__class__ is ast.Call else decorator
        if remote_kind(module, func) == "component":
            return True
    return False


def wraps_components(module: PyModule, statement: ast.stmt) -> bool:
    """Is a cell's statement one that a cell of component definitions may hold besides them: an import, a
    docstring or comment string, `pass`, or a call (bound to names or not) that wraps a function as a
    component (`train_op = func_to_container_op(train)`)?"""
    cls = statement.__class__
    if cls in (ast.Import, ast.ImportFrom, ast.Pass):
        return True
    if cls is ast.Expr and statement.value.__class__ is ast.Constant:
        return True
    value = statement.value if cls in (ast.Expr, ast.Assign) else None
    return value.__class__ is ast.Call and remote_kind(module, value.func) == "component"


def stored_arguments(code: UnitCode) -> set[ast.expr]:
    """Arguments of calls that only keep them: built-ins that make a container (`dict(basic=BasicBlock)`,
    `tuple([A, B])`) and registration functions (`register_notrace_module(Block)`, `MODELS.register(Net)`)."""
    found: set[ast.expr] = set()
    for call in code.calls:
        func = call.func
        name = func.id if func.__class__ is ast.Name else func.attr if func.__class__ is ast.Attribute else ""
        if (name in STORING_BUILTINS and func.__class__ is ast.Name) or "register" in name.lower():
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                found.add(argument)
                if argument.__class__ in (ast.List, ast.Tuple, ast.Set):
                    found.update(argument.elts)
    return found


def inspected_arguments(code: UnitCode) -> set[ast.expr]:
    """Expressions whose value is only looked at: the arguments of built-ins that inspect them
    (`isinstance(x, (Net, Block))`, tuples' items included), and the objects of attribute look-ups (`Net.build`)."""
    found: set[ast.expr] = {node.value for node in code.references if node.__class__ is ast.Attribute}
    for call in code.calls:
        func = call.func
        if func.__class__ is ast.Name and func.id in INSPECTING_BUILTINS:
            for argument in call.args:
                found.add(argument)
                if argument.__class__ is ast.Tuple:
                    found.update(argument.elts)
    return found


class ObjectUses:
    """How the code of one unit uses an object expression: an attribute looked up on it (`net.fit`), a call of
    it (`net(x)`), an argument to a project function (followed into its parameter), an argument to a built-in
    that only inspects it, or anything else (handed on: any method may run)."""

    def __init__(self, graph: CallGraph, unit: Unit):
        self.graph = graph
        self.unit = unit
        code = graph.code(unit)
        self.attributes = {node.value: node for node in code.references if node.__class__ is ast.Attribute}
        self.callees = {call.func for call in code.calls}
        self.arguments: dict[ast.AST, tuple[ast.Call, int | None, str | None]] = {}
        for call in code.calls:
            for index, argument in enumerate(call.args):
                self.arguments[argument] = (call, index, None)
            for keyword in call.keywords:
                self.arguments[keyword.value] = (call, None, keyword.arg)

    def sent_away(self, call: ast.Call) -> bool:
        """Does the call send what it is given to run elsewhere (a Fairing job, a KFP client; see `remote_kind`)?"""
        module = self.graph.source(self.unit)
        return module is not None and may_send(module) and remote_kind(module, call.func) is not None

    def of(self, node: ast.AST, depth: int) -> tuple[frozenset[str], bool, bool]:
        """(attributes looked up, called, handed on) for one occurrence of an object."""
        attribute = self.attributes.get(node)
        if attribute is not None:
            return frozenset({attribute.attr}), False, False
        if node in self.callees:
            return frozenset(), True, False
        argument = self.arguments.get(node)
        if argument is None:
            return frozenset(), False, True
        call, index, keyword = argument
        func = call.func
        target = self.graph.resolve_load(self.unit, func) if func.__class__ in (ast.Name, ast.Attribute) else None
        if target is None:
            inert = func.__class__ is ast.Name and func.id in INSPECTING_BUILTINS
            if not inert and self.sent_away(call):
                inert = True  # `TrainJob(trainer).submit()`: its methods run on the cluster, not here
            return frozenset(), False, not inert
        if target.kind != "function" or depth >= MAX_RESOLVE_DEPTH or (keyword is None and index is None):
            return frozenset(), False, True
        parameter = parameter_name(self.graph.function_node(target), index, keyword, func.__class__ is ast.Attribute)
        if parameter is None:
            return frozenset(), False, True
        return self.graph.parameter_uses(target, parameter, depth)


def assigned_values(value: ast.expr | None) -> list[ast.expr]:
    """The expressions whose object an assignment may store: the value itself, or each branch of a conditional
    (`Drop(p) if p else Identity()`, `cache or Net()`)."""
    if value.__class__ is ast.IfExp:
        return [*assigned_values(value.body), *assigned_values(value.orelse)]
    if value.__class__ is ast.BoolOp:
        return [part for item in value.values for part in assigned_values(item)]
    return [value] if value is not None else []


def parameter_name(function, index: int | None, keyword: str | None, bound: bool) -> str | None:
    """The parameter of `function` that a call's argument (by position or keyword) binds; None if unsure."""
    if function is None:
        return None
    args = function.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if keyword is not None:
        return keyword if keyword in positional or keyword in {a.arg for a in args.kwonlyargs} else None
    if bound and positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    return positional[index] if index is not None and index < len(positional) else None


@fact
def call_graph(python_modules, module_index, notebook_modules) -> CallGraph:
    """The project's static call graph (built lazily: modules are parsed only as the walk reaches them)."""
    return CallGraph(python_modules, module_index, notebook_modules)


def exports(module: PyModule, name: str) -> bool:
    """Does `from module import *` bring `name`: not when the module lists `__all__` (literally) without it."""
    tree = module.tree
    for statement in tree.body if tree is not None else ():
        if statement.__class__ is ast.Assign and any(
            target.__class__ is ast.Name and target.id == "__all__" for target in statement.targets
        ):
            value = statement.value
            if value.__class__ in (ast.List, ast.Tuple):
                return any(item.__class__ is ast.Constant and item.value == name for item in value.elts)
    return True

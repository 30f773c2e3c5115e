"""Branches an entry point never takes: code behind a flag whose every value, as the entry point runs it, is off.

`if augment:` in a function that every reached call leaves at its default `augment=False`; `if mode == "train":`
where the evaluation script passes `mode="eval"`; `if p > 0:` where `p = 0` is the only assignment; the `else`
of `if deterministic:` when every call passes `deterministic=True`. What such a branch calls, and the random
draws in it, do not run for that entry point.

What is decided, statically and per entry point:
- a flag is a parameter of the function, a name assigned once in the function (`=` or `:=`) or only by plain
  `name = value` statements (it takes each value: `trunc = "rand" if train else "trunc"`), a module-level
  name assigned once (and declared `global` nowhere), or `self.<name>` that the methods of the class and its
  bases set once (`self.augment = augment` in `__init__`: the constructor's argument where the object is made);
- a parameter's values are the constants its reached call sites pass (a name passed on is followed into the
  caller, a few calls deep), and its default where a site leaves it out, or passes it only inside `**kwargs`
  while the repository writes its name nowhere else (code, configs, scripts, docs; `self.<name>` aside), or
  writes it outside this entry point's reach only as another script's option, a key read or a call of the
  function itself (`--flag` in `train.py`'s parser, `config["flag"]`). A
  function run any other way (an entry point's start, handed to a call, reached through a table, an object's
  method or an override) has unknown values;
- `self.training` (a torch module's mode) is off in an entry point that puts a model in evaluation mode
  (`model.eval()`) and never trains (`.train()`, `.backward()`, an optimizer's `.step()`, `.fit()`);
- tests are names, `not`, `and`/`or`, `:=` and one comparison with a constant (`==`, `!=`, `<`, `in`, `is`,
  ...); anything else (other attributes, calls, subscripts) is undecided, so the branch counts;
- a CI-only environment variable (`"CI" in os.environ`, `os.environ.get("CI")`) is unset: the smoke-test branch
  of a tutorial is not what a run takes.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

from reprocheck import filekinds
from reprocheck.facts.reachability import CallGraph, Unit, breadth_first, child_fields, is_main_guard, reference_key

UNKNOWN: Final = None
# nn.Module's mode flag, and the calls that train (or put a model back in training mode).
TRAINING_FLAG: Final = "self.training"
TRAINING_CALLS: Final = frozenset({"train", "backward", "step", "fit", "zero_grad"})
MAX_DEPTH = 4  # calls followed back when a parameter is passed on (`augment=augment`)
COMPARISONS: Final = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


@dataclass(frozen=True)
class Guard:
    """Code (`branch`) that runs only when `test` is `runs_if`."""

    test: ast.expr
    runs_if: bool
    branch: tuple[ast.AST, ...]

    @cached_property
    def nodes(self) -> frozenset[ast.AST]:
        """Every node of the branch (built only for a branch found not to run)."""
        return frozenset(node for statement in self.branch for node in breadth_first([statement]))


@dataclass
class Scope:
    """One unit's guards and the names it stores to (parameters excluded)."""

    guards: list[Guard] = field(default_factory=list)
    stores: dict[str, list[ast.AST]] = field(default_factory=dict)  # name -> the statements that bind it


def constant(node: ast.expr) -> tuple[bool, Any]:
    """(True, value) for a literal (`0`, `-1`, `"train"`, `None`, `("a", "b")`), else (False, None)."""
    if isinstance(node, (ast.Constant, ast.UnaryOp, ast.Tuple, ast.List, ast.Set)):
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False, None
        if isinstance(value, (list, set)):
            value = tuple(value)
        try:
            hash(value)
        except TypeError:
            return False, None
        return True, value
    return False, None


EXITS: Final = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def add_early_exits(block: list[ast.stmt], scope: Scope) -> None:
    """`if not training: return x` followed by code: that code runs only when the test is false."""
    for index, statement in enumerate(block[:-1]):
        if statement.__class__ is ast.If and not statement.orelse and statement.body[-1].__class__ in EXITS:
            scope.guards.append(Guard(statement.test, False, tuple(block[index + 1 :])))


def read_scope(statements: list[ast.stmt]) -> Scope:
    """The guards and name stores of a unit's statements (nested functions and classes are other units)."""
    scope = Scope()
    stack: list[ast.AST] = list(statements)
    node_class = ast.AST
    add_early_exits(statements, scope)
    while stack:
        node = stack.pop()
        cls = node.__class__
        for block in (getattr(node, "body", None), getattr(node, "orelse", None), getattr(node, "finalbody", None)):
            if block.__class__ is list and len(block) > 1:
                add_early_exits(block, scope)
        if cls in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            if cls is not ast.Lambda:
                scope.stores.setdefault(node.name, []).append(node)
            continue
        if cls is ast.If or cls is ast.IfExp:
            body, orelse = (node.body, node.orelse) if cls is ast.If else ([node.body], [node.orelse])
            scope.guards.append(Guard(node.test, True, tuple(body)))
            scope.guards.append(Guard(node.test, False, tuple(orelse)))
        elif cls is ast.BoolOp:
            runs_if = isinstance(node.op, ast.And)
            for index, value in enumerate(node.values[1:], start=1):
                for earlier in node.values[:index]:
                    scope.guards.append(Guard(earlier, runs_if, (value,)))
        elif cls is ast.Name and not isinstance(node.ctx, ast.Load):
            scope.stores.setdefault(node.id, []).append(node)
        elif cls is ast.Attribute and not isinstance(node.ctx, ast.Load):
            key = reference_key(node)
            if key is not None and key.startswith("self.") and key.count(".") == 1:
                scope.stores.setdefault(key, []).append(node)
        elif cls is ast.Global or cls is ast.Nonlocal:
            for name in node.names:
                scope.stores.setdefault(name, []).extend([node, node])  # never a single known value
        elif cls is ast.Import or cls is ast.ImportFrom:
            for alias in node.names:
                scope.stores.setdefault((alias.asname or alias.name).split(".")[0], []).append(node)
        for name in child_fields(cls):  # ast.iter_child_nodes, without its generator
            value = getattr(node, name)
            if value.__class__ is list:
                stack.extend(item for item in value if isinstance(item, node_class))
            elif isinstance(value, node_class):
                stack.append(value)
    return scope


def definition(scope: Scope, statements: list[ast.stmt], name: str) -> ast.expr | None:
    """The expression a name (or `self.x`) is bound to, when it is bound exactly once, by `=` or `:=`."""
    stores = scope.stores.get(name, [])
    if len(stores) != 1 or stores[0].__class__ not in (ast.Name, ast.Attribute):
        return None
    target = stores[0]
    for statement in statements:
        for node in ast.walk(statement):
            cls = node.__class__
            if cls is ast.Assign and len(node.targets) == 1 and node.targets[0] is target:
                return node.value
            if (cls is ast.AnnAssign or cls is ast.NamedExpr) and node.target is target:
                return node.value
    return None


def all_definitions(scope: Scope, assigned: dict[int, ast.expr], name: str) -> list[ast.expr] | None:
    """The expressions a name is bound to, when every binding of it is a plain `name = value` (a variable set in
    branches: `trunc = "rand" if train else "trunc"`, then `if fusion: trunc = "fusion"`), else None. `assigned`
    maps the id of each single Name target of an assignment to its value (see `LiveCode.assigned`)."""
    stores = scope.stores.get(name, [])
    if not stores or any(store.__class__ is not ast.Name for store in stores):
        return None
    values = [assigned.get(id(store)) for store in stores]
    return None if any(value is None for value in values) else values


def decide(test: ast.expr, lookup) -> bool | None:
    """The truth of a test for every value its names may have, or None when it is not the same for all."""
    cls = test.__class__
    known, value = constant(test)
    if known:
        return bool(value)
    if cls is ast.Name or cls is ast.Attribute:
        values = values_of(test, lookup)
        if values is UNKNOWN:
            return None
        truths = {bool(v) for v in values}
        return truths.pop() if len(truths) == 1 else None
    if cls is ast.NamedExpr:
        return decide(test.value, lookup)
    if cls is ast.UnaryOp and isinstance(test.op, ast.Not):
        inner = decide(test.operand, lookup)
        return None if inner is None else not inner
    if cls is ast.BoolOp:
        results = [decide(value, lookup) for value in test.values]
        stop = isinstance(test.op, ast.Or)  # the value that decides an `or` (True) or an `and` (False)
        if stop in results:
            return stop
        return (not stop) if all(r is not None for r in results) else None
    if cls is ast.Compare or cls is ast.Call:
        found = ci_variable_values(test)
        if found is not None:
            truths = {bool(v) for v in found}
            return truths.pop() if len(truths) == 1 else None
    if cls is ast.Compare and len(test.ops) == 1 and test.ops[0].__class__ in COMPARISONS:
        left, right = values_of(test.left, lookup), values_of(test.comparators[0], lookup)
        if left is UNKNOWN or right is UNKNOWN:
            return None
        compare = COMPARISONS[test.ops[0].__class__]
        try:
            truths = {bool(compare(a, b)) for a in left for b in right}
        except TypeError:
            return None
        return truths.pop() if len(truths) == 1 else None
    return None


# Environment variables that only a continuous-integration service (or a project's own smoke test) sets: a run
# someone makes to get results has them unset (`smoke_test = ("CI" in os.environ)` in a tutorial notebook).
CI_VARIABLES: Final = frozenset({"CI", "GITHUB_ACTIONS", "TRAVIS", "GITLAB_CI", "SMOKE_TEST"})
ENVIRONMENT_MAPS: Final = frozenset({"os.environ", "environ"})
ENVIRONMENT_GETTERS: Final = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv"})


def ci_variable_values(expr: ast.expr) -> frozenset | None:
    """The values a read of a CI-only environment variable has in a run outside CI: `"CI" in os.environ` is
    False, `os.environ.get("CI")` is None (or the default given), else None (not such a read)."""
    cls = expr.__class__
    if cls is ast.Compare and len(expr.ops) == 1 and expr.ops[0].__class__ in (ast.In, ast.NotIn):
        left = expr.left
        if (
            left.__class__ is ast.Constant
            and left.value in CI_VARIABLES
            and reference_key(expr.comparators[0]) in ENVIRONMENT_MAPS
        ):
            return frozenset({expr.ops[0].__class__ is ast.NotIn})
        return None
    if cls is ast.Call and reference_key(expr.func) in ENVIRONMENT_GETTERS and expr.args and not expr.keywords:
        name = expr.args[0]
        if name.__class__ is ast.Constant and name.value in CI_VARIABLES and len(expr.args) <= 2:
            if len(expr.args) == 1:
                return frozenset({None})
            known, value = constant(expr.args[1])
            return frozenset({value}) if known else None
    return None


def values_of(expr: ast.expr, lookup) -> frozenset | None:
    """The values an expression may have: a literal, a flag's values (a name, `self.x`), else the truth of a
    decidable test (`self.augment and not self.rect`), else unknown. A CI-only environment variable is unset
    (see `ci_variable_values`): the branch a CI smoke test takes is not the one a run takes."""
    known, value = constant(expr)
    if known:
        return frozenset({value})
    cls = expr.__class__
    if cls is ast.Compare or cls is ast.Call:
        found = ci_variable_values(expr)
        if found is not None:
            return found
    if cls is ast.Name or cls is ast.Attribute:
        key = reference_key(expr)
        # a name, `self.x`, or an option read off an object (`args.data_frac`: see `LiveCode.config_values`)
        return lookup(key) if key is not None and (cls is ast.Name or key.count(".") == 1) else UNKNOWN
    if cls in (ast.BoolOp, ast.UnaryOp, ast.Compare, ast.NamedExpr):
        truth = decide(expr, lookup)
        return UNKNOWN if truth is None else frozenset({truth})
    if cls is ast.IfExp:  # `x if test else y`: the branch the test takes, or either
        truth = decide(expr.test, lookup)
        branches = [expr.body] if truth is True else [expr.orelse] if truth is False else [expr.body, expr.orelse]
        found: set = set()
        for branch in branches:
            values = values_of(branch, lookup)
            if values is UNKNOWN:
                return UNKNOWN
            found |= values
        return frozenset(found)
    return UNKNOWN


class LiveCode:
    """Per entry point: which guarded code cannot run, and the reach without it."""

    def __init__(self, graph: CallGraph, texts=None):
        self.graph = graph
        # The repository's text files other than code (configs, scripts), read when a parameter's name is looked
        # for (see `mentioned`): an iterable of texts, or None (then every `**kwargs` may set any parameter).
        self.texts = texts
        self._mentioned: dict[tuple[Unit, str], bool] = {}
        self._assigned: dict[Unit, dict[int, ast.expr]] = {}
        self._scopes: dict[Unit, Scope | None] = {}
        self._module_scopes: dict[str, tuple[Scope, list[ast.stmt]]] = {}
        self._single: dict[tuple[Unit, str], ast.expr | None] = {}
        self._named: dict[Unit, dict[Unit, list[tuple[ast.expr, ast.Call | None]]]] = {}
        self._shadowed: dict[Unit, set[Unit]] = {}  # targets a unit names only through a local of the same name
        self._returned: dict[Unit, dict[tuple[int, int], tuple[int, int]]] = {}
        self._attributes: dict[tuple[Unit, str], tuple[Unit, ast.expr] | None] = {}
        self._config_values: dict[str, frozenset | None] = {}
        # What holds for every entry point: flag values and guard outcomes that no call site decides.
        self.values: dict[tuple[Unit, str], frozenset | None] = {}
        self.decided: dict[tuple[Unit, int], bool | None] = {}

    # -- per unit (shared by every entry point) -----------------------------------------------------
    def statements(self, unit: Unit) -> list[ast.stmt]:
        if unit.kind == "function":
            node = self.graph.function_node(unit)
            return list(node.body) if node is not None else []
        if unit.kind == "main":
            return [s for block in self.graph.definitions(unit.path).main_blocks for s in block.body]
        if unit.kind == "body":
            module = self.graph.modules.get(unit.path)
            tree = module.tree if module is not None else None
            return [s for s in tree.body if not is_main_guard(s)] if tree is not None else []
        return []

    def scope(self, unit: Unit) -> Scope | None:
        if unit not in self._scopes:
            statements = self.statements(unit)
            self._scopes[unit] = read_scope(statements) if statements else None
        return self._scopes[unit]

    def module_scope(self, path: str) -> tuple[Scope, list[ast.stmt]]:
        """The module's top level (its `__main__` blocks included): names stored there."""
        if path not in self._module_scopes:
            module = self.graph.modules.get(path)
            tree = module.tree if module is not None else None
            statements = list(tree.body) if tree is not None else []
            scope = read_scope(statements)
            for node in ast.walk(tree) if tree is not None else ():
                if node.__class__ is ast.Global:  # a function rebinds it
                    for name in node.names:
                        scope.stores.setdefault(name, []).extend([node, node])
            self._module_scopes[path] = (scope, statements)
        return self._module_scopes[path]

    def assigned(self, unit: Unit) -> dict[int, ast.expr]:
        """id of the single Name target of each plain assignment in a unit -> its value (cached)."""
        found = self._assigned.get(unit)
        if found is None:
            found = self._assigned[unit] = {}
            for statement in self.statements(unit):
                for node in ast.walk(statement):
                    if node.__class__ is not ast.Assign or len(node.targets) != 1:
                        continue
                    if node.targets[0].__class__ is ast.Name:
                        found[id(node.targets[0])] = node.value
        return found

    def definition(self, unit: Unit, name: str) -> ast.expr | None:
        """:func:`definition` of a name in a unit, or at a module's top level (a "module" unit), cached."""
        key = (unit, name)
        if key not in self._single:
            if unit.kind == "module":
                scope, statements = self.module_scope(unit.path)
            else:
                scope, statements = self.scope(unit), self.statements(unit)
            self._single[key] = definition(scope, statements, name) if scope is not None else None
        return self._single[key]

    def calls_to(self, caller: Unit, target: Unit, constructs: bool) -> list[tuple[Unit, ast.Call, bool]] | None:
        """(caller, call, bound) for the calls in `caller` that run `target`; None when `caller` names it without
        calling it (handed on) or reaches it by an edge no call explains (an object's method, a table)."""
        index = self.named(caller)
        if index is None:
            return None
        found = []
        for node, call in index.get(target, ()):
            if call is None:
                return None
            bound = constructs or (node.__class__ is ast.Attribute and not self.names_class(caller, node.value))
            found.append((caller, call, bound))
        if not found and target in self._shadowed.get(caller, ()):
            return []  # only a local variable of the same name: no call of it here
        return found or None

    def named(self, unit: Unit) -> dict[Unit, list[tuple[ast.expr, ast.Call | None]]] | None:
        """The project units a unit's code names, with each naming node and the call it is the callee of (cached;
        attribute look-ups' objects excluded: `Net.build` names `Net.build`, not `Net`)."""
        if unit.kind not in ("function", "main", "body", "cell"):
            return None
        found = self._named.get(unit)
        if found is None:
            code = self.graph.code(unit)
            memos = self.graph.resolver(unit)
            callees = {call.func: call for call in code.calls}
            looked_into = {node.value for node in code.references if node.__class__ is ast.Attribute}
            # `super(Dataset, self).__init__(...)` names its own class to find the base: no use of that class
            supers = [
                call.args[0]
                for call in code.calls
                if call.func.__class__ is ast.Name and call.func.id == "super" and call.args
            ]
            looked_into.update(supers)
            local = self.local_names(unit)
            found = self._named[unit] = {}
            for node in supers:
                target = self.graph.resolve_load(unit, node, memos)
                if target is not None:
                    self._shadowed.setdefault(unit, set()).add(target)
            for node in code.references:
                if (node.__class__ is not ast.Name and node.__class__ is not ast.Attribute) or node in looked_into:
                    continue
                if node.__class__ is ast.Name and node.id in local:
                    # a parameter or variable that shadows a module function (`drop_path=drop_path[i]`)
                    target = self.graph.resolve_load(unit, node, memos)
                    if target is not None:
                        self._shadowed.setdefault(unit, set()).add(target)
                    continue
                target = self.graph.resolve_load(unit, node, memos)
                if target is not None:
                    found.setdefault(target, []).append((node, callees.get(node)))
        return found

    def local_names(self, unit: Unit) -> frozenset[str]:
        """A function's parameters and the names it binds by assignment only: a load of one is that variable,
        whatever a module-level function of the same name is."""
        if unit.kind != "function":
            return frozenset()
        function = self.graph.function_node(unit)
        if function is None:
            return frozenset()
        names = set(parameter_names(function.args))
        scope = self.scope(unit)
        if scope is not None:
            names.update(
                name
                for name, stores in scope.stores.items()
                if "." not in name and all(store.__class__ is ast.Name for store in stores)
            )
        return frozenset(names)

    def returned_positions(self, unit: Unit) -> dict[tuple[int, int], tuple[int, int]]:
        """(line, column) of each call whose value only feeds one element of the tuple a function returns ->
        (that position, the tuple's length): `random_indices[d] = np.random.choice(...)` where `random_indices`
        is read only in `return confident, random_indices` (cached)."""
        found = self._returned.get(unit)
        if found is None:
            function = self.graph.function_node(unit) if unit.kind == "function" else None
            found = self._returned[unit] = returned_positions(function) if function is not None else {}
        return found

    def names_class(self, unit: Unit, node: ast.expr) -> bool:
        if node.__class__ is not ast.Name and node.__class__ is not ast.Attribute:
            return False
        target = self.graph.resolve_load(unit, node)
        return target is not None and target.kind == "class"

    def attribute_definition(self, cls: Unit, name: str) -> tuple[Unit, ast.expr] | None:
        """The method and expression that set `self.<name>` (a "self.x" key), when the methods of the class and
        its project bases set it exactly once (cached)."""
        key = (cls, name)
        if key not in self._attributes:
            self._attributes[key] = self._attribute_definition(cls, name)
        return self._attributes[key]

    def _attribute_definition(self, cls: Unit, name: str) -> tuple[Unit, ast.expr] | None:
        found: list[tuple[Unit, ast.expr | None]] = []
        for owner in [cls, *self.graph.project_ancestors(cls)]:
            for method in self.graph.definitions(owner.path).methods.get(owner.name, {}):
                unit = Unit(owner.path, "function", f"{owner.name}.{method}")
                scope = self.scope(unit)
                if scope is not None and name in scope.stores:
                    found.append((unit, self.definition(unit, name)))
        if len(found) != 1 or found[0][1] is None:
            return None
        return found[0]

    def attribute_stores(self, cls: Unit, name: str) -> list[tuple[Unit, ast.Attribute, ast.expr]] | None:
        """(method, target, value) of every binding of `self.<name>` in the methods of the class and its project
        bases, when each is a plain `self.<name> = value` (a value set in the branches of an `if`: `self.noise =
        Noise(conf)` / `self.noise = None`), else None (cached)."""
        key = (cls, "=" + name)
        if key in self._attributes:
            return self._attributes[key]
        found: list[tuple[Unit, ast.Attribute, ast.expr]] = []
        for owner in [cls, *self.graph.project_ancestors(cls)]:
            for method in self.graph.definitions(owner.path).methods.get(owner.name, {}):
                unit = Unit(owner.path, "function", f"{owner.name}.{method}")
                scope = self.scope(unit)
                if scope is None or name not in scope.stores:
                    continue
                values = self.assigned_attributes(unit)
                for store in scope.stores[name]:
                    value = values.get(id(store))
                    if value is None:  # bound some other way (`self.x, self.y = ...`, `self.x += 1`)
                        self._attributes[key] = None
                        return None
                    found.append((unit, store, value))
        self._attributes[key] = found or None
        return found or None

    def assigned_attributes(self, unit: Unit) -> dict[int, ast.expr]:
        """id of the single `self.<name>` target of each plain assignment in a unit -> its value."""
        found: dict[int, ast.expr] = {}
        for statement in self.statements(unit):
            for node in ast.walk(statement):
                if node.__class__ is ast.Assign and len(node.targets) == 1:
                    target = node.targets[0]
                elif node.__class__ is ast.AnnAssign and node.value is not None:
                    target = node.target
                else:
                    continue
                if target.__class__ is ast.Attribute:
                    found[id(target)] = node.value
        return found

    def config_values(self, name: str) -> frozenset | None:
        """The values of an option read off an object (`args.data_frac`) that only the repository's Python config
        modules set, each to a literal (`'data_frac': 1.,` in a dict of `configs/config1.py`, or `data_frac = 1.`):
        every other mention of its name in the repository is a read (`.data_frac`), so no command line, config
        file or code sets it otherwise. None when that is not so (cached)."""
        if name in self._config_values:
            return self._config_values[name]
        found = self._config_values[name] = self._config_values_of(name)
        return found

    @cached_property
    def _modules_by_folder(self) -> tuple[list, list]:
        """(the Python modules in config folders, the others)."""
        config_modules, other_modules = [], []
        for path, module in self.graph.modules.items():
            in_config = filekinds.CONFIG_DIRS & set(path.split("/")[:-1])
            (config_modules if in_config else other_modules).append(module)
        return config_modules, other_modules

    def _config_values_of(self, name: str) -> frozenset | None:
        if self.texts is None or len(name) < 4 or not name.isidentifier():
            return UNKNOWN
        pattern = re.compile(r"\b" + re.escape(name) + r"\b")
        values: set = set()
        config_modules, other_modules = self._modules_by_folder
        for module in config_modules:  # first: most names no config module sets, and the others need no look
            if name not in module.text:
                continue
            found = literal_settings(module, name)
            if found is None or len(found) != len(pattern.findall(module.text)):
                return UNKNOWN
            values.update(found)
        if not values:
            return UNKNOWN
        read = re.compile(r"\.\s*" + re.escape(name) + r"\b(?!\s*(?:=[^=]|[-+*/%&|^]=))")
        for module in other_modules:
            if name in module.text and len(read.findall(module.text)) != len(pattern.findall(module.text)):
                return UNKNOWN  # set, passed or named elsewhere (`args.data_frac = 0.1`, `--data_frac`)
        if any(pattern.search(module.text) for module in self.graph.cells.values()):
            return UNKNOWN
        if any(pattern.search(text) or name.replace("_", "-") in text for text in self.texts()):
            return UNKNOWN
        return frozenset(values)

    def mentioned(self, name: str, unit: Unit, function) -> bool:
        """Is parameter `name` of `function` written anywhere but in the function itself: in other code (a keyword
        argument, a dict key, a string), a config or a script (`reduction_mask: simple`, `--reduction-mask`)? A
        name written nowhere else cannot be in a `**kwargs` dict, which then leaves it at its default (cached)."""
        key = (unit, name)
        found = self._mentioned.get(key)
        if found is None:
            found = self._mentioned[key] = self._mention(name, unit, function)
        return found

    def _mention(self, name: str, unit: Unit, function) -> bool:
        if self.texts is None or len(name) < 3:
            return True
        pattern = re.compile(r"\b" + re.escape(name).replace("_", "[_-]") + r"\b", re.IGNORECASE)
        first, last = function.lineno, getattr(function, "end_lineno", None) or function.lineno
        for path, module in self.graph.modules.items():
            if name not in module.text and name.replace("_", "-") not in module.text:
                continue
            for match in pattern.finditer(module.text):
                if module.text.endswith("self.", 0, match.start()):
                    continue  # the object's own attribute (`self.reduction_mask`), set from the parameter
                line = module.text.count("\n", 0, match.start()) + 1
                if path != unit.path or not first <= line <= last:
                    return True
        for module in self.graph.cells.values():
            if pattern.search(module.text):
                return True
        return any(pattern.search(text) for text in self.texts())

    # -- per entry point ----------------------------------------------------------------------------
    def entry(self, starts: list[Unit], reached: list[Unit]) -> _Entry:
        """The per-entry-point questions (`discards`) for `starts`, whose plain reach is `reached`."""
        return _Entry(self, starts, reached)

    def reach(self, starts: list[Unit], reached: list[Unit]) -> tuple[list[Unit], dict[Unit, frozenset[ast.AST]]]:
        """The units `starts` reach when branches that cannot run are left out, and the nodes left out per unit.

        `reached` is the plain reach (every branch taken), which bounds the call sites a parameter is read from."""
        entry = _Entry(self, starts, reached)
        dead: dict[Unit, frozenset[ast.AST]] = {}
        for unit in reached:
            nodes = entry.dead_nodes(unit)
            if nodes:
                dead[unit] = nodes
        if not dead:
            return reached, dead
        cuts = {unit: entry.cut_targets(unit, nodes) for unit, nodes in dead.items()}
        live = self.graph.reach(starts, cut=cuts.get)
        return live, dead


class _Entry:
    """The values flags take for one entry point (call sites read from its plain reach)."""

    def __init__(self, live: LiveCode, starts: list[Unit], reached: list[Unit]):
        self.live = live
        self.graph = live.graph
        self.starts = set(starts)
        self.reached = reached
        self._callers: dict[Unit, list[Unit]] | None = None
        self._values: dict[tuple[Unit, str], frozenset | None] = {}
        self._dependent: set[tuple[Unit, str]] = set()
        self._touched = False
        self._mentions: dict[tuple[Unit, str], bool] = {}

    @cached_property
    def evaluates(self) -> bool:
        """Does the entry point only evaluate models: it puts one in evaluation mode (`model.eval()`) and never
        back in training mode, steps an optimizer or runs backward? `self.training` is then off."""
        evaluating = False
        for unit in self.reached:
            saved: frozenset[str] | None = None
            for call in self.graph.code(unit).calls:
                func = call.func
                if func.__class__ is not ast.Attribute:
                    continue
                if func.attr == "eval" and not call.args and not call.keywords:
                    evaluating = True
                elif func.attr == "train" and (call.args or call.keywords):
                    if is_false(call):
                        continue
                    if saved is None:
                        saved = saved_modes(self.graph.code(unit))
                    if restores_mode(call, saved):
                        continue  # `self.train(was_training)`: back to the mode it had, not training
                    return False
                elif func.attr in TRAINING_CALLS:
                    return False
        return evaluating

    def callers(self, unit: Unit) -> list[Unit]:
        if self._callers is None:
            self._callers = {}
            for source in self.reached:
                for target in self.graph.edges(source):
                    self._callers.setdefault(target, []).append(source)
        return self._callers.get(unit, [])

    def dead_nodes(self, unit: Unit) -> frozenset[ast.AST]:
        scope = self.live.scope(unit)
        if scope is None or not scope.guards:
            return frozenset()
        dead: set[ast.AST] = set()
        for index, guard in enumerate(scope.guards):
            if not guard.branch or guard.branch[0] in dead:
                continue
            key = (unit, index)
            truth = self.live.decided.get(key, MISSING_ARGUMENT)
            if truth is MISSING_ARGUMENT:
                self._touched = False
                truth = decide(guard.test, lambda name, unit=unit: self.lookup(unit, name, 0))
                if not self._touched:  # the same for every entry point
                    self.live.decided[key] = truth
            if truth is not None and truth != guard.runs_if:
                dead |= guard.nodes
        return frozenset(dead)

    def cut_targets(self, unit: Unit, dead: frozenset[ast.AST]) -> set[Unit]:
        """Targets `unit` names only in code that cannot run."""
        memos = self.graph.resolver(unit)
        cut: set[Unit] = set()
        kept: set[Unit] = set()
        tested = truth_tested(self.live.scope(unit))
        for node in self.graph.code(unit).references:
            if node.__class__ is not ast.Name and node.__class__ is not ast.Attribute:
                continue
            # `if self.noise:` asks whether the object is there, and runs none of its code
            side = cut if node in dead or node in tested else kept
            target = self.graph.resolve_load(unit, node, memos)
            if target is not None:
                side.add(target)
                if target.kind == "class":
                    side.add(Unit(target.path, "instance", target.name))
            key = reference_key(node)
            if key is not None and key.startswith("self.") and key.count(".") == 1 and "." in unit.name:
                side.update(method for _, method in self.graph.overrides_of(unit, {key[5:]}))
        for node, targets in self.graph.object_uses(unit):  # `self.albumentations(im)`: the object's methods
            (cut if node in dead or node in tested else kept).update(targets)
        return cut - kept

    # -- values ---------------------------------------------------------------------------------------
    def lookup(self, unit: Unit, name: str, depth: int) -> frozenset | None:
        """The values of a flag, memoised; `_touched` records whether they depend on this entry point's call
        sites (else they are shared with every entry point)."""
        key = (unit, name)
        if key in self._values:
            self._touched |= key in self._dependent
            return self._values[key]
        shared = self.live.values.get(key, MISSING_ARGUMENT)
        if shared is not MISSING_ARGUMENT:
            return shared
        outer, self._touched = self._touched, False
        self._values[key] = UNKNOWN  # cycle guard
        found = self._values[key] = self._lookup(unit, name, depth)
        if self._touched:
            self._dependent.add(key)
        else:
            self.live.values[key] = found
        self._touched |= outer
        return found

    def _lookup(self, unit: Unit, name: str, depth: int) -> frozenset | None:
        if "." in name and not name.startswith(("self.", "cls.")):
            return self.live.config_values(name.partition(".")[2])
        if name.startswith("self."):  # an attribute the class sets once: its value where it is set
            if unit.kind != "function" or "." not in unit.name or depth >= MAX_DEPTH:
                return UNKNOWN
            cls = Unit(unit.path, "class", unit.name.partition(".")[0])
            found = self.live.attribute_definition(cls, name)
            if found is None and name == TRAINING_FLAG:
                self._touched = True
                return frozenset({False}) if self.evaluates else UNKNOWN
            if found is None:
                return self.attribute_values(cls, name, depth)
            return self.evaluate(found[0], found[1], depth + 1)
        if unit.kind == "function":
            function = self.graph.function_node(unit)
            if function is None:
                return UNKNOWN
            if name in parameter_names(function.args):
                return self.parameter_values(unit, function, name, depth)
            scope = self.live.scope(unit)
            if scope is not None and name in scope.stores:
                expr = self.live.definition(unit, name)
                if expr is not None:
                    return self.evaluate(unit, expr, depth + 1)
                values: set = set()
                for expr in all_definitions(scope, self.live.assigned(unit), name) or [None]:
                    found = self.evaluate(unit, expr, depth + 1) if expr is not None else UNKNOWN
                    if found is UNKNOWN:
                        return UNKNOWN
                    values |= found
                return frozenset(values)
        if unit.kind not in ("function", "main", "body"):
            return UNKNOWN
        expr = self.live.definition(Unit(unit.path, "module"), name)
        return self.evaluate(Unit(unit.path, "body"), expr, depth + 1) if expr is not None else UNKNOWN

    def attribute_values(self, cls: Unit, name: str, depth: int) -> frozenset | None:
        """The values of `self.<name>` set in several places: those of the bindings this entry point can run (a
        binding in a branch it never takes, `if conf and conf.noise_dir: self.noise = Noise(...)`, is left out)."""
        stores = self.live.attribute_stores(cls, name) if name.count(".") == 1 else None
        if stores is None:
            return UNKNOWN
        self._touched = True  # which bindings run may depend on this entry point's call sites
        values: set = set()
        for method, target, value in stores:
            if target in self.dead_nodes(method):
                continue
            found = self.evaluate(method, value, depth + 1)
            if found is UNKNOWN:
                return UNKNOWN
            values |= found
        return frozenset(values) if values else UNKNOWN

    def evaluate(self, unit: Unit, expr: ast.expr, depth: int) -> frozenset | None:
        if depth > MAX_DEPTH * 2:
            return UNKNOWN
        return values_of(expr, lambda other: self.lookup(unit, other, depth))

    def parameter_values(self, unit: Unit, function, name: str, depth: int) -> frozenset | None:
        """The values a parameter takes over the call sites of its function in this entry point's reach."""
        self._touched = True
        if unit in self.starts or depth >= MAX_DEPTH:
            return UNKNOWN
        sites = self.call_sites(unit)
        if not sites:
            return UNKNOWN
        values: set = set()
        for caller, call, bound in sites:
            argument = bound_argument(function, call, name, bound)
            if argument is SPREAD:
                # `SimpleTokenizer(**tokenizer_kwargs)`: a dict built elsewhere (a config) may set it, unless the
                # parameter's name is written nowhere but in its own function
                if self.live.mentioned(name, unit, function) and self.mentioned(name, unit, function):
                    return UNKNOWN
                argument = MISSING_ARGUMENT
            if argument is UNKNOWN:
                return UNKNOWN
            if argument is MISSING_ARGUMENT:
                argument = default_of(function.args, name)
                if argument is None:
                    return UNKNOWN
                found = values_of(argument, lambda _name: UNKNOWN)
            else:
                found = self.evaluate(caller, argument, depth + 1)
            if found is UNKNOWN:
                return UNKNOWN
            values |= found
        return frozenset(values)

    def mentioned(self, name: str, unit: Unit, function) -> bool:
        """Is parameter `name` written in code this entry point reaches (outside its own function), or in a
        config, script or doc? A `**config` dict of this entry point gets its keys from there only: an option
        that only another script's parser defines (`--use_multiepoch_sampler` in `train.py`) is not in it."""
        key = (unit, name)
        found = self._mentions.get(key)
        if found is None:
            found = self._mentions[key] = self._mention(name, unit, function)
        return found

    def _mention(self, name: str, unit: Unit, function) -> bool:
        live = self.live
        if live.texts is None:
            return True
        pattern = re.compile(r"\b" + re.escape(name).replace("_", "[_-]") + r"\b", re.IGNORECASE)
        if any(pattern.search(text) for text in live.texts()):
            return True
        own = (unit.path, function.lineno, getattr(function, "end_lineno", None) or function.lineno)
        spans: dict[str, list[tuple[int, int]]] = {}
        for reached in self.reached:
            if reached.kind == "cell":
                module = self.graph.source(reached)
                if module is not None and pattern.search(module.text):
                    return True
                continue
            spans.setdefault(reached.path, []).extend(self.span(reached))
        for path, ranges in spans.items():
            module = self.graph.modules.get(path)
            if module is None or (name not in module.text and name.replace("_", "-") not in module.text):
                continue
            for match in pattern.finditer(module.text):
                if module.text.endswith("self.", 0, match.start()):
                    continue
                line = module.text.count("\n", 0, match.start()) + 1
                if path == own[0] and own[1] <= line <= own[2]:
                    continue
                if any(first <= line <= last for first, last in ranges):
                    return True
        # code the entry point does not reach still counts, unless it only defines another script's option,
        # reads a key, or calls the function itself: none of these can put the name in this entry point's dict
        for path, module in self.graph.modules.items():
            if name not in module.text and name.replace("_", "-") not in module.text:
                continue
            harmless = None
            ranges = spans.get(path, ())
            for match in pattern.finditer(module.text):
                if module.text.endswith("self.", 0, match.start()):
                    continue
                line = module.text.count("\n", 0, match.start()) + 1
                if (path == own[0] and own[1] <= line <= own[2]) or any(a <= line <= b for a, b in ranges):
                    continue
                if harmless is None:
                    harmless = harmless_mentions(module, name, function.name)
                if line not in harmless:
                    return True
        return False

    def span(self, unit: Unit) -> list[tuple[int, int]]:
        """The lines of a unit's code: a function or method, a whole class (made or handed on), a module's
        top-level statements other than definitions (what those hold is judged through their own units)."""
        if unit.kind == "function":
            node = self.graph.function_node(unit)
        elif unit.kind in ("class", "instance"):
            node = self.graph.definitions(unit.path).classes.get(unit.name)
        else:
            module = self.graph.source(unit)
            tree = module.tree if module is not None else None
            if tree is None:
                return [(1, 10**9)]
            return [
                (statement.lineno, getattr(statement, "end_lineno", None) or statement.lineno)
                for statement in tree.body
                if statement.__class__ not in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ]
        if node is None:
            return [(1, 10**9)]
        return [(node.lineno, getattr(node, "end_lineno", None) or node.lineno)]

    def discards(self, unit: Unit, position: int, length: int) -> bool:
        """Does every call that runs function `unit` in this reach unpack its result and throw away element
        `position` (`indices, _ = grab_indices(probs)`)?"""
        sites = self.call_sites(unit)
        if not sites:
            return False
        for caller, call, _ in sites:
            target = unpacking_target(self.graph, caller, call)
            if target is None or len(target.elts) != length:
                return False
            element = target.elts[position]
            if element.__class__ is not ast.Name or not element.id.startswith("_"):
                return False
        return True

    def call_sites(self, unit: Unit) -> list[tuple[Unit, ast.Call, bool]] | None:
        """(caller, call, bound) for every call that runs `unit` in this reach; None when it also runs another way
        (an entry start, handed to a call, a table, a method on an object, an override run by a base class)."""
        sites: list[tuple[Unit, ast.Call, bool]] = []
        owner = unit.name.partition(".")[0] if "." in unit.name else ""
        for caller in self.callers(unit):
            if caller.kind == "class":  # made here: the constructor runs, from the calls that make the object
                if not owner or self.graph.method_of(caller, "__init__") != unit:
                    return None
                for maker in self.callers(caller):
                    found = self.live.calls_to(maker, caller, constructs=True)
                    if found is None:
                        return None
                    sites.extend(found)
                continue
            found = self.live.calls_to(caller, unit, constructs=False)
            if found is None:
                return None
            sites.extend(found)
        return sites


def harmless_mentions(module, name: str, function_name: str) -> frozenset[int]:
    """Lines where `name` is only an argparse option (`add_argument("--name", ...)`), a key read
    (`config["name"]`, `config.get("name")`, `args.name`) or a keyword of a call of the function itself."""
    tree = module.tree
    if tree is None:
        return frozenset()
    options = {name, f"--{name}", f"--{name.replace('_', '-')}"}
    lines: set[int] = set()
    for node in ast.walk(tree):
        cls = node.__class__
        if cls is ast.Call:
            func = node.func
            called = func.attr if func.__class__ is ast.Attribute else getattr(func, "id", "")
            if called in ("add_argument", "get"):
                keys = options if called == "add_argument" else {name}
                lines.update(a.lineno for a in node.args if a.__class__ is ast.Constant and a.value in keys)
            elif called == function_name:
                lines.update(k.value.lineno for k in node.keywords if k.arg == name)
        elif cls is ast.Subscript and node.ctx.__class__ is ast.Load:
            if node.slice.__class__ is ast.Constant and node.slice.value == name:
                lines.add(node.slice.lineno)
        elif cls is ast.Attribute and node.ctx.__class__ is ast.Load and node.attr == name:
            lines.add(node.end_lineno or node.lineno)
    return frozenset(lines)


def literal_settings(module, name: str) -> list | None:
    """The literal values a config module gives `name`: dict entries (`'name': 1.`), `cfg['name'] = 1.`,
    `cfg.name = 1.` and `name = 1.`; None when one of them is not a literal."""
    if module.tree is None:
        return None
    found: list = []
    for node in ast.walk(module.tree):
        value: ast.expr | None = None
        if node.__class__ is ast.Dict:
            for key, item in zip(node.keys, node.values, strict=True):
                if key is not None and key.__class__ is ast.Constant and key.value == name:
                    known, literal = constant(item)
                    if not known:
                        return None
                    found.append(literal)
            continue
        if node.__class__ is ast.Assign and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif node.__class__ is ast.AnnAssign and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        named = (target.__class__ is ast.Name and target.id == name) or (
            target.__class__ is ast.Attribute and target.attr == name  # `cfg.data_sample = -1`
        )
        keyed = (
            target.__class__ is ast.Subscript and target.slice.__class__ is ast.Constant and target.slice.value == name
        )
        if not named and not keyed:
            continue
        known, literal = constant(value)
        if not known:
            return None
        found.append(literal)
    return found


def truth_tested(scope: Scope | None) -> frozenset[ast.AST]:
    """The names and attributes whose truth alone a unit's guards test (`if self.noise:`, `if not a and b:`)."""
    if scope is None:
        return frozenset()
    found: set[ast.AST] = set()
    stack = [guard.test for guard in scope.guards]
    while stack:
        node = stack.pop()
        if node.__class__ is ast.Name or node.__class__ is ast.Attribute:
            found.add(node)
        elif node.__class__ is ast.BoolOp:
            stack.extend(node.values)
        elif node.__class__ is ast.UnaryOp and node.op.__class__ is ast.Not:
            stack.append(node.operand)
    return frozenset(found)


MISSING_ARGUMENT: Final = object()
SPREAD: Final = object()  # a parameter a call may pass only inside `**kwargs`


def is_false(call: ast.Call) -> bool:
    """`model.train(False)` (evaluation mode)."""
    return bool(call.args) and constant(call.args[0]) == (True, False)


def returned_positions(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[tuple[int, int], tuple[int, int]]:
    """See :meth:`LiveCode.returned_positions`: the calls inside the value of a tuple element of a `return`, or
    assigned (`v = ...`, `v[k] = ...`) to a local name read nowhere but as such an element."""
    returns = [
        node
        for node in walk_own(function)
        if node.__class__ is ast.Return and node.value is not None and node.value.__class__ is ast.Tuple
    ]
    if not returns:
        return {}
    found: dict[tuple[int, int], tuple[int, int]] = {}
    element_of: dict[str, set[tuple[int, int]]] = {}  # name -> (position, length) where it is returned
    returned_loads: set[int] = set()
    for node in returns:
        elements = node.value.elts
        for position, element in enumerate(elements):
            if element.__class__ is ast.Name:
                element_of.setdefault(element.id, set()).add((position, len(elements)))
                returned_loads.add(id(element))
            else:
                for part in ast.walk(element):
                    if part.__class__ is ast.Call:
                        found[(part.lineno, part.col_offset + 1)] = (position, len(elements))
    candidates = {name for name, places in element_of.items() if len(places) == 1}
    if not candidates:
        return found
    stored_into: set[int] = set()  # `v[k] = ...`: the Name `v` is loaded to store into it
    values: dict[str, list[ast.expr]] = {}
    for node in walk_own(function):
        if node.__class__ is ast.Assign:
            for target in node.targets:
                name = target.value if target.__class__ is ast.Subscript else target
                if name.__class__ is ast.Name and name.id in candidates:
                    stored_into.add(id(name))
                    values.setdefault(name.id, []).append(node.value)
                else:  # bound some other way (`v, w = ...`, `v.x = ...`): not followed
                    candidates.difference_update(n.id for n in ast.walk(target) if n.__class__ is ast.Name)
    for node in walk_own(function):
        if (
            node.__class__ is ast.Name
            and node.id in candidates
            and node.ctx.__class__ is not ast.Store
            and id(node) not in returned_loads
            and id(node) not in stored_into
        ):
            candidates.discard(node.id)  # read for something else
    for name in candidates:
        place = next(iter(element_of[name]))
        for value in values.get(name, ()):
            for part in ast.walk(value):
                if part.__class__ is ast.Call:
                    found[(part.lineno, part.col_offset + 1)] = place
    return found


def walk_own(function: ast.AST):
    """The nodes of a function's body, not those of functions or classes defined inside it."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if node.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def unpacking_target(graph: CallGraph, caller: Unit, call: ast.Call) -> ast.Tuple | None:
    """The tuple a call's result is unpacked into (`a, _ = f()`), when the call is an assignment's whole value."""
    for node in graph.code(caller).assignments:
        if node.__class__ is ast.Assign and node.value is call and len(node.targets) == 1:
            target = node.targets[0]
            if target.__class__ in (ast.Tuple, ast.List):
                return target
    return None


def is_mode(node: ast.expr) -> bool:
    """`self.training`, `model.training`: a module's current mode."""
    return node.__class__ is ast.Attribute and node.attr == "training"


def saved_modes(code) -> frozenset[str]:
    """Names a unit binds to a module's mode (`was_training = self.training`), to put it back later."""
    return frozenset(
        target.id
        for node in code.assignments
        if node.__class__ is ast.Assign and node.value is not None and is_mode(node.value)
        for target in node.targets
        if target.__class__ is ast.Name
    )


def restores_mode(call: ast.Call, saved: frozenset[str]) -> bool:
    """`model.train(was_training)`, `self.train(mode=self.training)`: the mode the module had before."""
    value = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return value is not None and (is_mode(value) or (value.__class__ is ast.Name and value.id in saved))


def parameter_names(args: ast.arguments) -> set[str]:
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


def default_of(args: ast.arguments, name: str) -> ast.expr | None:
    positional = [*args.posonlyargs, *args.args]
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
        if arg.arg == name:
            return default
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return default
    return None


def bound_argument(function, call: ast.Call, name: str, bound: bool):
    """The expression a call passes for parameter `name`, MISSING_ARGUMENT when it leaves it out, SPREAD when
    only a `**kwargs` may pass it, UNKNOWN when `*args` make it undecidable."""
    spread = False
    for keyword in call.keywords:
        if keyword.arg is None:
            spread = True
        elif keyword.arg == name:
            return keyword.value
    args = function.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    is_static = any(getattr(d, "id", None) == "staticmethod" for d in function.decorator_list)
    if bound and positional and not is_static:
        positional = positional[1:]
    for index, argument in enumerate(call.args):
        if argument.__class__ is ast.Starred:
            return UNKNOWN
        if index < len(positional) and positional[index] == name:
            return argument
    if args.vararg is not None and args.vararg.arg == name:
        return UNKNOWN
    if args.kwarg is not None and args.kwarg.arg == name:
        return UNKNOWN
    return SPREAD if spread else MISSING_ARGUMENT

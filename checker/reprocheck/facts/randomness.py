"""Random state in code: what each unit of code draws and seeds, and what each entry point reaches.

Per unit (see :mod:`reprocheck.facts.reachability`) the calls are matched against the tables of
:mod:`reprocheck.tables.randomness` once and cached: draws from a library's global state, seeding calls,
generators created without a seed, model construction and training steps (which together draw initial weights
and shuffle batches), and calls to seed helpers the checker cannot see into. Per entry point the units it
reaches are summed up into the libraries it uses and the libraries its reachable seeding covers.
"""

from __future__ import annotations

import ast
import posixpath
import re
import weakref
from dataclasses import dataclass, field, replace
from functools import lru_cache

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.entry_cache import EntryCache
from reprocheck.facts.entrypoints import EntryPoint
from reprocheck.facts.liveness import (
    MISSING_ARGUMENT,
    SPREAD,
    LiveCode,
    bound_argument,
    decide,
    default_of,
    parameter_names,
    read_scope,
    values_of,
    walk_own,
)
from reprocheck.facts.liveness import UNKNOWN as UNKNOWN_VALUE
from reprocheck.facts.pycode import CellModule, PyModule
from reprocheck.facts.reachability import CallGraph, Unit, breadth_first, reference_key
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables import randomness as T

# Names of seed helpers the checker cannot see into (`set_global_seed`, `seed_all`, `fix_seeds`).
SEED_HELPER_NAME = lazy_pattern(
    r"(set|fix|init|apply|setup|configure|make|reset)_\w*seeds?\w*|seed_\w+|\w*(global|random|manual|all)_seeds?",
    re.IGNORECASE,
)
MAX_SHOWN = 60  # characters of a call shown in messages


@dataclass(frozen=True)
class Event:
    """One random-state-relevant call: kind is use, seed, entropy-seed (a seeding fed from the clock or a draw),
    generator, unknown-seed, model or train."""

    kind: str
    libs: frozenset[str]
    what: str  # the call, named (`np.random.rand(...)`, `torch.LongTensor(...).random_(...)`)
    unit: Unit
    line: int  # line in the source (cell line for notebooks)
    column: int
    file_line: int  # line in the file on disk

    @property
    def lib(self) -> str:
        return next(iter(sorted(self.libs)), "")

    def where(self) -> str:
        if self.unit.kind == "cell":
            return f"{self.unit.path}:cell {self.unit.name}:line {self.line}"
        return f"{self.unit.path}:{self.line}"


def shown(node: ast.AST) -> str:
    text = reference_key(node)  # a dotted name (or `super().x`) unparses to itself; skip the unparser
    if text is None:
        try:
            text = ast.unparse(node)
        except (ValueError, RecursionError):  # pragma: no cover - ast.unparse is total on parsed trees
            return "call"
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def call_label(node: ast.AST, depth: int = 0) -> str:
    """A call named for a message, arguments elided: `np.random.beta(...)`, `torch.LongTensor(...).random_(...)`,
    `(...).normal_(...)` for a receiver that is an expression (never the expression's text, which may span lines)."""
    cls = node.__class__
    if cls is ast.Call:
        return f"{call_label(node.func, depth + 1)}(...)"
    key = reference_key(node)
    if key is not None:
        return key if len(key) <= MAX_SHOWN else "..." + key[-(MAX_SHOWN - 3) :]
    if cls is ast.Attribute and depth < 4:
        return f"{call_label(node.value, depth + 1)}.{node.attr}"
    if cls is ast.Subscript and depth < 4:
        return f"{call_label(node.value, depth + 1)}[...]"
    return "(...)"


@lru_cache(maxsize=4096)
def is_seed_helper_name(name: str) -> bool:
    return name in T.SEED_CALL_NAMES or SEED_HELPER_NAME.fullmatch(name) is not None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def option_dest(call: ast.Call) -> str | None:
    """The attribute an `add_argument` call stores into: `dest=`, else its first long option, else its name."""
    dest = keyword(call, "dest")
    if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
        return dest.value
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    chosen = next((f for f in flags if f.startswith("--")), flags[0] if flags else None)
    return chosen.lstrip("-").replace("-", "_") if chosen else None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def argument(call: ast.Call, name: str, position: int | None) -> ast.expr | None:
    """A call's argument by keyword, else by position (None when absent)."""
    value = keyword(call, name)
    if value is None and position is not None and len(call.args) > position:
        arg = call.args[position]
        value = None if isinstance(arg, ast.Starred) else arg
    return value


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def seed_argument(call: ast.Call) -> ast.expr | None:
    return argument(call, "seed", 0)


def imports_module(module: PyModule, top: str) -> bool:
    return any(value == top or value.startswith(top + ".") for value in module.bindings.values())


def draw_library(qualified: str) -> str | None:
    """The library whose global state a call draws from, by its qualified name, else None."""
    parts = qualified.split(".")
    if len(parts) == 2 and parts[0] == "random" and parts[1] in T.RANDOM_DRAWS:
        return "random"
    if len(parts) == 3 and parts[:2] == ["numpy", "random"] and parts[2] not in T.NUMPY_RANDOM_NON_DRAWS:
        return "numpy"
    if qualified in T.TORCH_DRAWS:
        return "torch"
    if qualified.startswith("torch.nn.init.") and parts[-1] not in T.TORCH_INIT_NON_DRAWS:
        return "torch"
    if len(parts) == 3 and parts[:2] == ["tensorflow", "random"] and parts[2] not in T.TF_RANDOM_NON_DRAWS:
        return None if parts[2].startswith("stateless_") else "tensorflow"
    return None


def starred_seeder(graph: CallGraph, module: PyModule, near: str, func: ast.expr) -> str | None:
    """The seeder a call names through a conventional library alias that no import of the module binds and a star
    import of a module outside the project may have brought (`np.random.seed(42)` under `from fastbook import *`),
    else None. A project module's exports are known (see `CallGraph.star_qualname`). Only seeders: a draw through
    such a name is left unread, as before."""
    if not module.star_imports or func.__class__ is not ast.Attribute:
        return None
    if all(graph.module_path(star, near) is not None for star in module.star_imports):
        return None
    attrs: list[str] = []
    node = func
    while node.__class__ is ast.Attribute:
        attrs.append(node.attr)
        node = node.value
    if node.__class__ is not ast.Name or node.id in module.bindings:
        return None
    library = T.CONVENTIONAL_ALIASES.get(node.id)
    if library is None:
        return None
    qualified = ".".join([library, *reversed(attrs)])
    return qualified if qualified in T.SEEDERS else None


def seeder_libraries(qualified: str, seed_functions: list[str]) -> frozenset[str] | None:
    if qualified in T.SEEDERS:
        return T.SEEDERS[qualified]
    for name in seed_functions:
        if qualified == name or ("." not in name and qualified.rsplit(".", 1)[-1] == name):
            return T.ALL_LIBRARIES
    return None


def seeding_trainer(qualified: str) -> bool:
    """Is `qualified` a trainer class that seeds every library when made (`transformers.Trainer`, trl's
    `SFTTrainer`; see `T.SEEDING_TRAINER_PACKAGES`)?"""
    tail = qualified.rsplit(".", 1)[-1]
    return qualified.split(".", 1)[0] in T.SEEDING_TRAINER_PACKAGES and tail.endswith("Trainer") and tail[:1].isupper()


def tracing_inputs(module: PyModule, code) -> frozenset[ast.Call]:
    """The calls that make an example input for a tracer (`dummy = torch.randn(1, 3, 224, 224)` handed to
    `torch.onnx.export`, `torch.jit.trace`, `thop.profile`, ...): exporting or counting a model does not depend on
    the input's values. Found through the names that the tracer's arguments read."""
    names: set[str] = set()
    for call in code.calls:
        if module.qualname(call.func) not in T.TRACERS:
            continue
        for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
            for node in ast.walk(argument):
                key = reference_key(node) if node.__class__ in (ast.Name, ast.Attribute) else None
                if key is not None:
                    names.add(key)
    if not names:
        return frozenset()
    found: set[ast.Call] = set()
    for node in code.assignments:
        targets = node.targets if node.__class__ is ast.Assign else (node.target,)
        if any(reference_key(target) in names for target in targets):
            found.update(part for part in ast.walk(node.value) if part.__class__ is ast.Call)
    return frozenset(found)


# Calls that only show a value: `print`, `display`, `pprint`, and a logger's methods (`logger.info(...)`).
DISPLAY_FUNCTIONS = frozenset({"print", "display", "pprint", "pprint.pprint", "IPython.display.display"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "write"})
LOGGER_NAMES = frozenset({"logger", "log", "logging", "LOGGER", "_logger", "tqdm"})


def is_display_call(module: PyModule, call: ast.Call) -> bool:
    func = call.func
    if func.__class__ is ast.Name:
        return (func.id in DISPLAY_FUNCTIONS and func.id not in module.bindings) or (
            module.qualname(func) in DISPLAY_FUNCTIONS
        )
    if func.__class__ is ast.Attribute:
        if module.qualname(func) in DISPLAY_FUNCTIONS:
            return True
        receiver = func.value
        return func.attr in LOG_METHODS and receiver.__class__ is ast.Name and receiver.id in LOGGER_NAMES
    return False


# Draws of characters that only make a name (a temporary folder, a run id): `random.choices(string.ascii_letters
# + string.digits, k=8)`, `random.choice("abcdef")`.
NAME_DRAWS = frozenset({"random.choice", "random.choices", "random.sample", "numpy.random.choice"})
ALPHABETS = frozenset(
    {"string.ascii_letters", "string.ascii_lowercase", "string.ascii_uppercase", "string.digits", "string.hexdigits",
     "string.octdigits", "string.letters", "string.lowercase", "string.uppercase"}
)  # fmt: skip


# A name the value of a draw is formatted into: `viz_id = "viz_{}".format(round(random.random() * 1e6))`,
# `run_name = f"run-{random.randint(0, 999)}"`. Paths and file names are not among them: a drawn file name may
# choose what is loaded.
IDENTIFIER_NAME = lazy_pattern(r"(?:^|_)(?:id|uid|uuid|name|tag|key|prefix|suffix)$")


def formatted_into_names(code) -> frozenset[ast.Call]:
    """The calls inside string-building values assigned to names of identifiers (see IDENTIFIER_NAME): a draw
    there only makes a name or an HTML element id, not a result."""
    found: set[ast.Call] = set()
    for node in code.assignments:
        targets = node.targets if node.__class__ is ast.Assign else (node.target,)
        names = [target.id if target.__class__ is ast.Name else getattr(target, "attr", "") for target in targets]
        if not names or not all(IDENTIFIER_NAME.search(name.lower()) for name in names):
            continue
        if node.value is not None and builds_a_string(node.value):
            found.update(n for n in ast.walk(node.value) if n.__class__ is ast.Call)
    return frozenset(found)


def builds_a_string(value: ast.expr) -> bool:
    """An f-string, `"...".format(...)`, `"..." % (...)` or a concatenation with a string literal."""
    if value.__class__ is ast.JoinedStr:
        return True
    if value.__class__ is ast.Call and value.func.__class__ is ast.Attribute and value.func.attr == "format":
        return value.func.value.__class__ is ast.Constant and isinstance(value.func.value.value, str)
    if value.__class__ is ast.BinOp and value.op.__class__ in (ast.Add, ast.Mod):
        sides = (value.left, value.right)
        return any(side.__class__ is ast.Constant and isinstance(side.value, str) for side in sides) or any(
            builds_a_string(side) for side in sides
        )
    return False


def random_name(module: PyModule, call: ast.Call) -> bool:
    """A draw of characters from an alphabet (`string.ascii_uppercase + string.digits`, a literal string): it
    makes a name, not a result."""
    if module.qualname(call.func) not in NAME_DRAWS or not call.args:
        return False
    population = call.args[0]
    parts: list[ast.expr] = []
    stack = [population]
    while stack:
        node = stack.pop()
        if node.__class__ is ast.BinOp and node.op.__class__ is ast.Add:
            stack.extend((node.left, node.right))
        else:
            parts.append(node)
    return all(
        (part.__class__ is ast.Constant and isinstance(part.value, str) and part.value)
        or module.qualname(part) in ALPHABETS
        for part in parts
    )


def displayed_only(module: PyModule, code, local_names: bool) -> frozenset[ast.Call]:
    """The draws that only pick what a print/display/log call shows (see `direct_calls`): inside its arguments, or
    bound, inside a function, to names that are then read only there (until they are bound again). A draw that
    only picks which examples to print changes no result. (`local_names` is kept for the callers: the names of a
    function defined in a notebook cell are its own too.)"""
    shown: set[int] = set()
    for call in code.calls:
        if is_display_call(module, call):
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                shown.update(id(node) for node in ast.walk(argument))
    if not shown:
        return frozenset()
    direct = direct_calls_of_shown(module, code)
    found = {call for call in code.calls if id(call) in shown and call in direct}
    candidates = [node for node in code.assignments if node.value is not None and direct_calls(node.value)]
    if not candidates:
        return frozenset(found)
    enclosing = enclosing_functions(module, code)
    for node in candidates:
        function = enclosing.get(id(node))
        targets = node.targets if node.__class__ is ast.Assign else (node.target,)
        if function is None or any(t.__class__ not in (ast.Name, ast.Tuple, ast.List) for t in targets):
            continue
        names = {n.id for target in targets for n in ast.walk(target) if n.__class__ is ast.Name}
        if names and all(read_only_shown(name, node, function, module, code) for name in names):
            found.update(direct_calls(node.value))
    return frozenset(found)


# Calls that draw a figure (matplotlib, seaborn, plotly, IPython's display objects): what they are given is shown,
# not computed on. A method of these names on an object the checker cannot name is taken to be a plot's
# (`axs[i].imshow(x)`, `ax.scatter(...)`).
PLOT_PREFIXES = ("matplotlib.", "seaborn.", "plotly.", "IPython.display.")
PLOT_METHODS = frozenset(
    {"imshow", "matshow", "plot", "scatter", "hist", "bar", "barh", "pie", "errorbar", "boxplot", "violinplot",
     "fill_between", "contour", "contourf", "pcolormesh", "heatmap", "set_title", "suptitle", "title", "xlabel",
     "ylabel", "annotate", "legend", "show", "plot3D", "scatter3D", "plot_surface", "plot_wireframe",
     "plot_trisurf", "contour3D", "bar3d"}
)  # fmt: skip
PLOT_RECEIVERS = frozenset({"plt", "sns", "px", "ax", "axs", "axes", "fig"})
# Keywords that give a drawing call its colour (`outline=color`, `fill=color`, `color=c`).
COLOUR_KEYWORDS = frozenset({"color", "colour", "colors", "colours", "fill", "outline", "edgecolor", "facecolor"})
# A function named for drawing or showing (`plot_boxes_to_image`, `draw_masks`, `visualize`): a colour drawn in it
# colours a picture to look at, not data (a random fill in an augmentation is data: its function is not named so).
DRAWING_FUNCTION = lazy_pattern(r"plot|draw|vis|show|display|render|annotat|paint|colou?r", re.IGNORECASE)


def is_plot_call(module: PyModule, call: ast.Call) -> bool:
    func = call.func
    qualified = module.qualname(func)
    if qualified is not None:
        return qualified.startswith(PLOT_PREFIXES)
    if func.__class__ is not ast.Attribute:
        return False
    root = func.value
    while root.__class__ in (ast.Attribute, ast.Subscript):
        root = root.value
    if root.__class__ is ast.Name and root.id in PLOT_RECEIVERS and root.id not in module.bindings:
        return True
    return func.attr in PLOT_METHODS and module.qualname(func.value) is None


def direct_parts(argument: ast.AST) -> list[ast.AST]:
    """The nodes of a value that are the value itself, not handed to a computation (`x`, `f"{x}"`, `xs[i]`,
    `x.squeeze().numpy()`; not `model(x)`)."""
    found: list[ast.AST] = []
    stack = [argument]
    while stack:
        node = stack.pop()
        found.append(node)
        if node.__class__ is ast.Call:
            stack.append(node.func)
            func = node.func
            name = func.attr if func.__class__ is ast.Attribute else getattr(func, "id", "")
            if name in DISPLAY_OBJECTS or name in VIEWS or same_values(func):
                # `wandb.Image(xs[idx])`, `np.squeeze(x)`, `np.sin(z)`, `Image.open(path)`: shown as given
                stack.extend(a.value if a.__class__ is ast.Starred else a for a in node.args)
                stack.extend(keyword.value for keyword in node.keywords)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


# Elementwise functions of the array libraries (`np.sin(z)`, `torch.exp(x)`): each drawn point stays one point, in
# other coordinates (a cumulative sum or a mean of draws is another value: not among them).
ELEMENTWISE = frozenset(
    {"sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "exp2", "expm1", "log",
     "log2", "log10", "log1p", "sqrt", "square", "abs", "absolute", "sign", "floor", "ceil", "round", "clip"}
)  # fmt: skip
ARRAY_MODULES = frozenset({"np", "numpy", "torch", "math"})
# Calls that read an image from a path (`Image.open(path)`, `cv2.imread(path)`): the picture of a picked path.
IMAGE_READERS = frozenset({"imread", "read_image", "load_img", "decode_image"})


def same_values(func: ast.expr) -> bool:
    """Does a call of `func` give back what it is given in another form: an elementwise function of an array
    library (see ELEMENTWISE), or an image read from a path (`Image.open(path)`, see IMAGE_READERS)?"""
    if func.__class__ is ast.Name:
        return func.id in IMAGE_READERS
    if func.__class__ is not ast.Attribute:
        return False
    receiver = func.value
    if func.attr in IMAGE_READERS:
        return True
    if receiver.__class__ is not ast.Name:
        return False
    if func.attr == "open":
        return receiver.id == "Image"
    return func.attr in ELEMENTWISE and receiver.id in ARRAY_MODULES


# Objects that show what they are given (IPython's and wandb's media): `wandb.Image(x)`, `display.HTML(s)`.
DISPLAY_OBJECTS = frozenset({"Image", "Video", "Audio", "HTML", "Markdown", "SVG"})
# Functions that give the same values in another shape (`plt.imshow(np.squeeze(images[i]))`): the value as given.
VIEWS = frozenset(
    {"squeeze", "transpose", "reshape", "moveaxis", "swapaxes", "asarray", "array", "from_numpy", "as_tensor",
     "DataFrame", "Series"}
)  # fmt: skip


# Calls that only convert a value (`tuple(np.random.randint(0, 255, size=3).tolist())`): it is still the drawn value.
CONVERSIONS = frozenset({"tuple", "list", "int", "float", "round", "str", "abs", "sorted"})
# `torch.tensor([...])`, `pd.DataFrame(np.random.rand(3, 2))`: the values in a container; `df.reindex(np.random.
# permutation(df.index))`: the rows in a drawn order
ARRAY_CONVERSIONS = frozenset(
    {"tensor", "as_tensor", "array", "asarray", "from_numpy", "DataFrame", "Series", "reindex"}
)  # fmt: skip


def is_library_draw(module: PyModule, call: ast.Call) -> bool:
    """A call that may draw from a library's state (by its name: `np.random.randint`, `torch.rand`, or a tensor's
    in-place draw method): what is worth following to where its value goes."""
    qualified = module.qualname(call.func)
    if qualified is not None:
        return draw_library(qualified) is not None
    func = call.func
    return func.__class__ is ast.Attribute and func.attr in T.TORCH_TENSOR_DRAW_METHODS


def fills_in_place(module: PyModule, call: ast.Call) -> bool:
    """An in-place draw method of a tensor the code holds (`t.random_(10)`, `w.normal_()`), not of one made right
    there (`torch.empty(3).uniform_()`)."""
    func = call.func
    if func.__class__ is not ast.Attribute or module.qualname(func) is not None:
        return False
    return func.attr in T.TORCH_TENSOR_DRAW_METHODS and func.value.__class__ is not ast.Call


def value_draws(value: ast.AST) -> list[ast.Call]:
    """The calls that make a value itself (see `direct_parts`), through conversions (`tuple(...)`, `int(...)`,
    `pd.DataFrame(...)`) and the elements of a comprehension (`[random.random() for i in range(n)]`):
    `10 ** (random.random() * 2 + 1)`, `tuple(np.random.randint(0, 255, size=3).tolist())`; not a draw handed
    to a computation (`train(model, np.random.rand(3))`)."""
    found: list[ast.Call] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if node.__class__ is ast.Call:
            found.append(node)
            stack.append(node.func)
            func = node.func
            if (func.__class__ is ast.Name and func.id in CONVERSIONS) or (
                func.__class__ is ast.Attribute and func.attr in ARRAY_CONVERSIONS
            ):
                stack.extend(argument for argument in node.args if argument.__class__ is not ast.Starred)
            continue
        if node.__class__ in (ast.ListComp, ast.SetComp, ast.GeneratorExp):
            stack.append(node.elt)  # the elements are the value; the loop's own parts are not
            continue
        if node.__class__ in (ast.Lambda, ast.DictComp):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def shown_parts(module: PyModule, code, colours: bool) -> tuple[set[int], set[int]]:
    """ids of the nodes that are direct parts of what calls show: (of display and print calls, of plot calls and,
    with `colours`, of the colour keywords of any call)."""
    shows: set[int] = set()
    pictures: set[int] = set()
    for call in code.calls:
        if is_display_call(module, call) or is_plot_call(module, call):
            into = shows if is_display_call(module, call) else pictures
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                into.update(id(node) for node in direct_parts(argument))
        elif colours:
            for keyword in call.keywords:
                if keyword.arg in COLOUR_KEYWORDS:
                    pictures.update(id(node) for node in direct_parts(keyword.value))
    return shows, pictures


def drawn_for_show(module: PyModule, code) -> frozenset[ast.Call]:
    """Draws that only make what a plot or picture shows: the value of a plot call's argument (`plt.plot(np.random.
    randn(50))`), or the value (see `value_draws`) bound, inside a function, to names read only by display and
    plot calls, one of them a plot, or, in a function named for drawing (`plot_boxes_to_image`), as a colour
    (`color = tuple(np.random.randint(0, 255, size=3).tolist())` then `draw.rectangle(box, outline=color)`).
    What a print or log call alone shows is `displayed_only`'s (a value printed itself counts there)."""
    if not any(is_plot_call(module, call) for call in code.calls) and not any(
        keyword.arg in COLOUR_KEYWORDS for call in code.calls for keyword in call.keywords
    ):
        return frozenset()
    found: set[ast.Call] = set()
    for call in code.calls:
        if is_plot_call(module, call):
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                found.update(value_draws(argument))
    enclosing = None
    parts: dict[bool, tuple[set[int], set[int]]] = {}
    for node in code.assignments:
        if node.value is None:
            continue
        draws = [call for call in value_draws(node.value) if is_library_draw(module, call)]
        targets = node.targets if node.__class__ is ast.Assign else (node.target,)
        if not draws or any(t.__class__ not in (ast.Name, ast.Tuple, ast.List) for t in targets):
            continue
        if enclosing is None:
            enclosing = enclosing_functions(module, code)
        function = enclosing.get(id(node))
        if function is None:
            continue
        names = {n.id for target in targets for n in ast.walk(target) if n.__class__ is ast.Name}
        colours = DRAWING_FUNCTION.search(function.name) is not None
        if colours not in parts:
            parts[colours] = shown_parts(module, code, colours)
        shows, pictures = parts[colours]
        pictured: list[bool] = []

        def sink(load: ast.AST, shows=shows, pictures=pictures, pictured=pictured) -> bool:
            if id(load) in pictures:
                pictured.append(True)
                return True
            return id(load) in shows

        if names and all(read_only_shown(name, node, function, module, code, sink) for name in names) and pictured:
            found.update(draws)
    return frozenset(found)


MAX_FLOW = 3  # names a shown value may pass through (`size` -> `shape` -> `display.Image(width=shape[0])`)


# -- values overwritten before they are read ----------------------------------------------------------------------
EXITS = (ast.Raise, ast.Return, ast.Continue, ast.Break)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def overwritten_draws(functions: list[ast.AST], is_draw) -> frozenset[ast.Call]:
    """Draws whose value a function binds to a local name and binds again before any read (`C = np.random.normal(
    size=N)`, then `C = np.eye(N)`; or every branch of an `if` that follows binds it first or stops): the drawn
    value is never used. Only names local to the function (no `global`/`nonlocal`, no inner function reading them),
    and only draws that are the value itself (see `value_draws`): a draw handed to a call may still do work."""
    found: set[ast.Call] = set()
    for function in functions:
        shared: set[str] = set()
        for node in ast.walk(function):
            if node.__class__ in (ast.Global, ast.Nonlocal):
                shared.update(node.names)
            elif node is not function and node.__class__ in SCOPES:
                shared.update(n.id for n in ast.walk(node) if n.__class__ is ast.Name)
        for block in statement_blocks(function):
            for index, statement in enumerate(block):
                if statement.__class__ is not ast.Assign or len(statement.targets) != 1:
                    continue
                target = statement.targets[0]
                if target.__class__ is not ast.Name or target.id in shared:
                    continue
                draws = [call for call in value_draws(statement.value) if is_draw(call)]
                if draws and killed_before_read(target.id, block[index + 1 :]):
                    found.update(draws)
    return frozenset(found)


# In-place shuffles, and what may read a shuffled list without depending on its order: its length, or a set, a
# sorted copy, a sum of it.
IN_PLACE_SHUFFLES = frozenset({"random.shuffle", "numpy.random.shuffle"})
ORDERLESS_READERS = frozenset({"len", "set", "frozenset", "sorted", "sum", "min", "max", "any", "all", "Counter"})
# Calls that copy a list they are given (reading it then leaves no alias that a later shuffle reorders).
COPYING_READERS = ORDERLESS_READERS | {"list", "tuple", "enumerate", "zip", "range", "print", "str", "repr"}


def unordered_shuffles(functions: list[ast.AST], module: PyModule) -> frozenset[ast.Call]:
    """In-place shuffles (`random.shuffle(xs)`, `np.random.shuffle(xs)`) of a list local to a function, made by a
    statement of its body, whose new order nothing reads: afterwards the function only takes the list's length
    or an unordered view of it (`len(xs)`, `set(xs)`, `[1 for _ in xs]`, a comprehension that ignores its
    elements), and before, it only read or copied it (`corpus = xs + ys`, `len(xs)`), leaving no alias (no
    `ys = xs`, no call or container it is handed to) that would see the order. The shuffle changes nothing."""
    found: set[ast.Call] = set()
    for function in functions:
        for statement in function.body:
            call = statement.value if statement.__class__ is ast.Expr else None
            if call.__class__ is not ast.Call or len(call.args) != 1 or call.keywords:
                continue
            target = call.args[0]
            if target.__class__ is not ast.Name or module.qualname(call.func) not in IN_PLACE_SHUFFLES:
                continue
            if shuffle_unread(function, target.id, statement):
                found.add(call)
    return frozenset(found)


def shuffle_unread(function: ast.AST, name: str, shuffle: ast.stmt) -> bool:
    """Does `function` read `name` (a local list shuffled in place by `shuffle`) only in ways that do not see the
    shuffled order (see `unordered_shuffles`)?"""
    arguments = function.args
    if name in {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}:
        return False  # the caller's list: it sees the new order
    parents: dict[int, ast.AST] = {}
    loads: list[ast.Name] = []
    bound = False
    for node in walk_own(function):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        cls = node.__class__
        if cls in (ast.Global, ast.Nonlocal) and name in node.names:
            return False
        if cls in SCOPES and any(n.__class__ is ast.Name and n.id == name for n in ast.walk(node)):
            return False  # an inner function or lambda may read it
        if cls is ast.Name and node.id == name:
            if node.ctx.__class__ is ast.Load:
                loads.append(node)
            else:
                bound = True
    if not bound:
        return False  # not a list of this function's own
    at = (shuffle.lineno, shuffle.col_offset)
    for load in loads:
        if load is shuffle.value.args[0]:
            continue
        later = (load.lineno, load.col_offset) > at
        if not (orderless_read(load, parents, name) if later else copying_read(load, parents)):
            return False
    return True


def orderless_read(load: ast.Name, parents: dict[int, ast.AST], name: str) -> bool:
    """`len(xs)`, `set(xs)`, or `xs` iterated by a comprehension whose element nothing reads (`[1 for _ in xs]`)."""
    parent = parents.get(id(load))
    if parent.__class__ is ast.Call and parent.args == [load] and not parent.keywords:
        return parent.func.__class__ is ast.Name and parent.func.id in ORDERLESS_READERS
    if parent.__class__ is ast.comprehension and parent.iter is load:
        comprehension = parents.get(id(parent))
        bound = {n.id for n in ast.walk(parent.target) if n.__class__ is ast.Name}
        readers = [comprehension.elt] if hasattr(comprehension, "elt") else [comprehension.key, comprehension.value]
        readers += [condition for generator in comprehension.generators for condition in generator.ifs]
        readers += [generator.iter for generator in comprehension.generators if generator is not parent]
        return not any(n.__class__ is ast.Name and n.id in bound for reader in readers for n in ast.walk(reader))
    return False


def copying_read(load: ast.Name, parents: dict[int, ast.AST]) -> bool:
    """A read that leaves no alias of the list: an operand (`xs + ys`), an element or slice (`xs[0]`), a method
    called on it, a comparison, a loop over it, or an argument of a built-in that copies or measures it."""
    parent = parents.get(id(load))
    cls = parent.__class__
    if cls in (ast.BinOp, ast.Compare, ast.Subscript, ast.Attribute, ast.comprehension, ast.For):
        return cls is not ast.Subscript or parent.value is load
    if cls is ast.Call and load in parent.args:
        return parent.func.__class__ is ast.Name and parent.func.id in COPYING_READERS
    return False


def statement_blocks(function: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists of a function's body and of the compound statements in it (not of inner functions)."""
    blocks: list[list[ast.stmt]] = []
    stack: list[list[ast.stmt]] = [function.body]
    while stack:
        block = stack.pop()
        blocks.append(block)
        for statement in block:
            if statement.__class__ in SCOPES:
                continue
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(statement, name, None)
                if inner.__class__ is list and inner and isinstance(inner[0], ast.stmt):
                    stack.append(inner)
            for handler in getattr(statement, "handlers", ()):
                stack.append(handler.body)
    return blocks


def reads(name: str, node: ast.AST) -> bool:
    return any(n.__class__ is ast.Name and n.id == name and n.ctx.__class__ is ast.Load for n in ast.walk(node))


def stops(statement: ast.stmt) -> bool:
    """`raise ...`, `return`, `assert False`: what follows in the block does not run."""
    if statement.__class__ in EXITS:
        return True
    return statement.__class__ is ast.Assert and isinstance(statement.test, ast.Constant) and not statement.test.value


def killed_before_read(name: str, statements: list[ast.stmt]) -> bool:
    """Do these statements, run in order, bind `name` again (or stop) before anything reads it?"""
    for statement in statements:
        if stops(statement) and not reads(name, statement):
            return True
        cls = statement.__class__
        if cls is ast.Assign and any(t.__class__ is ast.Name and t.id == name for t in statement.targets):
            return not reads(name, statement.value)
        if (
            cls is ast.If
            and not reads(name, statement.test)
            and killed_before_read(name, statement.body)
            and killed_before_read(name, statement.orelse)
        ):
            return True
        if reads(name, statement) or any(
            n.__class__ is ast.Name and n.id == name and n.ctx.__class__ is not ast.Load for n in ast.walk(statement)
        ):
            return False
    return False


def loaded_over_draws(statements: list[ast.stmt], is_draw) -> frozenset[ast.Call]:
    """Draws whose value only builds a model whose state is loaded afterwards: `inducing_points =
    torch.randn(500, 18)`, `model = GPModel(inducing_points)`, then `model.load_state_dict(state)` replaces the
    drawn parameters. The drawn name is bound once and read nowhere else; the model is bound by that call (and
    moved: `model = model.cuda()`)."""
    bound: dict[str, list[ast.Assign]] = {}
    loads: dict[str, list[ast.Name]] = {}
    loaded: dict[str, int] = {}  # model name -> the index of the first statement that loads its state
    parents: dict[int, ast.AST] = {}
    for index, statement in enumerate(statements):
        stack: list[ast.AST] = [statement]
        while stack:
            node = stack.pop()
            cls = node.__class__
            if cls in SCOPES and cls is not ast.Lambda:
                bound.setdefault(node.name, []).append(node)
                continue  # a definition: the names in it are its own
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
                stack.append(child)
            if cls is ast.Assign:
                for target in node.targets:
                    for name in ast.walk(target):
                        if name.__class__ is ast.Name:
                            bound.setdefault(name.id, []).append(node)
            elif cls is ast.Name and node.ctx.__class__ is ast.Load:
                loads.setdefault(node.id, []).append(node)
            elif (
                cls is ast.Call
                and node.func.__class__ is ast.Attribute
                and node.func.attr in T.WEIGHT_LOADING_METHODS
                and node.func.value.__class__ is ast.Name
            ):
                loaded.setdefault(node.func.value.id, index)
    if not loaded:
        return frozenset()
    found: set[ast.Call] = set()
    for index, statement in enumerate(statements):
        if statement.__class__ is not ast.Assign or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if target.__class__ is not ast.Name or len(bound.get(target.id, ())) != 1:
            continue
        draws = [call for call in value_draws(statement.value) if is_draw(call)]
        uses = loads.get(target.id, [])
        if draws and uses and all(builds_loaded_model(use, parents, bound, loaded, index) for use in uses):
            found.update(draws)
    return frozenset(found)


def builds_loaded_model(use: ast.Name, parents: dict[int, ast.AST], bound, loaded, after: int) -> bool:
    """Is `use` an argument of the call that makes a model (`model = GPModel(inducing_points=x)`) whose state a
    later statement loads?"""
    parent = parents.get(id(use))
    if parent.__class__ is ast.keyword:
        parent = parents.get(id(parent))
    if parent.__class__ is not ast.Call or parent.func is use:
        return False
    assign = parents.get(id(parent))
    if assign.__class__ is not ast.Assign or len(assign.targets) != 1 or assign.targets[0].__class__ is not ast.Name:
        return False
    model = assign.targets[0].id
    others = [other for other in bound.get(model, ()) if other is not assign]
    return loaded.get(model, -1) > after and all(moves(other, model) for other in others)


def moves(assign: ast.Assign, name: str) -> bool:
    """`model = model.cuda()`, `model = model.to(device)`: the same object, moved."""
    value = assign.value
    return (
        value.__class__ is ast.Call
        and value.func.__class__ is ast.Attribute
        and value.func.attr in ("cuda", "to", "cpu", "eval", "double", "float", "half")
        and value.func.value.__class__ is ast.Name
        and value.func.value.id == name
    )


DEF_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
MAX_NOTEBOOK_DEPTH = 3  # functions followed back when a notebook function passes its parameter on


class NotebookFunctions:
    """Branches of the functions a notebook defines (at a cell's top level) that none of its calls takes: `if
    measure == "random":` in `transition(measure, N)` where every call, in the cells or in other notebook
    functions, passes another literal (followed back through a parameter passed on, `plot(measure="legs")` ->
    `transition(measure, N)`, and top-level names the notebook assigns once to a literal), and branches of the
    cells' top level that no run takes (`if smoke_test:` where `smoke_test = "CI" in os.environ`), and draws that
    only build a model whose state is loaded afterwards (see `loaded_over_draws`). `dead` holds the calls in those
    branches. A function the notebook names other than by calling it, or defines twice, is not judged."""

    def __init__(self, graph: CallGraph, path: str):
        self.functions: dict[str, ast.AST] = {}
        self.calls: dict[str, list[tuple[ast.Call, ast.AST | None]]] = {}  # name -> (call, enclosing function)
        self.handed: set[str] = set()
        self.constants: dict[str, list[ast.expr]] = {}  # top-level names -> the values assigned to them
        defined: dict[str, int] = {}
        modules = [m for m in (graph.source(cell) for cell in graph.notebook_cells.get(path, [])) if m is not None]
        for module in modules:
            tree = module.tree
            if tree is None:
                continue
            for statement in tree.body:
                if statement.__class__ in DEF_NODES:
                    self.functions[statement.name] = statement
                    defined[statement.name] = defined.get(statement.name, 0) + 1
            self.scan(tree, None)
        for name, count in defined.items():
            if count > 1:
                self.functions.pop(name, None)
        dead: set[ast.Call] = set()
        for module in modules:  # the cells' own branches: `if smoke_test:` where `smoke_test = "CI" in os.environ`
            if module.tree is not None and any(statement.__class__ is ast.If for statement in module.tree.body):
                for guard in read_scope(list(module.tree.body)).guards:
                    truth = decide(guard.test, lambda key: self.name_values(None, key, 0))
                    if truth is not None and truth != guard.runs_if:
                        dead.update(node for node in guard.nodes if node.__class__ is ast.Call)
        statements = [statement for module in modules if module.tree is not None for statement in module.tree.body]
        dead |= loaded_over_draws(statements, lambda call: True)
        self.dead: frozenset[ast.Call] = frozenset(dead)
        if not self.functions:
            return
        for name, function in self.functions.items():
            if name in self.handed or name not in self.calls:
                continue
            scope = read_scope(list(function.body))
            for guard in scope.guards:
                truth = decide(guard.test, lambda key, name=name: self.values(name, key, 0))
                if truth is not None and truth != guard.runs_if:
                    dead.update(node for node in guard.nodes if node.__class__ is ast.Call)
        self.dead = frozenset(dead)

    def scan(self, node: ast.AST, function: ast.AST | None) -> None:
        """Record calls of notebook functions (and other loads of their names) and top-level assignments."""
        stack: list[tuple[ast.AST, ast.AST | None]] = [(node, function)]
        callees: set[int] = set()
        while stack:
            current, owner = stack.pop()
            cls = current.__class__
            if cls is ast.Call and current.func.__class__ is ast.Name:
                self.calls.setdefault(current.func.id, []).append((current, owner))
                callees.add(id(current.func))
            elif cls is ast.Name and current.ctx.__class__ is ast.Load and id(current) not in callees:
                self.handed.add(current.id)
            elif cls is ast.Assign and owner is None:
                for target in current.targets:
                    for name in ast.walk(target):
                        if name.__class__ is ast.Name:
                            value = current.value if target.__class__ is ast.Name else None
                            self.constants.setdefault(name.id, []).append(value)
            inner = current if cls in DEF_NODES else owner
            if cls is ast.Lambda:
                inner = current
            stack.extend((child, inner) for child in ast.iter_child_nodes(current))

    def values(self, name: str, key: str, depth: int) -> frozenset | None:
        """The values parameter `key` of notebook function `name` takes over the notebook's calls of it."""
        function = self.functions.get(name)
        if function is None or depth > MAX_NOTEBOOK_DEPTH or "." in key:
            return None
        if key not in parameter_names(function.args) or name in self.handed or name not in self.calls:
            return None
        found: set = set()
        for call, owner in self.calls[name]:
            argument = bound_argument(function, call, key, False)
            if argument is SPREAD or argument is UNKNOWN_VALUE:
                return None
            if argument is MISSING_ARGUMENT:
                argument = default_of(function.args, key)
                if argument is None:
                    return None
                values = values_of(argument, lambda _other: None)
            else:
                values = values_of(argument, lambda other, owner=owner: self.name_values(owner, other, depth))
            if values is None:
                return None
            found |= values
        return frozenset(found)

    def name_values(self, owner: ast.AST | None, name: str, depth: int) -> frozenset | None:
        """A name passed at a call: a parameter of the calling notebook function, or a top-level name the
        notebook assigns once to a literal."""
        if owner is not None:
            if owner.__class__ in DEF_NODES and name in parameter_names(owner.args):
                return self.values(owner.name, name, depth + 1) if owner.name in self.functions else None
            if any(
                n.__class__ is ast.Name and n.id == name and n.ctx.__class__ is not ast.Load for n in ast.walk(owner)
            ):
                return None  # a local of the calling function
        assigned = self.constants.get(name, [])
        if len(assigned) != 1 or assigned[0] is None:
            return None
        return values_of(assigned[0], lambda _other: None)


# IPython magics that time a statement: `%timeit a @ b`, `%time f(x)`, `%%timeit` cells.
TIMING_MAGIC = lazy_pattern(r"^\s*%{1,2}(?:timeit|time)\b(?P<rest>.*)$")
TIMING_OPTION = lazy_pattern(r"^(?:\s*-[a-zA-Z]+(?:\s+\d+)?)*\s*")


def timed_names(cells) -> dict[str, list[tuple[int, str]]]:
    """Per code cell (by its index, as text): (line, name) of the names that timing magics read, which
    `blank_magics` leaves out of the cell's Python."""
    found: dict[str, list[tuple[int, str]]] = {}
    for cell in cells:
        source = getattr(cell, "source", "")
        if "%time" not in source:
            continue
        lines = source.splitlines()
        for number, line in enumerate(lines, start=1):
            match = TIMING_MAGIC.match(line)
            if match is None:
                continue
            statement = TIMING_OPTION.sub("", match.group("rest"), count=1).strip()
            if line.lstrip().startswith("%%"):  # the cell's body is timed (and stays Python): read there already
                continue
            try:
                tree = ast.parse(statement)
            except (SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if node.__class__ is ast.Name and node.ctx.__class__ is ast.Load:
                    found.setdefault(str(cell.index), []).append((number, node.id))
    return found


class NotebookShown:
    """Draws in a notebook's top-level code whose values are only shown: bound to names (at a cell's top level)
    that the cells after it, until the name is bound again, read only in what display, print and plot calls
    (and a cell's last expression) show, or pass on to other names read so, or move (`a, b = a.to("cuda"),
    b.to("cuda")`), or time (`%timeit a @ b`). A value only looked at or timed changes no result; one nothing
    reads still counts. A loop over drawn values (`for idx in random.sample(...)`, `for i, idx in
    enumerate(picked)`) binds its targets to them: they too must be only shown. What a call of a function named for
    showing is given (`pred_and_plot_image(model, image_path=path)`, `show_batch(x)`) is shown; a value handed to a
    computation (`model(xs[idx])`) is not."""

    def __init__(self, graph: CallGraph, path: str, timed: dict[str, list[tuple[int, str]]] | None = None):
        # name -> (position, kind, node, binding statement or None), kind "read", "bind" or "nested" (a read in a
        # function or lambda, which may run at any time)
        self.events: dict[str, list[tuple[tuple[int, int, int], str, ast.AST, ast.AST | None]]] = {}
        self.sinks: set[int] = set()
        self.flows: dict[int, ast.AST] = {}  # id of a node that is a direct part of a binding's value -> binding
        self.starts: dict[int, tuple[int, int, int]] = {}  # id of a binding -> where the scope of its names starts
        self.predictions: set[int] = set()  # ids of bindings of a prediction's result (see `predicting_call`)
        candidates: list[tuple[ast.AST, list[ast.Call], set[str]]] = []
        self.shown: set[ast.Call] = set()
        if not any(self.binds_a_draw(graph, cell) for cell in graph.notebook_cells.get(path, [])):
            return  # no top-level name holds a draw: nothing to follow
        for index, found in (timed or {}).items():  # `%timeit a @ b`: only timed (a magic-only cell is no unit)
            for line, name in found:
                read = ast.Name(id=name, ctx=ast.Load())
                self.sinks.add(id(read))
                self.add(name, (int(index), line, 0), "read", read, None)
        for cell in graph.notebook_cells.get(path, []):
            order = int(cell.name)
            module = graph.source(cell)
            if module is None or module.tree is None:
                continue
            code = graph.code(cell)
            shows, pictures = shown_parts(module, code, colours=False)
            for call in code.calls:
                if is_plot_call(module, call) and call.func.__class__ is ast.Attribute:
                    pictures.update(id(node) for node in direct_parts(call.func.value))  # `axs[i].imshow(...)`
                elif showing_function(call):  # `pred_and_plot_image(model=model, image_path=image_path)`
                    for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                        pictures.update(id(node) for node in direct_parts(argument))
            last = module.tree.body[-1] if module.tree.body else None
            if last is not None and last.__class__ is ast.Expr:  # a cell's last expression is shown
                shows.update(id(node) for node in direct_parts(last.value))
                # `pd.DataFrame(np.random.rand(3, 2), columns=[...])`: drawn straight into what the cell shows (not
                # `t.random_(10)`, which fills a tensor that later cells read)
                self.shown.update(
                    call
                    for call in value_draws(last.value)
                    if is_library_draw(module, call) and not fills_in_place(module, call)
                )
            for statement in module.tree.body[:-1]:  # `random_image_path` alone mid-cell: it shows nothing
                if statement.__class__ is ast.Expr and not any(n.__class__ is ast.Call for n in ast.walk(statement)):
                    shows.update(id(node) for node in ast.walk(statement.value))
            self.sinks |= shows | pictures
            nested: set[int] = set()
            local: set[int] = set()  # reads, in a function, of a name the function binds itself
            nodes = breadth_first([module.tree])
            for node in nodes:
                if node.__class__ in SCOPES and id(node) not in nested:
                    inside = breadth_first([node])[1:]
                    nested.update(id(inner) for inner in inside)
                    if node.__class__ is not ast.Lambda:
                        self.add(node.name, (order, node.lineno, node.col_offset), "bind", node, None)
                    if node.__class__ is not ast.ClassDef:
                        arguments = node.args
                        own = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
                        own.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
                        own.update(n.id for n in inside if n.__class__ is ast.Name and n.ctx.__class__ is ast.Store)
                        own.difference_update(n for g in inside if g.__class__ is ast.Global for n in g.names)
                        local.update(id(n) for n in inside if n.__class__ is ast.Name and n.id in own)
                    for inner in inside:
                        if inner.__class__ is ast.Name and inner.ctx.__class__ is ast.Load and id(inner) not in local:
                            self.add(inner.id, (order, inner.lineno, inner.col_offset), "nested", inner, None)
            targets_of_assignments: set[int] = set()
            for statement in module.tree.body:
                if id(statement) in nested or statement.__class__ in SCOPES:
                    continue
                loop = statement.__class__ in (ast.For, ast.AsyncFor, ast.While)
                for node in breadth_first([statement]):
                    if id(node) in nested:
                        continue
                    cls = node.__class__
                    if cls is ast.Name:
                        where = (order, node.lineno, node.col_offset)
                        if node.ctx.__class__ is ast.Load:
                            self.add(node.id, where, "read", node, None)
                        elif id(node) not in targets_of_assignments:
                            self.add(node.id, where, "bind", node, None)
                    elif (cls is ast.Assign or cls is ast.AnnAssign) and node.value is not None:
                        targets = node.targets if cls is ast.Assign else [node.target]
                        end = (order, node.end_lineno or node.lineno, (node.end_col_offset or 0) + 1)
                        self.starts[id(node)] = (order, statement.lineno, statement.col_offset) if loop else end
                        names = [n for t in targets for n in ast.walk(t) if n.__class__ is ast.Name]
                        if all(t.__class__ in (ast.Name, ast.Tuple, ast.List) for t in targets):
                            self.flows.update((id(part), node) for part in direct_parts(node.value))
                            if predicting_call(node.value):  # `pred, secs = predict(img=image)`
                                self.predictions.add(id(node))
                                for argument in (*node.value.args, *(k.value for k in node.value.keywords)):
                                    self.flows.update((id(part), node) for part in direct_parts(argument))
                            draws = [call for call in value_draws(node.value) if is_library_draw(module, call)]
                            if draws and names:
                                candidates.append((node, draws, {n.id for n in names}))
                        for name in names:
                            self.add(name.id, end, "bind", name, node)
                            targets_of_assignments.add(id(name))
                    elif cls is ast.AugAssign and node.target.__class__ is ast.Name:
                        where = (order, node.lineno, node.col_offset)
                        self.add(node.target.id, where, "read", node.target, None)  # `x += 1` reads x
                        targets_of_assignments.add(id(node.target))
                    elif cls is ast.For or cls is ast.AsyncFor:  # its targets are bound to what it iterates
                        begin = (order, node.lineno, node.col_offset)
                        self.starts[id(node)] = (order, statement.lineno, statement.col_offset) if loop else begin
                        names = [n for n in ast.walk(node.target) if n.__class__ is ast.Name]
                        if node.target.__class__ in (ast.Name, ast.Tuple, ast.List):
                            iterated = iterated_values(node.iter)
                            self.flows.update((id(part), node) for value in iterated for part in direct_parts(value))
                            draws = [c for value in iterated for c in value_draws(value) if is_library_draw(module, c)]
                            if draws and names:
                                candidates.append((node, draws, {n.id for n in names}))
                        for name in names:
                            self.add(name.id, (order, name.lineno, name.col_offset), "bind", name, node)
                            targets_of_assignments.add(id(name))
        for events in self.events.values():
            events.sort(key=lambda event: event[0])
        for node, draws, names in candidates:
            self.read = False
            if all(self.only_shown(name, node, 0) for name in names) and self.read:
                self.shown.update(draws)

    @staticmethod
    def binds_a_draw(graph: CallGraph, cell: Unit) -> bool:
        """Does a top-level assignment of the cell (or a loop's iterable, or its last expression) hold a draw in
        its value?"""
        module = graph.source(cell)
        if module is None or module.tree is None:
            return False
        last = module.tree.body[-1] if module.tree.body else None
        if last.__class__ is ast.Expr and any(is_library_draw(module, call) for call in value_draws(last.value)):
            return True
        for statement in module.tree.body:
            for node in ast.walk(statement) if statement.__class__ not in SCOPES else ():
                if (
                    node.__class__ in (ast.Assign, ast.AnnAssign)
                    and node.value is not None
                    and any(is_library_draw(module, call) for call in value_draws(node.value))
                ):
                    return True
                if node.__class__ in (ast.For, ast.AsyncFor) and any(
                    is_library_draw(module, call) for value in iterated_values(node.iter) for call in value_draws(value)
                ):
                    return True
        return False

    def add(self, name: str, where: tuple[int, int, int], kind: str, node: ast.AST, binding: ast.AST | None):
        self.events.setdefault(name, []).append((where, kind, node, binding))

    def only_shown(self, name: str, binding: ast.AST, depth: int) -> bool:
        """Is every read of `name` that can see this binding a shown part, or a direct part of the value of
        another binding whose names are only shown in turn? The result of a prediction must be shown as it is
        (`print(pred_dict)`): an accuracy computed from it is a result."""
        start = self.starts.get(id(binding))
        if start is None or depth > MAX_FLOW:
            return False
        if id(binding) in self.predictions:
            depth = MAX_FLOW + 1  # no flow on from a prediction's result
        for where, kind, node, bound_by in self.events.get(name, ()):
            if kind == "nested":
                if id(node) not in self.sinks:
                    return False
                self.read = True
                continue
            if where <= start:
                continue
            if kind == "bind":
                if bound_by is binding:
                    continue
                break  # bound again: later reads see another value
            if id(node) in self.sinks:
                self.read = True
                continue
            flow = self.flows.get(id(node))
            if flow is None:
                return False
            targets = flow.targets if flow.__class__ is ast.Assign else [flow.target]
            names = {n.id for t in targets for n in ast.walk(t) if n.__class__ is ast.Name}
            if not names or not all(self.only_shown(other, flow, depth + 1) for other in names):
                return False
        return True


# A function or method named for predicting (`predict(img=image)`, `make_predictions(model, data)`,
# `model.predict(x)`): a notebook that picks an example, predicts on it and prints the prediction only shows it.
PREDICTING_NAME = re.compile(r"(?:^|_)(?:predict|predictions?|infer|inference|classify)(?:_|$)", re.IGNORECASE)


def predicting_call(value: ast.expr) -> bool:
    """Is `value` a call of a function named for predicting, and for no result (see RESULT_NAME)?"""
    if value.__class__ is not ast.Call:
        return False
    func = value.func
    name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
    return PREDICTING_NAME.search(name) is not None and RESULT_NAME.search(name) is None


# Calls that hand on the elements of what they are given, in order or paired (`enumerate(picked)`): a loop over
# them iterates those values.
ITERATING_CALLS = frozenset({"enumerate", "zip", "sorted", "reversed", "list", "tuple", "iter"})


def iterated_values(node: ast.expr) -> list[ast.expr]:
    """The values a loop over `node` takes its elements from: `node` itself, or the arguments of `enumerate`, `zip`,
    `sorted`, ... around it."""
    if node.__class__ is ast.Call and node.func.__class__ is ast.Name and node.func.id in ITERATING_CALLS:
        return [part for argument in node.args for part in iterated_values(argument)]
    return [node]


# A function or method named for showing what it is given (`pred_and_plot_image`, `show_batch`, `plot_images`,
# `visualize`, `display_samples`); one also named for a result (`train_and_plot`, `evaluate_and_show`) is not.
SHOWING_NAME = lazy_pattern(r"(?:^|_)(?:plot|show|display|visuali[sz]e|imshow)(?:_|$)", re.IGNORECASE)
RESULT_NAME = lazy_pattern(r"(?:^|_)(?:train|fit|eval|evaluate|test|score|save|write|export|log|step)", re.IGNORECASE)


def showing_function(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
    return SHOWING_NAME.search(name) is not None and RESULT_NAME.search(name) is None


def binding_lines(name: str, function: ast.AST, skip: ast.AST) -> tuple[list[int], list[ast.AST]]:
    """Where `function` binds `name` again (lines of assignments and loop targets, `skip` aside), and the
    comprehensions that bind it in their own scope."""
    lines: list[int] = []
    scopes: list[ast.AST] = []
    for node in ast.walk(function):
        cls = node.__class__
        if cls in (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor) and node is not skip:
            targets = node.targets if cls is ast.Assign else [node.target]
            if any(n.__class__ is ast.Name and n.id == name for t in targets for n in ast.walk(t)):
                lines.append(node.lineno)
        elif cls in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp) and any(
            n.__class__ is ast.Name and n.id == name for g in node.generators for n in ast.walk(g.target)
        ):
            scopes.append(node)
    return lines, scopes


def read_only_shown(name: str, assignment: ast.AST, function: ast.AST, module: PyModule, code, direct=None) -> bool:
    """Is every read of `name` that can see this assignment a direct part of a display call's argument, and is
    there one?"""
    rebinds, comprehensions = binding_lines(name, function, assignment)
    hidden = {id(n) for scope in comprehensions for n in ast.walk(scope)}
    loops = [
        loop
        for loop in ast.walk(function)
        if loop.__class__ in (ast.For, ast.AsyncFor, ast.While) and any(n is assignment for n in ast.walk(loop))
    ]
    in_loop = {id(n) for loop in loops for n in ast.walk(loop)}
    end = getattr(assignment, "end_lineno", assignment.lineno) or assignment.lineno
    read = False
    for load in ast.walk(function):
        if load.__class__ is not ast.Name or load.id != name or load.ctx.__class__ is not ast.Load:
            continue
        if id(load) in hidden:
            continue  # a comprehension's own variable
        if load.lineno < assignment.lineno and id(load) not in in_loop:
            continue  # before it, outside any loop that repeats it: cannot see it
        if load.lineno > end and any(end < line <= load.lineno for line in rebinds):
            continue  # bound again before this read
        if not (direct(load) if direct is not None else direct_load(load, module, code)):
            return False
        read = True
    return read


PICK_NAMES = frozenset({"choice", "choices", "sample"})


# -- degenerate draws ---------------------------------------------------------------------------------------------
# A draw with one possible value is no draw: `random.choice([800])`, `random.randint(3, 3)`, `random.uniform(a, a)`,
# `random.randrange(4, 5)`. What the arguments must be, per call: "one" (a population of one element), "equal"
# (bounds that are the same number), "next" (an exclusive upper bound one above the lower).
DEGENERATE_DRAWS: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {
    "random.choice": ("one", (("seq", 0),)),
    "numpy.random.choice": ("one", (("a", 0),)),
    "random.randint": ("equal", (("a", 0), ("b", 1))),
    "random.uniform": ("equal", (("a", 0), ("b", 1))),
    "numpy.random.uniform": ("equal", (("low", 0), ("high", 1))),
    "random.randrange": ("next", (("start", 0), ("stop", 1))),
    "numpy.random.randint": ("next", (("low", 0), ("high", 1))),
}


def degenerate_question(qualified: str | None, call: ast.Call) -> tuple[str, tuple[ast.expr, ...]] | None:
    """(what the arguments must be, the argument expressions) for a draw that may have one possible value, else
    None (see DEGENERATE_DRAWS). `np.random.choice` over one element with `p=` is still one value."""
    shape = DEGENERATE_DRAWS.get(qualified or "")
    if shape is None or has_star_kwargs(call) or any(a.__class__ is ast.Starred for a in call.args):
        return None
    how, parameters = shape
    values = [argument(call, name, position) for name, position in parameters]
    if how == "next" and values[1] is None:  # `randrange(1)`, `np.random.randint(1)`: only 0
        if values[0] is None:
            return None
        return "below-one", (values[0],)
    if any(value is None for value in values):
        return None
    return how, tuple(values)


def degenerate(how: str, values: list[frozenset]) -> bool:
    """Given every value each argument may have, is there one outcome only?"""
    try:
        if how == "one":
            return all(isinstance(v, (tuple, str)) and len(v) == 1 for v in values[0])
        if how == "below-one":
            return all(type(v) is int and v == 1 for v in values[0])
        numbers = [[v for v in found if type(v) in (int, float)] for found in values]
        if any(len(found) != len(values[index]) for index, found in enumerate(numbers)):
            return False
        if how == "equal":
            return all(a == b for a in numbers[0] for b in numbers[1])
        if how == "next":
            return all(type(a) is int and type(b) is int and b == a + 1 for a in numbers[0] for b in numbers[1])
    except TypeError:
        return False
    return False


def direct_calls(expr: ast.AST) -> list[ast.Call]:
    """The draws that pick which values `expr` is made of, without passing through another call's arguments: an
    index (`xs[random.randrange(9)]`) or a choice (`random.choice(xs)`, `random.sample(xs, 3)`); not a value drawn
    to be shown itself (`random.random()`), nor one a computation uses (`model(torch.rand(1, 3))`)."""
    found: list[ast.Call] = []
    stack: list[tuple[ast.AST, bool]] = [(expr, False)]
    while stack:
        node, index = stack.pop()
        if node.__class__ is ast.Call:
            func = node.func
            name = func.attr if func.__class__ is ast.Attribute else getattr(func, "id", "")
            if index or name in PICK_NAMES:
                found.append(node)
            stack.append((func, index))  # `random.choice(xs).upper()`: a method of the value, still the value
            continue
        if node.__class__ is ast.Subscript:
            stack.append((node.value, index))
            stack.append((node.slice, True))
            continue
        stack.extend((child, index) for child in ast.iter_child_nodes(node))
    return found


def enclosing_functions(module: PyModule, code) -> dict[int, ast.AST]:
    """id(assignment) -> the function (defined in the unit's source) whose body holds it, for the unit's
    assignments that lie inside one."""
    if module.tree is None or not code.assignments:
        return {}
    found = function_of_assignments(module)
    return {id(node): found[id(node)] for node in code.assignments if id(node) in found}


_FUNCTIONS_OF_ASSIGNMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def function_of_assignments(module: PyModule) -> dict[int, ast.AST]:
    """id(assignment) -> the innermost function holding it, for every assignment of a module (once per module)."""
    found = _FUNCTIONS_OF_ASSIGNMENTS.get(module)
    if found is not None:
        return found
    found = {}
    for function in ast.walk(module.tree):
        if function.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef):
            for part in ast.walk(function):
                if part.__class__ in (ast.Assign, ast.AnnAssign):
                    found[id(part)] = function  # inner functions come later in the walk and win
    _FUNCTIONS_OF_ASSIGNMENTS[module] = found
    return found


def direct_calls_of_shown(module: PyModule, code) -> set[ast.Call]:
    """The calls that are direct parts (see `direct_calls`) of a display call's arguments."""
    found: set[ast.Call] = set()
    for call in code.calls:
        if is_display_call(module, call):
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                found.update(direct_calls(argument))
    return found


def direct_load(load: ast.AST, module: PyModule, code) -> bool:
    """A name read as a direct part of a display call's argument (`print(x)`, `print(f"{x}")`, `print(xs[x])`),
    not handed to a computation inside it (`print(model(x))`)."""
    for call in code.calls:
        if is_display_call(module, call):
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                stack = [argument]
                while stack:
                    node = stack.pop()
                    if node is load:
                        return True
                    if node.__class__ is ast.Call:
                        stack.append(node.func)
                        continue
                    stack.extend(ast.iter_child_nodes(node))
    return False


def parameter_values(module: PyModule, code) -> frozenset[ast.Call]:
    """The calls inside the value of a parameter or buffer (`nn.Parameter(scale * torch.randn(d))`,
    `self.register_buffer("m", torch.randn(2, d))`), or in the value of a name that is then made one
    (`weight = torch.randn([o, i, k, k]).to(...)` then `self.weight = nn.Parameter(weight)`): they draw a model's
    initial weights."""
    found: set[ast.Call] = set()
    names: set[str] = set()
    for call in code.calls:
        func = call.func
        name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
        if name not in T.PARAMETER_MAKERS or (name == "Parameter" and module.qualname(func) not in T.PARAMETER_CLASSES):
            continue
        for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
            for node in ast.walk(argument):
                if node.__class__ is ast.Call:
                    found.add(node)
                elif node.__class__ is ast.Name:
                    names.add(node.id)
    if names:
        for node in code.assignments:
            targets = node.targets if node.__class__ is ast.Assign else (node.target,)
            if node.value is not None and any(t.__class__ is ast.Name and t.id in names for t in targets):
                found.update(part for part in ast.walk(node.value) if part.__class__ is ast.Call)
    return frozenset(found)


def initialises_weights(receiver: ast.expr) -> bool:
    """Is an in-place draw filling a model's parameters (`module.weight.data.normal_()`, `self.bias.uniform_()`)?
    Such initial weights matter when the model is trained and are replaced when a checkpoint is loaded."""
    key = reference_key(receiver)
    return key is not None and not T.PARAMETER_ATTRIBUTES.isdisjoint(key.split(".")[1:])


def makes_weights(qualified: str) -> bool:
    """Is a model library's class one that holds weights: not a loss (`nn.CrossEntropyLoss`), an optimizer
    (`tf.keras.optimizers.SGD`), a metric or a callback?"""
    dotted = "." + qualified + "."
    return not any(part in dotted for part in T.NOT_MODEL_PARTS) and not qualified.endswith(T.NOT_MODEL_SUFFIXES)


def loads_weights(call: ast.Call) -> bool:
    """`Net.load_from_checkpoint(path)`, `Net.from_pretrained(name)`: a model built from saved weights."""
    return call.func.__class__ is ast.Attribute and call.func.attr in T.LOADED_MODEL_METHODS


# Methods where a model makes its parameters, and calls they may make without making any.
BUILDING_METHODS = frozenset({"__init__", "__post_init__", "build", "setup", "reset_parameters"})
INERT_BUILTINS = frozenset(
    {"int", "float", "str", "bool", "len", "tuple", "list", "dict", "set", "max", "min", "abs", "range", "print"}
    | {"isinstance", "hasattr", "getattr", "setattr", "super", "round", "sum", "sorted", "zip", "enumerate"}
)


def class_makes_weights(module: PyModule, node: ast.ClassDef) -> bool:
    """May a model class make parameters of its own: a statement of its body makes something, or a constructor or
    build method (`__init__`, `build`, `setup`, `reset_parameters`) calls anything but `super().__init__()`,
    built-ins and layers without weights (`nn.ReLU()`, `nn.AvgPool2d(2)`)? A class with only a `forward`
    (`class AvgPool(nn.Module)`) holds none: making it draws nothing."""
    for statement in node.body:
        if statement.__class__ in DEF_NODES:
            if statement.name not in BUILDING_METHODS:
                continue
            for inner in ast.walk(statement):
                if inner.__class__ is ast.Call and not inert_call(module, inner):
                    return True
        elif any(inner.__class__ is ast.Call for inner in ast.walk(statement)):
            return True  # `weight = nn.Parameter(torch.zeros(3))` in the class body
    return False


def inert_call(module: PyModule, call: ast.Call) -> bool:
    """A call a constructor may make without making parameters: `super().__init__()` (also
    `nn.Module.__init__(self)`), a built-in, or a layer without weights (dropout included)."""
    func = call.func
    if func.__class__ is ast.Name:
        return func.id in INERT_BUILTINS
    if func.__class__ is not ast.Attribute:
        return False
    if func.attr == "__init__":
        return True  # the base class's constructor: judged with the base class (a library's holds no weights)
    qualified = module.qualname(func)
    return qualified is not None and bool(
        T.WEIGHTLESS_TORCH_MODULES.match(qualified)
        or T.WEIGHTLESS_KERAS_LAYERS.match(qualified)
        or T.DROPOUT_LAYERS.match(qualified)  # its draws are counted where it is made, as dropout
    )


def is_capitalized_tail(qualified: str) -> bool:
    return qualified.rsplit(".", 1)[-1][:1].isupper()


class RandomnessScanner:
    """Classifies the calls of each unit once (cached)."""

    def __init__(self, graph: CallGraph, seed_functions: list[str], notebooks=None):
        self.graph = graph
        self.seed_functions = seed_functions
        self.notebooks = notebooks or {}  # path -> the parsed notebook (its cells' sources, magics included)
        self._events: dict[Unit, list[Event]] = {}
        self._notebook_shown: dict[str, frozenset[ast.Call]] = {}
        self._notebook_functions: dict[str, NotebookFunctions] = {}
        # (unit, line, column) of a draw -> what its arguments must be to have one outcome, and the arguments:
        # decided per entry point from the values its flags take (`random.choice(self.sizes)`).
        self.questions: dict[tuple[Unit, int, int], tuple[str, tuple[ast.expr, ...]]] = {}
        self._imported_tops: dict[PyModule, frozenset[str]] = {}
        self._notebook_models: dict[str, dict[str, frozenset[str]]] = {}
        self._weightless: dict[Unit, bool] = {}

    def events(self, unit: Unit) -> list[Event]:
        if unit not in self._events:
            self._events[unit] = self._scan(unit)
        return self._events[unit]

    def _scan(self, unit: Unit) -> list[Event]:
        module = self.graph.source(unit)
        if module is None or unit.kind == "class":
            return []
        found: list[Event] = []
        memos = self.graph.resolver(unit)
        code = self.graph.code(unit)
        objects = LibraryObjects(module, code)
        initial = parameter_values(module, code) if "Parameter" in module.text or "register_" in module.text else ()
        traced = tracing_inputs(module, code) if any(w in module.text for w in T.TRACING_WORDS) else ()
        shown_only = displayed_only(module, code, unit.kind == "function") if "print" in module.text else ()
        named = formatted_into_names(code)
        pictured: frozenset[ast.Call] | None = None  # built at the first use: most units draw nothing
        for node in code.calls:
            for kind, libs in self.classify(unit, module, node, memos, objects):
                if kind == "skip":
                    continue
                if kind == "use" and node in initial:
                    kind = "model"  # `nn.Parameter(torch.randn(d))`: initial weights, as for `init.normal_`
                if kind == "use" and node in traced:
                    continue  # an example input to trace, export or count a model: no result depends on it
                if kind == "use" and pictured is None:
                    pictured = self.unused_draws(unit, module, code)
                if kind == "use" and (node in shown_only or node in pictured):
                    continue  # `print(examples[random.randrange(10)])`, a box's colour, a value overwritten unread
                if kind == "use" and (random_name(module, node) or node in named):
                    continue  # `random.choices(string.ascii_uppercase, k=10)`: a name (a temp folder), no result
                if kind == "use" and self.one_value(unit, module, node):
                    continue  # `random.choice([800])`, `random.randint(3, 3)`: one possible value, no draw
                if kind == "seed" and self.entropy_seed(unit, module, node):
                    kind = "entropy-seed"  # `np.random.seed(int(time.time()))`: RNG003's business, no seeding
                found.append(
                    Event(
                        kind,
                        libs,
                        call_label(node),
                        unit,
                        node.lineno,
                        node.col_offset + 1,
                        module.file_line(node.lineno),
                    )
                )
        return found

    def unused_draws(self, unit: Unit, module: PyModule, code) -> frozenset[ast.Call]:
        """The calls of a unit whose values no result depends on: drawn for a picture, only shown or timed in a
        notebook, in a branch of a notebook function no call takes, overwritten before any read, or a shuffle
        whose order nothing reads."""
        found = drawn_for_show(module, code)
        if unit.kind == "cell":
            found = found | self.notebook_shown(unit.path)
            if module.tree is not None:
                found = found | self.notebook_functions(unit.path).dead
        if unit.kind in ("function", "cell") and "def " in module.text:
            functions = self.defined_functions(unit, module)
            if functions:
                found = found | overwritten_draws(functions, lambda call: is_library_draw(module, call))
            if functions and "shuffle" in module.text:
                found = found | unordered_shuffles(functions, module)
        return found

    def notebook_shown(self, path: str) -> frozenset[ast.Call]:
        """The draws of a notebook's top-level code whose values are only shown (see :class:`NotebookShown`)."""
        found = self._notebook_shown.get(path)
        if found is None:
            notebook = self.notebooks.get(path)
            timed = timed_names(notebook.code_cells) if notebook is not None else {}
            found = self._notebook_shown[path] = frozenset(NotebookShown(self.graph, path, timed).shown)
        return found

    def defined_functions(self, unit: Unit, module: PyModule) -> list[ast.AST]:
        """The function definitions whose bodies are the unit's code: a function and those defined in it, or those
        defined in a notebook cell."""
        if unit.kind == "function":
            function = self.graph.function_node(unit)
            return [n for n in ast.walk(function) if n.__class__ in DEF_NODES] if function is not None else []
        tree = module.tree
        return [n for n in ast.walk(tree) if n.__class__ in DEF_NODES] if tree is not None else []

    def notebook_functions(self, path: str) -> NotebookFunctions:
        found = self._notebook_functions.get(path)
        if found is None:
            found = self._notebook_functions[path] = NotebookFunctions(self.graph, path)
        return found

    def one_value(self, unit: Unit, module: PyModule, call: ast.Call) -> bool:
        """Is a draw's outcome fixed by literal arguments (`random.choice([800])`)? One whose arguments are flags
        (`random.choice(self.sizes)`) is kept as a question for each entry point (see `degenerate_draws`)."""
        question = degenerate_question(module.qualname(call.func), call)
        if question is None:
            return False
        how, expressions = question
        values = [values_of(expression, lambda _name: None) for expression in expressions]
        if all(found is not None for found in values):
            return degenerate(how, values)
        if all(e.__class__ in (ast.Name, ast.Attribute, ast.Constant, ast.List, ast.Tuple) for e in expressions):
            self.questions[(unit, call.lineno, call.col_offset + 1)] = question
        return False

    def entropy_seed(self, unit: Unit, module: PyModule, call: ast.Call) -> bool:
        """Is a seeding call fed from a source that differs between runs (the clock, a random draw)?"""
        seed = seed_argument(call)
        if seed is None or isinstance(seed, ast.Constant):
            return False
        assignments = assignments_of(self.graph, unit)
        in_function = unit.kind == "function"
        if nondeterministic_source(module, seed, assignments, call.lineno, in_function) is None:
            return False
        seeded = seeded_draws(self.graph, unit, module, self.seed_functions, assignments)
        return nondeterministic_source(module, seed, assignments, call.lineno, in_function, seeded=seeded) is not None

    def fills_an_argument(self, unit: Unit, receiver: ast.expr) -> bool:
        """Is an in-place draw filling a parameter of an initialiser (`def trunc_normal_(tensor, std):` ...
        `tensor.uniform_(l, u)`): a helper, named so, that initial weights are passed to?"""
        if unit.kind != "function" or receiver.__class__ is not ast.Name:
            return False
        if T.INITIALISER_NAME.search(unit.name.rsplit(".", 1)[-1]) is None:
            return False
        function = self.graph.function_node(unit)
        args = function.args if function is not None else None
        return args is not None and receiver.id in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}

    def notebook_models(self, path: str) -> dict[str, frozenset[str]]:
        """Name -> library of the model classes a notebook's cells define (`class CBoW(torch.nn.Module):`, or a
        subclass of a project's model class)."""
        found = self._notebook_models.get(path)
        if found is None:
            found = self._notebook_models[path] = {}
            for cell in self.graph.notebook_cells.get(path, ()):
                module = self.graph.source(cell)
                tree = module.tree if module is not None else None
                for node in tree.body if tree is not None else ():
                    if node.__class__ is not ast.ClassDef:
                        continue
                    bases = {module.qualname(base) for base in node.bases}
                    if node.name.endswith(T.NOT_MODEL_SUFFIXES) or not class_makes_weights(module, node):
                        continue
                    if bases & T.TORCH_MODEL_BASES or any(
                        target is not None
                        and target.kind == "class"
                        and self.graph.ancestors(target) & T.TORCH_MODEL_BASES
                        for target in (self.graph.resolve_load(cell, base) for base in node.bases)
                    ):  # `class GPRegressionModel(gpytorch.models.ExactGP)`, a project model class's subclass
                        found[node.name] = frozenset({"torch"})
                    elif bases & T.KERAS_MODEL_BASES:
                        found[node.name] = frozenset({"tensorflow"})
        return found

    def weightless(self, cls: Unit) -> bool:
        """Does a project model class hold no parameters of its own: neither it nor its project base classes make
        any in a constructor or build method (`class AvgPool(nn.Module)` with only a `forward`, see
        `class_makes_weights`)? Making one draws nothing (cached)."""
        found = self._weightless.get(cls)
        if found is None:
            found = True
            for owner in [cls, *self.graph.project_ancestors(cls)]:
                module = self.graph.modules.get(owner.path)
                node = self.graph.definitions(owner.path).classes.get(owner.name) if module is not None else None
                if node is None or class_makes_weights(module, node):
                    found = False
                    break
            self._weightless[cls] = found
        return found

    def keeps_base_init(self, cls: Unit) -> bool:
        """Does making an object of a project class run its library base's constructor: the first `__init__`
        that the class or its project bases define, if any, calls an `__init__` (`super().__init__(...)`)?"""
        for owner in [cls, *self.graph.project_ancestors(cls)]:
            node = self.graph.definitions(owner.path).classes.get(owner.name)
            init = (
                next(
                    (n for n in node.body if n.__class__ in DEF_NODES and n.name == "__init__"),
                    None,
                )
                if node is not None
                else None
            )
            if init is not None:
                return any(
                    n.__class__ is ast.Call and n.func.__class__ is ast.Attribute and n.func.attr == "__init__"
                    for n in ast.walk(init)
                )
        return True

    def imports_module(self, module: PyModule, top: str) -> bool:
        """:func:`imports_module`, with the top-level names a module's imports bind computed once per module."""
        tops = self._imported_tops.get(module)
        if tops is None:
            tops = self._imported_tops[module] = frozenset(value.split(".")[0] for value in module.bindings.values())
        return top in tops

    def classify(
        self, unit: Unit, module: PyModule, call: ast.Call, memos=None, objects: LibraryObjects | None = None
    ) -> list[tuple[str, frozenset[str]]]:
        qualified = self.graph.star_qualname(module, unit.path, call.func) or starred_seeder(
            self.graph, module, unit.path, call.func
        )
        if qualified is not None:
            if objects is not None and qualified in T.GENERATOR_FACTORIES:
                if objects.seeded_later(call):
                    return []  # `rng = random.Random()` then `rng.seed(s)`: a seeded generator
                if objects.never_used(call):
                    return []  # `rand = random.Random()` kept under a name nothing reads: draws nothing
            found = self.classify_qualified(qualified, call)
            if found:
                return found
        target = self.graph.resolve_load(unit, call.func, memos)
        if target is not None:
            if target.kind == "class" and loads_weights(call):
                return []  # `DeepSpeech.load_from_checkpoint(path)`: saved weights, no initial draw
            if target.kind == "class":
                ancestors = self.graph.ancestors(target)
                if any(seeding_trainer(name) for name in ancestors) and self.keeps_base_init(target):
                    return [("trainer-seed", T.TRAINER_SEEDS)]  # `class MyTrainer(Trainer)`: made, it seeds
                if target.name.endswith(T.NOT_MODEL_SUFFIXES):
                    return []  # `WeightedLosses(losses, weights)`: a loss wrapped in a module, no model
                if ancestors & (T.TORCH_MODEL_BASES | T.KERAS_MODEL_BASES) and self.weightless(target):
                    return []  # `class AvgPool(nn.Module)` with only a `forward`: no parameters to draw
                if ancestors & T.TORCH_MODEL_BASES:
                    return [("model-class", frozenset({"torch"}))]
                if ancestors & T.KERAS_MODEL_BASES:
                    return [("model-class", frozenset({"tensorflow"}))]
            return []  # project code: followed by the walk, not judged by its name
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if unit.kind == "cell" and call.func.__class__ is ast.Name:
            made = self.notebook_models(unit.path).get(call.func.id)
            if made is not None:
                return [("model-class", made)]  # `model = CBoW(...)`, a torch model class the notebook defines
        if isinstance(call.func, ast.Attribute) and qualified is None:
            seeded = objects.method_seeds(call) if objects is not None else None
            if seeded is not None:
                return [("seed", seeded)]
            if name in T.SEED_METHOD_NAMES and (call.args or call.keywords):
                return [("unknown-seed", T.ALL_LIBRARIES)]  # `fabric.seed_everything(s)` on an object passed in
            if name in T.TORCH_TENSOR_DRAW_METHODS and self.imports_module(module, "torch"):
                initial = initialises_weights(call.func.value) or self.fills_an_argument(unit, call.func.value)
                return [("model" if initial else "use", frozenset({"torch"}))]
            if name in T.FIT_METHODS and (
                self.imports_module(module, "tensorflow") or self.imports_module(module, "keras")
            ):
                return [("train", frozenset({"tensorflow"}))]
            if name == "sample" and is_pandas_sample(module, call) and not project_method_call(self.graph, unit, call):
                return [("use", frozenset({"numpy"}))]
            if (
                name == "shuffle"
                and is_dataset_shuffle(module, call)
                and not project_method_call(self.graph, unit, call)
            ):
                return [("use", frozenset({"tensorflow"}))]
        # A seed helper the checker cannot see into: an imported or bare function, not a generator's method.
        if not (call.args or call.keywords):
            return []
        helper_call = qualified is not None or isinstance(call.func, ast.Name)
        named_seed = helper_call and is_seed_helper_name(name or "")
        known_library = qualified is not None and qualified.startswith(("random.", "numpy.", "torch.", "tensorflow."))
        if named_seed and not known_library:
            return [("unknown-seed", T.ALL_LIBRARIES)]
        return []

    def classify_qualified(self, qualified: str, call: ast.Call) -> list[tuple[str, frozenset[str]]]:
        libs = seeder_libraries(qualified, self.seed_functions)
        if libs is not None:
            return [("seed", libs)]
        if seeding_trainer(qualified):
            return [("trainer-seed", T.TRAINER_SEEDS)]  # `Trainer(...)` calls `set_seed(args.seed)` (default 42)
        if qualified in T.GENERATOR_FACTORIES:
            seed = seed_argument(call)
            if (seed is None and not has_star_kwargs(call)) or is_none(seed):
                return [("generator", frozenset({T.GENERATOR_FACTORIES[qualified]}))]
            return [("skip", frozenset())]
        if qualified in T.TRAINING_TIME_DRAWS:
            return [("model-draw", frozenset({"torch"}))]
        library = draw_library(qualified)
        if library is not None and qualified.startswith(T.WEIGHT_INITIALISERS):
            return [("model", frozenset({library}))]  # initial weights: a use once the model is trained
        if library is not None:
            generator = keyword(call, "generator")
            if library == "torch" and generator is not None and not is_none(generator):
                return [("skip", frozenset())]  # drawn from the generator passed in, not the global state
            return [("use", frozenset({library}))]
        if qualified in T.RANDOM_SPLITS or qualified in T.RANDOM_SAMPLERS:
            generator = keyword(call, "generator")
            return (
                [("use", frozenset({"torch"}))] if generator is None or is_none(generator) else [("skip", frozenset())]
            )
        if qualified in T.DATALOADERS:
            shuffle = argument(call, "shuffle", T.DATALOADER_POSITIONS["shuffle"])
            generator = argument(call, "generator", T.DATALOADER_POSITIONS["generator"])
            if is_true(shuffle) and (generator is None or is_none(generator)):
                return [("use", frozenset({"torch"}))]
            return [("skip", frozenset())]
        if qualified in T.TORCH_TRAINERS:
            return [("train", frozenset({"torch"}))]
        if qualified.startswith(T.TORCH_TRAINING_PREFIXES) and is_capitalized_tail(qualified):
            return [("train", frozenset({"torch"}))]
        if qualified == "timm.create_model" or (
            qualified.startswith(T.TORCH_MODEL_PREFIXES) and is_capitalized_tail(qualified) and makes_weights(qualified)
        ):
            if pretrained(qualified, call):
                return []  # `timm.create_model(name, pretrained=True)`: trained weights, downloaded, no draw
            if T.WEIGHTLESS_TORCH_MODULES.match(qualified):
                return []  # a loss, an activation or a container: no initial weights to draw
            if T.DROPOUT_LAYERS.match(qualified):
                return [("model-draw", frozenset({"torch"}))]  # no weights: it draws while the model trains
            if qualified.endswith(T.MODEL_WRAPPER_SUFFIXES):
                return [("model-wrapper", frozenset({"torch"}))]  # `nn.DataParallel(model)`: the model's weights
            return [("model", frozenset({"torch"}))]
        if qualified.startswith(T.KERAS_MODEL_PREFIXES) and is_capitalized_tail(qualified) and makes_weights(qualified):
            if pretrained(qualified, call):
                return []  # `Xception(weights="imagenet")`: trained weights, downloaded, no draw
            if T.WEIGHTLESS_KERAS_LAYERS.match(qualified):
                return []  # `keras.Input(shape)`, `GlobalAveragePooling2D()`: no weights to draw
            if T.DROPOUT_LAYERS.match(qualified):
                return [("model-draw", frozenset({"tensorflow"}))]  # `Dropout(0.2)`: draws while training
            return [("model", frozenset({"tensorflow"}))]
        return []


def pretrained(qualified: str, call: ast.Call) -> bool:
    """Is a model made with pretrained weights, so that making it draws nothing: a Keras application unless
    `weights=None` (its default is "imagenet"; `include_top=False` leaves no head to draw), or `pretrained=True`
    without a new `num_classes` (timm draws a new classifier head for one) or `weights=<not None>` on a torch
    model."""
    if has_star_kwargs(call):
        return False
    weights = keyword(call, "weights")
    if ".applications." in qualified:
        weights = argument(call, "weights", 1)
        return not is_none(weights)
    if keyword(call, "num_classes") is not None:
        return False
    flag = keyword(call, "pretrained")
    if flag is not None:
        return isinstance(flag, ast.Constant) and flag.value is True
    return weights is not None and not is_none(weights)


class LibraryObjects:
    """The objects a unit makes with a library call and keeps under a name or attribute (`rng = random.Random()`,
    `self.fabric = L.Fabric(...)`), by reference key: what their method calls do is known from the class."""

    def __init__(self, module: PyModule, code):
        self.module = module
        self.code = code
        self._made: dict[str, tuple[str, ast.Call]] | None = None
        self._seeded: set[ast.Call] | None = None

    @property
    def made(self) -> dict[str, tuple[str, ast.Call]]:
        if self._made is None:
            self._made = {}
            for node in self.code.assignments:
                value = node.value
                if value.__class__ is not ast.Call:
                    continue
                qualified = self.module.qualname(value.func)
                if qualified is None:
                    continue
                for target in node.targets if node.__class__ is ast.Assign else (node.target,):
                    key = reference_key(target)
                    if key is not None:
                        self._made[key] = (qualified, value)
        return self._made

    def class_of(self, receiver: ast.expr) -> tuple[str, ast.Call] | None:
        key = reference_key(receiver)
        return self.made.get(key) if key is not None else None

    def method_seeds(self, call: ast.Call) -> frozenset[str] | None:
        """The libraries a seeding method of a known library object seeds (`fabric.seed_everything(s)`)."""
        made = self.class_of(call.func.value) if self.code.assignments else None
        if made is None:
            return None
        return T.METHOD_SEEDERS.get(made[0], {}).get(call.func.attr)

    def seeded_on_self(self, factory: ast.Call) -> bool:
        keys = [key for key, (_, call) in self.made.items() if call is factory and key.startswith("self.")]
        if not keys or ".seed(" not in self.module.text:
            return False
        seeded = seeded_attributes(self.module)
        return any(key in seeded for key in keys)

    def never_used(self, factory: ast.Call) -> bool:
        """Is the object this call makes kept under a name (or attribute) that nothing in the module reads?"""
        keys = [key for key, (_, call) in self.made.items() if call is factory]
        if not keys or self.module.tree is None:
            return False
        wanted = {key.rsplit(".", 1)[-1] for key in keys}
        for node in ast.walk(self.module.tree):
            if node.__class__ is ast.Name and node.id in wanted and node.ctx.__class__ is ast.Load:
                return False
            if node.__class__ is ast.Attribute and node.attr in wanted and node.ctx.__class__ is ast.Load:
                return False
        return True

    def seeded_later(self, factory: ast.Call) -> bool:
        """Is the generator this factory call makes seeded by a method of its own (`rng.seed(s)`), here or, for
        one kept on `self`, in any method of the module (`self.rng = random.Random()` in `__init__`, then
        `self.rng.seed(worker_seed(epoch))` in `__iter__`)?"""
        if self.seeded_on_self(factory):
            return True
        if self._seeded is None:
            self._seeded = set()
            for call in self.code.calls:
                func = call.func
                if func.__class__ is not ast.Attribute or func.attr not in T.GENERATOR_SEED_METHODS:
                    continue
                made = self.class_of(func.value)
                seed = seed_argument(call)
                if made is not None and made[0] in T.GENERATOR_FACTORIES and seed is not None and not is_none(seed):
                    self._seeded.add(made[1])
        return factory in self._seeded


def seeded_attributes(module: PyModule) -> frozenset[str]:
    """`self.<name>` generators that some method of the module seeds with a value (`self.rng.seed(s)`)."""
    found: set[str] = set()
    for node in ast.walk(module.tree) if module.tree is not None else ():
        if node.__class__ is not ast.Call or node.func.__class__ is not ast.Attribute:
            continue
        if node.func.attr not in T.GENERATOR_SEED_METHODS:
            continue
        key = reference_key(node.func.value)
        seed = seed_argument(node)
        if key is not None and key.startswith("self.") and seed is not None and not is_none(seed):
            found.add(key)
    return frozenset(found)


def assignments_of(graph: CallGraph, unit: Unit) -> dict[str, list[tuple[int, ast.expr]]]:
    """Name -> (line, value) of simple assignments in the unit, then in the module body (for lookups)."""
    found: dict[str, list[tuple[int, ast.expr]]] = {}
    sources = [unit] if unit.kind in ("body", "cell") else [unit, Unit(unit.path, "body")]
    for source in sources:
        for node in graph.code(source).assignments:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                found.setdefault(node.targets[0].id, []).append((node.lineno, node.value))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                found.setdefault(node.target.id, []).append((node.lineno, node.value))
    return found


def nondeterministic_source(
    module: PyModule,
    expr: ast.expr,
    assignments: dict[str, list[tuple[int, ast.expr]]],
    line: int,
    in_function: bool = False,
    depth: int = 0,
    draws: bool = True,
    seeded: frozenset[tuple[str, int]] = frozenset(),
) -> str | None:
    """What makes a seed expression differ between runs (`time.time()`), following a variable twice at most.

    `torch.initial_seed()` inside a function (a worker-init function) is the seed torch derives from its own
    seeded state, so it is deterministic there (see `TORCH_DERIVED_SEEDS`). A draw from a global generator that
    the same code seeded just before (`np.random.seed(seed)`, then `torch.manual_seed(np.random.randint(2**31))`)
    is deterministic too: `seeded` holds (library, id of the node) of such draws (see `seeded_draws`)."""
    if isinstance(expr, ast.Name) and depth < 2:
        candidates = [(at, value) for at, value in assignments.get(expr.id, []) if at <= line]
        candidates = candidates or assignments.get(expr.id, [])[-1:]
        if candidates:
            at, value = max(candidates, key=lambda item: item[0])
            return nondeterministic_source(module, value, assignments, at, in_function, depth + 1, draws, seeded)
        return None
    nodes = list(ast.walk(expr))
    for node in nodes:
        if isinstance(node, ast.Call):
            qualified = module.qualname(node.func)
            if qualified is None:
                continue
            if (
                qualified in T.NONDETERMINISTIC_CALLS
                or qualified.startswith(T.NONDETERMINISTIC_PREFIXES)
                or (qualified in T.TORCH_DERIVED_SEEDS and not in_function)
                or (draws and draw_library(qualified) is not None and (draw_library(qualified), id(node)) not in seeded)
            ):
                return f"{shown(node.func)}()"
    if depth < 2:  # `seed % 2**31` where `seed = int(time.time())`: the names it is computed from
        for node in nodes:
            if isinstance(node, ast.Name) and node is not expr:
                # the clock or the OS only: a draw that a seed is computed from may come from a seeded state
                # (`np.random.get_state()[1][np.random.choice(...)]` in a worker-init function)
                found = nondeterministic_source(module, node, assignments, line, in_function, depth, draws=False)
                if found:
                    return found
    return None


def seeded_draws(
    graph: CallGraph, unit: Unit, module: PyModule, seed_functions, assignments
) -> frozenset[tuple[str, int]]:
    """(library, id of each node) of the code that runs after a statement of the same block seeds that library's
    global generator with a fixed seed (`np.random.seed(cfg.seed)`): a draw there repeats from run to run, so a
    seed drawn from it (`torch.manual_seed(np.random.randint(1 << 31))`) is fixed too."""
    if unit.kind == "function":
        function = graph.function_node(unit)
        statements = list(function.body) if function is not None else []
    else:
        statements = list(module.tree.body) if module.tree is not None else []
    found: set[tuple[str, int]] = set()
    blocks = [statements]
    while blocks:
        block = blocks.pop()
        libs: set[str] = set()
        for statement in block:
            if libs:
                found.update((lib, id(node)) for node in ast.walk(statement) for lib in libs)
            if statement.__class__ in DEF_NODES:
                continue
            for name in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, name, None)
                if inner.__class__ is list and inner:
                    blocks.append(inner)
            call = statement.value if statement.__class__ is ast.Expr else None
            if call.__class__ is not ast.Call:
                continue
            qualified = graph.star_qualname(module, unit.path, call.func)
            seeds = seeder_libraries(qualified, seed_functions) if qualified else None
            seed = seed_argument(call)
            if not seeds or seed is None or is_none(seed) or qualified in T.ENTROPY_SEEDERS:
                continue
            if nondeterministic_source(module, seed, assignments, call.lineno, unit.kind == "function") is None:
                libs |= seeds
    return frozenset(found)


def is_pandas_sample(module: PyModule, call: ast.Call) -> bool:
    """`df.sample(frac=1)` / `s.sample(5)` without random_state, in a module that imports pandas."""
    if not imports_module(module, "pandas"):
        return False
    if keyword(call, "random_state") is not None and not is_none(keyword(call, "random_state")):
        return False
    if has_star_kwargs(call):
        return False
    return bool(call.args) or any(k.arg in ("n", "frac", "replace", "weights", "axis") for k in call.keywords)


def project_method_call(graph: CallGraph, unit: Unit, call: ast.Call) -> bool:
    """`replay.sample(32)` where `replay` holds an object of a class the project defines with its own `sample`
    (`replay = ReplayBuffer(1000)`, `self.memory = Memory()` in any method of the class, a name of the module's
    top level or an earlier notebook cell, or a function's parameter of the same name as such an object of the
    code it sees): the project's method runs, not pandas' `DataFrame.sample` or a `tf.data.Dataset` method."""
    func = call.func
    if func.__class__ is not ast.Attribute:
        return False
    receiver = func.value
    if unit.kind == "cell":
        classes_by_key, methods = notebook_objects(graph, unit.path)
        if receiver.__class__ is ast.Call and receiver.func.__class__ is ast.Name:
            names = {receiver.func.id} if receiver.func.id in methods else set()
        else:
            key = reference_key(receiver) if receiver.__class__ in (ast.Name, ast.Attribute) else None
            names = classes_by_key.get(key, set()) if key is not None else set()
        if names:
            return all(func.attr in methods[name] for name in names)
    made = graph.made_objects(unit)
    classes: list[Unit] = []
    if receiver in made:
        classes = [made[receiver]]
    else:
        key = reference_key(receiver) if receiver.__class__ in (ast.Name, ast.Attribute) else None
        if key is None:
            return False
        classes = list(graph.held_objects(unit, made).get(key, ()))
        if not classes and unit.kind == "cell":  # cells share one namespace: a later cell's binding counts too
            for scope in graph.notebook_cells.get(unit.path, ()):
                classes.extend(graph.assigned_objects(scope).get(key, ()))
        if not classes and unit.kind == "function" and receiver.__class__ is ast.Name:
            node = graph.function_node(unit)
            arguments = node.args if node is not None else None
            every = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs) if arguments else ()
            names = {a.arg for a in every}
            if key in names:
                scopes = graph.notebook_cells.get(unit.path) or graph.enclosing_scopes(unit)
                for scope in scopes:
                    classes.extend(graph.assigned_objects(scope).get(key, ()))
    return bool(classes) and all(graph.method_of(cls, func.attr) is not None for cls in classes)


CLASS_LINE = lazy_pattern(r"class\s+(\w+)\s*(?:\(([^)]*)\))?\s*:")
METHOD_LINE = lazy_pattern(r"[ \t]+(?:async\s+)?def\s+(\w+)\s*\(")
_NOTEBOOK_OBJECTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def notebook_objects(graph: CallGraph, path: str) -> tuple[dict[str, set[str]], dict[str, frozenset[str]]]:
    """The classes a notebook's cells define, with their methods (those of classes of the notebook they derive
    from included), and the names and `self` attributes that any cell assigns an object of one of them
    (`replay = ReplayBuffer(1000)`): cells share one namespace, so a name is judged by every binding of it."""
    per_graph = _NOTEBOOK_OBJECTS.setdefault(graph, {})
    found = per_graph.get(path)
    if found is not None:
        return found
    modules = [graph.cells[(path, unit.name)] for unit in graph.notebook_cells.get(path, [])]
    trees = [module.tree for module in modules]
    own: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    for module, tree in zip(modules, trees, strict=True):
        if tree is None:  # a cell that does not parse still defines its classes when it runs once filled in
            owner = None
            for line in module.text.splitlines():
                header = CLASS_LINE.match(line)
                if header:
                    owner = header.group(1)
                    own.setdefault(owner, set())
                    bases.setdefault(owner, []).extend(re.findall(r"\w+", header.group(2) or ""))
                elif owner is not None and line[:1] not in ("", " ", "\t", "#"):
                    owner = None
                elif owner is not None and (method := METHOD_LINE.match(line)):
                    own[owner].add(method.group(1))
    for tree in trees:
        for node in ast.walk(tree) if tree is not None else ():
            if node.__class__ is ast.ClassDef:
                own.setdefault(node.name, set()).update(
                    item.name for item in node.body if item.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef)
                )
                bases.setdefault(node.name, []).extend(b.id for b in node.bases if b.__class__ is ast.Name)
    methods: dict[str, frozenset[str]] = {}
    for name in own:
        names: set[str] = set()
        stack, seen = [name], set()
        while stack:
            current = stack.pop()
            if current in seen or current not in own:
                continue
            seen.add(current)
            names |= own[current]
            stack.extend(bases.get(current, ()))
        methods[name] = frozenset(names)
    held: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree) if tree is not None and methods else ():
            if node.__class__ is not ast.Assign:
                continue
            value = node.value
            if value.__class__ is ast.Call and value.func.__class__ is ast.Name and value.func.id in methods:
                for target in node.targets:
                    key = reference_key(target)
                    if key is not None:
                        held.setdefault(key, set()).add(value.func.id)
    found = per_graph[path] = (held, methods)
    return found


def is_dataset_shuffle(module: PyModule, call: ast.Call) -> bool:
    """`dataset.shuffle(buffer_size)` without seed, in a module that imports tensorflow."""
    if not imports_module(module, "tensorflow"):
        return False
    if has_star_kwargs(call) or (keyword(call, "seed") is not None and not is_none(keyword(call, "seed"))):
        return False
    if len(call.args) >= 2:  # shuffle(buffer_size, seed)
        return is_none(call.args[1])
    return bool(call.args) or keyword(call, "buffer_size") is not None


@dataclass
class EntryRandomness:
    """What an entry point reaches: random-state uses by library and the seeding that covers them."""

    entry: EntryPoint
    reached: list[Unit]
    uses: dict[str, list[Event]] = field(default_factory=dict)
    seeds: list[Event] = field(default_factory=list)
    unknown_seeds: list[Event] = field(default_factory=list)
    generators: list[Event] = field(default_factory=list)  # generators created without a seed
    entropy_seeds: list[Event] = field(default_factory=list)  # seeded from the clock or a draw (RNG003 reports)
    # trainers that seed every library when made (`transformers.Trainer(...)`): what runs after them is seeded
    trainer_seeds: list[Event] = field(default_factory=list)

    @property
    def seeded(self) -> frozenset[str]:
        libs: set[str] = set()
        for event in self.seeds:
            libs |= event.libs
        return frozenset(libs)

    @property
    def missing(self) -> list[str]:
        """Used libraries that the reachable seeding leaves out."""
        return sorted(lib for lib in self.uses if lib not in self.seeded)


def summarize(
    entry: EntryPoint,
    graph: CallGraph,
    scanner: RandomnessScanner,
    live: LiveCode | None = None,
    plain: list[Unit] | None = None,
) -> EntryRandomness:
    """What `entry` reaches, leaving out the branches it never takes (see :mod:`reprocheck.facts.liveness`);
    `plain` is its reach with every branch taken, when already known."""
    live = live if live is not None else LiveCode(graph)
    plain = plain if plain is not None else graph.reach(entry.starts)
    reached, dead = live.reach(entry.starts, plain)
    result = EntryRandomness(entry, reached)
    models: dict[str, list[Event]] = {}
    training: dict[str, list[Event]] = {}
    questions = None
    for unit in reached:
        skipped = dead_calls(dead.get(unit))
        returned = None
        for event in scanner.events(unit):
            if skipped and (event.line, event.column) in skipped:
                continue
            if event.kind == "use" and unit.kind == "function" and returned is None:
                returned = live.returned_positions(unit)
            place = returned.get((event.line, event.column)) if returned and event.kind == "use" else None
            if place is not None:
                if questions is None:
                    questions = live.entry(entry.starts, plain)
                if questions.discards(unit, *place):
                    continue  # `indices, _ = grab_indices(...)`: the drawn part of the result is thrown away
            asked = scanner.questions.get((unit, event.line, event.column)) if event.kind == "use" else None
            if asked is not None:
                if questions is None:
                    questions = live.entry(entry.starts, plain)
                if one_outcome(questions, unit, *asked):
                    continue  # `random.choice(self.sizes)` where every `RandomResize([800])` passes one size
            if event.kind == "use":
                result.uses.setdefault(event.lib, []).append(event)
            elif event.kind == "seed":
                result.seeds.append(event)
            elif event.kind == "unknown-seed":
                result.unknown_seeds.append(event)
            elif event.kind == "entropy-seed":
                result.entropy_seeds.append(event)
            elif event.kind == "trainer-seed":
                result.trainer_seeds.append(event)
            elif event.kind == "generator":
                result.generators.append(event)
            elif event.kind in MODEL_KINDS:
                models.setdefault(event.lib, []).append(event)
            elif event.kind == "train":
                training.setdefault(event.lib, []).append(event)
    if result.uses:
        drop_replaced_samplers(result, graph)
    if training and models and all(in_model_method(graph, e.unit) for events in training.values() for e in events):
        if questions is None:
            questions = live.entry(entry.starts, plain)
        if questions.evaluates:
            # `model = Net.load_from_checkpoint(p)`, `model.eval()`, no training step: the optimizer that the
            # model's own hook makes (`configure_optimizers`) is never stepped
            training = {}
    if result.uses and not training:
        drop_loaded_model_draws(result, graph, entry)
    for lib in training:
        if lib in models:  # trained weights start from the initial ones drawn when the model is made: name that draw
            made = trained_model(models[lib], training[lib][0], lambda unit: notebook_cell(graph, unit))
            if made.kind == "model-draw":
                what = f"the dropout of {made.what}"
            elif made.kind == "model-wrapper":
                what = f"the initial weights of the model given to {made.what}"
            else:
                what = f"the initial weights of {made.what}"
            result.uses.setdefault(lib, []).append(replace(made, what=what))
    return result


# Methods a model may be given between being made and having its state loaded, that run none of its code
# (`model.to(device)`, `model.eval()`).
MOVING_METHODS = frozenset({"to", "cuda", "cpu", "eval", "double", "float", "half", "requires_grad_", "share_memory"})


def drop_loaded_model_draws(result: EntryRandomness, graph: CallGraph, entry: EntryPoint) -> None:
    """For an entry point that trains nothing: leave out the uses reached only by making models whose state it
    then loads (`score_model = DDPM(config)`, then `score_model.load_state_dict(checkpoint)`): the initial weights
    drawn while the model is made (`torch.randn(*shape)` in an initialiser the constructor calls) are replaced
    before the model runs. Draws the model makes when it runs (`forward`) stay."""
    cuts: dict[Unit, set[Unit]] = {}
    for unit in result.reached:
        if unit.kind in ("body", "main", "function", "cell"):
            found = loaded_constructions(graph, unit, entry)
            if found:
                cuts[unit] = found
    if not cuts:
        return
    kept = set(graph.reach(entry.starts, cut=cuts.get))
    for lib in list(result.uses):
        events = [event for event in result.uses[lib] if event.unit in kept]
        if events:
            result.uses[lib] = events
        else:
            del result.uses[lib]


def loaded_constructions(graph: CallGraph, unit: Unit, entry: EntryPoint) -> set[Unit]:
    """The project classes and functions that `unit` calls only to make a model whose state it loads next: `m =
    Net(cfg)` (or `m = build_model(cfg)`) bound once, then `m.load_state_dict(...)` / `m.load_weights(...)`
    (not `strict=False`), with nothing but moves (`m = m.to(device)`, `m.eval()`) in between. In a notebook the
    load may come in a later cell."""
    module = graph.source(unit)
    if module is None or module.tree is None:
        return set()
    cells = []
    if unit.kind == "cell" and unit in entry.starts:
        cells = [cell for cell in entry.starts[entry.starts.index(unit) + 1 :] if cell.kind == "cell"]
    if not any(
        code is not None and code.mentions(*T.WEIGHT_LOADING_METHODS)
        for code in (module, *(graph.source(cell) for cell in cells))
    ):
        return set()
    statements = unit_statements(graph, unit)
    later = [statement for cell in cells for statement in unit_statements(graph, cell)]
    found: dict[Unit, bool] = {}
    for index, statement in enumerate(statements):
        if statement.__class__ is not ast.Assign or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        if target.__class__ is not ast.Name or value.__class__ is not ast.Call:
            continue
        if value.func.__class__ not in (ast.Name, ast.Attribute):
            continue
        made = graph.resolve_load(unit, value.func)
        if made is None or made.kind not in ("class", "function"):
            continue
        if loaded_next(target.id, [*statements[index + 1 :], *later]):
            found.setdefault(made, True)
    if not found:
        return set()
    # only a class or function every call of which here makes a loaded model: another call may run it for real
    for call in graph.code(unit).calls:
        func = call.func
        if func.__class__ in (ast.Name, ast.Attribute):
            made = graph.resolve_load(unit, func)
            if made in found and not loaded_call(call, statements, later):
                found[made] = False
    return {made for made, only in found.items() if only}


BRANCHING = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.BoolOp, ast.Match)


def conditional(node: ast.AST, statement: ast.stmt, parents: dict[int, ast.AST]) -> bool:
    """Does `node` run only on some paths through `statement` (inside an `if`, a loop, `a or b`)?"""
    while node is not statement and node is not None:
        node = parents.get(id(node))
        if node.__class__ in BRANCHING:
            return True
    return False


def unit_statements(graph: CallGraph, unit: Unit) -> list[ast.stmt]:
    """The statements a unit runs in order at its top level: a cell's or a module's, a function's body, the
    `__main__` blocks'."""
    if unit.kind == "function":
        node = graph.function_node(unit)
        return list(node.body) if node is not None else []
    if unit.kind == "main":
        return [statement for block in graph.definitions(unit.path).main_blocks for statement in block.body]
    module = graph.source(unit)
    return list(module.tree.body) if module is not None and module.tree is not None else []


def loaded_call(call: ast.Call, statements: list[ast.stmt], later: list[ast.stmt]) -> bool:
    """Is `call` the value of a statement binding a name whose state is loaded next (see `loaded_next`)?"""
    for index, statement in enumerate(statements):
        if statement.__class__ is ast.Assign and statement.value is call and len(statement.targets) == 1:
            target = statement.targets[0]
            return target.__class__ is ast.Name and loaded_next(target.id, [*statements[index + 1 :], *later])
    return False


def loaded_next(name: str, statements: list[ast.stmt]) -> bool:
    """Do these statements load state into the model bound to `name` (`name.load_state_dict(state)`, not
    `strict=False`) before anything else reads it, with only moves before (`name = name.cuda()`, `name.eval()`)?"""
    for statement in statements:
        uses = [node for node in ast.walk(statement) if node.__class__ is ast.Name and node.id == name]
        if not uses:
            continue
        parents = {id(child): node for node in ast.walk(statement) for child in ast.iter_child_nodes(node)}
        loads = False
        for use in uses:
            if use.ctx.__class__ is not ast.Load:
                if not (statement.__class__ is ast.Assign and moves(statement, name)):
                    return False  # bound again to something else
                continue
            attribute = parents.get(id(use))
            call = parents.get(id(attribute)) if attribute.__class__ is ast.Attribute else None
            if call.__class__ is not ast.Call or call.func is not attribute:
                return False  # run, handed on or shown before its state is loaded
            if attribute.attr in T.WEIGHT_LOADING_METHODS:
                strict = keyword(call, "strict")
                if strict is not None and not (strict.__class__ is ast.Constant and strict.value is True):
                    return False  # a partial load: new layers keep their drawn weights
                if conditional(call, statement, parents):
                    return False  # `if os.path.exists(path): m.load_state_dict(...)`: else it runs as drawn
                loads = True
            elif attribute.attr not in MOVING_METHODS:
                return False
        if loads:
            return True
    return False


def stored_lambda_draws(graph: CallGraph, unit: Unit) -> dict[tuple[int, int], str]:
    """(line, column) of the calls inside a lambda that a method stores on its object (`self.noise_sampler =
    lambda x: torch.randn_like(x)`), with the attribute's name: the draw runs only when the object calls it."""
    if unit.kind != "function" or "." not in unit.name:
        return {}
    found: dict[tuple[int, int], str] = {}
    for assign in graph.code(unit).assignments:
        value = assign.value
        if value.__class__ is not ast.Lambda:
            continue
        targets = assign.targets if assign.__class__ is ast.Assign else [assign.target]
        for target in targets:
            if target.__class__ is ast.Attribute and is_self(target.value):
                for node in ast.walk(value.body):
                    if node.__class__ is ast.Call:
                        found[(node.lineno, node.col_offset + 1)] = target.attr
    return found


def is_self(node: ast.expr) -> bool:
    return node.__class__ is ast.Name and node.id in ("self", "cls")


def replaced_attributes(graph: CallGraph, reached: list[Unit]) -> frozenset[str]:
    """Attributes that the reached code sets on an object from outside it (`sampler.noise_sampler =
    SeededNoise(seed)`: the entry point swaps the object's own sampler for its choice)."""
    names: set[str] = set()
    for unit in reached:
        for assign in graph.code(unit).assignments:
            targets = assign.targets if assign.__class__ is ast.Assign else [assign.target]
            for target in targets:
                if target.__class__ is ast.Attribute and not is_self(target.value):
                    names.add(target.attr)
    return frozenset(names)


def drop_replaced_samplers(result: EntryRandomness, graph: CallGraph) -> None:
    """Leave out a draw in a lambda an object stores as its sampler (`self.noise_sampler = lambda x:
    torch.randn_like(x)`) when the entry point replaces that attribute on the object it made
    (`sampler.noise_sampler = SeededNoise(seed)`): the stored lambda never runs."""
    stored: dict[Unit, dict[tuple[int, int], str]] = {}
    for events in result.uses.values():
        for event in events:
            if event.unit not in stored:
                stored[event.unit] = stored_lambda_draws(graph, event.unit)
    if not any(stored.values()):
        return
    replaced = replaced_attributes(graph, result.reached)
    if not replaced:
        return
    for lib in list(result.uses):
        kept = [e for e in result.uses[lib] if stored[e.unit].get((e.line, e.column)) not in replaced]
        if kept:
            result.uses[lib] = kept
        else:
            del result.uses[lib]


def trained_model(models: list[Event], trains: Event, cell_of=lambda unit: None) -> Event:
    """The draw that names a trained model's initial weights: the model made last before the training starts in
    the same code (`model = TransformerClassifier(...)` in the cell before the optimizer, not a `temp_mha =
    MultiHeadAttention(...)` tried out earlier; `cell_of` gives the cell of a notebook's cell or function), else
    the first model made; else the first layer made, in source order within its code (the
    `tf.keras.Sequential(...)` holding the layers, a `Dense(10)(x)` before the `keras.Model(...)` that holds it),
    else dropout."""
    best = min(MODEL_KINDS.index(event.kind) for event in models)
    candidates = [event for event in models if MODEL_KINDS.index(event.kind) == best]
    same = best == 0 and trains.unit.kind in ("cell", "function")  # library layers: the first made

    def position(event: Event) -> tuple[int, int]:
        return (cell_of(event.unit) or 0, event.line)

    before = [
        event
        for event in candidates
        if same
        and event.unit.path == trains.unit.path
        and (event.unit == trains.unit or (cell_of(event.unit) is not None and cell_of(trains.unit) is not None))
        and position(event) <= position(trains)
    ]
    if before:
        return max(before, key=position)
    # the first made, in source order within its code (`Dense(10)(x)` nested in a statement before `keras.Model(...)`)
    first = candidates[0]
    return min((e for e in candidates if e.unit == first.unit), key=lambda e: (e.line, e.column))


def notebook_cell(graph: CallGraph, unit: Unit) -> int | None:
    """The number of the notebook cell a unit is, or defines it (a function or method a cell defines), else None."""
    if unit.kind == "cell":
        return int(unit.name)
    if unit.kind != "function" or unit.path not in graph.notebook_cells:
        return None
    top = unit.name.partition(".")[0]
    for cell in graph.notebook_cells[unit.path]:
        module = graph.source(cell)
        tree = module.tree if module is not None else None
        for statement in tree.body if tree is not None else ():
            if statement.__class__ in (*DEF_NODES, ast.ClassDef) and statement.name == top:
                return int(cell.name)
    return None


def in_model_method(graph: CallGraph, unit: Unit) -> bool:
    """Is a unit a method of a model class (`DeepSpeech.configure_optimizers` of a LightningModule)?"""
    if unit.kind != "function" or "." not in unit.name:
        return False
    ancestors = graph.ancestors(Unit(unit.path, "class", unit.name.partition(".")[0]))
    return bool(ancestors & (T.TORCH_MODEL_BASES | T.KERAS_MODEL_BASES))


# What makes a model's draws, the most telling first: a model class of the project made (`CBoW(...)`), a library
# layer or initialiser (`nn.Linear(...)`), a draw made only while training (`F.dropout(...)`), a wrapper of a model
# made where the checker cannot see (`nn.DataParallel(model)`).
MODEL_KINDS = ("model-class", "model", "model-draw", "model-wrapper")


def one_outcome(questions, unit: Unit, how: str, expressions: tuple[ast.expr, ...]) -> bool:
    """Does a draw have one possible outcome for every value its argument flags take in this entry point (a
    `self.sizes` set once from the constructor's argument, where every reached construction passes `[800]`)?"""
    values = [values_of(expression, lambda name: questions.lookup(unit, name, 0)) for expression in expressions]
    return all(found is not None for found in values) and degenerate(how, values)


def dead_calls(nodes: frozenset[ast.AST] | None) -> set[tuple[int, int]]:
    """(line, column) of the calls among nodes that cannot run, as events are located."""
    if not nodes:
        return set()
    return {(node.lineno, node.col_offset + 1) for node in nodes if node.__class__ is ast.Call}


@fact
def randomness_scanner(settings, call_graph, notebooks) -> RandomnessScanner:
    """The per-unit random-state scanner (shared so each unit is classified once)."""
    return RandomnessScanner(call_graph, list(settings.seed_functions), notebooks)


@fact
def entry_randomness(project, settings, entry_points, call_graph, randomness_scanner) -> list[EntryRandomness]:
    """For each entry point: the libraries with random state it uses and what its reachable seeding covers.

    Each summary is kept between runs (see :mod:`reprocheck.facts.entry_cache`): after an edit, only the entry
    points whose reach holds the edited file are followed again."""
    live = LiveCode(call_graph, RepositoryTexts(project))
    kept = EntryCache(project, settings, call_graph)
    results = []
    for entry in entry_points:
        result = from_data(entry, kept.get(entry))
        if result is None:
            plain = call_graph.reach(entry.starts)
            result = summarize(entry, call_graph, randomness_scanner, live, plain)
            kept.put(entry, to_data(result), plain)
        results.append(result)
    return results


# Files a parameter's value may be written in besides code: configs, scripts, docs (see `LiveCode.mentioned`).
TEXT_SUFFIXES = (".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".sh", ".bash", ".txt", ".md", ".rst", ".env")
MAX_TEXT_BYTES = 2_000_000


class RepositoryTexts:
    """The texts of the repository's configs, scripts and docs, read once when first asked for."""

    def __init__(self, project):
        self.project = project
        self._texts: list[str] | None = None

    def __call__(self) -> list[str]:
        if self._texts is None:
            self._texts = []
            for path in self.project.select(is_text_setting):
                try:
                    self._texts.append(self.project.read_text(path, MAX_TEXT_BYTES))
                except UnreadableFile:
                    continue
        return self._texts


def is_text_setting(path: str) -> bool:
    return path.lower().endswith(TEXT_SUFFIXES) or filekinds.is_makefile(path) or filekinds.is_dockerfile(path)


EVENT_LISTS = ("seeds", "unknown_seeds", "generators", "entropy_seeds", "trainer_seeds")


def to_data(result: EntryRandomness) -> dict:
    """A summary as JSON data (its entry point is the run's own, found again by the entry point scan)."""

    def events(found: list[Event]) -> list[list]:
        return [[e.kind, sorted(e.libs), e.what, list(e.unit), e.line, e.column, e.file_line] for e in found]

    data = {name: events(getattr(result, name)) for name in EVENT_LISTS}
    data["uses"] = {lib: events(found) for lib, found in result.uses.items()}
    data["reached"] = [list(unit) for unit in result.reached]
    return data


def from_data(entry: EntryPoint, data: dict | None) -> EntryRandomness | None:
    """The summary `to_data` kept, or None when there is none (or it does not have the expected shape)."""
    if data is None:
        return None

    def events(found: list[list]) -> list[Event]:
        return [Event(kind, frozenset(libs), what, Unit(*unit), *where) for kind, libs, what, unit, *where in found]

    try:
        result = EntryRandomness(entry, [Unit(*unit) for unit in data["reached"]])
        result.uses = {lib: events(found) for lib, found in data["uses"].items()}
        for name in EVENT_LISTS:
            setattr(result, name, events(data[name]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return result


@dataclass(frozen=True)
class CodeSources:
    """The code the per-call RNG rules read: non-test Python files and notebook code cells, in the order of
    `python_modules` and `notebook_modules` (test paths filtered once per run, not once per rule)."""

    files: list[PyModule]
    cells: list[tuple[str, CellModule]]


@fact
def rng_sources(python_modules, notebook_modules) -> CodeSources:
    """Non-test Python files and notebook cells (nothing is read yet; rules test their words on the text)."""
    files = [module for path, module in python_modules.items() if not filekinds.is_test_path(path)]
    cells = [
        (path, cell)
        for path, notebook_cells in notebook_modules.items()
        if not filekinds.is_test_path(path)
        for cell in notebook_cells
    ]
    return CodeSources(files, cells)


CUBLAS_VARIABLE = "CUBLAS_WORKSPACE_CONFIG"
CUBLAS_FILE_SUFFIXES = (".cfg", ".ini", ".toml", ".env", ".yaml", ".yml")


def may_set_environment(path: str) -> bool:
    """Files where an environment variable for the run can be set: code, containers, CI, make, shell, env."""
    name = filekinds.name(path)
    return (
        filekinds.is_python(path)
        or filekinds.is_notebook(path)
        or filekinds.is_dockerfile(path)
        or filekinds.is_makefile(path)
        or filekinds.is_shell_script(path)
        or name.startswith(".env")
        or path.endswith(CUBLAS_FILE_SUFFIXES)
    )


def cublas_workspace_config(project, python_modules) -> str | None:
    """The first file that sets CUBLAS_WORKSPACE_CONFIG (code, Dockerfile ENV, CI env, ...), or None.

    Built only when a rule asks (RNG007, after it found `torch.use_deterministic_algorithms(True)`)."""
    for path in project.select(may_set_environment):
        module = python_modules.get(path)
        if module is not None:
            text = module.text
        else:
            try:
                text = project.read_text(path)
            except UnreadableFile:
                continue
        if CUBLAS_VARIABLE in text:
            return path
    return None


# -- timing benchmarks --------------------------------------------------------------------------------------------
def is_benchmark_entry(entry: EntryPoint) -> bool:
    """An entry point named as a benchmark: its file's name (`benchmark.py`, `bench_attention.py`) or the name of
    a script that runs it (`run by offload/run_benchmark.sh:12`) says `bench` (a folder alone does not: a
    `benchmarks/` folder may hold experiments whose results are accuracies)."""
    if T.BENCHMARK_WORD in posixpath.basename(entry.path).lower():
        return True
    return any(
        origin.startswith("run by ") and T.BENCHMARK_WORD in posixpath.basename(origin[7:]).lower()
        for origin in entry.origins
    )


def is_timer(qualified: str) -> bool:
    return qualified in T.TIMERS or qualified.rsplit(".", 1)[-1].lower().startswith(T.TIMER_NAME_PREFIXES)


def times_its_work(result: EntryRandomness, graph: CallGraph) -> bool:
    """Does code the entry point reaches time something (`time.perf_counter()`, `torch.cuda.Event`, a
    `benchmark_*` helper of another package)?"""
    for unit in result.reached:
        module = graph.source(unit)
        if module is None or not module.mentions("time", "bench", "Event"):
            continue
        for call in graph.code(unit).calls:
            qualified = module.qualname(call.func)
            if qualified is not None and is_timer(qualified):
                return True
    return False


def fills_an_array(graph: CallGraph, event: Event) -> bool:
    """Does a use only fill a tensor or array with random values (contents a timed call does not depend on): any
    torch or tensorflow use (tensors, initial weights, training a model), a NumPy draw given a size; not a
    number drawn to size or pick the work (`random.uniform(...)`, `np.random.normal(mu, sigma)`)?"""
    if event.lib in ("torch", "tensorflow"):
        return True
    if event.lib != "numpy":
        return False
    module = graph.source(event.unit)
    call = next(
        (c for c in graph.code(event.unit).calls if (c.lineno, c.col_offset + 1) == (event.line, event.column)), None
    )
    qualified = module.qualname(call.func) if module is not None and call is not None else None
    if qualified is None or not qualified.startswith("numpy.random."):
        return False
    name = qualified.rsplit(".", 1)[-1]
    if name in T.NUMPY_SHAPE_FIRST:
        return bool(call.args)
    position = T.NUMPY_SIZE_POSITION.get(name)
    return position is not None and argument(call, "size", position) is not None


def timing_view(result: EntryRandomness, graph: CallGraph) -> EntryRandomness:
    """The summary as RNG001/RNG002 judge it: for a timing benchmark (an entry point named as a benchmark whose
    reach times its work), the uses that only fill tensors and arrays are left out: its results are timings,
    which do not depend on those values. Draws that size or pick the work stay."""
    if not result.uses or not is_benchmark_entry(result.entry) or not times_its_work(result, graph):
        return result
    uses = {}
    for lib, events in result.uses.items():
        kept = [event for event in events if not fills_an_array(graph, event)]
        if kept:
            uses[lib] = kept
    if uses == result.uses:
        return result
    view = EntryRandomness(result.entry, result.reached, uses, result.seeds, result.unknown_seeds)
    view.generators = result.generators
    view.entropy_seeds = result.entropy_seeds
    return view


@fact
def program_randomness(entry_randomness, call_graph) -> list[EntryRandomness]:
    """The entry points' summaries as RNG001/RNG002 judge them (see `timing_view`)."""
    return [timing_view(result, call_graph) for result in entry_randomness]


def drawn_default(graph: CallGraph, unit: Unit, module: PyModule, name: str) -> bool:
    """Is `name` a parameter of the function `unit` that the function redraws only in its own default branch,
    from a global generator (`if random_state is None: random_state = np.random.choice(np.random.get_state()[1])`
    or `np.random.randint(...)`)? The scikit-learn-style fallback: a caller passes the seed, or seeds the global
    generator the fallback draws from, so the seed is not beyond the user's control (unlike the clock)."""
    if unit.kind != "function":
        return False
    function = graph.function_node(unit)
    if function is None:
        return False
    arguments = function.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    if name not in parameters:
        return False
    in_default: set[int] = set()
    assigned: list[ast.AST] = []
    for node in walk_own(function):
        if node.__class__ is ast.If and is_none_test(node.test, name):
            in_default.update(id(inner) for statement in node.body for inner in ast.walk(statement))
        elif node.__class__ in (ast.Assign, ast.AnnAssign, ast.AugAssign):
            targets = node.targets if node.__class__ is ast.Assign else [node.target]
            if any(t.__class__ is ast.Name and t.id == name for t in targets):
                assigned.append(node)
    if not assigned:
        return False
    for node in assigned:
        if id(node) not in in_default or node.value is None:
            return False
        if nondeterministic_source(module, node.value, {}, node.lineno, True, draws=False) is not None:
            return False  # the clock or the OS: no caller's seed repeats that
        if not any(
            inner.__class__ is ast.Call
            and (qualified := module.qualname(inner.func)) is not None
            and draw_library(qualified) is not None
            for inner in ast.walk(node.value)
        ):
            return False
    return True


def is_none_test(test: ast.expr, name: str) -> bool:
    """`name is None` (also `None is name`)."""
    if test.__class__ is not ast.Compare or len(test.ops) != 1 or test.ops[0].__class__ is not ast.Is:
        return False
    left, right = test.left, test.comparators[0]
    return (left.__class__ is ast.Name and left.id == name and is_none(right)) or (
        right.__class__ is ast.Name and right.id == name and is_none(left)
    )


# -- a fixed seeding right before a statement -----------------------------------------------------------------------
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
QUIET_STATEMENTS = (ast.Import, ast.ImportFrom, ast.Pass, ast.Global, ast.Nonlocal, ast.FunctionDef)
# Methods that move, show or collect values and draw nothing from a global generator (`model.to(device)`,
# `losses.append(loss)`, `model.train()`, which only sets a mode).
QUIET_METHODS = MOVING_METHODS | frozenset(
    {"train", "zero_grad", "append", "extend", "items", "keys", "values", "format", "join", "split", "strip"}
    | {"item", "tolist", "numpy", "detach", "size", "dim", "parameters", "state_dict", "add_module"}
)
# What a loop may run over without drawing: a literal, `range(...)`, a dict's items, and these of such.
QUIET_ITERATORS = frozenset({"range", "enumerate", "zip", "reversed", "sorted", "list", "tuple"})
# Kinds of scanner events that draw from a library's global generator where the call is made (a shuffling loader
# draws when it is iterated, an optimizer when it steps: making them draws nothing).
DRAWING_KINDS = frozenset({"use", "model", "model-draw", "model-class", "model-wrapper"})


class SeedingOrder:
    """Whether a fixed seeding of a library's global generator is the last thing that touches it before a
    statement runs: walking back from the statement in program order within its scope (its block, then the
    blocks around it, then, in a notebook, the cells above), a seeding call (`torch.manual_seed(1)`) comes before
    any call that may draw from that generator. What may draw: a library draw or a model made (as the scanner
    classifies them), any call of the project's or the notebook's own code, a method of an object the checker
    cannot type (`model(x)`, `trainer.fit()`), and a loop over anything but literals and `range`. Imports,
    definitions, plain assignments, prints and moves (`model.to(device)`) draw nothing. A statement inside a loop
    is judged at the outermost loop (the training loop whose every pass follows the seeding); one at the top of a
    function is not (its callers' draws come before), nor one in an `except` or `finally` block."""

    def __init__(self, graph: CallGraph, scanner: RandomnessScanner, seed_functions: list[str]):
        self.graph = graph
        self.scanner = scanner
        self.seed_functions = seed_functions
        self._places: dict[int, dict[int, tuple[ast.AST, list, int]]] = {}
        self._parents: dict[int, dict[int, ast.AST]] = {}

    def root(self, unit: Unit) -> ast.AST | None:
        if unit.kind == "function":
            return self.graph.function_node(unit)
        module = self.graph.source(unit)
        return module.tree if module is not None else None

    def places(self, root: ast.AST) -> dict[int, tuple[ast.AST, list, int]]:
        """id of each statement under `root` -> (the node holding its block, the block, its index there)."""
        found = self._places.get(id(root))
        if found is None:
            found = {}
            stack = [root]
            while stack:
                node = stack.pop()
                for _, value in ast.iter_fields(node):
                    if value.__class__ is list:
                        for index, child in enumerate(value):
                            if isinstance(child, ast.stmt):
                                found[id(child)] = (node, value, index)
                for child in ast.iter_child_nodes(node):
                    if child.__class__ not in SCOPE_NODES or node is root:
                        stack.append(child)
            self._places[id(root)] = found
        return found

    def seeded_before(self, unit: Unit, node: ast.AST, lib: str = "torch", own: frozenset[str] = frozenset()) -> bool:
        """Is `lib`'s global generator seeded with a fixed seed right before the statement holding `node` (a
        node of `unit`'s own code) runs, with nothing between that may draw from it? A loop over one of the names
        in `own` (the loader whose uses are judged: `for batch in train_dl:` printing its batches) draws only
        what the same seeding fixes: it does not count as a draw."""
        root = self.root(unit)
        module = self.graph.source(unit)
        if root is None or module is None:
            return False
        places = self.places(root)
        statement = self.statement_of(root, node, places)
        if statement is None:
            return False
        current = statement
        parent = places[id(current)][0]
        while parent is not root:  # the outermost loop around it: each of its passes follows what ran before it
            if parent.__class__ in LOOP_NODES:
                statement = parent
            if id(parent) not in places:
                return False
            parent = places[id(parent)][0]
        current = statement
        while True:
            parent, block, index = places[id(current)]
            for before in reversed(block[:index]):
                found = self.seeds(unit, module, before, lib, own)
                if found is not None:
                    return found
            if parent is root:
                break
            if not isinstance(parent, ast.stmt) or (parent.__class__ is ast.Try and block is not parent.body):
                return False  # an `except` or `finally` block, a `case`: what ran before is not known
            header = [getattr(parent, name, None) for name in ("test", "iter", "items", "subject")]
            header = [part for value in header for part in (value if value.__class__ is list else [value])]
            if any(self.expression_draws(unit, module, part, lib, own) for part in header if part is not None):
                return False
            current = parent
        if unit.kind != "cell":
            return False
        cells = self.graph.notebook_cells.get(unit.path, [])
        earlier = cells[: cells.index(unit)] if unit in cells else []
        for cell in reversed(earlier):
            cell_module = self.graph.source(cell)
            tree = cell_module.tree if cell_module is not None else None
            for before in reversed(tree.body if tree is not None else []):
                found = self.seeds(cell, cell_module, before, lib, own)
                if found is not None:
                    return found
        return False

    def statement_of(self, root: ast.AST, node: ast.AST, places) -> ast.stmt | None:
        """The innermost statement of `root`'s own code that holds `node`."""
        parents = self._parents.get(id(root))
        if parents is None:
            parents = self._parents[id(root)] = {
                id(child): parent for parent in ast.walk(root) for child in ast.iter_child_nodes(parent)
            }
        while node is not None and id(node) not in places:
            node = parents.get(id(node))
        return node

    def seeds(
        self, unit: Unit, module: PyModule, statement: ast.stmt, lib: str, own: frozenset[str] = frozenset()
    ) -> bool | None:
        """True for a statement that seeds `lib` with a fixed seed, False for one that may draw from it, None for
        one that does neither."""
        value = statement.value if statement.__class__ in (ast.Expr, ast.Assign) else None
        if value.__class__ is ast.Call:
            qualified = self.graph.star_qualname(module, unit.path, value.func) or starred_seeder(
                self.graph, module, unit.path, value.func
            )
            libs = seeder_libraries(qualified, self.seed_functions) if qualified else None
            if libs is not None and lib in libs:
                seed = seed_argument(value)
                fixed = (
                    seed is not None
                    and not is_none(seed)
                    and qualified not in T.ENTROPY_SEEDERS
                    and nondeterministic_source(
                        module, seed, assignments_of(self.graph, unit), value.lineno, unit.kind == "function"
                    )
                    is None
                )
                return fixed
        if statement.__class__ in (*QUIET_STATEMENTS, ast.AsyncFunctionDef, ast.ClassDef):
            return None
        return False if self.expression_draws(unit, module, statement, lib, own) else None

    def expression_draws(
        self, unit: Unit, module: PyModule, node: ast.AST, lib: str, own: frozenset[str] = frozenset()
    ) -> bool:
        stack = [node]
        while stack:
            current = stack.pop()
            cls = current.__class__
            if cls in SCOPE_NODES:
                continue
            if cls is ast.Call and self.call_draws(unit, module, current, lib):
                return True
            if cls in (ast.For, ast.AsyncFor, ast.comprehension) and not (
                quiet_iterator(current.iter) or iterates_own(current.iter, own)
            ):
                return True  # iterating a loader, a generator or an object: it may draw
            stack.extend(ast.iter_child_nodes(current))
        return False

    def call_draws(self, unit: Unit, module: PyModule, call: ast.Call, lib: str) -> bool:
        func = call.func
        qualified = self.graph.star_qualname(module, unit.path, func) or starred_seeder(
            self.graph, module, unit.path, func
        )
        if qualified is not None:
            if seeder_libraries(qualified, self.seed_functions) is not None:
                return False
            if qualified in T.DATALOADERS or qualified in T.RANDOM_SAMPLERS:
                return False  # made now, drawn from when iterated
            if any(kind in DRAWING_KINDS and lib in libs for kind, libs in self.scanner.classify(unit, module, call)):
                return True
            return self.graph.resolve_load(unit, func) is not None  # the project's own code may draw
        if func.__class__ is ast.Name:
            return func.id not in INERT_BUILTINS and not is_display_call(module, call)
        if is_display_call(module, call):
            return False
        return not (func.__class__ is ast.Attribute and func.attr in QUIET_METHODS)


def iterates_own(node: ast.expr, own: frozenset[str]) -> bool:
    """Is `node` one of the names in `own`, or `enumerate`/`zip` of them and of quiet iterators (`enumerate(
    train_dl, 1)`)?"""
    if not own:
        return False
    if node.__class__ is ast.Name:
        return node.id in own
    if (
        node.__class__ is not ast.Call
        or node.func.__class__ is not ast.Name
        or node.func.id not in ("enumerate", "zip")
    ):
        return False
    arguments = [a for a in node.args if not (a.__class__ is ast.Constant and isinstance(a.value, int))]
    return any(a.__class__ is ast.Name and a.id in own for a in arguments) and all(
        (a.__class__ is ast.Name and a.id in own) or quiet_iterator(a) for a in arguments
    )


def quiet_iterator(node: ast.expr) -> bool:
    """Does a loop over `node` draw nothing by iterating: a literal, `range(...)`, `d.items()`, and
    `enumerate`/`zip`/`sorted` of such."""
    cls = node.__class__
    if cls in (ast.List, ast.Tuple, ast.Set, ast.Constant, ast.Dict):
        return True
    if cls is not ast.Call:
        return False
    func = node.func
    if func.__class__ is ast.Attribute:
        return func.attr in ("items", "keys", "values")
    if func.__class__ is not ast.Name or func.id not in QUIET_ITERATORS:
        return False
    return func.id == "range" or all(quiet_iterator(argument) for argument in node.args)


@fact
def seeding_order(settings, call_graph, randomness_scanner) -> SeedingOrder:
    """Whether a fixed seeding comes right before a statement (see :class:`SeedingOrder`)."""
    return SeedingOrder(call_graph, randomness_scanner, list(settings.seed_functions))

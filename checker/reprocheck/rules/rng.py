"""RNG: randomness in code (Python files and notebook code cells)."""

from __future__ import annotations

import ast
import posixpath
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from reprocheck.facts.config_programs import option_adders
from reprocheck.facts.entrypoints import python_target
from reprocheck.facts.liveness import constant, decide, read_scope, walk_own
from reprocheck.facts.pycode import PyModule
from reprocheck.facts.randomness import (
    DRAWING_FUNCTION,
    CodeSources,
    EntryRandomness,
    Event,
    argument,
    assignments_of,
    direct_parts,
    drawn_default,
    has_star_kwargs,
    is_capitalized_tail,
    is_dataset_shuffle,
    is_display_call,
    is_none,
    is_pandas_sample,
    is_plot_call,
    is_self,
    is_true,
    keyword,
    nondeterministic_source,
    option_dest,
    project_method_call,
    seed_argument,
    seeded_draws,
    seeder_libraries,
    shown,
    unit_statements,
)
from reprocheck.facts.reachability import CallGraph, Unit
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.rule import Rule
from reprocheck.tables import randomness as T

MAX_EXAMPLES = 3


# -- shared helpers -------------------------------------------------------------------------------
def units_to_scan(graph: CallGraph, sources: CodeSources, words: tuple[str, ...]) -> Iterator[Unit]:
    """Units of non-test code whose text mentions one of `words` (a cheap filter before any parse)."""
    for module in sources.files:
        if module.mentions(*words):
            yield from graph.units_of(module.path)
    for path, cell in sources.cells:
        if cell.module.mentions(*words):
            yield Unit(path, "cell", str(cell.cell))


def calls_in(graph: CallGraph, unit: Unit) -> list[ast.Call]:
    return graph.code(unit).calls


def locate(rule: Rule, message: str, unit: Unit, module: PyModule, node: ast.AST, severity: Severity | None = None):
    """A finding at `node`, with the cell and file line for notebook cells (`severity`: other than the rule's)."""
    if unit.kind == "cell":
        finding = rule.finding(
            message,
            unit.path,
            node.lineno,
            node.col_offset + 1,
            cell=int(unit.name),
            json_line=module.file_line(node.lineno),
        )
    else:
        finding = rule.finding(message, unit.path, node.lineno, node.col_offset + 1)
    if severity is not None:
        finding.severity = severity
    return finding


def join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def examples(events: list[Event]) -> str:
    shown_events = [f"{e.what} at {e.where()}" for e in events[:MAX_EXAMPLES]]
    return ", ".join(shown_events)


def use_examples(result: EntryRandomness, libs: list[str]) -> str:
    return examples([result.uses[lib][0] for lib in libs if result.uses.get(lib)])


# Calls that make a training step: a statement making one is no look at the data, whatever it plots.
TRAINING_STEPS = frozenset({"backward", "step", "fit", "fit_generator", "train_on_batch", "training_step"})


def drawn_to_show(event: Event, graph: CallGraph, statements: dict) -> bool:
    """Is a use made for a look at the data or the results: its statement at the top of its cell or function
    (a loop picking images, `for idx in np.random.choice(n, 32): ax.imshow(x[idx])`) also plots and makes no
    training step, or it is a cell's last expression, which the notebook displays (`df.sample(3)`)? Such a draw
    is the least telling one to cite when the entry point also trains or splits."""
    unit = event.unit
    module = graph.source(unit)
    if module is None:
        return False
    if unit not in statements:
        statements[unit] = unit_statements(graph, unit)
    top = statements[unit]
    for index, statement in enumerate(top):
        if not statement.lineno <= event.line <= (statement.end_lineno or statement.lineno):
            continue
        if unit.kind == "cell" and index == len(top) - 1 and statement.__class__ is ast.Expr:
            return True
        plots = False
        for node in walk_own(ast.Module(body=[statement], type_ignores=[])):
            if node.__class__ is not ast.Call:
                continue
            func = node.func
            name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
            if name in TRAINING_STEPS:
                return False  # a training loop that also plots its progress
            plots = plots or is_plot_call(module, node) or DRAWING_FUNCTION.match(name) is not None
        return plots
    return False


# Calls whose draws feed a model's training: the order of its batches, the split of its data.
TRAINING_DRAWS = T.DATALOADERS | T.RANDOM_SPLITS | T.RANDOM_SAMPLERS | T.TRAINING_TIME_DRAWS


def feeds_training(event: Event, graph: CallGraph) -> bool:
    """Does a use make a trained model's initial weights or dropout, or the order or split of its data (a
    shuffling loader, `random_split`, a sampler, a dataset's `shuffle`)?"""
    if event.what.startswith(("the initial weights of", "the dropout of")):
        return True
    module = graph.source(event.unit)
    if module is None:
        return False
    for call in graph.code(event.unit).calls:
        if call.lineno == event.line and call.col_offset + 1 == event.column:
            qualified = graph.star_qualname(module, event.unit.path, call.func)
            if qualified is not None:
                return qualified in TRAINING_DRAWS
            func = call.func
            return func.__class__ is ast.Attribute and func.attr == "shuffle" and is_dataset_shuffle(module, call)
    return False


def display_last(result: EntryRandomness, graph: CallGraph, libs: list[str], later) -> tuple[EntryRandomness, list]:
    """For an entry point that trains (a model's initial weights or dropout, a shuffling loader, a split, a
    sampler among its uses): the uses of each library with those drawn to show (see `drawn_to_show`) last
    (after `later`'s order: the draws of cells that ran come first), and `libs` with the libraries whose cited
    draw is such one last. The draw cited is then what the training draws rather than the rows or images picked
    for a look."""
    events = [event for found in result.uses.values() for event in found]
    if not any(event.what.startswith(("the initial weights of", "the dropout of")) for event in events) and not any(
        feeds_training(event, graph) for event in events
    ):
        return result, libs
    memo: dict[Event, bool] = {}
    statements: dict[Unit, list[ast.stmt]] = {}

    def for_show(event: Event) -> bool:
        if event not in memo:
            memo[event] = drawn_to_show(event, graph, statements)
        return memo[event]

    uses = {lib: sorted(events, key=lambda e: (later(e), for_show(e))) for lib, events in result.uses.items()}
    ordered = sorted(libs, key=lambda lib: bool(uses.get(lib)) and for_show(uses[lib][0]))
    return replace(result, uses=uses), ordered


def suggestions(libs: list[str]) -> str:
    return ", ".join(T.SEED_SUGGESTIONS[lib] for lib in libs if lib in T.SEED_SUGGESTIONS)


def entry_finding(rule: Rule, message: str, result: EntryRandomness, graph: CallGraph, events: list[Event]):
    """Anchor an entry-point finding: a script at its `__main__` block or entry function, a notebook at its
    first cell that uses randomness (else its first code cell)."""
    entry = result.entry
    if entry.is_notebook:
        own = [e for e in events if e.unit.kind == "cell" and e.unit.path == entry.path]
        if own:
            event = own[0]
            return rule.finding(
                message, entry.path, event.line, event.column, cell=int(event.unit.name), json_line=event.file_line
            )
        first = entry.starts[0] if entry.starts else None
        if first is not None:
            module = graph.source(first)
            return rule.finding(message, entry.path, 1, cell=int(first.name), json_line=module.file_line(1))
        return rule.finding(message, entry.path)
    return rule.finding(message, entry.path, entry.line)


def executed_first(result: EntryRandomness, notebooks) -> tuple[EntryRandomness, object]:
    """For a notebook whose saved state shows which cells ran (some execution count is set), the draws of cells
    that ran come first as examples: an unexecuted scratch cell (`C = torch.randn((27, 2))` left from a
    derivation) is not what the notebook's results came from. Also returns the sort key that says so."""
    entry = result.entry
    notebook = notebooks.get(entry.path) if entry.is_notebook else None
    counts = {cell.index: cell.execution_count for cell in notebook.cells} if notebook is not None else {}
    if not any(count is not None for count in counts.values()):
        return result, lambda event: False

    def unexecuted(event: Event) -> bool:
        unit = event.unit
        return unit.kind == "cell" and unit.path == entry.path and counts.get(int(unit.name)) is None

    uses = {lib: sorted(events, key=unexecuted) for lib, events in result.uses.items()}
    return replace(result, uses=uses), unexecuted


def seeding_place(result: EntryRandomness) -> str:
    """Where the existing seeding lives, so a message can say where the missing calls belong."""
    event = result.seeds[0]
    if event.unit.kind == "function":
        return f"{event.unit.name}() ({event.unit.path}:{event.line})"
    return event.where()


def seed_draw_positions(graph: CallGraph, unit: Unit, memo: dict, seed_functions) -> frozenset[tuple[int, int]]:
    """(line, column) of the draws in `unit` that are themselves a seed: inside a `seed=`/`random_state=`
    argument (`data_loader(random_state=random.randint(0, 100))`), directly or through a name the unit assigns
    (`state = random.randint(0, 100)`, then `split(random_state=state)`). RNG003 reports such a seed; the fix,
    a fixed seed from the config, removes the draw, so it is no use of random state to report again."""
    found = memo.get(unit)
    if found is not None:
        return found
    values: list[ast.expr] = []
    names: set[str] = set()
    module = graph.source(unit)
    if module is None:
        memo[unit] = frozenset()
        return memo[unit]
    origin = SeedOrigin(graph, unit, module, seed_functions)
    for call in calls_in(graph, unit):
        for word in T.SEED_KEYWORDS:
            value = keyword(call, word)
            if value is None or not origin.source(value, call.lineno):
                continue  # only a seed RNG003 reports (a parameter's drawn default is the caller's: a use)
            if value.__class__ is ast.Name:
                names.add(value.id)
            else:
                values.append(value)
    if names:
        for node in graph.code(unit).assignments:
            targets = node.targets if node.__class__ is ast.Assign else [node.target]
            if node.value is not None and any(t.__class__ is ast.Name and t.id in names for t in targets):
                values.append(node.value)
    found = memo[unit] = frozenset(
        (node.lineno, node.col_offset + 1) for value in values for node in ast.walk(value) if node.__class__ is ast.Call
    )
    return found


def without_seed_draws(result: EntryRandomness, graph: CallGraph, memo: dict, seed_functions) -> EntryRandomness:
    """The entry point's uses of random state without the draws that are themselves a seed (RNG003's)."""
    uses = {}
    for lib, events in result.uses.items():
        kept = [e for e in events if (e.line, e.column) not in seed_draw_positions(graph, e.unit, memo, seed_functions)]
        if kept:
            uses[lib] = kept
    return (
        result
        if len(uses) == len(result.uses) and all(len(uses[lib]) == len(result.uses[lib]) for lib in uses)
        else replace(result, uses=uses)
    )


# -- RNG001 ---------------------------------------------------------------------------------------
class UnseededEntryPoint(Rule):
    """
    ## What it does
    Finds entry points (scripts with `if __name__ == "__main__":`, `[project.scripts]` targets, `@hydra.main`
    functions, DVC stage commands, notebooks, `entrypoints` globs, scripts run by the repository's commands,
    top-level scripts and Kubeflow Pipelines components) whose code uses random state — draws from `random`,
    `numpy.random`, `torch` (`torch.rand*`, `randperm`, shuffling `DataLoader`s, `random_split`, training a model)
    or `tensorflow` — while
    no seeding call is reachable from them. Calls are followed into the project's own functions, methods and
    modules, so a `seed_everything()` helper in `src/pkg/utils/seed.py` called from `main()` counts. Reachability
    follows dispatch tables too: calling an element of a dict/list/tuple/set literal of project functions or
    classes (`COMMANDS[args.command](args)`, `COMMANDS.get(name, usage)(args)`, `handler = MODELS[name]`,
    `for step in STEPS: step(cfg)`, `for name, fn in TABLE.items()`) reaches everything the table names, whether
    it is assigned in the function, at module level or imported from a registry module. A table that starts
    empty and that a decorator of its own module fills (`@register_metric` storing `fn` in `_metric_dict`) holds
    the functions and classes of that module so decorated. Other tables built at run time (filled by a loop, by
    a decorator of another module, comprehensions) are not followed. A module that is only imported
    is never judged (nor `hubconf.py`, which torch.hub loads); tests are never entry points. scikit-learn
    estimators are RNG004's.

    Making an object runs its constructors; its other methods count when they are called on it (`net.fit()`,
    `net(x)` runs `forward`), in a project function it is passed to, or, once it is handed to a library,
    returned or stored, any method the project does not call itself (the hooks a framework calls). A method a
    base class calls on `self` runs a subclass's override when an object of that subclass is made. A function
    handed to a launcher (`fabric.launch(main)`, `mp.spawn(main)`, `fire.Fire(main)`, `jsonargparse.CLI(main)`,
    typer/click commands, `@hydra.main`) runs. Code sent to run elsewhere does not: a class, function or object
    handed to a Kubeflow Fairing job (`TrainJob(NeuralMachineTranslation, ...).submit()` trains on a cluster), a
    pipeline handed to a Kubeflow Pipelines client or compiler, and a Kubeflow Pipelines component (a function
    decorated `@dsl.component` or handed to `func_to_container_op`/`create_component_from_func`). A component is
    an entry point of its own, judged on its own body: its container runs it alone, so the seeding of another
    component does not cover its draws. In a notebook, the cells that only define components (and wrap them) are
    the components', not the notebook's. Branches the entry point never takes are left out: a flag
    left at its default or passed as a constant (`augment=False`, `mode="eval"`), a name assigned once to off
    (`p = 0` then `if p > 0:`), a variable set in branches, which takes each value it is set to
    (`trunc = "rand" if is_train else "trunc"`, then `if fusion: trunc = "fusion"`), a parameter that a call
    passes only inside `**kwargs` and whose name the repository writes nowhere else (no keyword argument, dict
    key, config key or `--flag` names it: it keeps its default) or, outside the entry point's reach, only as
    another script's option, a key read or a call of the function itself (`--use_multiepoch_sampler` in
    `train.py`'s parser is not in this script's `**vars(args)`),
    `self.augment` set once from such a flag, an
    attribute set in several places, which takes the values of the bindings the entry point runs
    (`self.noise = Noise(conf)` under `if conf:`, else `self.noise = None`; asking `if self.noise:` runs none of
    the object's code), a constructor reached through `super(Cls, self).__init__(...)` with the arguments each
    construction passes, an option read off an object (`if args.data_frac < 1.:`) that only the repository's
    Python config modules set, each to a literal (`'data_frac': 1.` in `configs/config1.py`), its name written
    nowhere else but in reads, and `if self.training:` when the entry point only evaluates (`model.eval()`, no
    training step; `self.train(was_training)`, which puts back a saved mode, is none). A function's parameter
    or variable that shadows a module-level function of the same name (`drop_path=drop_path[i]`) is no call of
    it.

    What counts as a use: draws from a library's global state; shuffling loaders, random splits and samplers;
    training a model (an optimizer, a trainer, `.fit`), which also counts its initial weights and dropout (the
    finding names the draw: the initial weights of the model made, `CBoW(...)` at its line, else of the first
    layer made, `nn.Linear(...)`; a loss, an optimizer or a metric, `nn.CrossEntropyLoss()`,
    `tf.keras.optimizers.SGD(...)`, a project's `WeightedLosses` module, holds no weights, nor does a module
    without parameters: a project `class AvgPool(nn.Module)` with only a `forward`; dropout is named as dropout,
    `the dropout of nn.Dropout(...)`). A model loaded from
    saved weights (`Net.load_from_checkpoint(path)`, `Net.from_pretrained(name)`) draws none, nor, for an entry
    point that trains nothing, does making a model whose state it then loads (`score_model = DDPM(config)`, then
    `score_model.load_state_dict(checkpoint)`, only moves such as `.to(device)` or `.eval()` in between, not
    `strict=False`): whatever its constructor draws (`torch.randn(*shape)` in an initialiser) is replaced before
    it runs; the draws it makes when it runs still count. An entry point
    that only evaluates (`model.eval()`, no training step) trains nothing, even where the model's own hook
    makes an optimizer (`configure_optimizers`). A shuffling loader that the code only measures, shows or peeks at
    (`next(iter(loader))` as a cell's last expression, see RNG006) draws no order anything uses.
    `loss.backward()` alone (a profiler, a gradient check), weight initialisation that a checkpoint
    replaces (a draw inside `nn.Parameter(...)`/`register_buffer(...)`, or bound to a name that is then made
    one: `weight = torch.randn(...)`, `self.weight = nn.Parameter(weight)`, or an in-place draw on a parameter
    of an initialiser such as `def trunc_normal_(tensor, std)`), a draw that only picks what to
    print or log, a draw that only makes an element of a returned tuple that every call throws away
    (`indices, _ = grab_indices(probs)`), a shuffle whose order nothing reads (`shuffle(pos)` of a list that the
    function copied before, `corpus = pos + neg`, and only counts after, `len(pos)`, `[1 for _ in pos]`),
    characters drawn for a name
    (`random.choices(string.ascii_uppercase, k=10)` for a temporary folder) and a draw formatted into an id or a
    name (`viz_id = "viz_{}".format(round(random.random() * 1e6))`, `run_name = f"run-{random.randint(0, 999)}"`),
    a draw with one possible outcome (`random.choice([800])`, `random.randint(3, 3)`, `random.randrange(4, 5)`,
    or `random.choice(self.sizes)` where every construction the entry point reaches passes a one-element list:
    `RandomResize([800])`), a value drawn straight into a plot (`plt.plot(np.random.randn(50))`) or bound to
    names read only by plot and display calls, and, in a function named for drawing (`plot_boxes_to_image`), a
    colour (`color = tuple(np.random.randint(0, 255, size=3))` for `draw.rectangle(box, outline=color)`) are not
    uses. Nor, in a notebook, is a value bound at a cell's top level that the cells after it only show (print,
    display, plots, media such as `wandb.Image(x)`, a cell's last expression, the arguments of a function named
    for showing such as `pred_and_plot_image(model, image_path=path)`), pass on unchanged to names only
    shown (a view such as `torch.from_numpy(a)` or `pd.DataFrame(a)`, an elementwise function such as
    `np.sin(z)`, an image read from a picked path, `Image.open(path)`, included), hand to a function named for
    predicting whose result is shown as it is (`pred, secs = predict(img=image)`, then `print(pred)`; an accuracy
    computed from it is a result), loop over with loop variables only shown in turn
    (`for i, idx in enumerate(picked): axs[i].imshow(fmap[:, idx])`, `for idx in random.sample(...)`), move
    (`a, b = a.to("cuda"), b.to("cuda")`) or time (`%timeit a @ b`, also a list of draws,
    `L = [random.random() for i in range(n)]`); a draw straight into a cell's last expression
    (`pd.DataFrame(np.random.rand(3, 2), columns=[...])`) is only shown too (not an in-place fill of a tensor
    that later cells read, `t.random_(10)`); a value handed to a computation
    (`model(xs[idx])`) or that nothing reads still counts. A drawn value that a function binds again before
    any read (`C = np.random.normal(size=N)`, then `C = np.eye(N)`, or every branch of the `if` that follows binds
    it or stops) is not used either, and a branch of a function a notebook defines that none of the notebook's
    calls takes (`if measure == "random":` where every call, directly or through another notebook function's
    parameter, passes another literal) does not run. Nor, in a timing
    benchmark, are tensors and arrays of random values: an entry point whose file, or a script that runs it, is
    named as a benchmark (`benchmark.py`, `bench_attention.py`, run by `run_benchmark.sh`; a `benchmarks/`
    folder alone is not enough) and whose reach times its work (`time.perf_counter()`, `torch.cuda.Event`,
    `timeit`, `triton.testing.do_bench`, a `benchmark_*` helper) reports timings, which do not depend on those
    values (torch and tensorflow uses, NumPy draws given a size). A number drawn to size or pick the work
    (`random.uniform(...)`, `np.random.normal(mu, sigma)` for a request length) still counts. Seeders include
    seeding methods of library objects (`fabric.seed_everything(s)` on a `Fabric`), `accelerate`'s,
    `transformers`' and `keras`'s helpers, detectron2's `default_setup(cfg, args)`, a seeder named through a
    library's usual alias that no import binds and a star import of a module outside the project may bring
    (`np.random.seed(42)` under `from fastbook import *`), making a trainer that seeds
    every library itself (`transformers.Trainer(...)` calls `set_seed(args.seed)`, whose default is 42; so do
    `Seq2SeqTrainer`, trl's trainers such as `SFTTrainer` and sentence-transformers'; a project subclass of one
    too, unless its own `__init__` never calls its base's; Lightning's `Trainer` seeds nothing) for what runs
    after it: a draw above it in the function that makes it, in an earlier notebook cell, or in the entry point's
    own block when a function it calls makes the trainer, is still reported, saying the trainer seeds only when
    made (draws in the functions and methods it reaches, a model's `forward`, a data set's `__getitem__`, are taken
    to run through it), helpers brought in by
    `from pkg import *`, and a generator seeded by its own method (`rng = random.Random(); rng.seed(s)`). A
    draw in a lambda that an object stores as its sampler (`self.noise_sampler = lambda x: torch.randn_like(x)`)
    does not run for an entry point that replaces that attribute (`sampler.noise_sampler = SeededNoise(seed)`).
    The message names each use and where it is (`np.random.beta(...) at utils/augment.py:120`), a draw made to
    look at data or results last (see RNG002).

    ## Why it matters
    Without a seed every run draws different initial weights, shuffles and splits: two runs of the same commit
    give different numbers, and a result cannot be reproduced or even compared.

    ## Example
    ```python
    import numpy as np

    def main():
        noise = np.random.normal(size=10)   # unseeded

    if __name__ == "__main__":
        main()
    ```

    ## Fix
    Seed every library the entry point uses at its start, from the experiment config:
    ```python
    def seed_everything(seed: int) -> None:
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
    ```
    A third-party helper the checker cannot see into can be declared in `seed-functions`.

    The `__main__` block of a module that the project's library code imports (a model file ending in a smoke
    test), or of a model module in a package (a file in a folder with `__init__.py` that defines a torch model
    and is not named like a program, `unet.py` rather than `train.py`), is a self-test of that module, not a
    program whose results count: it is not an entry point here (nor for RNG002). So is the `__main__` block of a
    module that other project code uses (imports it, even from another script, or names it in a dotted string:
    a registry entry, a `_target_` in a config) when the block draws its own made-up input
    (`x = np.random.random((1, 42, 231, 142))`) and writes nothing (`np.save`, `to_csv`, `open(..., "w")`), the
    module reads no command line, is not named like a program, and no command (Makefile, CI, shell script, DVC
    stage, Dockerfile) or README line runs it. A `__main__` block that tries a class its module defines on
    made-up random input (`layer = HyenaOperator(...)`, `y = layer(torch.randn(1, 1024, 512))`), reading nothing
    (no `open`, `load*`, `read*`, `from_pretrained`, data set or command line) and writing nothing, in a module not
    named like a program that no command or README line runs, is a smoke test or usage example: reported as
    info, saying so. So is a `__main__` block of such a module whose only output is a shape, size or type
    (`print(next(iter(dm.train_dataloader()))["input_ids"].shape)`), in a module that reads no command line, and
    that calls nothing that trains, evaluates, generates or saves.
    """

    code = "RNG001"
    name = "unseeded-entry-point"
    severity = Severity.WARNING
    summary = "An entry point uses random state but no seeding call is reachable from it"

    def check(self, program_randomness, call_graph, self_tests, notebooks, settings):
        memo: dict = {}
        for result in program_randomness:
            if result.seeds or result.unknown_seeds or result.entropy_seeds or not (result.uses or result.generators):
                continue
            result = without_seed_draws(result, call_graph, memo, settings.seed_functions)
            if not (result.uses or result.generators):
                continue  # its only draws are seeds, which RNG003 reports
            if self_tests.is_self_test(result.entry):
                continue
            result = without_unread_loaders(result, call_graph)
            if result.trainer_seeds:
                result = before_trainers(result)  # `Trainer(...)` seeds what runs after it is made
            if not (result.uses or result.generators):
                continue
            result, unexecuted = executed_first(result, notebooks)
            libs = sorted(result.uses)
            events = [result.uses[lib][0] for lib in libs] + result.generators
            cited, cited_libs = display_last(result, call_graph, libs, unexecuted)
            parts = []
            if libs:
                parts.append(f"uses the random state of {join(cited_libs)} ({use_examples(cited, cited_libs)})")
            if result.generators:
                parts.append(f"creates generators without a seed ({examples(result.generators)})")
            fix_libs = sorted(set(libs) | {e.lib for e in result.generators})
            if result.trainer_seeds:
                trainer = result.trainer_seeds[0]
                seeding = (
                    f"before anything seeds them ({trainer.what} at {trainer.where()} seeds every library only when "
                    "it is made)"
                )
            else:
                seeding = "but no seeding call is reachable from it"
            message = (
                f"entry point {result.entry.path} ({result.entry.origin}) {' and '.join(parts)} {seeding}; seed at "
                f"its start from the config: {suggestions(fix_libs)}"
            )
            smoke = self_tests.smoke_test(result.entry)
            if smoke is not None:
                message += (
                    " (info: the block only runs the module's own code on made-up random input and reads and writes "
                    "nothing: a smoke test or usage example, not an experiment)"
                )
            else:
                smoke = shapes_only(call_graph, self_tests, result.entry)
                if smoke is not None:
                    message += (
                        f" (info: the block only shows shapes or sizes ({smoke}) and writes nothing: a smoke test "
                        "of the module, whose output the draws hardly change)"
                    )
            events.sort(
                key=lambda e: (
                    unexecuted(e),
                    e.unit.kind != "cell",
                    int(e.unit.name) if e.unit.kind == "cell" else 0,
                    e.line,
                )
            )
            finding = entry_finding(self, message, result, call_graph, events)
            if smoke is not None:
                finding.severity = Severity.INFO
            yield finding


def before_trainers(result: EntryRandomness) -> EntryRandomness:
    """The uses of an entry point that run before a trainer that seeds when made (`Trainer(...)`, see
    `T.SEEDING_TRAINER_PACKAGES`) can seed them: those above the trainer in the function or block that makes it, or
    in an earlier notebook cell, and those of the entry point's own code (its `__main__` block or cells) when the
    trainer is made in a function it calls, whose order is not known. Draws in the other functions and methods it
    reaches are taken to run after (through the trainer: a model's `forward`, a data set's `__getitem__`)."""
    starts = set(result.entry.starts)
    trainers = result.trainer_seeds

    def covered(event: Event) -> bool:
        here = [t for t in trainers if t.unit == event.unit]
        if here:
            return any(t.line < event.line for t in here)
        if event.unit.kind == "cell":
            return any(t.unit.kind == "cell" and int(t.unit.name) < int(event.unit.name) for t in trainers)
        return event.unit not in starts

    uses = {lib: kept for lib, events in result.uses.items() if (kept := [e for e in events if not covered(e)])}
    return replace(result, uses=uses)


def without_unread_loaders(result: EntryRandomness, graph: CallGraph) -> EntryRandomness:
    """The uses of an entry point without the shuffling loaders whose batches feed nothing: only measured, shown
    or peeked at (`next(iter(loader))` as a cell's last expression; see `never_iterated`)."""
    torch_uses = result.uses.get("torch")
    if not torch_uses or not any(event.what.endswith("DataLoader(...)") for event in torch_uses):
        return result
    kept = []
    for event in torch_uses:
        module = graph.source(event.unit)
        call = (
            next(
                (
                    c
                    for c in graph.code(event.unit).calls
                    if c.lineno == event.line and c.col_offset + 1 == event.column
                ),
                None,
            )
            if event.what.endswith("DataLoader(...)") and module is not None
            else None
        )
        if call is not None and never_iterated(graph, event.unit, module, call):
            continue
        kept.append(event)
    uses = {lib: events for lib, events in result.uses.items() if lib != "torch"}
    if kept:
        uses["torch"] = kept
    return replace(result, uses=uses)


SHAPE_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "device"})
SHAPE_CALLS = frozenset({"len", "type", "size", "dim", "numel"})
# Calls of a `__main__` block that make or keep a result (training, evaluation, generation, saving): a block
# making one is a program, whatever it prints.
RESULT_CALL = lazy_pattern(
    r"^(?:fit|train\w*|run\w*|main|evaluate\w*|eval|test\w*|predict\w*|infer\w*|generate\w*|sample\w*|step|"
    r"backward|save\w*|export\w*|dump\w*|write\w*|to_\w+|log\w*|upload\w*|push\w*|submit\w*)$"
)

DATA_ACCESSORS = ("loader", "dataset", "data", "_ds", "_set", "_split")


def shapes_only(graph: CallGraph, self_tests, entry) -> str | None:
    """`print(next(iter(dm.train_dataloader()))["input_ids"].shape)`: a `__main__` block, not run by any command
    nor named like a program, in a module that reads no command line, whose only output shows shapes, sizes or
    types, and that calls nothing that trains, evaluates, generates or saves. The first such display call
    (`print(...) at data.py:61`), else None."""
    from reprocheck.facts.self_tests import PROGRAM_NAME, RUN_KINDS, reads_command_line

    if entry.kind != "main" or entry.kinds & RUN_KINDS or PROGRAM_NAME.match(entry.path.rsplit("/", 1)[-1]):
        return None
    module = graph.modules.get(entry.path)
    if module is None or module.tree is None or reads_command_line(module):
        return None
    unit = Unit(entry.path, "main")
    calls = graph.code(unit).calls
    shown_parts: set[int] = set()
    first = None
    for call in calls:
        if not is_display_call(module, call):
            continue
        arguments = [*call.args, *(k.value for k in call.keywords if k.arg is None or k.arg not in ("sep", "end"))]
        if not arguments or not all(shape_like(argument) for argument in arguments):
            return None
        shown_parts.update(id(node) for argument in arguments for node in ast.walk(argument))
        first = first or f"{shown(call.func)}(...) at {entry.path}:{call.lineno}"
    if first is None:
        return None
    for call in calls:
        if id(call) in shown_parts:
            continue
        func = call.func
        name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
        if RESULT_CALL.match(name or "") and not name.endswith(DATA_ACCESSORS):
            return None  # `train_dataloader()`, `test_dataset()` only hand out the data
    if self_tests.documented_run(entry.path):
        return None
    return first


def shape_like(node: ast.expr) -> bool:
    """An expression that shows only a shape, size, type or constant text: `x.shape`, `len(ds)`, `t.size()`,
    f-strings and tuples of such."""
    cls = node.__class__
    if cls is ast.Constant:
        return True
    if cls is ast.Attribute:
        return node.attr in SHAPE_ATTRIBUTES
    if cls is ast.Subscript:  # `x.shape[0]`
        return node.value.__class__ is ast.Attribute and node.value.attr in SHAPE_ATTRIBUTES
    if cls is ast.Call:
        func = node.func
        name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
        return name in SHAPE_CALLS
    if cls is ast.JoinedStr:
        return all(
            part.__class__ is ast.Constant or (part.__class__ is ast.FormattedValue and shape_like(part.value))
            for part in node.values
        )
    if cls in (ast.Tuple, ast.List):
        return all(shape_like(element) for element in node.elts)
    return False


# -- RNG002 ---------------------------------------------------------------------------------------
class PartialSeeding(Rule):
    """
    ## What it does
    For each entry point whose reachable code does seed, finds the libraries it uses that this seeding leaves
    out (seeds numpy but draws from torch; forgets `random`), and generators created without a seed
    (`np.random.default_rng()`, `random.Random()`), which no global seeding reaches. A draw that only picks what
    a `print`, `display` or logger call shows (`print(xs[random.randrange(10)])`, `random.choice(examples)` bound
    to names only printed) changes no result and is not counted, nor, in a notebook, is a test image picked,
    opened and predicted on whose prediction is only shown (`path = random.sample(paths, k=1)[0]`, `image =
    Image.open(path)`, `pred, secs = predict(img=image)`, `print(pred)`; the notebook draws RNG001 leaves out,
    left out here too), nor a draw of characters that makes a name
    (`random.choices(string.ascii_uppercase + string.digits, k=10)` for a temporary folder). In a notebook whose
    saved state shows which cells ran, the draw cited (here and for RNG001) is one from a cell that ran, not an
    unexecuted scratch cell. For an entry point that trains (a model's initial weights or dropout, a shuffling
    loader, a split or a sampler among its uses), a draw made for a look at the data or results (its statement at
    the top of its cell or function also plots and makes no training step: `for idx in np.random.choice(n, 32):
    ax.imshow(x[idx])`, or a cell's last expression, `df.sample(3)`) is cited after the others, and a library
    whose cited draw is such one comes last: the message names the model's initial weights or the loader first.
    Each Kubeflow Pipelines component is an entry point of its own (see RNG001): the seeding in one component's
    container does not reach another's draws, so it is not reported as partial seeding of the notebook that
    builds the pipeline.

    ## Why it matters
    One unseeded library is enough for runs to differ: the data order may be fixed while the initial weights
    are not. Partial seeding looks reproducible in review and is not.

    ## Example
    ```python
    def main():
        np.random.seed(cfg.seed)
        model = Net()                      # torch initialisation: unseeded
        optimizer = torch.optim.Adam(model.parameters())
    ```

    ## Fix
    Add the missing seeders next to the existing ones (the message names the helper), e.g.
    `torch.manual_seed(seed)`, or pass the seed to the generator: `np.random.default_rng(seed)`.
    """

    code = "RNG002"
    name = "partial-seeding"
    severity = Severity.WARNING
    summary = "The seeding reachable from an entry point leaves out a library it uses"

    def check(self, program_randomness, call_graph, self_tests, notebooks, settings):
        memo: dict = {}
        for result in program_randomness:
            if not result.seeds or result.unknown_seeds or self_tests.is_self_test(result.entry):
                continue
            if result.missing:
                result = without_seed_draws(result, call_graph, memo, settings.seed_functions)
            missing = result.missing
            if not missing and not result.generators:
                continue
            seeded = join(sorted(result.seeded)) or "nothing"
            result, unexecuted = executed_first(result, notebooks)
            cited, cited_libs = display_last(result, call_graph, missing, unexecuted)
            parts = []
            if missing:
                parts.append(
                    f"leaves out {join(cited_libs)} ({use_examples(cited, cited_libs)}); add "
                    f"{suggestions(missing)} next to the seeding in {seeding_place(result)}"
                )
            if result.generators:
                parts.append(
                    f"does not reach generators created without a seed ({examples(result.generators)}); "
                    f"pass the seed to them, e.g. np.random.default_rng(seed)"
                )
            message = f"entry point {result.entry.path}: its seeding (of {seeded}) " + "; it also ".join(parts)
            events = [result.uses[lib][0] for lib in missing] + result.generators
            yield entry_finding(self, message, result, call_graph, events)


# -- RNG003 ---------------------------------------------------------------------------------------


class SeedOrigin:
    """Where the seeds of one unit come from, worked out once per unit and only when a seed is not a literal."""

    def __init__(self, call_graph, unit, module, seed_functions):
        self.call_graph, self.unit, self.module, self.seed_functions = call_graph, unit, module, seed_functions
        self.in_function = unit.kind == "function"
        self._assignments = None
        self._seeded = None  # draws after a fixed seeding of their library in the same block: fixed too

    def source(self, value: ast.expr, line: int) -> str | None:
        """The non-deterministic source `value` comes from, or None: a draw made right after a fixed seeding is
        fixed, and a parameter's default drawn when the caller passes none (`if seed is None: seed =
        np.random.randint(...)`, the scikit-learn `random_state` fallback) is the caller's to fix."""
        if self._assignments is None:
            self._assignments = assignments_of(self.call_graph, self.unit)
        found = nondeterministic_source(self.module, value, self._assignments, line, self.in_function)
        if found:
            if self._seeded is None:
                self._seeded = seeded_draws(
                    self.call_graph, self.unit, self.module, self.seed_functions, self._assignments
                )
            found = nondeterministic_source(
                self.module, value, self._assignments, line, self.in_function, seeded=self._seeded
            )
        if found and value.__class__ is ast.Name and drawn_default(self.call_graph, self.unit, self.module, value.id):
            return None
        return found


class NondeterministicSeed(Rule):
    """
    ## What it does
    Finds seeds that change from run to run: a seeder or a `seed=`/`random_state=` argument computed from
    `time.time()`, `datetime.now()`, `os.getpid()`, `os.urandom`, `random.randint(...)`, `secrets.*` or
    `uuid.*` (also through a variable assigned in the same function or module), `None` passed to a seeder,
    `random.seed()`/`np.random.seed()` without an argument, and `torch.seed()`. `torch.initial_seed()` inside a
    function is the seed torch derives from its own (seeded) state: the worker-init recipe of PyTorch's
    reproducibility notes (`np.random.seed(torch.initial_seed() % 2**32)`) is not reported; at module level,
    before anything seeded torch, it is. A seed drawn from a generator that the same block seeded before with a
    fixed seed (`np.random.seed(cfg.seed)`, then `torch.manual_seed(np.random.randint(1 << 31))`) is fixed too,
    and seeds its library for RNG001/RNG002; one seeded only in a branch, after the draw, or from the clock is
    not. A seed drawn at run time that the same function returns, prints or logs
    (a demo that shows the seed it drew, `return video, seed`) can be repeated by hand: that is info, asking to
    record it with the run's settings. A parameter redrawn only in its own default branch from a global
    generator (the scikit-learn-style `if random_state is None: random_state = np.random.choice(...)`) is not
    reported: a caller passes the seed, or seeds the generator the fallback draws from. Nor is a private generator
    seeded from the clock (`tmp = random.Random(time.time())`) whose every use draws characters or shuffles them
    (`tmp.choice(string.ascii_lowercase)`): it builds a name, such as a run folder's random suffix, and touches no
    other generator and no result.

    ## Why it matters
    Such a seed is a seed in name only: the run cannot be repeated, and the value is rarely logged.

    ## Example
    ```python
    seed = int(time.time())
    torch.manual_seed(seed)
    ```

    ## Fix
    Take the seed from the experiment config or the command line (a fixed integer), and log it.
    """

    code = "RNG003"
    name = "nondeterministic-seed"
    severity = Severity.WARNING
    summary = "A seed that is not deterministic (time, pid, random draws, None)"

    def check(self, rng_sources, call_graph, settings):
        words = ("seed", "random_state", "PRNGKey", "default_rng", "RandomState", "Random(", "jax")
        for unit in units_to_scan(call_graph, rng_sources, words):
            module = call_graph.source(unit)
            origin = SeedOrigin(call_graph, unit, module, settings.seed_functions)
            same_source: dict[str, list] = {}  # one seed, several seeders: one finding, one fix
            for call in calls_in(call_graph, unit):
                problem = None
                qualified = module.qualname(call.func)
                name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                is_seeder = qualified is not None and (
                    seeder_libraries(qualified, settings.seed_functions) is not None
                    or qualified in T.GENERATOR_FACTORIES
                )
                if qualified in T.ENTROPY_SEEDERS:
                    problem = f"{shown(call.func)}() seeds from a non-deterministic source"
                elif qualified in T.SEED_OPTIONAL and not call.args and not call.keywords:
                    problem = f"{shown(call.func)}() without an argument seeds from the operating system"
                elif is_seeder or (qualified is None and name in T.SEED_CALL_NAMES):
                    seed = seed_argument(call)
                    if is_none(seed) and qualified not in T.GENERATOR_FACTORIES:
                        problem = f"None passed to {shown(call.func)}() picks a random seed"
                    elif seed is not None:
                        source = origin.source(seed, call.lineno)
                        if source and qualified in T.GENERATOR_FACTORIES and only_names(call_graph, unit, module, call):
                            continue  # a private generator that only makes names (a run folder's suffix)
                        if source:
                            same_source.setdefault(source, []).append(call)
                            continue
                if problem is None:
                    for word in T.SEED_KEYWORDS:
                        value = keyword(call, word)
                        if value is None or (is_seeder and word == "seed"):
                            continue
                        source = origin.source(value, call.lineno)
                        if source:
                            problem = f"{word}= of {shown(call.func)}() comes from {source}"
                            break
                if problem:
                    yield locate(
                        self,
                        f"{problem}, so no run can be repeated; use a fixed seed from the config (e.g. cfg.seed)",
                        unit,
                        module,
                        call,
                    )
            for source, calls in same_source.items():
                seeders = join([f"{shown(call.func)}()" for call in dict.fromkeys(calls)])
                which = "the seed passed to" if len(calls) == 1 else "the seeds passed to"
                verb = "comes" if len(calls) == 1 else "come"
                recorded = recorded_seed(call_graph, unit, module, calls)
                if recorded is not None:
                    # `seed = random.randint(...)` then `return video, seed`: the user sees the seed and can run
                    # again with it; only recording it with the run's settings is left to do
                    finding = locate(
                        self,
                        f"{which} {seeders} {verb} from {source}; the seed is {recorded}, so a run can be repeated "
                        "by hand; record it with the run's settings (or take it from the config, e.g. cfg.seed)",
                        unit,
                        module,
                        calls[0],
                        Severity.INFO,
                    )
                else:
                    finding = locate(
                        self,
                        f"{which} {seeders} {verb} from {source}, so no run can be repeated; use a fixed seed from "
                        "the config (e.g. cfg.seed)",
                        unit,
                        module,
                        calls[0],
                    )
                finding.related = tuple(
                    Location(unit.path, c.lineno, cell=finding.cell, json_line=module.file_line(c.lineno))
                    if finding.cell is not None
                    else Location(unit.path, c.lineno)
                    for c in calls[1:]
                )
                yield finding


NAME_DRAWS = frozenset({"choice", "choices", "sample"})


def only_names(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call) -> bool:
    """Whether the generator `call` makes (`tmp = random.Random(time.time())`) is bound to a name whose every use
    draws characters (`tmp.choice(string.ascii_lowercase)`, `tmp.choices("abc", k=4)`) or shuffles: a private
    generator that only builds a name, such as a run folder's random suffix. Its draws touch no other generator and
    no result, so the clock is the right seed for it."""
    names = {
        target.id
        for node in graph.code(unit).assignments
        if node.value is call
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if target.__class__ is ast.Name
    }
    if len(names) != 1:
        return False
    (name,) = names
    scope = graph.function_node(unit) if unit.kind == "function" else module.tree
    if scope is None:
        return False
    parents = {child: node for node in walk_own(scope) for child in ast.iter_child_nodes(node)}
    uses = 0
    for node in walk_own(scope):
        if node.__class__ is not ast.Name or node.id != name or node.ctx.__class__ is not ast.Load:
            continue
        method = parents.get(node)
        outer = parents.get(method)
        if not (method.__class__ is ast.Attribute and outer.__class__ is ast.Call and outer.func is method):
            return False  # handed on, stored or returned: it may draw anything
        if method.attr == "shuffle":
            uses += 1
            continue
        population = outer.args[0] if outer.args else None
        if method.attr not in NAME_DRAWS or not is_characters(module, population):
            return False
        uses += 1
    return uses > 0


def is_characters(module: PyModule, node: ast.expr | None) -> bool:
    """A string literal or one of the `string` module's character sets (`string.ascii_lowercase`)."""
    if node.__class__ is ast.Constant:
        return isinstance(node.value, str)
    qualified = module.qualname(node) if node is not None else None
    return qualified is not None and qualified.startswith("string.")


def recorded_seed(graph: CallGraph, unit: Unit, module: PyModule, calls: list[ast.Call]) -> str | None:
    """How a seed drawn at run time is given back to the user (`returned at demo.py:227`, `printed at
    train.py:40`), when every seeder is given one variable that the unit returns, prints or logs; else None."""
    names = {seed.id for call in calls if (seed := seed_argument(call)) is not None and seed.__class__ is ast.Name}
    if len(names) != 1 or any(seed_argument(call).__class__ is not ast.Name for call in calls):
        return None
    (name,) = names
    code = graph.code(unit)
    for call in code.calls:
        if is_display_call(module, call) and any(
            part.__class__ is ast.Name and part.id == name
            for argument in (*call.args, *(k.value for k in call.keywords))
            for part in direct_parts(argument)
        ):
            verb = "printed" if call.func.__class__ is ast.Name else "logged"
            where = f"cell {unit.name}:line {call.lineno}" if unit.kind == "cell" else call.lineno
            return f"{verb} at {unit.path}:{where}"
    function = graph.function_node(unit) if unit.kind == "function" else None
    if function is not None:
        for node in walk_own(function):
            if (
                node.__class__ is ast.Return
                and node.value is not None
                and any(part.__class__ is ast.Name and part.id == name for part in direct_parts(node.value))
            ):
                return f"returned at {unit.path}:{node.lineno}"
    return None


# -- RNG004 ---------------------------------------------------------------------------------------
class SklearnWithoutRandomState(Rule):
    """
    ## What it does
    Finds stochastic scikit-learn calls without `random_state` (or with `random_state=None`):
    `train_test_split`, `KFold`/`StratifiedKFold`/`GroupKFold` with `shuffle=True`, `ShuffleSplit`,
    random forests and extra trees, (hist) gradient boosting, `KMeans`, `MLP*`, `SGD*`,
    `LogisticRegression` with the `sag`/`saga` solvers or with `liblinear` where it draws (`penalty='l1'` or
    `dual=True`: its default primal L2 solver is a deterministic Newton method, and the default `lbfgs` draws
    nothing), `RandomizedSearchCV`, `permutation_importance`,
    the `make_*` dataset generators and similar (the table is in `reprocheck.tables.randomness`). Names are
    resolved through imports, so only scikit-learn's own APIs match; `**params` is given the benefit of the doubt.
    Where every entry point that reaches the call seeds NumPy first (`np.random.seed(40)` before
    `train_test_split(...)`), or the same script or function seeds it earlier (or its module does, at module
    level), runs repeat and the finding is info: any earlier draw still changes the result. A call that a fixed
    NumPy seed runs right before is not reported: `np.random.seed(42)` earlier in the same block or in a block
    around it (an `if`/`elif` branch, a `with`, a `try` body; not a loop, which runs its body again), with a
    constant or a name that is neither a parameter defaulting to None nor bound from a call, and nothing between
    that may draw (only calls of torch, math, built-ins, numpy outside `numpy.random`; an `if name == "a":` branch
    is skipped on the way to a call in `if name == "b":`): `random_state=None` takes the state that seed made, so
    a random_state changes nothing. In a library
    (`project-type = "library"`, or detected as one) a call in the package's own code, outside the entry points'
    files (examples, scripts), is info too: it draws from the caller's NumPy generator, which the caller seeds.
    An estimator made and bound to a name that nothing reads afterwards (`lr = SGDClassifier(loss='log')` shown
    as an alternative, never fitted, passed or returned, or bound again before any read), in a function, a
    notebook or a script no module imports, is not reported: no result depends on its random state. A read in
    any function of the same scope, which may run later, is a use. Calls in one statement (nested on one line, or
    a list of estimators to compare written over several lines) are one edit and one finding, which names the
    others.

    ## Why it matters
    scikit-learn draws from NumPy's global state when `random_state` is None, so splits, bootstraps and
    initialisations change between runs unless every estimator is seeded.

    ## Example
    ```python
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    model = RandomForestClassifier(n_estimators=100)
    ```

    ## Fix
    Pass the experiment seed: `random_state=cfg.seed` (any expression but `None` satisfies this rule). In a loop
    that should draw anew on each pass (`shuffle(X, y)` once per epoch), pass one generator made before the loop,
    `rng = np.random.RandomState(cfg.seed)`, as `random_state=rng`: an int would repeat the same draw every pass.
    """

    code = "RNG004"
    name = "sklearn-without-random-state"
    severity = Severity.WARNING
    summary = "A stochastic scikit-learn API called without random_state"

    def check(self, rng_sources, call_graph, entry_randomness, settings, self_tests, project_kind):
        yield from one_per_statement(
            self.calls_without_state(rng_sources, call_graph, entry_randomness, settings, self_tests, project_kind),
            call_graph,
        )

    def calls_without_state(self, rng_sources, call_graph, entry_randomness, settings, self_tests, project_kind):
        reaching = None
        entry_files = {result.entry.path for result in entry_randomness} if project_kind.is_library else None
        for unit in units_to_scan(call_graph, rng_sources, ("sklearn",)):
            module = call_graph.source(unit)
            for call in calls_in(call_graph, unit):
                qualified = module.qualname(call.func)
                if qualified is None or not qualified.startswith("sklearn."):
                    continue
                last = qualified.rsplit(".", 1)[-1]
                condition = T.SKLEARN_STOCHASTIC.get(last)
                if condition is None and qualified.startswith(T.SKLEARN_GENERATOR_PREFIX):
                    condition = "always"
                if condition is None or has_star_kwargs(call) or not is_stochastic(call, condition):
                    continue
                state = keyword(call, "random_state")
                if state is not None and not is_none(state):
                    continue
                if unused_estimator(call_graph, unit, module, call):
                    continue  # `lr = SGDClassifier(loss='log')` that nothing reads: never fitted, no result
                if reseeded_just_before(call_graph, unit, module, call, settings):
                    continue  # `np.random.seed(42)` right before it: random_state=42 would change nothing
                given = " (random_state=None)" if state is not None else ""
                if reaching is None:
                    reaching = EntrySeeding(entry_randomness, call_graph, self_tests)
                if seeds_numpy_before(call_graph, unit, call, settings) or reaching.seeded(unit, "numpy"):
                    # Without random_state scikit-learn draws from NumPy's global generator, which every entry
                    # point reaching this call seeds (`np.random.seed(40)` before `train_test_split(...)`).
                    yield locate(
                        self,
                        f"{written(call)} without random_state{given} draws from NumPy's global generator: "
                        "seeded runs repeat, but any earlier draw changes the result; pass random_state=<seed>",
                        unit,
                        module,
                        call,
                        Severity.INFO,
                    )
                    continue
                if entry_files is not None and unit.path not in entry_files:
                    # A library's own code: NumPy's global generator is the caller's, whose np.random.seed decides.
                    yield locate(
                        self,
                        f"{written(call)} without random_state{given} in library code draws from NumPy's global "
                        "generator, so the caller's np.random.seed decides; take a random_state argument and pass it",
                        unit,
                        module,
                        call,
                        Severity.INFO,
                    )
                    continue
                advice = (
                    "pass random_state=rng, one np.random.RandomState(<seed>) made before the loop (an int would "
                    "repeat the same draw on every pass)"
                    if in_a_loop(call_graph, unit, module, call)
                    else "pass random_state=<seed> (e.g. random_state=cfg.seed)"
                )
                yield locate(
                    self,
                    f"{written(call)} without random_state{given} gives different results on every run; {advice}",
                    unit,
                    module,
                    call,
                )


def in_a_loop(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call) -> bool:
    """Whether the call runs in a loop of its own function or script (`for epoch in ...: X, y = shuffle(X, y)`):
    there `random_state=42` would make every pass draw the same permutation, where one generator made before the
    loop and passed in draws a new, repeatable one each time."""
    scope = graph.function_node(unit) if unit.kind == "function" else module.tree
    if scope is None:
        return False
    return any(
        node.__class__ in (ast.For, ast.AsyncFor, ast.While) and any(inner is call for inner in ast.walk(node))
        for node in walk_own(scope)
    )


def unused_estimator(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call) -> bool:
    """An estimator made and bound to a name that nothing reads before the name is bound again or the scope ends
    (`lr = SGDClassifier(loss='log')` shown as an alternative, then `svm = SVC(...)` over `svm`): it is never fitted
    nor handed on, so no result depends on its random state. Only a class (an estimator, a splitter) made as the
    value of a one-name assignment, or as an argument of such a value that only builds an object (a search or a
    pipeline: `search = RandomizedSearchCV(GradientBoostingClassifier(), grid)`, `make_pipeline(...)`), in a
    function, a script that no module imports or a notebook; a read in any function of that scope (which may run
    later) counts as a use."""
    if not is_capitalized_tail(module.qualname(call.func) or ""):
        return False
    assignment = next(
        (
            node
            for node in graph.code(unit).assignments
            if node.__class__ is ast.Assign
            and len(node.targets) == 1
            and node.targets[0].__class__ is ast.Name
            and builds(module, node.value, call)
        ),
        None,
    )
    if assignment is None:
        return False
    name = assignment.targets[0].id
    if unit.kind == "cell":
        cells = graph.notebook_cells.get(unit.path, [])
        if unit not in cells:
            return False
        trees = [graph.source(cell) for cell in cells]
        trees = [source.tree if source is not None else None for source in trees]
        start = cells.index(unit)
    elif unit.kind == "function":
        trees = [graph.function_node(unit)]
        start = 0
    elif unit.kind in ("body", "main") and unit.path not in graph.imported_paths():
        trees = [module.tree]
        start = 0
    else:
        return False
    if any(tree is None for tree in trees):
        return False
    for tree in trees:  # a function of the scope reading the name may run at any later point
        for scope in ast.walk(tree):
            if (
                scope is not tree
                and scope.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
                and reads_name(scope, name)
                and name not in bound_in(scope)
            ):
                return False
            if scope.__class__ is ast.Call and scope.func.__class__ is ast.Name and scope.func.id in NAMESPACE_READERS:
                return False  # `locals()`, `eval(...)`: reads names the checker does not see
    # the statements after the assignment, in order: the rest of its block, then of each block around it (a loop
    # around it runs its whole body again), then the later cells
    statements = following_statements(trees[start], assignment)
    if statements is None:
        return False
    for tree in trees[start + 1 :]:
        statements.extend((statement, True) for statement in tree.body)
    for statement, kills in statements:
        if reads_name(statement, name):
            return False
        if kills and binds_name(statement, name):
            return True
    return True


NAMESPACE_READERS = frozenset({"locals", "globals", "vars", "eval", "exec"})
# scikit-learn functions that only put estimators together (no fit, no draw).
COMPOSERS = frozenset({"make_pipeline", "make_union", "make_column_transformer"})


def builds(module: PyModule, value: ast.expr, call: ast.Call) -> bool:
    """Is `call` the object `value` makes: `value` itself, or an argument (in lists and tuples too) of a class
    made or of a scikit-learn composer (`Pipeline([("clf", SGDClassifier())])`, `make_pipeline(...)`)?"""
    if value is call:
        return True
    if value.__class__ in (ast.List, ast.Tuple):
        return any(builds(module, element, call) for element in value.elts)
    if value.__class__ is not ast.Call:
        return False
    qualified = module.qualname(value.func) or ""
    if not (is_capitalized_tail(qualified) or qualified.rsplit(".", 1)[-1] in COMPOSERS):
        return False
    return any(builds(module, part, call) for part in (*value.args, *(k.value for k in value.keywords)))


def reads_name(node: ast.AST, name: str) -> bool:
    """Does `node` read `name` (augmented assignment and `del` included), outside functions it defines?"""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.__class__ is ast.Name and current.id == name and current.ctx.__class__ is not ast.Store:
            return True
        if current.__class__ is ast.AugAssign and current.target.__class__ is ast.Name and current.target.id == name:
            return True
        if current is not node and current.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False


def binds_name(statement: ast.stmt, name: str) -> bool:
    """Does a statement bind `name` on every path: `name = ...`, `import name`, `def name`?"""
    if statement.__class__ in (ast.Assign, ast.AnnAssign):
        targets = statement.targets if statement.__class__ is ast.Assign else [statement.target]
        return statement.value is not None and any(t.__class__ is ast.Name and t.id == name for t in targets)
    if statement.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return statement.name == name
    if statement.__class__ in (ast.Import, ast.ImportFrom):
        return any((alias.asname or alias.name.split(".")[0]) == name for alias in statement.names)
    return False


def following_statements(root: ast.AST, target: ast.stmt) -> list[tuple[ast.stmt, bool]] | None:
    """The statements that run after `target` in `root`, innermost block first, each with whether binding a
    name there replaces `target`'s binding on every later path (only in `target`'s block and the blocks around
    it). A loop around `target` runs its body again: the whole loop counts as following (binding nothing for
    sure). None when `target` is not in `root`'s own code."""
    path = block_path(root, target)
    if path is None:
        return None
    found: list[tuple[ast.stmt, bool]] = []
    for owner, block, index in reversed(path):
        sequential = all(isinstance(statement, ast.stmt) for statement in block)  # not `except` clauses, `case`s
        found.extend((statement, sequential) for statement in block[index + 1 :])
        if owner.__class__ in (ast.For, ast.AsyncFor, ast.While, ast.Try):
            found.append((owner, False))  # a loop runs its body again; a `try` its handlers, `else`, `finally`
    return found


def block_path(root: ast.AST, target: ast.stmt) -> list[tuple[ast.AST, list, int]] | None:
    """(node holding the block, the block, the index in it) from `root` down to `target`."""
    for _, value in ast.iter_fields(root):
        if value.__class__ is not list:
            continue
        for index, child in enumerate(value):
            if child is target:
                return [(root, value, index)]
            if isinstance(child, (ast.stmt, ast.ExceptHandler, ast.match_case)) and child.__class__ not in (
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
            ):
                inner = block_path(child, target)
                if inner is not None:
                    return [(root, value, index), *inner]
    return None


def written(call: ast.Call) -> str:
    """The call as a message names it: `LogisticRegression(...)` when it has arguments (which the message does not
    repeat), `KMeans()` when it has none."""
    return f"{shown(call.func)}({'...' if call.args or call.keywords else ''})"


def seeds_numpy_before(graph: CallGraph, unit: Unit, call: ast.Call, settings) -> bool:
    """Is NumPy's global generator seeded before `call` wherever it runs: a seeding call earlier in the same
    straight-line unit (`np.random.seed(42)` above `train_test_split(...)` in a script or function body), or at
    the module level of the function's own module (which runs on import, before any call of the function)."""
    module = graph.source(unit)
    own = [unit]
    if unit.kind in ("function", "main"):
        own += [u for u in graph.units_of(unit.path) if u.kind == "body"]
    for place in own:
        for other in calls_in(graph, place):
            if place == unit and (other.lineno, other.col_offset) >= (call.lineno, call.col_offset):
                continue
            qualified = graph.star_qualname(module if place == unit else graph.source(place), place.path, other.func)
            libs = seeder_libraries(qualified, settings.seed_functions) if qualified else None
            if libs and "numpy" in libs and not seed_argument_is_none(other):
                return True
    return False


# Callables that never touch NumPy's global generator, by their qualified name's top package (numpy itself outside
# numpy.random), and built-ins by name: draws between a seed and a scikit-learn call are looked for in all others.
NO_NUMPY_DRAW_PACKAGES = frozenset({"torch", "math", "os", "sys", "time", "logging", "json", "pathlib", "warnings"})
NO_NUMPY_DRAW_BUILTINS = frozenset(
    {"len", "range", "int", "float", "str", "bool", "list", "dict", "tuple", "set", "print", "zip", "enumerate",
     "isinstance", "min", "max", "sum", "abs", "round", "sorted", "getattr", "hasattr", "super", "format", "repr",
     "open"}
)  # fmt: skip


def reseeded_just_before(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call, settings) -> bool:
    """Does a fixed NumPy seed run right before `call` with no possible draw of NumPy's global generator between?
    `np.random.seed(42)` (a constant, or a name that is not a parameter defaulting to None nor bound from a call)
    earlier in the same block as the statement holding `call`, or in a block around it (an `if`/`elif` branch, a
    `with`, a `try` body; not a loop, which runs its body again), with nothing between that may draw: no call but
    those of libraries that never touch NumPy's global generator (torch, math, built-ins, numpy outside
    numpy.random); an earlier `if name == "a":` branch is skipped when `call` sits in `if name == "b":` on the same
    unchanged name (one value cannot take both). Then `random_state=None` takes the state that seed made, and a
    random_state would change nothing."""
    if unit.kind == "function":
        root = graph.function_node(unit)
    elif unit.kind in ("body", "main", "cell"):
        root = module.tree
    else:
        return False
    statement = holding_statement(root, call) if root is not None else None
    path = block_path(root, statement) if statement is not None else None
    if path is None:
        return False
    if not all(draws_no_numpy(module, node) for node in preceding_parts(statement, call)):
        return False
    branch_tests: list[ast.expr] = []  # the `if` tests around the statement, innermost first
    for owner, block, index in reversed(path):
        for earlier in reversed(block[:index]):
            seed = numpy_seed(graph, unit, module, earlier, settings)
            if seed is not None:
                return fixed_seed(graph, unit, root, seed)
            if exclusive_branch(earlier, branch_tests, root):
                continue
            if may_draw_numpy(module, earlier):
                return False
        if owner is root:
            return False
        if owner.__class__ is ast.If:
            if may_draw_numpy(module, owner.test):
                return False
            if block is owner.body:
                branch_tests.append(owner.test)
        elif owner.__class__ in (ast.With, ast.AsyncWith):
            if any(may_draw_numpy(module, item) for item in owner.items):
                return False
        elif owner.__class__ is not ast.Try or block is not owner.body:
            return False  # a loop runs its body again; an `except`, `else` or `finally` follows other code
    return False


def holding_statement(root: ast.AST, call: ast.Call) -> ast.stmt | None:
    """The innermost statement of `root`'s own code (not of a function or class defined in it) holding `call`."""
    found = None
    stack = list(getattr(root, "body", []))
    while stack:
        node = stack.pop()
        if node.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        if isinstance(node, ast.stmt) and any(inner is call for inner in ast.walk(node)):
            found = node
            stack = list(ast.iter_child_nodes(node))
    return found


def preceding_parts(statement: ast.stmt, call: ast.Call) -> list[ast.AST]:
    """The calls of the statement holding `call` that may run before it: all but `call` itself, its arguments
    included (a call after it on the line is taken to run first, which errs towards reporting)."""
    return [node for node in ast.walk(statement) if node.__class__ is ast.Call and node is not call]


def may_draw_numpy(module: PyModule, node: ast.AST) -> bool:
    """Whether code may draw from NumPy's global generator: a call of anything but the libraries that never do
    (the bodies of functions and lambdas it defines do not run here)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        if current.__class__ is ast.Call and not draws_no_numpy(module, current):
            return True
        stack.extend(ast.iter_child_nodes(current))
    return False


def draws_no_numpy(module: PyModule, call: ast.Call) -> bool:
    func = call.func
    if func.__class__ is ast.Name and func.id in NO_NUMPY_DRAW_BUILTINS and func.id not in module.bindings:
        return True
    qualified = module.qualname(call.func)
    if qualified is None:
        return False
    top = qualified.split(".", 1)[0]
    return top in NO_NUMPY_DRAW_PACKAGES or (top == "numpy" and not qualified.startswith("numpy.random"))


def numpy_seed(graph: CallGraph, unit: Unit, module: PyModule, statement: ast.stmt, settings) -> ast.Call | None:
    """The seeding call of NumPy's generator a statement is (`np.random.seed(s)`, `seed_everything(s)`), if any."""
    if statement.__class__ is not ast.Expr or statement.value.__class__ is not ast.Call:
        return None
    qualified = graph.star_qualname(module, unit.path, statement.value.func)
    libs = seeder_libraries(qualified, settings.seed_functions) if qualified else None
    return statement.value if libs and "numpy" in libs else None


def fixed_seed(graph: CallGraph, unit: Unit, root: ast.AST, seed: ast.Call) -> bool:
    """A seed that is the same on every run: a constant (not None), or a name or attribute (a config value) that is
    no parameter defaulting to None and not bound from a call in this code (`seed = int(time.time())`)."""
    value = seed_argument(seed) if seed.args or seed.keywords else None
    if value is None or is_none(value):
        return False
    if value.__class__ is ast.Constant:
        return isinstance(value.value, int)
    if value.__class__ is ast.Attribute:
        return not any(node.__class__ is ast.Call for node in ast.walk(value))
    if value.__class__ is not ast.Name:
        return False
    if unit.kind == "function" and root.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef):
        arguments = root.args
        positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        with_default = positional[len(positional) - len(arguments.defaults) :]
        defaults = dict(zip(with_default, arguments.defaults, strict=True))
        kw_defaults = zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        defaults.update({a.arg: d for a, d in kw_defaults if d is not None})
        if value.id in defaults and is_none(defaults[value.id]):
            return False
    for node in walk_own(root) if hasattr(root, "body") else ():
        if node.__class__ in (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr):
            targets = node.targets if node.__class__ is ast.Assign else [node.target]
            bound = any(binds_target(target, value.id) for target in targets)
            if bound and node.value is not None and any(inner.__class__ is ast.Call for inner in ast.walk(node.value)):
                return False
    return True


def binds_target(node: ast.AST, name: str) -> bool:
    """Does `node` (a target, or a statement) store `name`: `name = ...`, `for name in ...`, `(name := ...)`?"""
    stored = (inner for inner in ast.walk(node) if inner.__class__ is ast.Name and inner.ctx.__class__ is ast.Store)
    return any(inner.id == name for inner in stored)


def exclusive_branch(statement: ast.stmt, tests: list[ast.expr], root: ast.AST) -> bool:
    """An `if name == "a":` with no `else` that cannot run on the way to a call inside `if name == "b":` (an `if`
    around it, in `tests`): the same name compared with another constant, a name this code never binds."""
    if statement.__class__ is not ast.If or statement.orelse:
        return False
    compared = equality(statement.test)
    if compared is None:
        return False
    name, constant = compared
    if not any(around is not None and around[0] == name and around[1] != constant for around in map(equality, tests)):
        return False
    return not any(binds_target(node, name) for node in walk_own(root) if isinstance(node, (ast.stmt, ast.NamedExpr)))


def equality(test: ast.expr) -> tuple[str, object] | None:
    """`name == <constant>` (either way round) as (name, constant)."""
    if test.__class__ is not ast.Compare or len(test.ops) != 1 or test.ops[0].__class__ is not ast.Eq:
        return None
    left, right = test.left, test.comparators[0]
    if left.__class__ is ast.Constant:
        left, right = right, left
    if left.__class__ is ast.Name and right.__class__ is ast.Constant:
        return left.id, right.value
    return None


def seed_argument_is_none(call: ast.Call) -> bool:
    """`np.random.seed()` / `np.random.seed(None)` reseed from the operating system: no seed at all."""
    if not call.args and not call.keywords:
        return True
    first = call.args[0] if call.args else call.keywords[0].value
    return is_none(first)


def one_per_statement(findings, graph: CallGraph) -> Iterator:
    """One finding per statement: calls nested on one line (`RandomizedSearchCV(GradientBoostingClassifier(), ...)`)
    or written in one statement over several lines (a list of estimators to compare, `models = [RandomForest...(),
    RandomForest...(), ...]`) are one edit, so the first call's finding names the others (and takes the highest
    severity); those on other lines are related locations."""
    found = list(findings)
    crowded = Counter((finding.path, finding.cell) for finding in found)
    starts: dict[tuple, dict[int, int]] = {}
    kept: dict[tuple, object] = {}
    for finding in found:
        where = (finding.path, finding.cell)
        line = finding.line
        if crowded[where] > 1:  # only a file or cell with several findings is parsed for its statements
            if where not in starts:
                unit = (
                    Unit(finding.path, "cell", str(finding.cell)) if finding.cell else Unit(finding.path, "module", "")
                )
                starts[where] = statement_starts(graph.source(unit))
            line = starts[where].get(finding.line, finding.line)
        first = kept.get((*where, line))
        if first is None:
            kept[(*where, line)] = finding
            continue
        call = finding.message.split(" without random_state", 1)[0]
        here = "on this line" if finding.line == first.line else f"in this statement, line {finding.line}"
        first.message += f" (also {call} {here})"
        first.severity = max(first.severity, finding.severity)
        if finding.line != first.line:
            first.related = (
                *first.related,
                Location(finding.path, finding.line, cell=finding.cell, json_line=finding.json_line),
            )
    yield from kept.values()


def statement_starts(module: PyModule | None) -> dict[int, int]:
    """Line -> the first line of the simple statement (not a block: no `if`, `for`, `def`) that spans it, for the
    statements written over several lines."""
    tree = module.tree if module is not None else None
    starts: dict[int, int] = {}
    if tree is None:
        return starts
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, COMPOUND_STATEMENTS):
            end = getattr(node, "end_lineno", None) or node.lineno
            for line in range(node.lineno + 1, end + 1):
                starts[line] = node.lineno
    return starts


COMPOUND_STATEMENTS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)


def is_stochastic(call: ast.Call, condition: str) -> bool:
    if condition == "always":
        return True
    shuffle = keyword(call, "shuffle")
    if condition == "shuffle":
        return is_true(shuffle)
    if condition == "no_shuffle_false":
        return not (isinstance(shuffle, ast.Constant) and shuffle.value is False)
    if condition == "solver":
        solver = keyword(call, "solver")
        if not isinstance(solver, ast.Constant) or solver.value not in T.SKLEARN_STOCHASTIC_SOLVERS:
            return False
        return solver.value != "liblinear" or liblinear_draws(call)
    return False


def liblinear_draws(call: ast.Call) -> bool:
    """Does `LogisticRegression(solver='liblinear', ...)` use its random_state? liblinear draws (shuffles the
    coordinates) only in its coordinate-descent solvers: the dual one (`dual=True`) and the L1 one
    (`penalty='l1'`); the default primal L2 problem is solved by a trust-region Newton method that draws nothing
    (liblinear's `train()`: L2R_LR runs `newton`/`tron`; `solve_l2r_lr_dual`, `solve_l1r_lr` call `rand()`).
    A penalty or dual given as an expression may be either: it draws."""
    penalty = keyword(call, "penalty")
    dual = keyword(call, "dual")
    primal_l2 = penalty is None or (isinstance(penalty, ast.Constant) and penalty.value == "l2")
    no_dual = dual is None or (isinstance(dual, ast.Constant) and dual.value is False)
    return not (primal_l2 and no_dual)


# -- RNG005 ---------------------------------------------------------------------------------------
class UnseededDataOperation(Rule):
    """
    ## What it does
    Finds random data operations without a seed: `torch.utils.data.random_split` without `generator=`,
    pandas `DataFrame.sample`/`Series.sample` without `random_state`, `tf.data.Dataset.shuffle` without
    `seed` (not a method of a class the project or notebook defines itself, `replay.sample(32)` with
    `replay = ReplayBuffer(1000)`: only a receiver that can be the library's object counts), and
    `np.random.shuffle`/`permutation`/`choice` on NumPy's global generator in a module that never seeds it,
    that the project imports somewhere (a module nothing imports is dead code) and that no entry point
    seeding NumPy reaches (through the branches it takes: a draw in a model
    that only a seeded entry point runs is seeded). A split, sample or shuffle that entry points seeding its
    library reach repeats from run to run but moves with every earlier draw of the global generator: info. One
    that an entry point reaches without seeding its library (NumPy draws included) is left to RNG001/RNG002,
    which report that entry point. Where entry points run a module's code but none runs the draw (a method
    nothing calls, a branch behind a flag left off wherever it is reached or behind an option that every config
    module of the repository sets off, `if args.data_frac < 1.:` with `'data_frac': 1.` in each, a hook of an
    object only the
    module's own self-test makes), the draw is not reported: it is dead code or run in a way the checker cannot
    follow, from programs that use the module. A module no entry point runs is library code, judged as above.
    A `random_split` right after a fixed seeding of torch in the same function, script or notebook, with nothing
    between that may draw from torch (`torch.manual_seed(1)` on the line before), splits the same way on every
    run, whatever ran before: not reported.

    ## Why it matters
    Which rows land in the training, validation and test sets decides the reported numbers. An unseeded split
    gives a different test set on every run, and leaks examples between splits across runs.

    ## Example
    ```python
    train, val = random_split(dataset, [0.8, 0.2])
    sample = df.sample(frac=0.1)
    ```

    ## Fix
    `random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(seed))`,
    `df.sample(frac=0.1, random_state=seed)`, `ds.shuffle(1000, seed=seed)`, or a seeded
    `rng = np.random.default_rng(seed)` and `rng.permutation(...)`.
    """

    code = "RNG005"
    name = "unseeded-data-operation"
    severity = Severity.WARNING
    summary = "A random split, sample or shuffle of data without a seed"
    preview = (
        "sampled findings judged worth acting on: 3 of 19 (8 repositories): most draws were already covered "
        "by a seeded global generator, or never ran"
    )

    WORDS = ("random_split", ".sample(", ".shuffle(", "permutation", "choice")

    def check(self, rng_sources, call_graph, entry_randomness, settings, self_tests, seeding_order):
        covered = None
        reaching = None
        imported: frozenset[str] | None = None
        seeds_numpy: dict[str, bool] = {}
        for unit in units_to_scan(call_graph, rng_sources, self.WORDS):
            module = call_graph.source(unit)
            for call in calls_in(call_graph, unit):
                qualified = module.qualname(call.func)
                name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
                message = None
                lib = None
                if qualified in T.RANDOM_SPLITS:
                    generator = keyword(call, "generator")
                    if (generator is None or is_none(generator)) and not has_star_kwargs(call):
                        lib, fix = "torch", "pass generator=torch.Generator().manual_seed(seed)"
                        message = f"{shown(call.func)}() without generator= splits differently on every run; {fix}"
                elif (
                    qualified is None
                    and name == "sample"
                    and is_pandas_sample(module, call)
                    and not project_method_call(call_graph, unit, call)
                ):
                    lib, fix = "numpy", "pass random_state=seed"
                    message = f"{shown(call.func)}() without random_state samples different rows on every run; {fix}"
                elif (
                    qualified is None
                    and name == "shuffle"
                    and is_dataset_shuffle(module, call)
                    and not project_method_call(call_graph, unit, call)
                ):
                    lib, fix = "tensorflow", "pass seed=seed"
                    message = f"{shown(call.func)}() without seed shuffles differently on every run; {fix}"
                if lib == "torch" and seeding_order.seeded_before(unit, call):
                    continue  # `torch.manual_seed(1)` right before `random_split(...)`: the same split on every run
                if lib is not None:
                    if reaching is None:
                        reaching = EntrySeeding(entry_randomness, call_graph, self_tests)
                    if reaching.runs(unit, call) is False:
                        continue  # entry points run its module, never this draw: dead code, or run unseen
                    seeded = reaching.seeded(unit, lib)
                    if seeded is False:
                        continue  # an entry point reaches it without seeding lib: RNG001/RNG002 report that
                    if seeded:
                        yield locate(
                            self,
                            f"{shown(call.func)}() draws from the global {lib} generator: seeded runs repeat, but "
                            f"any earlier draw changes the result; {fix}",
                            unit,
                            module,
                            call,
                            Severity.INFO,
                        )
                        continue
                elif (
                    qualified is not None
                    and qualified.startswith("numpy.random.")
                    and qualified.count(".") == 2
                    and qualified.rsplit(".", 1)[-1] in T.NUMPY_DATA_DRAWS
                ):
                    if covered is None:
                        covered = entry_reached_units(entry_randomness)
                    if unit.path not in seeds_numpy:
                        seeds_numpy[unit.path] = module_seeds_numpy(call_graph, unit.path, settings)
                    if reaching is None:
                        reaching = EntrySeeding(entry_randomness, call_graph, self_tests)
                    if imported is None:
                        imported = call_graph.imported_paths()
                    if (
                        unit not in covered
                        and reaching.runs(unit, call) is not False
                        and not seeds_numpy[unit.path]
                        and reaching.seeded(unit, "numpy") is None
                        and unit.path in imported
                    ):
                        message = (
                            f"{shown(call.func)}() draws from NumPy's global generator, which nothing seeds here; "
                            f"use rng = np.random.default_rng(seed) and rng.{qualified.rsplit('.', 1)[-1]}(...)"
                        )
                if message:
                    yield locate(self, message, unit, module, call)


class EntrySeeding:
    """Whether the entry points that reach a unit seed a library: True (all do), False (one does not, so RNG001
    or RNG002 reports it), None (no entry point reaches it: library code)."""

    def __init__(self, entry_randomness: list[EntryRandomness], graph: CallGraph, self_tests):
        # Self-tests are no entry points for RNG001/RNG002, so they cannot stand in for a finding here either.
        self.entries = [r for r in entry_randomness if not self_tests.is_self_test(r.entry)]
        self._reach: dict[str, tuple[set[Unit], set[Unit]]] = {}
        self._files: set[str] | None = None
        self._draws: set[tuple[Unit, int, int]] | None = None
        self._reached: list[tuple[EntryRandomness, set[Unit]]] | None = None

    def runs(self, unit: Unit, call: ast.Call) -> bool | None:
        """Does an entry point run this draw? None when no entry point's reach runs through the unit's file
        (library code, judged as such); False when entry points run code of that file but none runs this draw
        (a method nothing calls, a branch behind a flag that is off wherever it is reached); else True."""
        if self._files is None:
            self._files = {u.path for result in self.entries for u in result.reached}
            self._draws = {
                (event.unit, event.line, event.column)
                for result in self.entries
                for events in result.uses.values()
                for event in events
            }
        if unit.path not in self._files:
            return None
        return (unit, call.lineno, call.col_offset + 1) in self._draws

    def reaching(self, unit: Unit) -> list[EntryRandomness]:
        """The entry points whose reach holds the unit."""
        if self._reached is None:
            self._reached = [(result, set(result.reached)) for result in self.entries]
        return [result for result, reached in self._reached if unit in reached]

    def seeded(self, unit: Unit, lib: str) -> bool | None:
        if lib not in self._reach:
            with_seed: set[Unit] = set()
            without: set[Unit] = set()
            for result in self.entries:
                (with_seed if lib in result.seeded or result.unknown_seeds else without).update(result.reached)
            self._reach[lib] = (with_seed, without)
        with_seed, without = self._reach[lib]
        if unit in without:
            return False
        return True if unit in with_seed else None


def entry_reached_units(entry_randomness: list[EntryRandomness]) -> set[Unit]:
    """Units reached by at least one entry point whose reachable seeding covers numpy (a seed helper the checker
    cannot see into is taken to)."""
    units: set[Unit] = set()
    for result in entry_randomness:
        if "numpy" in result.seeded or result.unknown_seeds:
            units.update(result.reached)
    return units


def module_seeds_numpy(graph: CallGraph, path: str, settings) -> bool:
    for unit in graph.units_of(path):
        module = graph.source(unit)
        for call in calls_in(graph, unit):
            qualified = module.qualname(call.func)
            libs = seeder_libraries(qualified, settings.seed_functions) if qualified else None
            if libs and "numpy" in libs:
                return True
    return False


# -- RNG006 ---------------------------------------------------------------------------------------
class UnseededDataLoader(Rule):
    """
    ## What it does
    Finds `torch.utils.data.DataLoader(...)` calls with `shuffle=True` but no `generator=` (info; not for a
    validation or test loader, named so or built from a dataset named so, whose order changes no averaged
    metric, nor for a loader the code only measures, prints, peeks at to show one batch (`print(next(iter(loader)))`, or
    `next(iter(loader))` as a notebook cell's last expression; in a notebook the loader's reads in every cell count) or
    hands to `accelerator.prepare(...)` and never iterates, `len(train_dataloader)` in a decoding script or a notebook
    that looks at a batch and trains through a `Trainer`'s own loader, nor for a loader used in a loop that seeds torch
    on each pass before using it, `for epoch in ...: torch.manual_seed(epoch); train(train_loader)`, whose order follows
    that reseed, nor for a loader bound to a name whose every use, a loop over it or a call handed it,
    comes right after a fixed seeding of torch in the same function, script or notebook with nothing between that
    may draw from torch: `torch.manual_seed(1)` then `train_dl = DataLoader(...)` then `for x in train_dl:`, or
    `torch.manual_seed(1)` right before `hist = train(model, train_dl)` in a later cell; a loop over the same
    loader in between whose body draws nothing, `for i, batch in enumerate(train_dl): print(batch)`, draws only
    what that seeding fixes; in a notebook, a read of the name in an earlier cell or after it is bound again is
    another loader's; a model made, a project function called or another loop run in between, a seeding in
    another function, or a loader returned or stored keeps the note), and, where the
    project declares a torch older than 1.9, calls whose `num_workers` is provably above 0 (a literal, or a
    parameter or constant with a literal default) without `worker_init_fn=` (warning), unless the workers draw
    nothing: the loader's data set is a project class made right there, handed no transforms but none or an empty
    pipeline (`transforms=Compose([])`; a parameter named for transforms or augmentation), whose code makes no
    transform of an augmentation library (`A.HorizontalFlip()`; `albumentations`, `torchvision.transforms`,
    `imgaug`, ...), and either no entry point that reaches the loader draws from `random` or NumPy (its branches
    not taken left out: `if self.mode == "train":` under `mode="val"`) or the code the workers run draws from
    neither: what the data set's `__getitem__` or `__iter__` and the loader's `collate_fn` (a project function or
    class) reach, less the branches of the item method that this loader's data set is made to skip (`if
    self.split:` where `__init__` stores `self.split = split` and the validation set is made with `split=False`,
    or leaves a literal default); a shuffle of the file list in the data set's `__init__` runs once, in the main
    process, and a `collate_fn` that cannot be followed may draw. A shuffling loader that
    an entry point reaches without seeding torch is left to RNG001/RNG002, which report that entry point. One
    that entry points reach after seeding torch (`set_seed(args.seed)`, `torch.manual_seed(0)` before the loader
    is built) stays an info note: its order repeats as long as every draw before it does, and one more random
    initialisation or augmentation changes it.

    ## Why it matters
    A shuffling loader without its own generator draws its order from torch's global generator: a seeded run
    repeats, but every other random call also advances that generator, so adding one augmentation or one
    random initialisation changes the data order and the results of an otherwise identical run. Since torch 1.9
    each worker seeds `random`, NumPy and torch from the loader's base seed; before it, NumPy was not seeded in
    workers, so augmentations repeated across workers and differed across runs.

    ## Example
    ```python
    loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=4)
    ```

    ## Fix
    ```python
    g = torch.Generator().manual_seed(seed)
    loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=4, generator=g)
    ```
    (and, with torch older than 1.9, `worker_init_fn=seed_worker` seeding NumPy and `random` from
    `torch.initial_seed()`).
    """

    code = "RNG006"
    name = "unseeded-dataloader"
    severity = Severity.WARNING
    summary = "DataLoader shuffling without generator=, or workers without worker_init_fn= (torch < 1.9)"

    def check(
        self,
        rng_sources,
        call_graph,
        declared_distributions,
        entry_randomness,
        self_tests,
        settings,
        seeding_order,
        randomness_scanner,
    ):
        old_torch = predates_worker_seeding(declared_distributions)
        reaching = EntrySeeding(entry_randomness, call_graph, self_tests)
        for unit in units_to_scan(call_graph, rng_sources, ("DataLoader",)):
            module = call_graph.source(unit)
            constants = None
            for call in calls_in(call_graph, unit):
                if module.qualname(call.func) not in T.DATALOADERS or has_star_kwargs(call):
                    continue
                positions = T.DATALOADER_POSITIONS
                problems = []
                generator = argument(call, "generator", positions["generator"])
                if (
                    is_true(argument(call, "shuffle", positions["shuffle"]))
                    and (generator is None or is_none(generator))
                    and not evaluation_loader(call_graph, unit, call)
                    and not never_iterated(call_graph, unit, module, call)
                    and not reseeded_every_epoch(call_graph, unit, module, call, settings)
                    and not seeded_before_each_use(call_graph, seeding_order, unit, module, call)
                ):
                    problems.append(
                        "shuffle=True without generator=: the order follows every earlier draw of torch's global "
                        "generator (pass generator=torch.Generator().manual_seed(seed))"
                    )
                workers = argument(call, "num_workers", positions["num_workers"])
                init = argument(call, "worker_init_fn", positions["worker_init_fn"])
                workers_unseeded = False
                if old_torch and workers is not None and (init is None or is_none(init)):
                    if constants is None:
                        constants = literal_defaults(call_graph, unit)
                    count = literal_int(workers, constants)
                    if (
                        count is not None
                        and count > 0
                        and not quiet_workers(call_graph, randomness_scanner, reaching, unit, module, call)
                    ):
                        workers_unseeded = True
                        problems.append(
                            f"num_workers={count} without worker_init_fn= with torch < 1.9 (seed random and NumPy "
                            "in each worker)"
                        )
                if problems and not workers_unseeded and reaching.seeded(unit, "torch") is False:
                    continue  # an entry point that never seeds torch reaches it: RNG001 reports that, once
                if problems:
                    message = f"{shown(call.func)}(): " + "; ".join(problems)
                    yield locate(self, message, unit, module, call, None if workers_unseeded else Severity.INFO)


def quiet_workers(
    graph: CallGraph, scanner, reaching: EntrySeeding, unit: Unit, module: PyModule, call: ast.Call
) -> bool:
    """Do the loader's workers draw nothing from `random` or NumPy, so that seeding them is moot: its data set is
    a project class made right there (`XviewSingleDataset(..., transforms=Compose([]), mode="val")`), handed no
    transforms but none or an empty pipeline, whose code builds nothing from an augmentation library, and either
    the entry points that reach the loader make no draw of either library at all (their branches not taken left
    out: `if self.mode == "train":` under `mode="val"`), or the code the workers run makes none: what the data
    set's `__getitem__`/`__iter__` and the loader's `collate_fn` reach (a shuffle in the data set's `__init__`
    runs once, in the main process)."""
    entries = reaching.reaching(unit)
    if not entries:
        return False
    drawing = any(r.generators or r.uses.get("numpy") or r.uses.get("random") for r in entries)
    dataset = argument(call, "dataset", 0)
    bindings = single_bindings(graph, unit)
    if dataset.__class__ is ast.Name:
        dataset = bindings.get(dataset.id)
    if dataset.__class__ is not ast.Call:
        return False
    cls = graph.resolve_load(unit, dataset.func)
    if cls is None or cls.kind != "class":
        return False
    init = graph.definitions(cls.path).methods.get(cls.name, {}).get("__init__")
    parameters = [a.arg for a in init.args.args[1:]] if init is not None else []
    passed = [(parameters[i] if i < len(parameters) else "", value) for i, value in enumerate(dataset.args)]
    passed += [(keyword.arg or "", keyword.value) for keyword in dataset.keywords]
    for name, value in passed:
        if value.__class__ is ast.Starred or (not name and value.__class__ is not ast.Constant):
            return False  # `*args`, `**kwargs`: anything may be in them
        if T.TRANSFORM_PARAMETER.search(name) is None:
            continue
        if value.__class__ is ast.Name:
            value = bindings.get(value.id)
        if not (is_none(value) or empty_pipeline(value)):
            return False
    if builds_augmentations(graph, cls):
        return False
    flags = construction_flags(graph, cls, init, parameters, passed)
    return not drawing or not worker_draws(graph, scanner, unit, bindings, cls, call, flags)


def construction_flags(
    graph: CallGraph, cls: Unit, init: ast.AST | None, parameters: list[str], passed: list[tuple[str, ast.expr]]
) -> dict[str, object]:
    """`self.<name>` -> the constant one construction of a data set gives it: `__init__` stores a parameter there
    (`self.split = split`), the class stores that attribute nowhere else, and the construction passes a literal
    for the parameter or leaves its literal default (`MelDataset(files, ..., False, False)` for `split`)."""
    if init is None:
        return {}
    values: dict[str, object] = {}
    arguments = init.args
    positional = [*arguments.posonlyargs, *arguments.args]
    named = [a.arg for a in positional][len(positional) - len(arguments.defaults) :]
    defaults = dict(zip(named, arguments.defaults, strict=True))
    defaults.update(
        (a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None
    )
    given = dict(passed)
    for name in {*parameters, *(a.arg for a in arguments.kwonlyargs)}:
        known, value = constant(given[name] if name in given else defaults.get(name, ast.Name(id="_")))
        if known:
            values[name] = value
    if not values:
        return {}
    classes = [cls, *graph.project_ancestors(cls)]
    nodes = [graph.definitions(c.path).classes.get(c.name) for c in classes]
    if any(node is None for node in nodes):
        return {}
    stores: dict[str, int] = {}  # attribute -> how many places store to `self.<attribute>`
    for node in nodes:
        for part in ast.walk(node):
            if part.__class__ is ast.Attribute and part.ctx.__class__ is not ast.Load and is_self(part.value):
                stores[part.attr] = stores.get(part.attr, 0) + 1
    flags: dict[str, object] = {}
    for statement in walk_own(init):
        if statement.__class__ is not ast.Assign or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        if (
            target.__class__ is ast.Attribute
            and is_self(target.value)
            and stores.get(target.attr) == 1
            and value.__class__ is ast.Name
            and value.id in values
        ):
            flags[f"self.{target.attr}"] = values[value.id]
    return flags


# Methods of a data set that DataLoader workers call.
WORKER_METHODS = ("__getitem__", "__getitems__", "__iter__", "__next__")
# Where `collate_fn` is passed by position in `DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler,
# num_workers, collate_fn, ...)`.
COLLATE_POSITION = 6


def worker_draws(
    graph: CallGraph, scanner, unit: Unit, bindings: dict, cls: Unit, call: ast.Call, flags: dict | None = None
) -> bool:
    """May the code a DataLoader's workers run draw from `random` or NumPy (or make an unseeded generator): what
    the data set's item methods and the loader's `collate_fn` (a project function, or an object of a project class
    through its `__call__`) reach? A `collate_fn` that cannot be followed may draw. A draw of an item method in a
    branch that the data set's construction turns off (`if self.split:` where this loader's data set is made with
    `split=False`, see `construction_flags`) is not made."""
    starts = [m for m in (graph.method_of(cls, name) for name in WORKER_METHODS) if m is not None]
    if not starts:
        return True
    skipped: dict[Unit, set[tuple[int, int]]] = {}
    for start in starts if flags else ():
        function = graph.function_node(start)
        if function is None:
            continue
        for guard in read_scope(list(function.body)).guards:
            truth = decide(guard.test, lambda key: frozenset({flags[key]}) if key in flags else None)
            if truth is not None and truth != guard.runs_if:
                skipped.setdefault(start, set()).update(
                    (node.lineno, node.col_offset + 1) for node in guard.nodes if node.__class__ is ast.Call
                )
    collate = argument(call, "collate_fn", COLLATE_POSITION)
    if collate.__class__ is ast.Name and collate.id in bindings:
        collate = bindings[collate.id]
    if collate is not None and not is_none(collate):
        made = None
        if collate.__class__ is ast.Call:
            values = [*collate.args, *(keyword.value for keyword in collate.keywords)]
            if not all(value.__class__ is ast.Constant for value in values):
                return True  # `Collate(augment)`: what it is handed may draw
            made = collate.func
        target = graph.resolve_load(unit, made if made is not None else collate)
        if target is None:
            return True
        if made is not None:
            if target.kind != "class":
                return True
            target = graph.method_of(target, "__call__")
            if target is None:
                return True
        elif target.kind != "function":
            return True
        starts.append(target)
    for reached in graph.reach(starts):
        for event in scanner.events(reached):
            if (event.line, event.column) in skipped.get(reached, ()):
                continue
            if event.kind == "generator" or (event.kind == "use" and event.libs & {"numpy", "random"}):
                return True
    return False


def single_bindings(graph: CallGraph, unit: Unit) -> dict[str, ast.expr]:
    """Names the unit binds exactly once, by a plain assignment -> the value."""
    found: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    for node in graph.code(unit).assignments:
        targets = node.targets if node.__class__ is ast.Assign else [node.target]
        for target in targets:
            if target.__class__ is ast.Name:
                counts[target.id] = counts.get(target.id, 0) + 1
                if node.value is not None:
                    found[target.id] = node.value
    return {name: value for name, value in found.items() if counts[name] == 1}


def empty_pipeline(node: ast.expr | None) -> bool:
    """`Compose([])`, `nn.Sequential()`: a pipeline of no transforms."""
    if node.__class__ is not ast.Call or node.keywords:
        return False
    return all(arg.__class__ in (ast.List, ast.Tuple) and not arg.elts for arg in node.args)


def builds_augmentations(graph: CallGraph, cls: Unit) -> bool:
    """Does a project class, or a project base of it, make a transform of an augmentation library in its code (a
    class: `A.HorizontalFlip(p=0.5)`; the deterministic functions of a `functional` module are none)?"""
    for owner in [cls, *graph.project_ancestors(cls)]:
        module = graph.modules.get(owner.path)
        node = graph.definitions(owner.path).classes.get(owner.name)
        if module is None or node is None:
            return True
        for call in ast.walk(node):
            if call.__class__ is not ast.Call:
                continue
            qualified = module.qualname(call.func)
            if qualified is None or not qualified.startswith(T.AUGMENTATION_PACKAGES):
                continue
            if is_capitalized_tail(qualified) and ".functional." not in qualified:
                return True  # `A.HorizontalFlip(p=0.5)`, not `img_to_tensor(x)` of a functional module
    return False


def reseeded_every_epoch(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call, settings) -> bool:
    """A loader used in a loop that seeds torch's global generator on each pass before it uses the loader
    (`for epoch in ...: torch.manual_seed(epoch); train(train_loader, ...)`): each epoch's order follows the
    reseed, not every draw the run made before."""
    names = {
        bound_name(target)
        for node in graph.code(unit).assignments
        if node.value is call
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    } - {None}
    if not names:
        return False
    scope = graph.function_node(unit) if unit.kind == "function" else module.tree
    if scope is None:
        return False
    for loop in walk_own(scope):
        if loop.__class__ not in (ast.For, ast.AsyncFor, ast.While) or loop.lineno < call.lineno:
            continue
        seeded = False
        for statement in loop.body:
            if seeded and any(
                bound_name(node) in names for node in ast.walk(statement) if node.__class__ in (ast.Name, ast.Attribute)
            ):
                return True
            for node in ast.walk(statement):
                if node.__class__ is ast.Call:
                    qualified = module.qualname(node.func)
                    libs = seeder_libraries(qualified, settings.seed_functions) if qualified else None
                    seed = seed_argument(node) if libs and "torch" in libs else None
                    if seed is not None and not is_none(seed):
                        seeded = True
    return False


# Where a loader's name is read without drawing a batch: its size, its data set, a display.
MEASURING_ATTRIBUTES = frozenset({"dataset", "batch_size", "sampler", "num_workers"})
# Methods that hand back a loader wrapped for distributed runs (accelerate, Lightning Fabric).
WRAPPERS = frozenset({"prepare", "prepare_data_loader", "setup_dataloaders"})


def seeded_before_each_use(graph: CallGraph, order, unit: Unit, module: PyModule, call: ast.Call) -> bool:
    """A loader bound to a name whose every use (a loop over it, `next(iter(loader))`, a call handed it:
    `train(model, train_dl)`) comes right after a fixed seeding of torch, with nothing between that may draw
    (`torch.manual_seed(1)` then `train_dl = DataLoader(...)` then `for x in train_dl:`, or a reseeding just before
    each training loop; see `SeedingOrder`): the order each use draws repeats, whatever ran before the seeding.
    Reading the name in a function of the same scope that does not bind it, returning it, storing it or binding it
    to another name hands it where the checker cannot follow: not so."""
    names = {
        target.id
        for node in graph.code(unit).assignments
        if node.value is call and node.__class__ is ast.Assign
        for target in node.targets
        if target.__class__ is ast.Name
    }
    if not names:
        return False
    if unit.kind == "cell":
        cells = graph.notebook_cells.get(unit.path, [])
        scopes = [(cell, graph.source(cell)) for cell in cells]
    elif unit.kind in ("function", "body", "main"):
        scopes = [(unit, module)]
    else:
        return False
    used = False
    visible = notebook_visibility(graph, unit, call, names) if unit.kind == "cell" else None
    for scope_unit, scope_module in scopes:
        root = order.root(scope_unit)
        if root is None or scope_module is None:
            return False
        parents = {id(child): parent for parent in ast.walk(root) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(root):
            if node.__class__ is not ast.Name or node.id not in names or node.ctx.__class__ is not ast.Load:
                continue
            if visible is not None and not visible(scope_unit, node):
                continue  # a read of another loader bound to the same name in an earlier or later cell
            owner = enclosing_scope(node, parents, root)
            if owner is not None:
                if node.id in bound_in(owner):
                    continue  # `def train(model, train_dl)`: its own parameter
                return False  # read by a function: it runs where the checker does not follow
            parent = parents.get(id(node))
            if parent.__class__ is ast.Attribute and parent.attr in MEASURING_ATTRIBUTES:
                continue  # `len(train_dl.dataset)`
            if parent.__class__ is ast.Call and node in parent.args:
                if parent.func.__class__ is ast.Name and parent.func.id == "len":
                    continue
                if is_display_call(scope_module, parent):
                    continue
            if parent.__class__ in (ast.Return, ast.Yield, ast.YieldFrom, ast.Assign, ast.AnnAssign, ast.keyword) and (
                parent.__class__ is not ast.keyword or parents.get(id(parent)).__class__ is not ast.Call
            ):
                return False  # returned, stored or bound to another name: used where the checker cannot follow
            if parent.__class__ in (ast.Tuple, ast.List, ast.Dict, ast.Set):
                return False
            if parent.__class__ is ast.Call and parent.func.__class__ is ast.Attribute and parent.func.attr in WRAPPERS:
                return False  # `train_dl = accelerator.prepare(train_dl)`: the wrapped loader is used elsewhere
            if not order.seeded_before(scope_unit, node, own=frozenset(names)):
                return False
            used = True
    return used


def notebook_visibility(graph: CallGraph, unit: Unit, call: ast.Call, names: set[str]):
    """For a loader bound in a notebook cell: whether a read of its name (in some cell) can see this binding: it
    comes after the binding, with no other top-level binding of the name in between (`data_loader` of an earlier
    cell, or one bound again later, is another loader)."""

    def position(cell: Unit, node: ast.AST) -> tuple[int, int, int]:
        return (int(cell.name), node.lineno, node.col_offset)

    start = position(unit, call)
    rebinds: list[tuple[int, int, int]] = []
    for cell in graph.notebook_cells.get(unit.path, []):
        module = graph.source(cell)
        tree = module.tree if module is not None else None
        if tree is None:
            continue
        for node in walk_own(tree):
            if node.__class__ is ast.Name and node.id in names and node.ctx.__class__ is ast.Store:
                where = position(cell, node)
                if where > start and not (cell == unit and node.lineno == call.lineno):
                    rebinds.append(where)

    def visible(cell: Unit, node: ast.AST) -> bool:
        where = position(cell, node)
        return where > start and not any(start < other < where for other in rebinds)

    return visible


def enclosing_scope(node: ast.AST, parents: dict[int, ast.AST], root: ast.AST) -> ast.AST | None:
    """The function, lambda or class inside `root` that holds `node`, else None."""
    current = parents.get(id(node))
    found = None
    while current is not None and current is not root:
        if current.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef):
            found = current
        current = parents.get(id(current))
    return found


def bound_in(scope: ast.AST) -> set[str]:
    """Names a function binds itself: its parameters and the names it assigns."""
    names: set[str] = set()
    args = getattr(scope, "args", None)
    if args is not None:
        names.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    for node in ast.walk(scope):
        if node.__class__ is ast.Name and node.ctx.__class__ is ast.Store:
            names.add(node.id)
    return names


def never_iterated(graph: CallGraph, unit: Unit, module: PyModule, call: ast.Call) -> bool:
    """A loader bound to a local name that the code only measures (`len(train_dataloader)`), shows, peeks at to
    show one batch (`print(next(iter(loader)))`, or `next(iter(loader))` as a notebook cell's last expression) or
    hands to `accelerator.prepare(...)` (following the name the prepared loader is bound to), and never iterates
    or hands on: no batch it draws feeds a result, so its order changes nothing (a decoding script that builds the
    training loader it never uses, a notebook that looks at a batch and trains through a `Trainer`'s own
    loader). In a notebook the name's reads in every cell count."""
    if unit.kind == "function":
        scopes = [(graph.function_node(unit), module)]
    elif unit.kind in ("body", "main"):
        scopes = [(module.tree, module)]
    elif unit.kind == "cell":
        sources = [graph.source(cell) for cell in graph.notebook_cells.get(unit.path, [])]
        scopes = [(source.tree, source) for source in sources if source is not None]
    else:
        return False
    if any(scope is None for scope, _ in scopes) or not scopes:
        return False
    names: set[str] = set()
    for node in graph.code(unit).assignments:
        if (
            node.value is call
            and node.__class__ is ast.Assign
            and len(node.targets) == 1
            and node.targets[0].__class__ is ast.Name
        ):
            names.add(node.targets[0].id)
    if not names:
        return False
    parents: dict[int, ast.AST] = {}
    for scope, _ in scopes:
        for node in ast.walk(scope):
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
    pending = list(names)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for scope, scope_module in scopes:
            loads = [
                n for n in ast.walk(scope) if n.__class__ is ast.Name and n.id == name and n.ctx.__class__ is ast.Load
            ]
            for load in loads:
                parent = parents.get(id(load))
                if parent.__class__ is not ast.Call or load not in parent.args:
                    return False
                func = parent.func
                if func.__class__ is ast.Name and func.id == "len":
                    continue
                if is_display_call(scope_module, parent):
                    continue
                if shown_peek(parent, parents, scope_module, scope, unit.kind == "cell"):
                    continue
                if func.__class__ is ast.Attribute and func.attr == "prepare":
                    target = parents.get(id(parent))
                    if target.__class__ is not ast.Assign or len(target.targets) != 1:
                        return False
                    bound = target.targets[0]
                    if bound.__class__ is ast.Name and len(parent.args) == 1:
                        pending.append(bound.id)
                        continue
                    index = parent.args.index(load)
                    if (
                        bound.__class__ is ast.Tuple
                        and len(bound.elts) == len(parent.args)
                        and bound.elts[index].__class__ is ast.Name
                    ):
                        pending.append(bound.elts[index].id)
                        continue
                return False
    return True


def shown_peek(iterated: ast.Call, parents: dict[int, ast.AST], module: PyModule, scope: ast.AST, cell: bool) -> bool:
    """Is `iter(loader)` only a look at one batch: `next(iter(loader))` handed to a display call
    (`print(next(iter(loader)))`) or, in a notebook, a cell's last expression, which the notebook shows?"""
    if iterated.func.__class__ is not ast.Name or iterated.func.id != "iter" or len(iterated.args) != 1:
        return False
    peek = parents.get(id(iterated))
    if peek.__class__ is not ast.Call or peek.func.__class__ is not ast.Name or peek.func.id != "next":
        return False
    if peek.args[:1] != [iterated]:
        return False
    holder = parents.get(id(peek))
    if holder.__class__ is ast.Call and peek in holder.args and is_display_call(module, holder):
        return True
    body = getattr(scope, "body", None)
    return cell and holder.__class__ is ast.Expr and bool(body) and body[-1] is holder


# A loader, dataset or function named for validation or test (`valid_loader`, `testloader`, `val_dataloader()`,
# `DataLoader(test_data, ...)`); a name that also says train (`trainval_loader`) is a training loader.
EVALUATION_NAME = lazy_pattern(
    r"(^|_)(val|valid|validation|test|testing|eval|evaluation|dev|holdout)(_|loader|dl|set|data|dataset|s|$)"
)


def evaluation_name(name: str | None) -> bool:
    lowered = (name or "").lower()
    return "train" not in lowered and EVALUATION_NAME.search(lowered) is not None


def bound_name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def evaluation_loader(graph: CallGraph, unit: Unit, call: ast.Call) -> bool:
    """A loader that feeds validation or test only (the order of its batches changes no averaged metric): bound
    to such a name, built from such a dataset, or returned by such a function (`val_dataloader()`)."""
    names = [
        bound_name(target)
        for node in graph.code(unit).assignments
        if node.value is call
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    ]
    names.append(bound_name(argument(call, "dataset", 0)))
    if unit.kind == "function":
        names.append(unit.name.rsplit(".", 1)[-1])
    names = [name.lower() for name in names if name]
    return not any("train" in name for name in names) and any(evaluation_name(name) for name in names)


# Versions that tell a torch release from 1.9 on, which seeds NumPy and `random` in each DataLoader worker.
MODERN_TORCH = ("1.9.0", "1.13.1", "2.0.0", "2.5.0", "3.0.0")


def predates_worker_seeding(declared_distributions) -> bool:
    """Whether every declaration of torch rules out 1.9 and later (none, or one that cannot be read: a current
    torch)."""
    declarations = [d for name in ("torch", "pytorch") for d in declared_distributions.get(name, ())]
    return bool(declarations) and all(only_before_worker_seeding(d) for d in declarations)


def only_before_worker_seeding(declaration) -> bool:
    if declaration.version is not None:
        try:
            return Version(declaration.version) < Version("1.9")
        except InvalidVersion:
            return False
    try:
        specifier = Requirement(declaration.spec).specifier
    except InvalidRequirement:
        return False
    return bool(specifier) and not any(specifier.contains(v, prereleases=True) for v in MODERN_TORCH)


def literal_int(node: ast.expr, constants: dict[str, int]) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def literal_defaults(graph: CallGraph, unit: Unit) -> dict[str, int]:
    """Names with a literal int value: parameters' defaults of the unit's function, module constants."""
    found: dict[str, int] = {}
    assigned: dict[str, int] = {}
    for node in graph.code(Unit(unit.path, "body") if unit.kind != "cell" else unit).assignments:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            assigned[target] = assigned.get(target, 0) + 1
            value = literal_int(node.value, {})
            if value is not None:
                found[target] = value
    found = {k: v for k, v in found.items() if assigned.get(k) == 1}
    if unit.kind == "function":
        function = graph.function_node(unit)
        if function is not None:
            args = function.args
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
                value = literal_int(default, {})
                if value is not None:
                    found[arg.arg] = value
                else:
                    found.pop(arg.arg, None)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                value = literal_int(default, {}) if default is not None else None
                if value is not None:
                    found[arg.arg] = value
                else:
                    found.pop(arg.arg, None)
    return found


# -- RNG007 ---------------------------------------------------------------------------------------
class GpuNondeterminism(Rule):
    """
    ## What it does
    Finds `torch.backends.cudnn.benchmark = True` (once per file, the other lines related), and
    `torch.use_deterministic_algorithms(True)` when the environment variable `CUBLAS_WORKSPACE_CONFIG` is set
    nowhere in the repository (code, Dockerfile `ENV`, CI `env:`, Makefile, shell scripts, `.env` files).
    Benchmark mode set in one branch of an `if` whose other branch makes the run deterministic
    (`if args.seed is not None: ... cudnn.deterministic = True` / `else: cudnn.benchmark = True`) is the owner's
    choice for runs that do not ask for determinism, and is not reported. Benchmark mode set only under a
    command-line option that is off by default (`if args.benchmark:` with `--benchmark` declared
    `action="store_true"`, without a default or with a false one, and no `set_defaults` turning it on) is info:
    the default run keeps cuDNN's deterministic choice; the message names a repository command that passes the
    option (`run-all.sh:62 passes it`).

    ## Why it matters
    cuDNN's benchmark mode picks the fastest convolution algorithm per run, and some are nondeterministic, so
    the same seed gives different results. With deterministic algorithms requested, cuBLAS raises an error
    (or, with `warn_only=True`, stays nondeterministic) unless `CUBLAS_WORKSPACE_CONFIG=:4096:8` is set.

    ## Example
    ```python
    torch.backends.cudnn.benchmark = True
    torch.use_deterministic_algorithms(True)
    ```

    ## Fix
    Set `torch.backends.cudnn.benchmark = False` (and `torch.backends.cudnn.deterministic = True`), and set
    `CUBLAS_WORKSPACE_CONFIG=:4096:8` where the run starts (Dockerfile `ENV`, CI `env:`, or `os.environ` before
    importing torch).
    """

    code = "RNG007"
    name = "gpu-nondeterminism"
    severity = Severity.WARNING
    summary = "cuDNN benchmark mode, or deterministic algorithms without CUBLAS_WORKSPACE_CONFIG"

    def check(self, rng_sources, call_graph, project, python_modules, shell_commands):
        words = ("cudnn", "use_deterministic_algorithms")
        configured = None
        options = None
        benchmarks: dict[str, list] = {}  # file -> its `benchmark = True` lines: one finding per file
        for unit in units_to_scan(call_graph, rng_sources, words):
            module = call_graph.source(unit)
            code = call_graph.code(unit)
            for node in code.assignments:
                if (
                    isinstance(node, ast.Assign)
                    and is_true(node.value)
                    and any(module.qualname(t) == "torch.backends.cudnn.benchmark" for t in node.targets)
                    and not determinism_elsewhere(module, node)
                ):
                    if options is None:
                        options = CommandLineOptions(python_modules)
                    flag = options.opt_in(module, node)
                    if flag is not None:
                        passed = commands_passing(shell_commands, call_graph, unit.path, flag)
                        message = (
                            f"torch.backends.cudnn.benchmark = True only with the opt-in option {flag} (off by "
                            "default), so only runs that pass it let cuDNN pick nondeterministic algorithms"
                            + (f" ({passed} passes it)" if passed else "")
                            + f"; leave {flag} off where results must repeat"
                        )
                        finding = locate(self, message, unit, module, node, Severity.INFO)
                    else:
                        finding = locate(
                            self,
                            "torch.backends.cudnn.benchmark = True lets cuDNN pick nondeterministic algorithms per "
                            "run; set it to False (and torch.backends.cudnn.deterministic = True)",
                            unit,
                            module,
                            node,
                        )
                    benchmarks.setdefault(unit.path, []).append(finding)
            for node in code.calls:
                if module.qualname(node.func) == "torch.use_deterministic_algorithms":
                    if not is_true(argument(node, "mode", 0)):
                        continue
                    if configured is None:
                        configured = self.cublas(project, python_modules)
                    if not configured:
                        yield locate(
                            self,
                            "torch.use_deterministic_algorithms(True) but CUBLAS_WORKSPACE_CONFIG is set nowhere; "
                            "set CUBLAS_WORKSPACE_CONFIG=:4096:8 (Dockerfile ENV, CI env, or os.environ)",
                            unit,
                            module,
                            node,
                        )
        for found in benchmarks.values():
            # an unconditional `benchmark = True` first: the warning; opt-in lines follow as related
            found.sort(key=lambda f: (f.severity != Severity.WARNING, f.cell or 0, f.line or 0))
            first = found[0]
            first.related = tuple(Location(f.path, f.line, cell=f.cell, json_line=f.json_line) for f in found[1:])
            yield first

    @staticmethod
    def cublas(project, python_modules) -> bool:
        from reprocheck.facts.randomness import cublas_workspace_config

        return cublas_workspace_config(project, python_modules) is not None


DETERMINISM_SETTINGS = {"torch.backends.cudnn.deterministic": True, "torch.backends.cudnn.benchmark": False}


def determinism_elsewhere(module: PyModule, assign: ast.Assign) -> bool:
    """Is `cudnn.benchmark = True` one branch of an `if` whose other branch makes the run deterministic
    (`if args.seed is not None: ...; cudnn.deterministic = True` / `else: cudnn.benchmark = True`)? The owner made
    determinism an option; benchmark mode is the choice for runs that do not ask for it."""
    tree = module.tree
    if tree is None:
        return False
    for node in ast.walk(tree):
        if node.__class__ is not ast.If or not node.orelse:
            continue
        for branch, other in ((node.body, node.orelse), (node.orelse, node.body)):
            if any(assign is n for statement in branch for n in ast.walk(statement)):
                return any(sets_determinism(module, n) for statement in other for n in ast.walk(statement))
    return False


def sets_determinism(module: PyModule, node: ast.AST) -> bool:
    if node.__class__ is ast.Assign and node.value.__class__ is ast.Constant:
        return any(DETERMINISM_SETTINGS.get(module.qualname(t) or "") is node.value.value for t in node.targets)
    if node.__class__ is ast.Call and module.qualname(node.func) == "torch.use_deterministic_algorithms":
        return is_true(argument(node, "mode", 0))
    return False


class CommandLineOptions:
    """The argparse options of the project's modules (`parser.add_argument("--benchmark", type=int)`, also through
    `arg = parser.add_argument`), by the attribute they are stored in, read once."""

    def __init__(self, python_modules):
        self.python_modules = python_modules
        self._options: dict[str, list[tuple[ast.Call, PyModule]]] | None = None

    @property
    def options(self) -> dict[str, list[tuple[ast.Call, PyModule]]]:
        if self._options is None:
            self._options = {}
            for module in self.python_modules.values():
                if module.tree is None or not module.mentions("add_argument"):
                    continue
                adders = option_adders(module)
                for node in ast.walk(module.tree):
                    if node.__class__ is not ast.Call:
                        continue
                    func = node.func
                    if (func.__class__ is ast.Attribute and func.attr == "add_argument") or (
                        func.__class__ is ast.Name and func.id in adders
                    ):
                        dest = option_dest(node)
                        if dest:
                            self._options.setdefault(dest, []).append((node, module))
        return self._options

    def opt_in(self, module: PyModule, assign: ast.Assign) -> str | None:
        """The option (`--benchmark`) behind `if args.benchmark:` around `assign`, when every definition of that
        option leaves it off by default (`action="store_true"`, no default, `default=False` or 0) and nothing sets
        it on by `set_defaults`; else None."""
        test = enclosing_test(module, assign)
        if test is None or test.__class__ is not ast.Attribute:
            return None
        found = self.options.get(test.attr)
        if not found or not all(off_by_default(call) for call, _ in found):
            return None
        if any(sets_default(option_module, test.attr) for option_module in {id(m): m for _, m in found}.values()):
            return None
        flags = [a.value for a in found[0][0].args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return next((f for f in flags if f.startswith("--")), flags[0] if flags else test.attr)


def enclosing_test(module: PyModule, assign: ast.Assign) -> ast.expr | None:
    """The test of the innermost `if` whose body (not its `else`) holds `assign`."""
    tree = module.tree
    if tree is None:
        return None
    found = None
    for node in ast.walk(tree):
        if (
            node.__class__ is ast.If
            and (found is None or node.lineno > found.lineno)
            and any(assign is n for statement in node.body for n in ast.walk(statement))
        ):
            found = node
    return found.test if found is not None else None


def off_by_default(call: ast.Call) -> bool:
    """Is an option off unless given: `action="store_true"` (default False), or a value option whose default is
    absent (None) or a false literal (`default=False`, `default=0`)?"""
    action = keyword(call, "action")
    if action is not None and not (isinstance(action, ast.Constant) and action.value in ("store_true", "store")):
        return False  # `store_false` is on by default; an action class may be anything
    default = keyword(call, "default")
    return default is None or (isinstance(default, ast.Constant) and not default.value)


def sets_default(module: PyModule, dest: str) -> bool:
    """Does the module turn the option on through `parser.set_defaults(dest=...)`?"""
    return any(
        node.__class__ is ast.Call
        and node.func.__class__ is ast.Attribute
        and node.func.attr == "set_defaults"
        and keyword(node, dest) is not None
        for node in ast.walk(module.tree)
    )


def commands_passing(shell_commands, graph: CallGraph, path: str, flag: str) -> str | None:
    """Where a command of the repository (a shell script, a Makefile, CI, a README code block) runs the module at
    `path` with `flag` (`run-all.sh:65`), else None."""
    for sourced in shell_commands:
        argv = sourced.command.argv
        target = python_target(argv)
        if target is None:
            continue
        kind, name = target
        runs = (
            posixpath.normpath(name).lstrip("/") == path
            if kind == "script"
            else graph.module_path(name, sourced.path) == path
        )
        if runs and any(word == flag or word.startswith(flag + "=") for word in argv):
            return f"{sourced.path}:{sourced.line}"
    return None

"""RNG reachability through dispatch tables: calling an element of a table reaches what the table names."""

from __future__ import annotations

from textwrap import dedent

import pytest

from reprocheck.facts.reachability import Unit
from tests.checker.test_reachability_equivalence import graphs
from tests.checker.test_rng import notebook
from tests.conftest import findings

TASKS = """
import random

import numpy as np
import torch


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)


def train(args):
    {seed}
    return random.random() + float(np.random.rand())


def evaluate(args):
    return 0.0


def usage(args):
    return "usage: cli.py train|evaluate"


def prepare(args):
    {prepare}
"""

# Each shape is the dispatching part of src/tool/cli.py: the only way `train` (the random use) is reached.
SHAPES = {
    "subscript of a module table": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "subscript of a table inside main": """
        def main():
            commands = {"train": train, "evaluate": evaluate}
            commands[sys.argv[1]](sys.argv)
    """,
    "element bound to a local": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            handler = COMMANDS[sys.argv[1]]
            handler(sys.argv)
    """,
    "get with a default": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            COMMANDS.get(sys.argv[1], usage)(sys.argv)
    """,
    "annotated model registry": """
        MODELS: dict[str, Callable] = {"mlp": train, "cnn": evaluate}


        def main():
            cfg = sys.argv
            model = MODELS[cfg[1]](cfg)
            return model
    """,
    "list of steps": """
        STEPS = [prepare, train, evaluate]


        def main():
            for step in STEPS:
                step(sys.argv)
    """,
    "items of a table": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            for name, fn in sorted(COMMANDS.items()):
                print(name, fn(sys.argv))
    """,
    "enumerated pairs": """
        STEPS = (("evaluate", evaluate), ("train", train))


        def main():
            for i, (name, step) in enumerate(STEPS):
                print(i, name, step(sys.argv))
    """,
    "comprehension": """
        STEPS = [prepare, train]


        def main():
            return [step(sys.argv) for step in STEPS]
    """,
    "nested table": """
        STAGES = {"fit": {"train": train}, "test": {"evaluate": evaluate}}


        def main():
            STAGES[sys.argv[1]][sys.argv[2]](sys.argv)
    """,
    "lambda entries": """
        COMMANDS = {
            "train": lambda args: (prepare(args), train(args)),
            "evaluate": lambda args: evaluate(args),
        }


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table called in the main block": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            return None


        if __name__ == "__main__":
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table imported from a registry": """
        from tool.registry import COMMANDS


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table of an imported module": """
        from tool import registry


        def main():
            registry.COMMANDS.get(sys.argv[1])(sys.argv)
    """,
    "table re-exported by the package": """
        from tool import COMMANDS


        def main():
            run = COMMANDS.get(sys.argv[1], usage)
            run(sys.argv)
    """,
}

CLI_HEAD = """
import sys
from typing import Callable

from tool.tasks import evaluate, prepare, train, usage

"""
MAIN_GUARD = '\n\nif __name__ == "__main__":\n    main()\n'
REGISTRY = 'from tool.tasks import evaluate, train\n\nCOMMANDS = {"train": train, "evaluate": evaluate}\n'


def tool_project(dispatch: str, seed: str = "pass", prepare: str = "pass", **extra: str) -> dict[str, str]:
    cli = CLI_HEAD + dedent(dispatch).strip("\n") + "\n"
    if "__main__" not in cli:
        cli += MAIN_GUARD
    return {
        "src/tool/__init__.py": "from .registry import COMMANDS\n",
        "src/tool/registry.py": REGISTRY,
        "src/tool/tasks.py": TASKS.format(seed=seed, prepare=prepare),
        "src/tool/cli.py": cli,
        **extra,
    }


def rng(root) -> list[tuple[str, str]]:
    return sorted((f["code"], f["path"]) for f in findings(root, select="RNG"))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_random_use_reached_only_through_a_table_makes_rng001_fire(make_repo, shape):
    found = findings(make_repo(tool_project(SHAPES[shape])), select="RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RNG001", "src/tool/cli.py")]
    message = found[0]["message"]
    assert "numpy and random" in message
    assert (
        "random.random(...) at src/tool/tasks.py:14" in message
        and "np.random.rand(...) at src/tool/tasks.py:14" in message
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_seeding_reached_through_the_table_satisfies_rng001(make_repo, shape):
    assert rng(make_repo(tool_project(SHAPES[shape], seed="seed_all(0)"))) == []


def test_seeding_step_in_a_list_of_steps_covers_the_next_step(make_repo):
    assert rng(make_repo(tool_project(SHAPES["list of steps"], prepare="seed_all(0)"))) == []


def test_rng002_partial_seeding_through_a_table(make_repo):
    files = tool_project(SHAPES["element bound to a local"], seed="np.random.seed(0)\n    torch.randn(3)")
    found = findings(make_repo(files), select="RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RNG002", "src/tool/cli.py")]
    message = found[0]["message"]
    assert "leaves out random and torch" in message
    assert "random.seed(seed)" in message and "torch.manual_seed(seed)" in message
    assert "train() (src/tool/tasks.py:13)" in message  # where the existing seeding lives


LOOK_ALIKES = {
    "table only stored and listed": """
        COMMANDS = {"train": train, "evaluate": evaluate}


        def main():
            for name in COMMANDS:
                print(name)
            print(", ".join(sorted(COMMANDS)), len(COMMANDS.items()))
            return COMMANDS
    """,
    "table of strings": """
        from tool import tasks

        COMMANDS = {"train": "train", "evaluate": "evaluate"}


        def main():
            getattr(tasks, COMMANDS[sys.argv[1]])(sys.argv)
    """,
    "table filled at run time": """
        from tool import tasks

        COMMANDS: dict[str, Callable] = {}
        for _name in ("train", "evaluate"):
            COMMANDS[_name] = getattr(tasks, _name)


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table built by a comprehension": """
        from tool import tasks

        COMMANDS = {name: getattr(tasks, name) for name in ("train", "evaluate")}


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table literal replaced by a dynamic one": """
        from tool import tasks

        COMMANDS = {"train": train}
        COMMANDS = dict(tasks.load_plugins())


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "table of dynamic lookups": """
        from tool import tasks

        COMMANDS = {"train": getattr(tasks, "train"), "evaluate": getattr(tasks, "evaluate")}


        def main():
            COMMANDS[sys.argv[1]](sys.argv)
    """,
    "loop over a table whose variable is not called": """
        STEPS = [prepare, train]


        def main():
            for step in STEPS:
                print(step.__name__)
    """,
}


@pytest.mark.parametrize("shape", sorted(LOOK_ALIKES))
def test_tables_that_are_not_called_or_not_literals_are_not_followed(make_repo, shape):
    files = tool_project(LOOK_ALIKES[shape])
    files["src/tool/__init__.py"] = ""  # no re-export: the registry module is not imported by the tool
    assert rng(make_repo(files)) == []


def test_decorator_registry_of_the_tables_module_is_followed(make_repo):
    registry = """
        import torch

        MODELS = {}


        def register(name):
            def wrap(fn):
                MODELS[name] = fn
                return fn

            return wrap


        @register("mlp")
        def build_mlp(cfg):
            return torch.randn(3)
    """
    cli = """
        import sys

        from models import MODELS

        if __name__ == "__main__":
            MODELS[sys.argv[1]](sys.argv)
    """
    # filled by a decorator of the table's own module: the decorated functions are its elements
    assert rng(make_repo({"models.py": registry, "cli.py": cli})) == [("RNG001", "cli.py")]
    # decorated in another module: registered at that module's import, which the table's module does not see
    elsewhere = registry.split("        @register")[0]
    mlp = '        import torch\n\n        from models import register\n\n\n        @register("mlp")\n'
    mlp += "        def build_mlp(cfg):\n            return torch.randn(3)\n"
    assert rng(make_repo({"models.py": elsewhere, "mlp.py": mlp, "cli.py": cli})) == []


def test_rng005_global_numpy_op_reached_through_a_seeding_entry_point(make_repo):
    data = "import numpy as np\n\n\ndef shuffle_rows(rows):\n    return np.random.permutation(rows)\n"
    cli = """
        import numpy as np

        from data import shuffle_rows

        STEPS = [shuffle_rows]
        LISTED = [shuffle_rows]


        def main():
            np.random.seed(0)
            for step in STEPS:
                step([1, 2, 3])
            print(LISTED)


        if __name__ == "__main__":
            main()
    """
    assert rng(make_repo({"data.py": data, "cli.py": cli})) == []
    listed_only = cli.replace("for step in STEPS:\n                step([1, 2, 3])", "pass")
    # only listed, never called: the entry point runs data.py but not this draw (nothing runs it: no finding);
    # a second, unseeded entry point that calls it makes it RNG001's
    assert rng(make_repo({"data.py": data, "cli.py": listed_only})) == []
    caller = "from data import shuffle_rows\n\nif __name__ == '__main__':\n    shuffle_rows([1, 2])\n"
    assert rng(make_repo({"data.py": data, "cli.py": listed_only, "other.py": caller})) == [("RNG001", "other.py")]


def test_notebook_cell_calling_an_imported_table(make_repo):
    files = tool_project(SHAPES["subscript of a module table"], seed="seed_all(0)")
    files["src/tool/tasks.py"] = TASKS.format(seed="pass", prepare="pass")
    files["notebooks/run.ipynb"] = notebook(["from tool.registry import COMMANDS\n"], ['COMMANDS["train"]([])\n'])
    del files["src/tool/cli.py"]
    found = findings(make_repo(files), select="RNG")
    assert [(f["code"], f["path"], f["cell"]) for f in found] == [("RNG001", "notebooks/run.ipynb", 2)]
    assert "random.random(...) at src/tool/tasks.py:14" in found[0]["message"]


def test_tables_importing_each_other_do_not_recurse(make_repo):
    files = {
        "a.py": "from b import TABLE\n",
        "b.py": "from a import TABLE\n",
        "cli.py": "import random\n\nfrom a import TABLE\n\nif __name__ == '__main__':\n    TABLE[0](random.random())\n",
    }
    assert rng(make_repo(files)) == [("RNG001", "cli.py")]


def test_a_parameter_or_loop_variable_is_not_the_module_table(make_repo):
    root = make_repo(
        {
            "cli.py": """
            import random


            def noisy():
                return random.random()


            TABLE = [noisy]


            def by_parameter(TABLE):
                return TABLE[0]()


            def by_loop(tables):
                for TABLE in tables:
                    TABLE[0]()


            def by_module():
                return TABLE[0]()
            """
        }
    )
    graph, _plain, _store = graphs(root)
    noisy = Unit("cli.py", "function", "noisy")
    assert graph.dispatch_targets(Unit("cli.py", "function", "by_parameter")) == []
    assert graph.dispatch_targets(Unit("cli.py", "function", "by_loop")) == []
    assert graph.dispatch_targets(Unit("cli.py", "function", "by_module")) == [noisy]
    assert graph.dispatch_targets(Unit("cli.py", "body")) == []  # storing a function does not run it

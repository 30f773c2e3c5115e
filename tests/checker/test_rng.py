"""RNG rules: entry-point seeding through the project's call graph, seeds, and stochastic APIs."""

from __future__ import annotations

import json

import pytest

from tests.conftest import findings


def rng(root, select="RNG") -> list[tuple[str, str, int | None]]:
    return sorted((f["code"], f["path"], f["line"]) for f in findings(root, select=select))


def messages(root, code) -> list[str]:
    return [f["message"] for f in findings(root, select=code)]


SEED_HELPER = """
import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
"""

MODEL = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(8, 1)

    def forward(self, x):
        return self.layer(x)
"""

TRAIN = """
import torch

from pkg.models import Net
{import_line}


def main() -> None:
    {seed_line}
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):
        loss = model(torch.randn(4, 8)).sum()
        loss.backward()
        optimizer.step()
"""

PYPROJECT = """
[project]
name = "pkg"
version = "0.1.0"

[project.scripts]
train = "pkg.train:main"
"""


def training_project(import_line: str, seed_line: str, **extra: str) -> dict[str, str]:
    return {
        "pyproject.toml": PYPROJECT,
        "src/pkg/__init__.py": "",
        "src/pkg/utils/__init__.py": "",
        "src/pkg/utils/seed.py": SEED_HELPER,
        "src/pkg/models.py": MODEL,
        "src/pkg/train.py": TRAIN.format(import_line=import_line, seed_line=seed_line),
        **extra,
    }


# -- RNG001 ---------------------------------------------------------------------------------------
def test_rng001_main_block_script_without_seed(make_repo):
    root = make_repo(
        {
            "evaluate.py": """
            import random

            import numpy as np


            def run() -> float:
                return float(np.random.rand(10).mean()) + random.random()


            if __name__ == "__main__":
                print(run())
            """
        }
    )
    found = findings(root, select="RNG")
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("RNG001", "evaluate.py", 10)]
    message = found[0]["message"]
    assert "numpy and random" in message and "np.random.rand(...) at evaluate.py:7" in message
    assert "np.random.seed(seed)" in message and "random.seed(seed)" in message


def test_rng001_project_script_training_a_model_without_seed(make_repo):
    root = make_repo(training_project("", "pass"))
    found = findings(root, select="RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RNG001", "src/pkg/train.py")]
    assert found[0]["line"] == 7  # def main()
    assert "[project.scripts] train = pkg.train:main" in found[0]["message"]
    assert "torch" in found[0]["message"]


def test_seed_helper_in_another_module_satisfies_rng001_and_rng002(make_repo):
    absolute = make_repo(training_project("from pkg.utils.seed import seed_everything", "seed_everything(0)"))
    assert rng(absolute) == []
    relative = make_repo(training_project("from .utils.seed import seed_everything", "seed_everything(0)"))
    assert rng(relative) == []
    module_attr = make_repo(training_project("from pkg.utils import seed", "seed.seed_everything(0)"))
    assert rng(module_attr) == []


def test_seed_helper_reexported_from_package_init(make_repo):
    files = training_project("from pkg.utils import seed_everything", "seed_everything(0)")
    files["src/pkg/utils/__init__.py"] = "from .seed import seed_everything\n\n__all__ = ['seed_everything']\n"
    assert rng(make_repo(files)) == []


def test_seeding_in_a_method_reached_through_a_project_class(make_repo):
    root = make_repo(
        {
            "train.py": """
            import numpy as np

            from experiment import Experiment

            if __name__ == "__main__":
                Experiment(seed=1).run()
            """,
            "experiment.py": """
            import numpy as np


            class Base:
                def __init__(self, seed):
                    self.setup(seed)

                def setup(self, seed):
                    np.random.seed(seed)


            class Experiment(Base):
                def run(self):
                    return np.random.normal(size=3)
            """,
        }
    )
    assert rng(root) == []


def test_only_imported_module_and_tests_are_not_entry_points(make_repo):
    root = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/augment.py": """
            import random


            def jitter(x):
                return x + random.random()
            """,
            "tests/test_augment.py": """
            import random

            from pkg.augment import jitter


            def test_jitter():
                assert jitter(random.random()) is not None


            if __name__ == "__main__":
                test_jitter()
            """,
            "conftest.py": "import random\nrandom.random()\n",
        }
    )
    assert rng(root) == []


def test_inference_script_that_only_loads_weights_does_not_fire(make_repo):
    root = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/models.py": MODEL,
            "predict.py": """
            import torch

            from pkg.models import Net

            if __name__ == "__main__":
                model = Net()
                model.load_state_dict(torch.load("model.pt"))
                model.eval()
                print(model(torch.zeros(1, 8)))
            """,
        }
    )
    assert rng(root) == []


def test_seeded_generator_passed_around_does_not_fire(make_repo):
    root = make_repo(
        {
            "simulate.py": """
            import numpy as np


            def step(rng: np.random.Generator) -> float:
                return float(rng.normal())


            def main(cfg):
                rng = np.random.default_rng(cfg.seed)
                return [step(rng) for _ in range(10)]


            if __name__ == "__main__":
                main(None)
            """
        }
    )
    assert rng(root) == []


def test_hydra_main_function_is_an_entry_point(make_repo):
    code = """
    import hydra
    import torch


    @hydra.main(version_base=None, config_path="conf", config_name="config")
    def train(cfg):
        {seed}
        return torch.randperm(10)
    """
    bad = make_repo({"train.py": code.replace("{seed}", "pass")})
    assert rng(bad) == [("RNG001", "train.py", 6)]
    assert "@hydra.main function train()" in messages(bad, "RNG001")[0]
    good = make_repo({"train.py": code.replace("{seed}", "torch.manual_seed(cfg.seed)")})
    assert rng(good) == []


def test_typer_command_functions_are_followed(make_repo):
    root = make_repo(
        {
            "cli.py": """
            import random

            import typer

            app = typer.Typer()


            @app.command()
            def train():
                print(random.random())


            if __name__ == "__main__":
                app()
            """
        }
    )
    assert rng(root) == [("RNG001", "cli.py", 13)]


def test_dvc_stage_command_and_top_level_scripts(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            stages:
              prepare:
                cmd: python src/prepare.py --out data/split
                deps: [src/prepare.py]
            """,
            "src/prepare.py": """
            import numpy as np

            idx = np.random.permutation(100)
            np.save("split.npy", idx)
            """,
            "scripts/plot.py": "import random\nprint(random.random())\n",
            "scripts/helpers.py": "import random\nprint(random.random())\n",
            "scripts/report.py": "import helpers\n",
            "src/lib.py": "import random\nprint(random.random())\n",
        }
    )
    found = findings(root, select="RNG001")
    by_path = {f["path"]: f["message"] for f in found}
    # prepare.py runs from dvc.yaml; plot.py is a top-level script; helpers.py is imported by report.py;
    # src/lib.py is neither in the root nor in scripts/ and nothing runs it.
    assert sorted(by_path) == ["scripts/plot.py", "src/prepare.py"]
    assert "DVC stage prepare" in by_path["src/prepare.py"]


def test_entrypoints_setting_and_third_party_seed_functions(make_repo):
    jobs = {
        "jobs/sweep.py": "import random\n\ndef run():\n    return random.random()\n\nrun()\n",
        "jobs/seeded.py": "import random\nfrom mylab.seeding import fix_all\n\nfix_all(1)\nprint(random.random())\n",
    }
    settings = '[tool.reprocheck]\nentrypoints = ["jobs/*.py"]\nseed-functions = ["mylab.seeding.fix_all"]\n'
    assert rng(make_repo({"pyproject.toml": settings, **jobs})) == [("RNG001", "jobs/sweep.py", 1)]
    only_globs = '[tool.reprocheck]\nentrypoints = ["jobs/*.py"]\n'
    assert [p for _, p, _ in rng(make_repo({"pyproject.toml": only_globs, **jobs}))] == [
        "jobs/seeded.py",
        "jobs/sweep.py",
    ]
    assert rng(make_repo(jobs)) == []  # jobs/ is not a script folder: nothing says these files are run


def test_unknown_third_party_seed_helper_is_not_second_guessed(make_repo):
    root = make_repo(
        {
            "train.py": """
            import numpy as np
            from common.utils import set_global_seed

            if __name__ == "__main__":
                set_global_seed(0)
                print(np.random.rand())
            """
        }
    )
    assert rng(root) == []


def test_sklearn_alone_does_not_make_rng001_fire(make_repo):
    root = make_repo(
        {
            "fit.py": """
            from sklearn.ensemble import RandomForestClassifier

            if __name__ == "__main__":
                RandomForestClassifier(random_state=0).fit([[0]], [0])
            """
        }
    )
    assert rng(root) == []


def notebook(*sources: list[str]) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Explore\n"]}]
    for source in sources:
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source})
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_notebook_cells_are_entry_points_with_cell_locations(make_repo):
    text = notebook(["%matplotlib inline\n", "import numpy as np\n"], ["x = 1\n", "y = np.random.rand(3)\n"])
    root = make_repo({"notebooks/explore.ipynb": text})
    found = findings(root, select="RNG")
    assert [(f["code"], f["cell"], f["line"]) for f in found] == [("RNG001", 3, 2)]
    assert "np.random.rand(3)" in text.splitlines()[found[0]["json_line"] - 1]
    seeded = make_repo({"nb.ipynb": notebook(["import numpy as np\n", "np.random.seed(0)\n"], ["np.random.rand(3)\n"])})
    assert rng(seeded) == []


def test_broken_entry_point_is_rpc002_not_a_crash(make_repo):
    root = make_repo({"train.py": "if __name__ == '__main__':\n    print(\n", "ok.py": "x = 1\n"})
    found = findings(root, select="RPC002,RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RPC002", "train.py")]


# -- RNG002 ---------------------------------------------------------------------------------------
def test_rng002_partial_seeding_names_the_missing_library_and_the_helper(make_repo):
    files = training_project("from pkg.utils.seed import seed_everything", "seed_everything(0)")
    files["src/pkg/utils/seed.py"] = "import numpy as np\n\n\ndef seed_everything(seed):\n    np.random.seed(seed)\n"
    root = make_repo(files)
    found = findings(root, select="RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RNG002", "src/pkg/train.py")]
    message = found[0]["message"]
    assert "leaves out torch" in message and "torch.manual_seed(seed)" in message
    assert "seed_everything() (src/pkg/utils/seed.py:5)" in message


def test_rng002_generator_without_seed_beside_global_seeding(make_repo):
    root = make_repo(
        {
            "run.py": """
            import numpy as np

            if __name__ == "__main__":
                np.random.seed(0)
                rng = np.random.default_rng()
                print(rng.normal(), np.random.rand())
            """
        }
    )
    found = findings(root, select="RNG")
    assert [f["code"] for f in found] == ["RNG002"]
    assert "np.random.default_rng(...) at run.py:5" in found[0]["message"]


@pytest.mark.parametrize(
    "seeding",
    [
        "import lightning as L\nL.seed_everything(0)",
        "from pytorch_lightning import seed_everything\nseed_everything(0, workers=True)",
        "from transformers import set_seed\nset_seed(0)",
        "from accelerate.utils import set_seed\nset_seed(0)",
    ],
)
def test_framework_seeders_cover_random_numpy_and_torch(make_repo, seeding):
    draws = "print(random.random(), np.random.rand(), torch.rand(1))"
    code = f"import random\nimport numpy as np\nimport torch\n{seeding}\n{draws}\n"
    root = make_repo({"scripts/train.py": code})
    assert rng(root) == []


def test_rng002_keras_seed_does_not_cover_torch(make_repo):
    code = "import keras\nimport torch\nkeras.utils.set_random_seed(1)\nprint(torch.rand(1))\n"
    root = make_repo({"train.py": code})
    assert [f["code"] for f in findings(root, select="RNG")] == ["RNG002"]


# -- RNG003 ---------------------------------------------------------------------------------------
def test_rng003_nondeterministic_seeds(make_repo):
    root = make_repo(
        {
            "src/seeding.py": """
            import os
            import random
            import secrets
            import time
            from datetime import datetime

            import numpy as np
            import torch
            from sklearn.ensemble import RandomForestClassifier

            SEED = int(time.time())


            def seed_all(cfg):
                torch.manual_seed(int(time.time()))
                np.random.seed(SEED)
                random.seed()
                random.seed(None)
                rng = np.random.default_rng(secrets.randbits(64))
                RandomForestClassifier(random_state=random.randint(0, 100))
                torch.manual_seed(os.getpid() + int(datetime.now().timestamp()))
                torch.seed()
            """,
        }
    )
    found = findings(root, select="RNG003")
    # the seeders of one function fed from the same source are one finding (one fix), the others related
    assert [f["line"] for f in found] == [15, 17, 18, 19, 20, 21, 22]
    assert [r["line"] for r in found[0]["related"]] == [16]
    assert found[0]["message"].startswith(
        "the seeds passed to torch.manual_seed() and np.random.seed() come from time.time()"
    )
    text = "\n".join(f["message"] for f in found)
    assert "time.time()" in text and "secrets.randbits()" in text and "random.randint()" in text
    assert "os.getpid()" in text and "None passed to random.seed()" in text


def test_rng003_a_private_generator_that_only_makes_names_may_use_the_clock(make_repo):
    """`random.Random(time.time())` kept in a local name whose every use draws characters or shuffles them builds a
    run folder's random suffix: it touches no other generator and no result. Look-alikes stay reported: the same
    generator drawing numbers, handed on, or a global seeder fed the clock."""
    name_maker = """
    import random
    import string
    import time


    def random_string(letter_count=4, digit_count=4):
        tmp_random = random.Random(time.time())
        rand_str = "".join(tmp_random.choice(string.ascii_lowercase) for _ in range(letter_count))
        rand_str += "".join(tmp_random.choices("0123456789", k=digit_count))
        rand_str = list(rand_str)
        tmp_random.shuffle(rand_str)
        return "".join(rand_str)
    """
    assert findings(make_repo({"solo/utils/checkpointer.py": name_maker}), select="RNG003") == []
    look_alikes = {
        "numbers.py": name_maker.replace("tmp_random.choice(string.ascii_lowercase)", "str(tmp_random.random())"),
        "handed.py": name_maker.replace('return "".join(rand_str)', "return tmp_random"),
        "global.py": name_maker.replace(
            "tmp_random = random.Random(time.time())", "random.seed(time.time())\n        tmp_random = random"
        ),
    }
    for name, text in look_alikes.items():
        assert len(findings(make_repo({f"solo/utils/{name}": text}), select="RNG003")) == 1, name


def test_rng003_fixed_seeds_do_not_fire(make_repo):
    root = make_repo(
        {
            "src/seeding.py": """
            import random

            import numpy as np
            import torch

            SEED = 42


            def seed_all(cfg, seed: int = 0):
                torch.manual_seed(cfg.seed)
                np.random.seed(SEED)
                random.seed(seed)
                rng = np.random.default_rng(cfg.seed)
                generator = torch.Generator().manual_seed(1234)
            """,
        }
    )
    assert findings(root, select="RNG003") == []


def test_rng003_parameter_default_drawn_from_the_global_generator(make_repo):
    """`if random_state is None: random_state = np.random.choice(np.random.get_state()[1])` (or randint): the
    scikit-learn-style fallback follows the caller's seed of NumPy, and a caller can pass its own. A parameter
    redrawn outside its default branch, from the clock, or a local that is no parameter stays reported."""
    root = make_repo(
        {
            "lib/cv.py": """
            import random
            import time

            import numpy as np
            from sklearn.model_selection import KFold, ShuffleSplit


            def check_cv(cv=None, random_state=None):
                if random_state is None:
                    random_seeds = np.random.get_state()[1]
                    random_state = np.random.choice(random_seeds)
                if cv is None:
                    return KFold(n_splits=5, shuffle=True, random_state=random_state)
                return ShuffleSplit(n_splits=1, random_state=random_state)


            def with_randint(seed=None):
                if seed is None:
                    seed = random.randint(0, 2**31)
                random.seed(seed)


            def always_redrawn(random_state=None):
                random_state = np.random.randint(1000)
                return KFold(5, shuffle=True, random_state=random_state)


            def from_the_clock(random_state=None):
                if random_state is None:
                    random_state = int(time.time())
                return KFold(5, shuffle=True, random_state=random_state)


            def local_draw():
                state = np.random.randint(1000)
                return KFold(5, shuffle=True, random_state=state)
            """,
        }
    )
    assert sorted(f["line"] for f in findings(root, select="RNG003")) == [25, 31, 36]


# -- RNG004 ---------------------------------------------------------------------------------------
def test_rng004_sklearn_without_random_state(make_repo):
    root = make_repo(
        {
            "src/model.py": """
            from sklearn.ensemble import RandomForestClassifier as RF
            from sklearn.linear_model import LogisticRegression
            from sklearn import model_selection
            from sklearn.datasets import make_classification
            from sklearn.cluster import KMeans


            def fit(X, y, cfg, params):
                X_train, X_test, y_train, y_test = model_selection.train_test_split(X, y)
                model_selection.train_test_split(X, y, shuffle=False)
                model_selection.train_test_split(X, y, random_state=cfg.seed)
                model_selection.KFold(5)
                model_selection.KFold(5, shuffle=True)
                RF(n_estimators=10, random_state=None)
                RF(**params)
                LogisticRegression()
                LogisticRegression(solver="saga")
                make_classification(n_samples=10)
                KMeans(n_clusters=3, random_state=cfg.seed)
            """,
            "src/local.py": "def train_test_split(x):\n    return x\n\ntrain_test_split([1])\n",
        }
    )
    found = findings(root, select="RNG004")
    assert [(f["path"], f["line"]) for f in found] == [("src/model.py", n) for n in (9, 13, 14, 17, 18)]
    assert "model_selection.train_test_split(...) without random_state" in found[0]["message"]
    assert "(random_state=None)" in found[2]["message"]


def test_rng004_in_a_loop_advises_one_generator_made_before_it(make_repo):
    """`random_state=42` on a call that runs once per pass would repeat the same permutation every epoch: the
    advice there is one generator made before the loop. Calls outside loops keep the plain advice."""
    root = make_repo(
        {
            "train.py": """
            from sklearn.utils import shuffle
            from sklearn.model_selection import train_test_split


            def train(X, Y, epochs):
                X_train, X_test, Y_train, Y_test = train_test_split(X, Y)
                for epoch in range(epochs):
                    X_train, Y_train = shuffle(X_train, Y_train)
                    step(X_train, Y_train)
                while True:
                    if done():
                        X_test, Y_test = shuffle(X_test, Y_test)
                        break


            def step(X, Y):
                return X, Y


            def done():
                return True


            if __name__ == "__main__":
                train([1, 2], [3, 4], 3)
            """,
        }
    )
    found = {f["line"]: f["message"] for f in findings(root, select="RNG004")}
    assert sorted(found) == [6, 8, 12]
    assert found[6].endswith("pass random_state=<seed> (e.g. random_state=cfg.seed)")
    for line in (8, 12):
        assert "pass random_state=rng, one np.random.RandomState(<seed>) made before the loop" in found[line]
        assert "repeat the same draw on every pass" in found[line]


def test_rng004_calls_nested_on_one_line_are_one_finding(make_repo):
    root = make_repo(
        {
            "search.py": """
            from sklearn.ensemble import GradientBoostingClassifier
            from sklearn.model_selection import RandomizedSearchCV

            search = RandomizedSearchCV(GradientBoostingClassifier(), {"max_depth": [2, 3]})
            other = GradientBoostingClassifier()
            search.fit([[0], [1]], [0, 1])
            other.fit([[0], [1]], [0, 1])
            """,
        }
    )
    found = findings(root, select="RNG004")
    assert [f["line"] for f in found] == [4, 5]
    assert found[0]["message"].startswith("RandomizedSearchCV(...) without random_state")
    assert found[0]["message"].endswith("(also GradientBoostingClassifier() on this line)")
    assert "also" not in found[1]["message"]


def test_rng004_calls_in_one_statement_over_several_lines_are_one_finding(make_repo):
    """The judged shape: a list of estimators to compare, written over several lines, two of them random forests
    without random_state: one edit of the statement, one finding, the other call related. Look-alikes: the same
    estimators in two statements, and in two branches of an `if`, stay two findings."""
    root = make_repo(
        {
            "compare.py": """
            from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

            models = [
                RandomForestClassifier(n_estimators=100,
                                       criterion="gini"),
                RandomForestClassifier(n_estimators=100,
                                       criterion="entropy"),
                ExtraTreesClassifier(n_estimators=100, random_state=0),
            ]
            first = RandomForestClassifier()
            second = ExtraTreesClassifier()
            if models:
                third = RandomForestClassifier()
            else:
                third = ExtraTreesClassifier()
            for model in [*models, first, second, third]:
                model.fit([[0], [1]], [0, 1])
            """,
        }
    )
    found = findings(root, select="RNG004")
    assert [f["line"] for f in found] == [4, 10, 11, 13, 15]
    assert found[0]["message"].endswith("(also RandomForestClassifier(...) in this statement, line 6)")
    assert [r["line"] for r in found[0]["related"]] == [6]
    assert all("also" not in f["message"] for f in found[1:])


def test_rng004_after_numpy_is_seeded_is_info(make_repo):
    """Without random_state scikit-learn draws from NumPy's global generator: an entry point that seeds NumPy
    first repeats its runs (info); one that does not, or library code no entry point reaches, stays a warning."""
    root = make_repo(
        {
            "train.py": """
            import numpy as np
            from sklearn.model_selection import train_test_split

            if __name__ == "__main__":
                np.random.seed(40)
                rows = np.random.permutation([1, 2, 3, 4])
                train, test = train_test_split(rows)
                print(train, test)
            """,
            "evaluate.py": """
            from sklearn.model_selection import train_test_split

            from lib import split

            if __name__ == "__main__":
                print(train_test_split([1, 2, 3, 4]), split([1, 2]))
            """,
            "lib.py": """
            from sklearn.model_selection import train_test_split


            def split(rows):
                return train_test_split(rows)


            def unused(rows):
                return train_test_split(rows)
            """,
            "prepare.py": """
            import numpy as np

            from lib import split

            if __name__ == "__main__":
                np.random.seed(0)
                print(split([1, 2]))
            """,
        }
    )
    found = {(f["path"], f["line"]): f for f in findings(root, select="RNG004")}
    assert found[("train.py", 7)]["severity"] == "info"
    assert "seeded runs repeat" in found[("train.py", 7)]["message"]
    assert found[("evaluate.py", 6)]["severity"] == "warning"  # nothing seeds NumPy there
    assert found[("lib.py", 5)]["severity"] == "warning"  # evaluate.py reaches it unseeded
    assert found[("lib.py", 9)]["severity"] == "warning"  # no entry point reaches it: library code


def test_rng004_numpy_seeded_earlier_in_the_same_module_is_info(make_repo):
    """A script (no entry point of its own, e.g. a gallery example) or a function that seeds NumPy before the
    scikit-learn call: info for calls, make_* generators and estimators alike. A seed after the call, a seed of
    another library or `np.random.seed()` without a value leaves the warning."""
    root = make_repo(
        {
            "examples/plot_split.py": """
            import numpy as np
            from sklearn.datasets import make_blobs
            from sklearn.model_selection import KFold, train_test_split
            from sklearn.ensemble import RandomForestRegressor

            before = train_test_split([1, 2, 3, 4])
            np.random.seed(42)
            X, y = make_blobs(n_samples=10)
            train, test = train_test_split(X, y)
            folds = KFold(5, shuffle=True)
            model = RandomForestRegressor()
            scores = [model.fit(X[a], y[a]).score(X[b], y[b]) for a, b in folds.split(X)]
            """,
            "src/fit.py": """
            import random

            import numpy as np
            from sklearn.model_selection import train_test_split


            def seeded(rows):
                np.random.seed(0)
                return train_test_split(np.random.permutation(rows))


            def other_library(rows):
                random.seed(0)
                return train_test_split(rows)


            def reseeded_from_os(rows):
                np.random.seed()
                return train_test_split(rows)
            """,
            "src/module_level.py": """
            import numpy as np
            from sklearn.model_selection import train_test_split

            np.random.seed(7)


            def split(rows):
                return train_test_split(rows)
            """,
        }
    )
    found = {(f["path"], f["line"]): f["message"] for f in findings(root, select="RNG004")}
    seeded = "seeded runs repeat"
    assert seeded not in found[("examples/plot_split.py", 6)]  # before the seed
    assert ("examples/plot_split.py", 8) not in found  # right after the seed: random_state would change nothing
    for line in (9, 10, 11):  # after make_blobs drew
        assert seeded in found[("examples/plot_split.py", line)]
    assert seeded in found[("src/fit.py", 9)]
    assert seeded not in found[("src/fit.py", 14)]
    assert seeded not in found[("src/fit.py", 19)]
    assert seeded in found[("src/module_level.py", 8)]


# -- RNG005 ---------------------------------------------------------------------------------------
def test_rng005_random_data_operations(make_repo):
    root = make_repo(
        {
            "src/data.py": """
            import numpy as np
            import pandas as pd
            import tensorflow as tf
            import torch
            from torch.utils.data import random_split


            def split(ds, df: pd.DataFrame, dist):
                train, val = random_split(ds, [0.8, 0.2])
                random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
                df.sample(frac=1.0)
                df.sample(frac=1.0, random_state=0)
                dist.sample()
                tf.data.Dataset.range(10).shuffle(100)
                tf.data.Dataset.range(10).shuffle(100, seed=1)
                order = np.random.permutation(10)
                return train, val, order
            """,
            "src/pipeline.py": "from data import split\n",
        }
    )
    found = findings(root, select="RNG005")
    assert [f["line"] for f in found] == [9, 11, 14, 16]
    # a module that nothing imports (dead code, a leftover copy) makes no draw any run sees
    (root / "src" / "pipeline.py").unlink()
    found = findings(root, select="RNG005")
    assert [f["line"] for f in found] == [9, 11, 14]


def test_rng005_numpy_global_in_a_module_seeded_by_its_entry_point(make_repo):
    root = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/data.py": "import numpy as np\n\n\ndef order(n):\n    return np.random.permutation(n)\n",
            "src/pkg/seeded.py": "import numpy as np\n\nnp.random.seed(0)\nnp.random.shuffle([1, 2])\n",
            "run.py": "import numpy as np\nfrom pkg.data import order\n\nnp.random.seed(0)\nprint(order(3))\n",
        }
    )
    assert findings(root, select="RNG005") == []


# -- RNG006 ---------------------------------------------------------------------------------------
LOADERS = """
import torch
from torch.utils.data import DataLoader

WORKERS = 2


def make(ds, cfg, num_workers: int = 4, g=None):
    DataLoader(ds, batch_size=8, shuffle=True)
    DataLoader(ds, batch_size=8, shuffle=True, generator=g)
    DataLoader(ds, num_workers=num_workers)
    DataLoader(ds, num_workers=WORKERS, worker_init_fn=print)
    DataLoader(ds, num_workers=cfg.workers)
    DataLoader(ds, 8, False, None, None, 4)
    DataLoader(ds, shuffle=False, num_workers=0)
    torch.utils.data.DataLoader(ds, shuffle=True, num_workers=WORKERS)
"""


@pytest.mark.parametrize("declared", ["torch==1.8.1\n", "torch>=1.6,<1.9\n", "torch~=1.7.0\n"])
def test_rng006_workers_without_init_fn_with_a_torch_older_than_1_9(make_repo, declared):
    root = make_repo({"src/loaders.py": LOADERS, "requirements.txt": declared})
    found = findings(root, select="RNG006")
    assert [(f["line"], f["severity"]) for f in found] == [
        (8, "info"),
        (10, "warning"),
        (13, "warning"),
        (15, "warning"),
    ]
    assert "num_workers=4 without worker_init_fn= with torch < 1.9" in found[1]["message"]
    assert "shuffle=True" in found[3]["message"] and "num_workers=2" in found[3]["message"]


@pytest.mark.parametrize("declared", ["torch==2.3.1\n", "torch>=1.8\n", "torch\n", "numpy==1.26.4\n"])
def test_rng006_since_torch_1_9_workers_are_seeded_and_shuffling_is_info(make_repo, declared):
    """torch 1.9 seeds random, NumPy and torch in each worker from the loader's base seed; a shuffling loader
    without its own generator still follows every earlier draw of the global generator (info)."""
    root = make_repo({"src/loaders.py": LOADERS, "requirements.txt": declared})
    found = findings(root, select="RNG006")
    assert [(f["line"], f["severity"]) for f in found] == [(8, "info"), (15, "info")]
    assert "the order follows every earlier draw of torch's global generator" in found[0]["message"]
    assert "num_workers" not in found[1]["message"]


PRINTED_DRAWS = """
import random
import numpy as np
import torch

def report(correct, logger):
    for i in range(3):
        sequence, truth = correct[random.randrange(0, 10)]
        print(f"{sequence} -> {truth}")
    print("one example:", random.choice(correct))
    logger.info("another: %s", correct[random.randint(0, 9)])
    n = sum(1 for _, truth in correct if truth == 2)
    for sequence, truth in correct:
        print(sequence, truth)
    return n

def choose(xs):
    pick = random.choice(xs)
    print(pick)
    return pick

def train(data):
    x = torch.randn(3)
    idx = random.randrange(10)
    print(idx)
    return x[idx], data

if __name__ == "__main__":
    np.random.seed(0)
    torch.manual_seed(0)
    report([(1, 2)] * 10, None)
    CALL_TRAIN
"""


def test_rng002_draws_that_only_pick_what_to_print_change_no_result(make_repo):
    root = make_repo({"main.py": PRINTED_DRAWS.replace("CALL_TRAIN", "pass")})
    assert findings(root, select="RNG002") == []
    # look-alikes: a draw whose value is printed and also used reaches a result
    root = make_repo({"main.py": PRINTED_DRAWS.replace("CALL_TRAIN", "train(None)")})
    (found,) = findings(root, select="RNG002")
    assert "leaves out random (random.randrange(...) at main.py:23)" in found["message"]
    root = make_repo({"main.py": PRINTED_DRAWS.replace("CALL_TRAIN", "choose([1, 2])")})
    (found,) = findings(root, select="RNG002")
    assert "leaves out random (random.choice(...) at main.py:17)" in found["message"]


EVALUATION_LOADERS = """
import torch
from torch.utils.data import DataLoader

def loaders(train_data, valid_data, test_data, ds):
    train_loader = DataLoader(dataset=train_data, batch_size=8, shuffle=True)
    valid_loader = DataLoader(dataset=valid_data, batch_size=8, shuffle=True)
    testloader = DataLoader(test_data, batch_size=8, shuffle=True)
    loader = DataLoader(test_data, batch_size=8, shuffle=True)
    trainval_loader = DataLoader(ds, shuffle=True)
    other = DataLoader(ds, shuffle=True)
    return train_loader, valid_loader, testloader, loader, trainval_loader, other

class Data:
    def val_dataloader(self):
        return DataLoader(self.ds, shuffle=True)

    def train_dataloader(self):
        return DataLoader(self.ds, shuffle=True)

if __name__ == "__main__":
    torch.manual_seed(0)
    loaders(1, 2, 3, 4)
    Data().val_dataloader()
    Data().train_dataloader()
"""


def test_rng006_validation_and_test_loaders_shuffle_without_bearing_on_results(make_repo):
    root = make_repo({"train.py": EVALUATION_LOADERS, "requirements.txt": "torch==2.3.1\n"})
    found = findings(root, select="RNG006")
    # train_loader, trainval_loader, other (unknown), train_dataloader(); not the validation and test loaders
    assert [f["line"] for f in found] == [5, 9, 10, 18]


# -- RNG007 ---------------------------------------------------------------------------------------
def test_rng007_cudnn_benchmark_and_cublas(make_repo):
    code = """
    import torch
    from torch.backends import cudnn

    cudnn.benchmark = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)
    torch.use_deterministic_algorithms(False)
    """
    root = make_repo({"src/setup_gpu.py": code})
    assert [f["line"] for f in findings(root, select="RNG007")] == [4, 6]
    configured = make_repo({"src/setup_gpu.py": code, "Dockerfile": "FROM x\nENV CUBLAS_WORKSPACE_CONFIG=:4096:8\n"})
    assert [f["line"] for f in findings(configured, select="RNG007")] == [4]
    # one file, one finding: the other `benchmark = True` lines are related (module level and in a function)
    twice = "import torch\n\ntorch.backends.cudnn.benchmark = True\n\n\ndef main():\n"
    twice += "    torch.backends.cudnn.benchmark = True\n"
    (found,) = findings(make_repo({"inference.py": twice}), select="RNG007")
    assert (found["line"], [r["line"] for r in found["related"]]) == (3, [7])


# -- a realistic project --------------------------------------------------------------------------
def test_realistic_training_project(make_repo):
    files = training_project("from pkg.utils.seed import seed_everything", "seed_everything(cfg_seed())")
    files["src/pkg/train.py"] = files["src/pkg/train.py"].replace(
        "def main() -> None:", "def cfg_seed() -> int:\n    return 0\n\n\ndef main() -> None:"
    )
    files.update(
        {
            "src/pkg/data.py": """
            import torch
            from torch.utils.data import DataLoader, TensorDataset


            def loaders(batch_size: int, seed: int):
                ds = TensorDataset(torch.zeros(10, 8))
                g = torch.Generator().manual_seed(seed)
                return DataLoader(ds, batch_size=batch_size, shuffle=True, generator=g)
            """,
            "src/pkg/evaluate.py": """
            import numpy as np

            from pkg.models import Net


            def bootstrap(scores):
                return np.random.choice(scores, size=len(scores))


            if __name__ == "__main__":
                print(bootstrap([1.0, 2.0]), Net())
            """,
            "tests/test_train.py": "import torch\n\n\ndef test_rand():\n    assert torch.rand(1) < 2\n",
        }
    )
    root = make_repo(files)
    found = findings(root, select="RNG")
    # the unseeded draw is reported once, for the entry point that reaches it (not again as RNG005)
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("RNG001", "src/pkg/evaluate.py", 10)]


def test_seeding_a_local_generator_is_not_an_unknown_seed_helper(make_repo):
    root = make_repo(
        {
            "train.py": """
            import torch

            if __name__ == "__main__":
                g = torch.Generator().manual_seed(0)
                print(torch.randperm(10, generator=g), torch.rand(1))
            """
        }
    )
    assert rng(root) == [("RNG001", "train.py", 3)]


def test_scripts_run_by_makefile_dockerfile_ci_and_shell_scripts(make_repo):
    draw = "import random\n\nprint(random.random())\n"
    root = make_repo(
        {
            "Makefile": "train:\n\tuv run python src/jobs/train.py --epochs 3\n",
            "Dockerfile": 'FROM python:3.11\nWORKDIR /app\nCOPY . /app\nCMD ["python", "/app/src/jobs/serve.py"]\n',
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: python -m pkg.sweep\n"
            ),
            "run.sh": "#!/bin/sh\nCUDA_VISIBLE_DEVICES=0 torchrun --nproc_per_node 2 src/jobs/dist.py\n",
            "src/jobs/train.py": draw,
            "src/jobs/serve.py": draw,
            "src/jobs/dist.py": draw,
            "src/jobs/unused.py": draw,
            "src/pkg/__init__.py": "",
            "src/pkg/sweep.py": draw,
        }
    )
    result = {f["path"]: f["message"] for f in findings(root, select="RNG001")}
    assert sorted(result) == ["src/jobs/dist.py", "src/jobs/serve.py", "src/jobs/train.py", "src/pkg/sweep.py"]
    assert "run by Makefile:2" in result["src/jobs/train.py"]
    assert "run by Dockerfile:4" in result["src/jobs/serve.py"]
    assert "run by .github/workflows/ci.yml:6" in result["src/pkg/sweep.py"]
    assert "run by run.sh:2" in result["src/jobs/dist.py"]


def test_functions_only_stored_in_a_module_table_do_not_run_at_import(make_repo):
    files = {
        "augment.py": "import random\n\ndef jitter(x):\n    return x + random.random()\n\nAUGMENTS = {'j': jitter}\n",
        "report.py": "from augment import AUGMENTS\n\nif __name__ == '__main__':\n    print(sorted(AUGMENTS))\n",
    }
    assert rng(make_repo(files)) == []
    files["report.py"] = "from augment import jitter\n\nif __name__ == '__main__':\n    print(list(map(jitter, [1])))\n"
    assert rng(make_repo(files)) == [("RNG001", "report.py", 3)]  # passed to a call: it runs


def test_rng001_a_main_block_of_a_module_the_library_imports_is_a_self_test(make_repo):
    smoke = (
        "import torch\n\n\nclass Net(torch.nn.Module):\n    pass\n\n\n"
        "if __name__ == '__main__':\n    print(Net()(torch.randn(1, 3)))\n"
    )
    script = "import torch\n\n\ndef run():\n    return torch.rand(3)\n\n\nif __name__ == '__main__':\n    run()\n"
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/models.py": smoke,
            "pkg/build.py": "from pkg.models import Net\n\n\ndef build():\n    return Net()\n",
            "train.py": script,
            "tune.py": "import train\n\nif __name__ == '__main__':\n    train.run()\n",
            "evaluate.py": script,
            "tests/test_evaluate.py": "import evaluate\n",
        }
    )
    found = {f["path"]: f for f in findings(root, select="RNG001")}
    # pkg/models.py: a self-test; imported only by another entry point or by tests: still a program of its own
    assert {path: f["severity"] for path, f in found.items()} == {
        "train.py": "warning",
        "tune.py": "warning",
        "evaluate.py": "warning",
    }


def test_rng006_leaves_a_loader_that_an_unseeded_entry_point_reaches_to_rng001(make_repo):
    loader = "from torch.utils.data import DataLoader\n\n\ndef make(ds):\n    return DataLoader(ds, shuffle=True)\n"
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/data.py": loader,
            "pkg/other.py": loader,
            "train.py": "from pkg.data import make\n\nif __name__ == '__main__':\n    make([1, 2])\n",
            "seeded.py": "import torch\n\nfrom pkg.other import make\n\nif __name__ == '__main__':\n"
            "    torch.manual_seed(0)\n    make([1, 2])\n",
        }
    )
    found = findings(root, select="RNG001,RNG006")
    assert sorted((f["code"], f["path"], f["severity"]) for f in found) == [
        ("RNG001", "train.py", "warning"),
        ("RNG006", "pkg/other.py", "info"),
    ]


def test_rng005_a_split_that_seeded_entry_points_reach_is_info_and_an_unseeded_one_is_rng001s(make_repo):
    split = "from torch.utils.data import random_split\n\n\ndef split(ds):\n    return random_split(ds, [8, 2])\n"
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/seeded_data.py": split,
            "pkg/loose_data.py": split,
            "pkg/library_data.py": split,
            "train.py": "import torch\n\nfrom pkg.seeded_data import split\n\nif __name__ == '__main__':\n"
            "    torch.manual_seed(0)\n    split(list(range(10)))\n",
            "explore.py": "from pkg.loose_data import split\n\nif __name__ == '__main__':\n"
            "    split(list(range(10)))\n",
        }
    )
    found = sorted((f["code"], f["path"], f["severity"]) for f in findings(root, select="RNG001,RNG005"))
    assert found == [
        ("RNG001", "explore.py", "warning"),
        ("RNG005", "pkg/library_data.py", "warning"),
        ("RNG005", "pkg/seeded_data.py", "info"),
    ]


def test_rng001_a_generator_that_nothing_uses_draws_nothing(make_repo):
    unused = "import random\n\nrand = random.Random()\n\nif __name__ == '__main__':\n    print('report')\n"
    used = "import random\n\nrand = random.Random()\n\nif __name__ == '__main__':\n    print(rand.random())\n"
    passed = "import random\n\n\ndef run(r):\n    return r.random()\n\n\nif __name__ == '__main__':\n"
    passed += "    run(random.Random())\n"
    root = make_repo({"unused.py": unused, "used.py": used, "passed.py": passed})
    assert sorted(f["path"] for f in findings(root, select="RNG001")) == ["passed.py", "used.py"]


def test_rng006_a_loader_only_a_self_test_reaches_stays_rng006s(make_repo):
    data = (
        "import torch\nfrom torch.utils.data import DataLoader\n\n\n"
        "def make(ds):\n    return DataLoader(ds, shuffle=True)\n\n\n"
        "if __name__ == '__main__':\n    print(make(torch.rand(4)))\n"
    )
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/data.py": data,
            "pkg/module.py": "from pkg.data import make\n",
            "train.py": "import torch\n\nfrom pkg.data import make\n\nif __name__ == '__main__':\n"
            "    torch.manual_seed(0)\n    make([1])\n",
        }
    )
    found = sorted((f["code"], f["path"], f["severity"]) for f in findings(root, select="RNG001,RNG006"))
    assert found == [("RNG006", "pkg/data.py", "info")]


def test_rng001_characters_drawn_for_a_name_change_no_result(make_repo):
    code = """
    import random
    import string
    import shutil
    from pathlib import Path

    def temp_dir():
        name = "temp_" + "".join(random.choices(string.ascii_uppercase + string.digits, k=10))
        tag = random.choice("abcdef") + random.choice(string.hexdigits)
        return Path("/tmp") / name / tag

    if __name__ == "__main__":
        shutil.rmtree(temp_dir())
    """
    assert findings(make_repo({"tune.py": code}), select="RNG001") == []
    # look-alikes: a choice among values, or among strings given as a list, is a draw that may shape a result
    for draw in ("random.choice([0.1, 0.01])", "random.choices(['a', 'b'], k=2)", "random.sample(range(9), 3)"):
        found = findings(make_repo({"tune.py": code.replace('random.choice("abcdef")', draw)}), select="RNG001")
        assert len(found) == 1, draw


def test_rng001_a_draw_formatted_into_an_identifier_is_no_use(make_repo):
    """`viz_id = "viz_{}".format(round(random.random() * 1e6))` names an HTML element; `run_name = f"run-{...}"`
    names a run. A draw formatted into a file name, or used as a value, still counts."""
    quiet = """
    import random

    if __name__ == "__main__":
        viz_id = "viz_{}".format(round(random.random() * 1000000))
        run_name = f"run-{random.randint(0, 999)}"
        self_key = "k" + str(random.random())
        print(viz_id, run_name, self_key)
    """
    assert findings(make_repo({"show.py": quiet}), select="RNG001") == []
    for used in (
        'data_file = "part_{}.csv".format(random.randint(0, 9))\n    print(open(data_file).read())',
        "value = random.random()\n    print(value)",
        'name = random.choice(["resnet", "vit"])\n    print(name)',
    ):
        source = f"import random\n\nif __name__ == '__main__':\n    {used}\n"
        assert [f["code"] for f in findings(make_repo({"run.py": source}), select="RNG001")] == ["RNG001"], used


def test_rng004_liblinear_draws_only_in_its_coordinate_descent_solvers(make_repo):
    root = make_repo(
        {
            "train.py": """
            from sklearn.linear_model import LogisticRegression

            def fit(X, y, penalty):
                LogisticRegression(solver="liblinear").fit(X, y)
                LogisticRegression(C=1.0, solver="liblinear", penalty="l2", dual=False).fit(X, y)
                LogisticRegression(solver="liblinear", penalty="l1").fit(X, y)
                LogisticRegression(solver="liblinear", dual=True).fit(X, y)
                LogisticRegression(solver="liblinear", penalty=penalty).fit(X, y)
                LogisticRegression(solver="sag").fit(X, y)
                LogisticRegression(max_iter=1000).fit(X, y)
            """,
        }
    )
    found = findings(root, select="RNG004")
    assert [f["line"] for f in found] == [6, 7, 8, 9]
    assert found[0]["message"].startswith("LogisticRegression(...) without random_state")


def test_rng004_in_library_code_is_info_and_in_its_scripts_a_warning(make_repo):
    files = {
        "pyproject.toml": '[project]\nname = "gpkit"\n\n[tool.reprocheck]\nproject-type = "library"\n',
        "gpkit/__init__.py": "",
        "gpkit/kernel.py": """
            from sklearn.mixture import GaussianMixture

            def initialize_from_data(x, k):
                return GaussianMixture(n_components=k).fit(x).means_
            """,
        "train.py": """
            from sklearn.cluster import KMeans
            from gpkit.kernel import initialize_from_data

            if __name__ == "__main__":
                initialize_from_data([[0.0], [1.0]], 2)
                KMeans(n_clusters=2).fit([[0.0], [1.0]])
            """,
    }
    found = findings(make_repo(files), select="RNG004")
    assert [(f["path"], f["severity"]) for f in found] == [("gpkit/kernel.py", "info"), ("train.py", "warning")]
    assert "in library code" in found[0]["message"]
    files["pyproject.toml"] = '[project]\nname = "gpkit"\n'
    found = findings(make_repo(files), select="RNG004")
    assert [(f["path"], f["severity"]) for f in found] == [("gpkit/kernel.py", "warning"), ("train.py", "warning")]

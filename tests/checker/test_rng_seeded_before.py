"""RNG precision: a torch seeding right before a loader's uses or a split (RNG006, RNG005), estimators nothing
reads (RNG004), cuDNN benchmark mode behind an opt-in option (RNG007), and the draw RNG001 cites first."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.checker.test_rng import notebook
from tests.conftest import findings


def cells(*texts: str) -> str:
    """A notebook of code cells (after one markdown cell: the first code cell is cell 2)."""
    return notebook(*[dedent(text).strip("\n").splitlines(keepends=True) for text in texts])


def places(root, code: str) -> list[tuple[str, int | None, int | None, str]]:
    return sorted((f["path"], f.get("cell"), f["line"], f["severity"]) for f in findings(root, select=code))


IMPORTS = """
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split
"""


# -- RNG006: a seeding right before the loader is built and iterated ------------------------------------------------
def test_rng006_notebook_seeding_before_the_loader_and_before_the_training_call(make_repo):
    """ch14_part2.ipynb: `torch.manual_seed(1)` then the loader, and the training cell seeds again right before
    `train()` iterates it; the model is built in between, so the order follows the second seeding."""
    text = cells(
        IMPORTS,
        """
        ds = TensorDataset(torch.arange(10.0), torch.arange(10.0))
        batch_size = 2

        torch.manual_seed(1)
        train_dl = DataLoader(ds, batch_size, shuffle=True)
        valid_dl = DataLoader(ds, batch_size, shuffle=False)
        """,
        "model = nn.Sequential(nn.Linear(1, 1))\nprint(len(train_dl))\n",
        """
        optimizer = torch.optim.Adam(model.parameters())

        def train(model, num_epochs, train_dl):
            for epoch in range(num_epochs):
                for x, y in train_dl:
                    loss = ((model(x[:, None]) - y) ** 2).mean()
                    loss.backward()
                    optimizer.step()
            return len(train_dl.dataset)

        torch.manual_seed(1)
        num_epochs = 3
        hist = train(model, num_epochs, train_dl)
        """,
    )
    root = make_repo({"nb.ipynb": text})
    assert places(root, "RNG006") == []


def test_rng006_script_seeding_before_the_training_loop_over_the_loader(make_repo):
    """ch15_part3.py: the loader right after a seeding, a model drawn after it, and the loop that iterates the
    loader (`next(iter(seq_dl))` each pass) right after a second seeding."""
    code = IMPORTS + dedent(
        """
        ds = TensorDataset(torch.arange(10.0), torch.arange(10.0))

        torch.manual_seed(1)
        seq_dl = DataLoader(ds, batch_size=2, shuffle=True, drop_last=True)

        torch.manual_seed(1)
        model = nn.Linear(1, 1)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.005)

        num_epochs = 100

        torch.manual_seed(1)

        for epoch in range(num_epochs):
            hidden = model.weight.detach()
            seq_batch, target_batch = next(iter(seq_dl))
            loss = ((model(seq_batch[:, None]) - target_batch) ** 2).mean()
            loss.backward()
            optimizer.step()
        """
    )
    root = make_repo({"ch15.py": code})
    assert places(root, "RNG006") == []


def test_rng006_function_seeding_then_loader_then_loop(make_repo):
    code = IMPORTS + dedent(
        """

        def main():
            model = nn.Linear(1, 1)
            torch.manual_seed(0)
            np.random.seed(0)
            loader = DataLoader(list(range(9)), batch_size=2, shuffle=True)
            for batch in loader:
                model(batch[:, None].float())


        if __name__ == "__main__":
            main()
        """
    )
    root = make_repo({"train.py": code})
    assert places(root, "RNG006") == []


@pytest.mark.parametrize(
    "body",
    [
        # a model made between the seeding and the loader's use draws from the same generator
        "torch.manual_seed(1)\nmodel = nn.Linear(1, 1)\nloader = DataLoader(ds, batch_size=2, shuffle=True)\n"
        "for x, y in loader:\n    model(x[:, None])",
        # a seeding in another function: what runs between is not known here
        "seed()\nloader = DataLoader(ds, batch_size=2, shuffle=True)\nfor x, y in loader:\n    print(x)",
        # a first loop over the loader that also draws from torch before the second one
        "torch.manual_seed(1)\nloader = DataLoader(ds, batch_size=2, shuffle=True)\nfor x, y in loader:\n"
        "    print(x + torch.randn(1))\nfor epoch in range(2):\n    for x, y in loader:\n        print(x)",
        # handed back to the caller: iterated where the checker does not follow
        "torch.manual_seed(1)\nloader = DataLoader(ds, batch_size=2, shuffle=True)\nreturn loader",
        # a project function called between the seeding and the loop may draw
        "torch.manual_seed(1)\nloader = DataLoader(ds, batch_size=2, shuffle=True)\nprepare()\n"
        "for x, y in loader:\n    print(x)",
    ],
)
def test_rng006_lookalikes_without_a_seeding_right_before_stay_reported(make_repo, body):
    lines = "\n".join("    " + line for line in body.splitlines())
    code = IMPORTS + dedent(
        """

        def seed():
            torch.manual_seed(1)


        def prepare():
            return torch.randn(3)


        def make(ds):
        """
    )
    code += lines + "\n\n\nif __name__ == '__main__':\n    torch.manual_seed(0)\n"
    code += "    make(TensorDataset(torch.arange(10.0), torch.arange(10.0)))\n"
    root = make_repo({"train.py": code})
    assert [(path, severity) for path, _, _, severity in places(root, "RNG006")] == [("train.py", "info")]


# -- RNG005: a seeding right before random_split -------------------------------------------------------------------
def test_rng005_random_split_right_after_a_torch_seeding_is_not_reported(make_repo):
    script = IMPORTS + dedent(
        """
        ds = TensorDataset(torch.arange(10.0), torch.arange(10.0))
        test_dataset = list(ds)

        torch.manual_seed(1)
        train_dataset, valid_dataset = random_split(
            list(ds), [8, 2])
        """
    )
    text = cells(
        IMPORTS,
        """
        ds = TensorDataset(torch.arange(10.0), torch.arange(10.0))
        test_dataset = list(ds)   # a list: no draw

        torch.manual_seed(1)
        train_dataset, valid_dataset = random_split(list(ds), [8, 2])
        """,
    )
    lookalike = IMPORTS + dedent(
        """
        ds = TensorDataset(torch.arange(10.0), torch.arange(10.0))

        torch.manual_seed(1)
        noise = torch.randn(3)
        train_dataset, valid_dataset = random_split(ds, [8, 2])
        print(noise)
        """
    )
    root = make_repo({"ch15_part2.py": script, "ch15_part2.ipynb": text, "other.py": lookalike})
    assert [(path, line) for path, _, line, _ in places(root, "RNG005")] == [("other.py", 10)]


# -- RNG004: estimators nothing reads ------------------------------------------------------------------------------
SKLEARN = """
import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.ensemble import RandomForestClassifier
from sklearn.cluster import KMeans

X = np.zeros((4, 2))
y = np.array([0, 1, 0, 1])
"""


def test_rng004_estimators_made_only_to_show_alternatives_are_not_reported(make_repo):
    """ch03.py: three SGDClassifier objects shown as alternatives, never fitted; `svm` is bound again to an SVC
    before anything reads it."""
    script = SKLEARN + dedent(
        """
        ppn = SGDClassifier(loss='perceptron')
        lr = SGDClassifier(loss='log')
        svm = SGDClassifier(loss='hinge')
        pipe = make_pipeline(StandardScaler(), SGDClassifier())

        svm = SVC(kernel='rbf', random_state=1)
        svm.fit(X, y)


        def alternatives():
            forest = RandomForestClassifier()
            return 1
        """
    )
    text = cells(
        SKLEARN,
        "ppn = SGDClassifier(loss='perceptron')\nlr = SGDClassifier(loss='log')\nsvm = SGDClassifier(loss='hinge')\n",
        "svm = SVC(kernel='rbf', random_state=1)\nsvm.fit(X, y)\n",
    )
    root = make_repo({"ch03.py": script, "ch03.ipynb": text})
    assert places(root, "RNG004") == []


def test_rng004_estimators_that_are_used_stay_reported(make_repo):
    script = SKLEARN + dedent(
        """
        clf = RandomForestClassifier()
        scores = cross_val_score(clf, X, y)
        search = GridSearchCV(SGDClassifier(), {"alpha": [0.1, 1.0]})
        search.fit(X, y)
        RandomForestClassifier().fit(X, y)
        model = RandomForestClassifier()


        def run():
            return model.fit(X, y)


        for name in ["a", "b"]:
            if name == "b":
                print(forest.predict(X))
            forest = RandomForestClassifier()
            forest.fit(X, y)
        """
    )
    text = cells(SKLEARN, "from sklearn.cluster import KMeans\nest = KMeans(3)\n", "labels = est.fit_predict(X)\n")
    root = make_repo({"fit.py": script, "nb.ipynb": text})
    found = [(path, cell, line) for path, cell, line, _ in places(root, "RNG004")]
    assert found == [
        ("fit.py", None, 13),
        ("fit.py", None, 15),
        ("fit.py", None, 17),
        ("fit.py", None, 18),
        ("fit.py", None, 28),
        ("nb.ipynb", 3, 2),
    ]


def test_rng004_module_level_estimator_of_an_imported_module_stays_reported(make_repo):
    root = make_repo(
        {
            "models.py": SKLEARN + "default_model = RandomForestClassifier()\n",
            "train.py": "from models import default_model, X, y\n\ndefault_model.fit(X, y)\n",
        }
    )
    assert [(path, line) for path, _, line, _ in places(root, "RNG004")] == [("models.py", 12)]


# -- RNG004: a fixed NumPy seed right before the call, no draw between -------------------------------------------
def test_rng004_right_after_a_fixed_numpy_seed_is_not_reported(make_repo):
    """conditional-flow-matching two_dim.py and tnet_dataset.py: `np.random.seed(...)` opens the function, then
    one branch per dataset calls a make_* generator; the branches' `if data == ...` tests exclude each other, torch
    draws leave NumPy alone, so random_state=None takes the state the seed made."""
    root = make_repo(
        {
            "two_dim.py": """
            import numpy as np
            import torch
            from sklearn import datasets


            def data_distrib(npar, data, random_state=42):
                np.random.seed(random_state)

                if data == "mixture":
                    init_sample = torch.randn(npar, 2)
                    init_sample[:, 0] = init_sample[:, 0] - 7.0

                if data == "scurve":
                    X, y = datasets.make_s_curve(n_samples=npar, noise=0.1, random_state=None)
                    init_sample = torch.tensor(X)[:, [0, 2]]
                    init_sample = (init_sample - init_sample.mean()) / init_sample.std()

                if data == "moon":
                    X, y = datasets.make_moons(n_samples=npar, noise=0.1, random_state=None)
                    init_sample = torch.tensor(X)

                if data == "checker":
                    init_sample = torch.tensor(np.random.rand(npar))
                return init_sample
            """,
            "tnet_dataset.py": """
            import numpy as np
            import sklearn.datasets


            class Toy:
                def __init__(self, name, n_samples=100):
                    seed = 42
                    np.random.seed(seed)
                    if name == "circles":
                        self.data, _ = sklearn.datasets.make_circles(n_samples=n_samples, random_state=seed)
                    elif name == "blobs":
                        self.data, _ = sklearn.datasets.make_blobs(n_samples=n_samples)
            """,
            "prepare.py": """
            import math

            import numpy as np
            from sklearn.model_selection import train_test_split

            if __name__ == "__main__":
                np.random.seed(0)
                rows = list(range(int(math.sqrt(100))))
                with open("rows.txt", "w") as handle:
                    train, test = train_test_split(rows)
                    handle.write(str(train))
            """,
        }
    )
    assert places(root, "RNG004") == []


LOOKALIKES = {
    # the seed is None unless the caller passes one
    "def split(rows, seed=None):\n    np.random.seed(seed)\n    return train_test_split(rows)\n": 3,
    # a seed from the clock
    "def split(rows):\n    seed = int(time.time())\n    np.random.seed(seed)\n    return train_test_split(rows)\n": 4,
    # a loop draws again on every turn
    "def split(rows):\n    np.random.seed(0)\n    for _ in range(3):\n        print(train_test_split(rows))\n": 4,
    # a project function or another library's call may draw in between
    "def split(path):\n    np.random.seed(0)\n    rows = load(path)\n    return train_test_split(rows)\n": 4,
    "def split(path):\n    np.random.seed(0)\n    rows = pd.read_csv(path)\n    return train_test_split(rows)\n": 4,
    # the argument draws before the call
    "def split(rows):\n    np.random.seed(0)\n    return train_test_split(np.random.permutation(rows))\n": 3,
    # the compared name changes between the branches, so both may run
    (
        "def make(kind):\n    np.random.seed(0)\n    if kind == 'a':\n        make_blobs()\n        kind = 'b'\n"
        "    if kind == 'b':\n        return make_blobs()\n"
    ): 7,
    # an `else` branch may run
    (
        "def make(kind):\n    np.random.seed(0)\n    if kind == 'a':\n        make_blobs()\n    else:\n        pass\n"
        "    if kind == 'b':\n        return make_blobs()\n"
    ): 8,
    # the seed comes after the call
    "def split(rows):\n    out = train_test_split(rows)\n    np.random.seed(0)\n    return out\n": 2,
}


@pytest.mark.parametrize("body", list(LOOKALIKES))
def test_rng004_lookalikes_without_a_fixed_seed_right_before_stay_reported(make_repo, body):
    header = (
        "import time\n\nimport numpy as np\nimport pandas as pd\nfrom sklearn.datasets import make_blobs\n"
        "from sklearn.model_selection import train_test_split\nfrom loader import load\n\n\n"
    )
    root = make_repo({"src/split.py": header + body, "src/loader.py": "def load(path):\n    return [1, 2]\n"})
    lines = [line - 9 for path, _, line, _ in places(root, "RNG004") if path == "src/split.py"]
    assert LOOKALIKES[body] in lines, lines


# -- RNG007: benchmark mode behind an opt-in option ------------------------------------------------------------------
TRAIN = """
import argparse

import torch


def main():
    parser = argparse.ArgumentParser()
    {option}
    args = parser.parse_args()
    if args.benchmark:
        torch.backends.cudnn.benchmark = True


if __name__ == "__main__":
    main()
"""


@pytest.mark.parametrize(
    ("option", "severity"),
    [
        ("parser.add_argument('--benchmark', action='store_true')", "info"),
        ("arg = parser.add_argument\n    arg('--benchmark', type=int)", "info"),
        ("parser.add_argument('--benchmark', type=int, default=0)", "info"),
        # look-alikes: on by default
        ("parser.add_argument('--benchmark', type=int, default=1)", "warning"),
        ("parser.add_argument('--no-benchmark', dest='benchmark', action='store_false')", "warning"),
        ("parser.add_argument('--benchmark', action='store_true')\n    parser.set_defaults(benchmark=True)", "warning"),
    ],
)
def test_rng007_benchmark_behind_an_opt_in_option_is_info(make_repo, option, severity):
    root = make_repo({"train.py": TRAIN.replace("{option}", option)})
    found = findings(root, select="RNG007")
    assert [f["severity"] for f in found] == [severity]
    if severity == "info":
        assert "only with the opt-in option --benchmark (off by default)" in found[0]["message"]


def test_rng007_opt_in_benchmark_names_the_command_that_passes_it(make_repo):
    option = "arg = parser.add_argument\n    arg('--benchmark', type=int)"
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/train.py": TRAIN.replace("{option}", option),
            "run-all.sh": "#!/bin/sh\npython -m pkg.train \\\n    --benchmark 1\n",
        }
    )
    (found,) = findings(root, select="RNG007")
    assert found["severity"] == "info"
    assert "(run-all.sh:2 passes it)" in found["message"]


def test_rng007_unconditional_benchmark_stays_a_warning(make_repo):
    code = TRAIN.replace("{option}", "parser.add_argument('--benchmark', action='store_true')")
    code += "\ntorch.backends.cudnn.benchmark = True\n"
    root = make_repo({"train.py": code})
    (found,) = findings(root, select="RNG007")
    assert (found["severity"], found["line"]) == ("warning", 17)
    assert "lets cuDNN pick nondeterministic algorithms" in found["message"]
    assert [r["line"] for r in found["related"]] == [11]


# -- RNG001: the draw cited first ------------------------------------------------------------------------------------
def test_rng001_cites_the_training_draw_before_one_that_picks_images_to_show(make_repo):
    text = cells(
        IMPORTS + "import matplotlib.pyplot as plt\n",
        """
        x = torch.arange(20.0).reshape(10, 2)
        model = nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for epoch in range(3):
            loss = model(x).pow(2).mean()
            loss.backward()
            optimizer.step()
        """,
        """
        fig = plt.figure()
        shown = []
        for i, idx in enumerate(np.random.choice(x.shape[0], size=4, replace=False)):
            ax = fig.add_subplot(2, 2, i + 1)
            ax.imshow(x[idx].reshape(1, 2).numpy())
            shown.append(x[idx])
        """,
    )
    root = make_repo({"nb.ipynb": text})
    (found,) = findings(root, select="RNG001")
    assert (
        "uses the random state of torch and numpy (the initial weights of nn.Linear(...) at nb.ipynb:cell 3"
        in (found["message"])
    )
    assert (found["cell"], found["line"]) == (3, 2)  # the first cell that uses random state, as before


def test_rng001_keeps_citing_a_draw_that_feeds_the_data(make_repo):
    """Look-alike: a NumPy draw that makes data (no plot in its statement) stays cited in its order."""
    text = cells(
        IMPORTS,
        """
        x = torch.tensor(np.random.rand(10, 2), dtype=torch.float32)
        model = nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for epoch in range(3):
            loss = model(x).pow(2).mean()
            loss.backward()
            optimizer.step()
        """,
    )
    root = make_repo({"nb.ipynb": text})
    (found,) = findings(root, select="RNG001")
    assert (
        "uses the random state of numpy and torch (np.random.rand(...) at nb.ipynb:cell 3:line 1" in (found["message"])
    )


def test_rng006_seeding_inside_a_with_block(make_repo):
    """The `with` statement around the seeding and the loop: its items are walked too (a list of items)."""
    code = IMPORTS + dedent(
        """

        def main(path):
            with open(path) as handle, open(path) as other:
                torch.manual_seed(0)
                loader = DataLoader(list(range(9)), batch_size=2, shuffle=True)
                for batch in loader:
                    print(batch, handle, other)
            with torch.no_grad():
                for batch in loader:
                    print(batch)


        if __name__ == "__main__":
            main("x")
        """
    )
    root = make_repo({"train.py": code})
    assert [(line, severity) for _, _, line, severity in places(root, "RNG006")] == [(10, "info")]


def test_rng001_without_training_keeps_the_first_draw_cited(make_repo):
    """Look-alike: a notebook that trains nothing cites its draws in their order, a plotted one included."""
    text = cells(
        IMPORTS + "import matplotlib.pyplot as plt\n",
        "plt.plot(np.cumsum(np.random.randn(50)) + np.arange(50))\nplt.title('walk')\n",
        "x = torch.randn(3)\ny = torch.cumsum(x, 0)\n",
    )
    root = make_repo({"nb.ipynb": text})
    (found,) = findings(root, select="RNG001")
    assert (
        "uses the random state of numpy and torch (np.random.randn(...) at nb.ipynb:cell 3:line 1" in (found["message"])
    )

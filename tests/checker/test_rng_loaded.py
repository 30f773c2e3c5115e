"""RNG precision: seeds drawn from a generator seeded just before, branches on training-only options that an
evaluation entry point leaves off, models loaded from saved weights, and the draw named as a model's."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import messages, notebook, rng
from tests.conftest import findings

# -- a seed drawn from a generator seeded just before ---------------------------------------------------------------
LOOP = """
import random
import time

import numpy as np
import torch


def training_loop(seed=0, flag=False):
{body}
    net = torch.nn.Linear(3, 3)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    optimizer.step()


if __name__ == "__main__":
    training_loop()
"""


def loop(body: str) -> str:
    return LOOP.format(body="\n".join("    " + line for line in body.strip().splitlines()))


@pytest.mark.parametrize(
    "body, reported",
    [
        ("np.random.seed((seed * 4 + 1) % (1 << 31))\ntorch.manual_seed(np.random.randint(1 << 31))", False),
        ("np.random.seed(seed)\ntorch.manual_seed(int(np.random.randint(2**31)))", False),
        ("random.seed(seed)\ns = random.randint(0, 2**31)\ntorch.manual_seed(s)", False),
        # look-alikes: seeded only in a branch, after the draw, from the clock, or another library seeded
        ("if flag:\n    np.random.seed(seed)\ntorch.manual_seed(np.random.randint(1 << 31))", True),
        ("torch.manual_seed(np.random.randint(1 << 31))\nnp.random.seed(seed)", True),
        ("np.random.seed(int(time.time()))\ntorch.manual_seed(np.random.randint(1 << 31))", True),
        ("random.seed(seed)\nnp.random.seed(seed)\ntorch.manual_seed(torch.randint(1 << 31, ()).item())", True),
        ("random.seed(seed)\ntorch.manual_seed(np.random.randint(1 << 31))", True),
    ],
)
def test_a_seed_drawn_from_a_generator_seeded_just_before_is_fixed(make_repo, body, reported):
    root = make_repo({"train.py": loop(body)})
    rng003 = [m for m in messages(root, "RNG003") if "torch.manual_seed()" in m]
    assert bool(rng003) == reported
    if not reported:
        assert rng(root, select="RNG001,RNG002") == []


# -- branches on training-only options an evaluation entry point leaves off -----------------------------------------
DATA = """
import numpy as np
from torch.utils.data import Dataset


class Noise:
    def __init__(self, path):
        self.path = path

    def inject(self, y):
        return y + np.random.normal(size=len(y))


class Parser:
    def __init__(self, conf, normalize=False, augmentation_conf=None):
        self.conf = conf
        self.aug_conf = augmentation_conf
        if augmentation_conf and augmentation_conf.noise_dir:
            self.noise_injector = Noise(augmentation_conf.noise_dir)
        else:
            self.noise_injector = None

    def parse(self, path):
        y = [1.0]
        if self.noise_injector:
            add_noise = np.random.binomial(1, self.aug_conf.noise_prob)
            if add_noise:
                y = self.noise_injector.inject(y)
        if self.aug_conf and self.aug_conf.spec_augment:
            y = y * np.random.rand()
        return y


class SpectDataset(Dataset, Parser):
    def __init__(self, conf, path, normalize=False, aug_cfg=None):
        self.path = path
        super(SpectDataset, self).__init__(conf, normalize, aug_cfg)

    def __getitem__(self, index):
        return self.parse(self.path)
"""

SCRIPT = """
import sys

from pkg.data import {made}


def main():
    dataset = {made}(conf=None, {arguments})
    for i in range(3):
        print(dataset[i])


if __name__ == "__main__":
    main()
"""


@pytest.mark.parametrize(
    "made, arguments, reported",
    [
        ("SpectDataset", "path=sys.argv[1], normalize=True", False),
        ("SpectDataset", "path=sys.argv[1], aug_cfg=None", False),
        ("Parser", "normalize=True", False),
        # look-alikes: the augmentation options come from the command line
        ("SpectDataset", "path=sys.argv[1], aug_cfg=sys.argv[2]", True),
        ("Parser", "augmentation_conf=sys.argv[2]", True),
    ],
)
def test_draws_behind_options_an_entry_point_never_passes_do_not_run(make_repo, made, arguments, reported):
    script = SCRIPT.format(made=made, arguments=arguments)
    root = make_repo({"pkg/__init__.py": "", "pkg/data.py": DATA, "evaluate.py": script})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["evaluate.py"] if reported else [])


@pytest.mark.parametrize("arguments, reported", [("normalize=True", False), ("augmentation_conf=sys.argv[2]", True)])
def test_an_object_set_in_one_branch_runs_when_that_branch_runs(make_repo, arguments, reported):
    # `if self.noise_injector:` only asks whether the object is there; its methods run where the branch runs
    data = DATA.replace(
        "            add_noise = np.random.binomial(1, self.aug_conf.noise_prob)\n            if add_noise:\n    ", ""
    ).replace("y * np.random.rand()", "y")
    assert "binomial" not in data
    script = SCRIPT.format(made="Parser", arguments=arguments)
    root = make_repo({"pkg/__init__.py": "", "pkg/data.py": data, "evaluate.py": script})
    found = messages(root, "RNG001")
    assert len(found) == int(reported)
    if reported:
        assert "np.random.normal(...) at pkg/data.py:10" in found[0]


# -- models loaded from saved weights --------------------------------------------------------------------------------
LIGHTNING_MODEL = """
import lightning as L
import torch
from torch import nn


class Speech(L.LightningModule):
    def __init__(self, hidden=8):
        super().__init__()
        self.conv = nn.Conv1d(1, hidden, 3)
        self.out = nn.Linear(hidden, 4)

    def forward(self, x):
        return self.out(self.conv(x))

    def training_step(self, batch, index):
        return self(batch).sum()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)
"""


@pytest.mark.parametrize(
    "body, reported",
    [
        ("model = Speech.load_from_checkpoint(sys.argv[1])\nmodel.eval()\nprint(model(torch.ones(1, 1, 8)))", False),
        (
            "model = Speech()\nmodel.load_state_dict(torch.load(sys.argv[1]))\nmodel.eval()\n"
            "print(model(torch.ones(1, 1, 8)))",
            False,
        ),
        # look-alikes: the model is trained (a trainer fits it, or the script steps an optimizer of its own)
        ("model = Speech()\nL.Trainer(max_epochs=1).fit(model)", True),
        ("model = Speech.load_from_checkpoint(sys.argv[1])\nL.Trainer(max_epochs=1).fit(model)", True),
        (
            "model = Speech()\nmodel.eval()\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
            "print(model(torch.ones(1, 1, 8)))",
            True,
        ),
    ],
)
def test_an_inference_script_that_loads_weights_does_not_draw_them(make_repo, body, reported):
    lines = "\n".join("    " + line for line in body.splitlines())
    script = (
        "import sys\n\nimport lightning as L\nimport torch\n\nfrom pkg.model import Speech\n\n\n"
        f"def main():\n{lines}\n\n\nif __name__ == '__main__':\n    main()\n"
    )
    root = make_repo({"pkg/__init__.py": "", "pkg/model.py": LIGHTNING_MODEL, "run.py": script})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["run.py"] if reported else [])


# -- the draw named as a model's -------------------------------------------------------------------------------------
CBOW = [
    "import random\n",
    "import torch\n",
    "from torch import nn\n",
    "\n",
    "class CBoW(torch.nn.Module):\n",
    "    def __init__(self, n, k):\n",
    "        super(CBoW, self).__init__()\n",
    "        self.embedding = torch.nn.Embedding(n, k)\n",
    "        nn.init.xavier_uniform_(self.embedding.weight)\n",
    "\n",
    "    def forward(self, x):\n",
    "        return self.embedding(x).sum()\n",
    "\n",
    "model = CBoW(10, 4)\n",
    "criterion = torch.nn.CrossEntropyLoss()\n",
    "optimizer = torch.optim.Adam(model.parameters())\n",
]


def test_the_model_named_is_the_model_made_not_a_loss(make_repo):
    root = make_repo({"cbow.ipynb": notebook(CBOW, ["loss = criterion(model(x), y)\n", "optimizer.step()\n"])})
    (message,) = messages(root, "RNG001")
    assert "the initial weights of CBoW(...) at cbow.ipynb:cell 2:line 14" in message
    assert "CrossEntropyLoss" not in message


@pytest.mark.parametrize(
    "source, named",
    [
        (
            "model = tf.keras.Sequential([tf.keras.layers.Dense(4)])\n"
            "model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss='mse')\n",
            "tf.keras.Sequential(...)",
        ),
        # a model made in a cell the checker cannot read: the optimizer is still no model
        ("model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss='mse')\n", None),
    ],
)
def test_an_optimizer_is_no_model(make_repo, source, named):
    cells = [["import tensorflow as tf\n"], [source], ["model.fit(xs, ys, epochs=1)\n"]]
    root = make_repo({"mnist.ipynb": notebook(*cells)})
    found = messages(root, "RNG001")
    if named is None:
        assert found == []
    else:
        (message,) = found
        assert f"the initial weights of {named}" in message
        assert "SGD" not in message


def test_functional_dropout_is_named_as_dropout(make_repo):
    script = (
        "import torch\nimport torch.nn.functional as F\n\n\nif __name__ == '__main__':\n"
        "    w = torch.zeros(3, requires_grad=True)\n    optimizer = torch.optim.SGD([w], lr=0.1)\n"
        "    loss = F.dropout(w, p=0.5).sum()\n    loss.backward()\n    optimizer.step()\n"
    )
    (message,) = messages(make_repo({"train.py": script}), "RNG001")
    assert "the dropout of F.dropout(...) at train.py:8" in message


# -- options that only the repository's config modules set -----------------------------------------------------------
CONFIG = "import os\n\nargs = {{\n    'data_path': os.environ.get('DATA', '.'),\n    'data_frac': {frac},\n}}\n"
TRAIN = """
import importlib
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd

args = SimpleNamespace(**importlib.import_module(sys.argv[1]).args)


if __name__ == "__main__":
    np.random.seed(0)
    train = pd.read_csv(args.data_path)
{extra}    if args.data_frac < 1.:
        train = train.sample(frac=args.data_frac)
    train.to_csv("out.csv")
"""


@pytest.mark.parametrize(
    "fracs, extra, files, reported",
    [
        (["1.", "1.0"], "", {}, False),
        (["1."], "", {"README.md": "Train with `python train.py configs.config1`.\n"}, False),
        # look-alikes: a config that samples, an option set on the command line or in code
        (["1.", "0.5"], "", {}, True),
        (["1."], "", {"README.md": "Use `--data-frac 0.1` for a quick run.\n"}, True),
        (["1."], "    args.data_frac = float(sys.argv[2])\n", {}, True),
    ],
)
def test_a_flag_every_config_module_leaves_off_keeps_its_draw_from_running(make_repo, fracs, extra, files, reported):
    repo = {f"configs/config{i}.py": CONFIG.format(frac=frac) for i, frac in enumerate(fracs, start=1)}
    repo.update(files)
    repo["src/train.py"] = TRAIN.format(extra=extra)
    root = make_repo(repo)
    assert [p for _, p, _ in rng(root, select="RNG005")] == (["src/train.py"] if reported else [])


def test_a_project_loss_module_is_no_model(make_repo):
    code = (
        "import torch\nfrom torch import nn\n\n\nclass WeightedLosses(nn.Module):\n"
        "    def __init__(self, losses):\n        super().__init__()\n        self.losses = losses\n\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(3, 3)\n\n\n"
        "if __name__ == '__main__':\n    loss = WeightedLosses([nn.BCELoss()])\n    net = Net()\n"
        "    torch.optim.SGD(net.parameters(), lr=0.1).step()\n"
    )
    (message,) = messages(make_repo({"train.py": code}), "RNG001")
    assert "the initial weights of Net(...) at train.py:19" in message


# -- a `__main__` block that only exercises its module on made-up input -----------------------------------------------
LAYER = """
import numpy as np
import torch
{imports}

class Hyena(torch.nn.Module):
    def forward(self, x):
        return x.cumsum(1)


def simulate(n):
    return n


if __name__ == "__main__":
{block}
"""


@pytest.mark.parametrize(
    "block, path, files, info",
    [
        ("layer = Hyena()\nx = torch.randn(1, 16, 8, requires_grad=True)\nprint(layer(x).shape)", "hyena.py", {}, True),
        ("x = torch.randn(4, 8)\nprint(Hyena.forward(None, x))", "hyena.py", {}, True),
        # look-alikes: real input, a program's name, a command line, no class of the module tried (a simulation
        # with a function of the module, or nothing of it), a documented run
        ("xs = np.random.normal(size=simulate(100))\nprint(xs.mean())", "hyena.py", {}, False),
        ("x = torch.load('batch.pt') + torch.randn(1, 16, 8)\nprint(Hyena()(x))", "hyena.py", {}, False),
        ("layer = Hyena()\nx = torch.randn(1, 16, 8)\nprint(layer(x).shape)", "train_hyena.py", {}, False),
        ("layer = Hyena()\nx = torch.randn(int(sys.argv[1]), 8)\nprint(layer(x).shape)", "hyena.py", {}, False),
        ("xs = np.random.normal(size=100)\nprint(xs.mean())", "hyena.py", {}, False),
        (
            "layer = Hyena()\nx = torch.randn(1, 16, 8)\nprint(layer(x).shape)",
            "hyena.py",
            {"README.md": "Run `python hyena.py` to reproduce Table 2.\n"},
            False,
        ),
    ],
)
def test_a_main_block_that_exercises_its_module_on_made_up_input_is_info(make_repo, block, path, files, info):
    lines = "\n".join("    " + line for line in block.splitlines())
    imports = "import sys\n" if "sys." in block else ""
    root = make_repo({path: LAYER.format(imports=imports, block=lines), **files})
    (found,) = findings(root, select="RNG001")
    assert found["severity"] == ("info" if info else "warning")
    assert ("a smoke test or usage example" in found["message"]) == info


def test_the_model_named_is_the_one_made_for_training(make_repo):
    cells = [
        ["import torch\n", "from torch import nn\n"],
        [
            "class Block(nn.Module):\n",
            "    def __init__(self):\n",
            "        super().__init__()\n",
            "        self.fc = nn.Linear(4, 4)\n",
        ],
        ["temp = Block()\n", "print(temp)\n"],
        [
            "class Classifier(nn.Module):\n",
            "    def __init__(self):\n",
            "        super().__init__()\n",
            "        self.block = Block()\n",
        ],
        ["model = Classifier()\n"],
        ["optimizer = torch.optim.AdamW(model.parameters())\n", "optimizer.step()\n"],
    ]
    (message,) = messages(make_repo({"nb.ipynb": notebook(*cells)}), "RNG001")
    assert "the initial weights of Classifier(...) at nb.ipynb:cell 6:line 1" in message


def test_an_attribute_bound_by_unpacking_in_a_subclass_keeps_its_branches(make_repo):
    code = (
        "import numpy as np\n\n\nclass Base:\n    def reset(self):\n        self.noise = None\n\n\n"
        "class Parser(Base):\n    def __init__(self):\n        self.noise, self.rate = True, 0.5\n\n"
        "    def parse(self, y):\n        if self.noise:\n            y = y + np.random.rand()\n        return y\n\n\n"
        "if __name__ == '__main__':\n    print(Parser().parse(1.0))\n"
    )
    assert rng(make_repo({"run.py": code}), select="RNG001") == [("RNG001", "run.py", 19)]


@pytest.mark.parametrize(
    "made, named",
    [
        (
            "model = MODELS[sys.argv[1]]()\n    model = torch.nn.DataParallel(model)",
            "the model given to torch.nn.DataParallel(...)",
        ),
        ("model = torch.nn.Linear(3, 3)\n    model = torch.nn.DataParallel(model)", "torch.nn.Linear(...)"),
    ],
)
def test_a_wrapper_names_the_model_it_is_given_only_when_no_other_is_seen(make_repo, made, named):
    script = (
        f"import sys\n\nimport torch\n\nMODELS = {{}}\n\n\nif __name__ == '__main__':\n    {made}\n"
        "    torch.optim.SGD(model.parameters(), lr=0.1).step()\n"
    )
    (message,) = messages(make_repo({"train.py": script}), "RNG001")
    assert f"the initial weights of {named}" in message


# -- initial weights that a state-dict load replaces ----------------------------------------------------------------
LAYERS = """
import numpy as np
import torch
from torch import nn


def variance_scaling(scale):
    def init(shape):
        return torch.randn(*shape) * np.sqrt(scale)

    return init


class Dense(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(variance_scaling(1.0)((d, d)))

    def forward(self, x):
        return x @ self.weight


def create_model(config):
    return Dense(config["d"])
"""


@pytest.mark.parametrize(
    "script",
    [
        # the judged shape (score_sde_pytorch debug.py): a top-level script restores a checkpoint, runs on ones
        """
        import torch
        from models.layers import Dense
        checkpoint = torch.load("exp/model.pth")
        model = Dense(8)
        model.load_state_dict(checkpoint)
        model = model.eval()
        with torch.no_grad():
            print(model(torch.ones(2, 8)))
        """,
        # a factory function, a move before the load, in a main()
        """
        import torch
        from models.layers import create_model

        def main():
            model = create_model({"d": 8})
            model = model.to("cpu")
            model.eval()
            with torch.no_grad():
                model.load_state_dict(torch.load("model.pt"), strict=True)
            torch.save(model(torch.ones(2, 8)), "out.pt")

        if __name__ == "__main__":
            main()
        """,
    ],
)
def test_initial_weights_replaced_by_a_loaded_state_are_no_use(make_repo, script):
    root = make_repo({"models/__init__.py": "", "models/layers.py": LAYERS, "predict.py": script})
    assert rng(root) == []


def test_a_notebook_loading_the_state_in_a_later_cell(make_repo):
    cells = [
        ["import torch\n", "from models.layers import Dense\n", "model = Dense(8)\n"],
        ["model.load_state_dict(torch.load('model.pt'))\n"],
        ["print(model(torch.ones(2, 8)))\n"],
    ]
    root = make_repo({"models/__init__.py": "", "models/layers.py": LAYERS, "look.ipynb": notebook(*cells)})
    assert rng(root) == []


@pytest.mark.parametrize(
    "lines",
    [
        ["model = Dense(8)", "model.load_state_dict(torch.load('m.pt'), strict=False)"],  # new layers stay drawn
        ["model = Dense(8)", "print(model(torch.ones(2, 8)))", "model.load_state_dict(torch.load('m.pt'))"],
        ["model = Dense(8)", "if os.path.exists('m.pt'):", "    model.load_state_dict(torch.load('m.pt'))"],
        ["model = Dense(8)", "other = Dense(8)", "model.load_state_dict(torch.load('m.pt'))", "print(other.weight)"],
    ],
    ids=["partial load", "run before the load", "load only if the file exists", "another model not loaded"],
)
def test_initial_weights_that_a_load_does_not_replace_still_count(make_repo, lines):
    script = (
        "import os\nimport torch\nfrom models.layers import Dense\n"
        + "\n".join(lines)
        + "\nprint(model(torch.ones(2, 8)))\n"
    )
    root = make_repo({"models/__init__.py": "", "models/layers.py": LAYERS, "predict.py": script})
    assert [code for code, _, _ in rng(root)] == ["RNG001"]


def test_draws_a_loaded_model_makes_when_it_runs_still_count(make_repo):
    noisy = LAYERS.replace("return x @ self.weight", "return x @ self.weight + torch.randn_like(x)")
    script = (
        "import torch\nfrom models.layers import Dense\nmodel = Dense(8)\n"
        "model.load_state_dict(torch.load('m.pt'))\nprint(model(torch.ones(2, 8)))\n"
    )
    root = make_repo({"models/__init__.py": "", "models/layers.py": noisy, "predict.py": script})
    found = messages(root, "RNG001")
    assert len(found) == 1 and "torch.randn_like(...)" in found[0] and "torch.randn(...)" not in found[0]


# -- layers without parameters are not cited as initial weights ------------------------------------------------------
IMET_MODELS = """
import torch
from torch import nn
from torch.nn import functional as F


class AvgPool(nn.Module):
    def forward(self, x):
        return F.avg_pool2d(x, x.shape[2:])


class Swish(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = nn.Sigmoid()

    def forward(self, x):
        return x * self.act(x)


class Head(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.pool = AvgPool()
        self.act = Swish()
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(n, 2)

    def forward(self, x):
        return self.fc(self.drop(self.act(self.pool(x)).flatten(1)))
"""
TRAIN_HEAD = """
import torch
from models import Head

if __name__ == "__main__":
    model = {made}
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.zeros(2, 8, 4, 4)).sum().backward()
    optimizer.step()
"""


def test_a_module_without_parameters_is_not_cited_as_initial_weights(make_repo):
    """The judged shape (kaggle-imet-2019): `AvgPool(nn.Module)` with only a `forward`, made before the real layers."""
    root = make_repo({"models.py": IMET_MODELS, "train.py": TRAIN_HEAD.format(made="Head(8)")})
    (message,) = messages(root, "RNG001")
    assert "the initial weights of Head(...) at train.py:5" in message
    pooled = IMET_MODELS.replace("class Head(nn.Module)", "class Head(nn.Module):\n    pass\n\n\nclass Unused")
    direct = "torch.nn.Sequential(AvgPool(), Swish(), torch.nn.Flatten(), torch.nn.Linear(8, 2))"
    root = make_repo({"models.py": pooled, "train.py": TRAIN_HEAD.format(made=direct)})
    (message,) = messages(root, "RNG001")
    assert "AvgPool" not in message and "Swish" not in message
    assert "the initial weights of torch.nn.Linear(...) at train.py:5" in message


def test_dropout_is_named_as_dropout_not_as_weights(make_repo):
    made = "torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Flatten(), torch.nn.Linear(128, 2))"
    root = make_repo({"models.py": IMET_MODELS, "train.py": TRAIN_HEAD.format(made=made)})
    (message,) = messages(root, "RNG001")
    assert "the initial weights of torch.nn.Linear(...)" in message
    only = "torch.nn.Sequential(torch.nn.Dropout(0.2), AvgPool())"  # look-alike: no weights, but dropout draws
    root = make_repo(
        {
            "models.py": IMET_MODELS,
            "train.py": TRAIN_HEAD.format(made=only).replace("from models import Head", "from models import AvgPool"),
        }
    )
    (message,) = messages(root, "RNG001")
    assert "the dropout of torch.nn.Dropout(...)" in message


def test_a_module_that_makes_parameters_is_still_cited(make_repo):
    """Look-alike: a project module whose constructor makes a layer (or a parameter) holds weights."""
    scaled = """
    import torch
    from torch import nn


    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.gamma = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return x * self.gamma
    """
    train = TRAIN_HEAD.replace("from models import Head", "from models import Scale").format(made="Scale()")
    (message,) = messages(make_repo({"models.py": scaled, "train.py": train}), "RNG001")
    assert "the initial weights of Scale(...) at train.py:5" in message

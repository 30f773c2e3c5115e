"""RNG: names a star import brings, seeders that run only with their method, draws behind options that are off."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import notebook, rng
from tests.conftest import findings

CONFIG = """
import os
import numpy as np
DATA_DIR = "/data"
"""

DATASET = """
import numpy as np

class Rows:
    def __getitem__(self, i):
        return np.random.choice(10)
"""


def star_repo(body: str, config: str = CONFIG) -> dict[str, str]:
    return {
        "src/config/__init__.py": "",
        "src/config/config.py": config,
        "src/data/__init__.py": "",
        "src/data/rows.py": DATASET,
        "src/train.py": "import torch\nfrom config.config import *\nfrom data.rows import Rows\n\n" + body,
    }


MAIN = """
def main():
    torch.manual_seed(0)
    {seed}
    return Rows()[0]

if __name__ == "__main__":
    main()
"""


def test_a_seeder_through_a_star_import_seeds(make_repo):
    assert rng(make_repo(star_repo(MAIN.format(seed="np.random.seed(0)")))) == []


def test_a_star_import_brings_names_through_a_nested_star_import(make_repo):
    files = star_repo(MAIN.format(seed="np.random.seed(0)"), config="from config.base import *\n")
    files["src/config/base.py"] = CONFIG
    assert rng(make_repo(files)) == []


def test_a_missing_seeder_next_to_a_star_import_is_still_reported(make_repo):
    assert rng(make_repo(star_repo(MAIN.format(seed="pass")))) == [("RNG002", "src/train.py", 11)]


def test_a_draw_through_a_star_import_is_a_draw(make_repo):
    body = "def main():\n    torch.manual_seed(0)\n    return np.random.rand()\n\n"
    body += "if __name__ == '__main__':\n    main()\n"
    files = star_repo(body)
    files["src/data/rows.py"] = "class Rows:\n    pass\n"
    assert rng(make_repo(files)) == [("RNG002", "src/train.py", 9)]


def test_all_decides_what_a_star_import_brings(make_repo):
    config = CONFIG + '\n__all__ = ["DATA_DIR"]\n'
    files = star_repo(MAIN.format(seed="np.random.seed(0)"), config=config)
    assert rng(make_repo(files)) == [("RNG002", "src/train.py", 11)]


# -- command-line options, config attributes, CI smoke tests ------------------------------------------------
OPTION_SCRIPT = """
import argparse

import torch


def sample(n):
    return torch.randint(0, 10, (n,))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--make_samples", {option})
    args = parser.parse_args()
    if args.make_samples:
        sample(4)
"""


@pytest.mark.parametrize("option", ['action="store_true"', "type=bool, default=False", 'action="store_false"'])
def test_a_draw_behind_a_command_line_option_may_run(make_repo, option):
    # a user turns an option on to use it: its default is not the only run (`-s True` documented in a help text)
    root = make_repo({"sample.py": OPTION_SCRIPT.format(option=option)})
    assert rng(root, select="RNG001") == [("RNG001", "sample.py", 10)]


SAMPLED = """
import numpy as np
import pandas as pd
from configs.default_config import cfg


def load(cfg):
    df = pd.read_csv(cfg.train_df)
    if cfg.data_sample > -1:
        df = df.sample(cfg.data_sample)
    return df


if __name__ == "__main__":
    np.random.seed(0)
    load(cfg)
"""


@pytest.mark.parametrize("value, reported", [("-1", False), ("1000", True)])
def test_a_config_attribute_every_config_sets_off_keeps_its_draw_from_running(make_repo, value, reported):
    config = "from types import SimpleNamespace\n\ncfg = SimpleNamespace()\ncfg.train_df = 'a.csv'\n"
    config += f"cfg.data_sample = {value}\n"
    root = make_repo({"configs/__init__.py": "", "configs/default_config.py": config, "train.py": SAMPLED})
    assert [p for _, p, _ in rng(root, select="RNG005")] == (["train.py"] if reported else [])


SMOKE = [
    "import os\n",
    "import torch\n",
    "smoke_test = ('CI' in os.environ)\n",
    "if smoke_test:\n",
    "    X = torch.randn(100, 3)\n",
    "else:\n",
    "    X = torch.load('data.pt')\n",
]


def test_a_ci_smoke_test_branch_is_not_what_a_notebook_run_takes(make_repo):
    assert rng(make_repo({"nb.ipynb": notebook(SMOKE, ["print(X.mean())\n"])})) == []
    getter = [line.replace("('CI' in os.environ)", "os.environ.get('CI')") for line in SMOKE]
    assert rng(make_repo({"nb.ipynb": notebook(getter, ["print(X.mean())\n"])})) == []
    # look-alike: the other branch draws
    swapped = [line.replace("if smoke_test", "if not smoke_test") for line in SMOKE]
    assert rng(make_repo({"nb.ipynb": notebook(swapped, ["print(X.mean())\n"])})) == [("RNG001", "nb.ipynb", 5)]


LOADED = [
    "import torch\n",
    "from gpkit.models import ApproximateGP\n",
    "class Net(ApproximateGP):\n",
    "    def __init__(self, points):\n",
    "        super().__init__(points)\n",
    "        self.scale = 1.0\n",
    "points = torch.randn(50, 3)\n",
    "model = Net(points)\n",
    "model = model.cuda()\n",
]


def test_a_draw_that_only_builds_a_model_whose_state_is_loaded_is_overwritten(make_repo):
    load = ["model.load_state_dict(torch.load('net.pt'))\n", "print(model(torch.ones(3)))\n"]
    assert rng(make_repo({"nb.ipynb": notebook(LOADED, load)})) == []
    # look-alikes: no state loaded, or the drawn value also used elsewhere
    assert rng(make_repo({"nb.ipynb": notebook(LOADED, load[1:])})) == [("RNG001", "nb.ipynb", 7)]
    used = [*load, "print(points.sum())\n"]
    assert rng(make_repo({"nb.ipynb": notebook(LOADED, used)})) == [("RNG001", "nb.ipynb", 7)]


def test_pretrained_keras_applications_draw_no_initial_weights(make_repo):
    imports = ["from tensorflow import keras\n", "from tensorflow.keras.applications.xception import Xception\n"]
    predict = ["model = Xception(weights='imagenet', input_shape=(299, 299, 3))\n", "model.predict(X)\n"]
    assert rng(make_repo({"nb.ipynb": notebook(imports, predict)})) == []
    head = [
        "base = Xception(weights='imagenet', include_top=False)\n",
        "inputs = keras.Input(shape=(150, 150, 3))\n",
        "vectors = keras.layers.GlobalAveragePooling2D()(base(inputs))\n",
        "outputs = keras.layers.Dense(10)(vectors)\n",
        "model = keras.Model(inputs, outputs)\n",
    ]
    found = findings(make_repo({"nb.ipynb": notebook(imports, head, ["model.fit(X, y)\n"])}), select="RNG001")
    assert [(f["cell"], f["line"]) for f in found] == [(3, 4)]
    assert "the initial weights of keras.layers.Dense(...)" in found[0]["message"]
    scratch = ["model = Xception(weights=None)\n", "model.fit(X, y)\n"]
    (message,) = [f["message"] for f in findings(make_repo({"nb.ipynb": notebook(imports, scratch)}), select="RNG001")]
    assert "the initial weights of Xception(...)" in message


def test_a_notebook_model_trained_in_a_notebook_function_is_named_by_the_model_made_before(make_repo):
    base = "from torch import nn\n\n\nclass Base(nn.Module):\n    pass\n\n\nclass Scaler(nn.Module):\n    pass\n"
    cells = [
        ["import torch\n", "from gplib.models import Base, Scaler\n"],
        [
            "class GP(Base):\n",
            "    def __init__(self):\n",
            "        super().__init__()\n",
            "        self.s = Scaler()\n",
        ],
        ["model = GP()\n"],
        [
            "def train():\n",
            "    optimizer = torch.optim.Adam(model.parameters())\n",
            "    model(1).backward()\n",
            "    optimizer.step()\n",
        ],
        ["train()\n"],
    ]
    root = make_repo({"gplib/__init__.py": "", "gplib/models.py": base, "nb.ipynb": notebook(*cells)})
    (message,) = [f["message"] for f in findings(root, select="RNG001")]
    assert "the initial weights of GP(...) at nb.ipynb:cell 4:line 1" in message

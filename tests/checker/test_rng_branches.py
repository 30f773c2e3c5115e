"""RNG001/RNG002 leave out the branches an entry point never takes, and follow objects where they go."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import rng

DATA = """
import random

import numpy as np
from torch.utils.data import DataLoader

P_DROP = {p_drop}


def jitter(x):
    return x + random.random()


def load(path, augment=False, mode="train"):
    x = len(path)
    if augment:
        x = jitter(x)
    if mode == "train":
        x += np.random.rand()
    if P_DROP > 0:
        x *= np.random.rand()
    return x


def loader(dataset, deterministic=False):
    if deterministic:
        return DataLoader(dataset, batch_size=4, shuffle=False)
    else:
        return DataLoader(dataset, batch_size=4, shuffle=True)


class Images:
    def __init__(self, paths, augment=False, rect=False):
        self.paths = paths
        self.augment = augment
        self.mosaic = self.augment and not rect

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        if self.mosaic and random.random() < 0.5:
            return self.load_mosaic(index)
        return self.paths[index]

    def load_mosaic(self, index):
        return [self.paths[i] for i in np.random.randint(0, len(self), 4)]


def make(paths, augment=False):
    return Images(paths, augment=augment)
"""


MAIN = "if __name__ == '__main__':"


def project(main: str, p_drop: str = "0") -> dict[str, str]:
    body = "\n".join("    " + line for line in main.strip().splitlines())
    return {
        "data.py": DATA.format(p_drop=p_drop),
        "evaluate.py": f"import sys\n\nfrom data import Images, load, loader, make\n\n{MAIN}\n{body}\n",
    }


@pytest.mark.parametrize(
    "main",
    [
        "print(load('a', mode='eval'))",  # augment left at False, mode not "train", P_DROP = 0
        "print(load('a', False, 'eval'))",
        "print(loader([1, 2], deterministic=True))",  # the shuffling loader is in the branch not taken
        "print(list(loader(Images(['a']), deterministic=True)))",  # a dataset without augmentation
        "print(list(loader(make(['a']), deterministic=True)))",  # the flag passed on, left at its default
    ],
)
def test_branches_the_entry_point_never_takes_do_not_count(make_repo, main):
    assert rng(make_repo(project(main)), "RNG001,RNG002") == []


@pytest.mark.parametrize(
    "main",
    [
        "print(load('a'))",  # mode defaults to "train"
        "print(load('a', augment=True, mode='eval'))",
        "print(load('a', augment=len(sys.argv) > 1, mode='eval'))",  # not a constant: may be on
        "print(list(map(load, ['a'])))",  # handed to a call: run with any arguments
        "print(loader([1, 2]))",
        "print(list(loader(Images(['a'], augment=True), deterministic=True)))",
        "print(list(loader(make(['a'], augment=True), deterministic=True)))",
    ],
)
def test_branches_the_entry_point_may_take_still_count(make_repo, main):
    assert [code for code, _, _ in rng(make_repo(project(main)), "RNG001,RNG002")] == ["RNG001"]


def test_a_flag_assigned_once_to_off_is_off(make_repo):
    main = "print(load('a', mode='eval'))"
    assert rng(make_repo(project(main, p_drop="0")), "RNG001,RNG002") == []
    assert [code for code, _, _ in rng(make_repo(project(main, p_drop="0.1")), "RNG001,RNG002")] == ["RNG001"]
    twice = project(main, p_drop="0")
    twice["data.py"] = twice["data.py"].replace("P_DROP = 0\n", "P_DROP = 0\nif len(__file__) > 3:\n    P_DROP = 0.5\n")
    assert [code for code, _, _ in rng(make_repo(twice), "RNG001,RNG002")] == ["RNG001"]


# -- objects where they go ------------------------------------------------------------------------
MODELS = """
import numpy as np


class Base:
    def run(self, x):
        return self.augment(x)

    def augment(self, x):
        return x

    def predict(self, x):
        return x

    def noisy(self, x):
        return x + np.random.rand()


class Plain(Base):
    pass


class Noisy(Base):
    def augment(self, x):
        return x + np.random.rand()
"""


@pytest.mark.parametrize(
    ("main", "fires"),
    [
        ("Plain().run(1)", False),  # Noisy.augment runs only for Noisy objects
        ("Noisy().run(1)", True),
        ("m = Plain()\nprint(m.run(1), Noisy)", False),  # naming the class makes no object
        ("evaluate(Plain())", False),  # followed into the project function: it predicts
        ("shake(Plain())", True),  # ... which draws
        ("keep(Plain())", True),  # ... which hands it on: any method may run
        ("print(isinstance(1, Noisy), getattr(Plain(), 'predict'))", False),
    ],
)
def test_objects_are_followed_where_they_go(make_repo, main, fires):
    helpers = (
        "def evaluate(model):\n    return model.predict(1)\n\n\n"
        "def shake(model):\n    return model.noisy(1)\n\n\n"
        "def keep(model):\n    return [model]\n"
    )
    body = "\n".join("    " + line for line in main.splitlines())
    files = {
        "models.py": MODELS,
        "run.py": f"from models import Noisy, Plain\n\n\n{helpers}\n\nif __name__ == '__main__':\n{body}\n",
    }
    assert [code for code, _, _ in rng(make_repo(files))] == (["RNG001"] if fires else [])


NOISY_NET = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        if self.training:
            x = x + torch.randn_like(x)
        return self.fc(x)
"""


@pytest.mark.parametrize(
    ("mode", "fires"),
    [("net.eval()", False), ("pass", True), ("net.eval()\n    net.train()", True), ("net.train(False)", True)],
)
def test_training_only_draws_of_a_model_in_evaluation_mode(make_repo, mode, fires):
    predict = (
        "import torch\n\nfrom net import Net\n\nif __name__ == '__main__':\n    net = Net()\n"
        f"    net.load_state_dict(torch.load('w.pt'))\n    {mode}\n    print(net(torch.zeros(1, 8)))\n"
    )
    found = rng(make_repo({"net.py": NOISY_NET, "predict.py": predict}))
    assert [code for code, _, _ in found] == (["RNG001"] if fires else [])


DROP_PATH = """
import torch


def drop_path(x, drop_prob=0.0, training=False):
    if drop_prob == 0.0 or not training:
        return x
    for _ in range(2):
        if x is None:
            continue
        x = x * torch.rand(1)
    return x
"""


@pytest.mark.parametrize(("call", "fires"), [("drop_path(x)", False), ("drop_path(x, 0.1, True)", True)])
def test_code_after_an_early_return_runs_only_when_its_test_is_false(make_repo, call, fires):
    run = f"import torch\n\nfrom layers import drop_path\n\n{MAIN}\n    x = torch.ones(2)\n    print({call})\n"
    found = rng(make_repo({"layers.py": DROP_PATH, "run.py": run}))
    assert [code for code, _, _ in found] == (["RNG001"] if fires else [])

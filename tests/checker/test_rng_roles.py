"""RNG precision: self-tests of modules, draws no entry point runs, weights a checkpoint replaces, timing runs."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import rng

# -- `__main__` blocks that exercise a module the project uses -------------------------------------------------
RESAMPLE = """
import numpy as np


def resample(data, shape):
    return np.resize(data, shape)


if __name__ == "__main__":
    x = np.random.random((1, 4, 4))
    print(resample(x, (2, 2)).shape)
"""

PLANNER = """
from lib.resample import resample


def plan(data):
    return resample(data, (2, 2))


if __name__ == "__main__":
    print(plan([1, 2, 3, 4]))
"""


def test_a_main_block_drawing_input_for_a_module_another_script_imports_is_a_self_test(make_repo):
    # the only importer is itself a module with a `__main__` block (a library full of dev-scratch blocks)
    root = make_repo({"lib/__init__.py": "", "lib/resample.py": RESAMPLE, "lib/planner.py": PLANNER})
    assert rng(root, select="RNG001") == []


SASHIMI = """
import torch
from torch import nn


class Sashimi(nn.Module):
    def forward(self, x):
        return x


if __name__ == "__main__":
    model = Sashimi()
    x = torch.randn(3, 16, 8)
    print(model(x).shape)
"""

REGISTRY = 'MODELS = {\n    "sashimi": "models.sashimi.sashimi.Sashimi",\n}\n'


def test_a_module_named_in_a_registry_string_is_used_by_the_project(make_repo):
    # not in a package (no __init__.py), never imported: instantiated from a dotted string
    root = make_repo({"models/sashimi/sashimi.py": SASHIMI, "src/registry.py": REGISTRY})
    assert rng(root, select="RNG001") == []
    config = "model:\n  _target_: models.sashimi.sashimi.Sashimi\n  depth: 2\n"
    root = make_repo({"models/sashimi/sashimi.py": SASHIMI, "configs/model/sashimi.yaml": config})
    assert rng(root, select="RNG001") == []


@pytest.mark.parametrize(
    "change",
    [
        "argparse",  # reads a command line: a program
        "makefile",  # a command runs it
        "readme",  # the README tells users to run it
        "unused",  # nothing else uses the module: a script
        "draw_in_function",  # the draw is the module's own work, not made-up input of the block
        "program_name",  # named like a program
        "writes",  # writes what it draws: it makes data
    ],
)
def test_look_alikes_of_an_exercising_main_block_stay_programs(make_repo, change):
    files = {"lib/__init__.py": "", "lib/resample.py": RESAMPLE, "lib/planner.py": PLANNER}
    path = "lib/resample.py"
    if change == "argparse":
        files[path] = "import argparse\n" + RESAMPLE.replace(
            "    x = np.random", "    argparse.ArgumentParser().parse_args()\n    x = np.random"
        )
    elif change == "makefile":
        files["Makefile"] = "check:\n\tpython lib/resample.py\n"
    elif change == "readme":
        files["README.md"] = "# Resampling\n\n```\npython lib/resample.py\n```\n"
    elif change == "unused":
        files["lib/planner.py"] = "def plan(data):\n    return data\n"
    elif change == "draw_in_function":
        files[path] = (
            "import numpy as np\n\n\ndef resample(shape):\n    return np.random.random(shape)\n\n\n"
            "if __name__ == '__main__':\n    print(resample((2, 2)))\n"
        )
    elif change == "writes":
        saved = "    np.save('x.npy', resample(x, (2, 2)))"
        files[path] = RESAMPLE.replace("    print(resample(x, (2, 2)).shape)", saved)
    elif change == "program_name":
        del files[path]
        path = "lib/train_resample.py"
        files[path] = RESAMPLE
        files["lib/planner.py"] = PLANNER.replace("lib.resample", "lib.train_resample")
    assert path in [p for _, p, _ in rng(make_repo(files), select="RNG001")]


# -- RNG005: draws that no entry point runs ---------------------------------------------------------------------
WAVENET = """
import numpy as np
import torch
from torch import nn


class WaveNet(nn.Module):
    def forward(self, x):
        return x

    def generate(self, n):
        return np.random.choice(256, size=n)
"""

SEEDED_TRAIN = """
import numpy as np
import torch

from pkg.wavenet import WaveNet

if __name__ == "__main__":
    np.random.seed(0)
    torch.manual_seed(0)
    print(WaveNet()(torch.ones(2)))
"""


def test_rng005_a_method_no_entry_point_calls_is_not_reported(make_repo):
    root = make_repo({"pkg/__init__.py": "", "pkg/wavenet.py": WAVENET, "train.py": SEEDED_TRAIN})
    assert rng(root, select="RNG005") == []
    # the same module that no entry point runs at all is library code: still reported
    root = make_repo({"pkg/__init__.py": "", "pkg/wavenet.py": WAVENET, "pkg/api.py": "from pkg import wavenet\n"})
    assert rng(root, select="RNG005") == [("RNG005", "pkg/wavenet.py", 11)]


DATASET_UTILS = """
import numpy as np


def build_samples(n, do_permutation=False):
    samples = list(range(n))
    if do_permutation:
        samples = np.random.permutation(samples)
    return samples
"""


@pytest.mark.parametrize(
    "call, expected",
    [
        ("build_samples(10)", []),  # the flag is left at its default, off: the draw never runs
        ("build_samples(10, do_permutation=False)", []),
        ("build_samples(10, do_permutation=True)", [("RNG001", "pretrain.py", 3)]),  # runs unseeded: RNG001's
    ],
)
def test_rng005_a_draw_behind_a_flag_every_caller_leaves_off_is_not_reported(make_repo, call, expected):
    train = f"from pkg.dataset_utils import build_samples\n\nif __name__ == '__main__':\n    print({call})\n"
    root = make_repo({"pkg/__init__.py": "", "pkg/dataset_utils.py": DATASET_UTILS, "pretrain.py": train})
    assert rng(root, select="RNG001,RNG005") == expected


MNIST = """
from torch.utils.data import random_split

from pkg.base import BaseDataModule, load_and_print_info


class MNIST(BaseDataModule):
    def setup(self, stage=None):
        self.train, self.val = random_split(list(range(10)), [8, 2])


if __name__ == "__main__":
    load_and_print_info(MNIST)
"""

BASE = """
class BaseDataModule:
    pass


def load_and_print_info(cls):
    data = cls()
    data.setup()
    print(data)
"""

RUN_EXPERIMENT = """
import importlib

import torch

import pkg

torch.manual_seed(42)


def main(name):
    module, _, cls = name.rpartition(".")
    data = getattr(importlib.import_module(module), cls)()
    data.setup()


if __name__ == "__main__":
    main("pkg.mnist.MNIST")
"""


def test_rng005_a_hook_run_only_by_the_modules_self_test_is_not_reported(make_repo):
    # the training entry makes the data module by name (unseen); the module's own `__main__` block is a self-test
    files = {
        "pkg/__init__.py": "from pkg.mnist import MNIST\n",
        "pkg/base.py": BASE,
        "pkg/mnist.py": MNIST,
        "run_experiment.py": RUN_EXPERIMENT,
    }
    assert rng(make_repo(files), select="RNG001,RNG005") == []


# -- initial weights a loaded checkpoint replaces ---------------------------------------------------------------
NETWORKS = """
import torch


class Conv(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        weight = torch.randn([n, n]).to(memory_format=torch.contiguous_format)
        self.weight = torch.nn.Parameter(weight)
        filt = torch.rand(n)
        self.register_buffer("filt", filt)

    def forward(self, x):
        return x @ self.weight
"""

GENERATE = """
import pickle

import numpy as np
import torch

from networks import Conv


def main(path, seed):
    G = Conv(4)
    G.load_state_dict(pickle.load(open(path, "rb")))
    G.eval()
    z = torch.from_numpy(np.random.RandomState(seed).randn(1, 4))
    print(G(z))


if __name__ == "__main__":
    main("g.pkl", 0)
"""


def test_initial_weights_drawn_into_a_name_then_made_a_parameter_are_not_a_use_for_inference(make_repo):
    root = make_repo({"networks.py": NETWORKS, "generate.py": GENERATE})
    assert rng(root, select="RNG001") == []


def test_initial_weights_made_a_parameter_through_a_name_count_once_the_model_trains(make_repo):
    train = GENERATE.replace("    G.eval()\n", "    torch.optim.Adam(G.parameters()).step()\n")
    root = make_repo({"networks.py": NETWORKS, "train.py": train})
    assert rng(root, select="RNG001") == [("RNG001", "train.py", 17)]


def test_a_drawn_name_that_feeds_a_computation_stays_a_use(make_repo):
    noisy = NETWORKS.replace(
        "        return x @ self.weight", "        noise = torch.randn(4)\n        return x @ self.weight + noise"
    )
    root = make_repo({"networks.py": noisy, "generate.py": GENERATE})
    assert rng(root, select="RNG001") == [("RNG001", "generate.py", 17)]


# -- tables filled by a decorator of their module ---------------------------------------------------------------
METRICS = """
import torch

_metric_dict = {table}


{decorator}


@{applied}
def fid50k(opts):
    return torch.randn(opts)


def unregistered(opts):
    return torch.rand(opts)


def calc_metric(name, opts):
    return _metric_dict[name](opts)
"""

PLAIN = "def register_metric(fn):\n    _metric_dict[fn.__name__] = fn\n    return fn"
FACTORY = (
    "def register_metric(name):\n    def wrap(fn):\n        _metric_dict[name] = fn\n        return fn\n\n"
    "    return wrap"
)


@pytest.mark.parametrize(
    "table, decorator, applied",
    [
        ("dict()", PLAIN, "register_metric"),
        ("{}", PLAIN, "register_metric"),
        ("{}", FACTORY, 'register_metric("fid")'),
    ],
)
def test_a_table_filled_by_a_decorator_of_its_module_reaches_the_decorated_functions(
    make_repo, table, decorator, applied
):
    metrics = METRICS.format(table=table, decorator=decorator, applied=applied)
    calc = "from metrics import calc_metric\n\nif __name__ == '__main__':\n    print(calc_metric('fid50k', 3))\n"
    found = rng(make_repo({"metrics.py": metrics, "calc_metrics.py": calc}), select="RNG001")
    assert found == [("RNG001", "calc_metrics.py", 3)]


def test_a_table_filled_elsewhere_is_not_followed(make_repo):
    metrics = METRICS.format(table="{}", decorator="", applied="staticmethod")
    calc = "from metrics import calc_metric\n\nif __name__ == '__main__':\n    print(calc_metric('fid50k', 3))\n"
    assert rng(make_repo({"metrics.py": metrics, "calc_metrics.py": calc}), select="RNG001") == []


# -- timing benchmarks ------------------------------------------------------------------------------------------
BENCH = """
import time

import torch


def bench(fn, *args, repeat=10):
    start = time.perf_counter()
    for _ in range(repeat):
        fn(*args)
    return (time.perf_counter() - start) / repeat


if __name__ == "__main__":
    x = torch.randn(1024, 1024)
    model = torch.nn.Linear(1024, 1024)
    print(f"{bench(model, x) * 1e3:.2f} ms")
"""


def test_random_tensors_that_only_feed_a_timed_call_are_not_a_use_in_a_benchmark(make_repo):
    assert rng(make_repo({"benchmark_linear.py": BENCH}), select="RNG001,RNG002") == []
    # run by a benchmark script: the same
    files = {"offload/offload.py": BENCH, "offload/run_benchmark.sh": "python offload.py --trials 3\n"}
    assert rng(make_repo(files), select="RNG001,RNG002") == []


@pytest.mark.parametrize(
    "path, code, expected",
    [
        # not named as a benchmark: the values may be the results (an experiment that logs its time)
        ("linear.py", BENCH, "torch"),
        ("benchmarks/linear.py", BENCH, "torch"),
        # named so, but nothing is timed: its results are not timings
        ("benchmark_linear.py", BENCH.replace("time.perf_counter()", "0.0"), "torch"),
        # a number drawn to size the work changes the timings: it counts (the tensor fill does not)
        (
            "benchmark_linear.py",
            BENCH.replace("import torch\n", "import numpy as np\nimport torch\n").replace(
                "    x = torch.randn(1024, 1024)",
                "    n = int(np.random.normal(512, 64))\n    x = torch.randn(n, 1024)",
            ),
            "numpy",
        ),
    ],
)
def test_look_alikes_of_a_timing_benchmark_stay_reported(make_repo, path, code, expected):
    from tests.checker.test_rng import messages

    found = messages(make_repo({path: code}), "RNG001")
    assert len(found) == 1 and f"uses the random state of {expected} (" in found[0]


# -- an evaluation-only program: the mode put back, a shadowed helper, an initialiser ---------------------------
MODEL_LIB = """
import torch
from torch import nn


def trunc_normal_(tensor, std=1.0):
    with torch.no_grad():
        tensor.uniform_(-2 * std, 2 * std)
    return tensor


def drop_path(x, drop_prob=0.0, training=False):
    if drop_prob == 0.0 or not training:
        return x
    return x * torch.rand(x.shape[0]).floor_()


class DropPath(nn.Module):
    def __init__(self, drop_prob):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x):
        return drop_path(x, self.drop_prob, self.training)


class Block(nn.Module):
    def __init__(self, drop_path=0.1):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(4))
        trunc_normal_(self.pos, std=0.02)
        self.drop = DropPath(drop_path)

    def forward(self, x):
        return self.drop(x + self.pos)

    def generate(self, x):
        was_training = self.training
        self.eval()
        out = self(x)
        self.train(was_training)
        return out
"""

PROFILE = """
import torch

from lib import Block


def profile():
    model = Block(drop_path=0.2)
    model.eval()
    print(model(torch.ones(4)), model.generate(torch.ones(4)))


if __name__ == "__main__":
    profile()
"""


def test_an_evaluation_only_program_draws_nothing_from_training_branches_or_initialisers(make_repo):
    assert rng(make_repo({"lib.py": MODEL_LIB, "profile_flops.py": PROFILE}), select="RNG001") == []


@pytest.mark.parametrize(
    "change",
    [
        "    model.train()\n",  # back in training mode: dropout and drop-path draw
        "    torch.optim.SGD(model.parameters(), lr=0.1).step()\n",  # trains: its initial weights count
    ],
)
def test_an_evaluation_program_that_trains_still_draws(make_repo, change):
    profile = PROFILE.replace("    print(model(", change + "    print(model(")
    assert rng(make_repo({"lib.py": MODEL_LIB, "profile_flops.py": profile}), select="RNG001") == [
        ("RNG001", "profile_flops.py", 13)
    ]


def test_a_mode_set_from_a_value_other_than_the_saved_one_is_training(make_repo):
    lib = MODEL_LIB.replace("self.train(was_training)", "self.train(True)")
    assert rng(make_repo({"lib.py": lib, "profile_flops.py": PROFILE}), select="RNG001") == [
        ("RNG001", "profile_flops.py", 12)
    ]


# -- draws whose value is thrown away ---------------------------------------------------------------------------
PREPARE = """
import numpy as np


def grab_indices(probs, n=5):
    confident = {}
    random_indices = {}
    for digit in range(10):
        confident[digit] = np.argsort(probs[:, digit])[-n:]
        random_indices[digit] = np.random.choice(len(probs), n, replace=False)
    return confident, random_indices


def prepare(probs):
    {unpack} = grab_indices(probs)
    print(indices)


if __name__ == "__main__":
    prepare(np.load("probs.npy"))
"""


@pytest.mark.parametrize(
    "unpack, fires",
    [
        ("indices, _", False),  # the drawn part of the result is thrown away
        ("indices, _random", False),
        ("_, indices", True),  # the drawn part is kept
        ("indices, chosen", True),
        ("indices", True),  # the whole tuple is kept
    ],
)
def test_a_draw_in_a_returned_element_every_caller_throws_away_is_not_a_use(make_repo, unpack, fires):
    root = make_repo({"prepare.py": PREPARE.replace("{unpack}", unpack)})
    assert bool(rng(root, select="RNG001")) is fires


def test_a_drawn_value_read_elsewhere_in_the_function_stays_a_use(make_repo):
    code = PREPARE.replace("{unpack}", "indices, _").replace(
        "    return confident, random_indices", "    print(random_indices)\n    return confident, random_indices"
    )
    assert rng(make_repo({"prepare.py": code}), select="RNG001") == [("RNG001", "prepare.py", 19)]

"""RNG: draws an entry point never makes (a stored sampler it replaces, a branch behind an option it leaves off)."""

from __future__ import annotations

from tests.checker.test_rng import rng

SAMPLER = """
import torch


class Sampler:
    def __init__(self, steps):
        self.steps = steps
        self.noise_sampler = lambda x: torch.randn_like(x)

    def __call__(self, x):
        for _ in range(self.steps):
            x = x + self.noise_sampler(x)
        return x
"""

DEMO = """
import numpy as np
import torch

from sampling import Sampler


class SeededNoise:
    def __init__(self, seed):
        self.seed = seed

    def __call__(self, x):
        self.seed += 1
        return torch.from_numpy(np.random.RandomState(self.seed).randn(*x.shape))


def main(seed=0):
    sampler = Sampler(4)
    {replace}
    return sampler(torch.zeros(3))


if __name__ == "__main__":
    main()
"""


def sampler_repo(make_repo, replace: str):
    return make_repo({"sampling.py": SAMPLER, "demo.py": DEMO.format(replace=replace)})


def test_a_stored_sampler_the_entry_point_replaces_never_draws(make_repo):
    assert rng(sampler_repo(make_repo, "sampler.noise_sampler = SeededNoise(seed)")) == []


def test_a_stored_sampler_replaced_through_an_attribute_chain_never_draws(make_repo):
    chain = "holder = type('H', (), {})()\n    holder.s = sampler\n    holder.s.noise_sampler = SeededNoise(seed)"
    root = sampler_repo(make_repo, chain)
    assert rng(root) == []


def test_a_stored_sampler_left_in_place_draws(make_repo):
    assert rng(sampler_repo(make_repo, "pass")) == [("RNG001", "demo.py", 22)]


def test_replacing_another_attribute_leaves_the_sampler_drawing(make_repo):
    assert rng(sampler_repo(make_repo, "sampler.steps = 2")) == [("RNG001", "demo.py", 22)]


def test_a_draw_in_a_method_is_not_a_stored_sampler(make_repo):
    files = {
        "sampling.py": SAMPLER.replace("x + self.noise_sampler(x)", "x + self.noise_sampler(x) + torch.randn(3)"),
        "demo.py": DEMO.format(replace="sampler.noise_sampler = SeededNoise(seed)"),
    }
    assert rng(make_repo(files)) == [("RNG001", "demo.py", 22)]


LOADERS = """
import argparse

import torch


class MultiEpochSampler(torch.utils.data.Sampler):
    def __init__(self, data, epochs):
        self.data, self.epochs = data, epochs

    def __iter__(self):
        return iter(torch.cat([torch.randperm(len(self.data)) for _ in range(self.epochs)]).tolist())


def get_loaders(data, batch_size=64, use_multiepoch_sampler=False, **kwargs):
    if use_multiepoch_sampler:
        return torch.utils.data.DataLoader(data, batch_size, sampler=MultiEpochSampler(data, 10))
    return torch.utils.data.DataLoader(data, batch_size, shuffle=False)


def prepare_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--use_multiepoch_sampler", action="store_true")
    return parser
"""

MOMENTS = """
import argparse

import torch

import loaders


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, default=64)
    {option}
    config = vars(parser.parse_args())
    for batch in loaders.get_loaders(list(range(10)), **config):
        print(batch)


if __name__ == "__main__":
    main()
"""

TRAIN = """
import loaders

if __name__ == "__main__":
    config = vars(loaders.prepare_parser().parse_args())
    torch.manual_seed(0)
    loaders.get_loaders(list(range(10)), **config)
"""


def moments_repo(make_repo, option="", texts=None):
    files = {
        "loaders.py": LOADERS,
        "moments.py": MOMENTS.format(option=option),
        "train.py": TRAIN,
    }
    files.update(texts or {})
    return make_repo(files)


def test_an_option_only_another_scripts_parser_defines_stays_off_in_a_spread_config(make_repo):
    assert [f for f in rng(moments_repo(make_repo)) if f[1] == "moments.py"] == []


def test_an_option_the_entry_points_parser_defines_may_be_on(make_repo):
    root = moments_repo(make_repo, option='parser.add_argument("--use_multiepoch_sampler", action="store_true")')
    assert [f for f in rng(root) if f[1] == "moments.py"] == [("RNG001", "moments.py", 17)]


def test_an_option_set_in_a_script_may_be_on(make_repo):
    root = moments_repo(make_repo, texts={"run.sh": "python moments.py --use_multiepoch_sampler\n"})
    assert [f for f in rng(root) if f[1] == "moments.py"] == [("RNG001", "moments.py", 17)]


OPT_IN = """
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()
if args.seed is not None:
    torch.manual_seed(args.seed)
    {deterministic}
else:
    torch.backends.cudnn.benchmark = True
"""


def test_benchmark_mode_in_the_branch_that_does_not_ask_for_determinism_is_the_owners_choice(make_repo):
    root = make_repo({"test.py": OPT_IN.format(deterministic="torch.backends.cudnn.deterministic = True")})
    assert rng(root, select="RNG007") == []
    root = make_repo({"test.py": OPT_IN.format(deterministic="torch.use_deterministic_algorithms(True)")})
    assert rng(root, select="RNG007") == [("RNG007", "test.py", 10)]  # CUBLAS_WORKSPACE_CONFIG, not benchmark


def test_benchmark_mode_in_the_branch_that_asks_first_is_also_a_choice(make_repo):
    text = OPT_IN.replace("if args.seed is not None:", "if args.fast:").format(deterministic="pass")
    text = text.replace(
        "    torch.manual_seed(args.seed)\n    pass\nelse:\n    torch.backends.cudnn.benchmark = True",
        "    torch.backends.cudnn.benchmark = True\nelse:\n    torch.backends.cudnn.deterministic = True",
    )
    assert rng(make_repo({"test.py": text}), select="RNG007") == []


def test_benchmark_mode_beside_a_branch_that_only_seeds_is_reported(make_repo):
    root = make_repo({"test.py": OPT_IN.format(deterministic="pass")})
    assert rng(root, select="RNG007") == [("RNG007", "test.py", 12)]


def test_benchmark_mode_set_unconditionally_is_reported(make_repo):
    root = make_repo(
        {"test.py": "import torch\ntorch.backends.cudnn.deterministic = True\ntorch.backends.cudnn.benchmark = True\n"}
    )
    assert rng(root, select="RNG007") == [("RNG007", "test.py", 3)]

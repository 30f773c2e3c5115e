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
    root = sampler_repo(make_repo, "holder = type('H', (), {})()\n    holder.s = sampler\n    holder.s.noise_sampler = SeededNoise(seed)")
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

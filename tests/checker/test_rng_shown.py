"""RNG precision: draws with one possible outcome, values only shown or timed, seeds given back to the user, and
parameters that only a `**kwargs` dict could set."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import messages, notebook, rng
from tests.conftest import findings


def main_block(body: str, header: str = "import random\n\nimport numpy as np\n") -> str:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"{header}\n\nif __name__ == '__main__':\n{lines}\n"


# -- degenerate draws -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body, fires",
    [
        ("size = random.choice([800])\nprint(size)", False),
        ("size = random.choice((800,))\nprint(size)", False),
        ("n = random.randint(3, 3)\nprint(n)", False),
        ("x = random.uniform(0.5, 0.5)\nprint(x)", False),
        ("i = random.randrange(4, 5)\nprint(i)", False),
        ("i = np.random.randint(1)\nprint(i)", False),
        ("i = np.random.randint(2, 3)\nprint(i)", False),
        # look-alikes: more than one outcome
        ("size = random.choice([480, 512])\nprint(size)", True),
        ("n = random.randint(0, 3)\nprint(n)", True),
        ("i = random.randrange(4, 6)\nprint(i)", True),
        ("i = np.random.randint(2)\nprint(i)", True),
        ("x = random.uniform(0.5, 1.5)\nprint(x)", True),
    ],
)
def test_a_draw_with_one_possible_outcome_is_no_draw(make_repo, body, fires):
    root = make_repo({"run.py": main_block(body)})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["run.py"] if fires else [])


TRANSFORMS = """
import random


class RandomResize:
    def __init__(self, sizes, max_size=None):
        self.sizes = sizes
        self.max_size = max_size

    def __call__(self, img):
        size = random.choice(self.sizes)
        return img.resize(size)


class Compose:
    def __init__(self, steps):
        self.steps = steps

    def __call__(self, img):
        for step in self.steps:
            img = step(img)
        return img
"""


@pytest.mark.parametrize(
    "sites, fires",
    [
        (["T.RandomResize([800], max_size=1333)"], False),
        (["T.RandomResize([800], max_size=1333)", "T.RandomResize(sizes=[800])"], False),
        # look-alikes: a site with several sizes, or one the checker cannot read
        (["T.RandomResize([800], max_size=1333)", "T.RandomResize([480, 512, 800])"], True),
        (["T.RandomResize(SIZES)"], True),
    ],
)
def test_a_choice_from_an_attribute_that_every_construction_sets_to_one_element(make_repo, sites, fires):
    made = "\n".join(f"    transform{i} = T.Compose([{site}])\n    transform{i}(img)" for i, site in enumerate(sites))
    script = (
        "import sys\n\nimport data.transforms as T\n\nSIZES = [int(s) for s in sys.argv[1:]]\n\n\n"
        f"def load(img):\n{made}\n    return img\n\n\nif __name__ == '__main__':\n    load(sys.argv[1])\n"
    )
    root = make_repo({"data/__init__.py": "", "data/transforms.py": TRANSFORMS, "demo.py": script})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["demo.py"] if fires else [])


# -- values only shown --------------------------------------------------------------------------------------------
PLOTTING = """
import numpy as np
from PIL import ImageDraw


def {name}(image, boxes):
    draw = ImageDraw.Draw(image)
    for box in boxes:
        color = tuple(np.random.randint(0, 255, size=3).tolist())
        draw.rectangle(box, outline=color, width=6)
        draw.rectangle(box, fill=color)
    return image


if __name__ == "__main__":
    import sys
    {name}(sys.argv[1], [])
"""


@pytest.mark.parametrize("name, fires", [("plot_boxes_to_image", False), ("draw_masks", False), ("cutout", True)])
def test_a_colour_drawn_for_a_picture_is_not_a_result(make_repo, name, fires):
    # a random fill in a function not named for drawing may be an augmentation (random erasing): still counted
    root = make_repo({"vis.py": PLOTTING.format(name=name)})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["vis.py"] if fires else [])


@pytest.mark.parametrize(
    "body, fires",
    [
        ("plt.plot(np.random.randn(50))\nplt.show()", False),
        ("fig, ax = plt.subplots()\nax.scatter(np.random.rand(10), np.random.rand(10))", False),
        # look-alike: what is plotted is computed from the draw (a training run's losses)
        ("losses = np.cumsum(np.random.rand(10))\nplt.plot(losses)\nnp.save('losses.npy', losses)", True),
        ("plt.plot(np.cumsum(np.random.rand(10)))", True),
    ],
)
def test_a_value_drawn_straight_into_a_plot_is_not_a_result(make_repo, body, fires):
    header = "import matplotlib.pyplot as plt\nimport numpy as np\n"
    root = make_repo({"show.py": main_block(body, header)})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["show.py"] if fires else [])


@pytest.mark.parametrize(
    "cells, fires",
    [
        # a size drawn to display an image at
        (
            [
                ["import random\n", "import IPython.display as display\n"],
                ["size = 10 ** (random.random() * 2 + 1)\n"],
                ["display.Image(url='u.png', width=size, height=size)\n"],
            ],
            False,
        ),
        # an example picked to show, its label printed and its image the cell's last expression
        (
            [
                ["import random\n", "import wandb\n"],
                ["idx = random.randint(0, 9)\n", "print(ys[idx])\n", "wandb.Image(xs[idx]).image\n"],
            ],
            False,
        ),
        # tensors only timed, moved to the GPU and timed again
        (
            [
                ["import torch\n", "a = torch.rand(100, 200)\n", "b = torch.rand(200, 300)\n"],
                ["%timeit a @ b\n"],
                ['a, b = a.to("cuda"), b.to("cuda")\n'],
                ["%timeit a @ b\n"],
            ],
            False,
        ),
        # the same name bound again later and used for real: the earlier value is still only shown
        (
            [
                ["import random\n", "import torch\n"],
                ["idx = random.randint(0, 9)\n", "print(ys[idx])\n"],
                ["idx = 3\n", "out = model(xs[idx])\n"],
            ],
            False,
        ),
        # look-alikes: the draw feeds a computation, the timed value feeds a result, a value nothing reads
        (
            [["import random\n"], ["idx = random.randint(0, 9)\n", "out = cnn(xs[idx:idx + 1])\n", "print(out)\n"]],
            True,
        ),
        ([["import torch\n", "a = torch.rand(3)\n"], ["%timeit a @ a\n"], ["w = train(a)\n"]], True),
        ([["import torch\n", "a = torch.rand(3)\n"]], True),
        # the loop reads `politeness` in a prompt handed to a model: not only shown
        (
            [
                ["import random\n"],
                [
                    "for entry in data:\n",
                    "    politeness = random.choice(['polite', 'rude'])\n",
                    "    prompt = f'be {politeness}'\n",
                    "    print(query(prompt))\n",
                ],
            ],
            True,
        ),
    ],
)
def test_a_notebook_value_only_shown_or_timed_is_not_a_result(make_repo, cells, fires):
    root = make_repo({"explore.ipynb": notebook(*cells)})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["explore.ipynb"] if fires else [])


# -- RNG003: a random seed given back to the user -------------------------------------------------------------------
GRADIO = """
import random

import torch


def sample(prompt, seed=42, randomize_seed=True):
    if randomize_seed:
        seed = random.randint(0, 2**63 - 1)
    torch.manual_seed(seed)
    {tail}
"""


@pytest.mark.parametrize(
    "tail, recorded",
    [
        ("return run(prompt), seed", "returned at demo.py:10"),
        ("print(f'seed: {seed}')\n    return run(prompt)", "printed at demo.py:10"),
        ("logger.info('seed %d', seed)\n    return run(prompt)", "logged at demo.py:10"),
        ("return run(prompt)", None),
        ("return run(prompt, seed + 1)", None),
    ],
)
def test_a_random_seed_given_back_to_the_user_is_info(make_repo, tail, recorded):
    root = make_repo({"demo.py": GRADIO.format(tail=tail)})
    found = findings(root, select="RNG003")
    assert len(found) == 1
    if recorded is None:
        assert found[0]["severity"] == "warning"
        assert "no run can be repeated" in found[0]["message"]
    else:
        assert found[0]["severity"] == "info"
        assert f"the seed is {recorded}, so a run can be repeated by hand" in found[0]["message"]


# -- parameters only a **kwargs dict could set ---------------------------------------------------------------------
TOKENIZER = """
import json

import torch


class Tokenizer:
    def __init__(self, context_length=77, reduction_mask=""):
        self.context_length = context_length
        self.reduction_mask = reduction_mask

    def __call__(self, text):
        tokens = list(text)
        if self.reduction_mask:
            keep = torch.randperm(len(tokens))[: self.context_length]
            tokens = [tokens[i] for i in keep]
        return tokens


_tokenizer = Tokenizer()


def get_tokenizer(path):
    with open(path) as f:
        kwargs = json.load(f).get("tokenizer_kwargs", {})
    return Tokenizer(context_length=64, **kwargs)
"""


@pytest.mark.parametrize(
    "extra, fires",
    [
        ({}, False),
        # look-alikes: a config, or another call, names the parameter: the dict may set it
        ({"configs/model.json": '{"tokenizer_kwargs": {"reduction_mask": "random"}}\n'}, True),
        ({"other.py": "from tok import Tokenizer\n\nTOK = dict(reduction_mask='simple')\n"}, True),
        ({"run.sh": "python zeroshot.py --reduction-mask simple\n"}, True),
    ],
)
def test_a_parameter_named_nowhere_else_keeps_its_default_through_kwargs(make_repo, extra, fires):
    script = (
        "import sys\n\nfrom tok import get_tokenizer\n\n"
        "if __name__ == '__main__':\n    print(get_tokenizer(sys.argv[1])('abc'))\n"
    )
    root = make_repo({"tok.py": TOKENIZER, "zeroshot.py": script, **extra})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["zeroshot.py"] if fires else [])


AUDIO = """
import random


class Preprocess:
    def __init__(self, trunc="rand_trunc"):
        self.trunc = trunc

    def __call__(self, wave):
        if self.trunc == "rand_trunc":
            start = random.randint(0, 10)
            return wave[start:]
        return wave


def make_transform(is_train=False, fusion=False):
    trunc = "rand_trunc" if is_train else "trunc"
    if fusion:
        trunc = "fusion"
    return Preprocess(trunc=trunc)
"""


@pytest.mark.parametrize("is_train, fires", [("False", False), ("True", True)])
def test_a_variable_set_in_branches_takes_each_value_it_is_set_to(make_repo, is_train, fires):
    script = (
        "import sys\n\nfrom audio import make_transform\n\nif __name__ == '__main__':\n"
        f"    transform = make_transform(is_train={is_train}, fusion=len(sys.argv) > 2)\n"
        "    print(transform(sys.argv[1]))\n"
    )
    root = make_repo({"audio.py": AUDIO, "evaluate.py": script})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["evaluate.py"] if fires else [])


def test_messages_name_the_draw_that_is_left(make_repo):
    body = "size = random.choice([800])\nx = np.random.rand(3)\nprint(size, x)"
    root = make_repo({"run.py": main_block(body)})
    (message,) = messages(root, "RNG001")
    assert "np.random.rand(...)" in message and "random.choice" not in message


# -- values overwritten before they are read ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body, fires",
    [
        ("C = np.random.normal(size=n)\nx = np.arange(n)\nC = np.eye(n)\nreturn C @ x", False),
        (
            "C = np.random.normal(size=n)\nif kind == 'a':\n    C = np.ones(n)\n"
            "elif kind == 'b':\n    C = np.zeros(n)\n"
            "else:\n    raise ValueError(kind)\nreturn C",
            False,
        ),
        # look-alikes: read before it is bound again, bound again on one path only, or handed to a call first
        ("C = np.random.normal(size=n)\nx = C.sum()\nC = np.eye(n)\nreturn C * x", True),
        ("C = np.random.normal(size=n)\nif kind == 'a':\n    C = np.ones(n)\nreturn C", True),
        ("C = np.random.normal(size=n)\nC = C / C.sum()\nreturn C", True),
        ("C = scale(np.random.normal(size=n))\nC = np.eye(n)\nreturn C", True),
    ],
)
def test_a_drawn_value_bound_again_before_any_read_is_not_used(make_repo, body, fires):
    lines = "\n".join("    " + line for line in body.splitlines())
    script = (
        "import sys\n\nimport numpy as np\n\nfrom util import scale\n\n\n"
        f"def kernel(n, kind):\n{lines}\n\n\n"
        "if __name__ == '__main__':\n    print(kernel(int(sys.argv[1]), sys.argv[2]))\n"
    )
    root = make_repo({"util.py": "def scale(x):\n    return x * 2\n", "kernels.py": script})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["kernels.py"] if fires else [])


TRANSITION = [
    "import numpy as np\n",
    "def transition(measure, N):\n",
    "    if measure == 'legs':\n",
    "        A = np.eye(N)\n",
    "    elif measure == 'random':\n",
    "        A = np.random.randn(N, N)\n",
    "    else:\n",
    "        raise NotImplementedError\n",
    "    return A\n",
]


@pytest.mark.parametrize(
    "calls, fires",
    [
        (["def plot(N=4, measure='legs'):\n", "    print(transition(measure, N))\n", "plot(N=8)\n"], False),
        (["measure = 'legs'\n", "print(transition(measure, 4))\n", "print(transition('legs', 8))\n"], False),
        # look-alikes: a call takes the branch, a value the notebook cannot read, the function handed on
        (["print(transition('legs', 4))\n", "print(transition('random', 4))\n"], True),
        (["import sys\n", "print(transition(sys.argv[1], 4))\n"], True),
        (["f = transition\n", "print(f('random', 4))\n", "print(transition('legs', 4))\n"], True),
        (["def plot(N=4, measure='legs'):\n", "    print(transition(measure, N))\n", "plot(measure='random')\n"], True),
    ],
)
def test_a_branch_of_a_notebook_function_that_no_call_takes_does_not_run(make_repo, calls, fires):
    root = make_repo({"kernels.ipynb": notebook(TRANSITION, calls)})
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["kernels.ipynb"] if fires else [])

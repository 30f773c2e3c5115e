"""RNG precision: a seeding through a star import's library alias, a loader looped over twice right after its
seeding (RNG006), and notebook draws that only pick what is shown (loops over drawn values, functions named for
showing, numpy<->torch views)."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.checker.test_rng import notebook
from tests.conftest import findings


def cells(*texts: str) -> str:
    """A notebook of code cells (after one markdown cell: the first code cell is cell 2)."""
    return notebook(*[dedent(text).strip("\n").splitlines(keepends=True) for text in texts])


def places(root, code: str) -> list[tuple[str, int | None, int | None]]:
    return sorted((f["path"], f.get("cell"), f["line"]) for f in findings(root, select=code))


# -- a seeder named through a library alias that a star import brings -----------------------------------------------
STAR_DRAW = """
from numpy.random import normal
{seeding}
def noise(x, scale): return normal(scale=scale, size=x.shape)
"""


@pytest.mark.parametrize(
    "header, seeding, fires",
    [
        # slides/birds.ipynb: `np` comes from `from fastbook import *`
        ("from fastbook import *", "np.random.seed(42)", False),
        ("from fastai.vision.all import *", "np.random.seed(42)", False),
        ("from fastai.vision.all import *", "numpy.random.seed(0)", False),
        # look-alikes: no star import (an unbound `np`), a call that seeds nothing, no seeding at all
        ("import os", "np.random.seed(42)", True),
        ("from fastbook import *", "np.random.get_state()", True),
        ("from fastbook import *", "", True),
    ],
)
def test_rng001_seeder_through_a_star_imported_alias(make_repo, header, seeding, fires):
    text = cells(header, STAR_DRAW.format(seeding=seeding), "x = np.zeros(3)\ny = noise(x, 0.3)\nprint(y.sum())\n")
    root = make_repo({"slides/birds.ipynb": text})
    assert bool(places(root, "RNG001")) is fires


def test_rng001_star_alias_seeding_in_a_script(make_repo):
    script = "from fastai.vision.all import *\nfrom numpy.random import rand\n\nif __name__ == '__main__':\n"
    seeded = script + "    np.random.seed(1)\n    print(rand(3).sum())\n"
    unseeded = script + "    print(rand(3).sum())\n"
    root = make_repo({"seeded.py": seeded, "unseeded.py": unseeded})
    assert [p for p, _, _ in places(root, "RNG001")] == ["unseeded.py"]


# -- RNG006: the loader is looped over twice, right after its seeding -----------------------------------------------
IMPORTS = """
import torch
from torch.utils.data import DataLoader, TensorDataset
"""


def test_rng006_loops_over_the_same_loader_after_its_seeding(make_repo):
    """ch12_part1.ipynb: `torch.manual_seed(1)`, the loader, a loop printing its batches, then an epoch loop over it:
    every batch order follows that seeding; an earlier cell's `data_loader` is another loader."""
    text = cells(
        IMPORTS,
        "data_loader = DataLoader(torch.arange(6), batch_size=3, drop_last=False)\nfor item in data_loader:\n"
        "    print(item)\n",
        """
        ds = TensorDataset(torch.rand(4, 3), torch.arange(4))
        """,
        """
        torch.manual_seed(1)
        data_loader = DataLoader(dataset=ds, batch_size=2, shuffle=True)

        for i, batch in enumerate(data_loader, 1):
            print(f'batch {i}:', 'x:', batch[0], 'y:', batch[1])

        for epoch in range(2):
            print(f'epoch {epoch+1}')
            for i, batch in enumerate(data_loader, 1):
                print(f'batch {i}:', 'x:', batch[0], 'y:', batch[1])
        """,
    )
    root = make_repo({"nb.ipynb": text})
    assert places(root, "RNG006") == []


@pytest.mark.parametrize(
    "between",
    [
        "model = torch.nn.Linear(3, 1)",  # a model made between the two loops draws from torch
        "for x in other_loader:\n    print(x)",  # a loop over another loader
        "for i, batch in enumerate(data_loader):\n    noise = torch.rand(3)",  # the loop's body draws
    ],
)
def test_rng006_lookalikes_between_the_loops_keep_the_note(make_repo, between):
    body = (
        "torch.manual_seed(1)\ndata_loader = DataLoader(ds, batch_size=2, shuffle=True)\n"
        "other_loader = DataLoader(ds, batch_size=2)\n"
        f"{between}\n"
        "for epoch in range(2):\n    for batch in data_loader:\n        print(batch)\n"
    )
    text = cells(IMPORTS, "ds = TensorDataset(torch.rand(4, 3), torch.arange(4))\n", body)
    root = make_repo({"nb.ipynb": text})
    assert [cell for _, cell, _ in places(root, "RNG006")] == [4]


def test_rng006_a_later_cell_that_binds_the_name_again_hides_nothing(make_repo):
    """A later cell loops over a new `data_loader` after a model is made: that read is of the other loader, not of
    the seeded one; the seeded one's own loop still follows its seeding."""
    text = cells(
        IMPORTS,
        "ds = TensorDataset(torch.rand(4, 3), torch.arange(4))\n",
        "torch.manual_seed(1)\ndata_loader = DataLoader(ds, batch_size=2, shuffle=True)\nfor b in data_loader:\n"
        "    print(b)\n",
        "model = torch.nn.Linear(3, 1)\ndata_loader = DataLoader(ds, batch_size=2, shuffle=False)\n"
        "for b in data_loader:\n    print(model(b[0]))\n",
    )
    root = make_repo({"nb.ipynb": text})
    assert places(root, "RNG006") == []
    # look-alike: the later cell iterates the seeded loader itself, after a model is made
    changed = cells(
        IMPORTS,
        "ds = TensorDataset(torch.rand(4, 3), torch.arange(4))\n",
        "torch.manual_seed(1)\ndata_loader = DataLoader(ds, batch_size=2, shuffle=True)\nfor b in data_loader:\n"
        "    print(b)\n",
        "model = torch.nn.Linear(3, 1)\nfor b in data_loader:\n    print(model(b[0]))\n",
    )
    root = make_repo({"nb.ipynb": changed})
    assert [cell for _, cell, _ in places(root, "RNG006")] == [4]


# -- notebook draws that only pick what is shown -------------------------------------------------------------------
TRAINING = """
import random

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

torch.manual_seed(42)
model = nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss = model(torch.ones(1, 4)).sum()
loss.backward()
optimizer.step()
features = model.weight.detach()
"""


@pytest.mark.parametrize(
    "cell, fires",
    [
        # 08_pytorch_paper_replicating.ipynb: random feature maps picked to plot
        (
            """
            random_indexes = random.sample(range(0, 4), k=2)
            print(f"Showing feature maps {random_indexes}")
            fig, axs = plt.subplots(nrows=1, ncols=2)
            for i, idx in enumerate(random_indexes):
                feature_map = features[:, idx]
                axs[i].imshow(feature_map.numpy())
                axs[i].set(xticks=[], yticks=[])
            """,
            False,
        ),
        # a loop straight over the draw
        ("for idx in np.random.choice(4, 2):\n    plt.plot(features[:, idx].numpy())\n", False),
        # 06_pytorch_transfer_learning.ipynb: random test images handed to a function named for plotting
        (
            """
            paths = [f"img_{i}.jpg" for i in range(10)]
            sample = random.sample(population=paths, k=3)
            for image_path in sample:
                pred_and_plot_image(model=model, image_path=image_path, image_size=(224, 224))
            """,
            False,
        ),
        # look-alikes: the picked values feed a computation or a training step
        ("for idx in random.sample(range(4), k=2):\n    print(model(features[:, idx]))\n", True),
        (
            "sample = random.sample(range(4), k=2)\nfor idx in sample:\n    train_and_plot(model, features[:, idx])\n",
            True,
        ),
        (
            "picked = random.sample(range(4), k=2)\nfor idx in picked:\n    keep = features[:, idx]\nresult = keep\n",
            True,
        ),
    ],
)
def test_rng002_notebook_draws_that_only_pick_what_is_shown(make_repo, cell, fires):
    helper = "def pred_and_plot_image(model, image_path, image_size):\n    plt.title(image_path)\n"
    train = "def train_and_plot(model, x):\n    model(x).sum().backward()\n    plt.plot(x)\n"
    text = cells(TRAINING, helper + train, cell)
    root = make_repo({"nb.ipynb": text})
    assert [cell for _, cell, _ in places(root, "RNG002")] == ([4] if fires else [])


@pytest.mark.parametrize(
    "cell, fires",
    [
        # Part 1 - Tensors in PyTorch: a numpy array turned into a tensor and shown, never computed on
        ("b = torch.from_numpy(a)\nb\n", False),
        ("b = torch.as_tensor(a)\nprint(b)\n", False),
        # look-alike: the tensor feeds the model
        ("b = torch.from_numpy(a).float()\nout = model(b)\nout.sum().backward()\n", True),
    ],
)
def test_rng002_numpy_array_only_viewed_as_a_tensor(make_repo, cell, fires):
    setup = "import numpy as np\nimport torch\nfrom torch import nn\n\ntorch.manual_seed(7)\nmodel = nn.Linear(3, 1)\n"
    text = cells(setup, "a = np.random.rand(4, 3)\na\n", cell, "b.numpy()\n")
    root = make_repo({"nb.ipynb": text})
    assert bool(places(root, "RNG002")) is fires

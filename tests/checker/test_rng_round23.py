"""RNG precision: notebook draws whose values are only shown, timed or predicted on and shown (a list built by a
comprehension and timed, a demo DataFrame as a cell's last expression, points of a 3D scatter plot passed through
elementwise functions, a test image picked, opened and predicted on with its prediction printed)."""

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


IMPORTS = """
import random

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
"""


@pytest.mark.parametrize(
    "cell, fires",
    [
        # 01.07-Timing-and-Profiling: a list of draws built only to time a sort
        ("L = [random.random() for i in range(100000)]\n%timeit L.sort()\n", False),
        # another shape: drawn points built by a comprehension, only plotted
        ("xs = [np.random.randn() for _ in range(10)]\nplt.plot(xs)\n", False),
        # look-alikes: the list feeds a saved result, or each element is handed to a computation first
        ("L = [random.random() for i in range(10)]\ntotal = sum(L)\nnp.save('total.npy', total)\n", True),
        ("L = [simulate(random.random()) for i in range(10)]\n%timeit L.sort()\nnp.save('l.npy', L)\n", True),
        # 03.01-Introducing-Pandas-Objects: a demo frame filled with draws, the cell's last expression
        ("pd.DataFrame(np.random.rand(3, 2), columns=['foo', 'bar'], index=['a', 'b', 'c'])\n", False),
        ("df = pd.DataFrame(np.random.rand(3, 2), columns=['foo', 'bar'])\ndf\n", False),
        ("pd.Series(np.random.rand(3))\n", False),
        # look-alikes: the frame is fitted on, a draw computed on in the last expression, a draw not last
        ("df = pd.DataFrame(np.random.rand(3, 2))\nmodel = fit(df)\n", True),
        ("np.cumsum(np.random.rand(3))\n", True),
        # an in-place draw as the last expression fills a tensor that later cells read (01-tensor_tutorial cell 20)
        ("import torch\nt = torch.zeros(3)\nt.random_(10)\n", True),
        ("pd.DataFrame(np.random.rand(3, 2))\nx = 1\n", True),
        # rows put in a drawn order only to show other ones first; look-alike: the shuffled rows are split and fitted
        ("df = pd.DataFrame({'a': range(9)})\ndf = df.reindex(np.random.permutation(df.index))\ndisplay(df)\n", False),
        ("df = pd.DataFrame({'a': range(9)})\ndf = df.reindex(np.random.permutation(df.index))\nm = fit(df)\n", True),
        # 04.12-Three-Dimensional-Plotting: scattered points through elementwise functions into a 3D scatter plot
        (
            """
            ax = plt.axes(projection='3d')
            zdata = 15 * np.random.random(100)
            xdata = np.sin(zdata) + 0.1 * np.random.randn(100)
            ydata = np.cos(zdata) + 0.1 * np.random.randn(100)
            ax.scatter3D(xdata, ydata, zdata, c=zdata, cmap='Greens');
            """,
            False,
        ),
        # look-alike: the same points also feed a fit
        (
            """
            ax = plt.axes(projection='3d')
            zdata = 15 * np.random.random(100)
            xdata = np.sin(zdata) + 0.1 * np.random.randn(100)
            ax.scatter3D(xdata, zdata)
            coef = np.polyfit(xdata, zdata, 1)
            """,
            True,
        ),
    ],
)
def test_rng001_notebook_values_only_shown_or_timed(make_repo, cell, fires):
    root = make_repo({"nb.ipynb": cells(IMPORTS, cell)})
    assert bool(places(root, "RNG001")) is fires


SEEDED = """
import random
from pathlib import Path

import torch
from PIL import Image

torch.manual_seed(42)
model = torch.nn.Linear(4, 2)


def predict(img):
    with torch.inference_mode():
        return model(torch.ones(1, 4)), 0.1
"""


@pytest.mark.parametrize(
    "cell, fires",
    [
        # 09_pytorch_model_deployment: one test image picked, opened and predicted on; its prediction printed
        (
            """
            test_data_paths = list(Path("test").glob("*/*.jpg"))
            random_image_path = random.sample(test_data_paths, k=1)[0]
            image = Image.open(random_image_path)
            print(f"[INFO] Predicting on image at path: {random_image_path}")
            pred_dict, pred_time = predict(img=image)
            print(f"Prediction label and probability dictionary: {pred_dict}")
            print(f"Prediction time: {pred_time} seconds")
            """,
            False,
        ),
        # the video copy: the picked path also stands alone mid-cell, and the prediction is the last expression
        (
            """
            test_data_paths = list(Path("test").glob("*/*.jpg"))
            random_image_path = random.sample(test_data_paths, k=1)[0]
            random_image_path
            image = Image.open(random_image_path)
            pred_dict, pred_time = predict(img=image)
            pred_dict
            """,
            False,
        ),
        # look-alikes: a metric computed from the prediction, a prediction saved, a forward pass by another name
        (
            """
            paths = list(Path("test").glob("*/*.jpg"))
            picked = random.sample(paths, k=10)
            preds = predict(img=picked)
            accuracy = (preds == 1).mean()
            print(accuracy)
            """,
            True,
        ),
        (
            """
            paths = list(Path("test").glob("*/*.jpg"))
            image = Image.open(random.choice(paths))
            pred = predict(img=image)
            torch.save(pred, "pred.pt")
            """,
            True,
        ),
        (
            """
            paths = list(Path("test").glob("*/*.jpg"))
            image = Image.open(random.choice(paths))
            out = train_step(img=image)
            print(out)
            """,
            True,
        ),
    ],
)
def test_rng002_example_picked_to_predict_on_and_show(make_repo, cell, fires):
    root = make_repo({"nb.ipynb": cells(SEEDED, cell)})
    assert [c for _, c, _ in places(root, "RNG002")] == ([3] if fires else [])


# -- RNG006: a loader whose data set is made with its drawing branch turned off -----------------------------------
MEL = """
import random

import torch


class MelDataset(torch.utils.data.Dataset):
    def __init__(self, files, segment_size, split=True, shuffle=True, *, crop=False):
        self.files = files
        self.segment_size = segment_size
        self.split = split
        self.crop = crop
{extra}

    def __getitem__(self, index):
        audio = torch.load(self.files[index])
        if self.split:
            start = random.randint(0, audio.size(1) - self.segment_size)
            audio = audio[:, start:start + self.segment_size]
        if not self.crop:
            return audio
        return audio[:, random.randint(0, 3):]

    def __len__(self):
        return len(self.files)
"""

HIFI_TRAIN = """
import torch
from torch.utils.data import DataLoader

from meldataset import MelDataset


def train(h):
    torch.manual_seed(h.seed)
    trainset = MelDataset(h.train_files, h.segment_size)
    train_loader = DataLoader(trainset, num_workers=4, shuffle=False, batch_size=16, worker_init_fn=print)
    validset = {valid}
    validation_loader = DataLoader(validset, num_workers=1, shuffle=False, batch_size=1)
    for batch in train_loader:
        print(batch)
    for batch in validation_loader:
        print(batch)


if __name__ == "__main__":
    train(None)
"""


@pytest.mark.parametrize(
    "valid, extra, reported",
    [
        # hifi-gan train.py: the validation set is made with split=False (by position); __getitem__ draws only under
        # `if self.split:`
        ("MelDataset(h.valid_files, h.segment_size, False, False)", "", False),
        # another shape: by keyword
        ("MelDataset(h.valid_files, h.segment_size, split=False)", "", False),
        # look-alikes: split left at its default (True), a flag the run decides, the attribute stored again
        ("MelDataset(h.valid_files, h.segment_size)", "", True),
        ("MelDataset(h.valid_files, h.segment_size, split=h.split)", "", True),
        ("MelDataset(h.valid_files, h.segment_size, split=False)", "        self.split = not split", True),
        # the other branch still draws: `crop=True` turns on the crop's draw
        ("MelDataset(h.valid_files, h.segment_size, split=False, crop=True)", "", True),
    ],
)
def test_rng006_workers_of_a_data_set_made_with_its_draws_turned_off(make_repo, valid, extra, reported):
    files = {
        "requirements.txt": "torch==1.7.1\n",
        "meldataset.py": MEL.format(extra=extra),
        "train.py": HIFI_TRAIN.format(valid=valid),
    }
    found = [f["message"] for f in findings(make_repo(files), select="RNG006")]
    assert [("worker_init_fn" in m) for m in found] == ([True] if reported else [])

"""RNG001/RNG002: trainers that seed every library when made (`transformers.Trainer` calls `set_seed(args.seed)`)."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import notebook, rng
from tests.conftest import findings

HEADER = """
import random

import torch
from torch.utils.data import DataLoader
"""


def test_a_notebook_making_a_transformers_trainer_is_seeded(make_repo):
    # the judged shape: a loader peeked at, a Trainer made two cells later, a draw after it
    text = notebook(
        [
            "from transformers import Trainer, TrainingArguments\n",
            "import random\n",
            "from torch.utils.data import DataLoader\n",
        ],
        ["loader = DataLoader(ds, shuffle=True, batch_size=8)\n"],
        ["next(iter(loader))\n"],
        [
            "args = TrainingArguments(output_dir='out')\n",
            "trainer = Trainer(model=model, args=args, train_dataset=ds)\n",
        ],
        ["trainer.train()\n", "i = random.randint(0, 10)\n", "print(model(ds[i]))\n"],
    )
    assert rng(make_repo({"examples/lora.ipynb": text})) == []


@pytest.mark.parametrize(
    "trainer",
    [
        "from transformers import Seq2SeqTrainer\ntrainer = Seq2SeqTrainer(model, args)",
        "import transformers\ntrainer = transformers.Trainer(model=model, args=args)",
        "from trl import SFTTrainer\ntrainer = SFTTrainer(model=model, train_dataset=ds)",
        "from trl.trainer.dpo_trainer import DPOTrainer\ntrainer = DPOTrainer(model, ref, args=args)",
        "from sentence_transformers import SentenceTransformerTrainer\ntrainer = SentenceTransformerTrainer(model)",
    ],
)
def test_scripts_making_a_seeding_trainer_are_seeded(make_repo, trainer):
    code = f"{HEADER}\n\ndef main(model, ref, args, ds):\n"
    code += "".join(f"    {line}\n" for line in trainer.splitlines())
    code += (
        "    loader = DataLoader(ds, shuffle=True)\n    print(random.random(), torch.rand(1))\n    trainer.train()\n"
    )
    code += "\n\nif __name__ == '__main__':\n    main(None, None, None, None)\n"
    assert rng(make_repo({"train.py": code})) == []


SUBCLASS = """
from transformers import Trainer


class WeightedTrainer(Trainer):
{init}
    def compute_loss(self, model, inputs):
        return model(**inputs).loss
"""


@pytest.mark.parametrize(
    ("init", "seeded"),
    [
        ("", True),
        (
            "    def __init__(self, *args, w=1.0, **kwargs):\n"
            "        super().__init__(*args, **kwargs)\n        self.w = w\n",
            True,
        ),
        ("    def __init__(self, model):\n        self.model = model\n", False),  # the base constructor never runs
    ],
)
def test_a_project_subclass_of_a_seeding_trainer(make_repo, init, seeded):
    code = f"{HEADER}\nfrom trainers import WeightedTrainer\n\n\ndef main(model, ds):\n"
    code += "    trainer = WeightedTrainer(model)\n    print(random.random(), torch.rand(1))\n    trainer.train()\n"
    code += "\n\nif __name__ == '__main__':\n    main(None, None)\n"
    root = make_repo({"trainers.py": SUBCLASS.format(init=init), "train.py": code})
    assert [c for c, _, _ in rng(root)] == ([] if seeded else ["RNG001"])


@pytest.mark.parametrize(
    "lookalike",
    [
        # Lightning's Trainer seeds nothing by itself: `seed_everything` does
        "import lightning as L\ntrainer = L.Trainer(max_epochs=1)",
        # only the arguments are made, no Trainer
        "from transformers import TrainingArguments, TrainerCallback\n"
        "args = TrainingArguments('out')\ncb = TrainerCallback()",
        # a project class named Trainer that is no subclass of one
        "from mytrainer import Trainer\ntrainer = Trainer(model)",
        # imported, never made
        "from transformers import Trainer\ntrainer = None",
    ],
)
def test_lookalikes_of_seeding_trainers_keep_reporting(make_repo, lookalike):
    code = f"{HEADER}\n\ndef main(model):\n"
    code += "".join(f"    {line}\n" for line in lookalike.splitlines())
    code += "    print(random.random(), torch.rand(1))\n"
    code += "\n\nif __name__ == '__main__':\n    main(None)\n"
    files = {
        "train.py": code,
        "mytrainer.py": "class Trainer:\n    def __init__(self, model):\n        self.model = model\n",
    }
    assert [c for c, _, _ in rng(make_repo(files))] == ["RNG001"]


def test_a_trainer_in_a_branch_never_taken_seeds_nothing(make_repo):
    code = f"{HEADER}\nfrom transformers import Trainer\n\n\ndef main(model, use_hf=False):\n"
    code += "    if use_hf:\n        Trainer(model).train()\n    print(random.random())\n"
    code += "\n\nif __name__ == '__main__':\n    main(None)\n"
    assert [c for c, _, _ in rng(make_repo({"train.py": code}))] == ["RNG001"]


def test_a_trainer_is_not_judged_as_a_seed_argument(make_repo):
    # its first argument is the model, not a seed: nothing for RNG003 even when the model is made at random
    code = f"{HEADER}\nfrom transformers import Trainer\n\nmodel = random.choice([1, 2])\nTrainer(model).train()\n"
    assert [c for c, _, _ in rng(make_repo({"train.py": code}), select="RNG003")] == []


# -- RNG006: a loader only peeked at draws no batch that feeds a result ---------------------------
LOADER_CELLS = [
    [
        "import torch\n",
        "from torch.utils.data import DataLoader\n",
        "torch.manual_seed(0)\n",
        "model = torch.nn.Linear(2, 2)\n",
    ],
    ["loader = DataLoader(ds, shuffle=True, batch_size=8)\n"],
]


@pytest.mark.parametrize(
    ("cells", "reported"),
    [
        ([["next(iter(loader))\n"]], False),  # the judged shape: shown as the cell's last expression
        ([["print(next(iter(loader)))\n", "x = 1\n"]], False),
        ([["len(loader)\n"], ["next(iter(loader))\n"]], False),
        ([["next(iter(loader))\n", "x = 1\n"]], True),  # not shown: drawn for nothing the checker can tell
        ([["batch = next(iter(loader))\n", "model(batch)\n"]], True),  # a batch fed to the model
        ([["next(iter(loader))\n"], ["for batch in loader:\n", "    model(batch)\n"]], True),  # trained on later
    ],
)
def test_a_notebook_loader_only_peeked_at(make_repo, cells, reported):
    text = notebook(*LOADER_CELLS, *cells)
    assert [c for c, _, _ in rng(make_repo({"nb.ipynb": text}), select="RNG006")] == (["RNG006"] if reported else [])


def test_a_script_loader_only_printed_a_batch_of(make_repo):
    code = "import torch\nfrom torch.utils.data import DataLoader\n\n\ndef main(ds):\n    torch.manual_seed(0)\n"
    code += "    model = torch.nn.Linear(2, 2)\n    model(torch.rand(2))\n"
    code += "    loader = DataLoader(ds, shuffle=True)\n    print(next(iter(loader)))\n{more}"
    code += "\n\nif __name__ == '__main__':\n    main(None)\n"
    assert rng(make_repo({"train.py": code.format(more="")}), select="RNG006") == []
    trained = code.format(more="    for batch in loader:\n        model(batch)\n")
    assert [c for c, _, _ in rng(make_repo({"train.py": trained}), select="RNG006")] == ["RNG006"]


# -- RNG006: workers of a loader whose data set draws nothing -------------------------------------
DATASET = """
import random

import albumentations as A
import cv2
import numpy as np
from albumentations.pytorch.functional import img_to_tensor
from torch.utils.data import Dataset


class XviewDataset(Dataset):
    def __init__(self, data_path, mode, transforms=None, normalize=None):
        super().__init__()
        self.data_path = data_path
        self.mode = mode
        self.transforms = transforms
        self.normalize = normalize
        self.names = ["a", "b"]
{extra}
    def __len__(self):
        return len(self.names)

    def __getitem__(self, idx):
        if self.mode == "train":
            name = random.choice(self.names)
        else:
            name = self.names[idx]
        sample = self.transforms(image=cv2.imread(name))
        return img_to_tensor(sample["image"], self.normalize)
"""

PREDICT = """
import argparse

import torch
from albumentations import Compose, HorizontalFlip
from torch.utils.data import DataLoader

from dataset.xview import XviewDataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-path", default="data")
    args = parser.parse_args()
    model = torch.load("model.pth")
    model.eval()
    transforms = {transforms}
    dataset = XviewDataset(data_path=args.data_path, transforms=transforms, mode={mode})
    loader = DataLoader(dataset, batch_size=1, num_workers=8, shuffle=False)
    with torch.no_grad():
        for sample in loader:
            print(model(sample))


if __name__ == "__main__":
    main()
"""


@pytest.mark.parametrize(
    ("transforms", "mode", "extra", "reported"),
    [
        ("Compose([\n    ])", '"val"', "", False),  # the judged shape: an empty pipeline, no draw under "val"
        ("None", '"test"', "", False),
        ("Compose([HorizontalFlip(p=0.5)])", '"val"', "", True),  # the library's transform draws in the workers
        ("Compose([])", '"train"', "", True),  # the data set draws a name in each worker
        ("None", '"val"', "        self.aug = A.HorizontalFlip()\n", True),  # the data set builds its own
    ],
)
def test_workers_of_a_loader_whose_data_set_draws_nothing(make_repo, transforms, mode, extra, reported):
    dataset = DATASET.format(extra=extra)
    files = {
        "requirements.txt": "torch==1.4.0\n",
        "dataset/__init__.py": "",
        "dataset/xview.py": dataset,
        "predict.py": PREDICT.format(transforms=transforms, mode=mode),
    }
    found = [f["message"] for f in findings(make_repo(files), select="RNG006")]
    assert [("worker_init_fn" in m) for m in found] == ([True] if reported else [])


def test_draws_made_before_a_trainer_is_made_stay_unseeded(make_repo):
    # the trainer seeds when it is made: a split drawn above it in the same function is not seeded by it
    code = f"{HEADER}\nfrom transformers import Trainer\n\n\ndef main(model, ds):\n"
    code += "    order = random.sample(range(10), 10)\n    trainer = Trainer(model)\n    trainer.train()\n"
    code += "    return order\n\n\nif __name__ == '__main__':\n    main(None, None)\n"
    (finding,) = [f for f in findings(make_repo({"train.py": code}), select="RNG001")]
    assert "random.sample(...) at train.py" in finding["message"]
    assert "before anything seeds them (Trainer(...) at train.py:" in finding["message"]
    # in a notebook: a draw in a cell above the trainer's
    text = notebook(
        ["import random\n", "from transformers import Trainer\n"],
        ["order = random.sample(range(10), 10)\n", "print(model(order))\n"],
        ["trainer = Trainer(model)\n", "trainer.train()\n"],
    )
    assert [c for c, _, _ in rng(make_repo({"nb.ipynb": text}), select="RNG001")] == ["RNG001"]


SPEECH_DATA = """
import random

import numpy as np
import torch

from audio import load_clip


class TextAudioLoader(torch.utils.data.Dataset):
    def __init__(self, files, hparams):
        self.files = list(files)
        self.rate = hparams.rate
        random.seed(1234)
        random.shuffle(self.files)

    def __getitem__(self, index):
        return load_clip(self.files[index], self.rate)

    def __len__(self):
        return len(self.files)


class StreamLoader(torch.utils.data.IterableDataset):
    def __init__(self, files):
        self.files = files

    def __iter__(self):
        for name in self.files:
            yield load_clip(name, 16000)


class TextAudioCollate:
    def __init__(self, return_ids=False):
        self.return_ids = return_ids

    def __call__(self, batch):
{collate}
        return torch.stack([b for b in batch])
"""

AUDIO = """
import numpy as np


def load_clip(name, rate):
    clip = np.load(name)
{clip}
    return clip
"""

SPEECH_TRAIN = """
import numpy as np
import torch
from torch.utils.data import DataLoader

from data_utils import StreamLoader, TextAudioCollate, TextAudioLoader


def main(hps):
    torch.manual_seed(hps.seed)
    np.random.seed(hps.seed)
    noise = np.random.normal(size=4)
    dataset = {dataset}
    collate_fn = {collate}
    loader = DataLoader(dataset, num_workers=8, shuffle=False, batch_size=4, collate_fn=collate_fn)
    for batch in loader:
        print(batch, noise)


if __name__ == "__main__":
    main(None)
"""


@pytest.mark.parametrize(
    ("dataset", "collate", "collate_code", "clip", "reported"),
    [
        # the judged shape: the data set shuffles its file list once in __init__ (main process); items only load
        ("TextAudioLoader(hps.files, hps)", "TextAudioCollate()", "", "", False),
        ("StreamLoader(hps.files)", "None", "", "", False),  # an iterable data set whose __iter__ only loads
        ("TextAudioLoader(hps.files, hps)", "TextAudioCollate(return_ids=True)", "", "", False),
        # look-alikes: the workers draw, in a helper the item method calls, in the collate, or may (unknown collate)
        ("TextAudioLoader(hps.files, hps)", "TextAudioCollate()", "", "    clip = clip[np.random.randint(4):]", True),
        ("StreamLoader(hps.files)", "None", "", "    clip = clip * random_gain()", True),
        ("TextAudioLoader(hps.files, hps)", "TextAudioCollate()", "        random.shuffle(batch)", "", True),
        ("TextAudioLoader(hps.files, hps)", "hps.collate", "", "", True),
        ("TextAudioLoader(hps.files, hps)", "TextAudioCollate(hps.augment)", "", "", True),
    ],
)
def test_workers_whose_item_and_collate_code_draws_nothing(make_repo, dataset, collate, collate_code, clip, reported):
    """A draw elsewhere in the run (a shuffle in the data set's __init__, noise in main) is no draw of the
    workers: only what __getitem__/__iter__ and collate_fn reach runs there."""
    audio = AUDIO.format(clip=clip)
    if "random_gain" in clip:
        audio += "\n\ndef random_gain():\n    return np.random.uniform(0.5, 1.5)\n"
    files = {
        "requirements.txt": "torch==1.7.1\n",
        "audio.py": audio,
        "data_utils.py": SPEECH_DATA.format(collate=collate_code or "        pass"),
        "train.py": SPEECH_TRAIN.format(dataset=dataset, collate=collate),
    }
    found = [f["message"] for f in findings(make_repo(files), select="RNG006")]
    assert [("worker_init_fn" in m) for m in found] == ([True] if reported else [])

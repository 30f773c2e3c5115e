"""RNG, second round on held-out repositories: project methods named like library draws, exercise blanks,
one fix site per draw."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import notebook
from tests.conftest import findings

# -- RNG005: a method of a project-defined class is not pandas' DataFrame.sample --------------------
MEMORY = """
import random

import numpy as np
import pandas as pd


class Memory:
    def __init__(self, size):
        self.items = []

    def sample(self, n):
        return random.sample(self.items, n)


class Frame(pd.DataFrame):
    pass


class Agent:
    def __init__(self):
        self.memory = Memory(100)

    def learn(self):
        return self.memory.sample(32)
"""


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ("buffer = Memory(10)\n    return buffer.sample(4)", False),  # a name bound to the project's object
        ("return Memory(10).sample(4)", False),  # the object made in place
        ("return Agent().learn()", False),  # `self.memory` set by the class's constructor
        ("return replay.sample(4)", False),  # a parameter named like the module's project object
        ("frame = pd.read_csv('x.csv')\n    return frame.sample(frac=0.5)", True),  # a DataFrame
        ("frame = Frame({'a': [1]})\n    return frame.sample(1)", True),  # a project class without its own sample
        ("return table.sample(4)", True),  # a parameter nothing in the module binds to a project object
    ],
)
def test_rng005_project_method_named_sample_is_not_pandas(make_repo, body, reported):
    code = MEMORY + f"\n\nreplay = Memory(5)\n\n\ndef draw(replay, table):\n    {body}\n"
    root = make_repo({"src/data.py": code, "src/pipeline.py": "from data import draw\n"})
    found = [f["line"] for f in findings(root, select="RNG005")]
    assert bool(found) is reported


def test_rng005_notebook_replay_buffer_of_an_earlier_cell(make_repo):
    cells = [
        ["import numpy as np\n", "import pandas as pd\n", "np.random.seed(0)\n"],
        [
            "class ReplayBuffer:\n",
            "    def __init__(self, size):\n",
            "        self._storage = []\n",
            "\n",
            "    def sample(self, batch_size):\n",
            "        idx = np.random.randint(0, len(self._storage), batch_size)\n",
            "        return [self._storage[i] for i in idx]\n",
        ],
        ["replay = ReplayBuffer(2)\n", "assert replay.sample(1)\n"],
        ["df = pd.DataFrame({'x': [1, 2]})\n", "part = df.sample(frac=0.5)\n"],
    ]
    root = make_repo({"hw.ipynb": notebook(*cells)})
    found = [(f["cell"], f["line"]) for f in findings(root, select="RNG005")]
    assert found == [(5, 2)]  # only the DataFrame's sample

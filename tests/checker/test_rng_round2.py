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


# -- exercise blanks are repaired before a cell is parsed -----------------------------------------
DRAW_CELL = ["import random\n", "import numpy as np\n", "print(random.randint(0, 9), np.random.rand())\n"]


@pytest.mark.parametrize(
    "blank",
    [
        "seed = <YOUR CODE: your favourite random seed>\n",
        "seed = # your favourite seed\n",
        "seed =\n",  # `# <YOUR CODE HERE>` on the line before
    ],
)
def test_rng001_seeding_next_to_an_exercise_blank_counts(make_repo, blank):
    seeding = ["import random\n", "import numpy as np\n", "# <YOUR CODE HERE>\n", blank]
    seeding += ["random.seed(seed)\n", "np.random.seed(seed)\n"]
    root = make_repo({"hw.ipynb": notebook(seeding, DRAW_CELL)})
    assert [f["code"] for f in findings(root, select="RNG,RPC")] == []


def test_exercise_blank_repair_keeps_lines_and_empty_blocks(make_repo):
    body = [
        "import random\n",
        "def act(q):\n",
        "    if q:\n",
        "        # <YOUR CODE HERE>\n",
        "\n",
        "        # </END OF YOUR CODE>\n",
        "    else:\n",
        "        action =\n",
        "    return random.choice([0, 1])\n",
        "act(1)\n",
    ]
    root = make_repo({"hw.ipynb": notebook(body)})
    found = [(f["code"], f["cell"], f["line"]) for f in findings(root, select="RNG,RPC")]
    assert found == [("RNG001", 2, 9)]  # the draw of the repaired cell, on its own line


@pytest.mark.parametrize(
    "cell",
    [
        ["import random\n", "random.seed(0) +\n"],  # broken, no blank for the reader: not repaired
        ["import random\n", "# TODO: pick a seed\n", "random.seed(0) +\n"],  # a marker, but nothing repairs it
    ],
)
def test_a_cell_no_repair_makes_parse_stays_unparsed(make_repo, cell):
    root = make_repo({"hw.ipynb": notebook(cell, DRAW_CELL)})
    codes = sorted(f["code"] for f in findings(root, select="RNG,RPC"))
    assert "RNG001" in codes  # the seeding in the broken cell does not count


# -- a draw that is itself the seed: RNG003's finding, not RNG001's again -------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("load(random_state=random.randint(0, 100))", ["RNG003"]),
        ("state = random.randint(0, 100)\n    load(random_state=state)", ["RNG003"]),
        # look-alikes: a draw beside the seed, or a seed argument that is fixed, keep RNG001
        ("load(random_state=random.randint(0, 100))\n    print(random.random())", ["RNG001", "RNG003"]),
        ("load(random_state=7)\n    print(random.random())", ["RNG001"]),
        # a parameter's default drawn when the caller passes none is no seed RNG003 reports: a use of random state
        (
            "split()\n\n\ndef split(random_state=None):\n    if random_state is None:\n"
            "        random_state = random.randint(0, 100)\n    load(random_state=random_state)",
            ["RNG001"],
        ),
    ],
)
def test_rng001_a_draw_that_is_the_seed_is_reported_once(make_repo, body, expected):
    code = (
        "import random\n\n\ndef load(random_state):\n    return random_state\n\n\n"
        f"def main():\n    {body}\n\n\nif __name__ == '__main__':\n    main()\n"
    )
    root = make_repo({"run.py": code})
    assert sorted({f["code"] for f in findings(root, select="RNG")}) == expected


def test_rng005_notebook_buffer_from_a_project_module_or_an_unparsed_cell(make_repo):
    buffer = "import numpy as np\n\n\nclass Buffer:\n    def sample(self, n):\n        return np.random.rand(n)\n"
    cells = [
        ["import numpy as np\n", "import pandas as pd\n", "from buffer import Buffer\n", "np.random.seed(0)\n"],
        # a class cell left broken for the reader (an unclosed bracket no `...` mends) still defines its class
        ["class Memory:\n", "    def sample(self, n):\n", "        return np.array( <YOUR CODE: states>,\n"],
        ["def learn(memory):\n", "    return memory.sample(4)\n"],
        ["exp_replay = Buffer()\n", "memory = Memory()\n", "print(exp_replay.sample(2), learn(memory))\n"],
    ]
    root = make_repo({"buffer.py": buffer, "hw.ipynb": notebook(*cells)})
    assert findings(root, select="RNG005") == []


# -- RNG006: a loader whose epoch loop reseeds torch before using it -------------------------------
@pytest.mark.parametrize(
    ("loop", "reported"),
    [
        ("for epoch in range(3):\n        torch.manual_seed(epoch)\n        train(loader)", False),
        (
            "for epoch in range(3):\n        np.random.seed(epoch)\n        torch.manual_seed(epoch)\n"
            "        for batch in loader:\n            print(batch)",
            False,
        ),
        # look-alikes: no reseed in the loop, a reseed after the loader is used, a reseed of numpy only
        ("for epoch in range(3):\n        train(loader)", True),
        ("for epoch in range(3):\n        train(loader)\n        torch.manual_seed(epoch)", True),
        ("for epoch in range(3):\n        np.random.seed(epoch)\n        train(loader)", True),
    ],
)
def test_rng006_epoch_loop_reseeding_torch(make_repo, loop, reported):
    code = (
        "import numpy as np\nimport torch\nfrom torch.utils.data import DataLoader\n\n\n"
        "def train(loader):\n    for batch in loader:\n        print(batch)\n\n\n"
        "def main():\n    torch.manual_seed(0)\n    np.random.seed(0)\n    model = torch.nn.Linear(2, 2)\n"
        "    loader = DataLoader(list(range(9)), batch_size=2, shuffle=True)\n"
        f"    {loop}\n\n\nif __name__ == '__main__':\n    main()\n"
    )
    root = make_repo({"train.py": code})
    found = [(f["severity"]) for f in findings(root, select="RNG006")]
    assert found == (["info"] if reported else [])


# -- tf.random.fold_in derives a seed; it draws nothing ----------------------------------------------------------------
def test_rng003_a_seed_folded_with_a_step_is_fixed(make_repo):
    """`tf.random.fold_in(seed, epoch)` is a pure function of its inputs; a seed drawn from the global generator
    (`tf.random.uniform`) is the look-alike that stays RNG003."""
    code = (
        "import tensorflow as tf\n\n\ndef shuffled(items, epoch, seed):\n"
        "    return tf.random.experimental.stateless_shuffle(items, seed=tf.random.fold_in(seed, epoch))\n\n\n"
        "def drawn(items):\n    return tf.random.experimental.stateless_shuffle(\n"
        "        items, seed=tf.random.uniform([2], maxval=100, dtype=tf.int32))\n"
    )
    root = make_repo({"ops.py": code})
    assert [(f["code"], f["line"]) for f in findings(root, select="RNG003")] == [("RNG003", 9)]

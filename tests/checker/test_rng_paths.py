"""RNG: names a star import brings, seeders that run only with their method, draws behind options that are off."""

from __future__ import annotations

from tests.checker.test_rng import rng

CONFIG = """
import os
import numpy as np
DATA_DIR = "/data"
"""

DATASET = """
import numpy as np

class Rows:
    def __getitem__(self, i):
        return np.random.choice(10)
"""


def star_repo(body: str, config: str = CONFIG) -> dict[str, str]:
    return {
        "src/config/__init__.py": "",
        "src/config/config.py": config,
        "src/data/__init__.py": "",
        "src/data/rows.py": DATASET,
        "src/train.py": "import torch\nfrom config.config import *\nfrom data.rows import Rows\n\n" + body,
    }


MAIN = """
def main():
    torch.manual_seed(0)
    {seed}
    return Rows()[0]

if __name__ == "__main__":
    main()
"""


def test_a_seeder_through_a_star_import_seeds(make_repo):
    assert rng(make_repo(star_repo(MAIN.format(seed="np.random.seed(0)")))) == []


def test_a_star_import_brings_names_through_a_nested_star_import(make_repo):
    files = star_repo(MAIN.format(seed="np.random.seed(0)"), config="from config.base import *\n")
    files["src/config/base.py"] = CONFIG
    assert rng(make_repo(files)) == []


def test_a_missing_seeder_next_to_a_star_import_is_still_reported(make_repo):
    assert rng(make_repo(star_repo(MAIN.format(seed="pass")))) == [("RNG002", "src/train.py", 11)]


def test_a_draw_through_a_star_import_is_a_draw(make_repo):
    body = "def main():\n    torch.manual_seed(0)\n    return np.random.rand()\n\n"
    body += "if __name__ == '__main__':\n    main()\n"
    files = star_repo(body)
    files["src/data/rows.py"] = "class Rows:\n    pass\n"
    assert rng(make_repo(files)) == [("RNG002", "src/train.py", 9)]


def test_all_decides_what_a_star_import_brings(make_repo):
    config = CONFIG + '\n__all__ = ["DATA_DIR"]\n'
    files = star_repo(MAIN.format(seed="np.random.seed(0)"), config=config)
    assert rng(make_repo(files)) == [("RNG002", "src/train.py", 11)]

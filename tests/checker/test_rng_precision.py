"""RNG precision on real shapes: what making an object runs, what is not a draw, seeders and launchers, evidence."""

from __future__ import annotations

import pytest

from tests.checker.test_rng import notebook, rng
from tests.conftest import findings

AUGMENT = """
import numpy as np
import torch
from torch import nn


class Augmenter:
    def __init__(self, p):
        self.p = p

    def predict(self, x):
        return x

    def mix(self, x):
        return x * np.random.beta(1.0, 1.0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.aug = Augmenter(0.5)

    def forward(self, x):
        return self.aug.mix(x)


class Runner:
    def __init__(self, seed):
        self.setup(seed)

    def setup(self, seed):
        pass


class SeededRunner(Runner):
    def setup(self, seed):
        np.random.seed(seed)

    def run(self):
        return np.random.rand()
"""


IMPORTS = "from utils.augment import Augmenter, Block, SeededRunner"


def script(body: str) -> dict[str, str]:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return {
        "utils/__init__.py": "",
        "utils/augment.py": AUGMENT,
        "evaluate.py": f"{IMPORTS}\n\n\nif __name__ == '__main__':\n{lines}\n",
    }


# -- making an object runs its constructors, not every method -----------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "aug = Augmenter(0.5)\nprint(aug.predict(1))",
        "print(Augmenter(0.5).predict(1))",
        "block = Block()\nprint(block.aug.p)",
        "SeededRunner(0).run()",  # the base __init__ calls self.setup(): the override seeds
    ],
)
def test_an_object_runs_only_the_methods_called_on_it(make_repo, body):
    assert rng(make_repo(script(body))) == []


@pytest.mark.parametrize(
    "body",
    [
        "aug = Augmenter(0.5)\nprint(aug.mix(1))",
        "print(Augmenter(0.5).mix(1))",
        "block = Block()\nprint(block(1))",  # calling a module runs forward, which mixes
        "aug = Augmenter(0.5)\nprint(list(map(len, [aug])))",  # handed on: any method may run
        "print([Augmenter(0.5)])",
    ],
)
def test_methods_called_on_an_object_or_an_object_handed_on_still_count(make_repo, body):
    found = findings(make_repo(script(body)), select="RNG")
    assert [(f["code"], f["path"]) for f in found] == [("RNG001", "evaluate.py")]
    assert "np.random.beta(...) at utils/augment.py:14" in found[0]["message"]


MODEL_ZOO = """
import torch
from torch import nn


def drop_path(x, p):
    return x * torch.empty_like(x).bernoulli_(1 - p)


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return drop_path(x, self.p)


class Block(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()
        self.drop = DropPath(p) if p else nn.Identity()

    def forward(self, x):
        return self.drop(x)


def register_module(cls):
    KNOWN.add(cls)


KNOWN = set()
BLOCKS = dict(basic=Block)
LAYERS = tuple([Block, DropPath])
register_module(Block)
"""


@pytest.mark.parametrize(
    "body, fires",
    [
        ("print(len(BLOCKS))", False),  # importing the zoo stores and registers classes, it runs none
        ("print(Block(0.1))", False),  # a conditional attribute holds the layer: made, not called
        ("print(Block(0.1)(torch.ones(2)))", True),  # calling the block runs forward and its drop path
    ],
)
def test_stored_registered_and_conditionally_held_classes_run_nothing_until_called(make_repo, body, fires):
    root = make_repo(
        {
            "zoo/__init__.py": "from zoo.blocks import *\n",
            "zoo/blocks.py": MODEL_ZOO,
            "average.py": "import torch\nfrom zoo.blocks import BLOCKS, Block\n\n"
            f"if __name__ == '__main__':\n    {body}\n",
        }
    )
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["average.py"] if fires else [])


def test_objects_kept_at_module_level_or_in_earlier_cells_are_followed(make_repo):
    module_level = {
        **script("pass"),
        "predict.py": (
            "from utils.augment import Augmenter\n\naug = Augmenter(0.5)\n\n\ndef main():\n"
            "    return aug.mix(1)\n\n\nif __name__ == '__main__':\n    main()\n"
        ),
    }
    assert [p for _, p, _ in rng(make_repo(module_level))] == ["predict.py"]
    cells = notebook(["from utils.augment import Augmenter\n", "aug = Augmenter(0.5)\n"], ["aug.mix(1)\n"])
    assert [p for _, p, _ in rng(make_repo({**script("pass"), "explore.ipynb": cells}))] == ["explore.ipynb"]


# -- what is not a draw -------------------------------------------------------------------------
PROFILE = """
import torch
from torch import nn


def profile(model):
    x = torch.ones(2, 8, requires_grad=True)
    y = model(x)
    (y.sum() if isinstance(y, torch.Tensor) else sum(yi.sum() for yi in y)).backward()


if __name__ == "__main__":
    profile(nn.Linear(8, 1))
    {extra}
"""


def test_autograd_is_not_a_draw_but_an_optimizer_is_training(make_repo):
    assert rng(make_repo({"bench.py": PROFILE.replace("{extra}", "pass")})) == []
    trained = make_repo(
        {"bench.py": PROFILE.replace("{extra}", "torch.optim.SGD(nn.Linear(8, 1).parameters(), lr=0.1)")}
    )
    found = findings(trained, select="RNG")
    assert [f["code"] for f in found] == ["RNG001"]
    assert "the initial weights of nn.Linear(...) at bench.py:12" in found[0]["message"]  # the draw, named


MODEL_WITH_INIT = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 1)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=0.02)
            nn.init.trunc_normal_(module.bias)

    def forward(self, x):
        return self.fc(x)
"""


def test_weight_initialisation_counts_only_when_the_model_is_trained(make_repo):
    convert = "net = Net()\nnet.load_state_dict(torch.load('w.pt'))\nprint(net(torch.zeros(1, 8)))"
    files = {"model.py": MODEL_WITH_INIT, "convert.py": f"import torch\nfrom model import Net\n\n{convert}\n"}
    assert rng(make_repo(files)) == []
    train = "net = Net()\nopt = torch.optim.Adam(net.parameters())\nnet(torch.zeros(1, 8)).sum().backward()\nopt.step()"
    files["convert.py"] = f"import torch\nfrom model import Net\n\n{train}\n"
    assert [c for c, _, _ in rng(make_repo(files))] == ["RNG001"]
    draw = "x = torch.LongTensor(4).random_(0, 10)\nprint(x)"
    found = findings(make_repo({"sample.py": f"import torch\n\n{draw}\n"}), select="RNG")
    assert "torch.LongTensor(...).random_(...) at sample.py:3" in found[0]["message"]


# -- seeders ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "seeding",
    [
        "import lightning as L\nfabric = L.Fabric()\nfabric.launch()\nfabric.seed_everything(0)",
        "from lightning.fabric import Fabric\nfabric = Fabric(accelerator='cpu')\nfabric.seed_everything(0)",
        "from detectron2.engine import default_setup\ndefault_setup(cfg, args)",
        "import tensorflow as tf\ntf.keras.utils.set_random_seed(0)\ntorch.manual_seed(0)",
        "import transformers\ntransformers.set_seed(0)",
    ],
)
def test_method_and_framework_seeders(make_repo, seeding):
    code = f"import random\nimport numpy as np\nimport torch\n\ncfg = args = None\n{seeding}\n"
    code += "print(random.random(), np.random.rand(), torch.rand(1))\n"
    assert rng(make_repo({"scripts/train.py": code})) == []


def test_a_seeding_method_on_an_object_passed_in_is_not_second_guessed(make_repo):
    code = """
    import torch
    import lightning as L


    def main(fabric, cfg):
        fabric.seed_everything(cfg.seed)
        return torch.randn(3)


    if __name__ == "__main__":
        L.Fabric().launch(main, None)
    """
    assert rng(make_repo({"train.py": code})) == []
    unseeded = code.replace("fabric.seed_everything(cfg.seed)", "fabric.barrier()")
    assert [c for c, _, _ in rng(make_repo({"train.py": unseeded}))] == ["RNG001"]


LAUNCHED = {
    "fabric.launch": "import lightning as L\n\nif __name__ == '__main__':\n    L.Fabric().launch(main)\n",
    "mp.spawn": "import torch.multiprocessing as mp\n\nif __name__ == '__main__':\n    mp.spawn(main, nprocs=2)\n",
    "fire.Fire": "import fire\n\nif __name__ == '__main__':\n    fire.Fire(main)\n",
    "jsonargparse.CLI": "from jsonargparse import CLI\n\nif __name__ == '__main__':\n    CLI(main)\n",
    "typer.run": "import typer\n\nif __name__ == '__main__':\n    typer.run(main)\n",
}


@pytest.mark.parametrize("launcher", sorted(LAUNCHED))
def test_a_function_handed_to_a_launcher_runs(make_repo, launcher):
    seeded = "import random\n\n\ndef main(*args):\n    random.seed(0)\n    return random.random()\n\n\n"
    assert rng(make_repo({"train.py": seeded + LAUNCHED[launcher]})) == []
    unseeded = seeded.replace("random.seed(0)", "pass")
    assert [c for c, _, _ in rng(make_repo({"train.py": unseeded + LAUNCHED[launcher]}))] == ["RNG001"]


def test_a_generator_seeded_by_its_own_method(make_repo):
    code = (
        "import random\n\nif __name__ == '__main__':\n    rng = random.Random()\n    {seed}\n    print(rng.random())\n"
    )
    assert rng(make_repo({"run.py": code.replace("{seed}", "rng.seed(7)")})) == []
    assert rng(make_repo({"run.py": code.replace("{seed}", "rng.seed(None)")}), "RNG001") == [("RNG001", "run.py", 3)]
    assert rng(make_repo({"run.py": code.replace("{seed}", "pass")})) == [("RNG001", "run.py", 3)]


def test_seeders_reached_through_a_star_import(make_repo):
    seeding = "import random\n\nimport numpy as np\n\n\ndef seed_all(seed):\n"
    seeding += "    random.seed(seed)\n    np.random.seed(seed)\n"
    files = {
        "common/__init__.py": "from .seeding import *\n",
        "common/seeding.py": seeding,
        "train.py": "import numpy as np\nfrom common import *\n\nif __name__ == '__main__':\n    seed_all(0)\n"
        "    print(np.random.rand())\n",
        "explore.ipynb": notebook(
            ["import numpy as np\n", "from common.seeding import *\n"], ["seed_all(0)\n"]
        ).replace('"seed_all(0)\\n"', '"seed_all(0)\\n", "np.random.rand()\\n"'),
    }
    assert rng(make_repo(files)) == []


def test_hubconf_is_loaded_by_torch_hub_not_run(make_repo):
    hubconf = "import torch\n\n\ndef model():\n    return torch.randn(3)\n\n\nif __name__ == '__main__':\n    model()\n"
    assert rng(make_repo({"hubconf.py": hubconf})) == []
    run = make_repo({"hubconf.py": hubconf, "Makefile": "smoke:\n\tpython hubconf.py\n"})
    assert [p for _, p, _ in rng(run)] == ["hubconf.py"]  # a command of the repository runs it


# -- RNG003 -------------------------------------------------------------------------------------
WORKER = """
import random

import numpy as np
import torch


def seed_worker(worker_id):
    worker_seed = {source}
    np.random.seed(worker_seed)
    random.seed(worker_seed)
"""


def test_worker_seed_derived_from_torch_is_deterministic(make_repo):
    root = make_repo({"data.py": WORKER.format(source="torch.initial_seed() % 2**32")})
    assert findings(root, select="RNG003") == []
    at_start = make_repo(
        {"data.py": "import numpy as np\nimport torch\n\nnp.random.seed(torch.initial_seed() % 2**32)\n"}
    )
    assert [f["line"] for f in findings(at_start, select="RNG003")] == [4]  # a process that never seeded torch
    timed = make_repo(
        {
            "data.py": WORKER.format(source="int(time.time()) % 2**32").replace(
                "import random", "import random\nimport time"
            )
        }
    )
    (found,) = findings(timed, select="RNG003")  # random.seed and np.random.seed from one timed seed: one finding
    assert (found["line"], [r["line"] for r in found["related"]]) == (10, [11])


def test_rng005_numpy_draw_reached_from_an_entry_point_seeded_by_an_unseen_helper(make_repo):
    files = {
        "sampler.py": "import numpy as np\n\n\ndef timesteps(n):\n    return np.random.choice(n, size=4)\n",
        "train.py": "from common.utils import set_global_seed\nfrom sampler import timesteps\n\n"
        "if __name__ == '__main__':\n    set_global_seed(0)\n    print(timesteps(10))\n",
    }
    assert findings(make_repo(files), select="RNG005") == []
    files["train.py"] = files["train.py"].replace("    set_global_seed(0)\n", "")
    # unseeded: reported once, for the entry point that reaches the draw
    found = findings(make_repo(files), select="RNG001,RNG005")
    assert [(f["code"], f["path"]) for f in found] == [("RNG001", "train.py")]


ENCODER = """
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, width, scale=1.0):
        super().__init__()
        self.cls = nn.Parameter(scale * torch.randn(width))
        self.register_buffer("gauss", scale * torch.randn((2, width)))

    def forward(self, x):
        return x + self.cls
"""


@pytest.mark.parametrize(
    "body, fires",
    [
        # inference from a checkpoint: the random initial weights are replaced
        ("model = Encoder(8)\nmodel.load_state_dict(torch.load('w.pt'))\nprint(model(torch.ones(8)))", False),
        # training from those initial weights: they shape the result
        (
            "model = Encoder(8)\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
            "loss = model(torch.ones(8)).sum()\nloss.backward()\nopt.step()",
            True,
        ),
    ],
)
def test_parameters_drawn_at_construction_are_initial_weights(make_repo, body, fires):
    lines = "\n".join("    " + line for line in body.splitlines())
    root = make_repo(
        {
            "model.py": ENCODER,
            "run.py": f"import torch\nfrom model import Encoder\n\nif __name__ == '__main__':\n{lines}\n",
        }
    )
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["run.py"] if fires else [])


@pytest.mark.parametrize(
    "body, fires",
    [
        (
            "dummy = {'x': torch.randn(1, 8)}\ntorch.onnx.export(model, tuple(dummy.values()), 'm.onnx')",
            False,
        ),
        ("example = torch.randn(1, 8).to('cpu')\ntraced = torch.jit.trace(model, example)", False),
        ("tokens = torch.randint(0, 100, (1, 16))\nmacs, params = profile(model, inputs=(tokens,))", False),
        ("x = torch.randn(1, 8)\nov_model = ov.convert_model(model, example_input=x)", False),
        # look-alike: the random input is the experiment's data, printed as a result
        ("x = torch.randn(1, 8)\nprint(model(x))\ntorch.onnx.export(model, torch.ones(1, 8), 'm.onnx')", True),
    ],
)
def test_example_inputs_for_tracers_are_not_results(make_repo, body, fires):
    lines = "\n".join("    " + line for line in body.splitlines())
    root = make_repo(
        {
            "export.py": "import openvino as ov\nimport torch\nfrom thop import profile\n\nif __name__ == '__main__':\n"
            f"    model = torch.nn.Identity()\n{lines}\n",
        }
    )
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["export.py"] if fires else [])


def test_a_script_that_puts_its_project_folder_on_the_path_reaches_its_namespace_packages(make_repo):
    """`apps/chat/utils/` has no `__init__.py`; `apps/chat/utils/data/` is a package. The training script adds
    `apps/chat/` to `sys.path` and imports `utils.data`, which seeds NumPy before the draw: no RNG005 there. A
    same-named module elsewhere in the monorepo is not the one it imports."""
    root = make_repo(
        {
            "apps/chat/utils/data/__init__.py": "from .builder import build\n",
            "apps/chat/utils/data/builder.py": (
                "import numpy as np\n\ndef build(n):\n    return np.random.choice(n, 3)\n"
            ),
            "apps/chat/utils/utils.py": "import numpy as np\n\ndef set_seed(s):\n    np.random.seed(s)\n",
            "apps/chat/training/main.py": (
                "import os\nimport sys\n\nsys.path.append(os.path.join(os.path.dirname(__file__), os.path.pardir))\n"
                "from utils.data import build\nfrom utils.utils import set_seed\n\n\ndef main():\n    set_seed(1)\n"
                "    print(build(10))\n\n\nif __name__ == '__main__':\n    main()\n"
            ),
            "other/vit/utils/utils.py": "def set_seed(s):\n    pass\n",
        }
    )
    assert rng(root) == []


SMOKE = """
import torch
from torch import nn


class UNet(nn.Module):
    def forward(self, x):
        return x


if __name__ == "__main__":
    print(UNet()(torch.rand(1, 3, 8, 8)).shape)
"""


@pytest.mark.parametrize(
    "path, fires",
    [
        ("zoo/unet.py", False),  # a model module of a package, checked once on made-up input
        ("zoo/train.py", True),  # named like a program: its `__main__` block is an experiment
        ("scripts/unet.py", True),  # not in a package: a script
    ],
)
def test_the_main_block_of_a_model_module_in_a_package_is_a_self_test(make_repo, path, fires):
    root = make_repo({"zoo/__init__.py": "", path: SMOKE})
    assert [p for _, p, _ in rng(root, select="RNG001")] == ([path] if fires else [])


DATASET = """
import random

import torch


class Augment:
    def __call__(self, x):
        return x * random.random()


class Images(torch.utils.data.Dataset):
    def __init__(self, augment=False):
        self.augment = augment
        self.transform = Augment() if augment else None

    def __len__(self):
        return 4

    def __getitem__(self, i):
        x = torch.ones(2)
        if self.augment:
            x = self.transform(x)
        return x


def loader(augment=False):
    return torch.utils.data.DataLoader(Images(augment=augment), batch_size=2)
"""


@pytest.mark.parametrize("augment, fires", [("False", False), ("True", True)])
def test_an_objects_method_called_only_in_a_branch_that_cannot_run_does_not_run(make_repo, augment, fires):
    root = make_repo(
        {
            "data.py": DATASET,
            "val.py": "from data import loader\n\nif __name__ == '__main__':\n"
            f"    for b in loader(augment={augment}):\n        print(b)\n",
        }
    )
    assert [p for _, p, _ in rng(root, select="RNG001")] == (["val.py"] if fires else [])


def test_a_generator_kept_on_self_and_seeded_in_another_method_is_seeded(make_repo):
    shards = (
        "import random\n\n\nclass Shards:\n    def __init__(self, urls):\n        self.urls = urls\n"
        "        self.rng = random.Random()\n\n    def __iter__(self):\n        self.rng.seed(1234)\n"
        "        yield self.rng.choice(self.urls)\n"
    )
    unseeded = shards.replace("        self.rng.seed(1234)\n", "")
    for source, fires in ((shards, False), (unseeded, True)):
        root = make_repo(
            {
                "data.py": source,
                "train.py": "import random\nfrom data import Shards\n\nif __name__ == '__main__':\n"
                "    random.seed(0)\n    print(list(Shards(['a', 'b'])))\n",
            }
        )
        assert bool(rng(root, select="RNG001,RNG002")) is fires


def test_a_seeding_fed_from_the_clock_is_rng003s_and_never_the_place_to_add_seeders(make_repo):
    """A per-item reseed from the clock is no seeding of the run: RNG003 reports it, and neither RNG001 nor
    RNG002 advises adding seeders next to it."""
    dataset = (
        "import random\nimport time\n\nimport numpy as np\nimport torch\n\n\n"
        "class RandomDataset(torch.utils.data.Dataset):\n    def __len__(self):\n        return 8\n\n"
        "    def __getitem__(self, idx):\n        seed = int(time.time() * 1000.0) + idx\n"
        "        random.seed(seed)\n        np.random.seed(seed % (2**31))\n"
        "        return np.random.choice(8) + random.random()\n"
    )
    train = (
        "import torch\nfrom data import RandomDataset\n\nif __name__ == '__main__':\n"
        "    loader = torch.utils.data.DataLoader(RandomDataset(), shuffle=True)\n"
        "    for batch in loader:\n        print(batch)\n"
    )
    found = findings(make_repo({"data.py": dataset, "train.py": train}), select="RNG")
    assert [(f["code"], f["line"]) for f in found] == [("RNG003", 14)]
    assert found[0]["message"].startswith(
        "the seeds passed to random.seed() and np.random.seed() come from time.time()"
    )


def test_a_worker_seed_computed_from_the_seeded_numpy_state_is_deterministic(make_repo):
    """Stable Diffusion's worker_init_fn reseeds each worker from the (seeded) parent state: draws it is computed
    from are no clock; a name computed from the clock still is."""
    worker = (
        "import time\n\nimport numpy as np\n\n\ndef worker_init_fn(worker_id):\n"
        "    current_id = np.random.choice(len(np.random.get_state()[1]), 1)\n"
        "    return np.random.seed(np.random.get_state()[1][current_id] + worker_id)\n\n\n"
        "def timed(worker_id):\n    seed = int(time.time())\n    np.random.seed(seed % 2**31 + worker_id)\n"
    )
    found = findings(make_repo({"data.py": worker}), select="RNG003")
    assert [(f["line"], f["message"].split(",")[0]) for f in found] == [
        (13, "the seed passed to np.random.seed() comes from time.time()")
    ]


CBOW = """
import torch
from torch import nn


class CBoW(nn.Module):
    def __init__(self, words, tags, size):
        super().__init__()
        self.embedding = nn.Embedding(words, size)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.embedding(x)).sum(dim=0)


if __name__ == "__main__":
    criterion = torch.nn.CrossEntropyLoss()
    layers = nn.Sequential(nn.Identity(), nn.Flatten())
    model = CBoW(10, 2, 4)
    optimizer = torch.optim.Adam(model.parameters())
"""


def test_the_evidence_names_a_layer_with_weights_not_a_loss_or_activation(make_repo):
    """A loss, an activation or a container made before the model draws no initial weights: the evidence names
    the model (`CBoW(...)`, whose class makes an `nn.Embedding`); a script that only makes a loss uses no
    randomness."""
    (found,) = [f for f in findings(make_repo({"train.py": CBOW}), select="RNG") if f["code"] == "RNG001"]
    assert "the initial weights of CBoW(...) at train.py:18" in found["message"]
    assert "CrossEntropyLoss" not in found["message"] and "Sequential" not in found["message"]
    loss_only = (
        "import torch\n\nif __name__ == '__main__':\n    print(torch.nn.MSELoss()(torch.ones(2), torch.zeros(2)))\n"
    )
    assert rng(make_repo({"metric.py": loss_only})) == []


TRANSFORMS = """
import numpy as np


class Noise:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, x):
        return x + 1 if np.random.rand() < self.p else x


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x
"""


def test_objects_stored_in_a_config_class_run_where_the_class_is_used(make_repo):
    """`from transforms import *` and a config class `transforms = dict(train=Compose([Noise()]))`: importing the
    module for another name (`from configs import HW`) runs no transform; using the class (or a subclass) does.
    An object stored in a module-level variable is still handed on at import."""
    root = make_repo(
        {
            "transforms.py": TRANSFORMS,
            "configs.py": """
            from transforms import *

            HW = {"A100": 4}


            class Baseline:
                seed = 0
                transforms = dict(train=Compose([Noise(p=0.25)]), test=None)


            class Bigger(Baseline):
                epochs = 3
            """,
            "module_level.py": """
            from transforms import Compose, Noise

            HW = {"A100": 4}
            TRAIN = dict(train=Compose([Noise(p=0.25)]))
            """,
            "prep.py": 'from configs import HW\n\nif __name__ == "__main__":\n    print(HW["A100"])\n',
            "train.py": """
            from configs import Bigger

            if __name__ == "__main__":
                cfg = Bigger
                print(cfg.transforms["train"](1))
            """,
            "export.py": 'from module_level import HW\n\nif __name__ == "__main__":\n    print(HW)\n',
        }
    )
    assert [path for _, path, _ in rng(root, select="RNG001")] == ["export.py", "train.py"]


DATAMODULE = """
import torch
from datasets import load_dataset


class DataModule:
    def prepare_data(self):
        self.train_data = load_dataset("glue", "cola")["train"]

    def train_dataloader(self):
        return torch.utils.data.DataLoader(self.train_data, batch_size=32, shuffle=True)
"""


def test_rng001_main_block_that_only_prints_a_batch_shape_is_info(make_repo):
    """`print(next(iter(dm.train_dataloader()))["input_ids"].shape)` in a data module's `__main__` block: info,
    saying so. A block that also trains, prints a value, or that a command runs stays a warning."""
    root = make_repo(
        {
            "data.py": DATAMODULE
            + """

if __name__ == "__main__":
    dm = DataModule()
    dm.prepare_data()
    batch = next(iter(dm.train_dataloader()))
    print(batch["input_ids"].shape, len(dm.train_data))
    print(f"labels: {batch['label'].shape}")
""",
            "loader.py": DATAMODULE
            + """

if __name__ == "__main__":
    dm = DataModule()
    dm.prepare_data()
    print(next(iter(dm.train_dataloader()))["label"])
""",
            "fitting.py": DATAMODULE
            + """

def fit(dm):
    return dm


if __name__ == "__main__":
    dm = DataModule()
    dm.prepare_data()
    fit(dm)
    print(next(iter(dm.train_dataloader()))["label"].shape)
""",
        }
    )
    found = {f["path"]: f for f in findings(root, select="RNG001")}
    assert found["data.py"]["severity"] == "info"
    assert "only shows shapes or sizes (print(...) at data.py:" in found["data.py"]["message"]
    assert found["loader.py"]["severity"] == "warning"  # prints the labels themselves
    assert found["fitting.py"]["severity"] == "warning"  # also trains


DECODE = """
import math

import torch
from torch.utils.data import DataLoader


def main(accelerator, model, train_dataset, eval_dataset, optimizer):
    torch.manual_seed(0)
    train_dataloader = DataLoader(train_dataset, shuffle=True, batch_size=8)
    eval_dataloader = DataLoader(eval_dataset, shuffle=False, batch_size=8)
    model, optimizer, train_dataloader, eval_dataloader = accelerator.prepare(
        model, optimizer, train_dataloader, eval_dataloader
    )
    steps = math.ceil(len(train_dataloader) / 2)
    print(f"{len(train_dataloader)} batches")
    for batch in eval_dataloader:
        model(batch)
    return steps


def train(accelerator, model, train_dataset, optimizer):
    torch.manual_seed(0)
    train_dataloader = DataLoader(train_dataset, shuffle=True, batch_size=8)
    model, optimizer, train_dataloader = accelerator.prepare(model, optimizer, train_dataloader)
    print(len(train_dataloader))
    for batch in train_dataloader:
        model(batch)


if __name__ == "__main__":
    main(None, None, None, None, None)
    train(None, None, None, None)
"""


def test_rng006_loader_only_measured_or_prepared_is_not_reported(make_repo):
    """A shuffling loader whose name is only given to `len()`, a print or `accelerator.prepare(...)` (then only
    measured) draws no batch: not reported. One iterated after `prepare` stays reported."""
    root = make_repo({"decode.py": DECODE})
    assert [f["line"] for f in findings(root, select="RNG006")] == [23]


def executed_notebook(*cells: tuple[int | None, str]) -> str:
    import json

    found = [
        {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": [], "source": source}
        for count, source in cells
    ]
    return json.dumps({"cells": found, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_rng001_rng002_cite_a_cell_that_ran_before_an_unexecuted_scratch_cell(make_repo):
    """A notebook whose saved state shows which cells ran: the example draw (and the anchor) is one of those,
    not a scratch cell left unexecuted. A notebook with no execution counts keeps the first draw."""
    scratch = (None, "C = torch.randn((27, 2))\n")
    root = make_repo(
        {
            "partial.ipynb": executed_notebook(
                (1, "import random\nimport torch\nrandom.seed(42)\n"),
                scratch,
                (2, "g = torch.Generator().manual_seed(1)\nW = torch.randn((3, 3), generator=g)\n"),
                (3, "ix = torch.randint(0, 10, (32,))\n"),
            ),
            "unseeded.ipynb": executed_notebook((1, "import torch\n"), scratch, (2, "x = torch.rand(3)\n")),
            "never_run.ipynb": executed_notebook((None, "import torch\n"), scratch, (None, "x = torch.rand(3)\n")),
        }
    )
    found = {f["path"]: f for f in findings(root, select="RNG001,RNG002")}
    assert found["partial.ipynb"]["cell"] == 4
    assert "torch.randint(...) at partial.ipynb:cell 4" in found["partial.ipynb"]["message"]
    assert found["unseeded.ipynb"]["cell"] == 3
    assert found["never_run.ipynb"]["cell"] == 2

"""CFG rules: seeds in experiment configs (with Hydra composition), schemas, YAML traps, user-specific paths."""

from __future__ import annotations

import json

from tests.conftest import findings


def found(root, select="CFG") -> list[tuple[str, str, int | None]]:
    return [(f["code"], f["path"], f["line"]) for f in findings(root, select=select)]


def notebook_of(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


# -- CFG001 ---------------------------------------------------------------------------------------
def test_cfg001_top_level_config_without_seed(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": "model:\n  lr: 0.001\ntrainer:\n  max_epochs: 10\n",
            "configs/seeded.yaml": "seed: 0\nmodel:\n  lr: 0.001\n",
            "configs/nested.yaml": "trainer:\n  max_epochs: 3\n  seed: 7\n",
            "configs/lightning.yaml": "seed_everything: 42\ntrainer:\n  max_epochs: 3\n",
            "conf/sweep.json": json.dumps({"batch_size": 32, "random_state": 1}),
            "config/exp.toml": "[train]\nepochs = 3\n",
            "params.yaml": "prepare:\n  split: 0.2\n",
        }
    )
    result = found(root, "CFG001")
    assert result == [
        ("CFG001", "config/exp.toml", 1),
        ("CFG001", "configs/train.yaml", 1),
        ("CFG001", "params.yaml", 1),
    ]
    message = findings(root, select="CFG001")[1]["message"]
    assert "configs/train.yaml has no seed key" in message and "seed: 42" in message


def test_cfg001_seed_keys_count_at_any_depth(make_repo):
    sweep = (
        "defaults:\n  - override hydra/sweeper: optuna\nhydra:\n  sweeper:\n    sampler:\n      seed: 123\n"
        "    n_trials: 20\n    params:\n      x: range(-5.5, 5.5, 0.5)\nx: 1\n"
    )
    unseeded = sweep.replace("    sampler:\n      seed: 123\n", "    direction: minimize\n")
    too_deep = "lr: 0.1\na:\n  b:\n    c:\n      d:\n        e:\n          f:\n            seed: 1\n"
    root = make_repo(
        {
            "conf/config.yaml": sweep,
            "configs/deep.yaml": "train:\n  optim:\n    lr: 0.1\n  loader:\n    split:\n      random_state: 0\n",
            # look-alikes that keep firing: a sweep whose sampler has no seed, a seed-like key that is no seed
            "configs/unseeded_sweep.yaml": unseeded,
            "configs/seedless.yaml": "train:\n  optim:\n    lr: 0.1\n    seed_bank: [a]\n",
            # one seed only, six levels down: past the depth that still counts
            "configs/too_deep.yaml": too_deep,
        }
    )
    assert found(root, "CFG001") == [
        ("CFG001", "configs/seedless.yaml", 1),
        ("CFG001", "configs/too_deep.yaml", 1),
        ("CFG001", "configs/unseeded_sweep.yaml", 1),
    ]
    # The suggestion never copies a deep key path (the sweeper's sampler) as the repository's convention.
    message = next(f for f in findings(root, select="CFG001") if f["path"] == "configs/seedless.yaml")["message"]
    assert "at its top level" in message and "sampler" not in message


def test_deep_seed_keys_count_only_when_they_hold_a_seed(make_repo):
    """Deep in a section, `seed` may name something else (the run a checkpoint came from): a deep null is no
    seed of the config (CFG001 still reports the config) and no invalid seed value (CFG002 stays quiet)."""
    root = make_repo(
        {
            "conf/config.yaml": "hydra:\n  sweeper:\n    sampler:\n      seed: null\nlr: 0.1\n",
            "configs/train.yaml": "lr: 0.1\ntrainer:\n  pretrained_weight:\n    exp_name: null\n    seed: null\n",
            # look-alike: a shallow null is the config's seed left unset, an invalid value
            "configs/shallow.yaml": "lr: 0.1\ntrainer:\n  seed: null\n",
        }
    )
    assert found(root, "CFG002") == [("CFG002", "configs/shallow.yaml", 3)]
    assert {path for _, path, _ in found(root, "CFG001")} == {"conf/config.yaml", "configs/train.yaml"}


def test_cfg001_non_experiment_files_and_schemas_are_not_judged(make_repo):
    root = make_repo(
        {
            "configs/labels.json": json.dumps({"0": "cat", "1": "dog"}),
            "configs/logging.yaml": "version: 1\nhandlers:\n  console:\n    class: logging.StreamHandler\n",
            "configs/train.schema.json": json.dumps({"type": "object", "properties": {"lr": {"type": "number"}}}),
            "configs/schemas/model.json": json.dumps({"properties": {"epochs": {"type": "integer"}}}),
            "tests/fixtures/configs/bad.yaml": "lr: 0.1\n",
            "src/app/config.yaml": "lr: 0.1\n",  # not in a config folder
        }
    )
    assert found(root, "CFG001") == []


def test_cfg001_model_architecture_configs_are_not_experiment_configs(make_repo):
    sgm = (
        "model:\n  target: sgm.models.diffusion.DiffusionEngine\n  params:\n    scale_factor: 0.18215\n"
        "    network_config:\n      target: sgm.modules.VideoUNet\n      params:\n        in_channels: 8\n"
    )
    ldm = (
        "model:\n  base_learning_rate: 1.0e-04\n  target: ldm.models.LatentDiffusion\n  params:\n    timesteps: 1000\n"
    )
    root = make_repo(
        {
            "configs/svd.yaml": sgm,
            "configs/v1-inference.yaml": ldm,
            "configs/hydra_model.yaml": "model:\n  _target_: src.Net\n  hidden: 64\n",
            # look-alikes that stay experiment configs: a data or lightning section, training keys in the model
            "configs/train-ldm.yaml": ldm + "data:\n  target: main.DataModule\n  params:\n    batch_size: 4\n",
            "configs/lightning.yaml": ldm + "lightning:\n  trainer:\n    benchmark: true\n",
            "configs/model_lr.yaml": "model:\n  target: src.Net\n  lr: 0.1\n",
            "configs/plain_model.yaml": "model:\n  hidden: 64\n  layers: 2\n",
        }
    )
    assert found(root, "CFG001") == [
        ("CFG001", "configs/lightning.yaml", 1),
        ("CFG001", "configs/model_lr.yaml", 1),
        ("CFG001", "configs/plain_model.yaml", 1),
        ("CFG001", "configs/train-ldm.yaml", 1),
    ]


def test_cfg001_hydra_groups_are_judged_through_the_composing_config(make_repo):
    files = {
        "configs/train.yaml": """
        defaults:
          - _self_
          - model: resnet
          - trainer: default
          - optional local: default
          - override hydra/launcher: joblib
          - experiment: null
        data:
          batch_size: 32
        """,
        "configs/model/resnet.yaml": "depth: 50\nlr: 0.1\n",
        "configs/model/vit.yaml": "patch: 16\nlr: 0.01\n",  # another option of the group, composed by nobody
        "configs/trainer/default.yaml": "max_epochs: 10\n",
        "configs/experiment/big.yaml": "# @package _global_\nmodel:\n  depth: 101\n",
    }
    root = make_repo(files)
    assert found(root, "CFG001") == [("CFG001", "configs/train.yaml", 1)]
    assert "nor do the 2 files its `defaults:` compose" in findings(root, select="CFG001")[0]["message"]
    # A seed in a composed group file seeds the composition.
    seeded = dict(files)
    seeded["configs/trainer/default.yaml"] = "max_epochs: 10\nseed: 3\n"
    assert found(make_repo(seeded), "CFG001") == []


def test_cfg001_a_list_of_seeds_seeds_the_runs(make_repo):
    """An ensemble or sweep over listed seeds (`ensemble_seeds: [0, 1, 2]` in a composed group file) is seeded; a
    count of seeds is no list, and the suggested key stays a single seed's."""
    files = {
        "conf/ensemble.yaml": "defaults:\n  - ensemble_entity: f012\n  - _self_\njob_name: ensemble\nlr: 0.1\n",
        "conf/ensemble_entity/f012.yaml": "name: f012\nensemble_seeds: [0, 1, 2]\nfolds: 5\n",
        "configs/sweep.yaml": "seeds: ${base.seeds}\nbase:\n  seeds: [1, 2]\nlr: 0.1\n",
        "configs/count.yaml": "num_seeds: 3\nlr: 0.1\n",
    }
    root = make_repo(files)
    assert found(root) == [("CFG001", "configs/count.yaml", 1)]
    assert "add `seed: 42`" in findings(root, select="CFG001")[0]["message"]


def test_cfg001_plain_defaults_and_base_includes(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": "defaults:\n  - _self_\n  - local\nmodel:\n  lr: 0.1\n",
            "configs/local.yaml": "seed: 5\n",
            "configs/mm/base.yaml": "model:\n  lr: 0.1\nseed: 1\n",
            "configs/mm/exp.yaml": "_base_: base.yaml\nmodel:\n  lr: 0.2\n",
        }
    )
    assert found(root, "CFG001") == []


def test_cfg001_package_header_files_are_never_judged_alone(make_repo):
    """A `# @package` header marks a config group file, with or without a `defaults:` list of its own."""
    root = make_repo(
        {
            "configs/sweep.yaml": "# @package _global_\ndefaults:\n  - _self_\nmodel:\n  lr: 0.1\n",
            "configs/big.yaml": "# comment\n# @package model\ndepth: 101\nlr: 0.1\n",
            "configs/train.yaml": "# no header here\nmodel:\n  lr: 0.1\n",  # look-alike: still judged
        }
    )
    assert found(root, "CFG001") == [("CFG001", "configs/train.yaml", 1)]


def cfg001_messages(root) -> dict[str, str]:
    return {f["path"]: f["message"] for f in findings(root, select="CFG001")}


def test_cfg001_suggests_the_seed_key_of_the_config_convention(make_repo):
    root = make_repo(
        {
            "configs/mask_rcnn.yaml": "MODEL:\n  WEIGHTS: x.pkl\nSOLVER:\n  BASE_LR: 0.02\n  MAX_ITER: 100\n",
            "configs/cli.yaml": "trainer:\n  max_epochs: 3\nmodel:\n  class_path: pkg.Net\n  init_args:\n    lr: 0.1\n",
            "configs/plain.yaml": "model:\n  lr: 0.1\n",
            "configs/sweep.json": json.dumps({"batch_size": 32}),
            "configs/exp.toml": "[train]\nepochs = 3\n",
        }
    )
    messages = cfg001_messages(root)
    assert "add `SEED: 42` (a fixed integer) at its top level" in messages["configs/mask_rcnn.yaml"]
    assert "add `seed_everything: 42`" in messages["configs/cli.yaml"]
    assert "add `seed: 42` (a fixed integer) at its top level" in messages["configs/plain.yaml"]
    assert 'add `"seed": 42`' in messages["configs/sweep.json"]
    assert "add `seed = 42`" in messages["configs/exp.toml"]
    # the repository's own convention wins: its other configs seed under `train`
    root = make_repo(
        {
            "configs/a.yaml": "train:\n  seed: 0\n  epochs: 3\n",
            "configs/b.yaml": "train:\n  seed: 1\n  epochs: 5\n",
            "configs/c.yaml": "train:\n  epochs: 9\n",
        }
    )
    assert (
        "add `seed: 42` (a fixed integer) under `train` (as the other configs do)"
        in cfg001_messages(root)["configs/c.yaml"]
    )


LOADERS = {
    "safe_load open": 'import yaml\ncfg = yaml.safe_load(open("config.yaml"))\n',
    "with open": 'import yaml\nwith open("config.yaml") as f:\n    cfg = yaml.safe_load(f)\n',
    "omegaconf": 'from omegaconf import OmegaConf\ncfg = OmegaConf.load("./config.yaml")\n',
    "path read_text": 'import yaml\nfrom pathlib import Path\ncfg = yaml.safe_load(Path("config.yaml").read_text())\n',
    "next to the module": (
        "import os, yaml\nfrom pathlib import Path\nhere = os.path.dirname(__file__)\n"
        'a = yaml.safe_load(open(os.path.join(here, "config.yaml")))\n'
        'b = yaml.safe_load((Path(__file__).parent / "config.yaml").read_text())\n'
    ),
    "argparse default": (
        "import argparse, yaml\np = argparse.ArgumentParser()\n"
        'p.add_argument("--config", default="config.yaml")\ncfg = yaml.safe_load(open(p.parse_args().config))\n'
    ),
}


def test_cfg001_configs_the_code_reads_by_path(make_repo):
    """A root-level config.yaml (or hparams.json) read from code is an experiment config like one in configs/."""
    for label, code in LOADERS.items():
        root = make_repo({"train.py": code, "config.yaml": "lr: 0.1\nepochs: 3\n"})
        assert found(root, "CFG001") == [("CFG001", "config.yaml", 1)], label
    root = make_repo(
        {
            "train.py": 'import json\nhp = json.load(open("hparams.json"))\n',
            "hparams.json": json.dumps({"learning_rate": 0.1}),
        }
    )
    assert found(root, "CFG001") == [("CFG001", "hparams.json", 1)]
    # a YAML trap and a user-specific path in it are found too (`1e-3` is a string for PyYAML)
    root = make_repo({"train.py": LOADERS["path read_text"], "config.yaml": "lr: 1e-3\ndata: /home/alice/x\n"})
    assert [code for code, _, _ in found(root)] == ["CFG001", "CFG004", "CFG005"]
    # OmegaConf reads `1e-3` as a float: no trap there
    root = make_repo({"train.py": LOADERS["omegaconf"], "config.yaml": "lr: 1e-3\ndata: /home/alice/x\n"})
    assert [code for code, _, _ in found(root)] == ["CFG001", "CFG005"]


def test_cfg_a_broken_config_read_by_code_is_rpc002(make_repo):
    root = make_repo({"train.py": LOADERS["safe_load open"], "config.yaml": "lr: [0.1\nepochs: 3\n"})
    result = findings(root, select="CFG,RPC002")
    assert [(f["path"], f["code"]) for f in result] == [("config.yaml", "RPC002")]
    assert "invalid YAML" in result[0]["message"]


def test_a_config_named_as_a_template_is_filled_before_use_and_not_parsed(make_repo):
    placeholders = '{\n  "train_batch_size": BATCH_SIZE,\n  "steps": STEPS\n}\n'
    root = make_repo(
        {
            "config/ds_config_TEMPLATE.json": placeholders,
            "configs/train.template.yaml": "lr: ${LR\nepochs: [\n",
            "run.sh": "sed 's/BATCH_SIZE/8/' config/ds_config_TEMPLATE.json > config/ds_config.json\n",
            "config/ds_config.json": placeholders,  # look-alike: a real config, broken
        }
    )
    assert [(f["path"], f["code"]) for f in findings(root, select="CFG,RPC002")] == [
        ("config/ds_config.json", "RPC002")
    ]


def test_cfg001_files_the_code_reads_that_are_not_configs(make_repo):
    """Look-alikes: data files, configs shipped with weights, files only tests read, files no code reads."""
    root = make_repo(
        {
            "train.py": (
                "import json, yaml\nlabels = json.load(open('labels.json'))\n"
                "arch = yaml.safe_load(open('models/vae/config.yaml'))\n"
            ),
            "labels.json": json.dumps({"train": [1, 2], "model": "x"}),
            "models/vae/config.yaml": "model:\n  lr: 0.1\n",
            "tests/test_cfg.py": "import yaml\nyaml.safe_load(open('test_config.yaml'))\n",
            "test_config.yaml": "lr: 0.1\n",
            "config.yaml": "lr: 0.1\n",  # no code reads it
            "broken.yaml": "a: [1\n",  # not a config: never parsed
        }
    )
    assert found(root, "CFG,RPC002") == []


SEEDED_SCRIPT = """
import argparse
from omegaconf import OmegaConf
parser = argparse.ArgumentParser()
parser.add_argument("-b", "--base", nargs="*", metavar="base_config.yaml")
parser.add_argument("-s", "--seed", type=int, default=23)
opt = parser.parse_args()
configs = [OmegaConf.load(c) for c in opt.base]
"""


def test_cfg001_seed_fixed_on_the_command_line_of_the_script(make_repo):
    """A script that takes the config on its command line with a literal --seed default records the seed."""
    configs = {"configs/ae/kl.yaml": "model:\n  lr: 0.1\ndata:\n  batch_size: 4\n"}
    assert found(make_repo({**configs, "main.py": SEEDED_SCRIPT}), "CFG001") == []
    bound = (
        "import argparse, json\np = argparse.ArgumentParser()\narg = p.add_argument\n"
        "arg('--config', metavar='CONFIG_FILE')\narg('--seed', default=777, type=int)\n"
        "conf = json.load(open(p.parse_args().config))\n"
    )
    assert found(make_repo({"configs/b5.json": json.dumps({"epochs": 3}), "train.py": bound}), "CFG001") == []
    # look-alikes: no default seed, a seed of None, a reader of that very file without a seed option
    unseeded = SEEDED_SCRIPT.replace("default=23", "default=None")
    assert found(make_repo({**configs, "main.py": unseeded}), "CFG001") == [("CFG001", "configs/ae/kl.yaml", 1)]
    reader = 'import yaml\ncfg = yaml.safe_load(open("configs/ae/kl.yaml"))\n'
    root = make_repo({**configs, "main.py": SEEDED_SCRIPT, "sample.py": reader})
    assert found(root, "CFG001") == [("CFG001", "configs/ae/kl.yaml", 1)]


def test_cfg001_overlays_of_a_default_config(make_repo):
    """Configs merged in code onto a default config are judged through the default, which is reported once."""
    files = {
        "pkg/configs/ssl_default_config.yaml": "train:\n  seed: 0\n  epochs: 100\n",
        "pkg/configs/train/vitl14.yaml": "train:\n  epochs: 10\noptim:\n  lr: 0.1\n",
        "pkg/configs/train/vitg14.yaml": "train:\n  epochs: 20\n",
    }
    assert found(make_repo(files), "CFG001") == []
    unseeded = {**files, "pkg/configs/ssl_default_config.yaml": "train:\n  epochs: 100\n"}
    assert found(make_repo(unseeded), "CFG001") == [("CFG001", "pkg/configs/ssl_default_config.yaml", 1)]
    # detectron2's `_BASE_` includes compose like `_base_`
    root = make_repo(
        {
            "configs/Base-RCNN.yaml": "SEED: 7\nSOLVER:\n  BASE_LR: 0.02\n",
            "configs/COCO/mask_rcnn.yaml": '_BASE_: "../Base-RCNN.yaml"\nSOLVER:\n  MAX_ITER: 10\n',
        }
    )
    assert found(root, "CFG001") == []


# -- CFG002 ---------------------------------------------------------------------------------------
def test_cfg002_seed_values(make_repo):
    root = make_repo(
        {
            "configs/a.yaml": """
            seed: null
            trainer:
              seed_everything: true
              manual_seed: -1
            """,
            "configs/b.yaml": 'seed: "42"\nrandom_state: 1e3\nrandom_seed: 0.5\n',
            "configs/c.yaml": "seed: ${now:%H%M%S}\ndata_seed: ${oc.env:SEED}\n",
            "configs/ok.yaml": """
            seed: 0
            trainer:
              seed: ${seed}
              random_state: ${oc.env:SEED,42}
            data:
              random_seed: ???
              split_seed: ${other.file.key}
            """,
            "configs/model/net.yaml": "seed: ~\n",  # group files are checked too
        }
    )
    result = findings(root, select="CFG002")
    assert [(f["path"], f["line"]) for f in result] == [
        ("configs/a.yaml", 1),
        ("configs/a.yaml", 3),
        ("configs/a.yaml", 4),
        ("configs/b.yaml", 1),
        ("configs/b.yaml", 2),
        ("configs/b.yaml", 3),
        ("configs/c.yaml", 1),
        ("configs/c.yaml", 2),
        ("configs/model/net.yaml", 1),
    ]
    text = "\n".join(f["message"] for f in result)
    for expected in ("is null", "a boolean (true)", "negative (-1)", "the string '42'", "the string '1e3'"):
        assert expected in text
    assert "a float (0.5)" in text and "the current time" in text and "without a default" in text


def test_cfg002_json_and_toml(make_repo):
    root = make_repo(
        {
            "configs/a.json": '{\n  "epochs": 3,\n  "seed": null\n}\n',
            "configs/b.toml": "[train]\nepochs = 3\nseed = 1.5\n",
        }
    )
    assert found(root, "CFG002") == [("CFG002", "configs/a.json", 3), ("CFG002", "configs/b.toml", 3)]


# -- CFG003 ---------------------------------------------------------------------------------------
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["seed"],
    "properties": {
        "defaults": {"type": "array"},
        "seed": {"type": "integer", "minimum": 0},
        "model": {"$ref": "defs/model.json"},
    },
}
MODEL_SCHEMA = {"type": "object", "properties": {"n_estimators": {"type": "integer"}}}


def test_cfg003_yaml_language_server_comment_and_local_refs(make_repo):
    root = make_repo(
        {
            "configs/schema/train.schema.json": json.dumps(SCHEMA),
            "configs/schema/defs/model.json": json.dumps(MODEL_SCHEMA),
            "configs/train.yaml": """
            # yaml-language-server: $schema=schema/train.schema.json
            seed: 42
            model:
              n_estimators: "100"
            learning_rte: 0.1
            """,
            "configs/good.yaml": "# yaml-language-server: $schema=schema/train.schema.json\nseed: 1\n",
        }
    )
    result = findings(root, select="CFG003")
    assert [(f["path"], f["line"]) for f in result] == [("configs/train.yaml", 1), ("configs/train.yaml", 4)]
    assert "'learning_rte' was unexpected" in result[0]["message"]
    assert "`model.n_estimators`: '100' is not of type 'integer'" in result[1]["message"]


def test_cfg003_dollar_schema_key_settings_and_missing_schema(make_repo):
    root = make_repo(
        {
            "pyproject.toml": '[tool.reprocheck]\nschemas = {"configs/exp/*.toml" = "schemas/exp.json"}\n',
            "schemas/exp.json": json.dumps({"type": "object", "required": ["seed"]}),
            "configs/exp/a.toml": "epochs = 3\n",
            "configs/b.json": json.dumps({"$schema": "../schemas/exp.json", "seed": 1}),
            "configs/c.json": json.dumps({"$schema": "missing.json", "seed": 1}),
            "configs/d.json": json.dumps({"$schema": "https://example.com/remote.json", "seed": 1}),
        }
    )
    result = findings(root, select="CFG003")
    assert [(f["path"], f["line"]) for f in result] == [("configs/c.json", 1), ("configs/exp/a.toml", 1)]
    assert "'missing.json'" in result[0]["message"] and "does not exist" in result[0]["message"]
    assert "'seed' is a required property" in result[1]["message"]


def test_cfg003_remote_ref_is_never_fetched_and_is_reported(make_repo, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    schema = {
        "type": "object",
        "properties": {"data": {"$ref": "https://example.com/data.json"}, "seed": {"type": "integer"}},
    }
    root = make_repo(
        {
            "configs/schema.json": json.dumps(schema, indent=1),
            "configs/train.yaml": "# yaml-language-server: $schema=schema.json\nseed: one\ndata: {}\n",
        }
    )
    result = findings(root, select="CFG003")
    assert [(f["path"], f["line"]) for f in result] == [("configs/schema.json", 5), ("configs/train.yaml", 2)]
    assert "remote $ref https://example.com/data.json" in result[0]["message"]


def test_cfg003_invalid_schema(make_repo):
    root = make_repo(
        {
            "configs/s.json": json.dumps({"type": "objekt"}),
            "configs/a.yaml": "# yaml-language-server: $schema=s.json\nseed: 1\n",
        }
    )
    result = findings(root, select="CFG003")
    assert len(result) == 1 and "is not a valid JSON Schema" in result[0]["message"]


# -- CFG004 ---------------------------------------------------------------------------------------
def test_cfg004_yaml_traps(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": """
            seed: 1
            optimizer:
              lr: 1e-3
              eps: 1.0e-8
              wd: 0.001
              name: "1e-3"
            augment: off
            shuffle: true
            country: NO
            timeout: 1:30
            mode: '0777'
            perms: 0755
            id: 007
            big: 1.0e3
            seed: 2
            notes: |
              free	text with a tab
            """,
        }
    )
    result = findings(root, select="CFG004")
    assert [f["line"] for f in result] == [3, 7, 9, 10, 12, 14, 15]
    text = [f["message"] for f in result]
    assert "value `1e-3` is read as the string '1e-3'" in text[0] and "1.0e-3" in text[0]
    assert "value `off` is read as the boolean false" in text[1]
    assert "`NO`" in text[2]
    assert "base-60 number (90)" in text[3]
    assert "octal number 493" in text[4]
    assert "value `1.0e3` is read as the string" in text[5] and "1.0e+3 or 1000" in text[5]
    assert "key `seed` appears twice" in text[6] and "lines 1 and 15" in text[6]


def test_cfg004_a_float_field_of_a_pydantic_model_makes_1e_3_a_note(make_repo):
    config = "training:\n  learning_rate: 3e-5\n  warmup: 1e-2\n  weight_decay: 1e-4\n  eps: 1e-8\n"
    root = make_repo(
        {
            "configs/base.yaml": config,
            "schemas/base.py": "from pydantic import BaseModel\n\nclass Base(BaseModel):\n    name: str = 'x'\n",
            "schemas/training.py": (
                "from typing import Optional\nfrom pydantic import Field\nfrom schemas.base import Base\n\n"
                "class TrainingConfig(Base):\n    learning_rate: float = Field(default=3e-5, gt=0)\n"
                "    weight_decay: Optional[float] = None\n    warmup: str = '0.1'\n"
            ),
            # look-alikes: a dataclass converts nothing; a pydantic model of another project is not this one's
            "utils/args.py": "from dataclasses import dataclass\n\n@dataclass\nclass Args:\n    eps: float = 1e-8\n",
            "requirements.txt": "pydantic==2.7.0\n",
            "other/pyproject.toml": '[project]\nname = "other"\nversion = "1"\n',
            "other/model.py": "from pydantic import BaseModel\n\nclass Opt(BaseModel):\n    eps: float = 1.0\n",
        }
    )
    result = {f["line"]: f for f in findings(root, select="CFG004") if f["path"] == "configs/base.yaml"}
    assert sorted(result) == [2, 3, 4, 5]
    assert (
        result[2]["severity"] == "info"
        and "pydantic model TrainingConfig (schemas/training.py:6)" in (result[2]["message"])
    )
    assert result[4]["severity"] == "info"  # Optional[float], in a model derived from a model
    assert result[3]["severity"] == "error"  # `warmup` is a str field
    assert result[5]["severity"] == "error"  # `eps` is a dataclass field, or another project's


def test_cfg004_a_key_repeated_with_the_same_value_matters_only_to_omegaconf(make_repo):
    """PyYAML keeps the last of two equal values: what the author wrote; OmegaConf refuses any duplicate."""
    root = make_repo(
        {
            "configs/deploy.yaml": "enable_cache: False\nseed: 1\nsteps:\n  a: 1\nenable_cache: False\n",
            # look-alikes: a different value, the same text with another type, a repeated mapping
            "configs/other.yaml": "seed: 1\nlr: 0.1\nlr: 0.2\nbatch: 8\nbatch: '8'\nmodel: {a: 1}\nmodel: {a: 1}\n",
            # OmegaConf reads it (a Hydra defaults list): any duplicate fails the load
            "conf/config.yaml": "defaults:\n  - _self_\nseed: 1\nseed: 1\n",
        }
    )
    reported = {(f["path"], f["line"]) for f in findings(root, select="CFG004")}
    assert reported == {("configs/other.yaml", 3), ("configs/other.yaml", 5), ("configs/other.yaml", 7),
                        ("conf/config.yaml", 4)}  # fmt: skip


def test_cfg004_configs_read_by_omegaconf_take_1e_3_as_a_float(make_repo):
    # OmegaConf's YAML loader (Hydra's) reads `5e-4` and `1.0e3` as floats; PyYAML reads them as strings.
    root = make_repo(
        {
            # a Hydra primary config and the config groups it composes
            "configs/config.yaml": "defaults:\n  - optimizer: adamw\n  - _self_\nseed: 1\nlr: 5e-4\n",
            "configs/optimizer/adamw.yaml": "lr: 1e-3\nweight_decay: 1.0e3\nnesterov: on\n",
            # an experiment with a `# @package` header, in a folder nothing composes
            "configs/experiment/lm.yaml": "# @package _global_\noptimizer:\n  lr: 5e-4\n  lr: 1e-4\n",
            # `_target_` keys: instantiated by Hydra
            "conf/model.yaml": "model:\n  _target_: torch.nn.Linear\n  lr: 2e-4\n",
            # read by OmegaConf.load by literal path (not a config folder)
            "hparams.yaml": "lr: 3e-4\n",
            "train.py": "from omegaconf import OmegaConf\ncfg = OmegaConf.load('hparams.yaml')\n",
            # the config_path of @hydra.main: every YAML file below it
            "exp/conf/base.yaml": "lr: 6e-4\n",
            "exp/conf/sub/other.yaml": "lr: 7e-4\n",
            "exp/run.py": (
                "import hydra\n\n@hydra.main(config_path='conf', config_name='base')\ndef main(cfg):\n    pass\n"
            ),
            # look-alikes that stay reported: plain PyYAML configs
            "config/plain.yaml": "lr: 1e-3\n",
            "settings.yaml": "lr: 8e-4\n",
            "load.py": "import yaml\ncfg = yaml.safe_load(open('settings.yaml'))\n",
            "config/mm.yaml": "_base_: plain.yaml\nlr: 9e-4\n",
        }
    )
    result = findings(root, select="CFG004")
    reported = {(f["path"], f["line"]) for f in result}
    assert reported == {
        ("configs/optimizer/adamw.yaml", 3),  # `on` is a boolean for OmegaConf too
        ("configs/experiment/lm.yaml", 4),  # duplicate key
        ("config/plain.yaml", 1),
        ("settings.yaml", 1),
        ("config/mm.yaml", 2),
    }
    messages = {f["path"]: f["message"] for f in result}
    assert "OmegaConf (Hydra) refuses to load" in messages["configs/experiment/lm.yaml"]
    assert "read as the string '1e-3'" in messages["config/plain.yaml"]


def test_cfg004_configs_only_ruamel_reads_are_yaml_1_2(make_repo):
    """ruamel.yaml resolves plain scalars by YAML 1.2: `1e-5` is a float, `on` a string; PyYAML's traps are not."""
    legacy = (
        "import argparse\nimport ruamel_yaml as yaml\n\n"
        "parser = argparse.ArgumentParser()\nparser.add_argument('--config', default='./configs/caption.yaml')\n"
        "args = parser.parse_args()\nconfig = yaml.load(open(args.config, 'r'), Loader=yaml.Loader)\n"
    )
    root = make_repo(
        {
            # the judged shape: conda's ruamel_yaml through an option default; a sibling config chosen on the
            # command line (no default names it) is read by the same script
            "train_caption.py": legacy,
            "configs/caption.yaml": "seed: 42\ninit_lr: 1e-5\nvit_grad_ckpt: on\n",
            "configs/retrieval.yaml": "seed: 42\ninit_lr: 2e-5\nlr: 0.1\nlr: 0.2\n",
            # another shape: the new API's loader object, by literal path
            "tools/sweep.py": (
                "from pathlib import Path\nfrom ruamel.yaml import YAML\n\nyaml = YAML(typ='safe')\n"
                "cfg = yaml.load(Path('tools/sweep_config.yaml'))\n"
            ),
            "tools/sweep_config.yaml": "seed: 1\nlr: 3e-4\ntimeout: 1:30\n",
        }
    )
    reported = {(f["path"], f["line"]): f["message"] for f in findings(root, select="CFG004")}
    assert list(reported) == [("configs/retrieval.yaml", 4)]  # a duplicate key stays: ruamel.yaml refuses it
    assert "ruamel.yaml refuses to load a mapping with a duplicate key" in reported[("configs/retrieval.yaml", 4)]
    # look-alikes that stay reported: another config script parses with PyYAML, one module uses both libraries,
    # a file that asks for YAML 1.1, and ruamel only dumping while PyYAML loads
    pyyaml_too = make_repo(
        {
            "train_caption.py": legacy,
            "eval.py": (
                "import argparse, yaml\np = argparse.ArgumentParser()\np.add_argument('--config')\n"
                "cfg = yaml.safe_load(open(p.parse_args().config))\n"
            ),
            "configs/caption.yaml": "seed: 42\ninit_lr: 1e-5\n",
            "configs/retrieval.yaml": "seed: 42\ninit_lr: 2e-5\n",
        }
    )
    assert {(f["path"], f["line"]) for f in findings(pyyaml_too, select="CFG004")} == {
        ("configs/retrieval.yaml", 2)  # eval.py may read it with PyYAML; caption.yaml is the default of ruamel's
    }
    both = make_repo(
        {
            "train.py": legacy.replace("import ruamel_yaml as yaml\n", "import ruamel_yaml as yaml\nimport yaml as y\n")
            + "extra = y.safe_load(open('configs/caption.yaml'))\n",
            "configs/caption.yaml": "seed: 42\ninit_lr: 1e-5\n",
            "configs/old.yaml": "%YAML 1.1\n---\nseed: 1\nlr: 1e-3\n",
        }
    )
    assert {(f["path"], f["line"]) for f in findings(both, select="CFG004")} == {
        ("configs/caption.yaml", 2),
        ("configs/old.yaml", 4),
    }
    directive = make_repo({"train_caption.py": legacy, "configs/caption.yaml": "%YAML 1.1\n---\nseed: 1\nlr: 1e-3\n"})
    assert [(f["path"], f["line"]) for f in findings(directive, select="CFG004")] == [("configs/caption.yaml", 4)]
    dump_only = make_repo(
        {
            "run.py": (
                "import yaml\nfrom ruamel.yaml import YAML\n\ncfg = yaml.safe_load(open('configs/run.yaml'))\n"
                "YAML().dump(cfg, open('out.yaml', 'w'))\n"
            ),
            "configs/run.yaml": "seed: 1\nlr: 1e-3\n",
        }
    )
    assert [(f["path"], f["line"]) for f in findings(dump_only, select="CFG004")] == [("configs/run.yaml", 2)]


def test_cfg004_tabs(make_repo):
    root = make_repo(
        {
            "configs/a.yaml": "seed: 1\nlr:\t0.1\n",
            "configs/broken.yaml": "seed: 1\nmodel:\n\tlr: 0.1\n",
        }
    )
    result = findings(root, select="CFG004,RPC002")
    # A tab after `key:` is accepted by libyaml but refused by PyYAML's pure-Python `yaml.safe_load` (what most
    # training code calls): CFG004 reports both files; the tab-indented one fails every parser (RPC002 too).
    reported = {(f["code"], f["path"], f["line"]) for f in result}
    assert {("CFG004", "configs/a.yaml", 2), ("CFG004", "configs/broken.yaml", 3)} <= reported
    assert ("RPC002", "configs/broken.yaml", 3) in reported
    clean = make_repo({"configs/a.yaml": 'seed: 1\nsep: "a\tb"  # a quoted tab is text\n'})
    assert found(clean, "CFG004") == []


def test_cfg004_clean_config_with_the_values_real_configs_use(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": """
            # yaml-language-server: $schema=schema/train.schema.json
            defaults:
              - _self_
              - local
            seed: 42
            data:
              test_size: 0.25
              path: data/processed/train.parquet
            model:
              learning_rate: 0.005
              l2: 0.001
              dropout: 1.0e-1
              activation: relu
              bias: true
              layers: [64, 32]
              name: ~
            """,
        }
    )
    assert found(root, "CFG004") == []


# -- CFG005 ---------------------------------------------------------------------------------------
def test_cfg005_user_paths_in_configs_and_code(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": """
            seed: 1
            data:
              root: /home/alice/datasets/cifar
              cache: ~/.cache/torch
              shared: /mnt/data/imagenet
              scratch: /mnt/bob/tmp
              url: https://example.com/home/alice/x
            """,
            "configs/b.json": '{\n  "seed": 1,\n  "out": "C:\\\\Users\\\\bob\\\\runs"\n}\n',
            "src/train.py": '''
            """Reads /home/alice/notes (a docstring is documentation)."""
            import os

            DATA = "/Users/carol/data"
            HOME = "~/experiments"  # never expanded: open() would take it literally
            CACHE = os.path.expanduser("~/.cache/x")
            # /home/dave/comment is a comment
            ''',
            "tests/test_paths.py": 'P = "/home/erin/x"\n',
            "scripts/run.sh": "python train.py --data /home/frank/data\n",
        }
    )
    result = findings(root, select="CFG005")
    assert [(f["path"], f["line"], [r["line"] for r in f.get("related", [])]) for f in result] == [
        ("configs/b.json", 3, []),
        ("configs/train.yaml", 3, [6]),
        ("src/train.py", 4, [5]),
    ]
    assert result[1]["message"] == (
        "2 user-specific paths in configs/train.yaml ('/home/alice/datasets/cifar', '/mnt/bob/tmp'); other "
        "machines do not have them: use paths relative to the repository or environment variables"
    )
    assert "'/Users/carol/data'" in result[2]["message"]
    assert result[0]["message"].startswith("user-specific path ")  # a single one keeps its own message


def test_cfg005_paths_in_a_block_marked_for_users_to_edit_are_placeholders(make_repo):
    root = make_repo(
        {
            "scripts/backtest.py": """
            import torch

            # ------------------------------------------------------------------
            # USER CONFIGURED VARIABLES
            output_dir = "/mnt/alice/backtest"

            # Local directory to load the checkpoint from
            checkpoint_dir = "/home/alice/repos/proj/checkpoints/q911tei5"
            # ------------------------------------------------------------------

            torch.load(checkpoint_dir)
            """,
            "scripts/eval.py": """
            DATA = "/home/bob/data"  # change this to your data folder
            """,
            # look-alikes that stay warnings: no marker, a marker far above, a marker in another function
            "scripts/train.py": """
            # settings
            DATA = "/home/carol/data"
            """,
            "scripts/far.py": "# change this\n" + "X = 1\n" * 30 + 'DATA = "/home/dan/data"\n',
            "scripts/split.py": """
            def setup():
                # change this
                return 1

            def run():
                return open("/home/erin/data.csv")

            run()
            """,
        }
    )
    found = {f["path"]: f for f in findings(root, select="CFG005")}
    assert {p: f["severity"] for p, f in found.items()} == {
        "scripts/train.py": "warning",
        "scripts/far.py": "warning",
        "scripts/split.py": "warning",
    }


def test_cfg005_paths_marked_as_the_authors_own_setup_are_placeholders(make_repo):
    """The judged shapes: a course's submit template (`# You must also identify your source file. (modify for your
    local setup)`, then Colab and Windows alternatives commented out, then the author's Mac path) and a data folder
    in the non-Colab branch under "I used this locally on my machine, you may need different". Look-alikes: a
    comment that only says whose machine it is, and one that tells to modify something else."""
    root = make_repo(
        {
            "assignments/class1.py": """
            key = "example"

            # You must also identify your source file.  (modify for your local setup)
            # file='/content/drive/My Drive/Colab Notebooks/class1.ipynb'  # Google CoLab
            file='/Users/jheaton/projects/course/assignments/class1.ipynb'  # Mac/Linux

            print(file, key)
            """,
            "lessons/resnet.py": """
            COLAB = False
            if COLAB:
                PATH = "/content"
            else:
                # I used this locally on my machine, you may need different
                PATH = "/Users/jeff/temp"
            print(PATH)
            """,
            "lessons/said.py": """
            # the author's machine
            PATH = "/Users/jeff/data"
            print(PATH)
            """,
            "lessons/other.py": """
            # modify the learning rate for your runs
            PATH = "/Users/jeff/runs"
            print(PATH)
            """,
        }
    )
    found = {f["path"]: f["severity"] for f in findings(root, select="CFG005")}
    assert found == {"lessons/said.py": "warning", "lessons/other.py": "warning"}


def cells_of(*cells: tuple[str, str]) -> str:
    """A notebook of (kind, source) cells: "md" for Markdown, "code" for code."""
    built = [
        {"cell_type": "markdown", "metadata": {}, "source": source}
        if kind == "md"
        else {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
        for kind, source in cells
    ]
    return json.dumps({"cells": built, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_cfg005_a_path_in_a_cell_the_notebook_tells_readers_to_edit_is_a_placeholder(make_repo):
    """The Markdown right above a cell tells the reader to edit it: the path there is a placeholder for theirs."""
    root = make_repo(
        {
            # the judged shape: a course notebook's data folder under "you should modify this cell"
            "Module1/sol/01_practical_sol.ipynb": cells_of(
                ("md", "## Data processing"),
                ("code", "%cd .."),
                (
                    "md",
                    "Now you are ready to redo what we did during lesson 1.\n\nBelow, you give the path where the "
                    "data is stored. If you are running this code on your computer, you should modify this cell.",
                ),
                ("code", "data_dir = '/home/mlelarge/data/practical1'"),
                ("code", "import os\nprint(os.listdir(data_dir))"),
            ),
            # another shape: "adapt the code below", then a comment in the cell itself
            "notes/load.ipynb": cells_of(
                ("md", "Depending on your machine, you can adapt the code below to choose where to store the data."),
                ("code", "root = '/home/alice/datasets'"),
                ("code", "# change this to your data folder\nCACHE = '/home/alice/cache'"),
            ),
            # look-alikes that stay warnings: the instruction above another code cell, and Markdown that only
            # describes the path
            "notes/far.ipynb": cells_of(
                ("md", "You should modify this cell."),
                ("code", "import os"),
                ("code", "root = '/home/bob/data'"),
            ),
            "notes/said.ipynb": cells_of(
                ("md", "The data lives in the author's home folder."), ("code", "root = '/home/carl/data'")
            ),
            # a marked cell beside an unmarked one: the unmarked path is reported alone
            "notes/mixed.ipynb": cells_of(
                ("md", "Set your data folder below."),
                ("code", "root = '/home/dora/data'"),
                ("code", "cache = '/home/dora/cache'"),
            ),
        }
    )
    found = {f["path"]: f for f in findings(root, select="CFG005")}
    assert {p: f["severity"] for p, f in found.items()} == {
        "notes/far.ipynb": "warning",
        "notes/said.ipynb": "warning",
        "notes/mixed.ipynb": "warning",
    }
    assert "'/home/dora/cache'" in found["notes/mixed.ipynb"]["message"]
    assert not found["notes/mixed.ipynb"].get("related")


def test_cfg005_a_scratch_function_nothing_calls_is_never_run(make_repo):
    scratch = """
        import json

        def load(path="data/x.json"):
            return json.load(open(path))

        def example_test_case_preprocessing():
            # (paths to files may need adaptations)
            plans = "/home/isensee/drives/plans.json"
            return load(plans)

        if __name__ == "__main__":
            # example_test_case_preprocessing()
            load()
        """
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/prep.py": scratch,
            # look-alikes that stay reported: called from another module, from a notebook, listed in __all__
            "pkg/used.py": 'def helper():\n    return open("/home/amy/x")\n',
            "pkg/cli.py": "from pkg.used import helper\nhelper()\n",
            "pkg/nb_used.py": 'def nb_helper():\n    return open("/home/ben/x")\n',
            "explore.ipynb": notebook_of("from pkg.nb_used import nb_helper\nnb_helper()\n"),
            "pkg/exported.py": '__all__ = ["exported"]\n\ndef exported():\n    return open("/home/cat/x")\n',
        }
    )
    assert sorted(f["path"] for f in findings(root, select="CFG005")) == [
        "pkg/exported.py",
        "pkg/nb_used.py",
        "pkg/used.py",
    ]


def test_cfg005_a_home_path_the_code_expands_is_each_users_own(make_repo):
    """`~/x` expanded (expanduser, a shell) is the same place under every user's home: a per-user default."""
    quiet = {
        "run_model.py": """
            import argparse
            import os
            from pathlib import Path

            parser = argparse.ArgumentParser()
            parser.add_argument("--offload-dir", type=str, default="~/offload_dir")
            parser.add_argument("--cache", type=os.path.expanduser, default="~/cache")
            parser.add_argument("--out", dest="output", default="~/runs")
            args = parser.parse_args()
            offload = os.path.abspath(os.path.expanduser(args.offload_dir))
            out = Path(args.output).expanduser()
            DATA = os.path.expanduser("~/datasets/cifar")
            WEIGHTS = Path("~/weights").expanduser().resolve()
            LOGS = "~/logs"
            CONFIG = {"root": "~/data"}
            os.makedirs(os.path.expanduser(LOGS), exist_ok=True)
            print(os.path.expanduser(CONFIG["root"]))
            os.system("ls ~/logs")


            def load(folder="~/models"):
                return Path(folder).expanduser()


            if __name__ == "__main__":
                load()
            """,
    }
    assert found(make_repo(quiet), select="CFG005") == []
    reported = {
        "train.py": """
            import argparse
            import os

            parser = argparse.ArgumentParser()
            parser.add_argument("--data", default="~/data")
            parser.add_argument("--other", default="~/other")
            args = parser.parse_args()
            print(os.path.expanduser(args.data))
            open(args.other)
            DATA = "/home/alice/data"
            LOG = open("~/log.txt")
            os.path.expanduser("/home/bob/x")
            subprocess.run("ls ~/out")
            """,
    }
    result = findings(make_repo(reported), select="CFG005")
    assert [(f["line"], [r["line"] for r in f.get("related", [])]) for f in result] == [(6, [10, 11, 12, 13])]


def test_cfg005_notebook_cells(make_repo):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Data lives in /home/alice\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import pandas as pd\n", "df = pd.read_csv('/home/alice/data.csv')\n"],
        },
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    root = make_repo({"notebooks/eda.ipynb": text})
    result = findings(root, select="CFG005")
    assert [(f["cell"], f["line"]) for f in result] == [(2, 2)]
    assert "/home/alice/data.csv" in text.splitlines()[result[0]["json_line"] - 1]


# -- the whole family on a realistic project ------------------------------------------------------
def test_realistic_hydra_project_is_clean(make_repo):
    root = make_repo(
        {
            "configs/train.yaml": """
            defaults:
              - _self_
              - model: mlp
              - trainer: default
            seed: 1234
            paths:
              data_dir: ${oc.env:DATA_DIR,data}
            """,
            "configs/model/mlp.yaml": "hidden: 64\nlr: 1.0e-3\n",
            "configs/model/cnn.yaml": "channels: 32\nlr: 3.0e-4\n",
            "configs/trainer/default.yaml": "max_epochs: 20\naccelerator: cpu\n",
            "params.yaml": "seed: 7\nsplit:\n  test_size: 0.2\n",
        }
    )
    assert found(root) == []


def test_lightning_hydra_template_layout(make_repo):
    """Files with a `# @package` header are never judged alone, primary ones included (eval.yaml has no seed and
    is not reported); experiment files below the root are group files; a null seed is still CFG002."""
    root = make_repo(
        {
            "configs/train.yaml": """
            # @package _global_
            defaults:
              - _self_
              - data: mnist
              - trainer: default
              - experiment: null
              - optional local: default
            task_name: "train"
            seed: null
            """,
            "configs/eval.yaml": """
            # @package _global_
            defaults:
              - _self_
              - data: mnist
            task_name: "eval"
            ckpt_path: ???
            """,
            "configs/data/mnist.yaml": "batch_size: 128\nsplit: [55_000, 5_000, 10_000]\npin_memory: False\n",
            "configs/trainer/default.yaml": "max_epochs: 10\ndeterministic: False\n",
            "configs/experiment/example.yaml": (
                "# @package _global_\ndefaults:\n  - override /data: mnist\nseed: 12345\n"
            ),
            "configs/hydra/default.yaml": "run:\n  dir: logs/${now:%Y-%m-%d}_${now:%H-%M-%S}\n",
        }
    )
    assert found(root) == [("CFG002", "configs/train.yaml", 9)]


def test_config_paths_and_seed_keys_settings(make_repo):
    settings = '[tool.reprocheck]\nconfig-paths = ["experiments/*.yaml"]\nseed-keys = ["prng"]\n'
    root = make_repo(
        {
            "pyproject.toml": settings,
            "experiments/a.yaml": "prng: 3\nlr: 0.1\n",
            "experiments/b.yaml": "lr: 0.1\n",
            "experiments/c.yaml": "prng: null\nlr: 0.1\n",
            "configs/ignored.yaml": "lr: 0.1\n",  # not matched by the configured globs
        }
    )
    assert found(root) == [("CFG001", "experiments/b.yaml", 1), ("CFG002", "experiments/c.yaml", 1)]


def test_modules_that_name_no_config_file_or_option_are_not_read_as_config_programs(make_repo):
    """The pre-filter: `import json` alone makes no config reader (the parse is skipped), a literal path or a config
    flag does."""
    from reprocheck.facts.config_programs import may_read_configs

    assert not may_read_configs("import json\n\nprint(json.dumps({}))\n")
    assert not may_read_configs("import yaml\nparser.add_argument('--lr', default=0.1)\n")
    assert may_read_configs("cfg = yaml.safe_load(open('config.yaml'))\n")
    assert may_read_configs('path = Path(__file__).parent / "hparams.json"\n')
    assert may_read_configs("p.add_argument('--config-file', default=None)\n")
    assert may_read_configs('p.add_argument("--cfg")\n')


def test_cfg005_a_default_that_every_command_running_the_script_overrides(make_repo):
    script = (
        "import argparse\n\nparser = argparse.ArgumentParser()\n"
        "parser.add_argument('--root-dir', default='/home/selim/datasets/deepfake')\n"
        "parser.add_argument('--out', default='/home/selim/out')\n"
    )
    root = make_repo(
        {
            "preprocessing/landmarks.py": script,
            "preprocess.sh": "python preprocessing/landmarks.py --root-dir $DATA_ROOT --out=$OUT\n",
            "other/crops.py": script,
            "crops.sh": "python other/crops.py --root-dir $DATA_ROOT\npython other/crops.py\n",
            "loose.py": script,
        }
    )
    found = sorted(
        (f["path"], f["line"], *[r["line"] for r in f.get("related", [])]) for f in findings(root, select="CFG005")
    )
    # landmarks.py: both defaults always overridden; crops.py: one run passes nothing; loose.py: nobody runs it
    # (one finding per file, the other line related)
    assert found == [("loose.py", 4, 5), ("other/crops.py", 4, 5)]


def test_cfg005_a_default_overridden_through_a_launcher_module(make_repo):
    script = (
        "import argparse\n\narg = argparse.ArgumentParser().add_argument\n"
        "arg('--data-dir', default='/mnt/sota/datasets/x')\n"
    )
    run = (
        "python -u -m torch.distributed.launch --nproc_per_node=$GPUS --master_port 9901 "
        "training/train.py --data-dir $ROOT --fold 0\n"
    )
    root = make_repo({"training/train.py": script, "train.sh": run})
    assert findings(root, select="CFG005") == []


def test_cfg005_a_script_no_command_runs_follows_its_siblings_runs(make_repo):
    script = (
        "import argparse\n\nparser = argparse.ArgumentParser()\n"
        "parser.add_argument('--root-dir', default='/mnt/sota/datasets/deepfake')\n"
    )
    other = script.replace("--root-dir", "--input")
    root = make_repo(
        {
            "preprocessing/landmarks.py": script,
            "preprocessing/diffs.py": script,
            "preprocessing/compress.py": script,  # run by nobody: its siblings always get --root-dir
            "preprocessing/encodings.py": other,  # an option no sibling run passes: reported
            "preprocess.sh": "python preprocessing/landmarks.py --root-dir $D\n"
            "python preprocessing/diffs.py --root-dir $D\n",
            "tools/loose.py": script,  # no sibling is run: reported
        }
    )
    assert sorted(f["path"] for f in findings(root, select="CFG005")) == [
        "preprocessing/encodings.py",
        "tools/loose.py",
    ]


def test_cfg005_a_parameter_default_every_call_passes(make_repo):
    dataset = (
        "class DeepFakeDataset:\n"
        "    def __init__(self, data_path='/mnt/sota/datasets/deepfake', fold=0):\n"
        "        self.data_path = data_path\n\n"
        "def load(root='/home/alice/data'):\n"
        "    return root\n"
    )
    root = make_repo(
        {
            "training/datasets.py": dataset,
            # every construction passes data_path (by keyword or position); load() is called without its root
            "training/train.py": "from training.datasets import DeepFakeDataset, load\n\n"
            "train = DeepFakeDataset(data_path=args.data_dir, fold=1)\n"
            "val = DeepFakeDataset(args.data_dir)\n"
            "rows = load()\n",
        }
    )
    [found] = findings(root, select="CFG005")
    assert (found["path"], found["line"]) == ("training/datasets.py", 5)
    # an unpacked call may or may not pass it: the default stays reported
    root = make_repo({"a.py": dataset, "b.py": "from a import DeepFakeDataset\n\nDeepFakeDataset(**cfg)\n"})
    assert [(f["path"], f["line"]) for f in findings(root, select="CFG005")] == [("a.py", 2)]


def test_cfg005_the_main_block_of_a_library_module_is_its_self_test(make_repo):
    module = (
        "def postprocess(folder):\n    return folder\n\n"
        "if __name__ == '__main__':\n"
        "    postprocess('/home/fabian/results/Dataset004')\n"
    )
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/postprocessing.py": module,  # imported by library code: a self-test
            "pkg/evaluation.py": "from pkg.postprocessing import postprocess\n",
            "pkg/predict.py": module,  # its users run a console script
            "pyproject.toml": "[project]\nname = 'pkg'\n[project.scripts]\npkg-predict = 'pkg.predict:postprocess'\n",
            "scripts/convert.py": module,  # a program of its own: reported
        }
    )
    assert [f["path"] for f in findings(root, select="CFG005")] == ["scripts/convert.py"]


def test_cfg005_container_paths_where_the_repository_mounts_a_volume_are_not_reported(make_repo):
    root = make_repo(
        {
            # kfp: the same file mounts the pipeline's volume at /mnt
            "codes/volume_parallel.py": (
                "from kfp import dsl\n\n"
                "def step(vol_name):\n"
                "    cop = dsl.ContainerOp(name='gen', image='bash:5.1', command=['sh', '-c'],\n"
                "                          arguments=['echo 1 | tee /mnt/out1.txt'])\n"
                "    cop.add_pvolumes({'/mnt': dsl.PipelineVolume(pvc=vol_name)})\n"
                "    return cop\n"
            ),
            # a job spec in a notebook mounts a volume at /mnt/azure
            "mnist/mnist_azure.ipynb": notebook_of(
                'model_dir = "/mnt/azure/mnist"\n'
                'spec = """\n'
                "volumeMounts:\n"
                "  - mountPath: /mnt/azure\n"
                "    name: azure\n"
                '"""\n'
            ),
            # a Kubernetes manifest elsewhere in the repository mounts /mnt/kubeflow-gcfs
            "k8s/train.yaml": (
                "spec:\n  containers:\n    - name: t\n      volumeMounts:\n"
                "        - mountPath: /mnt/kubeflow-gcfs\n          name: gcfs\n"
            ),
            "serving/serve.py": "MODEL = '/mnt/kubeflow-gcfs/pytorch/model.dat'\n",
            # docker run -v in a script mounts /mnt/results
            "run.sh": "docker run -v $PWD/out:/mnt/results trainer\n",
            "evaluate.py": "OUT = '/mnt/results/eval.json'\n",
            # nothing mounts /mnt/alice: a folder of the author's machine
            "train.py": "DATA = '/mnt/alice/imagenet'\n",
        }
    )
    assert [f["path"] for f in findings(root, select="CFG005")] == ["train.py"]


def test_cfg005_help_texts_are_documentation_but_defaults_stay_reported(make_repo):
    root = make_repo(
        {
            "train.py": (
                "import argparse\n\n"
                "parser = argparse.ArgumentParser()\n"
                "parser.add_argument('--modelpath', required=True,\n"
                "                    help='Path to model, e.g., /mnt/kubeflow-gcfs/pytorch/model')\n"
                "parser.add_argument('--data', help=f'where the data is, e.g. /home/alice/data')\n"
                "parser.add_argument('--out', default='/home/alice/runs', help='output folder')\n"
            ),
        }
    )
    [found] = findings(root, select="CFG005")
    assert (found["path"], found["line"]) == ("train.py", 7)
    assert "/home/alice/runs" in found["message"]


# -- yacs config trees: overlays inherit the defaults' seed, `literal_eval` reads `1e-8` as a float ----------------
YACS_DEFAULTS = """
import yaml
from yacs.config import CfgNode as CN

_C = CN()
_C.BASE = ['']
_C.DATA = CN()
_C.DATA.BATCH_SIZE = 128
_C.MODEL = CN()
_C.MODEL.TYPE = 'swin'
_C.TRAIN = CN()
_C.TRAIN.EPOCHS = 300
_C.TRAIN.WEIGHT_DECAY = 0.05
_C.SEED = 0


def _update_config_from_file(config, cfg_file):
    config.defrost()
    config.merge_from_file(cfg_file)
    config.freeze()


def get_config(args):
    config = _C.clone()
    _update_config_from_file(config, args.cfg)
    return config
"""
SWIN_OVERLAY = """
MODEL:
  TYPE: swin
  NAME: swin_small_patch4_window7_224_22kto1k_finetune
TRAIN:
  EPOCHS: 30
  WEIGHT_DECAY: 1e-8
  BASE_LR: 2e-05
  WARMUP_LR: 2e-08
"""


def test_cfg001_a_yacs_overlay_inherits_the_seed_of_its_defaults(make_repo):
    files = {
        "config.py": YACS_DEFAULTS,
        "main.py": "from config import get_config\n\nconfig = get_config(None)\nseed = config.SEED\n",
        "configs/swin/swin_small_patch4_window7_224_22kto1k_finetune.yaml": SWIN_OVERLAY,
        "configs/swinv2/swinv2_base.yaml": "DATA:\n  BATCH_SIZE: 64\nMODEL:\n  TYPE: swinv2\nTRAIN:\n  EPOCHS: 10\n",
    }
    assert found(make_repo(files), "CFG001") == []
    # another shape: fvcore's CfgNode, through a class derived from it, a seed one level down, and the tree
    # merged in another module; a `_BASE_` include of an overlay is seeded the same way
    fvcore = {
        "project/defaults.py": (
            "from fvcore.common.config import CfgNode as _CfgNode\n\n\nclass CfgNode(_CfgNode):\n    pass\n\n\n"
            "_C = CfgNode()\n_C.SOLVER = CfgNode()\n_C.SOLVER.BASE_LR = 0.1\n_C.SOLVER.SEED = 3\n_C.INPUT = CfgNode()\n"
        ),
        "train_net.py": "from project.defaults import _C\n\ncfg = _C.clone()\ncfg.merge_from_file(ARGS.config_file)\n",
        "configs/base.yaml": "SOLVER:\n  BASE_LR: 0.02\nINPUT:\n  SIZE: 224\n",
        "configs/long.yaml": "_BASE_: base.yaml\nSOLVER:\n  MAX_ITER: 90000\n",
    }
    assert found(make_repo(fvcore), "CFG001") == []

    # look-alikes that stay reported: defaults without a seed, a seed drawn per run (-1), an overlay with a key
    # the defaults lack (no yacs overlay: yacs refuses unknown keys), a CfgNode of the project's own (minGPT's)
    unseeded = {**files, "config.py": YACS_DEFAULTS.replace("_C.SEED = 0\n", "")}
    assert [p for _, p, _ in found(make_repo(unseeded), "CFG001")] == [
        "configs/swin/swin_small_patch4_window7_224_22kto1k_finetune.yaml",
        "configs/swinv2/swinv2_base.yaml",
    ]
    drawn = {**files, "config.py": YACS_DEFAULTS.replace("_C.SEED = 0", "_C.SEED = -1")}
    assert len(found(make_repo(drawn), "CFG001")) == 2
    foreign = {**files, "configs/swinv2/swinv2_base.yaml": "MODEL:\n  TYPE: v2\ntrainer:\n  max_epochs: 3\n"}
    assert found(make_repo(foreign), "CFG001") == [("CFG001", "configs/swinv2/swinv2_base.yaml", 1)]
    mingpt = YACS_DEFAULTS.replace("from yacs.config import", "from mingpt.utils import")
    own = {**files, "config.py": mingpt}
    assert len(found(make_repo(own), "CFG001")) == 2


def test_cfg004_configs_merged_into_a_yacs_tree_take_1e_8_as_a_float(make_repo):
    """yacs decodes every string value of a merged file with `literal_eval`: `1e-8` reaches the run as a float."""
    files = {
        "config.py": YACS_DEFAULTS,
        "configs/swin/finetune.yaml": SWIN_OVERLAY + "TRAIN:\n  EPOCHS: 20\nDATA:\n  BATCH_SIZE: on\n",
        # merged by literal path (a demo), whatever its keys
        "demo.py": (
            "from detectron2.config import get_cfg\n\ncfg = get_cfg()\n"
            "cfg.merge_from_file('configs/demo_config.yaml')\n"
        ),
        "configs/demo_config.yaml": "SEED: 1\nSOLVER:\n  BASE_LR: 5e-4\n",
        # look-alikes: a config read by PyYAML, and one whose keys are not the yacs defaults'
        "configs/plain.yaml": "seed: 1\nlr: 1e-3\n",
        "configs/other.yaml": "SEED: 1\nOPTIM:\n  LR: 3e-4\n",
    }
    result = findings(make_repo(files), select="CFG004")
    reported = {(f["path"], f["line"]) for f in result}
    assert reported == {
        ("configs/swin/finetune.yaml", 9),  # duplicate key: yacs reads the file with PyYAML, the last one wins
        ("configs/swin/finetune.yaml", 12),  # `on` is a boolean for yacs too
        ("configs/plain.yaml", 2),
        ("configs/other.yaml", 3),
    }
    # without any `merge_from_file` in the repository, the overlay is a plain PyYAML file
    plain = {**files, "config.py": YACS_DEFAULTS.replace("config.merge_from_file(cfg_file)", "pass")}
    plain.pop("demo.py")
    result = findings(make_repo(plain), select="CFG004")
    lines = {f["line"] for f in result if f["path"] == "configs/swin/finetune.yaml"}
    assert {6, 7, 8} <= lines


def test_cfg004_suggested_floats_are_floats_to_pyyaml(make_repo):
    import yaml

    values = ["1e-8", "2e-08", "5E-4", "1e5", "1.0e3", "-3e-2"]
    root = make_repo({"configs/train.yaml": "seed: 1\n" + "".join(f"v{i}: {v}\n" for i, v in enumerate(values))})
    result = sorted(findings(root, select="CFG004"), key=lambda f: f["line"])
    assert [f["line"] for f in result] == list(range(2, 2 + len(values)))
    for value, finding in zip(values, result, strict=True):
        suggested = finding["message"].split("; write ", 1)[1].split(" or ")
        assert len(suggested) == 2, finding["message"]
        for form in suggested:
            assert form != value
            assert type(yaml.safe_load(form)) is float and yaml.safe_load(form) == float(value), form
    assert "write 1.0e-8 or 0.00000001" in result[0]["message"]
    assert "write 2.0e-08 or 0.00000002" in result[1]["message"]
    assert "write 5.0e-4 or 0.0005" in result[2]["message"]
    assert "write 1.0e+5 or 100000.0" in result[3]["message"]


TAKES_A_CONFIG = (
    "import argparse, json\np = argparse.ArgumentParser()\narg = p.add_argument\n"
    "arg('--config', metavar='CONFIG_FILE')\nconf = json.load(open(p.parse_args().config))\n"
)


def test_cfg001_configs_the_same_scripts_run_are_one_finding(make_repo):
    """Variants of one experiment that the same scripts take on their command line: one seeding fix serves all."""
    configs = {f"configs/{name}.json": json.dumps({"epochs": 3, "network": name}) for name in ("b2", "d92", "se50")}
    root = make_repo({**configs, "train.py": TAKES_A_CONFIG, "train_localization.py": TAKES_A_CONFIG})
    found_ = findings(root, select="CFG001")
    assert [(f["path"], [r["path"] for r in f["related"]]) for f in found_] == [
        ("configs/b2.json", ["configs/d92.json", "configs/se50.json"])
    ]
    assert (
        "2 more configs in configs/ that the same scripts run (train.py and train_localization.py)"
        in (found_[0]["message"])
    )
    # configs read by literal path belong to their readers: two readers, two fixes
    readers = {
        "a/train.py": 'import json\nconf = json.load(open("configs/b2.json"))\n',
        "b/train.py": 'import json\nconf = json.load(open("configs/d92.json"))\n',
    }
    two = {k: v for k, v in configs.items() if "se50" not in k}
    assert found(make_repo({**two, **readers}), "CFG001") == [
        ("CFG001", "configs/b2.json", 1),
        ("CFG001", "configs/d92.json", 1),
    ]
    # another folder or another format is another finding; no known script, no fold
    more = {**configs, "configs/extra/r101.json": json.dumps({"epochs": 3}), "configs/r50.yaml": "epochs: 3\n"}
    assert [f["path"] for f in findings(make_repo({**more, "train.py": TAKES_A_CONFIG}), select="CFG001")] == [
        "configs/b2.json",
        "configs/extra/r101.json",
        "configs/r50.yaml",
    ]
    assert len(found(make_repo(configs), "CFG001")) == 3


OPTION_SCRIPT = (
    "import argparse\n\nparser = argparse.ArgumentParser()\n"
    "parser.add_argument('--input', default='/home/selim/datasets/xview/train/')\n"
)


def test_cfg005_a_default_the_readme_overrides_or_no_run_takes(make_repo):
    readme = "#### Generate Masks\n\n Run `python generate_polygons.py --input data/train`\n"
    fenced = "```bash\npython generate_polygons.py --input data/train\n```\n"
    for text in (readme, fenced):  # the README's run passes its own path: the default never takes effect
        assert findings(make_repo({"generate_polygons.py": OPTION_SCRIPT, "README.md": text}), select="CFG005") == []
    # no command runs the script: the default of an option a run passes its path with is a note
    (note,) = findings(make_repo({"predict.py": OPTION_SCRIPT, "README.md": "# xview2\n"}), select="CFG005")
    assert note["severity"] == "info"
    assert "(info: the default of `--input`, and no command in the repository or its README runs" in note["message"]


def test_cfg005_lookalikes_of_an_unrun_option_default_stay_warnings(make_repo):
    runs_bare = {"generate_polygons.py": OPTION_SCRIPT, "README.md": "Run `python generate_polygons.py`\n"}
    hard_coded = {"predict.py": OPTION_SCRIPT + "DATA = '/home/selim/datasets/other'\n"}
    in_code = {"predict.py": "import os\n\nroot = '/home/selim/datasets/xview'\n"}
    scripted = {"predict.py": OPTION_SCRIPT, "run.sh": "python predict.py\n"}
    for files in (runs_bare, hard_coded, in_code, scripted):
        (finding,) = findings(make_repo(files), select="CFG005")
        assert finding["severity"] == "warning", files


def test_cfg001_scripts_of_another_sub_project_run_none_of_its_configs(make_repo):
    configs = {f"gamesense/configs/{n}.yaml": "parameters:\n  epochs: 3\n" for n in ("local", "remote")}
    root = make_repo({**configs, "omni-reader/run.py": TAKES_A_CONFIG})
    assert [f["path"] for f in findings(root, select="CFG001")] == [
        "gamesense/configs/local.yaml",
        "gamesense/configs/remote.yaml",
    ]
    root = make_repo({**configs, "gamesense/run.py": TAKES_A_CONFIG})
    assert [f["path"] for f in findings(root, select="CFG001")] == ["gamesense/configs/local.yaml"]

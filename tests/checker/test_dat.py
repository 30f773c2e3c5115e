"""DAT001-DAT005: large files and artifacts in git, DVC hygiene and undeclared inputs, unpinned remote loads."""

from __future__ import annotations

import base64
import json
import os

import pytest

from tests.conftest import findings

MIB = 1024 * 1024
SHA = "0123456789abcdef" * 2 + "01234567"  # 40 hex: a commit id


def lfs_pointer(size: int) -> str:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{'ab' * 32}\nsize {size}\n"


def of(root, code: str, *args) -> list[dict]:
    return [f for f in findings(root, *args, select=code) if f["code"] == code]


# -- DAT001 ----------------------------------------------------------------------------------------
def test_dat001_large_tracked_file(make_repo):
    root = make_repo({"data/train.bin": os.urandom(2 * MIB + 10), "README.md": "x\n"})
    (found,) = of(root, "DAT001")
    assert found["path"] == "data/train.bin"
    assert "data/train.bin is 2.0 MiB in git (limit 1.0 MiB)" in found["message"]
    assert "DVC" in found["message"] and "LFS" in found["message"]


def test_dat001_lfs_pointer_of_a_2gb_file_is_fine(make_repo):
    root = make_repo(
        {
            ".gitattributes": "*.ckpt filter=lfs diff=lfs merge=lfs -text\n",
            "models/huge.ckpt": lfs_pointer(2 * 1024**3),
            "data/small.txt": "ok\n",
        }
    )
    assert of(root, "DAT001") == []
    assert of(root, "DAT002") == []


def test_dat001_file_matching_lfs_pattern_but_committed_as_blob(make_repo):
    root = make_repo({".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n", "w.bin": os.urandom(MIB + 1)})
    (found,) = of(root, "DAT001")
    assert "matches an LFS pattern" in found["message"] and "git lfs migrate import" in found["message"]


def test_dat001_counts_committed_size_not_untracked_files(make_repo):
    root = make_repo({"README.md": "x\n"})
    (root / "scratch.bin").write_bytes(os.urandom(2 * MIB))  # untracked
    assert of(root, "DAT001") == []


def test_dat001_configurable_limit(make_repo):
    files = {"pyproject.toml": '[tool.reprocheck]\nmax-file-size = "3MiB"\n', "blob.bin": os.urandom(2 * MIB)}
    assert of(make_repo(files), "DAT001") == []
    files["pyproject.toml"] = "[tool.reprocheck]\nmax-file-size = 100000\n"
    (found,) = of(make_repo(files), "DAT001")
    assert "limit 97.7 KiB" in found["message"]


def test_dat001_outside_git_uses_file_sizes_and_lfs_patterns(make_repo):
    root = make_repo(
        {"big.bin": os.urandom(2 * MIB), ".gitattributes": "*.h5 filter=lfs\n", "w.h5": os.urandom(2 * MIB)},
        git_init=False,
    )
    assert [f["path"] for f in of(root, "DAT001")] == ["big.bin"]


# -- DAT002 ----------------------------------------------------------------------------------------
def test_dat002_artifacts_tracked_in_git(make_repo):
    root = make_repo(
        {
            "data/train.csv": "a,b\n1,2\n",
            "data/features.parquet.gz": b"\x1f\x8b\x08\x00",
            "models/model.pt": b"PK\x03\x04",
            "models/Classifier.JOBLIB": b"\x80\x04",
            "arrays/x.npy": b"\x93NUMPY",
            "store.zarr/.zarray": "{}",
            "store.zarr/0.0": b"\x00\x01",
            "src/load_csv.py": "import pandas\n",
            "configs/train.json": "{}",
            "data/README.md": "# data\n",
        }
    )
    found = of(root, "DAT002")
    assert [f["path"] for f in found] == [
        "arrays/x.npy",
        "data/features.parquet.gz",
        "data/train.csv",
        "models/Classifier.JOBLIB",
        "models/model.pt",
        "store.zarr/.zarray",
    ]
    assert "data/train.csv is a data/model artifact (.csv, 8 B) tracked in git" in found[2]["message"]
    assert "zarr store store.zarr" in found[5]["message"]


def test_dat002_fixtures_and_lfs_pointers_are_fine(make_repo):
    root = make_repo(
        {
            "tests/fixtures/sample.csv": "a\n1\n",
            "tests/unit/fixtures/tiny.npy": b"\x93NUMPY",
            "testdata/x.parquet": b"PAR1",
            "weights/model.safetensors": lfs_pointer(5 * 1024**3),
            ".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        }
    )
    assert of(root, "DAT002") == []


def test_dat002_custom_fixture_dirs(make_repo):
    files = {"pyproject.toml": '[tool.reprocheck]\nfixture-dirs = ["samples/"]\n', "samples/iris.csv": "a\n"}
    assert of(make_repo(files), "DAT002") == []
    files["pyproject.toml"] = '[tool.reprocheck]\nfixture-dirs = ["other/"]\n'
    assert len(of(make_repo(files), "DAT002")) == 1


def test_documents_are_not_data_artifacts(make_repo):
    big = os.urandom(2 * MIB)
    root = make_repo(
        {
            "slides/02 - CNN.pdf": big,
            "lectures/week1.pptx": big,
            "paper/main.pdf": big,
            "docs/guide.pdf": big,
            "poster_iclr2024.pdf": big,
            "06 - How to present slides.pdf": big,
            # look-alikes that stay reported: PDFs that are inputs (in a data folder, or a plain name), a model
            "data/slides/scan.pdf": big,
            "inputs/invoice_0001.pdf": big,
            "slides/model.ckpt": big,
        }
    )
    assert [f["path"] for f in of(root, "DAT001")] == [
        "data/slides/scan.pdf",
        "inputs/invoice_0001.pdf",
        "slides/model.ckpt",
    ]


def test_dat002_dvclive_logs_stay_in_git(make_repo):
    root = make_repo(
        {
            "dvclive/acc.tsv": "timestamp\tstep\tacc\n1\t0\t0.5\n",
            "dvclive/metrics.json": '{"acc": 0.5}',
            "dvclive/plots/metrics/loss.tsv": "step\tloss\n0\t1.0\n",
            "results/dvclive/val.csv": "step,acc\n0,0.5\n",
            # look-alikes that stay reported: a model in the dvclive folder, a table in a folder named like it
            "dvclive/model.pt": b"PK\x03\x04",
            "dvclive_data/train.csv": "a,b\n1,2\n",
        }
    )
    assert [f["path"] for f in of(root, "DAT002")] == ["dvclive/model.pt", "dvclive_data/train.csv"]


def test_illustrations_example_inputs_and_page_indexes_are_not_data(make_repo):
    big = os.urandom(2 * MIB)
    lessons = (
        "lesson,name,page_name,video\n1,Intro,01-intro.md,https://youtu.be/a\n2,Setup,02-setup.md,https://youtu.be/b\n"
    )
    root = make_repo(
        {
            # a write-up folder of a few figures, a GAN's sample sheet
            "sealions/3190.png": big,
            "sealions/361-580.png": big,
            "sealions/notes.md": "# notes\n",
            "gandogs/samples/samples_mode8.jpg": big,
            "gandogs/train.py": "import torch\n",
            # inputs of the documented examples
            "examples/data/blogData_train.csv.gz": big,
            "examples/advanced/svgp_elevators.pt": b"PK\x03\x04",
            # a course's lesson list naming the pages next to it
            "03-classification/meta.csv": lessons,
            "03-classification/01-intro.md": "# intro\n",
            "03-classification/02-setup.md": "# setup\n",
            # look-alikes that stay reported: images of a data folder or beside code, a big file under examples,
            # a table whose rows name no page of its folder
            "data/images/cat.png": big,
            "analysis/plot.png": big,
            "analysis/make_plot.py": "import matplotlib\n",
            "examples/data/huge.csv.gz": os.urandom(5 * MIB),
            "examples/weights/model.bin": big,
            "04-regression/meta.csv": "id,name,url\n1,a,https://x.org/a.md\n2,b,https://x.org/b.md\n",
        }
    )
    assert [f["path"] for f in of(root, "DAT001")] == [
        "analysis/plot.png",
        "data/images/cat.png",
        "examples/data/huge.csv.gz",
        "examples/weights/model.bin",
    ]
    assert [f["path"] for f in of(root, "DAT002")] == ["04-regression/meta.csv", "examples/data/huge.csv.gz"]


# -- DAT003 ----------------------------------------------------------------------------------------
DVC_CONFIG = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bucket/dvc\n"
PIPELINE = """
stages:
  train:
    cmd: python train.py
    deps: [train.py]
    outs: [model.pkl]
"""


def test_dat003_clean_dvc_project(make_repo):
    root = make_repo(
        {
            ".dvc/config": DVC_CONFIG,
            "dvc.yaml": PIPELINE,
            "dvc.lock": "schema: '2.0'\nstages: {}\n",
            "train.py": "print(1)\n",
            ".gitignore": "/model.pkl\n/images\n",
            "data/raw.csv.dvc": "outs:\n- md5: 0a1b\n  size: 3\n  hash: md5\n  path: raw.csv\n",
            "data/.gitignore": "/raw.csv\n",
            "images.dvc": "outs:\n- md5: 77.dir\n  path: images\n",
        }
    )
    assert of(root, "DAT003") == []


def test_dat003_missing_or_untracked_lock(make_repo):
    committed_metrics = PIPELINE.replace("outs: [model.pkl]", "metrics: [{scores.json: {cache: false}}]")
    root = make_repo({".dvc/config": DVC_CONFIG, "dvc.yaml": committed_metrics, "scores.json": "{}"})
    (found,) = of(root, "DAT003")  # a fresh clone in CI: the committed metrics show the pipeline ran
    assert "has produced scores.json" in found["message"]

    root = make_repo({".dvc/config": DVC_CONFIG, "dvc.yaml": PIPELINE, "train.py": "", ".gitignore": "/model.pkl\n"})
    assert of(root, "DAT003") == []  # never run: nothing to lock yet
    placeholder = PIPELINE.replace("outs: [model.pkl]", "outs: [data/processed]")
    root2 = make_repo({".dvc/config": DVC_CONFIG, "dvc.yaml": placeholder, "data/processed/.gitkeep": ""})
    assert of(root2, "DAT003") == []  # an output folder holding only a placeholder
    (root2 / "data/processed/part-0.parquet").write_bytes(b"PAR1")
    assert "has produced data/processed" in of(root2, "DAT003")[0]["message"]
    (root / "model.pkl").write_bytes(b"\x80\x04")  # `dvc repro` ran
    (found,) = of(root, "DAT003")
    assert (found["path"], found["line"]) == ("dvc.yaml", 1)
    assert "dvc.yaml has produced model.pkl but has no dvc.lock" in found["message"]
    (root / "dvc.lock").write_text("schema: '2.0'\n")
    (found,) = of(root, "DAT003")
    assert found["path"] == "dvc.lock" and "not committed" in found["message"]


def test_dat003_no_default_remote(make_repo):
    pointer = "outs:\n- md5: 0a1b\n  path: raw.csv\n"
    gitignore = "/raw.csv\n"
    root = make_repo({".dvc/config": "[core]\n    autostage = true\n", "raw.csv.dvc": pointer, ".gitignore": gitignore})
    (found,) = of(root, "DAT003")
    assert (found["path"], found["line"]) == (".dvc/config", 1) and "no default DVC remote" in found["message"]
    root = make_repo({".dvc/config": "[core]\n    remote = gone\n", "raw.csv.dvc": pointer, ".gitignore": gitignore})
    (found,) = of(root, "DAT003")
    assert found["line"] == 2 and "'gone' is not defined" in found["message"]
    root = make_repo({"raw.csv.dvc": pointer, ".gitignore": gitignore})
    (found,) = of(root, "DAT003")
    assert found["path"] == "raw.csv.dvc" and "no committed .dvc/config" in found["message"]
    root = make_repo({"raw.csv.dvc": pointer, ".gitignore": gitignore})
    (root / ".dvc").mkdir()
    (root / ".dvc" / "config").write_text(DVC_CONFIG)
    (found,) = of(root, "DAT003")
    assert found["path"] == ".dvc/config" and "is not committed" in found["message"]


def test_dat003_a_pipeline_never_run_needs_no_remote_yet(make_repo):
    """A pipeline whose cached outputs do not exist yet (no dvc.lock, no output) has nothing to push or pull."""
    config = "[core]\n    autostage = true\n"
    fresh = {".dvc/config": config, "dvc.yaml": PIPELINE, "train.py": "", ".gitignore": "/model.pkl\n"}
    assert of(make_repo(fresh), "DAT003") == []
    # look-alike: the same pipeline after a run (its dvc.lock committed): its outputs live in the cache
    ran = make_repo({**fresh, "dvc.lock": "schema: '2.0'\nstages: {}\n"})
    (found,) = of(ran, "DAT003")
    assert "no default DVC remote" in found["message"]


def test_dat003_dvc_tracked_path_not_ignored_or_tracked_by_git(make_repo):
    root = make_repo(
        {
            ".dvc/config": DVC_CONFIG,
            "data/raw.csv.dvc": "outs:\n- md5: 0a1b\n  size: 3\n  path: raw.csv\n",
            "data/raw.csv": "a\n",
            "images.dvc": "outs:\n- md5: 77.dir\n  path: images\n",
        }
    )
    found = of(root, "DAT003")
    assert [(f["path"], f["line"]) for f in found] == [("data/raw.csv.dvc", 4), ("images.dvc", 3)]
    assert "data/raw.csv is tracked by data/raw.csv.dvc and by git" in found[0]["message"]
    assert "images is tracked by images.dvc but not git-ignored; add `/images` to .gitignore" in found[1]["message"]


def test_dat003_look_alikes(make_repo):
    root = make_repo(
        {
            "notes.dvc": "just a text file named .dvc\n",
            "dvc.yaml": "stages: {}\n",
            "README.md": "uses dvc\n",
        }
    )
    assert of(root, "DAT003") == []


# -- DAT004 ----------------------------------------------------------------------------------------
def test_dat004_script_and_config_not_declared(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            stages:
              train:
                cmd: python src/train.py --config configs/train.yaml --out models
                deps:
                  - data/prepared
                outs:
                  - models
            """,
            "src/train.py": "print(1)\n",
            "configs/train.yaml": "seed: 1\n",
        }
    )
    found = of(root, "DAT004")
    assert [(f["path"], f["line"]) for f in found] == [("dvc.yaml", 3), ("dvc.yaml", 3)]
    assert "stage 'train' reads configs/train.yaml but neither its deps nor its params list it" in found[0]["message"]
    assert "stage 'train' runs src/train.py but its deps do not list it" in found[1]["message"]


def test_dat004_declared_inputs_are_fine(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            stages:
              prepare:
                cmd: uv run --frozen python -m pipeline.prepare --params params.yaml
                deps: [src/pipeline]
                params: [prepare.ratio]
              train:
                wdir: src
                cmd:
                  - python pipeline/train.py --config=../configs/train.yaml
                  - ./run.sh && echo done
                deps: [pipeline/train.py, run.sh]
                params:
                  - ../configs/train.yaml:
              evaluate:
                cmd: python missing_script.py --config configs/absent.yaml
            """,
            "params.yaml": "prepare:\n  ratio: 0.2\n",
            "src/pipeline/__init__.py": "",
            "src/pipeline/prepare.py": "",
            "src/pipeline/train.py": "",
            "src/run.sh": "echo\n",
            "configs/train.yaml": "seed: 1\n",
        }
    )
    assert of(root, "DAT004") == []


def test_dat004_foreach_module_runner_and_hydra(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            vars:
              - models: [cnn, mlp]
            stages:
              train:
                foreach: ${models}
                do:
                  cmd: accelerate launch --num_processes 2 src/fit.py model=${item}
                  deps: [data]
              tune:
                cmd: python -m pkg.tune --config-path ../../conf --config-name search
                deps: [data]
            """,
            "src/fit.py": "",
            "src/pkg/__init__.py": "",
            "src/pkg/tune.py": "",
            "conf/search.yaml": "seed: 0\n",
        }
    )
    found = of(root, "DAT004")
    assert [f["message"].split(" but ")[0] for f in found] == [
        "stage 'train@cnn' runs src/fit.py",
        "stage 'tune' reads conf/search.yaml",
        "stage 'tune' runs src/pkg/tune.py",
    ]


# -- DAT005 ----------------------------------------------------------------------------------------
def test_dat005_hugging_face_loaders(make_repo):
    root = make_repo(
        {
            "train.py": f"""
            from transformers import AutoModel, AutoTokenizer, pipeline
            import datasets
            from huggingface_hub import hf_hub_download

            NAME = "distilbert-base-uncased"
            tok = AutoTokenizer.from_pretrained("bert-base-uncased")
            model = AutoModel.from_pretrained(NAME, revision="main")
            pinned = AutoModel.from_pretrained("bert-base-uncased", revision="{SHA}")
            ds = datasets.load_dataset("imdb", split="train")
            local = datasets.load_dataset("csv", data_files="data/train.csv")
            weights = hf_hub_download(repo_id="org/model", filename="w.bin")
            clf = pipeline("sentiment-analysis")
            ok = pipeline("sentiment-analysis", model="org/sst2", revision="{SHA}")
            mine = AutoModel.from_pretrained("./checkpoints/best")
            """,
            "eval.py": """
            import transformers

            def load(args):
                return transformers.AutoModel.from_pretrained(args.output_dir)
            """,
        }
    )
    found = of(root, "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [
        ("train.py", 6),
        ("train.py", 7),
        ("train.py", 9),
        ("train.py", 11),
        ("train.py", 12),
    ]
    messages = [f["message"] for f in found]
    assert messages[0].startswith("`AutoTokenizer.from_pretrained` loads model bert-base-uncased from the Hugging")
    assert "revision='main', which can move" in messages[1] and "distilbert-base-uncased" in messages[1]
    assert "dataset imdb" in messages[2]
    assert "file of org/model" in messages[3]
    assert "the task's default model" in messages[4]


def test_dat005_names_a_hub_file_of_a_repository_given_by_a_variable(make_repo):
    root = make_repo(
        {
            "requirements.txt": "huggingface-hub==0.24.0\n",
            "fetch.py": "from huggingface_hub import hf_hub_download\n\n"
            "def weights(repo_id):\n    return hf_hub_download(repo_id=repo_id, filename='model.pth')\n\n"
            "if __name__ == '__main__':\n    weights('org/model')\n",
        }
    )
    (found,) = of(root, "DAT005")
    shown = "loads the file of the repository named by `repo_id` (called with org/model) from the Hugging Face hub"
    assert shown in found["message"]


def test_dat005_torch_hub(make_repo):
    root = make_repo(
        {
            "hub.py": """
            import torch

            a = torch.hub.load("pytorch/vision", "resnet50", weights="DEFAULT")
            b = torch.hub.load("pytorch/vision:main", "resnet50")
            c = torch.hub.load("pytorch/vision:v0.16.0", "resnet50")
            d = torch.hub.load("./hubconf_dir", "model", source="local")
            """
        }
    )
    found = of(root, "DAT005")
    assert [f["line"] for f in found] == [3, 4]
    assert "default branch of pytorch/vision" in found[0]["message"]
    assert "branch 'main'" in found[1]["message"]


def test_dat005_downloads_and_checksums(make_repo):
    root = make_repo(
        {
            "fetch.py": """
            import hashlib
            import urllib.request
            from urllib.request import urlretrieve

            import pooch
            import requests

            URL = "https://example.org/data/train.csv.gz"

            def unchecked(dest):
                urlretrieve(URL, dest)

            def checked(dest, expected):
                urllib.request.urlretrieve(URL, dest)
                digest = hashlib.sha256(open(dest, "rb").read()).hexdigest()
                assert digest == expected

            def api():
                return requests.get("https://api.example.org/v1/items", timeout=5).json()

            def data_file():
                return requests.get("https://example.org/files/model.onnx", timeout=5).content

            def streamed(url):
                with requests.get(url, stream=True, timeout=5) as response:
                    return response.content

            def with_pooch():
                good = pooch.retrieve(URL, known_hash="sha256:" + "0" * 64)
                bad = pooch.retrieve(URL, known_hash=None)
                return good, bad
            """
        }
    )
    found = of(root, "DAT005")
    assert [f["line"] for f in found] == [11, 22, 25, 30]
    assert "downloads https://example.org/data/train.csv.gz without a checksum check" in found[0]["message"]
    assert "downloads a URL" in found[2]["message"]
    assert "pass known_hash=" in found[3]["message"]


def test_dat005_project_from_pretrained_judged_by_what_it_calls(make_repo):
    root = make_repo(
        {
            "mypkg/__init__.py": "",
            "mypkg/models.py": """
            import torch
            from transformers import PreTrainedModel

            class LocalNet:
                @classmethod
                def from_pretrained(cls, path):
                    return torch.load(path)

            class HubNet(PreTrainedModel):
                pass
            """,
            "run.py": """
            from mypkg.models import HubNet, LocalNet

            a = LocalNet.from_pretrained("org/name")
            b = HubNet.from_pretrained("org/name")

            class Inline(LocalNet):
                pass

            c = some_factory().from_pretrained("org/name")
            """,
        }
    )
    found = of(root, "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("run.py", 4)]
    assert "`HubNet.from_pretrained` loads model org/name" in found[0]["message"]


def test_dat005_in_notebook_cells(make_repo):
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["load_dataset('x')"]},
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c",
                "metadata": {},
                "outputs": [],
                "source": ["%pip list\n", "from datasets import load_dataset\n", "ds = load_dataset('squad')\n"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(nb, indent=1) + "\n"
    root = make_repo({"explore.ipynb": text})
    (found,) = of(root, "DAT005")
    assert (found["cell"], found["line"]) == (2, 3)
    assert "load_dataset('squad')" in text.splitlines()[found["json_line"] - 1]


def cells_notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [source]}
        for source in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def test_dat005_one_url_downloaded_alike_in_notebooks_of_a_folder_is_one_finding(make_repo):
    adult = 'url = "https://archive.ics.uci.edu/ml/adult/adult.data"\nout = "data/census.csv"\n'
    download = "import wget\nwget.download(url, out)\n"
    covtype = 'url = "https://archive.ics.uci.edu/ml/covtype/covtype.data.gz"\nout = "data/forest.gz"\n'
    root = make_repo(
        {
            "census_example.ipynb": cells_notebook(adult, download),
            "pretraining_example.ipynb": cells_notebook(adult, download),
            "customizing_example.ipynb": cells_notebook(adult, download),
            # look-alikes that keep their own finding: another URL, the same URL in another folder
            "forest_example.ipynb": cells_notebook(covtype, download),
            "other/census.ipynb": cells_notebook(adult, download),
        }
    )
    found = {f["path"]: f for f in of(root, "DAT005")}
    assert sorted(found) == ["census_example.ipynb", "forest_example.ipynb", "other/census.ipynb"]
    first = found["census_example.ipynb"]
    assert [r["path"] for r in first["related"]] == ["customizing_example.ipynb", "pretraining_example.ipynb"]
    assert (
        "the same download of https://archive.ics.uci.edu/ml/adult/adult.data in 2 other notebooks" in first["message"]
    )
    assert "related" not in found["forest_example.ipynb"] or not found["forest_example.ipynb"]["related"]


CELL_LOADS = """from transformers import AutoConfig, AutoModel, AutoTokenizer

def create_backbone(cfg):
    config = AutoConfig.from_pretrained(
        cfg["backbone"], cache_dir=cfg["cache_dir"]
    )
    return AutoModel.from_config(config)

class Data:
    def __init__(self, cfg):
        self.cfg = cfg
        self.tokenizer = AutoTokenizer.from_pretrained(
            self.cfg["backbone"],
        )
        self.teacher = AutoModel.from_pretrained(self.cfg["teacher"])
"""


def test_dat005_one_id_once_per_cell_and_function(make_repo):
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [], "source": src}
            for src in (CELL_LOADS, "tok = AutoTokenizer.from_pretrained(cfg['backbone'])\n")
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    module = (
        "from transformers import AutoConfig, AutoModel\n\n"
        "def build(cfg):\n"
        "    config = AutoConfig.from_pretrained(cfg.architecture.backbone)\n"
        "    model = AutoModel.from_pretrained(cfg.architecture.backbone, config=config)\n"
        "    other = AutoModel.from_pretrained('bert-base-uncased')\n"
        "    return model, other\n\n"
        "def again(cfg):\n"
        "    return AutoModel.from_pretrained(cfg.architecture.backbone)\n"
    )
    root = make_repo({"generate.ipynb": json.dumps(nb, indent=1) + "\n", "models/net.py": module})
    found = of(root, "DAT005")
    places = [(f["path"], f.get("cell"), f["line"]) for f in found]
    # the notebook: backbone at cell 1 line 4 (line 12 and the next cell's load related), the teacher apart
    assert places == [
        ("generate.ipynb", 1, 4),
        ("generate.ipynb", 1, 15),
        ("models/net.py", None, 4),
        ("models/net.py", None, 6),
        ("models/net.py", None, 10),
    ]
    assert found[0]["message"].endswith("(also at cell 1 line 12, cell 2 line 1)")
    assert [(place["cell"], place["line"]) for place in found[0]["related"]] == [(1, 12), (2, 1)]
    assert "also at" not in found[1]["message"]
    assert found[2]["message"].endswith("(also at line 5)")


def test_dat005_one_model_expression_is_one_fix_site(make_repo):
    """The model loaded in one cell and its tokenizer in another from the same variable are one fix; so are the
    loads of one `dummy or name` expression in each branch of a function. Other ids, other expressions and other
    functions stay apart."""
    cells = (
        "from transformers import GPT2Tokenizer, GPT2LMHeadModel\nmodel_type = 'gpt2-xl'\n",
        "model = GPT2LMHeadModel.from_pretrained(model_type)\n",
        "def generate(prompt):\n    tok = GPT2Tokenizer.from_pretrained(model_type)\n    return tok(prompt)\n",
        "other = GPT2LMHeadModel.from_pretrained('distilgpt2')\n",
    )
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": src}
            for i, src in enumerate(cells)
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    module = (
        "from transformers import AutoModelForCausalLM, BloomForCausalLM, OPTForCausalLM\n\n"
        "def load(kind, dummy=None, name='facebook/opt-1.3b'):\n"
        "    if kind == 'bloom':\n"
        "        model = BloomForCausalLM.from_pretrained(dummy or name)\n"
        "    elif kind == 'opt':\n"
        "        model = OPTForCausalLM.from_pretrained(dummy or name)\n"
        "    else:\n"
        "        model = AutoModelForCausalLM.from_pretrained(dummy or name)\n"
        "    base = AutoModelForCausalLM.from_pretrained(name or dummy)\n"
        "    return model, base\n\n"
        "def again(dummy=None, name='facebook/opt-1.3b'):\n"
        "    return OPTForCausalLM.from_pretrained(dummy or name)\n"
    )
    root = make_repo({"generate.ipynb": json.dumps(nb, indent=1) + "\n", "run_model.py": module})
    found = of(root, "DAT005")
    assert [(f["path"], f.get("cell"), f["line"]) for f in found] == [
        ("generate.ipynb", 2, 1),
        ("generate.ipynb", 4, 1),
        ("run_model.py", None, 5),
        ("run_model.py", None, 10),
        ("run_model.py", None, 14),
    ]
    assert found[0]["message"].endswith("(also at cell 3 line 2)")
    assert found[2]["message"].endswith("(also at lines 7, 9)")
    assert [r["line"] for r in found[2]["related"]] == [7, 9]


def test_dat005_look_alikes(make_repo):
    root = make_repo(
        {
            "other.py": """
            import mylib
            from mylib import Model

            Model.from_pretrained("org/name")
            mylib.load_dataset("imdb")

            def load_dataset(name):
                return name

            load_dataset("imdb")
            """
        }
    )
    assert of(root, "DAT005") == []


# -- the facts underneath ---------------------------------------------------------------------------
def store_of(root):
    from reprocheck.config import Settings
    from reprocheck.facts import FactStore
    from reprocheck.project import Project

    project = Project.discover(root, Settings())
    return project, FactStore(project)


def test_git_facts_lfs_attributes_and_ignores(make_repo):
    root = make_repo(
        {
            ".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\ndata/** filter=lfs\n",
            "data/.gitattributes": "*.txt -filter\n",
            "data/keep.txt": "x\n",
            "data/raw/a.csv": "a\n",
            "w.bin": lfs_pointer(10),
            ".gitignore": "/outputs/\n*.log\n!important.log\n",
            "sub/.gitignore": "/local\n",
            "README.md": "x\n",
        }
    )
    _, store = store_of(root)
    facts = store.get("git_facts")
    assert facts.in_git and facts.sizes["README.md"] == 2
    assert facts.is_lfs_tracked("w.bin") and facts.is_lfs_tracked("data/raw/a.csv")
    assert not facts.is_lfs_tracked("data/keep.txt") and not facts.is_lfs_tracked("README.md")
    assert set(facts.lfs_pointers(["w.bin", "README.md"])) == {"w.bin"}
    assert facts.lfs_pointer("w.bin").size == 10
    assert facts.is_ignored("outputs", directory=True) and facts.is_ignored("outputs/model.pt")
    assert facts.is_ignored("run.log") and not facts.is_ignored("important.log")
    assert facts.is_ignored("sub/local") and not facts.is_ignored("local")
    assert not facts.is_ignored("data/raw/a.csv")


def test_dvc_facts_expand_stages_and_read_config(make_repo):
    root = make_repo(
        {
            "pipelines/dvc.yaml": """
            vars:
              - sizes.yaml:grid
              - prefix: runs
            stages:
              fit:
                foreach:
                  small: {lr: 0.1}
                  large: {lr: 0.01}
                do:
                  cmd: python fit.py --lr ${item.lr} --out ${prefix}/${key}
                  outs:
                    - ${prefix}/${key}
              sweep:
                matrix:
                  seed: ${grid}
                  arch: [cnn]
                cmd: python sweep.py ${item.seed} ${item.arch} ${undefined}
                params: [lr, other.yaml:]
            """,
            "pipelines/sizes.yaml": "grid: [1, 2]\n",
            "pipelines/params.yaml": "lr: 0.5\n",
            ".dvc/config": "[core]\n    remote = s3\n['remote \"s3\"']\n    url = s3://b\n",
        }
    )
    project, store = store_of(root)
    dvc = store.get("dvc")
    assert project.problems == []
    names = [s.name for s in dvc.stages]
    assert names == ["fit@small", "fit@large", "sweep@1-cnn", "sweep@2-cnn"]
    fit = dvc.stages[0]
    assert fit.commands[0][1] == "python fit.py --lr 0.1 --out runs/small"
    assert fit.outs[0].path == "pipelines/runs/small" and fit.wdir == "pipelines"
    sweep = dvc.stages[2]
    assert sweep.unresolved and sweep.commands[0][1] == "python sweep.py 1 cnn ${undefined}"
    assert [(p.file, p.keys) for p in sweep.params] == [
        ("pipelines/params.yaml", ("lr",)),
        ("pipelines/other.yaml", ()),
    ]
    assert dvc.config.default_remote == "s3" and dvc.config.remotes == {"s3": "s3://b"}
    assert dvc.pipelines[0].lock_path == "pipelines/dvc.lock"


def test_broken_dvc_files_are_rpc002(make_repo):
    root = make_repo({".dvc/config": "remote = x\n[core\n", "dvc.yaml": "stages: [\n", "a.dvc": "outs: [\n"})
    found = findings(root, select="DAT,RPC002")
    assert sorted((f["code"], f["path"]) for f in found) == [
        ("RPC002", ".dvc/config"),
        ("RPC002", "a.dvc"),
        ("RPC002", "dvc.yaml"),
    ]


def test_dat002_uncached_dvc_outputs_belong_in_git(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            stages:
              evaluate:
                cmd: python evaluate.py
                metrics:
                  - metrics/scores.csv:
                      cache: false
                plots:
                  - plots/confusion.csv:
                      cache: false
                  - plots/cached.csv
                outs:
                  - reports:
                      cache: false
                  - models/model.pkl
            """,
            "metrics/scores.csv": "f1\n0.9\n",
            "plots/confusion.csv": "a,b\n",
            "plots/cached.csv": "a,b\n",
            "reports/per_class.csv": "c\n",
            "models/model.pkl": b"\x80\x04",
        }
    )
    assert [f["path"] for f in of(root, "DAT002")] == ["models/model.pkl", "plots/cached.csv"]


# -- DAT005: shell downloads, saved HTTP bodies, download helpers ---------------------------------------------------
def cell_notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": s}
        for i, s in enumerate(sources)
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_dat005_wget_and_curl_in_scripts_and_makefiles(make_repo):
    root = make_repo(
        {
            "data/get_data.sh": """
            #!/bin/bash
            url=https://example.org/releases
            wget $url/train.zip
            wget -q -P data $url/val.zip
            curl -sSL -o test.parquet https://example.org/test.parquet
            curl -L https://example.org/extra.tar.gz | tar xz -C data
            """,
            "Makefile": "data:\n\twget -O data/raw.csv https://example.org/raw.csv\n",
        }
    )
    found = of(root, "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("Makefile", 2), ("data/get_data.sh", 3)]
    assert "`wget` downloads https://example.org/raw.csv without a checksum check" in found[0]["message"]
    assert found[1]["message"].startswith(
        "4 downloads (https://example.org/releases/train.zip, https://example.org/releases/val.zip, "
        "https://example.org/test.parquet and 1 more) without a checksum check in the same script"
    )
    assert "sha256sum -c" in found[1]["message"]


def test_dat005_shell_look_alikes_and_checked_downloads(make_repo):
    root = make_repo(
        {
            "checked.sh": "wget https://example.org/train.zip\nsha256sum -c train.zip.sha256\n",
            "compared.sh": """
            curl -L -o d.zip https://example.org/d.zip
            [ "$(sha256sum d.zip | cut -d' ' -f1)" = "$EXPECTED" ] || exit 1
            """,
            "setup_tools.sh": """
            curl -fsSL https://get.docker.com | sh
            wget https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh
            wget -qO- https://example.org/install | bash
            curl -s https://api.github.com/repos/org/repo/releases/latest
            curl -LO https://github.com/protocolbuffers/protobuf/releases/download/v25.1/protoc-25.1-linux-x86_64.zip
            wget https://example.org/logo.png
            curl -X POST -d @payload.json https://api.example.org/v1/jobs
            """,
        }
    )
    assert of(root, "DAT005") == []


def test_dat005_a_download_url_fixed_to_a_commit_needs_no_checksum(make_repo):
    root = make_repo(
        {
            "fetch.py": f"""
            import pickle
            from urllib.request import urlopen, urlretrieve

            RAW = "https://raw.githubusercontent.com/org/repo/{SHA}/data/train.csv"
            GH = (
                "https://github.com/org/repo/raw/"
                "{SHA}/results/scores.pkl"
            )

            def pinned():
                urlretrieve(RAW, "train.csv")
                return pickle.load(urlopen(GH))

            def hub():
                urlretrieve("https://huggingface.co/org/model/resolve/{SHA}/w.bin", "w.bin")
                urlretrieve("https://gitlab.com/org/repo/-/raw/{SHA}/d.npz", "d.npz")
                urlretrieve("https://example.org/get?file=d.csv&rev={SHA}", "d.csv")

            def moving():
                urlretrieve("https://raw.githubusercontent.com/org/repo/main/data/test.csv", "test.csv")

            def tagged():
                urlretrieve("https://github.com/org/repo/releases/download/v1.0/val.zip", "val.zip")
            """,
            "get.sh": f"""
            wget https://raw.githubusercontent.com/org/repo/{SHA}/data/a.csv
            curl -L -o b.csv https://github.com/org/repo/raw/{SHA}/b.csv
            """,
            "get_branch.sh": "wget https://github.com/org/repo/raw/master/c.csv\n",
        }
    )
    found = of(root, "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("fetch.py", 20), ("fetch.py", 23), ("get_branch.sh", 1)]
    assert "/main/data/test.csv" in found[0]["message"]


def test_dat005_wget_in_notebook_cells(make_repo):
    nb = cell_notebook(
        "!wget https://example.org/model.ckpt -O model.ckpt\n",
        "!wget https://example.org/a.zip\n!sha256sum -c a.zip.sha256\n",
        "import hashlib\n!curl -LO https://example.org/b.zip\nassert hashlib.sha256(open('b.zip', 'rb').read())\n",
        "%%bash\nwget https://example.org/c.npz\n",
    )
    root = make_repo({"explore.ipynb": nb})
    found = of(root, "DAT005")
    assert [(f["cell"], f["line"]) for f in found] == [(1, 1), (4, 2)]
    assert "in the same cell" in found[0]["message"]
    assert "https://example.org/c.npz" in nb.splitlines()[found[1]["json_line"] - 1]


def test_dat005_python_running_wget_or_curl(make_repo):
    root = make_repo(
        {
            "fetch.py": """
            import os
            import subprocess

            URL = "https://example.org/data.zip"

            def with_curl(dest):
                subprocess.run(["curl", "-L", URL, "-o", dest], check=True)

            def with_wget(name):
                os.system(f"wget https://example.org/{name}.tar")

            def api_call():
                return subprocess.check_output(["curl", "-s", "https://api.example.org/v1/status"])

            def installer():
                os.system("wget https://example.org/install.sh && bash install.sh")
            """
        }
    )
    found = of(root, "DAT005")
    assert [f["line"] for f in found] == [7, 10]
    assert "`curl` (run by `subprocess.run`) downloads https://example.org/data.zip" in found[0]["message"]
    assert "`wget` (run by `os.system`) downloads https://example.org/{name}.tar" in found[1]["message"]


def test_dat005_http_bodies_saved_to_disk_but_not_api_answers(make_repo):
    root = make_repo(
        {
            "fetch.py": """
            import json
            from urllib.request import urlopen

            import requests
            from PIL import Image

            def save(url, path):
                response = requests.get(url, timeout=30)
                with open(path, "wb") as handle:
                    handle.write(response.content)

            def api(path):
                answer = requests.get("https://api.example.org/v1/items", stream=True, timeout=5)
                json.dump(answer.json(), open(path, "w"))

            def api_urlopen(path):
                data = json.load(urlopen("https://api.example.org/v1/items"))
                open(path, "w").write(str(data))

            def picture():
                return Image.open(requests.get("https://example.org/cat.jpg", stream=True).raw)

            def text_in_memory(url):
                return requests.get(url, timeout=5).text
            """
        }
    )
    found = of(root, "DAT005")
    assert [f["line"] for f in found] == [8]
    assert "`requests.get` downloads a URL without a checksum check" in found[0]["message"]


def test_dat005_download_helper_whose_caller_verifies(make_repo):
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/util.py": """
            from urllib.request import urlretrieve

            def download_url(url, filename):
                urlretrieve(url, filename)

            def fetch_unchecked(url, filename):
                urlretrieve(url, filename)

            def compute_sha256(filename):
                import hashlib
                return hashlib.sha256(open(filename, "rb").read()).hexdigest()
            """,
            "pkg/data.py": """
            from pkg import util

            def prepare(meta, path):
                util.download_url(meta["url"], path)
                if util.compute_sha256(path) != meta["sha256"]:
                    raise ValueError("checksum mismatch")

            def other(meta, path):
                util.fetch_unchecked(meta["url"], path)
            """,
        }
    )
    found = of(root, "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("pkg/util.py", 7)]


def test_dat005_listing_hub_entry_points_is_not_a_load(make_repo):
    root = make_repo({"models.py": 'import torch\n\nnames = torch.hub.list("org/repo")\n'})
    assert of(root, "DAT005") == []


def test_dat004_python_commands_read_like_entry_points(make_repo):
    root = make_repo(
        {
            "dvc.yaml": """
            stages:
              train:
                cmd: nohup python -u src/train.py --config configs/a.yaml
                deps: [data]
              tune:
                cmd: conda run -n env python -m pkg.tune
                deps: [data]
              dist:
                cmd: torchrun --nproc_per_node 2 src/train.py
                deps: [src/train.py]
              plot:
                cmd: Rscript analysis/plot.R
                deps: [data]
            """,
            "src/train.py": "",
            "src/pkg/__init__.py": "",
            "src/pkg/tune.py": "",
            "configs/a.yaml": "seed: 0\n",
            "analysis/plot.R": "plot(1)\n",
        }
    )
    found = of(root, "DAT004")
    assert [f["message"].split(" but ")[0] for f in found] == [
        "stage 'train' reads configs/a.yaml",
        "stage 'train' runs src/train.py",
        "stage 'tune' runs src/pkg/tune.py",
        "stage 'plot' runs analysis/plot.R",
    ]


# -- DAT001/DAT002: judged by what the file is for ------------------------------------------------------------------
def incompressible_text(chars: int) -> str:
    return base64.b64encode(os.urandom(chars))[:chars].decode()


def big_notebook(output_chars: int, source_chars: int = 10) -> str:
    image = {"data": {"image/png": "A" * output_chars}, "metadata": {}, "output_type": "display_data"}
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "c",
        "metadata": {},
        "outputs": [image] if output_chars else [],
        "source": ["x = '" + incompressible_text(source_chars) + "'\n"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_dat001_documentation_media_and_output_heavy_notebooks_are_not_data(make_repo):
    big = 30_000  # above the limit set below
    root = make_repo(
        {
            "pyproject.toml": "[tool.reprocheck]\nmax-file-size = 20000\n",
            "README.md": "# Results\n![samples](results/samples.gif)\n<img src='./results/grid.jpg'>\n",
            "results/samples.gif": os.urandom(big),
            "results/grid.jpg": os.urandom(big),
            "assets/stable-samples/merged-0005.png": os.urandom(big),
            "docs/gallery/demo.mp4": os.urandom(big),
            "notebooks/walkthrough.ipynb": big_notebook(big),
            # still data
            "data/images/train_0001.png": os.urandom(big),
            "results/unlinked.png": os.urandom(big),
            "notebooks/embedded.ipynb": big_notebook(0, source_chars=big),
            "models/best.ckpt": os.urandom(big),
        }
    )
    assert [f["path"] for f in of(root, "DAT001")] == [
        "data/images/train_0001.png",
        "models/best.ckpt",
        "notebooks/embedded.ipynb",
        "results/unlinked.png",
    ]


def test_dat001_and_dat002_package_data_and_test_fixtures_are_not_data(make_repo):
    root = make_repo(
        {
            "setup.py": 'from setuptools import setup\nsetup(name="a", package_data={"pkga": ["resources/*.npz"]})\n',
            "pkga/__init__.py": "",
            "pkga/resources/mean.npz": b"PK\x03\x04",
            "pkgb/__init__.py": "",
            "pkgb/norm.py": 'import numpy as np\nSTATS = np.load(__file__.replace("norm.py", "stats.npy"))\n',
            "pkgb/stats.npy": b"\x93NUMPY",
            "pyproject.toml": '[tool.setuptools.package-data]\npkgc = ["*.pkl"]\n',
            "pkgc/__init__.py": "",
            "pkgc/encoder.pkl": b"\x80\x04",
            "MANIFEST.in": "recursive-include pkgd/vocab *.json *.csv\n",
            "pkgd/__init__.py": "",
            "pkgd/vocab/tokens.csv": "a\n",
            "pkgd/vocab/big_vocab.json": "[" + "1," * MIB + "1]",  # DAT001-sized package data
            "course/integraton-test/model/model.pkl": b"\x80\x04",
            "research/rag/test_data/kb.csv": "a\n",
            "lib/tests/fixtures/samples/dev.tsv": "a\tb\n",
            # still data
            "pkga/weights.pt": b"PK\x03\x04",
            "data/train.csv": "a,b\n",
            "contest/results.csv": "a\n",
        }
    )
    assert [f["path"] for f in of(root, "DAT002")] == ["contest/results.csv", "data/train.csv", "pkga/weights.pt"]
    assert of(root, "DAT001") == []


def test_dat005_peft_adapter_is_the_second_argument(make_repo):
    root = make_repo(
        {
            "generate.py": f"""
            from peft import PeftModel
            from transformers import AutoModelForCausalLM

            def main(base_model, lora_weights="org/adapter"):
                model = AutoModelForCausalLM.from_pretrained(base_model, revision="{SHA}")
                model = PeftModel.from_pretrained(model, lora_weights)
                return PeftModel.from_pretrained(model, "org/pinned-adapter", revision="{SHA}")
            """
        }
    )
    (found,) = of(root, "DAT005")
    assert found["line"] == 6
    assert "`PeftModel.from_pretrained` loads the adapter named by `lora_weights`" in found["message"]


# -- DAT005: ids the user supplies at run time ------------------------------------------------------
USER_SUPPLIED = {
    "required_option.py": """
        import argparse
        from transformers import AutoModel

        parser = argparse.ArgumentParser()
        parser.add_argument("--base_model", required=True)
        parser.add_argument("--tokenizer-name", type=str)
        args = parser.parse_args()
        model = AutoModel.from_pretrained(args.base_model)
        tokenizer = AutoModel.from_pretrained(args.tokenizer_name, use_fast=True)
        """,
    "fire_main.py": """
        import os
        import fire
        from transformers import AutoModel

        def main(base_model: str = "", steps: int = 1):
            base_model = base_model or os.environ.get("BASE_MODEL", "")
            assert base_model, "pass --base_model"
            return AutoModel.from_pretrained(base_model)

        def train(base_model, data_path="data.json"):
            return AutoModel.from_pretrained(base_model)

        if __name__ == "__main__":
            fire.Fire(main)
            fire.Fire(train)
        """,
    "env_only.py": """
        import os
        from transformers import AutoModel, AutoTokenizer

        BASE_MODEL = os.environ.get("BASE_MODEL", None)
        model = AutoModel.from_pretrained(BASE_MODEL)
        tokenizer = AutoTokenizer.from_pretrained(os.environ["TOKENIZER"])
        """,
    "typer_cli.py": """
        import typer
        from transformers import AutoModel

        app = typer.Typer()

        @app.command()
        def serve(model_name: str):
            return AutoModel.from_pretrained(model_name)
        """,
    "constructor.py": """
        import argparse
        from torch import nn
        from transformers import AutoModel

        class Embedder(nn.Module):
            def __init__(self, model_name_or_path: str, pooling="mean"):
                super().__init__()
                self.backbone = AutoModel.from_pretrained(model_name_or_path, trust_remote_code=True)

        def backbone(args):
            return Embedder(model_name_or_path=args.model_name_or_path)

        def positional(args):
            return Embedder(args.model_name_or_path, "max")

        if __name__ == "__main__":
            parser = argparse.ArgumentParser()
            parser.add_argument("--model_name_or_path", type=str, default=None)
            backbone(parser.parse_args())
        """,
}


def test_dat005_ids_the_user_supplies_at_run_time_are_not_reported(make_repo):
    root = make_repo(USER_SUPPLIED)
    assert of(root, "DAT005") == []


def test_dat005_literal_defaults_of_run_time_inputs_are_reported_naming_the_default(make_repo):
    root = make_repo(
        {
            "option_default.py": """
            import argparse
            from transformers import AutoModel

            parser = argparse.ArgumentParser()
            parser.add_argument("--model", default="bert-base-uncased")
            parser.add_argument("--output_dir", default="./checkpoints/run1")
            args = parser.parse_args()
            model = AutoModel.from_pretrained(args.model)
            again = AutoModel.from_pretrained(args.output_dir)
            """,
            "fire_default.py": """
            import fire
            from peft import PeftModel
            from transformers import AutoModel

            def main(base_model: str = "", lora_weights: str = "org/alpaca-lora"):
                model = AutoModel.from_pretrained(base_model)
                return PeftModel.from_pretrained(model, lora_weights)

            fire.Fire(main)
            """,
            "env_default.py": """
            import os
            from transformers import AutoModel

            name = os.getenv("MODEL", "gpt2")
            model = AutoModel.from_pretrained(name)
            """,
        }
    )
    found = {(f["path"], f["line"]): f["message"] for f in of(root, "DAT005")}
    assert set(found) == {("option_default.py", 8), ("fire_default.py", 7), ("env_default.py", 5)}
    assert "the model named by `args.model` (default bert-base-uncased)" in found[("option_default.py", 8)]
    assert "the adapter named by `lora_weights` (default org/alpaca-lora)" in found[("fire_default.py", 7)]
    assert "the model named by `name` (default gpt2)" in found[("env_default.py", 5)]


def test_dat005_constructor_called_with_a_literal_id_is_reported(make_repo):
    root = make_repo(
        {
            "embed.py": """
            from transformers import AutoModel

            class Embedder:
                def __init__(self, name):
                    self.backbone = AutoModel.from_pretrained(name)

            model = Embedder("bert-base-uncased")
            """,
        }
    )
    (found,) = of(root, "DAT005")
    assert found["line"] == 5 and "bert-base-uncased" in found["message"]


def test_dat005_a_folder_metaflow_unpacked_is_local(make_repo):
    root = make_repo(
        {
            "flow.py": """
            from metaflow import FlowSpec, current, model, step
            from transformers import AutoModel, AutoTokenizer

            class Infer(FlowSpec):
                @model(load=[("llama_model", "./llama_model_dir")])
                @step
                def infer(self):
                    tokenizer = AutoTokenizer.from_pretrained(current.model.loaded["llama_model"])
                    again = AutoModel.from_pretrained(current.checkpoint.directory)
                    other = AutoModel.from_pretrained(current.card["name"])
            """,
        }
    )
    (found,) = of(root, "DAT005")
    assert found["line"] == 10  # a card's value is no unpacked folder


def test_dat005_look_alikes_of_run_time_inputs_still_report(make_repo):
    root = make_repo(
        {
            "helpers.py": """
            from transformers import AutoModel

            def load(model_name):
                return AutoModel.from_pretrained(model_name)

            def load_default(model_name=None):
                return AutoModel.from_pretrained(model_name)
            """,
            "literal.py": """
            import fire
            from transformers import AutoModel

            def main(steps: int = 1):
                return AutoModel.from_pretrained("org/model")

            fire.Fire(main)
            """,
            "config_value.py": """
            from transformers import AutoModel

            def build(cfg):
                return AutoModel.from_pretrained(cfg.model.name)
            """,
        }
    )
    found = {(f["path"], f["line"]) for f in of(root, "DAT005")}
    assert found == {("helpers.py", 4), ("helpers.py", 7), ("literal.py", 5), ("config_value.py", 4)}


def test_dat001_text_counts_at_the_size_git_stores_it(make_repo):
    lines = "".join(f"name_{n % 500}\tThe restaurant {n % 37} serves food near the river.\n" for n in range(40_000))
    assert len(lines) > 2 * 1024 * 1024
    root = make_repo(
        {
            "data/e2e/test.txt": lines,  # a 2 MiB text split that git keeps in a few hundred KiB
            "vocab/tokenizer.json": json.dumps({f"token{n}": n for n in range(120_000)}),
            # still large: binary, or text that does not compress
            "models/adapter.bin": os.urandom(2 * 1024 * 1024),
            "data/hashes.txt": incompressible_text(2 * 1024 * 1024),
        }
    )
    assert sorted(f["path"] for f in of(root, "DAT001")) == ["data/hashes.txt", "models/adapter.bin"]


def test_dat002_files_fetched_by_their_raw_github_url_are_published_not_data(make_repo):
    raw = "https://raw.githubusercontent.com/someone/course/main"
    root = make_repo(
        {
            "README.md": f'```\nexport DATASET_LOC="{raw}/datasets/dataset.csv"\n```\n',
            "notebooks/intro.ipynb": json.dumps(
                {"cells": [], "metadata": {"note": f"{raw}/datasets/holdout.csv"}, "nbformat": 4, "nbformat_minor": 5}
            ),
            "tests/conftest.py": "URL = 'https://github.com/someone/course/raw/main/datasets/tags.csv'\n",
            "datasets/dataset.csv": "a,b\n1,2\n",
            "datasets/holdout.csv": "a,b\n1,2\n",
            "datasets/tags.csv": "a,b\n1,2\n",
            # still data: not fetched by URL, or a URL to a file the repository does not hold at that path
            "datasets/projects.csv": "a,b\n1,2\n",
            "data/train.csv": "a,b\n1,2\n",
            "src/load.py": f"URL = '{raw}/train.csv'\n",
        }
    )
    assert sorted(f["path"] for f in of(root, "DAT002")) == ["data/train.csv", "datasets/projects.csv"]


def test_dat005_weights_a_project_publishes_through_its_torch_hub_entry_points_are_info(make_repo):
    load = """
        import torch

        BASE_URL = "https://dl.example.org/mymodel"

        def mymodel_small(pretrained=True):
            url = BASE_URL + "/mymodel_small/mymodel_small_pretrain.pth"
            return torch.hub.load_state_dict_from_url(url, map_location="cpu")
        """
    root = make_repo(
        {
            "hubconf.py": "from mypkg.hub.backbones import mymodel_small\nfrom mypkg.hub import data\n",
            "mypkg/__init__.py": "",
            "mypkg/hub/__init__.py": "",
            "mypkg/hub/backbones.py": load,
            # look-alikes: a module hubconf does not import, another download helper in an entry-point module
            "mypkg/train.py": load,
            "mypkg/hub/data.py": "import torch\n\ntorch.hub.download_url_to_file('https://x.org/d.tar.gz', 'd.tgz')\n",
        }
    )
    found = {f["path"]: f for f in of(root, "DAT005")}
    assert found["mypkg/hub/backbones.py"]["severity"] == "info"
    assert "publishes through its torch.hub entry points" in found["mypkg/hub/backbones.py"]["message"]
    assert found["mypkg/train.py"]["severity"] == "warning"
    assert found["mypkg/hub/data.py"]["severity"] == "warning"


def test_dat005_a_download_url_built_by_an_f_string_is_named_by_its_template(make_repo):
    root = make_repo(
        {
            "prepare.py": """
            import requests

            for name in ["a.parquet", "b.parquet"]:
                url = f"https://data.example.org/trip-data/{name}"
                response = requests.get(url, stream=True)
                with open(name, "wb") as handle:
                    handle.write(response.content)
            """
        }
    )
    (found,) = of(root, "DAT005")
    assert "`requests.get` downloads https://data.example.org/trip-data/{name} without a checksum" in found["message"]


def test_dat005_fonts_and_images_fetched_for_display_are_not_data(make_repo):
    root = make_repo(
        {
            "utils/general.py": """
            from pathlib import Path
            import urllib.request
            import torch

            FONT = "Arial.ttf"
            ASSETS = "https://example.org/assets/"

            def check_font(font=FONT, progress=False):
                font = Path(font)
                url = f"https://example.org/releases/download/v0.0.0/{font.name}"
                torch.hub.download_url_to_file(url, str(font), progress=progress)

            def fetch_fonts():
                torch.hub.download_url_to_file("https://example.org/fonts/Inter.woff2", "Inter.woff2")
                urllib.request.urlretrieve(ASSETS + "fonts/NotoSans.otf", "NotoSans.otf")

            def draw_map(url):
                urllib.request.urlretrieve(url + "images/end_to_end_project/california.png", "california.png")
            """
        }
    )
    assert of(root, "DAT005") == []


def test_dat005_look_alikes_of_display_assets_still_report(make_repo):
    root = make_repo(
        {
            "fetch.py": """
            import urllib.request
            import torch

            WEIGHTS = "yolov5s.pt"

            def weights(name=WEIGHTS):
                torch.hub.download_url_to_file(f"https://example.org/releases/{name}", name)

            def housing(url):
                urllib.request.urlretrieve(url + "datasets/housing/housing.tgz", "housing.tgz")

            def fonts_then_data(url):
                urllib.request.urlretrieve(url + "fonts.ttf/train.csv", "train.csv")
            """
        }
    )
    assert [f["line"] for f in of(root, "DAT005")] == [7, 10, 13]


def test_dat005_one_finding_per_function_and_loaded_id(make_repo):
    root = make_repo(
        {
            "generate.py": """
            import torch
            from peft import PeftModel
            from transformers import AutoModel

            def main(base="org/base", lora_weights="org/adapter", device="cuda"):
                model = AutoModel.from_pretrained(base, revision="0123456789abcdef0123456789abcdef01234567")
                if device == "cuda":
                    model = PeftModel.from_pretrained(model, lora_weights)
                elif device == "mps":
                    model = PeftModel.from_pretrained(model, lora_weights)
                else:
                    model = PeftModel.from_pretrained(model, lora_weights)
                other = PeftModel.from_pretrained(model, "org/other-adapter")
                head = torch.hub.load_state_dict_from_url(BASE + "/head.pth")
                body = torch.hub.load_state_dict_from_url(BASE + "/body.pth")
                return model, other, head, body

            def export(lora_weights="org/adapter"):
                return PeftModel.from_pretrained(None, lora_weights)
            """
        }
    )
    found = of(root, "DAT005")
    assert [(f["line"], [r["line"] for r in f.get("related", [])]) for f in found] == [
        (8, [10, 12]),
        (13, []),
        (14, []),
        (15, []),
        (19, []),
    ]
    assert found[0]["message"].endswith("(also at lines 10, 12)")


def test_dat005_in_a_quick_start_that_clones_another_repository_first_is_info(make_repo):
    demo = cell_notebook(
        "!git clone https://github.com/org/latent-diffusion.git\n!pip install -e ./latent-diffusion\n",
        "%cd latent-diffusion/\n!wget -O models/model.ckpt https://example.org/files/model.ckpt\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained('org/model')\n",
    )
    found = of(make_repo({"scripts/demo.ipynb": demo}), "DAT005")
    assert sorted((f["cell"], f["severity"]) for f in found) == [(2, "info"), (3, "info")]
    assert all("(info: a quick-start that clones latent-diffusion first, cell 1" in f["message"] for f in found)


def test_dat005_look_alikes_of_a_clone_first_quick_start_still_warn(make_repo):
    download_then_clone = cell_notebook(
        "!wget -O model.ckpt https://example.org/files/model.ckpt\n",
        "!git clone https://github.com/org/latent-diffusion\n",
    )
    root = make_repo({"a.ipynb": download_then_clone})
    assert [f["severity"] for f in of(root, "DAT005")] == ["warning"]
    own_repository = cell_notebook(
        f"!git clone https://github.com/org/{root.name}\n",
        "!wget -O model.ckpt https://example.org/files/model.ckpt\n",
    )
    (root / "a.ipynb").write_text(own_repository)
    assert [f["severity"] for f in of(root, "DAT005")] == ["warning"]


def test_dat002_small_tables_of_published_results_stay_in_git(make_repo):
    row = "model,top1,top5\nresnet50,80.4,95.1\n"
    root = make_repo(
        {
            "results/results-imagenet.csv": row,
            "eval/results/eval_comprehensive/ours_best_eval.csv": row,
            "extras/multi_run_results/compiled_3_runs.csv": row,
            "scores/leaderboard.json": '{"a": 1}\n',
            "docs/openclip_results.csv": row,
            # look-alikes: data, and a results folder holding a big prediction dump
            "data/train.csv": row,
            "results/predictions.csv": "id,p\n" + "1,0.5\n" * 200_000,
            "results/model.pt": "x",
        }
    )
    assert sorted(f["path"] for f in of(root, "DAT002")) == [
        "data/train.csv",
        "results/model.pt",
        "results/predictions.csv",
    ]


def test_dat005_a_hub_call_given_star_kwargs_may_carry_the_revision(make_repo):
    code = (
        "from transformers import AutoModel\n\n\ndef load(args):\n"
        "    kwargs = dict(revision=args.model_revision, torch_dtype='auto')\n"
        "    model = AutoModel.from_pretrained('org/model', **kwargs)\n"
        "    tok = AutoModel.from_pretrained('org/model')\n"
        "    return model, tok\n\n\nif __name__ == '__main__':\n    load(None)\n"
    )
    root = make_repo({"requirements.txt": "transformers==4.44.0\n", "train.py": code})
    assert [f["line"] for f in of(root, "DAT005")] == [7]


def test_dat005_a_branch_a_constant_switch_never_takes_is_not_judged(make_repo):
    code = (
        "from huggingface_hub import hf_hub_download, snapshot_download\n\n"
        'CHOOSE_MODEL = "270m"\n\n'
        'if CHOOSE_MODEL == "270m":\n'
        '    weights = hf_hub_download(repo_id="org/small", filename="model.safetensors")\n'
        "else:\n"
        '    weights = snapshot_download(repo_id="org/large")\n'
    )
    root = make_repo({"requirements.txt": "huggingface-hub==0.24.0\n", "load.py": code})
    assert [f["line"] for f in of(root, "DAT005")] == [6]
    # look-alike: a switch bound twice (here by a loop) decides nothing
    looped = code + 'for CHOOSE_MODEL in ("270m", "4b"):\n    pass\n'
    assert [
        f["line"] for f in of(make_repo({"requirements.txt": "huggingface-hub==0.24.0\n", "load.py": looped}), "DAT005")
    ] == [6, 8]


def test_dat005_a_key_whose_every_value_in_the_notebook_is_a_local_folder(make_repo):
    local = 'cfg = {"backbone": "../input/debertalarge", "path": "../input/run/fold0.pth"}\nrun(cfg)\n'
    hub = 'cfg = {"backbone": "microsoft/deberta-v3-large"}\nrun(cfg)\n'
    root = make_repo(
        {
            # the Kaggle shape: the loader reads cfg["backbone"], a later cell sets it to an input folder
            "kaggle.ipynb": cell_notebook(CELL_LOADS, local, local.replace("fold0", "fold1")),
            # one value is a hub id: still reported
            "mixed.ipynb": cell_notebook(CELL_LOADS, local, hub),
            # nothing in the file says what the key holds: reported as before
            "unknown.ipynb": cell_notebook(CELL_LOADS),
            # a module whose attribute is set to a local folder
            "model.py": "from transformers import AutoModel\n\n"
            "def build(cfg):\n"
            "    return AutoModel.from_pretrained(cfg.backbone)\n\n"
            "def setup(cfg):\n"
            "    cfg.backbone = './weights/deberta'\n",
        }
    )
    found = [(f["path"], f["line"]) for f in of(root, "DAT005") if "backbone" in f["message"]]
    assert found == [("mixed.ipynb", 4), ("unknown.ipynb", 4)]


PATH_OR_URL = """import torch
from urllib.parse import urlparse

def load_pretrained_weights(model, pretrained_weights):
    if urlparse(pretrained_weights).scheme:
        state_dict = torch.hub.load_state_dict_from_url(pretrained_weights, map_location="cpu")
    else:
        state_dict = torch.load(pretrained_weights, map_location="cpu")
    model.load_state_dict(state_dict)
"""


def test_dat005_a_path_or_url_the_caller_gives_is_not_the_projects_download(make_repo):
    resume = (
        "import argparse\nimport torch\n\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--resume', default='{default}')\n"
        "args = parser.parse_args()\n"
        "if args.resume.startswith('https'):\n"
        "    checkpoint = torch.hub.load_state_dict_from_url(args.resume, map_location='cpu')\n"
        "else:\n"
        "    checkpoint = torch.load(args.resume, map_location='cpu')\n"
    )
    root = make_repo(
        {
            "utils.py": PATH_OR_URL,
            "main.py": resume.format(default=""),
            # a literal default URL is the project's own download: reported
            "finetune.py": resume.format(default="https://example.com/weights/mae_base.pth"),
            # no local alternative: a download helper as before
            "fetch.py": "import torch\n\ndef fetch(url):\n    return torch.hub.load_state_dict_from_url(url)\n",
        }
    )
    assert sorted(f["path"] for f in of(root, "DAT005")) == ["fetch.py", "finetune.py"]


def test_dat005_hub_weights_replaced_by_the_projects_checkpoint(make_repo):
    module = (
        "import torch\nfrom transformers import BertModel, BertTokenizer\n\n"
        "def load(path):\n"
        "    llm = BertModel.from_pretrained('allenai/scibert_scivocab_uncased', return_dict=False)\n"
        "    model = Classifier(llm=llm)\n"
        "    model.load_state_dict(torch.load(path, map_location='cpu'))\n"
        "    return model\n\n"
        "def partial(path):\n"
        "    llm = BertModel.from_pretrained('bert-base-uncased')\n"
        "    llm.load_state_dict(torch.load(path), strict=False)\n"
        "    return llm\n\n"
        "def tokenizer(path):\n"
        "    tok = BertTokenizer.from_pretrained('bert-base-cased')\n"
        "    model.load_state_dict(torch.load(path))\n"
        "    return tok\n"
    )
    root = make_repo({"models.py": module})
    # strict=False keeps the hub's weights; a tokenizer is not replaced by a state dict
    assert [f["line"] for f in of(root, "DAT005")] == [11, 16]


def test_dat005_a_checksum_argument_passed_by_position(make_repo):
    module = (
        "from torch.hub import download_url_to_file, load_state_dict_from_url\n\n"
        "def fetch(url, dst, hash_prefix):\n"
        "    download_url_to_file(url, dst, hash_prefix, progress=False)\n\n"
        "def weights():\n"
        "    return load_state_dict_from_url('https://example.com/w-1a2b3c4d.pth', None, 'cpu', True, True)\n\n"
        "def unchecked(dst):\n"
        "    download_url_to_file('https://example.com/data.bin', dst)\n"
    )
    root = make_repo({"hub.py": module})
    assert [f["line"] for f in of(root, "DAT005")] == [10]


def test_dat005_check_hash_is_offered_only_where_the_file_name_carries_a_hash(make_repo):
    """torch.hub's `check_hash=True` compares the `-<sha256 prefix>` of the file name, nothing else."""
    module = (
        "import torch\n\n"
        "MODEL_URLS = {\n"
        "    'small_1k': 'https://dl.fbaipublicfiles.com/convnext/convnext_small_1k_224_ema.pth',\n"
        "    'small_22k': 'https://dl.fbaipublicfiles.com/convnext/convnext_small_22k_224.pth',\n"
        "}\n\n"
        "def convnext_small(pretrained=False, in_22k=False):\n"
        "    if pretrained:\n"
        "        url = MODEL_URLS['small_22k'] if in_22k else MODEL_URLS['small_1k']\n"
        "        return torch.hub.load_state_dict_from_url(url=url, map_location='cpu')\n\n"
        "def iso_base(pretrained=False):\n"
        "    url = 'https://dl.fbaipublicfiles.com/convnext/convnext_iso_base_1k_224_ema.pth'\n"
        "    return torch.hub.load_state_dict_from_url(url=url, map_location='cpu')\n\n"
        "def resnet():\n"
        "    return torch.hub.load_state_dict_from_url('https://download.pytorch.org/models/resnet18-f37072fd.pth')\n\n"
        "def tiny():\n"
        "    url = 'https://dl.fbaipublicfiles.com/convnext/convnext_tiny_1k_224_ema.pth'\n"
        "    return torch.hub.load_state_dict_from_url(url=url, map_location='cpu', check_hash=True)\n\n"
        "def hashed():\n"
        "    url = 'https://download.pytorch.org/models/vgg11-8a719046.pth'\n"
        "    return torch.hub.load_state_dict_from_url(url, check_hash=True)\n\n"
        "def fetch(url):\n"
        "    return torch.hub.load_state_dict_from_url(url)\n"
    )
    found = {f["line"]: f["message"] for f in of(make_repo({"models/convnext.py": module}), "DAT005")}
    assert sorted(found) == [11, 15, 18, 22, 29]
    # names without a hash (a table's entries, a literal URL): only the sha256 check after the download
    for line in (11, 15):
        assert found[line].endswith("verify its sha256 (hashlib) right after the download"), found[line]
    # a name with one (torchvision's): check_hash does check it
    assert found[18].endswith("or pass check_hash=True (it checks the sha256 prefix the file name carries)")
    # check_hash=True on a name without a hash checks nothing: still reported, saying why
    assert "check_hash=True compares only a sha256 prefix a file name carries, and this one has none" in found[22]
    assert found[22].endswith("right after the download")
    # a URL the caller gives: offered on that condition
    assert found[29].endswith(
        "or pass check_hash=True if the file name carries a sha256 prefix (`name-<sha256 prefix>.pth`)"
    )


def test_dat005_a_parameter_every_call_in_the_module_fills_from_the_command_line(make_repo):
    script = (
        "import argparse\nfrom huggingface_hub import hf_hub_download\n\n"
        "def extract(source, output):\n"
        "    return hf_hub_download(source, 'model.safetensors')\n\n"
        "def main():\n"
        "    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--source', required=True)\n"
        "    parser.add_argument('--output', required=True)\n"
        "    args = parser.parse_args()\n"
        "    extract(args.source, args.output)\n{extra}"
    )
    root = make_repo(
        {
            "convert.py": script.format(extra=""),
            # another call passes a literal id: reported, naming it
            "literal.py": script.format(extra="    extract('google/gemma-4-4b-it', 'out')\n"),
        }
    )
    [found] = of(root, "DAT005")
    assert found["path"] == "literal.py"
    assert "named by `source` (called with google/gemma-4-4b-it)" in found["message"]


def test_dat005_a_callers_variable_set_elsewhere_is_not_what_it_passes(make_repo):
    module = (
        "from transformers import AutoModel\n\n"
        "def load(weights, name):\n"
        "    return AutoModel.from_pretrained(weights or name)\n\n"
        "def run(name, dummy, output):\n"
        "    weights = None\n"
        "    if dummy:\n"
        "        weights = make_dummy()\n"
        "    load(weights, name)\n"
        "    if output == 'auto':\n"
        "        weights = 'auto'\n"
    )
    [found] = of(make_repo({"run_model.py": module}), "DAT005")
    assert "named by `weights or name` from the Hugging Face hub" in found["message"]


def test_dat002_a_folder_of_artifacts_is_one_finding(make_repo):
    """One `dvc add <folder>` versions a folder of data tables: one finding, the other files related; two
    artifacts of a folder, and the root's, stay one finding each."""
    shards = {f"datasets/shards/part{i}_400.csv": "x,y\n0.1,2\n" for i in range(5)}
    root = make_repo({**shards, "models/a.pt": b"PK\x03\x04", "models/b.pt": b"PK\x03\x04", "table.csv": "a\n1\n"})
    found = {f["path"]: f for f in of(root, "DAT002")}
    assert set(found) == {"datasets/shards/part0_400.csv", "models/a.pt", "models/b.pt", "table.csv"}
    folded = found["datasets/shards/part0_400.csv"]
    assert folded["message"].startswith(
        "5 data/model artifacts in datasets/shards/ are tracked in git (part0_400.csv, part1_400.csv, "
        "part2_400.csv and 2 more, 50 B in all); track the folder with DVC (`dvc add datasets/shards`)"
    )
    assert [r["path"] for r in folded["related"]] == [f"datasets/shards/part{i}_400.csv" for i in range(1, 5)]


def test_dat002_split_definitions_stay_in_git(make_repo):
    """Small tables of the ids of a train/validation split or of CV folds (in a folds/ or splits/ folder, or named
    for a split) make the split reproducible; tables with measurements, text or other columns are data."""
    ids = "".join(f"{i:010x}\n" for i in range(400))
    splits = {
        "datasets/folds/list_train0_3600.csv": ids,
        "datasets/folds/list_valid0_400.csv": ids,
        "data/splits/train.csv": "path\nimg/0001.png\nimg/0002.png\n",
        "data/splits/test.tsv": "img/0003.png\nimg/0004.png\n",
        "data/kfold.csv": "image_id,fold\na1,0\na2,1\na3,4\n",
        "data/train_ids.csv": "1001\n1002\n1003\n",
        "cv_folds/fold_2.csv": "\ufeffid,split\nx1,train\nx2,valid\n",
        "meta/valid_list.csv": "scans/a.nii.gz\nscans/b.nii.gz\n",
    }
    data = {
        # named for a split, but a table of features and labels, of text, or of measurements: data
        "data/splits/train.csv": "x1,x2,label\n0.1,0.2,1\n0.3,0.4,0\n",
        "data/folds/fold0.csv": "id,label\na1,cat\na2,dog\n",
        "data/train_split.csv": "the first review was good\nthe second was bad\n",
        "folds/train_ids.csv": "0.25\n0.75\n",
        "splits/valid.csv": "id,fold\na1,0\na2,1\na3,banana\n",
        # ids, but neither in a split folder nor named for one
        "data/customers.csv": "1001\n1002\n",
        # a split folder, but not a text table (a tensor of indices) or too large for a hand-kept split
        "splits/train_idx.npy": b"\x93NUMPY\x01\x00",
        "folds/big_train_ids.csv": "".join(f"{i:012d}\n" for i in range(100_000)),
    }
    assert of(make_repo(splits), "DAT002") == []
    assert sorted(f["path"] for f in of(make_repo(data), "DAT002")) == sorted(data)


def test_dat005_in_a_class_nothing_uses_is_info(make_repo):
    """A load in a method of a class that no module, notebook, script or config names runs only for someone who
    imports the class on their own: info. A class named by a config `target:`, instantiated in another module or
    in its own, registered by a decorator, or a plain function stay warnings."""
    module = (
        "from transformers import T5EncoderModel\n\n"
        "def register(cls):\n    return cls\n\n"
        "class FrozenByT5Embedder:\n"
        "    def __init__(self, version='google/byt5-base'):\n"
        "        self.model = T5EncoderModel.from_pretrained(version)\n\n"
        "class FrozenCLIPEmbedder:\n"
        "    def __init__(self, version='openai/clip-vit-large-patch14'):\n"
        "        self.model = T5EncoderModel.from_pretrained(version)\n\n"
        "class FrozenT5Embedder:\n"
        "    def __init__(self, version='google/t5-v1_1-xl'):\n"
        "        self.model = T5EncoderModel.from_pretrained(version)\n\n"
        "class Combined:\n"
        "    def __init__(self):\n        self.t5 = FrozenT5Embedder()\n\n"
        "@register\nclass Registered:\n"
        "    def __init__(self):\n        self.model = T5EncoderModel.from_pretrained('google/t5-small')\n\n"
        "class Imported:\n"
        "    def __init__(self):\n        self.model = T5EncoderModel.from_pretrained('google/t5-base')\n\n"
        "def load():\n    return T5EncoderModel.from_pretrained('google/t5-large')\n"
    )
    config = "model:\n  target: sgm.modules.encoders.modules.FrozenCLIPEmbedder\n"
    root = make_repo(
        {
            "requirements.txt": "transformers==4.44.0\n",
            "sgm/__init__.py": "",
            "sgm/modules/encoders/modules.py": module,
            "configs/sdxl.yaml": config,
            "scripts/run.py": "from sgm.modules.encoders.modules import Imported\n",
            "README.md": "You may also use FrozenByT5Embedder.\n",  # documentation instantiates nothing
        }
    )
    found = {f["line"]: f for f in of(root, "DAT005")}
    assert {line: f["severity"] for line, f in found.items()} == {
        8: "info",
        12: "warning",
        16: "warning",
        25: "warning",
        29: "warning",
        32: "warning",
    }
    assert found[8]["message"].endswith(
        "(info: in FrozenByT5Embedder, a class that nothing in the repository instantiates and no config names)"
    )


def test_dat005_one_hub_id_loaded_in_several_methods_of_one_class_is_one_finding(make_repo):
    """`prepare_data` pre-downloads `self.dataset_name` and `process_dataset` loads it again: one revision pins
    both. Another class, or another id in the same class, stays a finding of its own."""
    root = make_repo(
        {
            "requirements.txt": "datasets==2.19.0\ntransformers==4.40.0\n",
            "train.py": "from data import LMData, Other\n\nLMData('wikitext', 'gpt2')\nOther('imdb')\n",
            "data.py": """
            from datasets import load_dataset
            from transformers import AutoTokenizer


            class LMData:
                def __init__(self, dataset_name, tokenizer_name):
                    self.dataset_name = dataset_name
                    self.tokenizer_name = tokenizer_name

                def prepare_data(self):
                    load_dataset(self.dataset_name)

                def process_dataset(self):
                    raw = load_dataset(self.dataset_name)
                    tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_name)
                    return raw, tokenizer


            class Other:
                def __init__(self, dataset_name):
                    self.dataset_name = dataset_name

                def setup(self):
                    return load_dataset(self.dataset_name)
            """,
        }
    )
    found = of(root, "DAT005")
    assert [(f["line"], [r["line"] for r in f.get("related", [])]) for f in found] == [(11, [14]), (15, []), (24, [])]
    assert found[0]["message"].endswith("(also at line 14)")


RESNET = """
from torch.hub import load_state_dict_from_url

model_urls = {"resnet18": "https://download.pytorch.org/models/resnet18-f37072fd.pth"}


def _resnet(arch, block, layers, pretrained, progress, **kwargs):
    model = object()
    if pretrained:
        state_dict = load_state_dict_from_url(model_urls[arch], progress=progress)
        model.load_state_dict(state_dict)
    return model


def resnet18(pretrained=False, progress=True, **kwargs):
    return _resnet("resnet18", None, [2, 2, 2, 2], pretrained, progress, **kwargs)


def resnet34(pretrained=False, progress=True, **kwargs):
    return _resnet("resnet34", None, [3, 4, 6, 3], pretrained, progress, **kwargs)
"""

UNET = """
import os

import pytest

import torch
from torch.utils import model_zoo

from models import resnet
from models.irv import inceptionresnetv2

encoder_params = {{"r34": {{"init_op": resnet.resnet34, "url": "https://download.pytorch.org/r34.pth"}}}}


class Unet(torch.nn.Module):
    def __init__(self, name):
        super().__init__()
        encoder = encoder_params[name]["init_op"]({call})
        self.initialize_encoder(encoder, encoder_params[name]["url"])
        self.other = inceptionresnetv2(num_classes=10, pretrained="imagenet")

    def initialize_encoder(self, model, model_url):
        if os.path.isfile(model_url):
            pretrained_dict = torch.load(model_url)
        else:
            pretrained_dict = model_zoo.load_url(model_url)
        model.load_state_dict(pretrained_dict)
"""

IRV = "def inceptionresnetv2(num_classes=1000, pretrained='imagenet'):\n    return num_classes, pretrained\n"


def zoo(call: str = "", more: dict | None = None) -> dict[str, str]:
    files = {
        "models/__init__.py": "",
        "models/resnet.py": RESNET,
        "models/irv.py": IRV,
        "models/unet.py": UNET.format(call=call),
        "train.py": "from models.unet import Unet\n\nif __name__ == '__main__':\n    Unet('r34')\n",
    }
    return {**files, **(more or {})}


def test_dat005_model_zoo_load_url_is_a_download_and_a_flag_no_run_sets_is_off(make_repo):
    # the judged shape: the `pretrained` branch of vendored torchvision builders that the tables call as
    # `init_op()`, and the real download in `initialize_encoder` through `model_zoo.load_url`
    found = of(make_repo(zoo()), "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("models/unet.py", 25)]
    assert found[0]["message"].startswith("`model_zoo.load_url` downloads a URL without a checksum check")


@pytest.mark.parametrize(
    "setting",
    [
        {"call": "pretrained=True"},  # a table's element called with the flag on
        {"more": {"eval.py": "from models.resnet import resnet18\n\nmodel = resnet18(pretrained=True)\n"}},
        {"more": {"nb.py": "from models import resnet\n\nnet = resnet.resnet34(True)\n"}},  # positionally
        {"more": {"configs/r34.yaml": "model:\n  pretrained: true\n"}},  # a config may set it through `**cfg`
        {"more": {"build.py": "import timm\n\nm = timm.create_model('r34', pretrained=args.pretrained)\n"}},
    ],
)
def test_dat005_a_flag_a_run_may_turn_on_keeps_the_download(make_repo, setting):
    found = of(make_repo(zoo(setting.get("call", ""), setting.get("more"))), "DAT005")
    assert ("models/resnet.py", 9) in [(f["path"], f["line"]) for f in found]


def test_dat005_a_flag_on_by_default_keeps_the_download(make_repo):
    on = {"models/resnet.py": RESNET.replace("def resnet34(pretrained=False", "def resnet34(pretrained=True")}
    assert ("models/resnet.py", 9) in [(f["path"], f["line"]) for f in of(make_repo(zoo(more=on)), "DAT005")]


SENET = """
from torch.utils import model_zoo

pretrained_settings = {"se50": {"imagenet": {"url": "http://data.lip6.fr/se50-a260b3a4.pth"}}}


def initialize_pretrained_model(model, settings):
    model.load_state_dict(model_zoo.load_url(settings["url"]))


def se_resnext50_32x4d(num_classes=1000, pretrained=None):
    model = object()
    if pretrained is not None:
        initialize_pretrained_model(model, pretrained_settings["se50"][pretrained])
    return model
"""


def test_dat005_a_helper_called_only_under_a_flag_no_run_sets(make_repo):
    models = "from models.senet import se_resnext50_32x4d\n\nMODELS = {'se50': se_resnext50_32x4d}\n"
    files = {"models/__init__.py": "", "models/senet.py": SENET, "argus_models.py": models}
    assert of(make_repo(files), "DAT005") == []
    # the flag set by a call, or the helper named elsewhere: the download may run
    on = {
        **files,
        "train.py": "from models.senet import se_resnext50_32x4d\n\nse_resnext50_32x4d(pretrained='imagenet')\n",
    }
    named = {
        **files,
        "more.py": "from models.senet import initialize_pretrained_model\n\nINIT = [initialize_pretrained_model]\n",
    }
    for variant in (on, named):
        assert [(f["path"], f["line"]) for f in of(make_repo(variant), "DAT005")] == [("models/senet.py", 7)]


def test_dat005_a_library_model_made_with_the_flag_on_is_not_the_projects(make_repo):
    gan = "from torchvision.models.inception import inception_v3\n\nnet = inception_v3(pretrained=True)\n"
    found = of(make_repo(zoo(more={"gandogs/inception_utils.py": gan})), "DAT005")
    assert [(f["path"], f["line"]) for f in found] == [("models/unet.py", 25)]


DPN = """
from torch.utils import model_zoo

pretrained_settings = {"dpn92": {"url": "http://data.lip6.fr/dpn92.pth"}, "dpn98": {"url": "http://data.lip6.fr/dpn98.pth"}}


def dpn92(num_classes=1000, pretrained="imagenet+5k"):
    model = object()
    if pretrained:
        model.load_state_dict(model_zoo.load_url(pretrained_settings["dpn92"]["url"]))
    return model


def dpn98(num_classes=1000, pretrained="imagenet"):
    model = object()
    if pretrained:
        model.load_state_dict(model_zoo.load_url(pretrained_settings["dpn98"]["url"]))
    return model
"""
DPN_UNET = "from models.dpn import dpn92\n\nENCODERS = {'dpn92': {'init_op': dpn92}}\n\n\ndef build(name):\n"
DPN_UNET += "    return ENCODERS[name]['init_op']()\n"


def dpn_zoo(**more: str) -> dict[str, str]:
    return {
        "models/__init__.py": "",
        "models/dpn.py": DPN,
        "models/unet.py": DPN_UNET,
        "train.py": "from models.unet import build\n\nif __name__ == '__main__':\n    build('dpn92')\n",
        **more,
    }


def test_dat005_an_unused_builder_of_a_model_zoo_is_a_note(make_repo):
    # the judged shape: dpn98's download, the builder named only by its own settings' key; dpn92 is used
    found = {f["line"]: f for f in of(make_repo(dpn_zoo()), "DAT005")}
    assert {line: f["severity"] for line, f in found.items()} == {9: "warning", 16: "info"}
    assert found[16]["message"].endswith(
        "(info: in a branch on a parameter of dpn98, a builder that nothing in the repository calls or names while"
        " it uses others of its module)"
    )


def test_dat005_an_unused_builder_under_a_compound_test_is_a_note_too(make_repo):
    # another shape: torch.hub's loader, a flag on by default tested with another condition; the README names it
    zoo_file = DPN.replace(
        'def dpn98(num_classes=1000, pretrained="imagenet")', "def dpn98(num_classes=1000, pretrained=True)"
    )
    zoo_file = zoo_file.replace(
        '    if pretrained:\n        model.load_state_dict(model_zoo.load_url(pretrained_settings["dpn98"]',
        "    if pretrained and num_classes == 1000:\n"
        '        model.load_state_dict(load_state_dict_from_url(pretrained_settings["dpn98"]',
    )
    zoo_file = "from torch.hub import load_state_dict_from_url" + zoo_file
    assert "load_state_dict_from_url(pretrained_settings" in zoo_file
    found = of(make_repo(dpn_zoo(**{"models/dpn.py": zoo_file, "README.md": "dpn98 is also there.\n"})), "DAT005")
    assert [(f["line"], f["severity"]) for f in found] == [(10, "warning"), (17, "info")]


@pytest.mark.parametrize(
    "more",
    [
        {"eval.py": "from models.dpn import dpn98\n\nmodel = dpn98()\n"},  # called
        {"configs/big.yaml": "encoder: dpn98\n"},  # a config may pick it by name
        {"models/table.py": "from models import dpn\n\nBUILDERS = [dpn.dpn98]\n"},  # referenced elsewhere
        {"models/dpn.py": DPN + "\nBUILDERS = {'dpn98': dpn98}\n"},  # referenced in its own module
        {"models/dpn.py": DPN + "\n\ndef build(name):\n    return globals()[name]()\n"},  # looked up by name
        {"models/dpn.py": DPN.replace("def dpn98", "@register\ndef dpn98")},  # a registry holds it
        # a published library: its builders are an interface for code outside the repository
        {"pyproject.toml": '[project]\nname = "models"\nversion = "1.0"\n', "README.md": "pip install models\n"},
    ],
)
def test_dat005_a_builder_the_repository_may_run_stays_a_warning(make_repo, more):
    found = of(make_repo(dpn_zoo(**more)), "DAT005")
    assert [(f["line"], f["severity"]) for f in found if f["path"] == "models/dpn.py"][-1][1] == "warning"

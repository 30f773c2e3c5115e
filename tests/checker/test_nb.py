"""NB001-NB003: notebooks with outputs, run out of order, installing packages from cells."""

from __future__ import annotations

import json

from tests.conftest import findings


def notebook(*cells: dict, indent: int | None = 1, **metadata) -> str:
    data = {
        "cells": list(cells),
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}, **metadata},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def code(source: str, count: int | None = None, outputs: list | None = None, **metadata) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": f"c{abs(hash(source)) % 10**6}",
        "metadata": metadata,
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "id": "md", "metadata": {}, "source": source.splitlines(keepends=True)}


def stream(text: str) -> dict:
    return {"name": "stdout", "output_type": "stream", "text": [text]}


def result(count: int, value: str) -> dict:
    return {"data": {"text/plain": [value]}, "execution_count": count, "metadata": {}, "output_type": "execute_result"}


def of(root, code_: str) -> list[dict]:
    return [f for f in findings(root, select=code_) if f["code"] == code_]


# -- NB001 -----------------------------------------------------------------------------------------
STRIPPED = "*.ipynb filter=nbstripout\n"  # a declared strip policy (.gitattributes): NB001 applies


def test_nb001_outputs_and_counts(make_repo):
    nb = notebook(
        markdown("# Results\n"),
        code("import numpy as np\n", count=3),
        code("np.mean([1, 2])\n", count=4, outputs=[result(4, "1.5")]),
    )
    root = make_repo({"notebooks/eval.ipynb": nb, ".gitattributes": STRIPPED})
    (found,) = of(root, "NB001")
    assert found["path"] == "notebooks/eval.ipynb"
    assert found["cell"] == 2
    assert "outputs in 1 cell" in found["message"] and "execution counts in 2 cells" in found["message"]
    assert "--fix" in found["message"]
    assert found["fix"] is not None
    assert nb.splitlines()[found["json_line"] - 1].strip() == '"import numpy as np\\n"'


def test_nb001_stream_output_without_count(make_repo):
    files = {"a.ipynb": notebook(code("print(1)\n", outputs=[stream("1\n")]))}
    (found,) = of(make_repo({**files, ".gitattributes": STRIPPED}), "NB001")
    assert "outputs in 1 cell" in found["message"] and "execution counts" not in found["message"]


def test_nb001_stripped_notebook_is_clean(make_repo):
    root = make_repo(
        {
            "clean.ipynb": notebook(markdown("# T\n"), code("x = 1\n"), code("print(x)\n")),
            "empty.ipynb": notebook(),
        }
    )
    assert of(root, "NB001") == []


def test_nb001_respects_keep_output_opt_outs(make_repo):
    tagged = code("plot()\n", outputs=[stream("figure\n")], tags=["keep_output"])
    meta = code("show()\n", outputs=[stream("table\n")], keep_output=True)
    whole = notebook(code("x\n", outputs=[stream("x\n")]), keep_output=True)
    files = {"tag.ipynb": notebook(tagged), "meta.ipynb": notebook(meta), "whole.ipynb": whole}
    root = make_repo({**files, ".gitattributes": STRIPPED})
    assert of(root, "NB001") == []
    # a kept output still loses its count
    counted = code("y\n", count=4, outputs=[result(4, "2")], tags=["keep_output"])
    root = make_repo({"kept.ipynb": notebook(counted), ".gitattributes": STRIPPED})
    (found,) = of(root, "NB001")
    assert "execution counts in 1 cell" in found["message"] and "outputs in" not in found["message"]


def test_nb001_ignores_checkpoints_and_unlisted(make_repo):
    dirty = notebook(code("x\n", count=1, outputs=[stream("x\n")]))
    root = make_repo(
        {
            ".ipynb_checkpoints/a-checkpoint.ipynb": dirty,
            ".gitignore": "scratch/\n",
            "scratch/b.ipynb": dirty,
            ".gitattributes": STRIPPED,
        }
    )
    assert of(root, "NB001") == []


def test_nb001_file_ignore_in_a_cell(make_repo):
    dirty = notebook(code("# reprocheck: file-ignore[NB001] a tutorial that shows its outputs\n", count=1))
    root = make_repo({"tutorial.ipynb": dirty, ".gitattributes": STRIPPED})
    assert of(root, "NB001") == []


# -- NB002 -----------------------------------------------------------------------------------------
DIRTY = notebook(code("import numpy as np\nnp.mean([1, 2])\n", count=7, outputs=[result(7, "1.5")]))
NBSTRIPOUT_HOOK = """
repos:
  - repo: https://github.com/kynan/nbstripout
    rev: 0.7.1
    hooks:
      - id: nbstripout
"""
NB_CLEAN_HOOK = """
repos:
  - repo: https://github.com/srstevenson/nb-clean
    rev: 3.2.0
    hooks:
      - id: nb-clean
"""
NBCONVERT_LOCAL_HOOK = """
repos:
  - repo: local
    hooks:
      - id: clear-notebooks
        name: clear notebook outputs
        entry: jupyter nbconvert --clear-output --inplace
        language: system
        files: \\.ipynb$
"""
NBQA_HOOK = """
repos:
  - repo: https://github.com/nbQA-dev/nbQA
    rev: 1.8.5
    hooks:
      - id: nbqa-black
      - id: nbqa-ruff
"""
VERIFY_WORKFLOW = """
on: [push]
jobs:
  notebooks:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - run: pip install nbstripout==0.7.1
      - run: |
          nbstripout --verify analysis/*.ipynb
"""
EXECUTE_WORKFLOW = """
on: [push]
jobs:
  notebooks:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - run: jupyter nbconvert --to notebook --execute analysis/eval.ipynb
"""


def nb001_of(make_repo, files: dict[str, str]) -> dict:
    (found,) = of(make_repo({"analysis/eval.ipynb": DIRTY, **files}), "NB001")
    return found


def test_nb001_warns_when_the_project_strips_notebooks(make_repo):
    declared = {
        ".pre-commit-config.yaml": (NBSTRIPOUT_HOOK, "`nbstripout` pre-commit hook, .pre-commit-config.yaml:5"),
        ".pre-commit-config.yaml ": (NB_CLEAN_HOOK, "`nb-clean` pre-commit hook"),
        ".pre-commit-config.yaml  ": (NBCONVERT_LOCAL_HOOK, "`clear-notebooks` pre-commit hook"),
        ".gitattributes": ("*.ipynb filter=nbstripout\n*.ipynb diff=ipynb\n", "git filter `nbstripout`"),
        "pyproject.toml": ('[project]\nname = "x"\n\n[tool.nbstripout]\nkeep_id = true\n', "[tool.nbstripout]"),
        ".github/workflows/nb.yml": (VERIFY_WORKFLOW, "`nbstripout`, .github/workflows/nb.yml:9"),
    }
    for name, (content, where) in declared.items():
        found = nb001_of(make_repo, {name.strip(): content})
        assert found["severity"] == "warning", name
        assert "although the project commits notebooks stripped" in found["message"]
        assert where in found["message"], found["message"]
        assert found["fix"] is not None


def test_nb001_without_a_stripping_policy_reports_nothing(make_repo):
    """Outputs kept for readers are the author's choice where the project declares no strip policy, whatever the
    counts say: a late first count, gaps, outputs without a count, or one clean run."""
    shapes = {
        "late.ipynb": DIRTY,  # the first count is [7]
        "gaps.ipynb": notebook(
            code("a = 1\n", count=1), code("b = a\n", count=4, outputs=[result(4, "1")]), code("c\n", count=9)
        ),
        "uncounted.ipynb": notebook(code("a = 1\n", count=1), code("print(a)\n", outputs=[stream("1\n")])),
        "clean.ipynb": notebook(code("a = 1\n", count=1), code("a\n", count=2, outputs=[result(2, "1")])),
    }
    root = make_repo(shapes)
    assert of(root, "NB001") == []
    # the same notebooks where the project strips notebooks: every one is reported, as a warning
    root = make_repo({**shapes, ".gitattributes": STRIPPED})
    found = of(root, "NB001")
    assert sorted(f["path"] for f in found) == sorted(shapes)
    assert {f["severity"] for f in found} == {"warning"}


def test_nb001_look_alikes_of_a_stripping_policy_report_nothing(make_repo):
    not_policies = {
        ".pre-commit-config.yaml": NBQA_HOOK,  # linters on notebook code say nothing about outputs
        ".gitattributes": "*.ipynb filter=lfs diff=lfs merge=lfs -text\n*.py filter=nbstripout\n",
        ".github/workflows/nb.yml": EXECUTE_WORKFLOW,
        ".github/workflows/nb.yml ": EXECUTE_WORKFLOW.replace(
            "jupyter nbconvert", "pip install nbstripout && jupyter nbconvert"
        ),
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.nbqa.addopts]\nruff = ["--fix"]\n',
    }
    for name, content in not_policies.items():
        root = make_repo({"analysis/eval.ipynb": DIRTY, name.strip(): content})
        assert of(root, "NB001") == [], name


def test_nb002_out_of_order(make_repo):
    nb = notebook(
        code("a = 1\n", count=1),
        markdown("text\n"),
        code("b = a\n", count=5),
        code("c = b\n", count=3, outputs=[result(3, "1")]),
        code("d = c\n", count=2),
    )
    root = make_repo({"order.ipynb": nb})
    (found,) = of(root, "NB002")
    assert found["cell"] == 4
    assert "cell 4 ran as [3] after cell 3 ran as [5]" in found["message"]


def test_nb002_in_order_gaps_and_unrun_cells_are_fine(make_repo):
    nb = notebook(code("a\n", count=1), code("b\n"), code("c\n", count=4), code("d\n", count=9))
    root = make_repo({"ok.ipynb": nb, "stripped.ipynb": notebook(code("a\n"), code("b\n"))})
    assert of(root, "NB002") == []


def test_nb002_repeated_count(make_repo):
    nb = notebook(code("a\n", count=2), code("b\n", count=2), code("c\n", count=1, outputs=[result(1, "1")]))
    (found,) = of(make_repo({"r.ipynb": nb}), "NB002")
    assert found["cell"] == 3  # cells 1 and 2 are the halves of one split cell; cell 3 ran before them


def test_nb002_empty_cells_that_share_the_count_above_are_not_out_of_order(make_repo):
    shapes = {
        # empty cells run after the last one repeat its count ([2], [2], [2])
        "trailing.ipynb": notebook(
            code("a = 1\n", count=1),
            code("print(a)\n", count=2, outputs=[stream("1\n")]),
            code("", count=2),
            code("\n", count=2),
        ),
        # an empty cell run late somewhere in the middle changes nothing either
        "middle.ipynb": notebook(
            code("a = 1\n", count=1),
            code("", count=30),
            code("print(a)\n", count=2, outputs=[stream("1\n")]),
        ),
    }
    root = make_repo(shapes)
    assert of(root, "NB002") == []


def test_nb002_a_cell_split_after_it_ran_is_one_run(make_repo):
    """Both halves of a cell split after it ran keep its count; only the lower one shows what the run printed."""

    def split(upper_outputs=None, between=()):
        return notebook(
            code("import anndata\n", count=1),
            code("adata = anndata.read_h5ad('x.h5ad')\n", count=2, outputs=upper_outputs),
            *between,
            code("adata\n", count=2, outputs=[result(2, "AnnData")]),
            code("adata.shape\n", count=3, outputs=[result(3, "(1, 2)")]),
        )

    assert of(make_repo({"split.ipynb": split()}), "NB002") == []
    # look-alikes: the upper cell shows outputs too (two runs), or another code cell stands between them
    both_shown = split(upper_outputs=[stream("ok\n")])
    apart = split(between=[code("b = 2\n")])
    for name, content in (("both.ipynb", both_shown), ("apart.ipynb", apart)):
        assert len(of(make_repo({name: content}), "NB002")) == 1, name


def test_nb002_empty_cell_look_alikes_stay_reported(make_repo):
    shapes = {
        # a cell with code that repeats the count above (which shows an output: not a split cell) did run again
        "code.ipynb": notebook(
            code("a = 1\n", count=12, outputs=[stream("1\n")]),
            code("a += 1\n", count=12),
            code("print(a)\n", count=13, outputs=[stream("2\n")]),
        ),
        # an empty cell that shows an output is judged like any other
        "shown.ipynb": notebook(
            code("a = 1\n", count=5), code("", count=3, outputs=[stream("x\n")]), code("b\n", count=6)
        ),
    }
    found = {f["path"]: f for f in of(make_repo(shapes), "NB002")}
    assert sorted(found) == ["code.ipynb", "shown.ipynb"]


def test_nb002_needs_a_shown_output_and_is_info_when_the_disorder_affects_none(make_repo):
    counts_only = notebook(code("a = 1\n", count=2), code("b = a\n", count=1))
    badge_only = notebook(
        code("a = 1\n", count=2),
        code(
            "b = a\n",
            count=1,
            outputs=[
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"text/html": ["<a><img src='colab-badge.svg'></a>"]},
                }
            ],
        ),
    )
    # a stale session's counts above a clean run 1..5 whose only output is last: nothing shown is affected
    stale_then_clean = notebook(
        code("import x\n", count=3),
        code("y = 2\n", count=5),
        *[code(f"a{n} = {n}\n", count=n) for n in (1, 2, 3, 4)],
        code("print(a4)\n", count=5, outputs=[stream("4\n")]),
    )
    # imports run after the download cell, both before the cells that show results (dair-ai bow.ipynb's shape)
    swapped_setup = notebook(
        code("import torch\n", count=4),
        code("!wget https://example.org/data.txt\n", count=2),
        code("x = torch.zeros(1)\n", count=5),
        code("x\n", count=6, outputs=[result(6, "tensor([0.])")]),
    )
    root = make_repo(
        {"a.ipynb": counts_only, "b.ipynb": stale_then_clean, "c.ipynb": swapped_setup, "d.ipynb": badge_only}
    )
    found = {f["path"]: f for f in of(root, "NB002")}
    assert sorted(found) == ["b.ipynb", "c.ipynb"]
    assert all(
        f["severity"] == "info" and "(info: only cells without outputs ran out of order" in f["message"]
        for f in found.values()
    )
    assert found["c.ipynb"]["cell"] == 2 and "cell 2 ran as [2] after cell 1 ran as [4]" in found["c.ipynb"]["message"]
    assert of(root, "NB001") == []  # the same restart-and-run is NB002's, reported once


def test_nb002_an_output_above_a_cell_that_ran_before_it_is_affected(make_repo):
    nb = notebook(
        code("print(a)\n", count=3, outputs=[stream("1\n")]),
        code("a = 1\n", count=2),
    )
    (found,) = of(make_repo({"a.ipynb": nb}), "NB002")
    assert found["cell"] == 2 and "cell 2 ran as [2] after cell 1 ran as [3]" in found["message"]


# -- NB003 -----------------------------------------------------------------------------------------
def test_nb003_install_forms(make_repo):
    nb = notebook(
        markdown("Install first: `!pip install torch`\n"),
        code("!pip install torch==2.1.0 transformers\nimport torch\n"),
        code("%pip install -q -U datasets\n"),
        code("%conda install -y -c conda-forge numpy\n"),
        code("!conda install -y scipy\n"),
        code("import sys\n!{sys.executable} -m pip install --quiet einops\n"),
        code("%%bash\nset -e\npip3 install accelerate && echo done\n"),
        code("!uv pip install polars\n"),
        code("%%capture\n!python3 -m pip install -r requirements.txt\n"),
    )
    root = make_repo({"setup.ipynb": nb})
    (found,) = of(root, "NB003")  # once per notebook: the first install, the other install cells related
    assert (found["cell"], found["line"]) == (2, 1)
    related = [(r["cell"], r["line"]) for r in found["related"]]
    assert related == [(3, 1), (4, 1), (5, 1), (6, 2), (7, 3), (8, 1), (9, 2)]
    assert found["message"].startswith("8 installs (`pip install torch==2.1.0 transformers`, ")
    assert (
        "install torch==2.1.0, transformers, datasets, numpy and 4 more (besides -r requirements.txt)"
        in (found["message"])
    )
    assert "pip3 install accelerate" in nb.splitlines()[found["related"][4]["json_line"] - 1]
    for one in ("%pip install -q -U datasets\n", "import sys\n!{sys.executable} -m pip install --quiet einops\n"):
        (alone,) = of(make_repo({"setup.ipynb": notebook(code(one))}), "NB003")
        assert "installs datasets" in alone["message"] or "installs einops" in alone["message"]


def test_nb003_look_alikes(make_repo):
    nb = notebook(
        markdown("!pip install torch\n"),
        code("!pip list\n!pip freeze > requirements-frozen.txt\n%pip show numpy\n"),
        code("# !pip install torch\nprint('pip install torch')\n"),
        code("!pip download -d wheels torch\n!conda list\n"),
        code('install = "pip install x"\nsubprocess_args = ["pip", "install"]\n'),
        code("%%writefile setup.sh\npip install torch\n"),
    )
    root = make_repo({"look.ipynb": nb})
    assert of(root, "NB003") == []


def test_nb003_suppression_in_a_cell(make_repo):
    nb = notebook(code("# reprocheck: file-ignore[NB003] Colab demo\n!pip install colab-only-widget\n"))
    root = make_repo({"demo.ipynb": nb})
    assert of(root, "NB003") == []


def test_broken_notebook_is_rpc002_not_a_crash(make_repo):
    root = make_repo({"broken.ipynb": '{"cells": [', "ok.ipynb": notebook(code("x\n"))})
    found = findings(root, select="NB,RPC002")
    assert [(f["code"], f["path"]) for f in found] == [("RPC002", "broken.ipynb")]
    assert found[0]["line"] == 1


def test_percent_formatting_on_a_continuation_line_is_not_a_broken_cell(make_repo):
    """`print('%d' \\` then `%(a))`: the `%` continues the Python line (IPython only reads magics at the start of
    a logical line), so the cell parses; a real syntax error still is RPC002."""
    nb = notebook(
        code("for epoch in range(2):\n    print('Epoch [%d/%d]' \\\n          %(epoch, 2))\n"),
        code("print('%s'\n      %('x',))\nok = (1\n!= 2)\n%matplotlib inline\n"),
    )
    root = make_repo({"train.ipynb": nb, "bad.ipynb": notebook(code("print('%d' \n%(1)\n"))})
    assert [f["path"] for f in findings(root) if f["code"] == "RPC002"] == ["bad.ipynb"]


def test_nb001_and_nb002_have_a_line_in_the_cell_and_the_file(make_repo):
    nb = notebook(markdown("# T\n"), code("a = 1\nb = 2\n", count=2), code("a\n", count=1, outputs=[result(1, "1")]))
    gap = notebook(markdown("# T\n"), code("a = 1\nb = 2\n", count=1), code("a\n", count=5, outputs=[result(5, "1")]))
    for code_, content in (("NB001", gap), ("NB002", nb)):
        (found,) = of(make_repo({"run.ipynb": content, ".gitattributes": STRIPPED}), code_)
        assert found["line"] == 1 and found["cell"] in (2, 3)
        assert content.splitlines()[found["json_line"] - 1].strip().startswith('"')


def test_nb001_without_a_policy_skips_outputs_of_one_clean_run(make_repo):
    clean_runs = {
        "book.ipynb": notebook(
            markdown("# Chapter\n"),
            code("import numpy as np\n", count=1),
            code("np.mean([1, 2])\n", count=2, outputs=[result(2, "1.5")]),
            code("\n"),  # an empty cell never run
            code("print(3)\n", count=3, outputs=[stream("3\n")]),
        ),
        "counts_only.ipynb": notebook(code("a = 1\n", count=1), code("b = 2\n", count=2)),
    }
    assert of(make_repo(clean_runs), "NB001") == []
    # with a stripping policy every output is still reported
    policy = {**clean_runs, ".gitattributes": "*.ipynb filter=nbstripout\n"}
    assert [f["severity"] for f in of(make_repo(policy), "NB001")] == ["warning", "warning"]


def test_nb001_is_not_repeated_where_nb002_reports_the_notebook(make_repo):
    out_of_order = notebook(code("a = 1\n", count=2), code("a\n", count=1, outputs=[result(1, "1")]))
    root = make_repo({"run.ipynb": out_of_order})
    assert [f["code"] for f in findings(root, select="NB")] == ["NB002"]
    # with a stripping policy NB001 still reports it (strip, a different fix)
    root = make_repo({"run.ipynb": out_of_order, ".gitattributes": "*.ipynb filter=nbstripout\n"})
    assert sorted(f["code"] for f in findings(root, select="NB")) == ["NB001", "NB002"]


def test_nb003_advice_for_what_the_project_already_declares_is_not_circular(make_repo):
    nb = notebook(
        code("%pip install -r requirements-dev.txt\n"),
        code("!pip install -e .\n"),
        code("%pip install -qr requirements.txt wandb\n"),
    )
    found = [
        of(make_repo({"analysis.ipynb": notebook(cell), "requirements.txt": "numpy==1.26.4\n"}), "NB003")[0]
        for cell in json.loads(nb)["cells"]
    ]
    assert [f["severity"] for f in found] == ["warning"] * 3
    for f in found[:2]:
        assert "install the environment before starting the kernel" in f["message"]
        assert "declare" not in f["message"]
    assert "installs -r requirements-dev.txt from inside" in found[0]["message"]
    assert "installs ." in found[1]["message"]
    assert "installs wandb (besides -r requirements.txt)" in found[2]["message"]
    assert "declare them in the project's requirements" in found[2]["message"]


def test_nb003_colab_quick_start_that_clones_first_is_info(make_repo):
    quick_start = notebook(
        markdown("# Setup\n"),
        code("!git clone https://github.com/org/project  # clone\n%cd project\n%pip install -qr requirements.txt\n"),
        code("if logger == 'comet':\n    %pip install -q comet_ml\n"),
    )
    bash_clone = notebook(code("%%bash\ngit clone https://github.com/org/dep\npip install -e ./dep\n"))
    first_cell_clone = notebook(code("!git clone https://github.com/org/project\n"), code("%pip install -e project\n"))
    root = make_repo({"quickstart.ipynb": quick_start, "setup.ipynb": bash_clone, "first.ipynb": first_cell_clone})
    found = of(root, "NB003")
    assert [(f["path"], f["cell"], f["severity"]) for f in found] == [
        ("first.ipynb", 2, "info"),
        ("quickstart.ipynb", 2, "info"),
        ("setup.ipynb", 1, "info"),
    ]
    assert "up a fresh machine (a Colab-style quick-start after cloning a repository)" in found[1]["message"]
    assert [r["cell"] for r in found[1]["related"]] == [3]


def test_nb003_install_before_a_later_clone_still_warns(make_repo):
    nb = notebook(
        code("!pip install torch==2.1.0\n"),
        code("!git clone https://github.com/org/project\n"),
        code("# git clone is only mentioned here\n%pip install einops\n"),
    )
    mention = notebook(code("print('git clone it first')\n"), code("%pip install einops\n"))
    same_cell = notebook(code("!pip3 install timm\n!git clone https://github.com/org/project\n"))
    root = make_repo({"train.ipynb": nb, "mention.ipynb": mention, "same.ipynb": same_cell})
    found = of(root, "NB003")
    assert [(f["path"], f["cell"], f["severity"]) for f in found] == [
        ("mention.ipynb", 2, "warning"),
        ("same.ipynb", 1, "warning"),
        ("train.ipynb", 1, "warning"),
    ]
    assert not any("after cloning" in f["message"] for f in found)


def test_nb003_one_finding_per_cell_naming_every_install(make_repo):
    nb = notebook(
        code("!pip -q install gputil\n!pip -q install psutil\nimport psutil\n"),
        code("!pip install einops && pip install -r requirements.txt\n"),
    )
    root = make_repo({"bench.ipynb": nb})
    (found,) = of(root, "NB003")
    assert (found["cell"], found["line"]) == (1, 1)
    assert [(r["cell"], r["line"]) for r in found["related"]] == [(2, 1)]
    assert found["message"].startswith(
        "4 installs (`pip -q install gputil`, `pip -q install psutil`, `pip install einops`, "
        "`pip install -r requirements.txt`) install gputil, psutil, einops (besides -r requirements.txt)"
    )


def test_nb003_packages_the_project_declares_are_not_to_be_declared_again(make_repo):
    files = {
        "analysis.ipynb": notebook(code("%pip install torch==2.1.0 Scikit_Learn\n")),
        "more.ipynb": notebook(code("%pip install torch wandb\n")),
        "requirements.txt": "torch==2.1.0\nscikit-learn==1.4.0\n",
        "Dockerfile": "FROM python:3.11\nRUN pip install wandb==0.16.0\n",  # an install command declares nothing here
    }
    found = of(make_repo(files), "NB003")
    assert "installs torch==2.1.0, Scikit_Learn, which the project declares already" in found[0]["message"]
    assert "declare" not in found[0]["message"].split(";")[1]
    assert "installs wandb (besides torch) from inside the notebook; declare them" in found[1]["message"]


def test_nb003_what_another_sub_project_declares_is_not_declared_for_this_one(make_repo):
    files = {
        "benchmarks/spans/requirements.txt": "pandas==2.1.0\nspacy==3.7.0\n",
        "benchmarks/spans/project.yml": "title: spans\n",
        "tutorials/food/project.yml": "title: food\n",
        "tutorials/food/notebooks/counts.ipynb": notebook(code("!pip install pandas\n")),
        "benchmarks/spans/notebooks/view.ipynb": notebook(code("!pip install pandas\n")),
        # a third project: the repository is a monorepo of projects, each with its own environment
        "tutorials/textcat/requirements.txt": "spacy==3.7.0\n",
        "tutorials/textcat/scripts/train.py": "import spacy\n",
    }
    found = {f["path"]: f["message"] for f in of(make_repo(files), "NB003")}
    assert "which the project declares already" not in found["tutorials/food/notebooks/counts.ipynb"]
    assert "installs pandas from inside the notebook; declare them" in found["tutorials/food/notebooks/counts.ipynb"]
    assert "installs pandas, which the project declares already" in found["benchmarks/spans/notebooks/view.ipynb"]


def test_nb003_installs_a_local_run_never_makes_are_not_reported(make_repo):
    guarded = {
        "colab.ipynb": notebook(
            code("import sys\nif 'google.colab' in sys.modules:\n    print('Colab')\n    !pip3 install timm==0.4.5\n")
        ),
        "flag.ipynb": notebook(
            code("INSTALL = False  # switch on to install\n"),
            code("if INSTALL:  # opt in\n    !{sys.executable} -m pip install -e .\nelse:\n    pass\n"),
        ),
        "in_colab.ipynb": notebook(code("if IN_COLAB:\n    for p in ['a']:\n        %pip install einops\n")),
        "fallback.ipynb": notebook(
            code("try: import fastkaggle\nexcept ModuleNotFoundError:\n    !pip install -Uq fastkaggle\n")
        ),
        "fallback_tuple.ipynb": notebook(
            code("try:\n    import timm\nexcept (ImportError, OSError):\n    %pip install timm\n")
        ),
        "hosted.ipynb": notebook(code("if IS_COLAB or IS_KAGGLE:\n    %pip install -q urlextract\n")),
        "setup_once.ipynb": notebook(
            code(
                "import sys, os\nif 'google.colab' in sys.modules and not os.path.exists('.setup_complete'):\n"
                "    !pip install tensorflow-gpu==1.13.1\n    !touch .setup_complete\n"
            )
        ),
    }
    assert of(make_repo(guarded), "NB003") == []


def test_nb003_look_alikes_of_guarded_installs_still_report(make_repo):
    shapes = {
        "not_colab.ipynb": "if 'google.colab' not in sys.modules:\n    !pip install einops\n",
        "colab_or.ipynb": "if 'google.colab' in sys.modules or FORCE:\n    !pip install einops\n",
        "other_error.ipynb": "try:\n    import timm\nexcept RuntimeError:\n    !pip install timm\n",
        "after_handler.ipynb": "try:\n    import timm\nexcept ImportError:\n    pass\n!pip install timm\n",
        "kaggle_alone.ipynb": "if IS_KAGGLE and not IS_COLAB or FIRST_RUN:\n    !pip install einops\n",
        "not_colab_and.ipynb": "if not IN_COLAB and FIRST:\n    !pip install einops\n",
        "else_branch.ipynb": "if IN_COLAB:\n    pass\nelse:\n    !pip install einops\n",
        "after_block.ipynb": "if IN_COLAB:\n    pass\n!pip install einops\n",
        "flag_on.ipynb": "INSTALL = True\nif INSTALL:\n    !pip install einops\n",
        "flag_switched.ipynb": "INSTALL = False\nINSTALL = os.environ.get('X')\nif INSTALL:\n    !pip install einops\n",
        "other_if.ipynb": "if torch.cuda.is_available():\n    !pip install einops\n",
    }
    found = of(make_repo({name: notebook(code(source)) for name, source in shapes.items()}), "NB003")
    assert sorted(f["path"] for f in found) == sorted(shapes)


def colab_badge() -> dict:
    html = '<a href="https://colab.research.google.com/github/o/r/blob/main/nb.ipynb">\n'
    html += '  <img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/>\n</a>\n'
    return {
        "data": {"text/html": html.splitlines(keepends=True), "text/plain": ["<IPython.core.display.HTML object>"]},
        "metadata": {},
        "output_type": "display_data",
    }


def test_nb002_is_quiet_on_notebooks_recorded_live_in_lectures(make_repo):
    """A lecture recorded live runs cells in the lecture's order; a course folder or an experiment is judged."""
    shuffled = notebook(code("a = 1\n", count=5), code("print(a)\n", count=2, outputs=[stream("1\n")]))
    files = {
        "lectures/makemore/part1.ipynb": shuffled,
        "video_notebooks/04_datasets_video.ipynb": shuffled,
        "course/week1.ipynb": shuffled,
        "notebooks/train.ipynb": shuffled,
    }
    found = {f["path"]: f["severity"] for f in of(make_repo(files), "NB002")}
    assert found == {"course/week1.ipynb": "info", "notebooks/train.ipynb": "warning"}
    configured = {**files, "pyproject.toml": '[tool.reprocheck]\nroles = { experiment = ["lectures/"] }\n'}
    found = {f["path"]: f["severity"] for f in of(make_repo(configured), "NB002")}
    assert found["lectures/makemore/part1.ipynb"] == "warning"  # configured as an experiment: judged as one


# -- NB002: equal counts, and cells whose place no shown output depends on ---------------------------------------
def test_nb002_two_cells_showing_outputs_with_the_same_count_are_affected(make_repo):
    """Cells 14 and 15 both [10] with results (jpx-...-kale.ipynb): the two outputs came from two sessions, so the
    info rationale "every output shown ran after the cells above it" would be false: a warning. A stale count
    without outputs equal to a shown one stays info."""
    both_shown = notebook(
        code("import pandas as pd\ndf = pd.DataFrame()\n", count=9),
        code("df.max()\n", count=10, outputs=[result(10, "1")]),
        code("df.tail(3)\n", count=10, outputs=[result(10, "2")]),
        code("df.shape\n", count=11, outputs=[result(11, "(0, 0)")]),
    )
    one_shown = notebook(
        code("a = compute()\n", count=3),
        code("b = 2\n", count=5),
        *[code(f"a{n} = f({n})\n", count=n) for n in (1, 2, 3, 4)],
        code("print(a4)\n", count=5, outputs=[stream("4\n")]),
    )
    found = {f["path"]: f for f in of(make_repo({"both.ipynb": both_shown, "one.ipynb": one_shown}), "NB002")}
    assert found["both.ipynb"]["severity"] == "warning" and "(info:" not in found["both.ipynb"]["message"]
    assert "cell 3 ran as [10] after cell 2 ran as [10]" in found["both.ipynb"]["message"]
    assert found["one.ipynb"]["severity"] == "info"


def test_nb002_an_import_or_definition_cell_run_first_is_not_reported(make_repo):
    """The only cell out of order has no outputs, only imports or defines, and ran before the cells below it
    (Skip_Grams_Solution.ipynb: `import torch` as [1] at the foot of cells counted [1] to [11]); every cell with
    outputs counts up: no shown output depends on the order. NB001 then judges the counts without that cell."""
    imports_first = notebook(
        code("text = open('data/text8').read()\n", count=1, outputs=[stream("ok\n")]),
        code("words = text.split()\nprint(words[:3])\n", count=2, outputs=[stream("['a']\n")]),
        code("def cosine(embedding, device='cpu'):\n    return torch.mm(embedding, embedding.t())\n", count=3),
        code("import torch\nfrom torch import nn\nimport torch.optim as optim\n", count=1),
        code("class SkipGram(nn.Module):\n    pass\n", count=4),
        code("model = SkipGram()\nprint(model)\n", count=5, outputs=[stream("SkipGram()\n")]),
    )
    helpers = notebook(
        code("import numpy as np\nx = np.arange(3)\n", count=2, outputs=[stream("ok\n")]),
        code("SIZE = 32\nCOLORS = ('r', 'g')\n\ndef image_grid(x):\n    return x.reshape(SIZE, -1)\n", count=1),
        code("print(image_grid(x))\n", count=3, outputs=[stream("[0 1 2]\n")]),
    )
    root = make_repo({"Skip_Grams_Solution.ipynb": imports_first, "demo.ipynb": helpers})
    assert of(root, "NB002") == []
    nb001 = {f["path"]: f["message"] for f in of(root, "NB001")}
    assert nb001 == {}  # the counts without the import cell are one clean run [1] to [5], [2] to [3]


def test_nb002_the_install_then_restart_pattern_is_not_reported(make_repo):
    """`!pip install -r requirements.txt` as [2] with no outputs, the kernel restarted, the imports as [2]
    (g-research-crypto-forecast-kale.ipynb); an install that printed its log and shares [1] with the next cell too."""
    restart = notebook(
        code("!pip install -r requirements.txt --user --quiet\n", count=2),
        code("import pandas as pd\nimport warnings\nwarnings.filterwarnings('ignore')\n", count=2),
        code("df = pd.read_csv('train.csv')\n", count=3),
        code("df.shape\n", count=4, outputs=[result(4, "(3, 2)")]),
    )
    logged = notebook(
        code("!pip install tensorflow\n!pip install kaggle\n", count=1, outputs=[stream("Collecting tensorflow\n")]),
        code("download('data')\n", count=1, outputs=[stream("Downloading\n")]),
        code("print(2)\n", count=2, outputs=[stream("2\n")]),
    )
    root = make_repo({"restart.ipynb": restart, "logged.ipynb": logged, "requirements.txt": "pandas==2.2.2\n"})
    assert of(root, "NB002") == []


def test_nb002_order_free_look_alikes_stay_reported(make_repo):
    """A definition cell that ran after the shown cells below it (they used an earlier version of it: Part 5
    Exercises), a cell computing a value a shown output uses, an import cell whose name a cell above uses at its top
    level, and an install run after the cells below it are still out of order."""
    redefined_after = notebook(
        code("import torch\n", count=2),
        code("class Classifier:\n    pass\n", count=15),
        code("model = Classifier()\nprint(model)\n", count=4, outputs=[stream("Classifier\n")]),
        code("print(3)\n", count=5, outputs=[stream("3\n")]),
    )
    computed = notebook(
        code("config = load_config()\n", count=24),
        code("def show(x):\n    return x\n", count=15),
        code("print(show(config))\n", count=16, outputs=[stream("cfg\n")]),
        code("print(config)\n", count=25, outputs=[stream("cfg\n")]),
    )
    used_above = notebook(
        code("x = np.zeros(3)\nprint(x)\n", count=2, outputs=[stream("[0. 0. 0.]\n")]),
        code("import numpy as np\n", count=1),
        code("print(x.sum())\n", count=3, outputs=[stream("0.0\n")]),
    )
    late_install = notebook(
        code("!pip install -r requirements.txt\n", count=45, outputs=[stream("Successfully installed\n")]),
        code("import re\n", count=2, outputs=[stream("ok\n")]),
        code("print(re)\n", count=3, outputs=[stream("re\n")]),
    )
    shapes = {"a.ipynb": redefined_after, "b.ipynb": computed, "c.ipynb": used_above, "d.ipynb": late_install}
    found = {f["path"]: f for f in of(make_repo(shapes), "NB002")}
    assert sorted(found) == sorted(shapes)
    assert found["a.ipynb"]["severity"] == "warning" and found["b.ipynb"]["severity"] == "warning"


def image(count: int) -> dict:
    return {"data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<IPython.core.display.Image object>"]},
            "execution_count": count, "metadata": {}, "output_type": "execute_result"}  # fmt: skip


def test_nb002_cells_that_only_show_fixed_things_may_run_anywhere(make_repo):
    """A book's chapters (machine-learning-book): a figure shown with `Image(filename=...)` run again as [2] among
    cells counted [3] to [5], a `%tensorboard` cell run as [3] just before the figure above it ran as [4], a
    `%load_ext watermark` / `%watermark` cell sharing [2] with the setup, and the cell at the foot that converts the
    notebook to a script run first as [1]: nothing a result reads. NB001 then counts the runs of those cells
    (the gap [2] -> [4] is the tensorboard cell's [3]): one clean run."""
    figure = notebook(
        code("import sys\nsys.path.insert(0, '..')\n", count=1),
        code("print('numpy 1.21')\n", count=2, outputs=[stream("numpy 1.21\n")]),
        code("from IPython.display import Image\n%matplotlib inline\n", count=1),
        code("Image(filename='figures/14_01.png', width=700)\n", count=3, outputs=[image(3)]),
        code("import torch\nx = torch.ones(3)\nprint(x)\n", count=4, outputs=[stream("tensor([1., 1., 1.])\n")]),
        code("Image(filename='figures/14_11.png', width=800)\n", count=2, outputs=[image(2)]),
        code("print(x.sum())\n", count=5, outputs=[stream("tensor(3.)\n")]),
    )
    tensorboard = notebook(
        code("import torch\nmodel = torch.nn.Linear(2, 1)\n", count=1),
        code("print(model(torch.ones(2)))\n", count=2, outputs=[stream("tensor([0.3])\n")]),
        code("from IPython.display import Image\nImage(filename='figures/13_11.png')\n", count=4, outputs=[image(4)]),
        code("%tensorboard --logdir lightning_logs/\n", count=3, outputs=[stream("Reusing TensorBoard\n")]),
        code("print(model.weight.shape)\n", count=5, outputs=[stream("torch.Size([1, 2])\n")]),
        code("! python ../.convert_notebook_to_script.py --input ch13.ipynb --output ch13.py\n", count=1,
             outputs=[stream("[NbConvertApp] Converting notebook ch13.ipynb to script\n")]),
    )  # fmt: skip
    watermark = notebook(
        code("import random\nrandom.seed(1)\n", count=1),
        code("%load_ext watermark\n%watermark -a 'Author' -u -d -p torch\n", count=1, outputs=[stream("torch\n")]),
        code("print(random.random())\n", count=2, outputs=[stream("0.13\n")]),
        code("!jupyter nbconvert --to script ch17.ipynb\n", count=1),
    )
    root = make_repo({"ch14/ch14.ipynb": figure, "ch13/ch13.ipynb": tensorboard, "ch17/ch17.ipynb": watermark})
    assert of(root, "NB002") == []
    assert [f["path"] for f in of(root, "NB001")] == []


def test_nb002_cells_that_show_computed_values_or_change_state_stay_ordered(make_repo):
    """A display of a value the notebook computed (`display(df.head())`, `Image(data=png)`), a magic that changes
    the kernel's state (`%env`), a shell command on another file (a download a cell above reads), and a figure cell
    whose import a cell above used with nothing above importing it are still out of order."""
    computed = notebook(
        code("import pandas as pd\ndf = pd.read_csv('train.csv')\n", count=1),
        code("display(df.head())\n", count=7, outputs=[stream("   a  b\n")]),
        code("df = df.dropna()\nprint(len(df))\n", count=2, outputs=[stream("3\n")]),
    )
    data_image = notebook(
        code("png = render()\n", count=1),
        code("from IPython.display import Image\nImage(data=png)\n", count=5, outputs=[image(5)]),
        code("print(png[:4])\n", count=2, outputs=[stream("b'PNG'\n")]),
    )
    env = notebook(
        code("import os\nprint(os.environ.get('CUDA_VISIBLE_DEVICES'))\n", count=2, outputs=[stream("0\n")]),
        code("%env CUDA_VISIBLE_DEVICES=0\n", count=1),
        code("print(3)\n", count=3, outputs=[stream("3\n")]),
    )
    download = notebook(
        code("import pandas as pd\ndf = pd.read_csv('data.csv')\nprint(df.shape)\n", count=2,
             outputs=[stream("(3, 2)\n")]),
        code("!wget -q https://example.org/data.csv\n", count=1, outputs=[stream("saved\n")]),
    )  # fmt: skip
    import_used_above = notebook(
        code("Image(filename='figures/a.png')\n", count=2, outputs=[image(2)]),
        code("from IPython.display import Image\nImage(filename='figures/b.png')\n", count=1, outputs=[image(1)]),
        code("print(1)\n", count=3, outputs=[stream("1\n")]),
    )
    shapes = {
        "computed.ipynb": computed,
        "data_image.ipynb": data_image,
        "env.ipynb": env,
        "download.ipynb": download,
        "import_used_above.ipynb": import_used_above,
    }
    found = {f["path"] for f in of(make_repo(shapes), "NB002")}
    assert found == set(shapes)


# -- NB003: the declared environment, pinned installs, Colab quick-starts --------------------------------------
def test_nb003_an_install_of_the_notebooks_own_declared_requirements_is_not_reported(make_repo):
    """`!pip install -r requirements.txt` where requirements.txt is the declaration of the notebook's own project
    (kubeflow's kale notebooks; resolved from the notebook's folder, where its kernel starts) installs the declared
    environment: whether it pins is DEP001's finding. Also `-r ../requirements.txt` from notebooks/, and the
    automagic form `pip install -r requirements.txt` alone in a cell."""
    files = {
        "churn/requirements.txt": "pandas\ncatboost\n",
        "churn/churn-kale.ipynb": notebook(code("!pip install -r requirements.txt --user --quiet\n", count=1)),
        "churn/churn-orig.ipynb": notebook(code("pip install -r requirements.txt --quiet")),
        "requirements.txt": "numpy==1.26.4\n",
        "notebooks/eda.ipynb": notebook(code("%pip install -q -r ../requirements.txt\n")),
    }
    assert of(make_repo(files), "NB003") == []


def test_nb003_installs_beyond_the_declared_requirements_stay_reported(make_repo):
    """A requirements file the notebook's folder does not have (the install expects another working folder), one
    that is no declaration of its project, or packages besides the file, are still reported."""
    files = {
        "requirements.txt": "numpy==1.26.4\n",
        "tools/pipeline.ipynb": notebook(code("!pip install -r requirements.txt\n")),
        "app/requirements.txt": "flask==3.0.0\n",
        "app/serve.py": "import flask\n",
        "analysis/eda.ipynb": notebook(code("%pip install -r ../app/requirements.txt\n")),
        "more.ipynb": notebook(code("%pip install -r requirements.txt\n"), code("!pip install wandb\n")),
    }
    found = {f["path"]: f for f in of(make_repo(files), "NB003")}
    assert sorted(found) == ["analysis/eda.ipynb", "more.ipynb", "tools/pipeline.ipynb"]
    assert found["more.ipynb"]["cell"] == 2 and "installs wandb from inside" in found["more.ipynb"]["message"]


def test_nb003_exact_versions_in_a_project_that_declares_nothing_else_are_not_reported(make_repo):
    """A fixed release archive (`.../release/0.1.3/kfp.tar.gz`: CodeSearchPipelineNotebook.ipynb) or `==` pins, in a
    project with no declaration file: the notebook records its environment exactly. Where the project has a
    declaration that lacks them, or an install leaves a version open, it is still reported."""
    tarball = notebook(
        code("!pip3 install https://storage.googleapis.com/ml-pipeline/release/0.1.3/kfp.tar.gz --upgrade\n")
    )
    pins = notebook(code("!pip install kfp==1.8.4 kubeflow-katib==0.12.0\n"))
    assert of(make_repo({"pipeline/submit.ipynb": tarball, "kserve/first.ipynb": pins}), "NB003") == []
    declared_elsewhere = {"requirements.txt": "tqdm==4.65.0\n", "notebooks/benchmarks.ipynb": pins}
    (found,) = of(make_repo(declared_elsewhere), "NB003")
    assert found["severity"] == "warning" and "declare them" in found["message"]
    loose = {
        "a.ipynb": notebook(code("!pip install https://github.com/kubeflow/batch-predict/tarball/master\n")),
        "b.ipynb": notebook(code("!pip install kfp==1.8.4 kubeflow-katib\n")),
        "c.ipynb": notebook(code("!pip install torch\n")),
    }
    found = {f["path"]: f["severity"] for f in of(make_repo(loose), "NB003")}
    assert found == {"a.ipynb": "warning", "b.ipynb": "warning", "c.ipynb": "warning"}


def test_nb003_a_colab_quick_start_is_advised_to_pin_not_to_install_before_the_kernel(make_repo):
    """A Colab setup cell (after cloning the repository, or in a notebook made for Colab) cannot install before the
    kernel starts: the advice is to pin what it installs (run_DiT.ipynb's `!pip install diffusers timm --upgrade`).
    An exactly pinned quick-start is not reported; a research notebook's unguarded install keeps the old advice."""
    dit = notebook(
        markdown("Run this cell to clone the DiT GitHub repo and setup PyTorch.\n"),
        code(
            "!git clone https://github.com/facebookresearch/DiT.git\nimport DiT, os\nos.chdir('DiT')\n"
            "!pip install diffusers timm --upgrade\nimport torch\n"
        ),
        colab={"provenance": []},
    )
    badge = notebook(
        markdown("<a href='https://colab.research.google.com/github/o/r/blob/main/cifar.ipynb'>Open In Colab</a>\n"),
        code("!pip install mapie\n"),
    )
    pinned = notebook(code("!git clone https://github.com/o/r.git\n%cd r\n"), code("!pip3 install timm==0.4.5\n"))
    research = notebook(code("!pip install torch\nimport torch\n"))
    files = {
        "run_DiT.ipynb": dit,
        "cifar.ipynb": badge,
        "demo/visualize.ipynb": pinned,
        "src/analysis.ipynb": research,
        "environment.yml": "name: dit\ndependencies:\n  - pip:\n    - timm\n    - diffusers\n",
    }
    found = {f["path"]: f for f in of(make_repo(files), "NB003")}
    assert sorted(found) == ["cifar.ipynb", "run_DiT.ipynb", "src/analysis.ipynb"]
    message = found["run_DiT.ipynb"]["message"]
    assert found["run_DiT.ipynb"]["severity"] == "info" and "before starting the kernel" not in message
    assert "diffusers, timm are not pinned, and `--upgrade` takes the latest release each time" in message
    assert "pin the versions the notebook's outputs were made with (`diffusers==<version>`" in message
    assert (
        found["cifar.ipynb"]["severity"] == "info"
        and "(a notebook made to run on Colab)" in found["cifar.ipynb"]["message"]
    )
    assert found["src/analysis.ipynb"]["severity"] == "warning"
    assert "install the environment before starting the kernel" in found["src/analysis.ipynb"]["message"]


SHOWN = code("print('done')\n", count=1, outputs=[stream("done\n")])  # a result the notebook keeps


def test_nb003_a_quick_start_installing_the_repository_it_ships_with_is_not_asked_to_pin_it(make_repo):
    """The judged shape: a Colab notebook of the PEFT repository installs `git+https://github.com/huggingface/peft`
    (the code it demonstrates) beside `datasets`: only datasets is advised to be pinned. Another shape: `pip
    install -e .` after cloning the repository. A quick-start that installs nothing but the repository itself is
    not reported."""
    colab = {"provenance": []}
    files = {
        "setup.py": 'from setuptools import setup\nsetup(name="peft", url="https://github.com/huggingface/peft")\n',
        "examples/cpt/cpt_train.ipynb": notebook(
            code("%pip install datasets\n%pip install git+https://github.com/huggingface/peft\n", count=1),
            SHOWN,
            colab=colab,
        ),
        "examples/own_only.ipynb": notebook(
            code("!pip install -q git+https://github.com/huggingface/peft.git@main\n", count=1), SHOWN, colab=colab
        ),
        "examples/clone.ipynb": notebook(
            code("!git clone https://github.com/huggingface/peft\n%cd peft\n!pip install -e .\n", count=1), SHOWN
        ),
    }
    found = {f["path"]: f for f in of(make_repo(files), "NB003")}
    assert sorted(found) == ["examples/cpt/cpt_train.ipynb"]
    message = found["examples/cpt/cpt_train.ipynb"]["message"]
    assert "; datasets is not pinned: pin the versions" in message and "peft is not" not in message


def test_nb003_a_quick_start_installing_its_clones_own_requirements_is_not_reported(make_repo):
    """The judged shapes: YOLOv5's tutorial clones the repository, `%cd`s into it and installs its
    requirements.txt; big_vision's demos clone the repository and install `big_vision/big_vision/requirements.txt`
    (the clone's folder, then the file's path in the repository) or copy its package and install
    `big_vision/requirements.txt`. The file is the repository's own declaration: whether it pins is DEP001's
    finding there, not the notebook's. What else such a cell installs stays reported, alone."""
    colab = {"provenance": []}
    setup = 'from setuptools import setup\nsetup(name="vision", url="https://github.com/org/vision")\n'
    files = {
        "setup.py": setup,
        "requirements.txt": "torch>=2\n",
        "vision/requirements.txt": "jax\n",
        "classify/tutorial.ipynb": notebook(
            code("!git clone https://github.com/org/vision  # clone\n%cd vision\n%pip install -qr requirements.txt\n"),
            SHOWN,
        ),
        "vision/configs/demo.ipynb": notebook(
            code(
                "!git clone --depth=1 https://github.com/org/vision\n"
                "!pip install -r vision/vision/requirements.txt -c vision/vision/constraints.txt\n"
            ),
            SHOWN,
            colab=colab,
        ),
        "vision/configs/copy.ipynb": notebook(
            code(
                "!git clone --depth=1 https://github.com/org/vision vision_repo\n"
                "!cp -R vision_repo/vision vision\n!pip install -qr vision/requirements.txt\n"
            ),
            SHOWN,
        ),
        "vision/configs/more.ipynb": notebook(
            code(
                "!git clone https://github.com/org/vision\n!pip -q install -r vision/vision/requirements.txt\n"
                "!pip3 -q install -U crcmod\n"
            ),
            SHOWN,
        ),
    }
    found = {f["path"]: f for f in of(make_repo(files), "NB003")}
    assert sorted(found) == ["vision/configs/more.ipynb"]
    message = found["vision/configs/more.ipynb"]["message"]
    assert (
        "crcmod" in message
        and "requirements.txt" not in message
        and found["vision/configs/more.ipynb"]["severity"] == "info"
    )


def test_nb003_requirement_files_of_another_clone_or_outside_the_declarations_stay_reported(make_repo):
    """Look-alikes: the requirements of another repository's clone; a file of the clone that is no declaration of
    the repository; the repository's own requirements installed before it is cloned (the folder is not known)."""
    setup = 'from setuptools import setup\nsetup(name="vision", url="https://github.com/org/vision")\n'
    files = {
        "setup.py": setup,
        "requirements.txt": "torch>=2\n",
        "a.ipynb": notebook(
            code(
                "!git clone https://github.com/org/latent-diffusion\n%cd latent-diffusion\n"
                "!pip install -r requirements.txt\n"
            ),
            SHOWN,
        ),
        "b.ipynb": notebook(
            code("!git clone https://github.com/org/vision\n%cd vision\n!pip install -r extra/requirements-demo.txt\n"),
            SHOWN,
        ),
        "notebooks/c.ipynb": notebook(
            code("!pip install -r requirements.txt\n!git clone https://github.com/org/vision\n"), SHOWN
        ),
    }
    found = {f["path"] for f in of(make_repo(files), "NB003")}
    assert found == {"a.ipynb", "b.ipynb", "notebooks/c.ipynb"}


def test_nb003_installs_of_other_repositories_and_research_notebooks_stay_reported(make_repo):
    """Look-alikes: another repository from git (transformers) in a quick-start, a clone of another repository then
    `pip install -e .`, and the repository's own package installed by a notebook that is no quick-start (advised to
    install the environment before the kernel, never to declare the project in its own requirements)."""
    colab = {"provenance": []}
    files = {
        "pyproject.toml": '[project]\nname = "peft"\n[project.urls]\nHomepage = "https://github.com/huggingface/peft"\n',
        "examples/other.ipynb": notebook(
            code("!pip install git+https://github.com/huggingface/transformers\n", count=1), SHOWN, colab=colab
        ),
        "examples/clone_other.ipynb": notebook(
            code("!git clone https://github.com/org/dep\n%cd dep\n!pip install -e .\n", count=1), SHOWN
        ),
        "src/analysis.ipynb": notebook(code("!pip install git+https://github.com/huggingface/peft\n", count=1), SHOWN),
    }
    found = {f["path"]: f for f in of(make_repo(files), "NB003")}
    assert sorted(found) == ["examples/clone_other.ipynb", "examples/other.ipynb", "src/analysis.ipynb"]
    research = found["src/analysis.ipynb"]["message"]
    assert "declare" not in research and "install the environment before starting the kernel" in research


def test_nb003_a_quick_start_that_keeps_no_output_is_still_reported(make_repo):
    """A Colab notebook committed without outputs still sets up a fresh machine with what it installs unpinned: the
    next release may break it (a gymnasium API change), whatever it showed."""
    colab = {"provenance": []}
    install = code("# Install required packages.\n!pip install -q torch-geometric\n")
    files = {"graphs/stripped-colab.ipynb": notebook(install, code("import torch_geometric\n"), colab=colab)}
    found = {f["path"]: f["severity"] for f in of(make_repo(files), "NB003")}
    assert found == {"graphs/stripped-colab.ipynb": "info"}


def test_nb002_a_count_of_zero_is_no_run(make_repo):
    """The judged shape: an exercise version whose cleared cells carry execution_count 0 ([0] after [0]) between
    counted ones: no kernel numbers a run 0, so the counts that remain are in order. Look-alike: real counts out of
    order around the zeros stay reported."""
    zeros = notebook(
        code("import numpy as np\n", count=0),
        code("x = np.arange(3)\n", count=0),
        code("x.sum()\n", count=9, outputs=[result(9, "3")]),
        code("y = x * 2\n", count=0),
        code("y.sum()\n", count=12, outputs=[result(12, "6")]),
    )
    swapped = notebook(
        code("import numpy as np\n", count=0),
        code("x = np.arange(3)\n", count=14),
        code("x.sum()\n", count=9, outputs=[result(9, "3")]),
    )
    found = of(make_repo({"Module4/gd_empty.ipynb": zeros, "swapped.ipynb": swapped}), "NB002")
    assert [(f["path"], f["cell"]) for f in found] == [("swapped.ipynb", 3)]


def test_nb002_independent_cells_run_in_another_order_are_not_reported(make_repo):
    """Cells that ran in another order than they stand but touch nothing of each other leave the same state and show
    the same outputs as a top-to-bottom run. The judged shape (QDoRA): the dataset is loaded as [8] below the cell
    that wraps the model as [9]; the training cell [10] uses both. Another shape: two string demos of a pandas
    lesson swapped ([68] above [67]), and a comment-only cell run late."""
    qdora = notebook(
        code("import torch\nfrom transformers import AutoModelForCausalLM, AutoTokenizer, Trainer\n", count=4),
        code(
            "model = AutoModelForCausalLM.from_pretrained('m')\ntokenizer = AutoTokenizer.from_pretrained('m')\n",
            count=5,
        ),
        code("def print_trainable_parameters(m):\n    print(sum(p.numel() for p in m.parameters()))\n", count=6),
        code("model.gradient_checkpointing_enable()\n", count=7),
        code(
            "from peft import LoraConfig, get_peft_model\n\nconfig = LoraConfig(r=8)\n"
            "model = get_peft_model(model, config)\nprint_trainable_parameters(model)\n",
            count=9,
            outputs=[stream("trainable params: 1\n")],
        ),
        code(
            "from datasets import load_dataset\n\ndata = load_dataset('timdettmers/openassistant-guanaco')\n"
            "data = data.map(lambda samples: tokenizer(samples['text']), batched=True)\n",
            count=8,
            outputs=[stream("Map: 100%\n")],
        ),
        code(
            "trainer = Trainer(model=model, train_dataset=data['train'])\ntrainer.train()\n",
            count=10,
            outputs=[stream("loss 1.2\n")],
        ),
    )
    pandas = notebook(
        code("import pandas as pd\n", count=66),
        code("'Hello world'.lower()\n", count=68, outputs=[result(68, "'hello world'")]),
        code("'a,b'.replace(',', ' ')\n", count=67, outputs=[result(67, "'a b'")]),
        code("# nothing to run here\n", count=70),
        code("pd.Series([1, 2]).sum()\n", count=69, outputs=[result(69, "3")]),
    )
    swap = notebook(code("a = 1\nprint(a)\n", count=42, outputs=[stream("1\n")]), code("b = 2\nprint(b)\n", count=41))
    root = make_repo({"QDoRA.ipynb": qdora, "09-pandas.ipynb": pandas, "swap.ipynb": swap})
    assert of(root, "NB002") == []


def test_nb002_dependent_cells_run_in_another_order_stay_reported(make_repo):
    """Look-alikes: a class re-defined after the cells that built and trained with it (Module16), a model fitted
    after the cell that scored it, a file written after the cell that read it, a seed set after the layer it
    should have seeded (the same module through another name), an import re-run after the cells that used its
    names, a shell command, and independent cells between whose counts runs went unrecorded."""
    out = [stream("1\n")]
    shapes = {
        "batchnorm.ipynb": notebook(
            code("import torch\n", count=1),
            code("class Net(torch.nn.Module):\n    pass\n", count=40),
            code("nets = [Net(), Net()]\nprint(*nets)\n", count=31, outputs=out),
        ),
        "fit.ipynb": notebook(
            code("from sklearn.linear_model import LinearRegression\nmodel = LinearRegression()\n", count=1),
            code("model.fit(X, y)\n", count=9),
            code("model.score(X, y)\n", count=8, outputs=[result(8, "0.9")]),
        ),
        "files.ipynb": notebook(
            code("import json\n", count=1),
            code("with open('result.json', 'w') as f:\n    json.dump({'a': 1}, f)\n", count=5),
            code("print(json.loads(open('result.json').read()))\n", count=4, outputs=out),
        ),
        "seed.ipynb": notebook(
            code("import torch\nfrom torch import nn\n", count=1),
            code("torch.manual_seed(0)\n", count=5),
            code("layer = nn.Linear(2, 2)\nprint(layer.weight)\n", count=4, outputs=out),
        ),
        "imports.ipynb": notebook(
            code("import numpy as np\nimport sys\nsys.argv = ['--config', 'config1']\n", count=5),
            code("x = np.arange(3)\nprint(x)\n", count=2, outputs=out),
            code("print(x.sum())\n", count=3, outputs=out),
            code("y = 2\n", count=4),
        ),
        "shell.ipynb": notebook(
            code("import os\n", count=1),
            code("!python inference.py --output result.json\n", count=21),
            code("print(os.listdir('.'))\n", count=7, outputs=out),
        ),
        "gap.ipynb": notebook(
            code("a = 1\n", count=44, outputs=out),
            code("b = 2\nprint(b)\n", count=41, outputs=out),
        ),
    }
    found = {f["path"] for f in of(make_repo(shapes), "NB002")}
    assert found == set(shapes)

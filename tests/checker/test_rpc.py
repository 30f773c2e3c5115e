"""RPC002: files the checker reads and cannot parse, and files that are not part of the checkout."""

from __future__ import annotations

import os

import pytest

from tests.conftest import findings


# -- RPC002: links into a submodule that is not checked out ------------------------------------------
def test_rpc002_links_into_a_submodule_that_is_not_checked_out(make_repo):
    root = make_repo(
        {
            ".gitmodules": '[submodule "jekyllbook"]\n\tpath = docs/jekyllbook\n\turl = https://example.org/jb\n',
            "docs/README.md": "# docs\n![plot](img/plot.png)\n",
            "docs/_layouts/custom.html": "<html></html>\n",
            "configs/base.yaml": "seed: 1\n",
            "data/train.csv": "a,b\n" + "1,2\n" * 50,
        },
        commit=False,
    )
    # links into the submodule, which is not checked out: a docs page, a layout, a config
    os.symlink("jekyllbook/404.html", root / "docs/404.html")
    os.symlink("../jekyllbook/_layouts/default.html", root / "docs/_layouts/default.html")
    os.symlink("../docs/jekyllbook/_config.yml", root / "configs/site.yaml")
    # a broken link elsewhere into a YAML config is still a file the run needs and cannot read
    os.symlink("../missing/params.yaml", root / "configs/params.yaml")
    result = findings(root, select="CFG,DAT,RPC002")
    assert [f["path"] for f in result if f["code"] == "RPC002"] == ["configs/params.yaml"]
    # a docs page that cannot be read is never a parse error: pages are only scanned for links
    os.symlink("../missing/page.md", root / "docs/page.md")
    result = findings(root, select="CFG,DAT,RPC002")
    assert [f["path"] for f in result if f["code"] == "RPC002"] == ["configs/params.yaml"]


# -- RPC002: once per file, exercise notebooks --------------------------------------------------------
def exercise(*sources: str) -> str:
    import json

    blank = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    cells = [{**blank, "source": source} for source in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def test_rpc002_an_exercise_notebook_is_not_reported(make_repo):
    """Cells left for the reader do not parse by design; the reader fills them in: nothing to report."""
    shapes = {
        "labs/todo.ipynb": exercise(
            "import numpy as np\nmatrix = # TODO\n",
            "def vectorize(s):\n  # TODO\n\nout = vectorize('ab')\n",
            "model = Model([TODO Dense layer])\n",
        ),
        "labs/comment.ipynb": exercise("import random\n\nseed = # your favourite seed\nrandom.seed(seed)\n"),
        "labs/angle.ipynb": exercise(
            "n_actions = 4\nmodel = <>\n",
            "algorithm = <>\n\nfor i in range(15):\n    algorithm.step(model)\n",
            "<this may be a perfect cell to write a training & evaluation loop in>",
            "env = make(\n    <your env here>\n)\n",
        ),
        "labs/arrow.ipynb": exercise("token_to_id = <dictionary of symbol -> its identifier>\n"),
        "labs/class.ipynb": exercise("actor = <YOUR ACTOR CLASS>(state_dim, action_dim).to(DEVICE)\n"),
        "labs/commented.ipynb": exercise("gamma = 0.99  # discount\nupdate_freq=<>   # 2 for TD3 or 1 for SAC\n"),
        "labs/your.ipynb": exercise("if stack:\n    env = # your code. Please, use FrameStack\nreturn env\n"),
        # an assignment's function left for the student, its body only the instruction (a course's class 6)
        "assignments/class6.ipynb": exercise(
            "import numpy as np\n\ndef fill_square_image(img):\n    # ************* Add your solution here*********\n"
            "    # You should not need to modify the other code.\n\nsubmit = fill_square_image(np.zeros(3))\n"
        ),
        "train.py": "def f(:\n",
    }
    found = {f["path"]: f for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert set(found) == {"train.py"} and found["train.py"]["severity"] == "error"


def test_rpc002_look_alikes_of_exercise_blanks_are_errors(make_repo):
    """A comparison, a stray bracket or a generic broken line is no blank left for the reader."""
    shapes = {
        "compare.ipynb": exercise("ok = a < b > \n"),
        "html.ipynb": exercise("page = '<b>' + <b>bold</b> +\n"),
        "broken.ipynb": exercise("print('ok'\n"),
    }
    found = {f["path"]: f["severity"] for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert found == {"compare.ipynb": "error", "html.ipynb": "error", "broken.ipynb": "error"}


def test_rpc002_an_empty_notebook_file_is_not_reported(make_repo):
    """A 0-byte `.ipynb` holds nothing to run; a notebook with broken JSON still is an error."""
    root = make_repo({"notebooks/test.ipynb": "", "notebooks/half.ipynb": '{"cells": [\n'})
    found = {f["path"]: f["severity"] for f in findings(root) if f["code"] == "RPC002"}
    assert found == {"notebooks/half.ipynb": "error"}


def test_rpc002_a_notebook_with_a_real_syntax_error_is_one_error(make_repo):
    """A broken cell beside the blanks: the notebook is broken, reported once with the other cells related (a
    blank that `...` repairs parses: `matrix = # TODO` is no problem of the notebook any more)."""
    broken = exercise("matrix = TODO compute it\n", "print('ok'\n", "vector = # TODO\n")
    found = [f for f in findings(make_repo({"lab.ipynb": broken})) if f["code"] == "RPC002"]
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert "(1 more problem in this file)" in found[0]["message"] and len(found[0]["related"]) == 1
    assert "cell 2" in found[0]["message"]  # the broken cell is the place shown, not the blank of cell 1


def test_rpc002_a_cell_whose_first_line_is_indented_runs_as_ipython_runs_it(make_repo):
    """IPython removes the first line's indentation from every line starting with it before running a cell: a
    function pasted one space in over a body at the margin (a book's ` def compute_z(a, b, c):`), a cell indented
    as a whole under a magic, run and kept with their output, parse. An indentation error inside a function, or a
    second line indented less than the first, does not run in IPython either: still RPC002."""
    pasted = " def compute_z(a, b, c):\n    r1 = a - b\n    return r1 * 2 + c\n\nprint('z:', compute_z(1, 2, 3))\n"
    whole = "  %matplotlib inline\n  import random\n  for i in range(2):\n      print(random.random())\n"
    inner = "def f(a):\n    b = a + 1\n      return b\n"
    ragged = "   x = 1\n  y = 2\n"
    root = make_repo(
        {
            "book/ch13.ipynb": exercise("import torch\n", pasted),
            "book/ch14.ipynb": exercise(whole),
            "book/inner.ipynb": exercise("import os\n", inner),
            "book/ragged.ipynb": exercise(ragged),
        }
    )
    found = {f["path"]: f["message"] for f in findings(root) if f["code"] == "RPC002"}
    assert set(found) == {"book/inner.ipynb", "book/ragged.ipynb"}
    assert "cell 2, line 3: unexpected indent" in found["book/inner.ipynb"]


def syntax_error(ename: str = "SyntaxError") -> dict:
    return {"output_type": "error", "ename": ename, "evalue": "invalid syntax (1.py, line 1)", "traceback": []}


def ran(source: str, *outputs: dict) -> dict:
    return {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": list(outputs), "source": source}


def test_rpc002_a_cell_that_shows_the_syntax_error_it_raises_is_a_lesson(make_repo):
    """A cell run on purpose to show a SyntaxError (its saved output is that error) is not a broken notebook."""
    import json

    def book(*cells: dict) -> str:
        return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)

    shapes = {
        "lesson.ipynb": book(ran("import pandas as pd\n"), ran("df.Engine HP\n", syntax_error())),
        "indent.ipynb": book(ran("if True:\nprint(1)\n", syntax_error("IndentationError"))),
        # look-alikes: a broken cell whose output is another error, or no output; a lesson with a second broken cell
        "other_error.ipynb": book(ran("df.Engine HP\n", {**syntax_error("NameError")})),
        "unrun.ipynb": book(ran("df.Engine HP\n")),
        "mixed.ipynb": book(ran("df.Engine HP\n", syntax_error()), ran("print('ok'\n")),
    }
    found = {f["path"]: f for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert sorted(found) == ["mixed.ipynb", "other_error.ipynb", "unrun.ipynb"]
    assert found["mixed.ipynb"]["severity"] == "error" and "cell 2" in found["mixed.ipynb"]["message"]


def test_rpc002_an_assignment_of_nothing_is_a_blank_in_a_notebook(make_repo):
    """`num_epochs = ` (nothing after `=`) in a notebook cell is a fill-in blank: the notebook is an exercise, every
    blank of it is repaired (a function left with only a comment for its body too), the rest is analysed."""
    shapes = {
        # the judged shape: hyperparameters left for the student, several cells
        "project/dlnd_tv_script_generation.ipynb": exercise(
            "# Sequence Length\nsequence_length =   # of words in a sequence\n# Batch Size\nbatch_size = \n",
            "# Number of Epochs\nnum_epochs = \n# Learning Rate\nlearning_rate = \n\nshow_every_n_batches = 500\n",
        ),
        # a blank in the middle of computed code, and a second blank cell with tuple targets
        "sentiment/Sentiment_RNN.ipynb": exercise(
            "print(len(reviews_ints))\n\nreviews_ints = \nencoded_labels = \n\nprint(len(reviews_ints))\n",
            "vocab_size, output_size = \nnet = SentimentRNN(vocab_size, output_size)\n",
        ),
        # functions whose bodies are left to the reader, in a notebook that holds another blank
        "gan/CycleGAN.ipynb": exercise(
            "lr = \n",
            'def real_mse_loss(D_out):\n    # how close is the produced output from being "real"?\n    \n\n'
            "def fake_mse_loss(D_out):\n    # how close to fake?\n    \n",
        ),
    }
    assert [f for f in findings(make_repo(shapes)) if f["code"] == "RPC002"] == []


def test_rpc002_assignment_of_nothing_look_alikes_stay_errors(make_repo):
    """A module with `x = ` is a broken module; a notebook cell with an unterminated string beside a blank, or an
    empty function body in a notebook that holds no blank, is broken."""
    shapes = {
        "train.py": "epochs = \nprint(epochs)\n",
        "string.ipynb": exercise("epochs = \n", "name = 'abc\n"),
        "same_cell.ipynb": exercise("epochs = \nname = 'abc\n"),
        "todo_cell.ipynb": exercise("x = # TODO\nname = 'abc\n"),
        "body.ipynb": exercise("def loss(x):\n    # compute it\n\nprint(1)\n"),
    }
    found = {f["path"]: f for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert sorted(found) == ["body.ipynb", "same_cell.ipynb", "string.ipynb", "todo_cell.ipynb", "train.py"]
    assert "cell 1, line 2" in found["same_cell.ipynb"]["message"]
    assert "cell 1, line 2" in found["todo_cell.ipynb"]["message"]  # the error left, not the blank above it


def test_rpc002_a_magic_written_without_its_percent_is_ipython(make_repo):
    """IPython's automagic (on by default) runs a one-line cell `pip install -r requirements.txt` as `%pip`: the
    notebook is valid, and NB003 sees the install. A magic name in a cell of several lines is a syntax error, as
    IPython applies automagic to one-line cells only; so is an assignment to a variable named like a magic."""
    shapes = {
        "nb/pip.ipynb": exercise("pip install -r requirements.txt", "\nls -la data\n", "cd ..\n", "import os\n"),
        "nb/conda.ipynb": exercise("conda install -y numpy==1.26.4\n"),
        "nb/multi.ipynb": exercise("pip install numpy\nimport numpy\n"),
        "nb/assign.ipynb": exercise("ls = = 3\n"),
        "nb/broken.ipynb": exercise("pip install numpy\n", "print('ok'\n"),
        "nb/requirements.txt": "pandas==2.2.2\n",
    }
    found = findings(make_repo(shapes))
    broken = {f["path"] for f in found if f["code"] == "RPC002"}
    assert broken == {"nb/multi.ipynb", "nb/assign.ipynb", "nb/broken.ipynb"}
    installs = {f["path"]: f["message"] for f in found if f["code"] == "NB003"}
    assert "numpy==1.26.4" in installs["nb/conda.ipynb"] and "nb/broken.ipynb" in installs


def test_rpc002_a_run_of_dots_is_a_blank_in_an_exercise_notebook(make_repo):
    """`test_embeddings_norm = ....` (Python has no `....`) is a fill-in blank: the judged shape, and the same blank
    as an argument; the rest of the notebook is analysed."""
    shapes = {
        "Module13/13_siamese_triplet_mnist_empty.ipynb": exercise(
            "import torch\n", "# L2-normalize embeddings\ntest_embeddings_norm = ....\n"
        ),
        "lab/loss.ipynb": exercise("import torch\nloss = torch.nn.functional.mse_loss(...., target)\n"),
    }
    assert [f for f in findings(make_repo(shapes)) if f["code"] == "RPC002"] == []


def test_rpc002_dots_look_alikes_stay_errors(make_repo):
    """Dots that are no blank: a broken range `x[1....3]`, a module (not a notebook) with `....`."""
    shapes = {
        "slice.ipynb": exercise("x = list(range(5))\ny = x[1....3]\n"),
        "train.py": "x = ....\n",
    }
    found = {f["path"] for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert found == {"slice.ipynb", "train.py"}


def in_language(kernelspec: dict | None, language_info: dict | None, *sources: str) -> str:
    import json

    blank = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    metadata = {}
    if kernelspec is not None:
        metadata["kernelspec"] = kernelspec
    if language_info is not None:
        metadata["language_info"] = language_info
    cells = [{**blank, "source": source} for source in sources]
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}, indent=1)


JULIA = ("using Plots\n", "struct D <: Number\n  f::Tuple{Float64,Float64}\nend\n", "f(x) = x^2 + 3x\n")


def test_rpc002_a_notebook_in_another_language_is_not_read_as_python(make_repo):
    """A Julia notebook (its kernelspec says so) is not Python: no parse error, and no rule reads its cells as Python
    (`!` and `%` lines are no IPython escapes there). Its language from `kernelspec.language`, from `language_info`,
    or from a well-known kernel's name."""
    shapes = {
        # the judged shape: kernelspec and language_info both say Julia
        "Module2/AD_with_dual_numbers_Julia.ipynb": in_language(
            {"display_name": "Julia 1.5.1", "language": "julia", "name": "julia-1.5"},
            {"name": "julia", "version": "1.5.1"},
            *JULIA,
        ),
        "r/analysis.ipynb": in_language(None, {"name": "R"}, "library(ggplot2)\nx <- c(1, 2)\n"),
        "julia/by_name.ipynb": in_language({"name": "julia-1.9", "display_name": "Julia"}, None, *JULIA),
        "julia/shell.ipynb": in_language({"language": "julia", "name": "julia-1.9"}, None, "!pip install torch\n"),
    }
    found = findings(make_repo(shapes))
    assert [f for f in found if f["code"] in ("RPC002", "NB003", "DEP004")] == []


def test_rpc002_python_notebooks_by_any_kernel_name_are_still_parsed(make_repo):
    """Look-alikes: a Python kernel named for its environment (`dldiy`, no language), a PySpark kernel, and a notebook
    that says nothing are Python: their syntax errors are reported."""
    broken = "print('ok'\n"
    shapes = {
        "env.ipynb": in_language({"display_name": "dldiy", "name": "dldiy"}, None, broken),
        "spark.ipynb": in_language({"language": "python", "name": "pysparkkernel"}, {"name": "pyspark"}, broken),
        "plain.ipynb": in_language(None, None, broken),
        "ipy.ipynb": in_language({"name": "python3"}, {"name": "python", "version": "3.11"}, broken),
    }
    found = {f["path"] for f in findings(make_repo(shapes)) if f["code"] == "RPC002"}
    assert found == {"env.ipynb", "spark.ipynb", "plain.ipynb", "ipy.ipynb"}


SWA = "import torch\n\n\ndef move(x):\n    return x.cuda(async=True)\n"
TRAIN = 'import random\n\nfrom utils.swa import move\n\nif __name__ == "__main__":\n    move(random.random())\n'


@pytest.mark.parametrize(
    ("files", "reported"),
    [
        ({}, False),  # the judged shape: no Python pinned, a 2018 project run on Python 3.6
        ({".python-version": "3.6.8\n"}, False),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.5"\n'}, False),
        ({"mod.py": "async = 1\nprint(async)\n", "train.py": TRAIN + "import mod\n"}, False),  # a name
        # look-alikes: the project pins a Python that reads async as a keyword, or the file is broken anyway
        ({".python-version": "3.10\n"}, True),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n'}, True),
    ],
)
def test_rpc002_async_as_a_name_is_valid_python_before_3_7(make_repo, files, reported):
    found = [f for f in findings(make_repo({"utils/swa.py": SWA, "train.py": TRAIN, **files})) if f["code"] == "RPC002"]
    assert [f["path"] for f in found] == (["utils/swa.py"] if reported else [])
    if reported:
        assert "invalid Python from 3.7 on" in found[0]["message"] and "the project " in found[0]["message"]


def test_rpc002_a_file_broken_in_every_grammar_is_reported(make_repo):
    broken = "def f(:\n    return x.cuda(async=True)\n"
    walrus = "if (n := 3):\n    x.cuda(async=True)\n"  # 3.8 syntax beside 3.6 syntax: no Python reads both
    train = TRAIN.replace("from utils.swa import move", "from a import move\nfrom b import x")
    root = make_repo({"a.py": broken, "b.py": walrus, "train.py": train})
    found = [f for f in findings(root) if f["code"] == "RPC002"]
    assert sorted(f["path"] for f in found) == ["a.py", "b.py"]
    assert all("invalid Python: " in f["message"] for f in found)

"""The shared Python facts: lazy modules, imports and qualified names, module names, first-party names, cells."""

from __future__ import annotations

import ast
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.facts.pycode import blank_magics, fewest_words, module_names
from reprocheck.project import Project


def store_of(root) -> tuple[Project, FactStore]:
    project = Project.discover(root, Settings())
    return project, FactStore(project)


def calls(module) -> list[str | None]:
    return [module.qualname(node.func) for node in ast.walk(module.tree) if isinstance(node, ast.Call)]


def test_aliases_resolve_to_qualified_names(make_repo):
    root = make_repo(
        {
            "train.py": """
            import numpy as np
            import numpy.random
            import tensorflow as tf
            from numpy import random as npr
            from torch import manual_seed
            import os.path

            np.random.seed(0)
            numpy.random.seed(1)
            npr.seed(2)
            manual_seed(3)
            tf.random.set_seed(4)
            os.path.join("a", "b")
            local = object()
            local.seed(5)
            """
        }
    )
    _, store = store_of(root)
    module = store.get("python_modules")["train.py"]
    assert calls(module) == [
        "numpy.random.seed",
        "numpy.random.seed",
        "numpy.random.seed",
        "torch.manual_seed",
        "tensorflow.random.set_seed",
        "os.path.join",
        None,  # object() is a builtin, not an import
        None,  # a local variable's method
    ]


def test_imports_relative_optional_and_in_functions(make_repo):
    root = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/utils/__init__.py": "from .seed import seed_all\n",
            "src/pkg/utils/seed.py": "",
            "src/pkg/train.py": """
            from __future__ import annotations
            from typing import TYPE_CHECKING
            from .utils import seed_all
            from . import utils
            from ..outside import x

            try:
                import ujson as json
            except ImportError:
                import json

            if TYPE_CHECKING:
                import pandas

            def main():
                import torch.nn as nn
                from sklearn.model_selection import train_test_split
            """,
        }
    )
    _, store = store_of(root)
    modules = store.get("python_modules")
    train = modules["src/pkg/train.py"]
    assert train.module_name == "pkg.train"
    got = [(i.module, i.level, i.names, i.optional, i.line) for i in train.imports]
    assert got == [
        ("__future__", 0, ("annotations",), False, 1),
        ("typing", 0, ("TYPE_CHECKING",), False, 2),
        ("pkg.utils", 1, ("seed_all",), False, 3),
        ("pkg", 1, ("utils",), False, 4),
        ("outside", 2, ("x",), False, 5),  # beyond the top-level package: kept as written
        ("ujson", 0, (), True, 8),
        ("json", 0, (), False, 10),
        ("pandas", 0, (), True, 13),
        ("torch.nn", 0, (), False, 16),
        ("sklearn.model_selection", 0, ("train_test_split",), False, 17),
    ]
    assert train.bindings["seed_all"] == "pkg.utils.seed_all"
    assert train.bindings["utils"] == "pkg.utils"
    assert train.bindings["nn"] == "torch.nn"
    init = modules["src/pkg/utils/__init__.py"]
    assert init.module_name == "pkg.utils" and init.bindings == {"seed_all": "pkg.utils.seed.seed_all"}


def test_module_names_by_layout():
    packages = frozenset({"src/pkg", "src/pkg/sub", "checker/reprocheck", "flat"})
    assert module_names("src/pkg/sub/a.py", packages)[0] == "pkg.sub.a"
    assert module_names("src/pkg/__init__.py", packages)[0] == "pkg"
    assert module_names("checker/reprocheck/cli.py", packages)[0] == "reprocheck.cli"
    assert module_names("flat/mod.py", packages)[0] == "flat.mod"
    assert module_names("scripts/train.py", packages) == ["scripts.train", "train"]
    assert module_names("src/train.py", packages) == ["train", "src.train"]  # `src` as a namespace package too
    assert module_names("train.py", packages) == ["train"]
    assert module_names("scripts with space/run.py", packages) == ["run"]


def test_first_party_and_module_index(make_repo):
    root = make_repo(
        {
            "src/mylib/__init__.py": "",
            "src/mylib/core.py": "",
            "scripts/train.py": "import helpers\n",
            "scripts/helpers.py": "",
            "setup.py": "",
            "tests/test_core.py": "",
        }
    )
    _, store = store_of(root)
    names = store.get("first_party")
    assert {"mylib", "scripts", "helpers", "train", "setup", "tests"} <= names
    assert "numpy" not in names
    index = store.get("module_index")
    assert index["mylib.core"] == ["src/mylib/core.py"]
    assert index["helpers"] == ["scripts/helpers.py"]


def test_modules_are_lazy_and_parsed_once(make_repo):
    root = make_repo({"a.py": "import os\n", "b.py": "def broken(:\n"})
    project, store = store_of(root)
    modules = store.get("python_modules")
    assert set(modules) == {"a.py", "b.py"}
    assert "text" not in modules["a.py"].__dict__ and "tree" not in modules["a.py"].__dict__
    assert not modules["a.py"].mentions("torch")
    assert "tree" not in modules["a.py"].__dict__  # the text pre-filter did not parse
    tree = modules["a.py"].tree
    assert modules["a.py"].tree is tree
    assert project.parsed("python", "a.py", None) is modules["a.py"]  # shared with anyone who asks
    assert modules["b.py"].tree is None and modules["b.py"].imports == []
    assert [p.path for p in project.problems] == ["b.py"] and project.problems[0].line == 1


def test_binary_and_odd_encodings_do_not_crash(make_repo):
    root = make_repo({"bin.py": b"\x00\x01\x02" * 10, "latin.py": "x = 'caf\xe9'\n".encode("latin-1")})
    project, store = store_of(root)
    modules = store.get("python_modules")
    assert modules["bin.py"].tree is None and modules["bin.py"].imports == []
    assert modules["latin.py"].tree is not None
    assert [p.path for p in project.problems] == ["bin.py"]


def test_blank_magics_keeps_lines():
    source = (
        "%matplotlib inline\n!pip install x \\\n   y\nimport numpy as np\nfiles = !ls\nnp.random?\n"
        "for i in range(2):\n    %time f(i)\n"
    )
    text = blank_magics(source)
    lines = text.split("\n")
    assert lines[3] == "import numpy as np" and lines[0] == lines[1] == lines[2] == lines[4] == lines[5] == ""
    assert lines[7] == "    pass"
    ast.parse(text)
    assert blank_magics("%%bash\necho hi\n") is None
    assert blank_magics("%%time\nx = 1\n").split("\n")[1] == "x = 1"


def test_blank_magics_wildcard_help_is_ipython():
    """IPython's wildcard object search (`torch.*Tensor?`, `np.*load*?`, `?*int*`) is help syntax, not Python."""
    for line in ("torch.*Tensor?", "np.*load*?", "?*int*", "??np.*load", "torch.*Tensor??"):
        text = blank_magics(f"# what tensors are there\n{line}\n")
        assert text.split("\n")[1] == "", line
        ast.parse(text)
    assert blank_magics("if x:\n    torch.*Tensor?\n").split("\n")[1] == "    pass"
    # look-alikes that are Python (or a syntax error) stay as written
    for line in ("x = a * b", "torch.Tensor * 2", "print(a?b)"):
        assert blank_magics(line + "\n").split("\n")[0] == line


def test_a_cell_indented_as_a_whole_parses_as_ipython_runs_it():
    indented = " import torch\n\n for i in range(2):\n     print(i)\n"
    text = blank_magics(indented)
    assert text.split("\n")[:4] == ["import torch", "", "for i in range(2):", "    print(i)"]
    ast.parse(text)
    ragged = "  x = 1\n y = 2\n"  # the second line lacks the first's indent: still invalid, as in IPython
    assert blank_magics(ragged).startswith("x = 1\n y = 2")
    with pytest.raises(SyntaxError):
        ast.parse(blank_magics(ragged))


def test_only_the_first_lines_indent_is_removed_where_lines_start_with_it():
    """IPython's `leading_indent`: the first non-blank line's indentation comes off every line that starts with
    it; a body written at the margin under a first line pasted one space in runs (a book's ` def compute_z(...)`),
    and a magic on that first line is read after the indent is gone."""
    pasted = "\n def compute_z(a, b):\n    return a - b\n\nprint(compute_z(1, 2))\n"
    text = blank_magics(pasted)
    assert text.split("\n")[1:5] == ["def compute_z(a, b):", "   return a - b", "", "print(compute_z(1, 2))"]
    ast.parse(text)
    magic = "  %matplotlib inline\n  import numpy as np\n"
    assert blank_magics(magic).split("\n")[:2] == ["", "import numpy as np"]
    tabbed = "\tx = 1\n\tif x:\n\t\ty = 2\n"
    ast.parse(blank_magics(tabbed))


def test_notebook_cells_share_imports_and_map_lines(make_repo):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["%matplotlib inline\n", "import numpy as np\n"],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["x = 1\n", "np.random.seed(0)\n"],
        },
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["%%bash\n", "ls\n"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["await main()\n"]},
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"
    root = make_repo({"nb/explore.ipynb": text})
    _, store = store_of(root)
    found = store.get("notebook_modules")["nb/explore.ipynb"]
    assert [c.cell for c in found] == [2, 3, 5]  # indexes among all cells; the %%bash cell is not Python
    assert found[2].module.tree is not None  # top-level await is valid in a notebook
    second = found[1].module
    assert calls(second) == ["numpy.random.seed"]
    file_lines = text.splitlines()
    assert "np.random.seed(0)" in file_lines[second.file_line(2) - 1]
    assert "x = 1" in file_lines[found[1].json_line - 1]


@given(
    text=st.text(alphabet="abh_u", max_size=30),
    words=st.lists(st.text(alphabet="abh_u", min_size=1, max_size=4), min_size=1, max_size=6).map(tuple),
)
def test_fewest_words_finds_exactly_what_all_words_find(text, words):
    assert any(w in text for w in fewest_words(words)) == any(w in text for w in words)


def test_blank_magics_a_percent_or_bang_continuing_a_python_line_is_an_operator():
    """IPython reads an escape only at the start of a logical line: after a trailing backslash, inside open
    brackets or inside a triple-quoted string, `%` and `!` are Python (string formatting, `!=`, text)."""
    cells = (
        "print('Epoch [%d/%d]' \\\n      %(epoch, total))\n",
        "print('loss: %.3f'\n      % loss, end='')\n",
        "msg = ('%s of %s'\n%(a, b))\n",
        "same = (a\n  != b)\nnot_same = [x for x in y\n!= z]\n",
        "doc = '''\n%matplotlib inline\n!pip install torch\n'''\n",
        'doc = """text \\"\n%not a magic\n"""\n',
    )
    for source in cells:
        text = blank_magics(source)
        assert text == source, source
        ast.parse(text)
    # escapes after the logical line ended stay IPython, with their backslash continuations
    source = "x = f(a,\n      b)  # ) in a comment (\n%matplotlib inline\ny = 'a(' \n!pip install a \\\n  b\nz = 1\n"
    lines = blank_magics(source).split("\n")
    assert lines[2] == lines[4] == lines[5] == "" and lines[6] == "z = 1"
    assert blank_magics("if x:\n    y = (1 +\n         2)\n    %time f()\n").split("\n")[3] == "    pass"


def test_shell_commands_skip_percent_operators_on_continuation_lines():
    from reprocheck.facts.notebooks import shell_scripts

    assert shell_scripts("print('%s' \\\n%pip)\n!pip install a \\\n  b\n") == [(3, "pip install a  b")]
    assert shell_scripts("x = (1,\n!ls)\n%pip install c\n") == [(3, "pip install c")]


def test_blank_magics_automagic_one_line_cells():
    """IPython runs a one-line cell whose first word names a line magic as that magic (automagic); only there."""
    assert blank_magics("pip install -r requirements.txt") == ""
    assert blank_magics("\nls -la data\n") == "\n\n"
    assert blank_magics("pip install x\n\n") == "pip install x\n\n"  # two lines for IPython: Python, broken
    assert blank_magics("pip install x\nimport os\n") == "pip install x\nimport os\n"
    for python in ("ls = 3", "pip == 3", "pwd()", "time.sleep(1)"):
        assert blank_magics(python) == python

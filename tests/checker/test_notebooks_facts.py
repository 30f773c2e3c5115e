"""The notebook fact: nbformat 4 parsed once, cells with their lines in the file, layout kept for rewrites."""

from __future__ import annotations

import json

from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.project import Project


def nb_json(cells: list[dict], indent: int | None = 1, **metadata) -> str:
    data = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def code(source, count=None, outputs=None, **extra) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": extra.pop("id", "a1"),
        "metadata": extra.pop("metadata", {}),
        "outputs": outputs or [],
        "source": source,
        **extra,
    }


def facts_of(root):
    project = Project.discover(root, Settings())
    return project, FactStore(project)


def test_cells_and_lines(make_repo):
    text = nb_json(
        [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Title\n", "text"]},
            code(["import numpy as np\n", "x = np.zeros(3)\n", "print(x)"], count=1),
        ]
    )
    root = make_repo({"analysis.ipynb": text})
    project, store = facts_of(root)
    notebooks = store.get("notebooks")
    nb = notebooks["analysis.ipynb"]
    assert nb.nbformat == 4 and nb.nbformat_minor == 5
    assert [c.index for c in nb.cells] == [1, 2]
    assert [c.index for c in nb.code_cells] == [2]
    cell = nb.code_cells[0]
    assert cell.source == "import numpy as np\nx = np.zeros(3)\nprint(x)"
    assert cell.execution_count == 1
    lines = text.splitlines()
    assert lines[cell.json_line - 1].strip() == '"import numpy as np\\n",'
    assert lines[cell.file_line(3) - 1].strip() == '"print(x)"'
    assert nb.indent == " "
    assert nb.raw["cells"][1]["source"][0] == "import numpy as np\n"
    assert project.problems == []


def test_string_source_and_empty_source(make_repo):
    text = nb_json([code("a = 1\nb = 2"), code([])], indent=2)
    root = make_repo({"n.ipynb": text})
    _, store = facts_of(root)
    nb = store.get("notebooks")["n.ipynb"]
    first, second = nb.cells
    assert first.source == "a = 1\nb = 2"
    assert first.file_line(2) == first.json_line
    assert '"source": "a = 1' in text.splitlines()[first.json_line - 1]
    assert second.source == ""
    assert nb.indent == "  "


def test_round_trip_keeps_layout(make_repo):
    for indent in (1, 2, None):
        text = nb_json([code(["print('héllo')\n"], count=3)], indent=indent, kernelspec={"name": "python3"})
        crlf = text.replace("\n", "\r\n")
        root = make_repo({"a.ipynb": text, "b.ipynb": crlf})
        _, store = facts_of(root)
        notebooks = store.get("notebooks")
        assert notebooks["a.ipynb"].dumps() == text
        assert notebooks["b.ipynb"].dumps() == crlf
        assert notebooks["b.ipynb"].newline == "\r\n"


def test_ascii_escaped_notebook_round_trips(make_repo):
    data = {"cells": [code(["s = 'ü'"])], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    text = json.dumps(data, indent=1)  # ensure_ascii, no trailing newline
    root = make_repo({"x.ipynb": text})
    _, store = facts_of(root)
    nb = store.get("notebooks")["x.ipynb"]
    assert nb.ensure_ascii and nb.trailer == ""
    assert nb.dumps() == text


def test_malformed_notebooks_are_problems_not_crashes(make_repo):
    root = make_repo(
        {
            "broken.ipynb": '{\n "cells": [\n  {"cell_type": "code",\n',
            "v3.ipynb": json.dumps({"nbformat": 3, "worksheets": []}),
            "list.ipynb": "[1, 2]",
            "badcell.ipynb": nb_json([{"source": "x"}]),
            "badsource.ipynb": nb_json([{"cell_type": "code", "source": 3}]),
            "binary.ipynb": b"\x00\x01\x02PK",
            "empty.ipynb": "",
            "deep.ipynb": '{"nbformat": 4, "cells": [], "metadata": ' + "[" * 100000 + "]" * 100000 + "}",
            "ok.ipynb": nb_json([]),
            ".ipynb_checkpoints/ok-checkpoint.ipynb": "not json",
        }
    )
    project, store = facts_of(root)
    notebooks = store.get("notebooks")
    assert sorted(notebooks) == ["ok.ipynb"]
    problems = {p.path: p for p in project.problems}
    assert set(problems) == {
        "broken.ipynb",
        "v3.ipynb",
        "list.ipynb",
        "badcell.ipynb",
        "badsource.ipynb",
        "binary.ipynb",
        "empty.ipynb",
        "deep.ipynb",
    }
    assert problems["broken.ipynb"].line == 4
    assert "nbformat 3" in problems["v3.ipynb"].message
    assert "binary" in problems["binary.ipynb"].message
    assert problems["badcell.ipynb"].line == 3


def test_parsed_once_per_run(make_repo, monkeypatch):
    from reprocheck.facts import notebooks as module

    root = make_repo({"n.ipynb": nb_json([code("x")])})
    calls = []
    real = module.parse_notebook
    monkeypatch.setattr(module, "parse_notebook", lambda *a: calls.append(a) or real(*a))
    project, store = facts_of(root)
    store.get("notebooks")
    assert module.load_notebook(project, "n.ipynb") is store.get("notebooks")["n.ipynb"]
    assert len(calls) == 1


def test_oversized_notebook_is_a_problem_not_read(make_repo, monkeypatch):
    from reprocheck.facts import notebooks as module

    monkeypatch.setattr(module, "NOTEBOOK_READ_LIMIT", 2000)
    big = nb_json([code(["x = 1\n"], outputs=[{"output_type": "stream", "name": "stdout", "text": "y" * 5000}])])
    root = make_repo({"big.ipynb": big, "small.ipynb": nb_json([code("x")])})
    project, store = facts_of(root)
    assert sorted(store.get("notebooks")) == ["small.ipynb"]
    (problem,) = project.problems
    assert problem.path == "big.ipynb" and "above the 2000-byte read limit" in problem.message


def test_cell_shell_commands_and_output_size(make_repo):
    text = nb_json(
        [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["!pip install not-code\n"]},
            code(["import sys\n", "if IN_COLAB:\n", "    !git clone https://x.org/r \\\n", "      --depth 1\n"]),
            code(["%pip install -q einops\n", "files = !ls data\n", "%cd r\n"], id="b"),
            code(["%%bash\n", "set -e\n", "wget https://x.org/a.zip\n"], id="c"),
            code(
                ["!{sys.executable} -m pip install torch\n"], outputs=[{"output_type": "stream", "text": "ok"}], id="d"
            ),
        ]
    )
    root = make_repo({"nb.ipynb": text})
    _, store = facts_of(root)
    notebook = store.get("notebooks")["nb.ipynb"]
    commands = [[(c.line, c.argv) for c in cell.commands] for cell in notebook.cells]
    assert commands == [
        [],
        [(3, ["git", "clone", "https://x.org/r", "--depth", "1"])],
        [(1, ["pip", "install", "-q", "einops"]), (2, ["ls", "data"])],
        [(2, ["set", "-e"]), (3, ["wget", "https://x.org/a.zip"])],
        [(1, ["python", "-m", "pip", "install", "torch"])],
    ]
    assert notebook.output_size == len(json.dumps([{"output_type": "stream", "text": "ok"}]))


def test_conditions_clones_and_switches_of_a_notebook(make_repo):
    cells = [
        code("INSTALL = False  # switch on\nDEBUG = False\nDEBUG = True\n"),
        code(
            "if 'google.colab' in sys.modules:\n    print('x')\n    if INSTALL:  # opt in\n"
            "        !pip install x\n    !git clone https://github.com/org/dep.git\nelse:\n    !pip install y\n"
        ),
        code("%%bash\ngit clone --depth 1 https://github.com/org/other\n"),
    ]
    root = make_repo({"a.ipynb": nb_json(cells)})
    notebook = facts_of(root)[1].get("notebooks")["a.ipynb"]
    cell = notebook.cells[1]
    assert cell.conditions(4) == ["INSTALL", "'google.colab' in sys.modules"]
    assert cell.conditions(5) == ["'google.colab' in sys.modules"]
    assert cell.conditions(7) == [] and cell.conditions(1) == []
    assert notebook.flag_off("INSTALL") and not notebook.flag_off("DEBUG") and not notebook.flag_off("MISSING")
    assert [(c.cell, c.line, c.repository) for c in notebook.clones] == [(2, 5, "dep"), (3, 2, "other")]
    assert notebook.clones[0].precedes(2, 7) and not notebook.clones[0].precedes(2, 4)

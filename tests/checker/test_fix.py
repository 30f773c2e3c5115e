"""`--fix` and `--diff` end to end, through NB001's notebook strip: layout, mode and line endings kept."""

from __future__ import annotations

import json
import os
import re
import stat

from tests.conftest import findings, run_cli

KEY_ORDER = ["metadata", "nbformat", "nbformat_minor", "cells"]  # deliberately not sorted


# NB001 (and so its fix) applies where the project declares that notebooks are committed stripped.
STRIP_POLICY = {".gitattributes": "*.ipynb filter=nbstripout\n"}


def dirty_notebook(indent: int | None = 1, newline: str = "\n", trailer: str = "\n", ensure_ascii=False) -> str:
    data = {
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [
            {"cell_type": "markdown", "id": "9f2c1a", "metadata": {}, "source": ["# Évaluation\n", "Résumé"]},
            {
                "cell_type": "code",
                "execution_count": 3,
                "id": "a81b2c",
                "metadata": {"ExecuteTime": {"end_time": "2024-01-01"}, "scrolled": True, "tags": ["setup"]},
                "outputs": [
                    {"name": "stdout", "output_type": "stream", "text": ["accuracy 0.93\n"]},
                    {
                        "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]},
                        "execution_count": 3,
                        "metadata": {},
                        "output_type": "execute_result",
                    },
                ],
                "source": ["import numpy as np\n", "print('accuracy', 0.93)"],
            },
            {
                "cell_type": "code",
                "execution_count": 4,
                "id": "ffee01",
                "metadata": {"execution": {"iopub.status.busy": "2024"}},
                "outputs": [],
                "source": "x = 1",
            },
        ],
    }
    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + trailer
    return text.replace("\n", newline)


def assert_stripped_v4(data: dict) -> None:
    """The nbformat 4 invariants the strip must keep (required keys, types, unique valid ids)."""
    assert data["nbformat"] == 4 and isinstance(data["metadata"], dict)
    ids = [cell["id"] for cell in data["cells"] if "id" in cell]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", i) for i in ids)
    for cell in data["cells"]:
        assert isinstance(cell["metadata"], dict) and "source" in cell
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is None and cell["outputs"] == []


def fix(root, *extra):
    return run_cli(str(root), "--select", "NB", "--fix", "--no-cache", "--output-format", "json", *extra)


def test_fix_strips_like_nbstripout_and_keeps_layout(make_repo):
    root = make_repo({**STRIP_POLICY, "eval.ipynb": dirty_notebook()})
    result = fix(root)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["findings"] == []
    text = (root / "eval.ipynb").read_text("utf-8")
    data = json.loads(text)
    assert_stripped_v4(data)
    assert list(data) == KEY_ORDER
    assert list(data["cells"][1]) == ["cell_type", "execution_count", "id", "metadata", "outputs", "source"]
    assert data["metadata"] == {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"},
    }
    assert data["cells"][1]["metadata"] == {"tags": ["setup"]}
    assert data["cells"][2]["metadata"] == {}
    assert [c["id"] for c in data["cells"]] == ["0", "1", "2"]
    assert data["cells"][0]["source"] == ["# Évaluation\n", "Résumé"]
    assert data["cells"][2]["source"] == "x = 1"
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n "metadata": {\n  "kernelspec"')
    assert "Évaluation" in text  # not escaped: the file did not escape
    assert findings(root, select="NB") == []


def test_fix_keeps_two_space_indent_and_missing_final_newline(make_repo):
    root = make_repo({**STRIP_POLICY, "a.ipynb": dirty_notebook(indent=2, trailer="")})
    fix(root)
    text = (root / "a.ipynb").read_text("utf-8")
    assert text.startswith('{\n  "metadata": {\n    "kernelspec"') and text.endswith("}")
    assert_stripped_v4(json.loads(text))


def test_fix_keeps_ascii_escapes_and_single_line_files(make_repo):
    root = make_repo(
        {**STRIP_POLICY, "esc.ipynb": dirty_notebook(ensure_ascii=True), "flat.ipynb": dirty_notebook(indent=None)}
    )
    fix(root)
    escaped = (root / "esc.ipynb").read_text("utf-8")
    assert escaped.isascii() and "\\u00c9valuation" in escaped
    flat = (root / "flat.ipynb").read_text("utf-8")
    assert flat.count("\n") == 1 and flat.startswith('{"metadata": {"kernelspec": {')
    assert_stripped_v4(json.loads(flat))


def test_fix_keeps_crlf_and_file_mode(make_repo):
    root = make_repo({**STRIP_POLICY, "win.ipynb": dirty_notebook(newline="\r\n")})
    path = root / "win.ipynb"
    os.chmod(path, 0o640)
    fix(root)
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 10
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert_stripped_v4(json.loads(raw))
    assert not [p for p in os.listdir(root) if "reprocheck-tmp" in p]


def test_fix_keeps_bom(make_repo):
    root = make_repo({**STRIP_POLICY, "bom.ipynb": b"\xef\xbb\xbf" + dirty_notebook().encode("utf-8")})
    fix(root)
    raw = (root / "bom.ipynb").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf{")
    assert_stripped_v4(json.loads(raw[3:]))


def test_fix_keeps_outputs_that_opt_out_but_clears_their_counts(make_repo):
    nb = json.loads(dirty_notebook())
    nb["cells"][1]["metadata"]["tags"] = ["keep_output"]
    root = make_repo({**STRIP_POLICY, "kept.ipynb": json.dumps(nb, indent=1)})
    fix(root)
    data = json.loads((root / "kept.ipynb").read_text("utf-8"))
    outputs = data["cells"][1]["outputs"]
    assert [o["output_type"] for o in outputs] == ["stream", "execute_result"]
    assert outputs[1]["execution_count"] is None and data["cells"][1]["execution_count"] is None
    assert findings(root, select="NB") == []


def test_fix_leaves_what_it_cannot_fix(make_repo):
    nb = json.loads(dirty_notebook())
    nb["cells"][2]["source"] = "!pip install torch"
    root = make_repo({**STRIP_POLICY, "x.ipynb": json.dumps(nb, indent=1) + "\n"})
    result = fix(root)
    assert result.exit_code == 1
    assert [f["code"] for f in result.json["findings"]] == ["NB003"]


def test_non_utf8_notebook_is_reported_but_never_rewritten(make_repo):
    latin = dirty_notebook().encode("latin-1")
    root = make_repo({"old.ipynb": latin, ".gitattributes": "*.ipynb filter=nbstripout\n"})  # NB001 a warning
    result = fix(root)
    assert result.exit_code == 1
    assert [f["code"] for f in result.json["findings"]] == ["NB001"]
    assert result.json["findings"][0]["fix"] is None
    assert (root / "old.ipynb").read_bytes() == latin


def test_diff_shows_without_writing_and_exits_1(make_repo):
    original = dirty_notebook()
    root = make_repo({**STRIP_POLICY, "eval.ipynb": original})
    before = os.stat(root / "eval.ipynb").st_mtime_ns
    result = run_cli(str(root), "--select", "NB", "--diff", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/eval.ipynb\n+++ b/eval.ipynb\n@@ ")
    assert '-   "execution_count": 3,\n' in result.stdout
    assert '+   "execution_count": null,\n' in result.stdout
    assert '-     "text/plain": [\n' in result.stdout or '-      "text/plain": [\n' in result.stdout
    assert (root / "eval.ipynb").read_text("utf-8") == original
    assert os.stat(root / "eval.ipynb").st_mtime_ns == before


def test_diff_on_a_clean_repo_is_empty_and_exits_0(make_repo):
    root = make_repo({**STRIP_POLICY, "eval.ipynb": dirty_notebook()})
    fix(root)
    result = run_cli(str(root), "--select", "NB", "--diff", "--no-cache")
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_and_diff_cannot_be_combined(make_repo):
    root = make_repo({**STRIP_POLICY, "eval.ipynb": dirty_notebook()})
    result = run_cli(str(root), "--select", "NB", "--diff", "--fix")
    assert result.exit_code == 2
    assert (root / "eval.ipynb").read_text("utf-8") == dirty_notebook()

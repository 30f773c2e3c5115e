"""The line scan of imports (used to avoid parsing files no rule needs) agrees with the AST wherever it answers."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reprocheck.facts.pycode import scan_imports

REPO = Path(__file__).resolve().parents[2]


def ast_imports(text: str) -> list[tuple[int, str | None, int, tuple[str, ...]]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out.append((node.lineno, None, 0, tuple(a.name for a in node.names)))
        elif isinstance(node, ast.ImportFrom):
            out.append((node.lineno, node.module or "", node.level, tuple(a.name for a in node.names)))
    return sorted(out)


def agree(text: str) -> None:
    scanned = scan_imports(text)
    if scanned is not None:
        assert sorted(scanned) == ast_imports(text), text


def test_shapes_that_need_a_parse_are_declined():
    for text in (
        "try:\n    import x\nexcept ImportError:\n    x = None\n",
        "if TYPE_CHECKING:\n    from a import b\n",
        "def f():\n    import os\n",
        "import a; import b\n",
        "import a\r\nimport b\r\n",
    ):
        assert scan_imports(text) is None, text


def test_imports_in_strings_are_not_imports():
    text = '"""Usage:\nimport fake\n"""\nx = """\nfrom also import fake\n"""\nimport real\n'
    assert scan_imports(text) == [(7, None, 0, ("real",))]


def test_every_python_file_of_this_repository():
    checked = 0
    for path in sorted(REPO.glob("**/*.py")):
        if ".venv" in path.parts or "template" in path.parts:
            continue
        agree(path.read_text(encoding="utf-8"))
        checked += 1
    assert checked > 50


NAMES = st.sampled_from(["os", "numpy", "a.b", "pkg.sub.mod", "torch", "x_1"])
STATEMENTS = st.one_of(
    st.builds(lambda m, alias: f"import {m}" + (f" as {alias}" if alias else ""), NAMES, st.sampled_from(["", "np"])),
    st.builds(lambda ms: "import " + ", ".join(ms), st.lists(NAMES, min_size=1, max_size=3)),
    st.builds(
        lambda dots, m, names, paren: (
            f"from {dots}{m} import " + ("(\n    " + ",\n    ".join(names) + ",\n)" if paren else ", ".join(names))
        ),
        st.sampled_from(["", ".", ".."]),
        NAMES,
        st.lists(st.sampled_from(["a", "b as c", "seed_everything"]), min_size=1, max_size=3),
        st.booleans(),
    ),
    st.just("from . import helpers"),
    st.just("x = 1  # import nothing"),
    st.just('"""A docstring.\n\nimport inside_docstring\n"""'),
    st.just("s = 'from here import nothing'"),
    st.just("def f():\n    return 1"),
    st.just("if True:\n    import indented"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STATEMENTS, min_size=0, max_size=12))
def test_scan_agrees_with_the_ast(statements):
    agree("\n".join(statements) + "\n")


def test_names_are_read_as_python_normalises_identifiers():
    text = "from .data import \U0001d518load as \uff41lias\nimport \u2168x\n"
    assert scan_imports(text) == [(1, "data", 1, ("Uload",)), (2, None, 0, ("IXx",))]
    agree(text)


def test_a_from_clause_continued_onto_the_import_line_needs_a_parse():
    assert scan_imports("from a \\\nimport b\n") is None


def test_a_from_line_continued_onto_the_rest_of_the_module_name():
    """`from sklearn\\` + `.model_selection import x` is `from sklearn.model_selection import x` (found by the
    property test comparing the line scan with the parser)."""
    from reprocheck.facts.pycode import scan_imports

    text = "import os\nfrom sklearn\\\n.model_selection import train_test_split\nfrom a import b\n"
    assert scan_imports(text) == [
        (1, None, 0, ("os",)),
        (2, "sklearn.model_selection", 0, ("train_test_split",)),
        (4, "a", 0, ("b",)),
    ]

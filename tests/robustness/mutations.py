"""Hypothesis strategies that damage realistic files the way real repositories (and attackers) do.

Two kinds of damage:

* text mutations (`mutated_text`, `mutated_bytes`): characters and lines inserted, deleted, duplicated or
  swapped, hostile snippets (NUL, lone surrogates, CR/CRLF, BOMs, huge numbers, deep nesting, YAML tags), then
  an encoding (UTF-8, UTF-8 with BOM, UTF-16, Latin-1, invalid UTF-8) and optionally stray bytes;
* shape mutations (`reshaped`): the seed's parsed data with random subtrees replaced by values of the wrong
  type, serialised back as JSON, YAML or TOML, so the input parses and reaches the fact builders.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from hypothesis import strategies as st

from reprocheck.project import decode_text

HOSTILE_SNIPPETS = [
    "\x00",
    "\ud800",
    "\udfff",
    "\r\n",
    "\r",
    "\ufeff",
    "\u2028",
    "\x85",
    "\t",
    "\\",
    "'",
    '"',
    "`",
    "#",
    ":",
    "- ",
    "\n  - ",
    "\n\t",
    "=",
    "==",
    "@",
    "${",
    "$(",
    "$((",
    "}",
    ")",
    "<<EOF\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!python/object/apply:os.system ['touch x']",
    "!!binary",
    "!reference ",
    "9" * 400,
    "-" + "9" * 30,
    "1e309",
    "0x",
    "nan",
    "[" * 300,
    "{" * 300,
    "(" * 300,
    "${" * 100,
    "\\\n",
    " \\\n",
    "--hash=sha256:",
    "-r ",
    "-c ",
    "-e ",
    "git+https://x@",
    "#sha256=",
    "; python_version <",
    "[extra]",
    "FROM ",
    "ARG ",
    "RUN ",
    "\nRUN <<EOF\n",
    "COPY --from=",
    "%pip install ",
    "!pip install ",
    "import ",
    "from . import ",
    "if __name__ == '__main__':\n",
    "def f(",
    "lambda: ",
    "@hydra.main()\n",
    "np.random.seed(",
    "_target_: ",
    "defaults:\n  - ",
    "${item.",
    "foreach: ",
    "${{ github.event.",
    "uses: a/b@",
    "rev: ",
    "\n[[package]]\n",
    "[tool.reprocheck]\n",
    "<<<<<<< HEAD\n",
    ">>>>>>> branch\n",
    "é",
    "\U0001f600",
    "\U0001d518",
]

# Characters drawn one at a time: any code point (surrogates included) except a huge alphabet's worth of noise.
CHARS = st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be-nobom", "latin-1", "crlf", "cr")


@st.composite
def mutated_text(draw, seed: str, max_ops: int = 6) -> str:
    """`seed` after a few random edits (lone surrogates may remain: encode with `surrogatepass`)."""
    text = seed
    for _ in range(draw(st.integers(1, max_ops))):
        lines = text.splitlines(keepends=True)
        op = draw(st.sampled_from(["snippet", "char", "delete", "dup-line", "drop-line", "swap-lines", "truncate",
                                   "repeat"]))  # fmt: skip
        at = draw(st.integers(0, len(text)))
        if op == "snippet":
            text = text[:at] + draw(st.sampled_from(HOSTILE_SNIPPETS)) + text[at:]
        elif op == "char":
            text = text[:at] + draw(st.text(CHARS, min_size=1, max_size=4)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "truncate":
            text = text[:at]
        elif op == "repeat":  # a span repeated many times: long lines, many entries
            span = text[at : at + draw(st.integers(1, 30))]
            text = text[:at] + span * draw(st.integers(2, 300)) + text[at:]
        elif lines:
            i = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(i, lines[i] * draw(st.integers(1, 3)))
            elif op == "drop-line":
                del lines[i]
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


def encode(text: str, encoding: str) -> bytes:
    """Bytes as an editor or a broken tool might have saved `text` (lone surrogates become invalid UTF-8)."""
    if encoding == "crlf":
        return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    if encoding == "cr":
        return text.replace("\n", "\r").encode("utf-8", "surrogatepass")
    if encoding == "utf-16-be-nobom":
        return text.encode("utf-16-be", "surrogatepass")
    if encoding in ("utf-16", "latin-1"):
        return text.encode(encoding, "replace" if encoding == "latin-1" else "surrogatepass")
    return text.encode(encoding, "surrogatepass")


@st.composite
def mutated_bytes(draw, seed: str, max_ops: int = 6) -> bytes:
    """A mutated seed, encoded somehow, sometimes with random bytes spliced in."""
    data = encode(draw(mutated_text(seed, max_ops)), draw(st.sampled_from(ENCODINGS)))
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    return data


@st.composite
def project_text(draw, seed: str, max_ops: int = 6) -> str:
    """Text exactly as the project would hand it to a parser (decoded from mutated bytes); None-free."""
    data = draw(mutated_bytes(seed, max_ops))
    try:
        return decode_text(data)
    except Exception:  # binary: the project refuses it before any parser sees it
        return draw(mutated_text(seed, max_ops)).encode("utf-8", "replace").decode("utf-8")


# -- shape mutations ---------------------------------------------------------------------------------------------
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "*", "==1.0", "1.0", ">=3.11", "sha256:", "..", "/abs/path", "../up", "a/b@main",
                      "python:latest", "${x}", "x" * 300, "3.11", "0", "-1", "true", "\x00"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths_of(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a subtree of a JSON-like value (the root included)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths_of(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths_of(item, (*prefix, index)))
    return found


def replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (replaced(v, rest, new) if k == head else v) for k, v in value.items()}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]


@st.composite
def reshaped(draw, data: Any, max_ops: int = 4) -> Any:
    """`data` with random subtrees replaced by random values (wrong types, huge numbers, empty containers)."""
    for _ in range(draw(st.integers(1, max_ops))):
        path = draw(st.sampled_from(paths_of(data)))
        new = draw(VALUES) if draw(st.booleans()) else draw(st.sampled_from([None, [], {}, 0, "", True, 2**64]))
        data = replaced(data, path, new)
    return data


def to_json(data: Any) -> str:
    return json.dumps(data, indent=1, default=str)


def to_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, dict):
        pairs = (f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value("" if v is None else v) for v in value) + "]"
    return json.dumps("" if value is None else str(value))


def to_toml(data: Any) -> str:
    """Top-level keys as `key = inline value` lines (valid TOML for any JSON-like dict; nulls dropped)."""
    if not isinstance(data, dict):
        data = {"value": data}
    return "".join(f"{json.dumps(str(k))} = {toml_value(v)}\n" for k, v in data.items() if v is not None)

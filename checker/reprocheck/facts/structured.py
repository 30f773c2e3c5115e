"""TOML and JSON files read once each; `pyproject` is the root pyproject.toml as a dict (or None)."""

from __future__ import annotations

import configparser
import json
import re
import sys
from dataclasses import dataclass
from typing import Any

from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOML_POSITION = lazy_pattern(r"\(at line (\d+), column (\d+)\)")


def _build_toml(project, rel: str) -> dict | None:
    text = project.try_read_text(rel, "TOML file")
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = TOML_POSITION.search(str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        project.problem(rel, f"invalid TOML: {TOML_POSITION.sub('', str(error)).strip()}", line, column)
    except (RecursionError, ValueError) as error:
        project.problem(rel, f"invalid TOML: {error}")
    return None


def _build_json(project, rel: str) -> Any:
    text = project.try_read_text(rel, "JSON file")
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        project.problem(rel, f"invalid JSON: {error.msg}", error.lineno, error.colno)
    except (RecursionError, ValueError) as error:
        project.problem(rel, f"invalid JSON: {error}")
    return None


def load_toml(project, rel: str) -> dict | None:
    """Parsed TOML, or None with an RPC002 problem recorded."""
    return project.parsed("toml", rel, _build_toml)


def load_json(project, rel: str) -> Any:
    """Parsed JSON, or None with an RPC002 problem recorded (a JSON `null` file also gives None)."""
    return project.parsed("json", rel, _build_json)


@dataclass(frozen=True)
class SetupCfg:
    """A `setup.cfg` read once: its text, and the parsed sections or why they could not be parsed. Readers decide
    whether a broken file concerns them (declarations report it; the others only find nothing in it)."""

    text: str
    parser: configparser.ConfigParser | None
    error: str | None = None

    def get(self, section: str, option: str) -> str | None:
        if self.parser is None or not self.parser.has_option(section, option):
            return None
        return self.parser.get(section, option)

    def items(self, section: str) -> list[tuple[str, str]]:
        if self.parser is None or not self.parser.has_section(section):
            return []
        return self.parser.items(section)


def _build_setup_cfg(project, rel: str) -> SetupCfg | None:
    text = project.try_read_text(rel)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        return SetupCfg(text, None, str(error).splitlines()[0])
    return SetupCfg(text, parser)


def load_setup_cfg(project, rel: str) -> SetupCfg | None:
    """`rel` parsed as a setup.cfg at most once per run; None when unreadable."""
    return project.parsed("setup.cfg", rel, _build_setup_cfg)


@fact
def pyproject(project) -> dict | None:
    """The root pyproject.toml, or None when absent or unparsable."""
    return load_toml(project, "pyproject.toml") if project.exists("pyproject.toml") else None


def toml_line_of(text: str, key: str, table: str | None = None) -> int:
    """Best-effort 1-based line of `key = ...` (inside `[table]` when given); 1 when not found."""
    in_table = table is None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if table is not None and stripped.startswith("["):
            in_table = stripped.strip("[] ") == table
            continue
        if in_table and pattern.match(line):
            return number
    return 1

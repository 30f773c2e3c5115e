"""Settings: defaults, then [tool.reprocheck] / reprocheck.toml, then the command line; validated by schema."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, fields
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import pathspec

from reprocheck.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_SEED_KEYS = ["seed", "random_seed", "random_state", "seed_everything", "manual_seed"]
DEFAULT_CONFIG_PATHS = ["**/configs/**", "**/config/**", "**/conf/**", "params.yaml", "**/params.yaml"]
DEFAULT_FIXTURE_DIRS = [
    "tests/fixtures/",
    "tests/data/",
    "test/fixtures/",
    "test/data/",
    "tests/**/fixtures/",
    "testdata/",
    "tests/resources/",
]
# Where files play a role other than an experiment's (facts/roles.py); the `roles` setting replaces them per role.
DEFAULT_ROLES = {
    "vendored": ["third_party/", "third-party/", "thirdparty/", "vendor/", "vendored/", "_vendor/"],
    # Material kept for the record and no longer run: past course cohorts, archived or deprecated code.
    "archive": ["archive/", "archived/", "attic/", "deprecated/", "**/cohorts/[12][0-9][0-9][0-9]/"],
    # Sources of generated projects: a folder or file named with template markers (cookiecutter's
    # `{{ cookiecutter.repo_name }}/`, copier's `{{ project_name }}/`) and Jinja templates.
    "template": ["*{{*", "*{%*", "*.jinja", "*.j2"],
    "devcontainer": [".devcontainer/"],
    "test": ["tests/", "test/", "testing/", "test_*.py", "*_test.py", "conftest.py"],
    "docs": ["docs/", "doc/", "documentation/"],
    # Examples, and teaching material: lecture notebooks recorded live, course folders.
    "example": [
        "examples/",
        "example/",
        "tutorials/",
        "tutorial/",
        "demo/",
        "demos/",
        "lecture*/",
        "video_notebooks/",
        "course/",
        "courses/",
    ],
}
UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
}


class ConfigError(Exception):
    """A problem in settings the user must fix; the CLI prints it on one line and exits 2."""


@dataclass
class Settings:
    """Resolved settings; `sources` says where each key came from (for `reprocheck config --show`)."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: dict[str, str | None] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    preview: bool = False
    severity: dict[str, str] = field(default_factory=dict)
    project_type: str = "application"
    max_file_size: int = 1024 * 1024
    seed_keys: list[str] = field(default_factory=lambda: list(DEFAULT_SEED_KEYS))
    config_paths: list[str] = field(default_factory=lambda: list(DEFAULT_CONFIG_PATHS))
    entrypoints: list[str] = field(default_factory=list)
    seed_functions: list[str] = field(default_factory=list)
    schemas: dict[str, str] = field(default_factory=dict)
    import_map: dict[str, list[str]] = field(default_factory=dict)
    fixture_dirs: list[str] = field(default_factory=lambda: list(DEFAULT_FIXTURE_DIRS))
    roles: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_ROLES.items()})
    projects: list[str] = field(default_factory=list)  # globs of project folders; empty: detected (facts/projects.py)
    cache_dir: str = ".reprocheck_cache"
    baseline: str = ".reprocheck-baseline.json"  # relative to the root; used when it exists (baseline.py)
    # bookkeeping, not settings
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    ignore_origins: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # selector -> origin
    config_file: Path | None = field(default=None, repr=False, compare=False)
    config_text: str | None = field(default=None, repr=False, compare=False)

    @staticmethod
    def key_names() -> list[str]:
        skip = {"sources", "ignore_origins", "config_file", "config_text"}
        return [f.name.replace("_", "-") for f in fields(Settings) if f.name not in skip]

    def exclude_spec(self) -> pathspec.PathSpec | None:
        return pathspec.GitIgnoreSpec.from_lines(self.exclude) if self.exclude else None

    @cached_property
    def config_spec(self) -> pathspec.PathSpec:
        return pathspec.GitIgnoreSpec.from_lines(self.config_paths)

    @cached_property
    def fixture_spec(self) -> pathspec.PathSpec:
        return pathspec.GitIgnoreSpec.from_lines(self.fixture_dirs)

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key.replace("-", "_")) for key in self.key_names()}


def load_schema() -> dict:
    return json.loads(resources.files("reprocheck").joinpath("config.schema.json").read_text("utf-8"))


def parse_size(value: int | float | str) -> int:
    if isinstance(value, (int, float)):  # JSON Schema counts an integral float (TOML `2e6`) as an integer
        return int(value)
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", value)
    unit = match.group(2).upper() if match else "?"
    if not match or unit not in UNITS:
        raise ConfigError(f"max-file-size: {value!r} is not a size like 1048576, '1MiB' or '500KB'")
    return int(float(match.group(1)) * UNITS[unit])


def find_config_file(root: Path) -> tuple[Path, dict] | None:
    """reprocheck.toml wins over pyproject.toml; a pyproject without [tool.reprocheck] is not a config."""
    own = root / "reprocheck.toml"
    if own.is_file():
        return own, read_toml(own)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = read_toml(pyproject)
        except ConfigError:
            # An unparsable pyproject is the rules' business (RPC002), unless it holds our settings: ignoring
            # them silently would run with settings the user did not write.
            try:
                text = pyproject.read_text("utf-8", errors="replace")
            except OSError:
                return None
            if re.search(r"^[ \t]*\[\s*tool\s*\.\s*reprocheck\b", text, re.M):
                raise
            return None
        tool = data.get("tool")
        if isinstance(tool, dict) and "reprocheck" in tool:
            return pyproject, data
    return None


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{display_origin(path, table=False)}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{display_origin(path, table=False)}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{display_origin(path, table=False)}: invalid TOML: nested too deeply") from None


def table_of(path: Path, data: dict) -> dict:
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("reprocheck", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{display_origin(path, table=False)}: [tool.reprocheck] must be a table")
        return table
    return data


def validate(table: dict, origin: str) -> None:
    """Check a settings table against the shipped schema; the first error names the key and the expected shape."""
    import jsonschema

    schema = load_schema()
    properties = schema["properties"]
    unknown = sorted(key for key in table if key not in properties)
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r}; expected one of: {', '.join(sorted(properties))}")
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(table))
    if error is None:
        return
    path = list(error.absolute_path)
    where = key_path(path) or "(top level)"
    prop = properties.get(path[0], schema) if path else schema
    expected = shape(prop, schema)
    description = prop.get("description", "").rstrip(".")
    hint = f"{expected} ({description})" if description else expected
    raise ConfigError(f"{origin}: {where}: {error.message}; expected {hint}")


GLOB_LISTS = ("exclude", "config-paths", "entrypoints", "fixture-dirs", "projects")
GLOB_TABLES = ("per-file-ignores", "schemas")
GLOB_LIST_TABLES = ("roles",)


def check_globs(table: dict, origin: str) -> None:
    """Every glob must compile as a gitignore pattern; name the key and the pattern otherwise."""
    found = [(key, [i], glob) for key in GLOB_LISTS for i, glob in enumerate(table.get(key, []))]
    found += [(key, [glob], glob) for key in GLOB_TABLES for glob in table.get(key, {})]
    found += [
        (key, [name, i], glob)
        for key in GLOB_LIST_TABLES
        for name, globs in table.get(key, {}).items()
        for i, glob in enumerate(globs)
    ]
    for key, where, glob in found:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except (ValueError, TypeError, re.error) as error:
            raise ConfigError(
                f"{origin}: {key_path([key, *where])}: {glob!r} is not a valid glob ({error}); "
                "expected a gitignore-style pattern such as 'data/' or 'tests/**'"
            ) from None


def key_path(parts: list) -> str:
    """`per-file-ignores."tests/**"[0]` style path of a value inside the settings table."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            text += f".{part}" if text else part
        else:
            text += f".{json.dumps(part)}" if text else json.dumps(part)
    return text


def shape(node: dict, schema: dict) -> str:
    """A short English description of what a schema node accepts."""
    if "$ref" in node:
        node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if "enum" in node:
        return "one of " + ", ".join(json.dumps(v) for v in node["enum"])
    if "oneOf" in node:
        return " or ".join(shape(option, schema) for option in node["oneOf"])
    kind = node.get("type")
    if kind == "array":
        return "a list of " + shape(node.get("items", {}), schema).replace("a ", "", 1).replace("an ", "", 1) + "s"
    if kind == "object" and node.get("properties"):
        keys = node["properties"]
        kinds = {shape(value, schema) for value in keys.values()}
        each = f", each {kinds.pop()}" if len(kinds) == 1 else ""
        return "a table with the keys " + ", ".join(keys) + each
    if kind == "object":
        values = node.get("additionalProperties")
        return "a table whose values are each " + (shape(values, schema) if isinstance(values, dict) else "a value")
    if kind == "string" and "pattern" in node:
        return 'a string like "1MiB"'
    return {"string": "a string", "integer": "an integer", "boolean": "a boolean"}.get(kind, "a value")


def apply_table(settings: Settings, table: dict, origin: str) -> None:
    for key, value in table.items():
        attr = key.replace("-", "_")
        if key in ("select", "extend-select"):
            value = [selector.strip().upper() for selector in value]
        elif key == "ignore":
            items = dict.fromkeys(value) if isinstance(value, list) else dict(value)
            value = {selector.strip().upper(): reason for selector, reason in items.items()}
            settings.ignore_origins.update(dict.fromkeys(value, origin))
        elif key == "per-file-ignores":
            value = {glob: [selector.strip().upper() for selector in selectors] for glob, selectors in value.items()}
        elif key == "severity":
            value = {selector.strip().upper(): level for selector, level in value.items()}
        elif key == "max-file-size":
            try:
                value = parse_size(value)
            except ConfigError as error:
                raise ConfigError(f"{display_origin(Path(origin))}: {error}") from None
        elif key == "roles":
            value = {**{k: list(v) for k, v in DEFAULT_ROLES.items()}, **value}  # a role not named keeps its defaults
        elif key == "import-map":
            value = {k: [v] if isinstance(v, str) else list(v) for k, v in value.items()}
        setattr(settings, attr, value)
        settings.sources[key] = origin


def load_settings(root: Path, config_file: Path | None = None, isolated: bool = False) -> Settings:
    settings = Settings()
    for key in Settings.key_names():
        settings.sources[key] = "default"
    if isolated:
        return settings
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{display_origin(config_file, table=False)}: no such configuration file")
        found = (config_file, read_toml(config_file))
    else:
        found = find_config_file(root)
    if found is None:
        return settings
    path, data = found
    table = table_of(path, data)
    origin = str(path)
    validate(table, display_origin(path))
    check_globs(table, display_origin(path))
    apply_table(settings, table, origin)
    settings.config_file = path
    try:
        settings.config_text = path.read_text("utf-8")
    except OSError:
        settings.config_text = None
    return settings


def display_origin(path: Path, table: bool = True) -> str:
    """How a settings file is named in messages: relative to the working directory when inside it, and with
    the table name for a pyproject.toml."""
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        shown = str(path)
    return f"{shown} [tool.reprocheck]" if table and path.name == "pyproject.toml" else shown


def apply_cli(
    settings: Settings,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    known: list[str] | None = None,
    preview: bool | None = None,
) -> None:
    """Command-line options: --select replaces, --extend-select and --ignore add, --fail-on and --preview replace.

    With `known` (the registered codes) every selector is checked and an unknown one names its option.
    """
    if known is not None:
        from reprocheck.selection import check_selectors

        for option, values in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            check_selectors(split_selectors(values or []), known, option)
    if select and not split_selectors(select):
        # An empty value (often a CI variable that was never set) would silently run no rule at all.
        raise ConfigError("--select: empty value; give rule codes (DEP001), prefixes (DEP) or ALL")
    if select:
        settings.select = split_selectors(select)
        settings.sources["select"] = "command line"
    if extend_select:
        settings.extend_select = [*settings.extend_select, *split_selectors(extend_select)]
        settings.sources["extend-select"] = "command line"
    if ignore:
        for code in split_selectors(ignore):
            if code not in settings.ignore:
                settings.ignore[code] = None
                settings.ignore_origins[code] = "command line"
        settings.sources["ignore"] = "command line"
    if fail_on is not None:
        if fail_on not in {"error", "warning", "info", "never"}:
            raise ConfigError(f"--fail-on: {fail_on!r} is not one of error, warning, info, never")
        settings.fail_on = fail_on
        settings.sources["fail-on"] = "command line"
    if preview is not None:
        settings.preview = preview
        settings.sources["preview"] = "command line"


def split_selectors(values: list[str]) -> list[str]:
    """Accept repeated options and comma-separated lists alike: --select DEP,LCK --select ENV001."""
    return [part.strip().upper() for value in values for part in value.split(",") if part.strip()]


def fail_threshold(settings: Settings) -> Severity | None:
    return None if settings.fail_on == "never" else Severity.parse(settings.fail_on)

"""Load experiment configs, compose their `defaults`, and refuse any config that does not match its schema.

A config `configs/<name>.yaml` is validated against `configs/schema/<name>.schema.json`. Its `defaults` list
names files of the same folder merged in order (`_self_` is the file itself), so machine-local settings in
`configs/local.yaml` are merged over `configs/train.yaml` and the merged result is what gets validated and
recorded.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SELF = "_self_"


class ConfigError(ValueError):
    """A config that cannot be used: unreadable, not a mapping, or not valid against its schema."""


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `override` into a copy of `base`: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def compose(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ConfigError(f"{path}: `defaults` include themselves: {chain}")
    own = read_yaml(path)
    defaults = own.pop("defaults", [SELF])
    if not isinstance(defaults, list) or not all(isinstance(item, str) for item in defaults):
        raise ConfigError(f"{path}: `defaults` must be a list of config names")
    names = defaults if SELF in defaults else [SELF, *defaults]
    result: dict[str, Any] = {}
    for name in names:
        if name == SELF:
            part = own
        else:
            included = path.parent / f"{name}.yaml"
            if not included.is_file():
                raise ConfigError(f"{path}: `defaults` names {name!r} but {included} does not exist")
            part = compose(included, (*seen, path))
        result = merge(result, part)
    return result


def schema_for(path: Path) -> Path:
    return path.resolve().parent / "schema" / f"{path.stem}.schema.json"


def explain(error: jsonschema.ValidationError) -> str:
    """The validator's message, with what the schema says the field means where the message alone is cryptic."""
    described = isinstance(error.schema, dict) and error.schema.get("description")
    if described and error.validator == "pattern":  # the regular expression itself says little
        return f"{error.instance!r} is not allowed: {described}"
    if described and error.validator in ("minItems", "minProperties"):
        return f"{error.message}: {described}"
    return error.message


def validate(config: dict[str, Any], schema_path: Path, origin: str) -> None:
    """Raise ConfigError naming every field that breaks the schema, with its path."""
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"{schema_path}: cannot load the schema: {error}") from None
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {explain(e)}" for e in errors]
        raise ConfigError(f"{origin} does not match {schema_path.name}:\n  " + "\n  ".join(lines))


def load_config(path: str | Path) -> dict[str, Any]:
    """The composed config at `path`, validated against its schema (without the `defaults` key)."""
    path = Path(path)
    config = compose(path)
    validate(config, schema_for(path), str(path))
    return config

"""Experiment configs: which files they are, how Hydra-style `defaults:` compose them, and their schemas.

The files are those matched by the `config-paths` globs (default: any `configs/`, `config/`, `conf/` folder and
`params.yaml`) with a YAML, JSON or TOML extension, and the files the Python code reads as configs by literal
path (`yaml.safe_load(open("config.yaml"))`, `OmegaConf.load("hparams.yaml")`, a `--config` option's default)
when their name says they are configs (`config.yaml`, `hparams.json`, not `labels.json`) and they are not
shipped with pretrained weights (`models/x/config.yaml`). JSON Schema files (`*.schema.json`, anything under
a `schema/` or `schemas/` folder) and test-fixture folders are not configs. Every file is parsed once through
the shared loaders (`load_yaml`, `load_json`, `load_toml`); one that does not parse is RPC002.

Composition follows Hydra: a `defaults:` entry `model: resnet` names `<dir>/model/resnet.yaml` (relative to the
file that lists it; `/model: resnet` is relative to the primary config's folder), a plain entry `local` names
`<dir>/local.yaml`, `_self_` is the file itself; `_base_:` includes (MMEngine style) and `_BASE_:` includes
(detectron2, yacs) work alike. A file that is composed into another, lives below a folder holding a config
with a `defaults:` list (a Hydra config group), or carries a `# @package` header is partial: it is judged
through the configs that compose it. So is an overlay of a default config: a config in the folder (or below
the folder) of a `default.yaml`, `base.yaml` or `*_default_config.yaml` that code merges it onto; the default
is judged for them.

Which configs OmegaConf reads (its YAML loader differs from PyYAML's: `5e-4` is a float, duplicate keys are an
error): a file with a `defaults:` list or composed through one, in a Hydra config group or below a folder Hydra
reads (`@hydra.main(config_path=...)`), with a `# @package` header, with `_target_` keys, or read by
`OmegaConf.load` by literal path.

Which configs a yacs (or fvcore, detectron2) config tree reads with `merge_from_file` (PyYAML, then `literal_eval`
of every string value: `1e-8` is a float): a file merged by literal path, a YAML whose top-level keys are all keys
of the yacs defaults a module of the repository builds (`_C = CN()`, `_C.MODEL = CN()`: an overlay chosen on the
command line, `--cfg configs/swin_tiny.yaml`) when some module calls `merge_from_file`, and, in such a
repository, a YAML with a `_BASE_` include and the files it includes. An overlay of yacs defaults that fix a
seed (`_C.SEED = 0`) inherits that seed.

Which configs only ruamel.yaml reads (YAML 1.2: `1e-8` is a float, `on` a string): every program that reads the
file by literal path or an option default, else every program taking a config option in a folder above it,
parses YAML with ruamel.yaml (`ruamel_yaml.load`, `ruamel.yaml.YAML().load`) and with no other library.
"""

from __future__ import annotations

import ast
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pathspec

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.structured import load_json, load_toml, toml_line_of
from reprocheck.facts.yamlfiles import YamlFile, load_yaml
from reprocheck.patterns import lazy_pattern
from reprocheck.tables.config_loaders import ARTEFACT_DIRS, CONFIG_STEM

SCHEMA_DIRS = frozenset({"schema", "schemas"})
PACKAGE_HEADER = lazy_pattern(r"^\s*#\s*@package\b", re.MULTILINE)
LANGUAGE_SERVER_SCHEMA = lazy_pattern(r"^\s*#\s*yaml-language-server:\s*\$schema=(\S+)", re.MULTILINE)
HEADER_LINES = 20
# A default config that others overlay (merged onto it in code): `default.yaml`, `base.yaml`, `ssl_default_config`.
DEFAULT_CONFIG_STEM = lazy_pattern(r"(^|[_-])(default|defaults|base)([_-]|$)", re.IGNORECASE)
INCLUDE_KEYS = ("_base_", "_BASE_")
MAX_COMPOSED = 200  # files per composition (cycles and runaway trees are cut here)
YAML_EXTENSIONS = (".yaml", ".yml")
CONFIG_EXTENSIONS = (*YAML_EXTENSIONS, ".json", ".toml")  # what config_format accepts


@dataclass(frozen=True)
class DefaultsEntry:
    """One `defaults:` entry, resolved to the file it names when that file is in the repository."""

    text: str  # as written: "model: resnet", "_self_", "local"
    line: int
    path: str | None  # the composed file, None when it is not in the repository (a plugin, `null`, `???`)


@dataclass
class ConfigFile:
    """One experiment config: parsed data, its format and how to find lines in it."""

    path: str
    format: str  # yaml, json, toml
    data: Any
    text: str = ""
    yaml: YamlFile | None = None
    defaults: list[DefaultsEntry] = field(default_factory=list)
    has_defaults: bool = False
    package_header: bool = False
    project: Any = field(default=None, repr=False, compare=False)  # for answers kept per file (`remembered`)

    def remembered(self, query: str, compute):
        """`compute(text)` (JSON data), kept between runs in the per-file cache (see Project.remembered)."""
        if self.project is None or self.path not in self.project.file_set:
            return compute(self.text)
        return self.project.remembered(query, self.path, lambda: compute(self.text))

    def line_of(self, *keys: Any) -> int:
        """1-based line of a key path (best effort for JSON and TOML; 1 when unknown)."""
        if not keys:
            return 1
        if self.yaml is not None:
            return self.yaml.line_of(*keys)
        if self.format == "json":
            return json_line_of(self.text, keys)
        names = [k for k in keys if isinstance(k, str)]
        if not names:
            return 1
        table = ".".join(names[:-1]) or None
        return toml_line_of(self.text, names[-1], table)

    def column_of(self, *keys: Any) -> int | None:
        if self.yaml is not None and keys:
            node = self.yaml.key_node(*keys) or self.yaml.node_at(*keys)
            return node.start_mark.column + 1 if node is not None else None
        return None

    def schema_comment(self) -> tuple[str, int] | None:
        """A YAML file's `# yaml-language-server: $schema=...` comment in its first lines: (value, line)."""
        if self.format != "yaml":
            return None
        match = LANGUAGE_SERVER_SCHEMA.search("\n".join(self.text.splitlines()[:HEADER_LINES]))
        return (match.group(1), self.text.count("\n", 0, match.start(1)) + 1) if match else None


YAML_SUMMARY = "yaml-config 2"  # the per-file cache's query for what a YAML config says (see KeptYamlConfig)
MAX_KEPT_DATA = 64 * 1024  # characters of JSON: larger configs are parsed on every run


class KeptYamlConfig(ConfigFile):
    """A YAML config answered from the per-file cache: its data (kept when JSON holds it exactly), `# @package`
    header and schema comment come from there; its text and nodes are read only when asked for (a line number
    of a finding, a rule that scans the nodes). The file's content is unchanged since it parsed (the cache is
    keyed by content), so it parses now."""

    def __init__(self, project, path: str, data: Any, package_header: bool, schema: tuple[str, int] | None, lines):
        super().__init__(path, "yaml", data, package_header=package_header, project=project)
        self._text: str | None = None
        self._yaml: YamlFile | object | None = UNREAD
        self._schema = schema
        self._lines: dict[str, Any] = lines  # the lines composition asks for: see `known_lines`

    def line_of(self, *keys: Any) -> int:
        lines = self._lines
        if len(keys) == 2 and keys[0] == "defaults" and type(keys[1]) is int and "defaults" in lines:
            if 0 <= keys[1] < len(lines["defaults"]):
                return lines["defaults"][keys[1]]
        elif len(keys) == 1 and keys[0] in INCLUDE_KEYS and keys[0] in lines:
            return lines[keys[0]]
        return super().line_of(*keys)

    @property  # type: ignore[override]
    def text(self) -> str:
        if self._text is None:
            read = self._yaml.text if isinstance(self._yaml, YamlFile) else None
            self._text = read if read is not None else self.project.try_read_text(self.path, "YAML file") or ""
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

    @property  # type: ignore[override]
    def yaml(self) -> YamlFile | None:
        if self._yaml is UNREAD:
            self._yaml = load_yaml(self.project, self.path)
        return self._yaml  # type: ignore[return-value]

    @yaml.setter
    def yaml(self, value: YamlFile | None) -> None:
        self._yaml = value

    def schema_comment(self) -> tuple[str, int] | None:
        return self._schema

    @classmethod
    def from_cache(cls, project, path: str) -> KeptYamlConfig | None:
        cache = project.file_cache
        if cache is None or cache.path is None or path not in project.file_set:
            return None
        kept = cache.get(path, YAML_SUMMARY)
        if type(kept) is not list or len(kept) != 4 or type(kept[1]) is not bool or not valid_lines(kept[3]):
            return None
        schema = kept[2]
        if schema is not None:
            if not (type(schema) is list and len(schema) == 2 and type(schema[0]) is str and type(schema[1]) is int):
                return None
            schema = (schema[0], schema[1])
        return cls(project, path, kept[0], kept[1], schema, kept[3])

    @staticmethod
    def keep(project, config: ConfigFile) -> None:
        """Keep what `config` (just parsed) says, when JSON holds its data exactly (no dates, sets, binary, keys
        other than strings, NaN) and it is small."""
        cache = project.file_cache
        if cache is None or cache.path is None or config.path not in project.file_set:
            return
        try:
            encoded = json.dumps(config.data, allow_nan=False, separators=(",", ":"))
            copy = json.loads(encoded)
            if len(encoded) > MAX_KEPT_DATA or copy != config.data or not same_types(copy, config.data):
                return
        except (TypeError, ValueError, RecursionError):
            return
        schema = config.schema_comment()
        value = [copy, config.package_header, list(schema) if schema is not None else None, known_lines(config)]
        cache.put(config.path, YAML_SUMMARY, value, partial(project.kept_bytes, config.path))


UNREAD = object()


def known_lines(config: ConfigFile) -> dict[str, Any]:
    """The lines composition reads (each `defaults:` entry's, the `_base_:` key's), kept with a YAML config so
    that resolving its composition needs no parse."""
    data = config.data
    lines: dict[str, Any] = {}
    if isinstance(data, dict):
        if isinstance(data.get("defaults"), list):
            lines["defaults"] = [config.line_of("defaults", index) for index in range(len(data["defaults"]))]
        for key in INCLUDE_KEYS:
            if key in data:
                lines[key] = config.line_of(key)
    return lines


def valid_lines(lines: Any) -> bool:
    if type(lines) is not dict:
        return False
    for key, value in lines.items():
        if key == "defaults":
            if type(value) is not list or not all(type(line) is int for line in value):
                return False
        elif key not in INCLUDE_KEYS or type(value) is not int:
            return False
    return True


def same_types(copy: Any, data: Any) -> bool:
    """Whether `copy` (JSON decoded) has the very types of `data` throughout (equality takes 1 for 1.0 and True)."""
    stack = [(copy, data)]
    while stack:
        left, right = stack.pop()
        if type(left) is not type(right):
            return False
        if type(left) is dict:
            stack.extend(zip(left.values(), right.values(), strict=True))
        elif type(left) is list:
            stack.extend(zip(left, right, strict=True))
    return True


def json_line_of(text: str, keys: tuple[Any, ...]) -> int:
    """Follow the string keys of a path through the JSON text, in order; the line of the last one found."""
    position, line = 0, 1
    for key in keys:
        if not isinstance(key, str):
            continue
        match = re.compile(r'"' + re.escape(key) + r'"\s*:').search(text, position)
        if match is None:
            break
        position = match.end()
        line = text.count("\n", 0, match.start()) + 1
    return line


def is_schema_file(path: str) -> bool:
    name = filekinds.name(path)
    return ".schema." in name or name.endswith("schema.json") or any(p in SCHEMA_DIRS for p in path.split("/")[:-1])


def config_format(path: str) -> str | None:
    if filekinds.is_template(path) or filekinds.named_as_template(path):
        return None
    if path.endswith(YAML_EXTENSIONS):
        return "yaml"
    if path.endswith(".json"):
        return "json"
    if path.endswith(".toml"):
        return "toml"
    return None


def load_config(project, path: str) -> ConfigFile | None:
    """Parse one config file (None when it does not parse: RPC002 is recorded by the loader)."""
    kind = config_format(path)
    if kind == "yaml":
        kept = KeptYamlConfig.from_cache(project, path)
        if kept is not None:
            return kept
        parsed = load_yaml(project, path)
        if parsed is None:
            return None
        config = ConfigFile(path, kind, parsed.data, parsed.text, parsed)
        head = "\n".join(parsed.text.splitlines()[:HEADER_LINES])
        config.package_header = bool(PACKAGE_HEADER.search(head))
        KeptYamlConfig.keep(project, config)
    elif kind == "json":
        data = load_json(project, path)
        if data is None:
            return None
        config = ConfigFile(path, kind, data, project.try_read_text(path, "JSON file") or "")
    elif kind == "toml":
        data = load_toml(project, path)
        if data is None:
            return None
        config = ConfigFile(path, kind, data, project.try_read_text(path, "TOML file") or "")
    else:
        return None
    config.project = project
    return config


# -- composition ----------------------------------------------------------------------------------
def option_file(project, directory: str, name: str) -> str | None:
    """`<directory>/<name>.yaml` (or .yml, or the name as given) when it is in the repository."""
    base = posixpath.normpath(posixpath.join(directory, name)) if directory else posixpath.normpath(name)
    for candidate in (base + ".yaml", base + ".yml", base):
        if project.exists(candidate) and config_format(candidate):
            return candidate
    return None


def defaults_entries(project, config: ConfigFile, root: str) -> list[DefaultsEntry]:
    """The files a config's `defaults:` list and `_base_:` includes name (resolved when present)."""
    data = config.data if isinstance(config.data, dict) else {}
    here = posixpath.dirname(config.path)
    entries: list[DefaultsEntry] = []
    raw = data.get("defaults")
    items = raw if isinstance(raw, list) else []
    for index, item in enumerate(items):
        line = config.line_of("defaults", index)
        if isinstance(item, str):
            if item in ("_self_",):
                entries.append(DefaultsEntry(item, line, None))
                continue
            directory = root if item.startswith("/") else here
            name = item.lstrip("/").split("@")[0]
            if name.startswith("optional "):
                name = name[len("optional ") :]
            entries.append(DefaultsEntry(item, line, option_file(project, directory, name)))
        elif isinstance(item, dict) and len(item) == 1:
            key, value = next(iter(item.items()))
            key_text = str(key)
            words = key_text.split()
            if not words:
                continue  # an empty group name (`"": x`) names no file
            group = words[-1].split("@")[0]  # "optional override db@pkg" -> "db"
            directory = root if group.startswith("/") else here
            group = group.lstrip("/")
            options = value if isinstance(value, list) else [value]
            for option in options:
                path = None
                if isinstance(option, str) and option not in ("???",):
                    path = option_file(project, posixpath.join(directory, group), option)
                entries.append(DefaultsEntry(f"{key_text}: {option}", line, path))
    for key in INCLUDE_KEYS:
        base = data.get(key)
        for item in base if isinstance(base, list) else [base] if isinstance(base, str) else []:
            if isinstance(item, str):
                path = posixpath.normpath(posixpath.join(here, item))
                entries.append(
                    DefaultsEntry(f"{key}: {item}", config.line_of(key), path if project.exists(path) else None)
                )
    return entries


@dataclass
class ConfigSet:
    """Every experiment config, with composition: which files are partial and what each config composes."""

    files: dict[str, ConfigFile]
    partial: dict[str, str]  # path -> why it is judged through others ("composed by configs/train.yaml", ...)
    composers: dict[str, list[str]]  # path -> configs that list it in `defaults:`
    paths: list[str] = field(default_factory=list)  # every config path, parsed or not
    omegaconf: dict[str, str] = field(default_factory=dict)  # path -> why OmegaConf (Hydra) reads it
    yacs: dict[str, str] = field(default_factory=dict)  # path -> why a yacs/fvcore config tree merges it
    yacs_seeds: dict[str, str] = field(default_factory=dict)  # path -> where the defaults it overlays fix the seed
    yaml12: dict[str, str] = field(default_factory=dict)  # path -> the program reading it with ruamel.yaml only

    @property
    def top_level(self) -> list[str]:
        return [path for path in self.files if path not in self.partial]

    def composition(self, path: str) -> list[str]:
        """The config and every file it composes (transitively), in discovery order, bounded."""
        order: dict[str, None] = {path: None}
        queue = [path]
        while queue and len(order) < MAX_COMPOSED:
            config = self.files.get(queue.pop(0))
            if config is None:
                continue
            for entry in config.defaults:
                if entry.path and entry.path not in order:
                    order[entry.path] = None
                    queue.append(entry.path)
        return [p for p in order if p in self.files]


def config_paths(project, settings) -> list[str]:
    """Experiment config files: `config-paths` globs, data formats only, no schemas, no test fixtures. They depend
    on the listing and two settings only: a run after an edit takes them from the per-file cache."""
    candidates = [path for path in project.files if path.endswith(CONFIG_EXTENSIONS) and config_format(path)]
    cache = project.file_cache
    key = None
    if cache is not None and cache.path is not None:
        digest = hashlib.blake2b(json.dumps([settings.config_paths, settings.fixture_dirs]).encode(), digest_size=16)
        digest.update("\0".join(candidates).encode("utf-8", "surrogateescape"))
        key = digest.hexdigest()
        kept = cache.derived(CONFIG_PATHS, key, project.digest)
        if isinstance(kept, list) and all(type(i) is int and 0 <= i < len(candidates) for i in kept):
            return [candidates[i] for i in kept]
    spec = settings.config_spec
    fixtures = settings.fixture_spec
    chosen = [
        index
        for index, path in enumerate(candidates)
        if spec.match_file(path) and not is_schema_file(path) and not fixtures.match_file(path)
    ]
    if key is not None:
        cache.keep(CONFIG_PATHS, key, chosen, (), project.digest)
    return [candidates[i] for i in chosen]


CONFIG_PATHS = "experiment config paths"


def code_config_paths(project, settings, config_programs) -> list[str]:
    """Files the code reads as configs by literal path, when their name says config and they are no artefact."""
    fixtures = settings.fixture_spec
    found = []
    for path in config_programs.loaded_paths:
        folders = path.split("/")[:-1]
        stem = filekinds.name(path).rsplit(".", 1)[0].lower()
        if (
            config_format(path)
            and CONFIG_STEM.search(stem)
            and not is_schema_file(path)
            and not filekinds.is_test_path(path)
            and not fixtures.match_file(path)
            and not any(f.startswith(".") or f.lower() in ARTEFACT_DIRS for f in folders)
        ):
            found.append(path)
    return found


@fact
def experiment_configs(project, settings, config_programs) -> ConfigSet:
    """The experiment configs, parsed, with Hydra/`_base_` composition and default-config overlays resolved."""
    paths = config_paths(project, settings)
    listed = set(paths)
    paths += [p for p in code_config_paths(project, settings, config_programs) if p not in listed]
    files: dict[str, ConfigFile] = {}
    for path in paths:
        config = load_config(project, path)
        if config is not None:
            files[path] = config
    partial: dict[str, str] = {}
    composers: dict[str, list[str]] = {}
    # Folders holding a config with a `defaults:` list (Hydra's config_path); the repository root never is one.
    group_roots = {posixpath.dirname(p) for p, c in files.items() if has_defaults(c)} - {""}
    for config in files.values():
        config.has_defaults = has_defaults(config)
    # Entries resolve relative to the primary config's folder for absolute groups: the nearest group root.
    for path, config in files.items():
        root = nearest_root(path, group_roots)
        config.defaults = defaults_entries(project, config, root if root is not None else posixpath.dirname(path))
        for entry in config.defaults:
            if entry.path and entry.path != path:
                composers.setdefault(entry.path, []).append(path)
    for path, config in files.items():
        directory = posixpath.dirname(path)
        root = next((a for a in ancestors(directory)[:-1] if a in group_roots), None)
        if path in composers:
            partial[path] = f"composed by {composers[path][0]}"
        elif root is not None:
            partial[path] = f"in a config group below {root}"
        elif config.package_header:
            partial[path] = "a config group file (`# @package` header)"
    overlays(files, partial)
    found = ConfigSet(files, partial, composers, paths)
    found.omegaconf = omegaconf_configs(found, config_programs)
    found.yacs, found.yacs_seeds = yacs_configs(found, config_programs)
    found.yaml12 = yaml12_configs(found, config_programs)
    return found


def yaml12_configs(configs: ConfigSet, config_programs) -> dict[str, str]:
    """The YAML configs that only ruamel.yaml reads (YAML 1.2): every program that reads it by path, or that
    takes a config option above it, parses YAML with ruamel.yaml and no other library -> that program."""
    reader = getattr(config_programs, "yaml12_reader", None)
    if reader is None:
        return {}
    found: dict[str, str] = {}
    for path in configs.paths:
        if not path.endswith(YAML_EXTENSIONS) or path in configs.omegaconf or path in configs.yacs:
            continue
        program = reader(path)
        if program is not None:
            found[path] = program.path
    return found


def yacs_configs(configs: ConfigSet, config_programs) -> tuple[dict[str, str], dict[str, str]]:
    """The YAML configs a yacs/fvcore config tree merges (path -> the evidence), and those of them that overlay
    yacs defaults fixing a seed (path -> `config.py:256 (_C.SEED)`)."""
    merged: dict[str, str] = {
        path: f"merged by merge_from_file in {module}"
        for path, module in (getattr(config_programs, "yacs_paths", {}) or {}).items()
        if path.endswith(YAML_EXTENSIONS)
    }
    seeds: dict[str, str] = {}
    if not getattr(config_programs, "merges_files", False):
        return merged, seeds
    defaults = [d for d in getattr(config_programs, "yacs_defaults", ()) if d.keys]
    for path, config in configs.files.items():
        if config.format != "yaml" or not isinstance(config.data, dict) or not config.data:
            continue
        keys = {k for k in config.data if isinstance(k, str)} - {"_BASE_"}
        if len(keys) != len(config.data) - ("_BASE_" in config.data):
            continue  # a key that is no string: no yacs overlay
        covering = [d for d in defaults if keys and keys <= d.keys]
        if covering:
            merged.setdefault(path, f"its keys are those of the yacs defaults of {covering[0].path}")
            if all(d.seed is not None for d in covering):
                first = covering[0]
                seeds[path] = f"{first.path}:{first.seed[1]} ({first.seed[0]})"
        elif "_BASE_" in config.data:
            merged.setdefault(path, "a `_BASE_` include, read by merge_from_file")
    # Files a merged config includes through `_BASE_` are read the same way.
    queue = list(merged)
    while queue:
        config = configs.files.get(queue.pop())
        for entry in config.defaults if config is not None else []:
            if entry.path and entry.path not in merged and entry.text.startswith("_BASE_"):
                merged[entry.path] = f"included by {config.path}"
                queue.append(entry.path)
    return merged, seeds


MAX_TARGET_SEARCH = 2000  # nodes looked at for a `_target_` key


def has_target_key(data: Any) -> bool:
    """A Hydra `_target_` key anywhere in the data (instantiate() reads such configs through OmegaConf)."""
    stack, seen = [data], 0
    while stack and seen < MAX_TARGET_SEARCH:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            if "_target_" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def omegaconf_configs(configs: ConfigSet, config_programs) -> dict[str, str]:
    """The configs OmegaConf reads (Hydra composes through it), with the evidence."""
    hydra_dirs = getattr(config_programs, "hydra_dirs", {}) or {}
    loaded = getattr(config_programs, "omegaconf_paths", set()) or set()
    found: dict[str, str] = {}
    for path in configs.paths:
        if not path.endswith(YAML_EXTENSIONS):
            continue
        config = configs.files.get(path)
        folder = next((d for d in [*reversed(ancestors(posixpath.dirname(path))), ""] if d in hydra_dirs), None)
        if path in loaded:
            found[path] = "read by OmegaConf.load"
        elif folder is not None:
            found[path] = f"in {folder or 'the root'}/, Hydra's config_path in {hydra_dirs[folder]}"
        elif config is None:
            continue
        elif config.has_defaults:
            found[path] = "a Hydra config (`defaults:` list)"
        elif config.package_header:
            found[path] = "a Hydra config group file (`# @package` header)"
        elif configs.partial.get(path, "").startswith("in a config group"):
            found[path] = f"a Hydra config group file ({configs.partial[path]})"
        elif has_target_key(config.data):
            found[path] = "a Hydra config (`_target_` keys)"
    # Files composed through a `defaults:` list are read the same way as the config that lists them.
    queue = list(found)
    while queue:
        config = configs.files.get(queue.pop())
        for entry in config.defaults if config is not None else []:
            if entry.path and entry.path not in found and not entry.text.startswith(INCLUDE_KEYS):
                found[entry.path] = f"composed by {config.path}"
                queue.append(entry.path)
    return found


def overlays(files: dict[str, ConfigFile], partial: dict[str, str]) -> None:
    """Mark configs that overlay a default config in their folder or a parent folder (merged onto it in code)."""
    defaults = {
        posixpath.dirname(p): p
        for p, c in files.items()
        if DEFAULT_CONFIG_STEM.search(filekinds.name(p).rsplit(".", 1)[0]) and not c.has_defaults and p not in partial
    }
    if not defaults:
        return
    for path, config in files.items():
        if path in partial or path in defaults.values() or config.has_defaults or config.defaults:
            continue
        folders = [posixpath.dirname(path), *reversed(ancestors(posixpath.dirname(path))[:-1])]
        default = next((defaults[f] for f in folders if f in defaults), None)
        if default is not None and config.format == files[default].format:
            partial[path] = f"overlays {default}"


def has_defaults(config: ConfigFile) -> bool:
    return isinstance(config.data, dict) and isinstance(config.data.get("defaults"), list)


def ancestors(directory: str) -> list[str]:
    """`a/b/c` -> ["a", "a/b", "a/b/c"]: the folder and its parents, top-most first ("" has none)."""
    parts = directory.split("/") if directory else []
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def nearest_root(path: str, roots: set[str]) -> str | None:
    """The top-most group root at or above the file's folder (set lookups: linear in the number of configs)."""
    return next((a for a in ancestors(posixpath.dirname(path)) if a in roots), None)


# -- schemas --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemaRef:
    """Where a config says its schema is: `value` as written, `line` of the declaration, `source` of it."""

    value: str
    line: int
    source: str  # "$schema key", "yaml-language-server comment", "schemas setting"


def schema_reference(config: ConfigFile, settings_schemas: dict[str, str]) -> SchemaRef | None:
    comment = config.schema_comment()
    if comment is not None:
        return SchemaRef(comment[0], comment[1], "yaml-language-server comment")
    if isinstance(config.data, dict) and isinstance(config.data.get("$schema"), str):
        return SchemaRef(config.data["$schema"], config.line_of("$schema"), "$schema key")
    for glob, schema in settings_schemas.items():
        if pathspec.GitIgnoreSpec.from_lines([glob]).match_file(config.path):
            return SchemaRef("/" + schema.lstrip("/"), 1, "schemas setting")
    return None


def is_remote(value: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value)) and not value.startswith("file://")


def local_schema_path(project, ref: SchemaRef, config_path: str) -> str | None:
    """The repository path a local schema reference names: relative to the config, `/x` from the root."""
    value = ref.value[len("file://") :] if ref.value.startswith("file://") else ref.value
    value = value.split("#")[0]
    if value.startswith("/"):
        candidates = [value.lstrip("/")]
        root = str(project.root).rstrip("/") + "/"
        if value.startswith(root):
            candidates.insert(0, value[len(root) :])
    else:
        candidates = [posixpath.join(posixpath.dirname(config_path), value), value]
    for candidate in candidates:
        normal = posixpath.normpath(candidate)
        if not normal.startswith("../") and project.exists(normal):
            return normal
    return None


def load_schema(project, path: str) -> Any:
    """A schema file as data (JSON, or YAML when it ends so); None when unparsable (RPC002 recorded)."""
    if path.endswith(YAML_EXTENSIONS):
        parsed = load_yaml(project, path)
        return parsed.data if parsed is not None else None
    return load_json(project, path)


@fact
def validated_files(project, settings, experiment_configs) -> dict[str, ConfigFile]:
    """Files to validate against a schema: the experiment configs, plus files matched by `schemas` globs."""
    found = dict(experiment_configs.files)
    if settings.schemas:
        for path in project.matching(list(settings.schemas)):
            if path not in found and config_format(path):
                config = load_config(project, path)
                if config is not None:
                    found[path] = config
    return found


# -- pydantic models ------------------------------------------------------------------------------------------------
PYDANTIC_BASES = frozenset({"BaseModel", "BaseSettings", "pydantic.BaseModel", "pydantic_settings.BaseSettings"})
FLOAT_ANNOTATIONS = frozenset({"float", "Optional[float]", "float | None", "None | float", "PositiveFloat"})


@dataclass(frozen=True)
class FloatField:
    """A field annotated `float` in a pydantic model: pydantic converts the string '3e-5' to the float 3e-05."""

    name: str
    model: str
    path: str
    line: int


def model_classes(text: str) -> list:
    """[class name, [base names], [[float field, line], ...]] of each class of a module (JSON data)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(base) for base in node.bases]
        fields = [
            [item.target.id, item.lineno]
            for item in node.body
            if isinstance(item, ast.AnnAssign)
            and isinstance(item.target, ast.Name)
            and ast.unparse(item.annotation).replace("typing.", "") in FLOAT_ANNOTATIONS
        ]
        found.append([node.name, bases, fields])
    return found


@fact
def pydantic_float_fields(python_modules) -> dict[str, list[FloatField]]:
    """The float fields of the project's pydantic models (classes deriving from `BaseModel`/`BaseSettings`,
    directly or through another model of the project), by field name."""
    classes: dict[str, list[tuple[str, list[str], list]]] = {}
    for path, module in python_modules.items():
        if not module.mentions("class "):  # a model may derive from BaseModel through a class of another file
            continue
        for name, bases, fields in module.remembered("pydantic classes", model_classes):
            classes.setdefault(name, []).append((path, bases, fields))
    models: set[str] = set()
    changed = True
    while changed:  # a model's subclasses are models too
        changed = False
        for name, defined in classes.items():
            if name not in models and any(
                base in PYDANTIC_BASES or base.rpartition(".")[2] in models
                for _p, bases, _f in defined
                for base in bases
            ):
                models.add(name)
                changed = True
    out: dict[str, list[FloatField]] = {}
    for name in sorted(models):
        for path, _bases, fields in classes[name]:
            for field_name, line in fields:
                out.setdefault(field_name, []).append(FloatField(field_name, name, path, line))
    return out

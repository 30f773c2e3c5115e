"""CFG: experiment configs (seeds, schemas, YAML traps, user-specific paths)."""

from __future__ import annotations

import ast
import copy
import itertools
import posixpath
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cached_property, partial
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from reprocheck import filekinds
from reprocheck.facts.config_programs import option_adders
from reprocheck.facts.configs import (
    ConfigFile,
    ConfigSet,
    KeptYamlConfig,
    is_remote,
    load_schema,
    local_schema_path,
    schema_reference,
)
from reprocheck.facts.entrypoints import python_target
from reprocheck.facts.mounts import under_mount
from reprocheck.facts.shell import SourcedCommand, split_commands
from reprocheck.findings import Finding, Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import Rule

# Keys (top level or one level down) that make a config an experiment config worth a seed (CFG001). A config
# with none of them (a label map, a logging or path config) is not judged; params.yaml always is.
EXPERIMENT_KEYS = frozenset(
    {
        "lr",
        "learning_rate",
        "epochs",
        "max_epochs",
        "num_epochs",
        "n_epochs",
        "batch_size",
        "train_batch_size",
        "optimizer",
        "optim",
        "trainer",
        "training",
        "train",
        "model",
        "data",
        "dataset",
        "datamodule",
        "max_steps",
        "num_steps",
        "num_train_epochs",
        "iterations",
        "n_iter",
        "max_iter",
        "weight_decay",
        "momentum",
        "scheduler",
        "loss",
        "experiment",
        "hparams",
        "hyperparameters",
        "n_estimators",
        "max_depth",
        "dropout",
        "warmup_steps",
        "test_size",
        "split",
        "callbacks",
    }
)
ALWAYS_EXPERIMENT = frozenset({"params.yaml", "params.yml"})
# Keys that mark a Lightning CLI config, whose seed key is `seed_everything`.
LIGHTNING_CLI_KEYS = frozenset({"class_path", "init_args", "seed_everything"})
MAX_SCHEMA_ERRORS = 20
MAX_MESSAGE = 160
ENV_INTERPOLATION = lazy_pattern(r"^\$\{oc\.env:([^,}]+)(?:,\s*([^}]*))?\}$")
REFERENCE = lazy_pattern(r"^\$\{([A-Za-z_][\w.]*)\}$")
# YAML 1.1 traps (PyYAML's resolver): floats without a dot are strings, yes/no/on/off are booleans, a:b is base 60.
FLOAT_WITHOUT_DOT = lazy_pattern(r"^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)[eE][-+]?\d+$")
OCTAL = lazy_pattern(r"^[-+]?0[0-7_]+$")
TRUE_FALSE = frozenset({"true", "false"})

# User-specific paths (CFG005). A mount under /mnt is user-specific unless its first folder is a shared name.
USER_PATH = lazy_pattern(
    r"(?P<path>/home/[A-Za-z0-9._-]+(?=/|$|[\s\"',;:)])"
    r"|/Users/(?!Shared\b)[A-Za-z0-9._-]+"
    r"|\b[A-Za-z]:[\\/]{1,2}Users[\\/]{1,2}[^\\/\s\"']+"
    r"|(?:^|(?<=[\s\"'=:(,]))~/(?!\.)"
    r"|/mnt/[A-Za-z0-9._-]+)"
)
SHARED_MOUNTS = frozenset(
    {
        "data",
        "datasets",
        "dataset",
        "storage",
        "shared",
        "share",
        "nfs",
        "efs",
        "fsx",
        "disk",
        "disks",
        "ssd",
        "hdd",
        "scratch",
        "models",
        "volume",
        "volumes",
        "output",
        "outputs",
        "input",
        "inputs",
        "cache",
        "work",
        "workspace",
        "blob",
        "gcs",
        "s3",
        "tmp",
        "raid",
        "azureml",
        "batch",
        "c",
        "d",
        "e",
        "wsl",
        "checkpoints",
        "artifacts",
        "code",
        "project",
        "projects",
        "results",
    }
)
USER_PATH_HINT = lazy_pattern(r"/home/|/Users/|:[\\/]{1,2}Users|~/|/mnt/")
# Substring tests first: far faster than the regex over every Python file.
USER_PATH_NEEDLES = ("/home/", "Users", "~/", "/mnt/")  # reprocheck: ignore[CFG005] needles of a pre-filter, not paths


def may_hold_user_path(text: str) -> bool:
    return any(needle in text for needle in USER_PATH_NEEDLES) and USER_PATH_HINT.search(text) is not None


# -- shared helpers -------------------------------------------------------------------------------
def seed_key_names(settings) -> frozenset[str]:
    return frozenset(key.lower() for key in settings.seed_keys)


def is_seed_key(key: Any, names: frozenset[str]) -> bool:
    return isinstance(key, str) and (key.lower() in names or key.lower().endswith("_seed"))


def is_seed_list(key: Any, value: Any) -> bool:
    """A list of the seeds the runs use (`seeds: [0, 1, 2]`, `ensemble_seeds: ${...}`): a sweep or an ensemble
    over fixed seeds."""
    if not isinstance(key, str) or not (key.lower() == "seeds" or key.lower().endswith("_seeds")):
        return False
    return isinstance(value, list) or (isinstance(value, str) and value.strip().startswith("${"))


# How deep a seed key still counts: `hydra.sweeper.sampler.seed` (the sampler of a Hydra sweep) is four levels.
SEED_DEPTH = 6


def seed_entries(data: Any, names: frozenset[str], depth: int = 0) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, value) of every seed key, or list of seeds, at any depth of nested mappings (top level
    first, then one level down, then deeper): a seed anywhere in the config (`trainer.seed`,
    `hydra.sweeper.sampler.seed`) is recorded in it."""
    if not isinstance(data, dict) or depth >= SEED_DEPTH:
        return
    for key, value in data.items():
        if is_seed_key(key, names) or is_seed_list(key, value):
            yield (key,), value
    for key, value in data.items():
        if isinstance(key, str) and isinstance(value, dict):
            for keys, inner_value in seed_entries(value, names, depth + 1):
                yield (key, *keys), inner_value


# Seed keys at the top level or one level down (`trainer.seed`) are the config's seed whatever they hold; deeper
# ones (`hydra.sweeper.sampler.seed`) count only when they hold a fixed seed, since deep in a section `seed` may
# name something else (`trainer.pretrained_weight.seed: null`, the run a checkpoint came from).
SHALLOW_SEED_KEYS = 2


def records_a_seed(keys: tuple[str, ...], value: Any, data: Any) -> bool:
    """Whether a seed entry makes the config seeded (CFG001): a shallow one always (CFG002 judges its value),
    a deep one when it holds a fixed seed."""
    return len(keys) <= SHALLOW_SEED_KEYS or bad_seed(value, data) is None


def short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


# -- CFG001 ---------------------------------------------------------------------------------------
class ConfigWithoutSeed(Rule):
    """
    ## What it does
    Finds top-level experiment configs (files under `configs/`, `config/`, `conf/`, `params.yaml`, the
    `config-paths` globs, and configs the code reads by path such as a root-level `config.yaml`) without a seed
    key (`seed`, `random_seed`, `random_state`, `seed_everything`, `manual_seed`, any `*_seed`, and the
    `seed-keys` setting) or list of seeds (`seeds: [0, 1, 2]`, `ensemble_seeds`) at any depth of nested
    mappings (up to six levels): at the top level, one level down (`trainer.seed`) or deeper, such as the
    sampler seed of a Hydra sweep (`hydra.sweeper.sampler.seed: 123`), which fixes the trials a sweep runs.
    Below one level a seed key counts only when it holds a fixed seed (deep in a section, `seed: null` may name
    something else, such as the run a checkpoint came from).
    Hydra-style composition is
    followed: a config with a `defaults:` list is seeded when any file it composes is, and group files
    (`configs/model/resnet.yaml`, files with a `# @package` header, `_base_`/`_BASE_` includes, overlays of a
    `default.yaml` that code merges them onto) are judged through the configs that compose them, never alone.
    A yacs overlay (a YAML whose top-level keys are all keys of the yacs or fvcore defaults a module builds,
    `_C = CN()`, in a repository that calls `merge_from_file`) inherits the seed those defaults fix
    (`_C.SEED = 0`); defaults without a seed, or with `SEED = -1` (a seed drawn per run), leave it reported.
    A config with no hyperparameter-like key at all (a label map, a logging or paths file) is not an
    experiment config; `params.yaml` always is. Nor is a model-architecture config: one whose only section is
    `model:` naming the class it builds (`model: {target: sgm.models.DiffusionEngine, params: ...}`, as
    vendored sgm/ldm configs are) with no data, trainer, lightning or training section. A config run by a
    script that takes a config option and a seed option with a literal default (`--config` and `--seed`,
    default 23) has its seed on that command line and is not reported. Configs without a seed that the same
    scripts run (read by literal path, or, when no script reads them so, chosen on the command line of the scripts
    that take a config option in a folder above them), in one folder and one format, are one finding: at the
    first, the others as related locations. The seeding those scripts add, reading each config's seed, serves
    them all.

    The suggested key follows the repository's own convention: the key path its other configs seed with
    (`train.seed`), else `SEED` in an upper-case (yacs, detectron2) config, `seed_everything` in a Lightning CLI
    config, and `seed` otherwise.

    ## Why it matters
    The config is the record of a run. Without the seed in it, the exact run cannot be repeated from the
    config, and sweeps silently vary the seed together with the hyperparameters.

    ## Example
    ```yaml
    # configs/train.yaml
    model:
      lr: 0.001
    trainer:
      max_epochs: 10
    ```

    ## Fix
    Add `seed: 42` (any fixed integer) at the top level, and pass it to the seeding helper at start-up.
    """

    code = "CFG001"
    name = "config-without-seed"
    severity = Severity.WARNING
    summary = "A top-level experiment config without a seed key"

    def check(self, experiment_configs: ConfigSet, config_programs, settings):
        found = list(self.unseeded(experiment_configs, config_programs, settings))
        groups: dict[tuple, list] = {}
        for path, finding in found:
            owners = config_programs.owners(path)
            key = (owners, posixpath.dirname(path), experiment_configs.files[path].format) if owners else (path,)
            groups.setdefault(key, []).append((path, finding))
        for key, members in groups.items():
            first = members[0][1]
            if len(members) > 1:
                folder = f"{key[1]}/" if key[1] else "the repository root"
                scripts = " and ".join([", ".join(key[0][:-1]), key[0][-1]] if len(key[0]) > 1 else key[0])
                shown = ", ".join(p for p, _ in members[1:4]) + (", ..." if len(members) > 4 else "")
                first.message += (
                    f"; {len(members) - 1} more configs in {folder} that the same scripts run ({scripts}) lack it too "
                    f"({shown}): one seeding in those scripts, reading each config's seed, serves them all"
                )
                first.related = tuple(Location(p, 1) for p, _ in members[1:])
            yield first

    def unseeded(self, experiment_configs: ConfigSet, config_programs, settings):
        """(path, finding) of each experiment config without a seed, in path order."""
        names = seed_key_names(settings)
        conventions = {f: seed_convention(experiment_configs, names, f) for f in ("yaml", "json", "toml")}
        for path in experiment_configs.top_level:
            config = experiment_configs.files[path]
            if not isinstance(config.data, dict):
                continue
            composed = experiment_configs.composition(path)
            datas = [experiment_configs.files[p].data for p in composed]
            if not is_experiment(path, config, datas):
                continue
            if any(records_a_seed(keys, value, data) for data in datas for keys, value in seed_entries(data, names)):
                continue
            if any(p in experiment_configs.yacs_seeds for p in composed):
                continue  # a yacs overlay: the defaults it is merged onto fix the seed (`_C.SEED = 0`)
            if config_programs.seeded_by_command_line(path) is not None:
                continue  # the seed is fixed on the command line of the script that runs it
            through = f" (nor do the {len(composed) - 1} files its `defaults:` compose)" if len(composed) > 1 else ""
            keys = conventions[config.format] or own_seed_keys(config)
            yield (
                path,
                self.finding(
                    f"experiment config {path} has no seed key{through}; add {seed_line(config, keys)} "
                    f"(a fixed integer) {placement(keys)} and seed the run from it",
                    path,
                    1,
                ),
            )


def seed_convention(configs: ConfigSet, names: frozenset[str], format: str) -> tuple[str, ...] | None:
    """The key path the repository's configs of one format seed with most often (`("train", "seed")`), when
    one path is more common than any other."""
    counts: dict[tuple[str, ...], int] = {}
    for config in configs.files.values():
        if config.format == format:
            for keys, _value in seed_entries(config.data, names):
                # a list of seeds is no key to suggest for one seed, nor a deep one (a sweeper's sampler)
                if len(keys) <= 2 and is_seed_key(keys[-1], names):
                    counts[keys] = counts.get(keys, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None
    return max(counts, key=counts.__getitem__)


def own_seed_keys(config: ConfigFile) -> tuple[str, ...]:
    """The seed key in the config's own style: `SEED` (yacs, detectron2), `seed_everything` (Lightning CLI)."""
    keys = [k for k in config.data if isinstance(k, str) and not k.startswith("_")]
    if keys and sum(k.isupper() for k in keys) * 2 > len(keys):
        return ("SEED",)
    if "trainer" in config.data and LIGHTNING_CLI_KEYS & set(flat_keys(config.data)):
        return ("seed_everything",)
    return ("seed",)


def flat_keys(data: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(data, dict) and depth < 4:
        for key, value in data.items():
            if isinstance(key, str):
                yield key
            yield from flat_keys(value, depth + 1)


def seed_line(config: ConfigFile, keys: tuple[str, ...]) -> str:
    """The seed written as the config's format writes it: `seed: 42`, `"seed": 42`, `seed = 42`."""
    key = keys[-1]
    if config.format == "json":
        return f'`"{key}": 42`'
    if config.format == "toml":
        return f"`{key} = 42`"
    return f"`{key}: 42`"


def placement(keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return "at its top level"
    return f"under `{'.'.join(keys[:-1])}` (as the other configs do)"


# Keys naming the class a config section builds (`target:` in sgm/ldm/taming configs, Hydra's `_target_`,
# Lightning CLI's `class_path`).
BUILD_KEYS = frozenset({"target", "_target_", "class_path"})
# Top-level keys an architecture config may hold next to `model` without becoming an experiment config.
MODEL_MARKERS = frozenset({"model"})


def is_architecture_config(data: Any) -> bool:
    """A config that only describes a model to build (`model: {target: ..., params: ...}`, as vendored sgm/ldm
    configs are): the only experiment-like key is `model`, and it names the class it builds. No data, trainer or
    training section: no run is recorded in it, so it has no seed to keep."""
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        return False
    model = data["model"]
    if not BUILD_KEYS & set(model):
        return False
    for key, value in data.items():
        if not isinstance(key, str) or key.lower() in MODEL_MARKERS:
            continue
        if key.lower() in EXPERIMENT_KEYS or key.lower() in {"lightning", "trainer"}:
            return False
        if isinstance(value, dict) and any(isinstance(k, str) and k.lower() in EXPERIMENT_KEYS for k in value):
            return False
    return not any(isinstance(k, str) and k.lower() in EXPERIMENT_KEYS - MODEL_MARKERS for k in model)


def is_experiment(path: str, config: ConfigFile, datas: list[Any]) -> bool:
    if filekinds.name(path) in ALWAYS_EXPERIMENT or config.has_defaults:
        return True
    if len(datas) == 1 and is_architecture_config(datas[0]):
        return False
    for data in datas:
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            if isinstance(key, str) and key.lower() in EXPERIMENT_KEYS:
                return True
            if isinstance(value, dict) and any(isinstance(k, str) and k.lower() in EXPERIMENT_KEYS for k in value):
                return True
    return False


# -- CFG002 ---------------------------------------------------------------------------------------
class InvalidSeedValue(Rule):
    """
    ## What it does
    Finds seed keys (as CFG001 defines them, at the top level or one level down, in every config file including
    group files) whose value is not a
    fixed non-negative integer: `null`/`~`, a string (`"42"`, `1e3`, which YAML 1.1 reads as a string), a float,
    a negative number, a boolean (`seed_everything: true`), `${now:...}`, or `${oc.env:SEED}` without a default.
    `seed: 0` is valid, so is `${oc.env:SEED,42}` and a `${other.key}` reference to an integer.

    ## Why it matters
    A seed that is null or computed at run time lets every framework pick its own, so the config records a
    seed that was never used; strings and floats are rejected or silently converted by seeding functions.

    ## Example
    ```yaml
    seed: null
    trainer:
      seed_everything: true
    ```

    ## Fix
    Write a literal integer: `seed: 42`. For sweeps, give each run its own integer seed in its config.
    """

    code = "CFG002"
    name = "invalid-seed-value"
    severity = Severity.ERROR
    summary = "A seed key whose value is not a fixed non-negative integer"

    def check(self, experiment_configs: ConfigSet, settings):
        names = seed_key_names(settings)
        for path, config in experiment_configs.files.items():
            for keys, value in seed_entries(config.data, names):
                if len(keys) > SHALLOW_SEED_KEYS:
                    continue  # deep in a section, a `seed` may name something else (the run a checkpoint came from)
                reason = bad_seed(value, config.data)
                if reason is None:
                    continue
                dotted = ".".join(keys)
                yield self.finding(
                    f"seed `{dotted}` in {path} is {reason}; set a fixed non-negative integer "
                    f"(`{keys[-1]}: 42`) so every run draws the same numbers",
                    path,
                    config.line_of(*keys),
                    config.column_of(*keys),
                )


def bad_seed(value: Any, data: Any, depth: int = 0) -> str | None:
    """Why a seed value is not a fixed non-negative integer (None when it is, or cannot be known)."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if value is None:
        return "null"
    if isinstance(value, int):
        return f"negative ({value})" if value < 0 else None
    if isinstance(value, float):
        return f"a float ({value})"
    if isinstance(value, str):
        text = value.strip()
        if text == "???":
            return None  # Hydra's mandatory value: the command line must give it, and Hydra records it
        env = ENV_INTERPOLATION.match(text)
        if env:
            default = env.group(2)
            if default is None:
                return f"an environment variable without a default ({text})"
            default = default.strip().strip("'\"")
            return None if default.isdigit() else f"{text}, whose default is not an integer"
        if text.startswith("${now:"):
            return f"the current time ({text})"
        reference = REFERENCE.match(text)
        if reference:
            target = lookup(data, reference.group(1))
            if target is _MISSING or depth > 3:
                return None  # defined in another file of the composition: not judged here
            return bad_seed(target, data, depth + 1)
        if text.startswith("${"):
            return None  # another resolver: not judged
        return f"the string {value!r}"
    return None


_MISSING = object()


def lookup(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


# -- CFG003 ---------------------------------------------------------------------------------------
class RemoteReference(Exception):
    """A `$ref` outside the repository: never fetched."""


class SchemaViolation(Rule):
    """
    ## What it does
    Validates configs against their JSON Schema, found from a `# yaml-language-server: $schema=<path>` comment,
    a top-level `$schema` key, or the `schemas` setting (glob -> schema path). Only local schemas are used: a
    schema path is relative to the config (or, starting with `/`, to the repository root); a remote `$schema`
    URL is left to editors, and a remote `$ref` inside a local schema is never fetched and is reported. A
    missing or invalid schema is reported too. Each violation is reported at its key's line.

    ## Why it matters
    A config that no longer matches its schema fails at the start of a run at best, and at worst runs with a
    misspelt key silently ignored (`learning_rte: 0.1`), so the reported hyperparameters are not the ones used.

    ## Example
    ```yaml
    # yaml-language-server: $schema=schema/train.schema.json
    seed: 42
    model:
      n_estimators: "100"   # the schema says integer
    ```

    ## Fix
    Correct the config (or the schema, when the config is right), and vendor remote `$ref`s next to the schema.
    """

    code = "CFG003"
    name = "schema-violation"
    severity = Severity.ERROR
    summary = "A config that fails its JSON Schema"

    def check(self, project, settings, validated_files):
        remote_reported: set[str] = set()
        for path, config in validated_files.items():
            ref = schema_reference(config, settings.schemas)
            if ref is None or is_remote(ref.value):
                continue
            schema_path = local_schema_path(project, ref, path)
            if schema_path is None:
                yield self.finding(
                    f"the schema {ref.value!r} named by the {ref.source} of {path} does not exist in the repository; "
                    f"fix the path or add the schema",
                    path,
                    ref.line,
                )
                continue
            schema = load_schema(project, schema_path)
            if schema is None:
                continue  # unparsable: RPC002
            try:
                yield from self.validate(project, config, schema_path, schema, remote_reported)
            except RecursionError:  # `{"$ref": "#"}` and the like: validation would never end
                yield self.finding(
                    f"cannot validate {path}: {schema_path} refers to itself (or nests) without end; fix the schema",
                    path,
                    1,
                )

    def validate(self, project, config: ConfigFile, schema_path: str, schema: Any, remote_reported: set[str]):
        import jsonschema
        import referencing
        import referencing.exceptions
        import referencing.jsonschema

        if not isinstance(schema, (dict, bool)):
            yield self.finding(f"{schema_path} is not a JSON Schema (an object or a boolean)", config.path, 1)
            return
        if isinstance(schema, dict) and not isinstance(schema.get("$schema", ""), str):
            yield self.finding(
                f"{schema_path} is not a valid JSON Schema: its $schema is not a URI string; fix the schema",
                config.path,
                1,
            )
            return
        validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        try:
            validator_class.check_schema(schema)
        except jsonschema.exceptions.SchemaError as error:
            yield self.finding(
                f"{schema_path} is not a valid JSON Schema: {short(error.message)}; fix the schema", config.path, 1
            )
            return
        if schema_path not in remote_reported:
            remote_reported.add(schema_path)
            for url in sorted(remote_refs(schema)):
                yield self.finding(
                    f"{schema_path} refers to the remote $ref {url}, which is never fetched: configs are checked "
                    f"without it; vendor it next to the schema and refer to the local copy",
                    schema_path,
                    line_containing(project, schema_path, url),
                )
        specification = referencing.jsonschema.specification_with(
            validator_class.META_SCHEMA.get("$schema", ""), default=referencing.jsonschema.DRAFT202012
        )
        directory = posixpath.dirname(schema_path)

        def retrieve(uri: str):
            path = local_ref_path(project, uri, directory)
            contents = load_schema(project, path)
            if contents is None:
                raise LookupError(f"{path} could not be read")
            return referencing.Resource.from_contents(contents, default_specification=specification)

        registry = referencing.Registry(retrieve=retrieve)
        validator = validator_class(without_remote_refs(schema), registry=registry)
        instance = config.data
        if isinstance(instance, dict) and "$schema" in instance:
            instance = {k: v for k, v in copy.copy(instance).items() if k != "$schema"}
        try:
            errors = list(validator.iter_errors(instance))
        except referencing.exceptions.Unresolvable as error:
            reference = getattr(error, "ref", "")
            if is_remote(str(reference)):
                return  # reported on the schema above
            yield self.finding(
                f"cannot validate {config.path}: $ref {reference!r} of {schema_path} does not resolve to a local "
                f"schema; fix the reference",
                config.path,
                1,
            )
            return
        errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors[:MAX_SCHEMA_ERRORS]:
            keys = tuple(error.absolute_path)
            where = ".".join(str(k) for k in keys) or "(top level)"
            yield self.finding(
                f"{config.path}: `{where}`: {short(error.message)} (schema {schema_path}); fix the value or the schema",
                config.path,
                config.line_of(*keys) if keys else 1,
                config.column_of(*keys) if keys else None,
            )
        if len(errors) > MAX_SCHEMA_ERRORS:
            yield self.finding(
                f"{config.path}: {len(errors) - MAX_SCHEMA_ERRORS} more schema violations not shown (schema "
                f"{schema_path})",
                config.path,
                1,
            )


def without_remote_refs(schema: Any) -> Any:
    """A copy of the schema in which remote `$ref`s accept anything, so the rest is still checked."""
    if isinstance(schema, dict):
        return {
            k: without_remote_refs(v)
            for k, v in schema.items()
            if not (k == "$ref" and isinstance(v, str) and is_remote(v))
        }
    if isinstance(schema, list):
        return [without_remote_refs(v) for v in schema]
    return schema


def remote_refs(schema: Any) -> set[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and is_remote(ref):
                found.add(ref.split("#")[0])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def local_ref_path(project, uri: str, directory: str) -> str:
    """The repository file a `$ref` URI names, relative to the schema's folder; remote URIs are refused."""
    parts = urlsplit(uri)
    if parts.scheme and parts.scheme != "file":
        raise RemoteReference(uri)
    path = unquote(parts.path)
    if parts.scheme == "file":
        root = str(project.root).rstrip("/") + "/"
        if not path.startswith(root):
            raise LookupError(f"{uri} is outside the repository")
        path = path[len(root) :]
    else:
        path = posixpath.normpath(posixpath.join(directory, path))
    if path.startswith("../") or not project.exists(path):
        raise LookupError(f"{uri} is not a file of the repository")
    return path


def line_containing(project, path: str, needle: str) -> int:
    try:
        text = project.read_text(path)
    except UnreadableFile:
        return 1
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


# -- CFG004 ---------------------------------------------------------------------------------------
class YamlTrap(Rule):
    """
    ## What it does
    Finds YAML constructs in experiment configs that loaders read differently from what was meant: duplicate
    keys in one mapping (the last one silently wins; a key repeated with the same value is reported only where
    OmegaConf, which refuses any duplicate, reads the file), plain scalars that YAML 1.1 loaders such as PyYAML
    convert unexpectedly (`1e-3` stays a string because it has no dot, and so does `1.0e3`, whose exponent has
    no sign; `yes`/`no`/`on`/`off` become booleans,
    `1:30` becomes the base-60 integer 90, `010` becomes the octal 8), and tab characters in indentation or
    between a key and its value. Configs that OmegaConf reads (Hydra configs: a `defaults:` list or a file it
    composes, a config group folder or the `config_path` of `@hydra.main`, a `# @package` header, `_target_`
    keys, or a file read by `OmegaConf.load`) are judged by OmegaConf's loader, which reads `1e-3` as a float
    and refuses duplicate keys; its other conversions are PyYAML's. Configs merged into a yacs, fvcore or
    detectron2 `CfgNode` by `merge_from_file` (by literal path, an overlay of the yacs defaults a module builds,
    or a `_BASE_` include where code calls `merge_from_file`) reach the run through `literal_eval` of every
    string value, so `1e-3` is a float there too; their other traps (duplicate keys, booleans, tabs) stay.
    Configs that only ruamel.yaml reads (every program that reads the file, or takes a config option above it,
    parses YAML with `ruamel.yaml` or conda's `ruamel_yaml` and no other library) are read by YAML 1.2, ruamel's
    default: `1e-3` is a float, `off` a string, `1:30` a string and `010` the integer 10, so only duplicate keys
    (which ruamel.yaml refuses) and tabs are reported, unless the file starts with a `%YAML 1.1` directive. A
    `1e-3` under a key that names a `float` field of a pydantic model of the same project (`learning_rate: float`
    in a `BaseModel`, or a model derived from one) is reported at info level: pydantic converts the string when
    the config is validated through the model. A dataclass converts nothing and keeps the warning.

    ## Why it matters
    The run uses a different value from the one the author reads in the file: a learning rate of `"1e-3"`
    (a string) fails late or is cast differently by each framework, `norm: off` is `False`, and duplicated keys
    make a diff in review meaningless.

    ## Example
    ```yaml
    lr: 1e-3        # the string "1e-3"
    augment: off    # the boolean False
    timeout: 1:30   # the integer 90
    lr: 0.01        # duplicate: this one wins
    ```

    ## Fix
    Write `1.0e-3` or `0.001`, quote strings that look like booleans (`'off'`) or times (`'1:30'`), keep one
    key, and indent with spaces.
    """

    code = "CFG004"
    name = "yaml-trap"
    severity = Severity.ERROR
    summary = "YAML traps: duplicate keys, YAML 1.1 scalar conversions, tabs"

    def check(self, project, experiment_configs: ConfigSet, facts):
        for path in experiment_configs.paths:
            if not path.endswith((".yaml", ".yml")):
                continue
            config = experiment_configs.files.get(path)
            if config is None or (not isinstance(config, KeptYamlConfig) and config.yaml is None):
                yield from self.tabs_in_unparsable(project, path)
                continue
            omegaconf = path in experiment_configs.omegaconf
            yaml12 = getattr(experiment_configs, "yaml12", {})
            loader = (
                "omegaconf"
                if omegaconf
                else "yacs"
                if path in experiment_configs.yacs
                else "ruamel"
                if path in yaml12
                else "pyyaml"
            )
            # What a file holds depends on its bytes and on the loader only: kept per file (an edit scans that
            # file; the others' nodes are not even parsed).
            query = f"yaml-traps {loader}"
            found = project.remembered(query, path, partial(self.traps, path, config, omegaconf, loader))
            for message, line, column in found:
                model = self.validating_model(project, facts, path, line) if FLOAT_STRING in message else None
                if model is not None:
                    # The string reaches a float field of a pydantic model, which converts it: a note only.
                    note = (
                        f" (info: `{model.name}` is a float field of the pydantic model {model.model} "
                        f"({model.path}:{model.line}), which converts the string when the config is validated "
                        "through it; the plain float keeps other loaders right)"
                    )
                    finding = self.finding(message + note, path, line, column)
                    finding.severity = Severity.INFO
                    yield finding
                    continue
                yield self.finding(message, path, line, column)

    def validating_model(self, project, facts, path: str, line: int):
        """The pydantic float field, of the config's own project, named as the key on `line` of the config."""
        try:
            text = project.read_text(path)
        except UnreadableFile:
            return None
        lines = text.splitlines()
        match = KEY_ON_LINE.match(lines[line - 1]) if 0 < line <= len(lines) else None
        if match is None:
            return None
        fields = facts.get("pydantic_float_fields").get(match.group(1), [])
        owners = facts.get("projects")
        owner = owners.owner(path)
        return next((f for f in fields if owners.owner(f.path) == owner), None)

    def traps(self, path: str, config: ConfigFile, omegaconf: bool, loader: str = "pyyaml") -> list[list]:
        """[message, line, column] of each trap in the file, as `loader` reads it."""
        parsed = config.yaml
        if parsed is None:
            return []
        found: list[Finding] = []
        ruamel = loader == "ruamel"
        outcome = (
            "OmegaConf (Hydra) refuses to load a mapping with a duplicate key"
            if omegaconf
            else "ruamel.yaml refuses to load a mapping with a duplicate key"
            if ruamel
            else "loaders keep the last one silently"
        )
        for duplicate in parsed.duplicates:
            if duplicate.same_value and not (omegaconf or ruamel):
                continue  # the same value twice: the loader keeps what the author wrote either way
            found.append(
                self.finding(
                    f"key `{duplicate.key}` appears twice in one mapping (lines {duplicate.first_line} and "
                    f"{duplicate.line}); {outcome}: remove one",
                    path,
                    duplicate.line,
                )
            )
        block_lines: set[int] = set()
        for node in parsed.nodes:
            if ruamel and not YAML_1_1_DIRECTIVE.match(parsed.text):
                # YAML 1.2 (ruamel.yaml's default): no scalar trap of YAML 1.1; block scalars still skip tabs
                list(self.scalars(path, node, block_lines, True))
                continue
            found.extend(self.scalars(path, node, block_lines, omegaconf or loader == "yacs"))
        found.extend(self.tabs(path, parsed.text, block_lines))
        return [[finding.message, finding.line, finding.column] for finding in found]

    def scalars(self, path: str, root: yaml.Node, block_lines: set[int], floats_read: bool = False) -> Iterator:
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        seen: set[int] = set()
        while stack:
            node, is_key = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key, value in reversed(node.value):
                    stack.append((value, False))
                    stack.append((key, True))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, False) for item in reversed(node.value))
            elif isinstance(node, yaml.ScalarNode):
                if node.style in ("|", ">"):
                    block_lines.update(range(node.start_mark.line + 1, node.end_mark.line + 2))
                    continue
                problem = scalar_trap(node, floats_read)
                if problem:
                    what = "key" if is_key else "value"
                    yield self.finding(
                        f"{what} `{node.value}` {problem}",
                        path,
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                    )

    def tabs(self, path: str, text: str, skip: set[int]) -> Iterator:
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if n not in skip and has_tab_trap(line)]
        if lines:
            more = f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else ""
            yield self.finding(
                f"tab character in indentation or after a key{more}; YAML forbids tabs in indentation and loaders "
                f"disagree on them elsewhere: use spaces",
                path,
                lines[0],
            )

    def tabs_in_unparsable(self, project, path: str) -> Iterator:
        try:
            text = project.read_text(path)
        except UnreadableFile:
            return
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if has_tab_trap(line)]
        if lines:
            yield self.finding(
                "tab character in indentation or after a key: YAML loaders reject it (the file does not parse); "
                "use spaces",
                path,
                lines[0],
            )


FLOAT_STRING = "is read as the string"
# A file that asks for YAML 1.1 (ruamel.yaml then resolves scalars as PyYAML does).
YAML_1_1_DIRECTIVE = re.compile(r"(?:\s*#[^\n]*\n)*\s*%YAML\s+1\.1\b")
# The key of a `key: value` line (a list item's too): `  learning_rate: 3e-5`, `- lr: 1e-4`.
KEY_ON_LINE = lazy_pattern(r"^\s*(?:-\s+)?[\"']?([A-Za-z_][\w-]*)[\"']?\s*:\s")


def scalar_trap(node: yaml.ScalarNode, floats_read: bool = False) -> str | None:
    """What a YAML 1.1 loader makes of a plain scalar, when that differs from what it looks like.

    `floats_read`: the loader reads `1e-3` and `1.0e3` as floats: OmegaConf's (Hydra's) float resolver, or yacs's
    `literal_eval` of string values; their booleans, base-60 and octal numbers are PyYAML's.
    """
    if node.style is not None:
        return None  # quoted: taken as written
    value = node.value
    tag = node.tag
    if tag == "tag:yaml.org,2002:str" and FLOAT_WITHOUT_DOT.match(value) and not floats_read:
        return f"is read as the string {value!r} by YAML 1.1 loaders (PyYAML); write {dotted_float(value)}"
    if tag == "tag:yaml.org,2002:bool" and value.lower() not in TRUE_FALSE:
        meaning = "true" if value.lower() in ("yes", "on", "y") else "false"
        return f"is read as the boolean {meaning}; quote it ('{value}') for a string, or write {meaning}"
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in value:
        return f"is read as a base-60 number ({sexagesimal(value)}); quote it ('{value}')"
    if tag == "tag:yaml.org,2002:int" and OCTAL.match(value):
        digits = value.replace("_", "").lstrip("+-")
        if int(digits, 8) != int(digits, 10):
            return f"is read as the octal number {int(digits, 8)}; write {int(digits, 10)} or quote it"
    return None


def dotted_float(value: str) -> str:
    """The float written so that YAML 1.1 (PyYAML) reads it as one: a dot in the mantissa and a signed exponent
    (`1e-8` -> `1.0e-8`), and the plain decimal when it is short (`0.00000001`); each form checked with PyYAML."""
    text = value.replace("_", "")
    mantissa, _, exponent = text.lower().partition("e")
    sign = mantissa[0] if mantissa[:1] in "+-" else ""
    mantissa = mantissa.lstrip("+-")
    if "." not in mantissa:
        mantissa += ".0"
    mantissa = ("0" if mantissa.startswith(".") else "") + mantissa + ("0" if mantissa.endswith(".") else "")
    exponent_sign = exponent[0] if exponent[:1] in "+-" else "+"
    forms = [f"{sign}{mantissa}e{exponent_sign}{exponent.lstrip('+-')}"]
    try:
        plain = format(Decimal(text), "f")
    except (InvalidOperation, ValueError):  # pragma: no cover - the pattern only matches numbers
        plain = ""
    if plain and "." not in plain:
        plain += ".0"
    if plain and len(plain) <= MAX_PLAIN_FLOAT:
        forms.append(plain)
    read = [form for form in forms if reads_as_float(form, text)]
    return " or ".join(read) if read else f"a number with a dot and a signed exponent ({forms[0]})"


MAX_PLAIN_FLOAT = 14  # characters: `0.00000001` is offered, `0.000000000000000001` is not


def reads_as_float(form: str, value: str) -> bool:
    """Whether PyYAML reads `form` as the float `value` means."""
    try:
        loaded = yaml.safe_load(form)
        return type(loaded) is float and loaded == float(value)
    except (yaml.YAMLError, ValueError):  # pragma: no cover
        return False


def sexagesimal(value: str) -> str:
    try:
        return str(yaml.safe_load(value))
    except yaml.YAMLError:  # pragma: no cover
        return "a number"


def has_tab_trap(line: str) -> bool:
    """A tab in the indentation, or between `key:` and its value (outside comments)."""
    body = line.split(" #", 1)[0]
    indent = body[: len(body) - len(body.lstrip())]
    if "\t" in indent:
        return True
    return bool(re.match(r"^\s*(- )?[^\s\"'#][^:\"']*:\t", body))


# -- CFG005 ---------------------------------------------------------------------------------------
class UserSpecificPath(Rule):
    """
    ## What it does
    Finds absolute, user-specific paths in experiment configs and in Python string literals (code and notebook
    cells; not docstrings, comments, tests, shell scripts or docs): `/home/<user>/`, `/Users/<user>/`,
    `C:\\Users\\<user>\\`, `~/` (a home folder; `~/.cache`-style tool folders are fine), `/mnt/<user>` (shared
    mounts such as `/mnt/data` are fine, and so is any path at or below a place where the repository's own container
    specs mount a volume: a Kubernetes `mountPath: /mnt/azure`, a Kubeflow Pipelines `add_pvolumes({"/mnt": ...})`,
    a `docker run -v SRC:/mnt/x` or `--mount target=`, a compose volume, a Dockerfile `VOLUME`: inside the container
    every run has it). The `help=` text of a command-line option is documentation (an example value for the user),
    not a path the program opens: not reported (its `default=` is). A `~/` path in code that the code expands
    (`os.path.expanduser`, `Path(...).expanduser()`, an argparse `type` that does, a command a shell runs), directly
    or through the variable, attribute, dict key, parameter or option (`--offload-dir` then
    `expanduser(args.offload_dir)`) that holds it, is the same place under each user's home: a per-user default, not
    the author's folder, and is not reported (the catalogue lists `~/` without this distinction); one Python never
    expands (`open("~/log.txt")` looks in a folder named `~`) is. A command-line default (`add_argument(...,
    default="/home/me/data")`) that every command in the repository running the script overrides (`python prep.py
    --root-dir $DATA`) never takes effect there and is not reported (the commands of the root README and docs pages
    count, in shell blocks and in the README's inline code spans: ``Run `python generate_polygons.py --input
    data/train` ``); nor is the default of a script that no command
    runs when every command running a script of its folder passes that option (`preprocess_data.sh` passes
    `--root-dir` to each). The default of a script that no command in the repository or its README runs at all is
    reported at info (when all the file's paths are such defaults): its users start it themselves, and pass their
    own path with the option. Nor is a parameter
    default (`def __init__(self, data_path="/mnt/me/data")`) that every call
    in the project passes. The `__main__` block of a library module is its author's scratch run, not the users': a
    module that library code imports (a self-test, as for RNG001) or that users run through console scripts
    (`[project.scripts]`), and a top-level function that nothing calls (no reference in code, another module, a
    notebook or a packaging file: a developer's scratch run, its call left in a comment) are not reported either.
    Paths below a comment that marks them for users to edit (`# USER CONFIGURED VARIABLES`, `# change this`, `(paths
    may need adaptations)`, `(modify for your local setup)`, "I used this on my machine, you may need different"),
    and paths in a notebook cell that the Markdown right above it tells readers to edit ("If you are running this
    code on your computer, you should modify this cell", "adapt the code below to choose where to store the data"),
    are placeholders the user is told to replace: not reported. A file's paths are reported once, at the first, with
    the others as related locations.

    ## Why it matters
    Nobody else has `/home/alice/datasets`: the run fails on every other machine and in CI, or worse, reads a
    different file that happens to exist there.

    ## Example
    ```yaml
    data:
      root: /home/alice/datasets/cifar10
    ```

    ## Fix
    Use a path relative to the repository (`data/cifar10`), or read it from an environment variable
    (`${oc.env:DATA_DIR}` in Hydra/OmegaConf, `os.environ["DATA_DIR"]` in code).
    """

    code = "CFG005"
    name = "user-specific-path"
    severity = Severity.WARNING
    summary = "Absolute or user-specific paths in configs and code string literals"

    def check(
        self,
        experiment_configs: ConfigSet,
        python_modules,
        notebook_modules,
        shell_commands,
        inline_suppressions,
        facts,
    ):
        """Each file's user-specific paths, once per file (the first, the others related): one edit of the file
        fixes them. A line that a comment silences stays out of the fold."""
        self.unrun = UnrunCode(python_modules, facts, notebook_modules)
        self.facts = facts
        # path -> (the marker, the (cell, line) places it covers; cell 0 in a file): placeholders, not reported
        self.edit_markers: dict[str, tuple[str, set[tuple[int, int]]]] = {}
        self.notebooks = facts.get("notebooks")
        self.unrun_options: dict[int, str] = {}  # id of a finding at an option default no run takes -> the option
        by_file: dict[str, list[tuple[str, Finding]]] = {}
        mounts = None
        for found, finding in self.each_path(experiment_configs, python_modules, notebook_modules, shell_commands):
            if found.startswith("/mnt/"):
                mounts = facts.get("mnt_mount_points") if mounts is None else mounts
                if under_mount(found, mounts):
                    continue  # a place inside the container, where the repository's own spec mounts a volume
            by_file.setdefault(finding.path, []).append((found, finding))
        for path, pairs in by_file.items():
            alone = [f for _, f in pairs if inline_suppressions.covers(path, f.line, self.code, f.cell)]
            folded = sorted((p for p in pairs if p[1] not in alone), key=lambda p: (p[1].cell or 0, p[1].line or 0))
            yield from alone
            marker = self.edit_markers.get(path)
            if marker is not None:  # placeholders the file tells its user to replace with their own
                folded = [(found, f) for found, f in folded if (f.cell or 0, f.line) not in marker[1]]
            if not folded:
                continue
            options = [self.unrun_options.get(id(f)) for _, f in folded]
            finding = folded[0][1] if len(folded) == 1 else self.fold(folded)
            if all(options):
                finding.severity = Severity.INFO
                finding.message += (
                    f" (info: the default of {join_words(list(dict.fromkeys(options)))}, and no command in the "
                    "repository or its README runs the script: a run passes its own path)"
                )
            yield finding

    def fold(self, pairs: list[tuple[str, Finding]]):
        first = pairs[0][1]
        found = [finding for _, finding in pairs]
        paths = list(dict.fromkeys(path for path, _ in pairs))
        shown = ", ".join(repr(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        first.message = (
            f"{len(found)} user-specific paths in {first.path} ({shown}); other machines do not have them: use "
            "paths relative to the repository or environment variables"
        )
        first.related = tuple(Location(f.path, f.line, cell=f.cell, json_line=f.json_line) for f in found[1:])
        return first

    def each_path(self, experiment_configs: ConfigSet, python_modules, notebook_modules, shell_commands):
        for path, config in experiment_configs.files.items():
            if not config.remembered("user-path", may_hold_user_path):
                continue
            if config.yaml is not None:
                for node in config.yaml.nodes:
                    yield from self.yaml_strings(path, node)
            else:
                yield from self.text_lines(path, config)
        runs = None
        for path, module in python_modules.items():
            if filekinds.is_test_path(path) or not module.remembered("user-path", may_hold_user_path):
                continue
            if runs is None:
                runs = script_runs([*shell_commands, *self.documented_runs()])
            skipped = overridden_defaults(module, runs.get(path, []) or sibling_runs(path, runs))
            found = list(self.literals(path, module, None, skipped | self.unrun.nodes(path, module)))
            if path not in runs and found and module.mentions("add_argument"):
                defaults = option_defaults(module)
                self.unrun_options.update(
                    (id(finding), defaults[(finding.line, finding.column)])
                    for _, finding in found
                    if (finding.line, finding.column) in defaults
                )
            marked = edit_marked_lines(module.text or "", [f.line for _, f in found])
            if marked is not None:
                self.edit_markers[path] = (marked[0], {(0, line) for line in marked[1]})
            yield from found
        for path, cells in notebook_modules.items():
            if filekinds.is_test_path(path):
                continue
            markers: list[tuple[str, set[tuple[int, int]]]] = []
            for cell in cells:
                if not may_hold_user_path(cell.module.text):
                    continue
                found = list(self.literals(path, cell.module, cell.cell))
                lines = [f.line for _, f in found]
                marked = edit_marked_lines(cell.module.text, lines)
                told = marked[0] if marked is not None else edit_instruction(self.notebooks.get(path), cell.cell)
                if found and told is not None:
                    markers.append((told, {(cell.cell, line) for line in lines}))
                yield from found
            if markers:
                self.edit_markers[path] = (markers[0][0], set().union(*(places for _, places in markers)))

    def documented_runs(self) -> list:
        """The commands the root README and docs pages show: their shell blocks, and the root README's inline code
        spans that run a Python script (`python generate_polygons.py --input data/train` in a sentence)."""
        project = self.facts.get("project")
        found = list(self.facts.get("documented_commands"))
        for rel in project.select(lambda path: "/" not in path and filekinds.is_markdown_readme(path)):
            text = project.try_read_text(rel) or ""
            for number, line in enumerate(text.splitlines()[:MAX_README_LINES], start=1):
                for span in INLINE_CODE.findall(line):
                    if PYTHON_RUN.match(span):
                        found.extend(SourcedCommand(rel, c.line, "docs", c) for c in split_commands(span, number))
        return found

    def message(self, found: str, where: str) -> str:
        return (
            f"user-specific path {found!r} in {where}; other machines do not have it: use a path relative to the "
            f"repository or an environment variable"
        )

    def yaml_strings(self, path: str, root: yaml.Node) -> Iterator:
        stack = [root]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                stack.extend(value for _, value in reversed(node.value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(reversed(node.value))
            elif isinstance(node, yaml.ScalarNode):
                found = user_path(node.value)
                if found:
                    yield (
                        found,
                        self.finding(
                            self.message(found, "a config"), path, node.start_mark.line + 1, node.start_mark.column + 1
                        ),
                    )

    def text_lines(self, path: str, config: ConfigFile) -> Iterator:
        for number, line in enumerate(config.text.splitlines(), start=1):
            if config.format == "toml" and line.lstrip().startswith("#"):
                continue
            found = user_path(line)
            if found:
                yield found, self.finding(self.message(found, "a config"), path, number, line.find(found) + 1)

    def literals(self, path: str, module, cell: int | None, skipped: frozenset[int] = frozenset()) -> Iterator:
        tree = module.tree
        if tree is None:
            return
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        }
        docstrings |= help_texts(tree)
        expanded = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
                continue
            if id(node) in skipped:
                continue  # a default every run overrides, or a module's self-test
            found = user_path(node.value)
            if not found:
                continue
            if found.startswith("~"):
                expanded = expanded_home_literals(tree) if expanded is None else expanded
                if id(node) in expanded:
                    continue  # each user's own home: a per-user default, as portable as a relative path
            message = self.message(found, "a string literal")
            if cell is None:
                yield found, self.finding(message, path, node.lineno, node.col_offset + 1)
            else:
                yield (
                    found,
                    self.finding(
                        message,
                        path,
                        node.lineno,
                        node.col_offset + 1,
                        cell=cell,
                        json_line=module.file_line(node.lineno),
                    ),
                )


def help_texts(tree: ast.AST) -> set[int]:
    """The string constants of `help=` arguments (`add_argument(..., help="e.g. /home/me/data")`, click and typer
    options): documentation shown to the user, an example of a value, never a path the program opens."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help":
                    found.update(id(part) for part in ast.walk(keyword.value) if isinstance(part, ast.Constant))
    return found


# A comment that marks the lines below it as values each user sets: "USER CONFIGURED VARIABLES", "# change
# this", "(paths to files may need adaptations)", "set your paths here", "(modify for your local setup)", or as the
# author's own: "I used this locally on my machine, you may need different".
EDIT_MARKER = lazy_pattern(
    r"#.*(?:\buser[ _-]?(?:configured|defined|settings|config)\b|\bchange (?:this|these|me|accordingly)\b"
    r"|\bneeds? (?:to be )?(?:adapt|chang|edit|set)\w*|\bmay need (?:to be )?\w*(?:adapt|chang|edit)\w*"
    r"|\b(?:set|edit|adapt|adjust|modify) (?:your|these|this|the following)\b"
    r"|\b(?:set|edit|adapt|adjust|modify|change) (?:it |them |this |these )?for your\b"
    r"|\byou (?:may|might|will) need (?:a |something )?different\b)",
    re.IGNORECASE,
)
EDIT_MARKER_REACH = 25  # lines below a marker that it covers (a block of settings)


def edit_marked_lines(text: str, lines: list[int]) -> tuple[str, set[int]] | None:
    """When every line in `lines` sits at most EDIT_MARKER_REACH lines below a comment marking values for users
    to edit, with no top-level `def`/`class` between: (that comment, the lines). Else None."""
    if not lines or "#" not in text:
        return None
    source = text.splitlines()
    markers: list[str] = []
    for line in lines:
        found = None
        for number in range(line - 1, max(0, line - 1 - EDIT_MARKER_REACH) - 1, -1):
            row = source[number] if number < len(source) else ""
            if number < line - 1 and re.match(r"(?:def|class|async def) ", row):
                break
            match = EDIT_MARKER.search(row)
            if match:
                found = row[row.index("#") :].strip("# ").strip()
                break
        if found is None:
            return None
        markers.append(found)
    return markers[0][:60], set(lines)


# A notebook's text telling the reader to edit the code cell below it: "If you are running this code on your
# computer, you should modify this cell", "you can adapt the code below to choose where to store the data", "set
# the path to your data folder".
CELL_EDIT_INSTRUCTION = lazy_pattern(
    r"(?i)\b(?:modify|adapt|change|edit|adjust|update|replace|set)\b[^.!?\n]{0,60}?"
    r"\b(?:this cell|th(?:e|is) (?:code|cell|line|path)s? below|the following (?:cell|code|line|path)s?"
    r"|(?:the|your) (?:own )?(?:data )?(?:path|folder|directory|dir)s?)\b"
    r"|\bneeds? to be (?:adapted|changed|modified|edited|set)\b"
)


def edit_instruction(notebook, cell: int) -> str | None:
    """The clause of the Markdown cell right above code cell `cell` (no code cell between) that tells the reader to
    edit the cell below (see `CELL_EDIT_INSTRUCTION`), shortened; else None."""
    if notebook is None or not 1 < cell <= len(notebook.cells):
        return None
    for above in reversed(notebook.cells[: cell - 1]):
        if above.is_code:
            return None
        if above.cell_type != "markdown":
            continue
        match = CELL_EDIT_INSTRUCTION.search(above.source)
        if match:
            start = max(above.source.rfind(mark, 0, match.start()) for mark in ".,;:!?\n") + 1
            return " ".join(above.source[start : match.end()].split())[:60]
        return None
    return None


def script_runs(shell_commands) -> dict[str, list[set[str]]]:
    """For each script that a command in the repository runs (`python x.py --root-dir $DATA`): the options each
    such command passes."""
    runs: dict[str, list[set[str]]] = {}
    for sourced in shell_commands:
        argv = sourced.command.argv
        target = python_target(argv)
        if target is None or target[0] != "script":
            continue
        script = posixpath.normpath(target[1]).lstrip("/")
        start = argv.index(target[1]) + 1 if target[1] in argv else len(argv)
        options = {word.split("=", 1)[0] for word in argv[start:] if word.startswith("-")}
        runs.setdefault(script, []).append(options)
    return runs


def sibling_runs(path: str, runs: dict[str, list[set[str]]]) -> list[set[str]]:
    """For a script that no command runs: the runs of the scripts next to it (`preprocess_data.sh` runs every
    other script of `preprocessing/` with `--root-dir $DATA`): an option they all pass is passed by convention."""
    if path in runs:
        return []
    folder = posixpath.dirname(path)
    return [options for script, found in runs.items() if posixpath.dirname(script) == folder for options in found]


class UnrunCode:
    """String literals of a module that no documented run takes: the `__main__` block of a module that is a
    self-test rather than a program (facts/self_tests.py: library code imports the module) or whose users run
    it through console scripts (`[project.scripts]` names its functions), and a parameter default of a function
    or class that every call in the project passes explicitly."""

    def __init__(self, python_modules, facts, notebook_modules=None):
        self.python_modules = python_modules
        self.notebook_modules = notebook_modules or {}
        self.facts = facts  # the call graph, entry points and self-tests, built only for a file with a user path

    @cached_property
    def graph(self):
        return self.facts.get("call_graph")

    @cached_property
    def self_tests(self):
        return self.facts.get("self_tests")

    @cached_property
    def mains(self) -> dict:
        return {entry.path: entry for entry in self.facts.get("entry_points") if entry.kind == "main"}

    def nodes(self, path: str, module) -> frozenset[int]:
        if module.tree is None:
            return frozenset()
        found: set[int] = set()
        entry = self.mains.get(path)
        if entry is not None and ("script" in entry.kinds or self.self_tests.is_self_test(entry)):
            for block in self.graph.definitions(path).main_blocks:
                found.update(id(node) for node in ast.walk(block))
        for function, owner in defining_functions(module.tree):
            found.update(self.passed_defaults(path, function, owner))
        for function in scratch_functions(module, self.mentioned_elsewhere):
            found.update(id(node) for node in ast.walk(function))
        return frozenset(found)

    def mentioned_elsewhere(self, path: str, name: str) -> bool:
        """Whether any other Python module, notebook or packaging file names `name` (a call, an import, a console
        script), in code or text."""
        if any(
            other != path and name in (module.text or "") and re.search(rf"\b{re.escape(name)}\b", module.text)
            for other, module in self.python_modules.items()
        ):
            return True
        return any(re.search(rf"\b{re.escape(name)}\b", text) for text in self.other_texts)

    @cached_property
    def other_texts(self) -> list[str]:
        """The text of notebooks' code cells and of packaging files (console scripts name functions there)."""
        texts = [cell.module.text or "" for cells in self.notebook_modules.values() for cell in cells]
        project = self.facts.get("project")
        for name in ("pyproject.toml", "setup.cfg", "setup.py"):
            texts.append((project.try_read_text(name) or "") if project.exists(name) else "")
        return texts

    def passed_defaults(self, path: str, function, owner: str) -> Iterator[int]:
        """Ids of the string defaults of `function` (called as `owner`) that every call in the project passes."""
        params = function.args
        positional = [*params.posonlyargs, *params.args]
        pairs = list(zip(positional[len(positional) - len(params.defaults) :], params.defaults, strict=True))
        pairs += [(a, d) for a, d in zip(params.kwonlyargs, params.kw_defaults, strict=True) if d is not None]
        pairs = [(a, d) for a, d in pairs if isinstance(d, ast.Constant) and user_path(d.value)]
        if not pairs:
            return
        calls = list(self.calls_of(owner))
        if not calls:
            return
        skip_self = 1 if positional and positional[0].arg in ("self", "cls") and function.name == "__init__" else 0
        for arg, default in pairs:
            index = positional.index(arg) - skip_self if arg in positional else None
            if all(passes(call, arg.arg, index) for call in calls):
                yield id(default)

    def calls_of(self, name: str) -> Iterator[ast.Call]:
        for module in self.python_modules.values():
            if module.tree is None or not module.mentions(name):
                continue
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                    if called == name:
                        yield node


def scratch_functions(module, mentioned_elsewhere) -> Iterator[ast.FunctionDef]:
    """Top-level functions of a module that nothing calls: no reference in the module's code (a call left in a
    comment, `# example_test_case_preprocessing()`, is none), no mention in another module, notebook or packaging
    file, no decorator that may register them, no `__all__` entry. A developer's scratch run, never executed."""
    tree = module.tree
    functions = [
        node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.decorator_list
    ]
    if not functions:
        return
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.add(node.value)  # `__all__ = ["name"]`, `getattr(module, "name")`
    for function in functions:
        name = function.name
        if name in used or name.startswith("test") or name == "main" or mentioned_elsewhere(module.path, name):
            continue
        yield function


def defining_functions(tree: ast.Module) -> Iterator[tuple[ast.FunctionDef, str]]:
    """Top-level functions (called by their name) and classes' `__init__` (called by the class name)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, node.name
        elif isinstance(node, ast.ClassDef):
            init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            if init is not None:
                yield init, node.name


def passes(call: ast.Call, name: str, index: int | None) -> bool:
    """Does `call` pass the parameter `name` (by keyword or at position `index`)? `*args` and `**kwargs` may not."""
    if any(k.arg == name for k in call.keywords):
        return True
    positional = list(itertools.takewhile(lambda a: not isinstance(a, ast.Starred), call.args))
    return index is not None and index < len(positional)


# An inline code span of a README line, and one that runs a Python script (`python generate_polygons.py --input x`).
INLINE_CODE = lazy_pattern(r"`([^`\n]+)`")
PYTHON_RUN = lazy_pattern(r"^\s*(?:\$\s*)?python[\d.]*\s+\S+\.py\b")
MAX_README_LINES = 5000


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def option_defaults(module) -> dict[tuple[int, int], str]:
    """(line, column) of each string default of an `add_argument` option -> the option (`--data-dir`)."""
    found: dict[tuple[int, int], str] = {}
    if module.tree is None:
        return found
    adders = option_adders(module)
    for node in ast.walk(module.tree):
        func = node.func if isinstance(node, ast.Call) else None
        named = isinstance(func, ast.Name) and func.id in adders
        if not (named or (isinstance(func, ast.Attribute) and func.attr == "add_argument")):
            continue
        flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        default = next((k.value for k in node.keywords if k.arg == "default"), None)
        if isinstance(default, ast.Constant) and isinstance(default.value, str) and flags:
            option = next((flag for flag in flags if flag.startswith("--")), flags[0])
            found[(default.lineno, default.col_offset + 1)] = f"`{option}`"
    return found


def overridden_defaults(module, runs: list[set[str]]) -> frozenset[int]:
    """String defaults of `add_argument` options that every command running this script passes explicitly: the
    default never takes effect in the repository's own runs (ids of their AST nodes)."""
    if not runs or module.tree is None or not module.mentions("add_argument"):
        return frozenset()
    skipped = set()
    adders = option_adders(module)  # `arg = parser.add_argument`, then `arg("--data-dir", default=...)`
    for node in ast.walk(module.tree):
        func = node.func if isinstance(node, ast.Call) else None
        named = isinstance(func, ast.Name) and func.id in adders
        if not (named or (isinstance(func, ast.Attribute) and func.attr == "add_argument")):
            continue
        flags = {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        default = next((k.value for k in node.keywords if k.arg == "default"), None)
        if isinstance(default, ast.Constant) and flags and all(flags & options for options in runs):
            skipped.add(id(default))
    return frozenset(skipped)


SHELL_RUNNERS = frozenset({"system", "popen", "getoutput", "getstatusoutput"})
SUBPROCESS_CALLS = frozenset({"run", "call", "check_call", "check_output", "Popen"})


def expanded_home_literals(tree: ast.AST) -> frozenset[int]:
    """Ids of the string constants holding a `~/` path that the module expands: passed to `os.path.expanduser`
    or `Path(...).expanduser()` (directly, or through the variable, attribute, dict key, parameter or argparse
    option that holds it: `--offload-dir` default, then `expanduser(args.offload_dir)`), an argparse option whose
    `type` expands it, or a command string a shell runs (`os.system`, `subprocess.run(..., shell=True)`). Such a
    path is the same place relative to each user's home: a per-user default, not the author's own folder."""
    direct: set[int] = set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for term in expanded_terms(node):
            if isinstance(term, ast.Constant):
                direct.add(id(term))
            else:
                names.add(term)
    found = set(direct)
    for node in ast.walk(tree):
        for owner, value in held_literals(node):
            home = "~/"  # reprocheck: ignore[CFG005] the prefix a home-relative path starts with, not a path
            held = isinstance(value, ast.Constant) and isinstance(value.value, str) and home in value.value
            if held and (owner is True or owner in names):
                found.add(id(value))
    return frozenset(found)


def expanded_terms(call: ast.Call) -> Iterator:
    """What a call expands `~` in: the constants and the names (variables, attributes, string keys) it reads."""
    func = call.func
    attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if attr == "expanduser":
        if call.args:  # os.path.expanduser(x)
            yield from terms(call.args[0])
        elif isinstance(func, ast.Attribute):  # Path(x).expanduser(), x.expanduser()
            yield from terms(func.value)
    elif call.args and (
        (attr in SHELL_RUNNERS and isinstance(func, ast.Attribute))
        or (attr in SUBPROCESS_CALLS and any(k.arg == "shell" and is_true(k.value) for k in call.keywords))
    ):
        yield from terms(call.args[0])


def is_true(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def terms(node: ast.AST, depth: int = 0) -> Iterator:
    """The constants and names an expression is made of (`os.path.join(args.root, "x")`: root, "x")."""
    if depth > 8:
        return
    if isinstance(node, ast.Constant):
        yield node
    elif isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value
    elif isinstance(node, ast.Call):
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            yield from terms(arg, depth + 1)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if receiver is not None and not isinstance(receiver, (ast.Name, ast.Attribute)):
            yield from terms(receiver, depth + 1)  # "~/{}".format(x), Path(x).resolve(); not os.path of os.path.join
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from terms(value.value if isinstance(value, ast.FormattedValue) else value, depth + 1)
    elif isinstance(node, ast.BinOp):
        yield from terms(node.left, depth + 1)
        yield from terms(node.right, depth + 1)
    elif isinstance(node, (ast.IfExp, ast.BoolOp)):
        children = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
        for child in children:
            yield from terms(child, depth + 1)


def held_literals(node: ast.AST) -> Iterator[tuple[str | bool, ast.AST]]:
    """(the name that holds it, value) for each value a node binds to a name: `x = v`, `self.x = v`, `f(x=v)`,
    `{"x": v}`, `def f(x=v)`, `add_argument("--x", default=v)` (True as the name: its `type` expands it)."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                yield target.id, node.value
            elif isinstance(target, ast.Attribute):
                yield target.attr, node.value
            elif isinstance(target, ast.Subscript):
                yield from ((t, node.value) for t in terms(target) if isinstance(t, str))
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, value
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        params = node.args
        positional = [*params.posonlyargs, *params.args]
        defaulted = positional[len(positional) - len(params.defaults) :]
        yield from ((a.arg, d) for a, d in zip(defaulted, params.defaults, strict=True))
        yield from ((a.arg, d) for a, d in zip(params.kwonlyargs, params.kw_defaults, strict=True) if d is not None)
    elif isinstance(node, ast.Call):
        func = node.func
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if isinstance(func, ast.Attribute) and func.attr == "add_argument" and "default" in keywords:
            kind = keywords.get("type")
            if kind is not None and any(
                isinstance(n, (ast.Attribute, ast.Name))
                and "expanduser" in (getattr(n, "attr", None), getattr(n, "id", None))
                for n in ast.walk(kind)
            ):
                yield True, keywords["default"]
            yield option_dest(node, keywords), keywords["default"]
        else:
            yield from keywords.items()


def option_dest(call: ast.Call, keywords: dict) -> str:
    """The attribute argparse stores an option in: `dest=`, else the first long flag (`--offload-dir`:
    offload_dir), else the first flag."""
    dest = keywords.get("dest")
    if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
        return dest.value
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    flag = next((f for f in flags if f.startswith("--")), flags[0] if flags else "")
    return flag.lstrip("-").replace("-", "_")


def user_path(text: str) -> str | None:
    """The first user-specific path in `text` (not inside a URL), or None."""
    if not isinstance(text, str) or not USER_PATH_HINT.search(text):
        return None
    for match in USER_PATH.finditer(text):
        found = match.group("path")
        prefix = text[: match.start()]
        token_start = max(prefix.rfind(c) for c in " \t\"'=(,") + 1
        if "://" in prefix[token_start:]:
            continue  # part of a URL
        if found.startswith("/mnt/") and found[len("/mnt/") :].lower() in SHARED_MOUNTS:
            continue
        end = text.find(" ", match.start())
        whole = text[match.start() : end if end > 0 else len(text)]
        return whole.strip("\"',;)") or found
    return None

"""Which configs the Python code reads by path, and which scripts take a config and a fixed seed on their command line.

Read from the shared Python modules (never executed, never parsed twice): a call of a config loader
(`yaml.safe_load`, `OmegaConf.load`, `json.load`, `Config.fromfile`, `cfg.merge_from_file`, ...) whose argument is
a literal path, `open(<literal>)`, `Path(<literal>)`, a literal last part (`Path(__file__).parent / "config.yaml"`,
`os.path.join(here, "config.yaml")`, tried from the root and from the module's folder), a name bound to one of
these (`with open("config.yaml") as f`), and the literal default of an argparse option that takes a config
(`--config`, `--cfg`, `--base`, ...). Which files are read through OmegaConf is kept apart (its YAML loader reads
`5e-4` as a float, PyYAML as a string): files read by `OmegaConf.load` and the folders Hydra reads configs from
(`@hydra.main(config_path="configs")`, `hydra.initialize(config_path=...)`, relative to the module). So are the
YAML libraries each program parses YAML with: PyYAML, OmegaConf, or ruamel.yaml (`ruamel_yaml.load`,
`ruamel.yaml.YAML().load`), whose YAML 1.2 resolver reads `5e-4` as a float too. A script
that takes a config option and a seed option with a literal integer default (`--seed`, default 23) records the
seed of its runs on its own command line.

yacs defaults (`_C = CN()` of `yacs.config.CfgNode`, fvcore's or detectron2's `CfgNode`, or a class of the module
derived from one; `_C.TRAIN = CN()`, `_C.SEED = 0`): their top-level keys and the seed they fix, for the YAML
files `merge_from_file` merges onto them. yacs reads such a file with PyYAML, then decodes every string value
with `literal_eval`: `1e-8` reaches the run as a float. Files read by `merge_from_file` by literal path are kept
apart too.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern
from reprocheck.tables.config_loaders import (
    CONFIG_LOADERS,
    CONFIG_METHODS,
    CONFIG_OPTION,
    PATH_JOINS,
    PATH_READERS,
    PATH_WRAPPERS,
    PYYAML_LOADERS,
    RUAMEL_LOADERS,
    RUAMEL_MODULES,
    RUAMEL_OBJECTS,
)

MENTIONS = ("yaml", "json", "toml", "OmegaConf", "fromfile", "merge_from_file", "add_argument")


@dataclass(frozen=True)
class SeedOption:
    """A command-line option of a program that sets its seed."""

    name: str
    line: int
    default: object  # the literal default (an int when the seed is fixed), None when there is none


@dataclass
class ConfigProgram:
    """One Python module that reads configs or takes one on its command line."""

    path: str
    config_options: list[tuple[str, int]] = field(default_factory=list)  # (option, line)
    seed: SeedOption | None = None
    loads: list[tuple[str, int]] = field(default_factory=list)  # (repository path, line) read by literal path
    omegaconf_loads: list[str] = field(default_factory=list)  # repository paths read by `OmegaConf.load`
    yacs_loads: list[str] = field(default_factory=list)  # repository paths read by `cfg.merge_from_file`
    # The YAML libraries the module parses YAML with ("pyyaml", "ruamel", "omegaconf"), whatever the path.
    yaml_libraries: tuple[str, ...] = ()

    @property
    def fixed_seed(self) -> bool:
        """The seed comes from the command line with a literal non-negative integer default."""
        default = self.seed.default if self.seed is not None else None
        return isinstance(default, int) and not isinstance(default, bool) and default >= 0


@dataclass(frozen=True)
class YacsDefaults:
    """The defaults of a yacs (or fvcore, detectron2) config tree built in a module: `_C = CN()`, `_C.SEED = 0`."""

    path: str  # the module that builds them
    keys: frozenset[str]  # the top-level keys it sets (`_C.TRAIN = CN()`, `_C.SEED = 0`: TRAIN, SEED)
    seed: tuple[str, int] | None = None  # (dotted key, line) of a fixed seed default (`_C.SEED = 0`)


@dataclass
class ConfigPrograms:
    """The programs that read configs, Hydra's config folders and yacs defaults."""

    programs: list[ConfigProgram]
    hydra_dirs: dict[str, str] = field(default_factory=dict)  # config folder -> the module that reads it with Hydra
    yacs_defaults: list[YacsDefaults] = field(default_factory=list)
    merges_files: bool = False  # some module calls `merge_from_file` (a yacs/fvcore config tree reads a YAML file)

    @property
    def omegaconf_paths(self) -> set[str]:
        """Files the code reads with `OmegaConf.load` by a literal path."""
        return {path for program in self.programs for path in program.omegaconf_loads}

    @property
    def yacs_paths(self) -> dict[str, str]:
        """Files the code merges into a config tree with `merge_from_file` by a literal path -> the module."""
        return {path: program.path for program in self.programs for path in program.yacs_loads}

    def readers(self, path: str) -> list[ConfigProgram]:
        """The programs that read `path` by a literal path (a call argument or an option default)."""
        return list(self._readers.get(path, ()))

    @cached_property
    def _readers(self) -> dict[str, list[ConfigProgram]]:
        found: dict[str, list[ConfigProgram]] = {}
        for program in self.programs:
            for loaded, _ in program.loads:
                if program not in found.setdefault(loaded, []):
                    found[loaded].append(program)
        return found

    @cached_property
    def _option_takers(self) -> list[ConfigProgram]:
        return [p for p in self.programs if p.config_options]

    @property
    def loaded_paths(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for program in self.programs:
            for loaded, _ in program.loads:
                found.setdefault(loaded, []).append(program.path)
        return found

    def owners(self, path: str) -> tuple[str, ...]:
        """The scripts that run a config: its readers by literal path, else those that take a config option in a
        folder above it (any config not read by path is chosen on a command line; a script of another sub-project,
        `omni-reader/run.py`, runs that one's configs). Their code is where its runs are seeded."""
        readers = self._readers.get(path)
        if readers:
            return tuple(sorted(p.path for p in readers))
        folder = posixpath.dirname(path)
        return tuple(
            sorted(
                p.path
                for p in self._option_takers
                if not posixpath.dirname(p.path) or folder.startswith(posixpath.dirname(p.path) + "/")
            )
        )

    def reading_programs(self, path: str) -> list[ConfigProgram]:
        """The programs that may read `path`: its readers by literal path, else those that take a config option
        in a folder above it (as `owners`)."""
        readers = self._readers.get(path)
        if readers:
            return list(readers)
        folder = posixpath.dirname(path)
        return [
            p
            for p in self._option_takers
            if not posixpath.dirname(p.path) or folder.startswith(posixpath.dirname(p.path) + "/")
        ]

    def yaml12_reader(self, path: str) -> ConfigProgram | None:
        """A program that reads `path` with ruamel.yaml, when every program that may read it parses YAML with
        ruamel.yaml only (YAML 1.2: `1e-3` is a float); None when any may read it with PyYAML or OmegaConf, or
        parses it with no library the checker knows."""
        programs = self.reading_programs(path)
        if programs and all(p.yaml_libraries == ("ruamel",) for p in programs):
            return programs[0]
        return None

    def seeded_by_command_line(self, path: str) -> ConfigProgram | None:
        """The script whose command line fixes the seed of runs of this config, when one does.

        A config read by literal path belongs to its readers; any other config is chosen on a command line, so
        it belongs to the scripts that take a config option.
        """
        readers = self._readers.get(path) or self._option_takers
        return next((p for p in readers if p.fixed_seed), None)


@fact
def config_programs(project, settings, python_modules) -> ConfigPrograms:
    """Every non-test Python module that reads a config by path or takes a config option."""
    seed_names = {key.lower() for key in settings.seed_keys}
    programs = []
    hydra_dirs: dict[str, str] = {}
    yacs: list[YacsDefaults] = []
    merges = False
    for path, module in python_modules.items():
        if filekinds.is_test_path(path) or not module.mentions("CfgNode", "merge_from_file"):
            continue
        merges = merges or module.mentions("merge_from_file")
        if module.mentions("CfgNode"):
            query = f"yacs-defaults {' '.join(sorted(seed_names))}"
            kept = module.remembered(query, lambda _text, module=module: yacs_defaults_of(module, seed_names))
            if kept is not None:
                keys, seed = kept
                yacs.append(YacsDefaults(path, frozenset(keys), (seed[0], seed[1]) if seed else None))
    for path, module in python_modules.items():
        if not module.mentions(*MENTIONS, "hydra") or (filekinds.is_test_path(path) and not module.mentions("hydra")):
            continue
        calls = module.remembered("config-calls 3", lambda _text, module=module: config_calls(module))
        if calls is None:
            _ = module.tree  # unparsable: the parse records its RPC002 problem (a kept answer skipped it)
            continue
        for folder in calls["hydra"]:
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), folder.removeprefix("pkg://")))
            if not folder.startswith(".."):
                hydra_dirs.setdefault("" if folder == "." else folder, path)
        if filekinds.is_test_path(path) or not (calls["options"] or calls["loads"]):
            continue
        program = read_program(project, module, calls, seed_names)
        if program.loads or program.config_options:
            programs.append(program)
    return ConfigPrograms(programs, hydra_dirs, yacs, merges)


# The config-tree classes whose `merge_from_file` reads a YAML file with PyYAML and decodes its string values with
# `literal_eval` (yacs; fvcore's and detectron2's derive from it).
YACS_NODES = frozenset(
    {
        "yacs.config.CfgNode",
        "fvcore.common.config.CfgNode",
        "detectron2.config.CfgNode",
        "detectron2.config.config.CfgNode",
    }
)


def yacs_defaults_of(module, seed_names: set[str]) -> list | None:
    """[top-level keys, [dotted seed key, line] or None] of the yacs config tree a module builds (`_C = CN()`,
    `_C.MODEL = CN()`, `_C.SEED = 0`), JSON data; None when it builds none. The seed counts when it is fixed: a
    non-negative integer literal (detectron2's `SEED = -1` draws one per run)."""
    tree = module.tree
    if tree is None:
        return None
    node_classes = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(module.qualname(base) in YACS_NODES for base in node.bases)
    }

    def is_node(call: ast.AST) -> bool:
        if not isinstance(call, ast.Call):
            return False
        return module.qualname(call.func) in YACS_NODES or (
            isinstance(call.func, ast.Name) and call.func.id in node_classes
        )

    roots = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and is_node(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if not roots:
        return None
    keys: list[str] = []
    seed = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            chain: list[str] = []
            while isinstance(target, ast.Attribute):
                chain.append(target.attr)
                target = target.value
            if not chain or not isinstance(target, ast.Name) or target.id not in roots:
                continue
            chain.reverse()
            if chain[0] not in keys:
                keys.append(chain[0])
            name = chain[-1].lower()
            value = node.value
            fixed = isinstance(value, ast.Constant) and type(value.value) is int and value.value >= 0
            if seed is None and len(chain) <= 2 and (name in seed_names or name.endswith("_seed")) and fixed:
                seed = [".".join(chain), node.lineno]
    return [keys, seed] if keys else None


# Hydra calls that name the folder of the configs it composes: `@hydra.main(config_path=...)` (also its first
# positional argument) and `hydra.initialize(config_path=...)`; the path is relative to the calling module.
HYDRA_CONFIG_CALLS = frozenset({"hydra.main", "hydra.initialize", "hydra.experimental.initialize"})


def hydra_config_paths(module) -> list[str]:
    """The `config_path` values (relative to the module) of the module's Hydra calls."""
    found: list[str] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call) or module.qualname(node.func) not in HYDRA_CONFIG_CALLS:
            continue
        first = node.args[0] if node.args else None
        value = next((k.value for k in node.keywords if k.arg == "config_path"), first)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and not value.value.startswith("/"):
            found.append(value.value)
    return found


# What a program that reads a config by literal path or takes a config option must contain: a string literal
# ending in a config format, or a config flag. Most modules that import json or yaml contain neither, and are
# never parsed for this (on large repositories the parse was most of the run).
CONFIG_TEXT = lazy_pattern(
    r"""\.(?:ya?ml|json|toml)['"]|['"]--?(?:config|configs|cfg|conf|base|hparams|hyp|params)"""
    r"""(?:[-_]?(?:file|path|name|files))?['"]"""
)


def may_read_configs(text: str | None) -> bool:
    return bool(text) and CONFIG_TEXT.search(text) is not None


def config_calls(module) -> dict | None:
    """What the module's own text says about configs, before any path is looked up in the repository (JSON
    data, kept between runs for the file): its argparse options (flags, line, literal default when it is a
    string or an integer), its config loads by literal path (path, line, through OmegaConf), its Hydra config
    folders and the YAML libraries it parses YAML with. None when the module does not parse."""
    found: dict[str, list] = {"options": [], "loads": [], "hydra": [], "yaml": []}
    hydra = module.mentions("hydra")
    configs = module.mentions(*MENTIONS) and may_read_configs(module.text)
    if not (hydra or configs):
        return found  # most modules that import json or yaml: never parsed for this
    if module.tree is None:
        return None
    if hydra:
        found["hydra"] = hydra_config_paths(module)
    if not configs:
        return found
    names = literal_names(module)
    adders = option_adders(module)
    found["yaml"] = yaml_libraries(module)
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "add_argument") or (
            isinstance(func, ast.Name) and func.id in adders
        ):
            flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            default_node = next((k.value for k in node.keywords if k.arg == "default"), None)
            default = default_node.value if isinstance(default_node, ast.Constant) else None
            found["options"].append([flags, node.lineno, default if type(default) in (int, str) else None])
        elif is_config_loader(module, node) and node.args:
            value = literal_path(module, node.args[0], names)
            omegaconf = module.qualname(node.func) == "omegaconf.OmegaConf.load"
            merged = isinstance(node.func, ast.Attribute) and node.func.attr == "merge_from_file"
            found["loads"].append([value, node.lineno, omegaconf, merged])
    return found


def yaml_libraries(module) -> list[str]:
    """The YAML libraries whose loaders the module calls: "pyyaml" (`yaml.safe_load`), "omegaconf"
    (`OmegaConf.load`), "ruamel" (`ruamel_yaml.load`, `ruamel.yaml.YAML(...).load`), sorted."""
    found: set[str] = set()
    ruamel_object = False
    object_loads = False
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        name = module.qualname(node.func)
        if name in PYYAML_LOADERS:
            found.add("pyyaml")
        elif name == "omegaconf.OmegaConf.load":
            found.add("omegaconf")
        elif name and name.startswith(RUAMEL_MODULES) and name.rsplit(".", 1)[-1] in RUAMEL_LOADERS:
            found.add("ruamel")
        elif name in RUAMEL_OBJECTS:
            ruamel_object = True
        elif name is None and isinstance(node.func, ast.Attribute) and node.func.attr in ("load", "load_all"):
            object_loads = True  # `yaml.load(f)` on a loader object (or on anything else)
    if ruamel_object and object_loads:
        found.add("ruamel")
    return sorted(found)


def read_program(project, module, calls: dict, seed_names: set[str]) -> ConfigProgram:
    program = ConfigProgram(module.path, yaml_libraries=tuple(calls.get("yaml", ())))
    for flags, line, default in calls["options"]:
        read_option(project, module, program, flags, line, default, seed_names)
    for value, line, omegaconf, merged in calls["loads"]:
        loaded = add_load(project, module, program, value, line)
        if loaded and omegaconf:
            program.omegaconf_loads.append(loaded)
        if loaded and merged:
            program.yacs_loads.append(loaded)
    return program


def option_adders(module) -> set[str]:
    """Names bound to a parser's method: `arg = parser.add_argument` (then `arg("--seed", default=1)`)."""
    return {
        target.id
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr == "add_argument"
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def is_config_loader(module, call: ast.Call) -> bool:
    if isinstance(call.func, ast.Attribute) and call.func.attr in CONFIG_METHODS:
        return True
    return module.qualname(call.func) in CONFIG_LOADERS


def read_option(project, module, program: ConfigProgram, flags, line: int, default, seed_names: set[str]) -> None:
    """An argparse option: a config option (its literal default is a load) or the seed option."""
    for flag in flags:
        if CONFIG_OPTION.match(flag):
            program.config_options.append((flag, line))
            if isinstance(default, str):
                add_load(project, module, program, default, line)
            return
        dest = flag.lstrip("-").replace("-", "_").lower()
        if flag.startswith("--") and (dest in seed_names or dest.endswith("_seed") or dest == "manualseed"):
            program.seed = SeedOption(flag, line, default)
            return


def literal_names(module) -> dict[str, str]:
    """Names bound once to a literal path: `path = "config.yaml"`, `with open("config.yaml") as f`."""
    found: dict[str, str | None] = {}

    def bind(target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            text = literal_path(module, value, {})
            found[target.id] = text if target.id not in found or found[target.id] == text else None

    for node in ast.walk(module.tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            bind(node.targets[0], node.value)
        elif isinstance(node, ast.With):
            for item in node.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, item.context_expr)
    return {name: text for name, text in found.items() if text}


def literal_path(module, node: ast.AST, names: dict[str, str]) -> str | None:
    """The literal path an expression opens or names, when it is written in the code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # Path(__file__).parent / "config.yaml"
        return literal_path(module, node.right, names)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in PATH_READERS:
            return literal_path(module, func.value, names)
        wrapper = func.id if isinstance(func, ast.Name) else module.qualname(func)
        if wrapper in PATH_WRAPPERS and node.args:
            return literal_path(module, node.args[0], names)
        if wrapper in PATH_JOINS and node.args:  # os.path.join(os.path.dirname(__file__), "config.yaml")
            return literal_path(module, node.args[-1], names)
    return None


def add_load(project, module, program: ConfigProgram, value: str | None, line: int) -> str | None:
    """Record a load of a repository file (relative to the root, where scripts run, or to the module)."""
    if not value or value.startswith("/") or "{" in value or "\n" in value:
        return None
    for base in ("", posixpath.dirname(module.path)):
        candidate = posixpath.normpath(posixpath.join(base, value))
        if not candidate.startswith("..") and project.exists(candidate):
            program.loads.append((candidate, line))
            return candidate
    return None

"""Which configs the Python code reads by path, and which scripts take a config and a fixed seed on their command line.

Read from the shared Python modules (never executed, never parsed twice): a call of a config loader
(`yaml.safe_load`, `OmegaConf.load`, `json.load`, `Config.fromfile`, `cfg.merge_from_file`, ...) whose argument is
a literal path, `open(<literal>)`, `Path(<literal>)`, a literal last part (`Path(__file__).parent / "config.yaml"`,
`os.path.join(here, "config.yaml")`, tried from the root and from the module's folder), a name bound to one of
these (`with open("config.yaml") as f`), and the literal default of an argparse option that takes a config
(`--config`, `--cfg`, `--base`, ...). Which files are read through OmegaConf is kept apart (its YAML loader reads
`5e-4` as a float, PyYAML as a string): files read by `OmegaConf.load` and the folders Hydra reads configs from
(`@hydra.main(config_path="configs")`, `hydra.initialize(config_path=...)`, relative to the module). A script
that takes a config option and a seed option with a literal integer default (`--seed`, default 23) records the
seed of its runs on its own command line.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.tables.config_loaders import (
    CONFIG_LOADERS,
    CONFIG_METHODS,
    CONFIG_OPTION,
    PATH_JOINS,
    PATH_READERS,
    PATH_WRAPPERS,
)

MENTIONS = ("yaml", "json", "toml", "OmegaConf", "fromfile", "merge_from_file", "add_argument")


@dataclass(frozen=True)
class SeedOption:
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

    @property
    def fixed_seed(self) -> bool:
        """The seed comes from the command line with a literal non-negative integer default."""
        default = self.seed.default if self.seed is not None else None
        return isinstance(default, int) and not isinstance(default, bool) and default >= 0


@dataclass
class ConfigPrograms:
    programs: list[ConfigProgram]
    hydra_dirs: dict[str, str] = field(default_factory=dict)  # config folder -> the module that reads it with Hydra

    @property
    def omegaconf_paths(self) -> set[str]:
        """Files the code reads with `OmegaConf.load` by a literal path."""
        return {path for program in self.programs for path in program.omegaconf_loads}

    def readers(self, path: str) -> list[ConfigProgram]:
        """The programs that read `path` by a literal path (a call argument or an option default)."""
        return [p for p in self.programs if any(loaded == path for loaded, _ in p.loads)]

    @property
    def loaded_paths(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for program in self.programs:
            for loaded, _ in program.loads:
                found.setdefault(loaded, []).append(program.path)
        return found

    def seeded_by_command_line(self, path: str) -> ConfigProgram | None:
        """The script whose command line fixes the seed of runs of this config, when one does.

        A config read by literal path belongs to its readers; any other config is chosen on a command line, so
        it belongs to the scripts that take a config option.
        """
        readers = self.readers(path) or [p for p in self.programs if p.config_options]
        return next((p for p in readers if p.fixed_seed), None)


@fact
def config_programs(project, settings, python_modules) -> ConfigPrograms:
    """Every non-test Python module that reads a config by path or takes a config option."""
    seed_names = {key.lower() for key in settings.seed_keys}
    programs = []
    for path, module in python_modules.items():
        if (
            filekinds.is_test_path(path)
            or not module.mentions(*MENTIONS)
            or not module.remembered("may-read-configs", may_read_configs)
        ):
            continue
        if module.tree is None:
            continue
        program = read_program(project, module, seed_names)
        if program.loads or program.config_options:
            programs.append(program)
    return ConfigPrograms(programs, hydra_config_dirs(project, python_modules))


# Hydra calls that name the folder of the configs it composes: `@hydra.main(config_path=...)` (also its first
# positional argument) and `hydra.initialize(config_path=...)`; the path is relative to the calling module.
HYDRA_CONFIG_CALLS = frozenset({"hydra.main", "hydra.initialize", "hydra.experimental.initialize"})


def hydra_config_dirs(project, python_modules) -> dict[str, str]:
    """Repository folders Hydra reads configs from (so OmegaConf's YAML loader reads them), with the reader."""
    found: dict[str, str] = {}
    for path, module in python_modules.items():
        if not module.mentions("hydra") or module.tree is None:
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call) or module.qualname(node.func) not in HYDRA_CONFIG_CALLS:
                continue
            first = node.args[0] if node.args else None
            value = next((k.value for k in node.keywords if k.arg == "config_path"), first)
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                continue
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), value.value.removeprefix("pkg://")))
            if not folder.startswith("..") and not value.value.startswith("/"):
                found.setdefault("" if folder == "." else folder, path)
    return found


# What a program that reads a config by literal path or takes a config option must contain: a string literal
# ending in a config format, or a config flag. Most modules that import json or yaml contain neither, and are
# never parsed for this (on large repositories the parse was most of the run).
CONFIG_TEXT = re.compile(
    r"""\.(?:ya?ml|json|toml)['"]|['"]--?(?:config|configs|cfg|conf|base|hparams|hyp|params)"""
    r"""(?:[-_]?(?:file|path|name|files))?['"]"""
)


def may_read_configs(text: str | None) -> bool:
    return bool(text) and CONFIG_TEXT.search(text) is not None


def read_program(project, module, seed_names: set[str]) -> ConfigProgram:
    program = ConfigProgram(module.path)
    names = literal_names(module)
    adders = option_adders(module)
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "add_argument") or (
            isinstance(func, ast.Name) and func.id in adders
        ):
            read_option(project, module, program, node, seed_names)
        elif is_config_loader(module, node) and node.args:
            value = literal_path(module, node.args[0], names)
            loaded = add_load(project, module, program, value, node.lineno)
            if loaded and module.qualname(node.func) == "omegaconf.OmegaConf.load":
                program.omegaconf_loads.append(loaded)
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


def read_option(project, module, program: ConfigProgram, call: ast.Call, seed_names: set[str]) -> None:
    """An argparse option: a config option (its literal default is a load) or the seed option."""
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    default_node = next((k.value for k in call.keywords if k.arg == "default"), None)
    default = default_node.value if isinstance(default_node, ast.Constant) else None
    for flag in flags:
        if CONFIG_OPTION.match(flag):
            program.config_options.append((flag, call.lineno))
            if isinstance(default, str):
                add_load(project, module, program, default, call.lineno)
            return
        dest = flag.lstrip("-").replace("-", "_").lower()
        if flag.startswith("--") and (dest in seed_names or dest.endswith("_seed") or dest == "manualseed"):
            program.seed = SeedOption(flag, call.lineno, default)
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

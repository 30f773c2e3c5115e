"""How Python code reads experiment configs by path, and how a script takes a config and a seed: as data.

`CONFIG_LOADERS` are qualified names (as the Python facts resolve them through imports) whose first argument is
the config (a path, an open file, or text read from one). `CONFIG_METHODS` are method names that read a config
file into an object (yacs and detectron2 `cfg.merge_from_file(path)`). Command-line options whose name matches
`CONFIG_OPTION` take a config path; a seed option is one whose name is a seed key.
"""

from __future__ import annotations

from reprocheck.patterns import lazy_pattern

# Which YAML library a module parses YAML with, by the qualified name of the call. PyYAML resolves plain scalars
# by YAML 1.1 (`1e-3` is a string, `on` a boolean); ruamel.yaml (`ruamel.yaml`, or the `ruamel_yaml` package of
# conda) by YAML 1.2 unless a file says `%YAML 1.1`: `1e-3` is a float, `on`, `1:30` and `010` are no traps.
PYYAML_LOADERS = frozenset(
    {
        "yaml.safe_load",
        "yaml.load",
        "yaml.full_load",
        "yaml.unsafe_load",
        "yaml.safe_load_all",
        "yaml.load_all",
        "yaml.full_load_all",
        "yaml.unsafe_load_all",
    }
)
RUAMEL_MODULES = ("ruamel.yaml.", "ruamel_yaml.")
RUAMEL_LOADERS = frozenset({"load", "safe_load", "round_trip_load", "load_all", "safe_load_all", "round_trip_load_all"})
# Calls that load a config from a path: PyYAML's and ruamel.yaml's loaders (above), JSON, TOML, OmegaConf, mmcv.
CONFIG_LOADERS = (
    PYYAML_LOADERS
    | {f"{module}{name}" for module in RUAMEL_MODULES for name in RUAMEL_LOADERS}
    | {
        "json.load",
        "toml.load",
        "tomllib.load",
        "tomli.load",
        "omegaconf.OmegaConf.load",
        "mmcv.Config.fromfile",
        "mmengine.Config.fromfile",
        "mmengine.config.Config.fromfile",
    }
)
CONFIG_METHODS = frozenset({"merge_from_file"})
# `yaml = ruamel.yaml.YAML(typ="safe")` then `yaml.load(f)`: the loader object of the new API.
RUAMEL_OBJECTS = frozenset({"ruamel.yaml.YAML", "ruamel.yaml.main.YAML", "ruamel_yaml.YAML", "ruamel_yaml.main.YAML"})
# Wrappers that turn a path into something a loader reads: `open(p)`, `Path(p)`, `Path(p).read_text()`.
PATH_WRAPPERS = frozenset({"open", "io.open", "pathlib.Path", "Path", "codecs.open"})
PATH_READERS = frozenset({"read_text", "open", "read"})
PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
# `--config`, `--cfg`, `--config-file`, `--config_path`, `--base` (stacked configs), `--hparams`, `--hyp`.
CONFIG_OPTION = lazy_pattern(r"^--?(config|configs|cfg|conf|base|hparams|hyp|params)([-_]?(file|path|name|files))?$")
# A file loaded from code is an experiment config when its name says so (a data file like `labels.json` is not).
CONFIG_STEM = lazy_pattern(r"config|cfg|conf|hparam|hyperparam|hyp|param|setting|experiment|option|args")
# Folders of pretrained artefacts: a config shipped there describes the weights, not an experiment.
ARTEFACT_DIRS = frozenset({"models", "weights", "checkpoints", "pretrained", "ckpt", "ckpts"})

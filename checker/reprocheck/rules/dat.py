"""DAT: data and model artifacts in git, DVC hygiene, and remote models or datasets fetched without a pin."""

from __future__ import annotations

import ast
import os
import posixpath
import re
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from reprocheck import filekinds
from reprocheck.facts.entrypoints import python_target
from reprocheck.facts.git_facts import POINTER_MAX_BYTES
from reprocheck.facts.notebooks import load_notebook
from reprocheck.facts.randomness import option_dest
from reprocheck.facts.reachability import Unit
from reprocheck.facts.shell import Command, split_commands, strip_wrappers
from reprocheck.findings import Finding, Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import HUB_REVISION, Rule
from reprocheck.tables import loaders as table

# DAT002: suffixes of data and model artifacts (compression suffixes are looked through: `x.csv.gz`).
ARTIFACT_SUFFIXES = frozenset(
    {
        ".csv",
        ".tsv",
        ".parquet",
        ".feather",
        ".arrow",
        ".h5",
        ".hdf5",
        ".npy",
        ".npz",
        ".pt",
        ".pth",
        ".ckpt",
        ".safetensors",
        ".onnx",
        ".pkl",
        ".pickle",
        ".joblib",
        ".tfrecord",
    }
)
ZARR_STORE = lazy_pattern(r"^(.*?[^/]+\.zarr)/")
COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4")

# DAT004: programs other than Python that run the script given as an argument (Python commands are read by
# entrypoints.python_target), and config suffixes.
OTHER_INTERPRETER = lazy_pattern(r"^(Rscript|R|bash|sh|zsh|julia|node|perl|ruby|papermill)$")
CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".conf")
HYDRA_PATH_OPTIONS = ("--config-path", "-cp", "--config-dir", "-cd")
HYDRA_NAME_OPTIONS = ("--config-name", "-cn")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def artifact_suffix(rel: str) -> str | None:
    """The artifact suffix of `rel` (`.csv` for `x.csv.gz`), or None."""
    name = posixpath.basename(rel).lower()
    for suffix in COMPRESSED:
        if name.endswith(suffix) and name.count(".") >= 2:
            name = name[: -len(suffix)]
            break
    suffix = posixpath.splitext(name)[1]
    return suffix if suffix in ARTIFACT_SUFFIXES else None


def large_for_its_outputs(project, rel: str, size: int, limit: int) -> bool:
    """A notebook under the limit once its outputs are stripped: NB001's business, not data for DVC/LFS."""
    if not filekinds.is_notebook(rel):
        return False
    notebook = load_notebook(project, rel)
    return notebook is not None and size - notebook.output_size <= limit


# Text files up to this size are measured by what git stores (zlib-compressed); larger ones by their raw size.
TEXT_MEASURE_LIMIT = 32 * 1024 * 1024
GIT_ZLIB_LEVEL = 6  # git's default core.compression (zlib's default)


def stored_text_size(project, rel: str, size: int) -> int | None:
    """What a text file costs the repository: git stores each blob zlib-compressed, and text (a small dataset
    split, a vocabulary) shrinks several-fold. None for binary files (weights, images and archives gain little)
    and for files too large to read."""
    if size > TEXT_MEASURE_LIMIT:
        return None
    try:
        data = project.read_bytes(rel, TEXT_MEASURE_LIMIT)
    except UnreadableFile:
        return None
    if b"\0" in data[:8000]:  # git's own test for binary content
        return None
    return len(zlib.compress(data, GIT_ZLIB_LEVEL))


def small_once_stored(project, rel: str, size: int, limit: int) -> bool:
    stored = stored_text_size(project, rel, size)
    return stored is not None and stored <= limit


def lfs_advice(rel: str) -> str:
    return f'`git lfs migrate import --include="{rel}"` (or `git rm --cached` it and `dvc add` it)'


class LargeFile(Rule):
    """
    ## What it does
    Reports a file tracked by git above the size limit (`max-file-size`, default 1 MiB) that is not a Git LFS
    or DVC pointer. Sizes are the committed blob sizes, so a large file stored through LFS counts as its small
    pointer, while a file committed before `git lfs track` (matching an LFS pattern but stored as a regular
    blob) is still reported. Outside git the file system sizes are used and LFS patterns are trusted. A text
    file counts at the size git stores it (zlib-compressed), so a 1.3 MiB dataset split that git keeps in
    300 KiB is not large; binary files (weights, images, archives) count at their size.

    Files are judged by what they are for: documentation media (an image or video that a README or the docs
    link to, or one under a `docs`/`assets`/`images`/`figures` folder outside a data folder), test fixtures,
    package data (a file inside a Python package that `package_data`, `[tool.setuptools.package-data]`,
    `setup.cfg` or MANIFEST.in declares, or that a module beside it names), files that the docs, code or
    notebooks fetch by their raw GitHub URL, documents (slides, papers, posters: a PDF or presentation in a
    `slides/`, `paper/` or `docs/` folder, or named so, outside a data folder), illustrations (images in a folder
    outside a data folder that holds only a few images and write-ups, none of them shown by the docs), inputs of
    the documented examples (tables, arrays and model files of at most 4 MiB under an `examples/` folder), and
    notebooks below the limit once their outputs are stripped (NB001's business) belong in git and are not
    reported.

    ## Why it matters
    Large blobs stay in the history forever: every clone downloads them, CI slows down, and hosting limits
    (100 MB on GitHub) make pushes fail. Data and weights versioned this way cannot be swapped or fetched on
    demand, and usually are not the version the code expects.

    ## Example
    ```text
    data/train.csv          340.2 MiB
    models/best.ckpt        1.3 GiB
    ```

    ## Fix
    Track such files with DVC (`dvc add data/train.csv`, commit the `.dvc` file) or Git LFS
    (`git lfs track "*.ckpt"`), remove them from the index (`git rm --cached`), and rewrite history if they were
    pushed (`git lfs migrate import`). Raise `max-file-size` if the limit is too strict for the project.
    """

    code = "DAT001"
    name = "large-file-in-git"
    severity = Severity.ERROR
    summary = "A file tracked by git above the size limit that is not an LFS or DVC pointer"
    preview = (
        "sampled findings judged worth acting on: 0 of 16 (9 repositories): the files over the limit were "
        "slides, README images, lookup tables and small example datasets kept in git on purpose"
    )

    def check(self, project, settings, git_facts, data_file_purposes):
        limit = settings.max_file_size
        if git_facts.in_git:
            sized = sorted(git_facts.sizes.items())
        else:
            sized = [(rel, git_facts.size(rel)) for rel in project.files]
        large = [
            (rel, size)
            for rel, size in sized
            if size is not None
            and size > limit
            and not data_file_purposes.purpose(rel)
            and not large_for_its_outputs(project, rel, size, limit)
            and not small_once_stored(project, rel, size, limit)
        ]
        small_enough_for_pointers = [rel for rel, size in large if size < POINTER_MAX_BYTES]
        pointers = git_facts.lfs_pointers(small_enough_for_pointers) if small_enough_for_pointers else {}
        for rel, size in large:
            if rel in pointers:
                continue
            lfs = git_facts.is_lfs_tracked(rel)
            if lfs and not git_facts.in_git:
                continue  # committing it would store it in LFS
            where = f"{human_size(size)} in git (limit {human_size(limit)})"
            if lfs:
                message = (
                    f"{rel} matches an LFS pattern in .gitattributes but is committed as a regular {where}; "
                    f"move it to LFS with {lfs_advice(rel)}"
                )
            else:
                message = f"{rel} is {where}; track it with DVC (`dvc add`) or Git LFS instead of committing it"
            yield self.finding(message, rel)


class ArtifactInGit(Rule):
    """
    ## What it does
    Reports data and model artifacts tracked in git whatever their size (`.csv .tsv .parquet .feather .arrow
    .h5 .hdf5 .npy .npz .pt .pth .ckpt .safetensors .onnx .pkl .pickle .joblib .tfrecord .zarr`, also
    compressed as `.gz`, `.bz2`, `.xz`, `.zst`, `.zip`), except Git LFS pointers, test fixtures (the
    `fixture-dirs`, default `tests/fixtures/`, `tests/data/`, `testdata/`, ..., and any file under a test folder
    such as `tests/`, `test_data/` or `integration-test/`), package data (a file inside a Python package that the
    package declares as package data or that a module beside it names; it ships in the wheel), files that the
    docs, code or notebooks fetch by their raw GitHub URL (`raw.githubusercontent.com/<owner>/<repo>/main/
    datasets/dataset.csv`: moving them would break that URL), small tables of published results (a `.csv`,
    `.tsv` or `.json` of at most 1 MiB in a folder such as `results/`, `eval_results/`, `scores/` or the docs), split
    definitions (a `.csv` or `.tsv` of at most 1 MiB in a folder such as `folds/`, `splits/` or `cv_folds/`, or
    named for a split or fold such as `fold_3.csv`, `train_ids.csv` or `list_valid0.csv`, whose rows each hold one
    id or path, or an id and its fold number or split name, with an optional `id,fold` header: committing them is
    what makes the split reproducible; a table with measurements, text or other columns is data), inputs of the
    documented examples (tables, arrays and model files of at most 4 MiB under an `examples/` folder), page
    indexes (a course's `meta.csv` whose rows name the pages of its folder, read by a site generator), DVC
    stage outputs marked `cache: false` (metrics, plots, reports) and the metric logs DVCLive writes under
    `dvclive/` (`.tsv`, `.json`), which DVC expects git to keep. Nor in the template of a generated project
    (`{{ cookiecutter.repo_name }}/data/iris.csv`: sample data that a starter ships; the `template` role).
    Three or more artifacts of one folder are one finding (one `dvc add <folder>` versions them all; the other
    files are related locations).

    ## Why it matters
    Artifacts change independently of the code: versioned in git they grow the history with every revision,
    cannot be fetched selectively, and silently drift from the pipeline that should produce them. Pickles and
    checkpoints are also code that runs when loaded.

    ## Example
    ```text
    data/processed/features.parquet
    models/classifier.joblib
    ```

    ## Fix
    Version artifacts with DVC (`dvc add`, or as outputs of a `dvc.yaml` stage) or Git LFS, and `git rm --cached`
    them. Small files that tests read belong under a fixture folder; add yours to `fixture-dirs`.
    """

    code = "DAT002"
    name = "artifact-in-git"
    severity = Severity.WARNING
    summary = "A data or model artifact tracked in git"
    preview = (
        "sampled findings judged worth acting on: 0 of 36 (15 repositories): small label files, metric logs, "
        "lookup tables and example data that belong in git"
    )

    def check(self, project, settings, git_facts, dvc, data_file_purposes):
        files = sorted(git_facts.sizes) if git_facts.in_git else project.files
        in_git_on_purpose = [out.path for stage in dvc.stages for out in stage.outs if not out.cache]
        candidates: list[tuple[str, str]] = []
        stores: dict[str, str] = {}
        for rel in files:
            store = ZARR_STORE.match(rel)
            if store is not None:
                stores.setdefault(store.group(1), rel)
                continue
            suffix = artifact_suffix(rel)
            if suffix is not None:
                candidates.append((rel, suffix))
        candidates += [(first, ".zarr") for store, first in stores.items()]
        candidates = [
            (rel, s)
            for rel, s in candidates
            if not data_file_purposes.purpose(rel) and not covered(rel, in_git_on_purpose)
        ]
        if not candidates:
            return
        pointers = git_facts.lfs_pointers([rel for rel, _ in candidates])
        by_folder: dict[str, list[tuple[str, str]]] = {}
        for rel, suffix in sorted(candidates):
            if rel in pointers or (not git_facts.in_git and git_facts.is_lfs_tracked(rel)):
                continue
            if suffix == ".zarr":
                name = ZARR_STORE.match(rel).group(1)
                yield self.finding(
                    f"zarr store {name} is tracked in git; version it with DVC (`dvc add {name}`) instead", rel
                )
                continue
            if git_facts.is_lfs_tracked(rel):
                yield self.artifact(rel, suffix, git_facts, lfs_advice(rel))
                continue
            by_folder.setdefault(posixpath.dirname(rel), []).append((rel, suffix))
        for folder, artifacts in by_folder.items():
            if len(artifacts) < FOLD_FOLDER_AT or not folder:
                for rel, suffix in artifacts:
                    advice = "track it with DVC (`dvc add`) or Git LFS, or keep test fixtures under a fixture folder"
                    yield self.artifact(rel, suffix, git_facts, advice)
                continue
            # One `dvc add <folder>` versions them all (fold lists, a folder of checkpoints): one finding.
            names = [posixpath.basename(rel) for rel, _ in artifacts]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            sizes = [git_facts.size(rel) for rel, _ in artifacts]
            total = f", {human_size(sum(sizes))} in all" if None not in sizes else ""
            yield self.finding(
                f"{len(artifacts)} data/model artifacts in {folder}/ are tracked in git ({shown}{total}); track the "
                f"folder with DVC (`dvc add {folder}`) or Git LFS, or keep test fixtures under a fixture folder",
                artifacts[0][0],
                related=[Location(rel) for rel, _ in artifacts[1:]],
            )

    def artifact(self, rel: str, suffix: str, git_facts, advice: str):
        size = git_facts.size(rel)
        shown = f"{suffix}, {human_size(size)}" if size is not None else suffix
        return self.finding(f"{rel} is a data/model artifact ({shown}) tracked in git; {advice}", rel)


FOLD_FOLDER_AT = 3  # artifacts of one folder reported as one finding from this many on


# -- DVC ------------------------------------------------------------------------------------------
def tracked_under(project, path: str, tracked_sorted: list[str]) -> bool:
    """Whether git tracks `path` itself or anything below it."""
    if project.is_tracked(path):
        return True
    prefix = path + "/"
    index = bisect_left(tracked_sorted, prefix)
    return index < len(tracked_sorted) and tracked_sorted[index].startswith(prefix)


PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore", "README.md", "README"})


def produced(project, path: str, tracked_sorted: list[str]) -> bool:
    """Whether an output exists with real content (placeholder files such as `.gitkeep` do not count)."""
    full = project.abspath(path)
    if os.path.isfile(full):
        return True
    for _folder, _dirs, names in os.walk(full):  # stops at the first real file
        if any(name not in PLACEHOLDERS for name in names):
            return True
    prefix = path + "/"
    for rel in tracked_sorted[bisect_left(tracked_sorted, prefix) :]:
        if not rel.startswith(prefix):
            break
        if posixpath.basename(rel) not in PLACEHOLDERS:
            return True
    return project.is_tracked(path)


def first_output(project, pipeline, tracked_sorted: list[str]) -> str | None:
    """An output of the pipeline that exists (in the work tree or in git): evidence that it has been run."""
    for stage in pipeline.stages:
        for out in stage.outs:
            if produced(project, out.path, tracked_sorted):
                return out.path
    return None


class DvcHygiene(Rule):
    """
    ## What it does
    Checks what DVC needs to reproduce a pipeline for someone else, reading `dvc.yaml`, `dvc.lock`,
    `.dvc/config` and `*.dvc` files without running dvc:
    - a `dvc.yaml` whose pipeline has been run (one of its outputs exists, in the work tree or in git) but no
      tracked `dvc.lock` beside it; a pipeline never run yet, as in a freshly generated project, has nothing to
      lock;
    - DVC-tracked data (a `*.dvc` file, or the cached outputs of a pipeline that has been run) but no default
      remote in `.dvc/config` (`[core] remote = ...`), or a default remote that is not defined there;
    - a path tracked by a `*.dvc` file that git does not ignore (or even tracks).

    ## Why it matters
    `dvc.lock` records the exact hashes of every stage's inputs and outputs: without it in git nobody can tell
    which data produced the results, and `dvc repro` reruns everything. Without a shared default remote,
    `dvc pull` has nowhere to fetch from. A DVC-tracked path that git does not ignore ends up committed twice.

    ## Example
    ```ini
    # .dvc/config
    [core]
        autostage = true
    ```

    ## Fix
    Commit `dvc.lock`; configure and commit a remote with `dvc remote add -d storage s3://bucket/path`; keep
    the `.gitignore` entries `dvc add` writes (`/train.csv` beside `train.csv.dvc`) and `git rm --cached`
    the data.
    """

    code = "DAT003"
    name = "dvc-hygiene"
    severity = Severity.WARNING
    summary = "DVC pipeline without a committed lock, no default remote, or DVC data not git-ignored"

    def check(self, project, dvc, git_facts):
        tracked_sorted = sorted(project.tracked) if project.tracked is not None else []
        for pipeline in dvc.pipelines:
            if not pipeline.stages:
                continue
            if not project.exists(pipeline.lock_path):
                produced = first_output(project, pipeline, tracked_sorted)
                if produced is None:
                    continue  # never run yet (a freshly generated project): nothing to lock
                yield self.finding(
                    f"{pipeline.path} has produced {produced} but has no {pipeline.lock_path}; commit the "
                    f"{pipeline.lock_path} that `dvc repro` writes",
                    pipeline.path,
                    1,
                )
            elif not project.is_tracked(pipeline.lock_path):
                yield self.finding(
                    f"{pipeline.lock_path} is not committed; `git add {pipeline.lock_path}` so the pipeline's "
                    "data versions are recorded",
                    pipeline.lock_path,
                    1,
                )
        yield from self.check_remote(project, dvc, tracked_sorted)
        for pointer in dvc.pointer_files:
            for out in pointer.outs:
                if project.in_git and tracked_under(project, out.path, tracked_sorted):
                    yield self.finding(
                        f"{out.path} is tracked by {pointer.path} and by git; `git rm -r --cached {out.path}` "
                        "and git-ignore it",
                        pointer.path,
                        out.line,
                    )
                elif not git_facts.is_ignored(out.path, directory=True):
                    name = posixpath.basename(out.path)
                    folder = posixpath.dirname(out.path)
                    where = f"{folder}/.gitignore" if folder else ".gitignore"
                    yield self.finding(
                        f"{out.path} is tracked by {pointer.path} but not git-ignored; add `/{name}` to {where}",
                        pointer.path,
                        out.line,
                    )

    def check_remote(self, project, dvc, tracked_sorted: list[str]):
        # data DVC keeps: a `*.dvc` pointer, or the cached outputs of a pipeline that has been run (a pipeline never
        # run has produced nothing to push or pull yet)
        has_data = bool(dvc.pointer_files) or any(
            any(out.cache for stage in pipeline.stages for out in stage.outs)
            and (project.exists(pipeline.lock_path) or first_output(project, pipeline, tracked_sorted) is not None)
            for pipeline in dvc.pipelines
        )
        if not has_data:
            return
        config = dvc.config
        if config is None:
            anchor = dvc.pointer_files[0].path if dvc.pointer_files else dvc.pipelines[0].path
            yield self.finding(
                "DVC-tracked data but no committed .dvc/config with a default remote; run "
                "`dvc remote add -d <name> <url>` and commit .dvc/config",
                anchor,
                1,
            )
        elif not project.is_tracked(config.path):
            yield self.finding(
                f"{config.path} is not committed, so nobody else knows the DVC remote; `git add {config.path}`",
                config.path,
                1,
            )
        elif config.default_remote is None:
            yield self.finding(
                "no default DVC remote in .dvc/config, so `dvc pull`/`dvc push` have nowhere to go; run "
                "`dvc remote add -d <name> <url>`",
                config.path,
                1,
            )
        elif config.default_remote not in config.remotes:
            yield self.finding(
                f"default DVC remote {config.default_remote!r} is not defined in .dvc/config (perhaps only in the "
                "untracked config.local); define it with `dvc remote add`",
                config.path,
                config.default_remote_line,
            )


@dataclass(frozen=True)
class StageInput:
    """A script or config a DVC stage reads."""

    kind: str  # "script" | "config"
    path: str  # root-relative
    line: int


def python_module_file(module: str, module_index) -> str | None:
    for name in (f"{module}.__main__", module):
        paths = module_index.get(name)
        if paths:
            return paths[0]
    return None


def stage_inputs(stage, project, module_index) -> Iterator[StageInput]:
    """Scripts a stage's commands run and config files they name, as root-relative paths that exist."""

    def existing(arg: str) -> str | None:
        if not arg or "${" in arg or "://" in arg or arg.startswith("-"):
            return None
        path = stage.resolve(arg)
        return path if project.exists(path) else None

    for line, text in stage.commands:
        for command in split_commands(text, first_line=line):
            argv = strip_wrappers(command.argv)
            if not argv:
                continue
            script_at, script = script_of(argv, existing, module_index)
            if script is not None:
                yield StageInput("script", script, command.line)
            rest = argv[(script_at or 0) + 1 :]
            yield from config_arguments(rest, script, existing, project.exists, command.line)


def script_of(argv: list[str], existing, module_index) -> tuple[int | None, str | None]:
    """(index in argv, root-relative path) of the script a command runs, if it is a file of the project.

    Python commands (`python x.py`, `-m pkg`, `uv run`, `torchrun`, `accelerate launch`, ...) are read by
    :func:`~reprocheck.facts.entrypoints.python_target`, as entry points are; other interpreters here.
    """
    if existing(argv[0]):
        return 0, existing(argv[0])
    target = python_target(argv)
    if target is not None:
        kind, name = target
        at = next((i for i, arg in enumerate(argv) if arg in (name, f"-m{name}")), None)
        return at, python_module_file(name, module_index) if kind == "module" else existing(name)
    if not OTHER_INTERPRETER.match(posixpath.basename(argv[0])):
        return None, None
    for i, arg in enumerate(argv[1:], start=1):
        if arg in ("-c", "-e"):
            break
        if existing(arg) and not arg.endswith(CONFIG_SUFFIXES):
            return i, existing(arg)
    return None, None


def config_arguments(args: list[str], script: str | None, existing, exists, line: int) -> Iterator[StageInput]:
    """Config files named by the arguments after the script: paths, `--opt=path`, Hydra's path and name."""
    hydra_path = hydra_name = None
    for i, arg in enumerate(args):
        option, eq, value = arg.partition("=")
        if option in HYDRA_PATH_OPTIONS + HYDRA_NAME_OPTIONS:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if option in HYDRA_PATH_OPTIONS:
                hydra_path = value
            else:
                hydra_name = value
            continue
        candidate = value if eq and option.startswith("-") else arg
        if candidate.endswith(CONFIG_SUFFIXES):
            found = existing(candidate)
            if found:
                yield StageInput("config", found, line)
    if hydra_name:
        name = hydra_name if hydra_name.endswith((".yaml", ".yml")) else hydra_name + ".yaml"
        folder = hydra_path or "."
        found = existing(posixpath.join(folder, name))
        if found is None and script is not None and not folder.startswith("/"):  # relative to the script
            beside = posixpath.normpath(posixpath.join(posixpath.dirname(script), folder, name))
            found = beside if exists(beside) else None
        if found:
            yield StageInput("config", found, line)


def covered(path: str, entries: list[str]) -> bool:
    return any(path == entry or entry == "" or path.startswith(entry + "/") for entry in entries)


class DvcUndeclaredInput(Rule):
    """
    ## What it does
    Reports a `dvc.yaml` stage whose `cmd` runs a script of the repository (`python src/train.py`,
    `python -m pkg.train`, `Rscript x.R`, `./run.sh`, also through `uv run`, `poetry run`, `accelerate launch`,
    ...) or names a config file (`--config configs/train.yaml`, Hydra `--config-name`) that neither its `deps` nor
    its `params` list. `foreach`/`matrix` stages are expanded and `${...}` resolved from `vars` first.

    ## Why it matters
    DVC decides what to rerun from the declared dependencies only. Change the training script or its config,
    run `dvc repro`, and DVC reports everything up to date: the outputs in `dvc.lock` no longer match the code.

    ## Example
    ```yaml
    stages:
      train:
        cmd: python src/train.py --config configs/train.yaml
        deps: [data/prepared]
        outs: [models/model.pt]
    ```

    ## Fix
    List the script in `deps` (a folder such as `src` covers all its files) and the config in `params`
    (`- configs/train.yaml:` for the whole file) or `deps`.
    """

    code = "DAT004"
    name = "dvc-undeclared-input"
    severity = Severity.WARNING
    summary = "A DVC stage runs a script or reads a config that its deps/params do not list"

    def check(self, project, dvc, module_index):
        reported: set[tuple[str, int, str]] = set()
        for stage in dvc.stages:
            params_files = [p.file for p in stage.params]
            for found in stage_inputs(stage, project, module_index):
                allowed = stage.deps + (params_files if found.kind == "config" else [])
                if covered(found.path, allowed):
                    continue
                key = (stage.path, found.line, found.path)
                if key in reported:
                    continue
                reported.add(key)
                if found.kind == "script":
                    message = (
                        f"stage {stage.name!r} runs {found.path} but its deps do not list it, so `dvc repro` will "
                        "not rerun the stage when it changes; add it to deps"
                    )
                else:
                    message = (
                        f"stage {stage.name!r} reads {found.path} but neither its deps nor its params list it; "
                        f"add `- {found.path}:` to params (or to deps)"
                    )
                yield self.finding(message, stage.path, found.line)


# -- DAT005 ---------------------------------------------------------------------------------------
HEX40 = lazy_pattern(r"^[0-9a-f]{40}$")
HUB_ID = lazy_pattern(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")
LOCAL_HINT = lazy_pattern(r"(dir|folder|checkpoint|ckpt|output|save|local|tmp|cache|(?<!or_)path)", re.IGNORECASE)


@dataclass
class Scope:
    """The calls made directly in one function (or module / notebook cell) body, what it verifies, and how it
    uses what the calls return: `bound` maps a call to the name its result is bound to (`r = get(...)`,
    `with get(...) as r`), `body_reads`/`json_reads` hold the names and calls whose body is read or parsed as
    JSON (`r.content`, `r.iter_content()`, `r.json()`, `json.load(urlopen(...))`)."""

    calls: list[ast.Call]
    constants: dict[str, str]
    owner: ast.AST | None = None
    verifies: bool = False
    writes_file: bool = False
    bound: dict[int, str] = field(default_factory=dict)
    body_reads: set = field(default_factory=set)
    json_reads: set = field(default_factory=set)
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)  # name -> every value bound to it

    @property
    def function(self) -> str | None:
        return self.owner.name if isinstance(self.owner, (ast.FunctionDef, ast.AsyncFunctionDef)) else None

    @property
    def parameters(self) -> set[str]:
        if self.owner is None or not hasattr(self.owner, "args"):
            return set()
        args = self.owner.args
        return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}

    def result_used(self, call: ast.Call, uses: set) -> bool:
        return id(call) in uses or self.bound.get(id(call)) in uses


def chain_keys(node: ast.AST) -> list:
    """The calls and the base name of an attribute/call chain (`r.raw.read()` -> the calls and "r")."""
    keys: list = []
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Call):
            keys.append(id(node))
            node = node.func
        else:
            node = node.value
    if isinstance(node, ast.Name):
        keys.append(node.id)
    return keys


def note_use(scope: Scope, node: ast.AST) -> None:
    """Record what a binding, an attribute read or a call tells about the use of a call's result."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        scope.assigned.setdefault(node.targets[0].id, []).append(node.value)
        if isinstance(node.value, ast.Call):
            scope.bound[id(node.value)] = node.targets[0].id
        elif isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            scope.constants[node.targets[0].id] = node.value.value
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if isinstance(item.context_expr, ast.Call) and isinstance(item.optional_vars, ast.Name):
                scope.bound[id(item.context_expr)] = item.optional_vars.id
    elif isinstance(node, ast.Attribute):
        if node.attr == "json":
            scope.json_reads.update(chain_keys(node.value))
        elif node.attr in table.RESPONSE_BODY_ATTRIBUTES:
            scope.body_reads.update(chain_keys(node.value))


def collect_scopes(tree: ast.AST) -> list[Scope]:
    scopes: list[Scope] = []

    def visit(body_owner: ast.AST) -> None:
        scope = Scope([], {}, owner=body_owner if not isinstance(body_owner, ast.Module) else None)
        scopes.append(scope)
        stack = list(ast.iter_child_nodes(body_owner))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for default in [*node.args.defaults, *node.args.kw_defaults]:
                    if default is not None:
                        stack.append(default)
                visit(node)
                continue
            if isinstance(node, ast.Call):
                scope.calls.append(node)
            note_use(scope, node)
            stack.extend(ast.iter_child_nodes(node))
        scope.calls.sort(key=lambda call: (call.lineno, call.col_offset))

    visit(tree)
    return scopes


def writes_file(call: ast.Call) -> bool:
    """`open(path, "wb")` (or any write/append mode), `Path.write_bytes`, `shutil.copyfileobj`."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in table.FILE_WRITERS:
        return True
    if name != "open":
        return False
    mode = keyword(call, "mode") or (call.args[1] if len(call.args) > 1 else None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and bool(set(mode.value) & set("wax"))


def analyse_scopes(module) -> list[Scope]:
    """The module's scopes with what each verifies, writes, and parses as JSON."""
    scopes = collect_scopes(module.tree)
    for scope in scopes:
        for call in scope.calls:
            scope.verifies = scope.verifies or is_checksum_call(module, call)
            scope.writes_file = scope.writes_file or writes_file(call)
            if call_name(module, call) in table.JSON_READERS:
                for arg in call.args:
                    scope.json_reads.update(chain_keys(arg))
    return scopes


def call_name(module, call: ast.Call) -> str:
    qualified = module.qualname(call.func)
    if qualified:
        return qualified
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def is_checksum_call(module, call: ast.Call) -> bool:
    name = call_name(module, call)
    if name.startswith(table.CHECKSUM_MODULES):
        return True
    last = name.rsplit(".", 1)[-1].lower()
    return any(word in last for word in table.CHECKSUM_WORDS)


def argument(call: ast.Call, where: tuple[int | None, str | None]) -> ast.expr | None:
    position, keyword = where
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if position is not None and position < len(call.args):
        value = call.args[position]
        return None if isinstance(value, ast.Starred) else value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def literal(node: ast.expr | None, scope: Scope, module_scope: Scope) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return scope.constants.get(node.id, module_scope.constants.get(node.id))
    return None


# -- where a model id that is not written literally comes from ----------------------------------------------
@dataclass(frozen=True)
class Origin:
    """Where a value comes from: `default` is the literal used when nobody supplies one; `user` says the user
    supplies it at run time (a required command-line argument, an environment variable without a default, a
    parameter of a command-line entry point), so no revision can be pinned for it in the code."""

    user: bool = False
    default: str | None = None
    called_with: bool = False  # the literal is what a call of the function passes, not a default


USER = Origin(user=True)
NOTHING = Origin()  # None or "": no id at all


def combined(origins: list[Origin | None]) -> Origin | None:
    """One origin for alternatives (`a or b`, several assignments): a literal default wins; all supplied by the
    user (or empty) is the user's; anything else is unknown (None)."""
    for found in origins:
        if found is not None and found.default:
            return found
    if origins and all(found is not None for found in origins) and any(found.user for found in origins):
        return USER
    return None


@dataclass
class RunTimeInputs:
    """What a module takes from its user: command-line options (argparse `dest` -> its `add_argument` call)
    and the functions whose parameters are command-line arguments (handed to a CLI launcher or decorated as a
    command)."""

    options: dict[str, ast.Call]
    commands: set[str]
    callers: dict[str, list[tuple[ast.Call, Scope]]] = field(default_factory=dict)  # `f(...)` -> its calls

    @classmethod
    def of(cls, module, scopes: list[Scope]) -> RunTimeInputs:
        options: dict[str, ast.Call] = {}
        commands: set[str] = set()
        callers: dict[str, list[tuple[ast.Call, Scope]]] = {}
        for scope in scopes:
            for call in scope.calls:
                func = call.func
                if isinstance(func, ast.Name):
                    callers.setdefault(func.id, []).append((call, scope))
                if isinstance(func, ast.Attribute) and func.attr == "add_argument":
                    dest = option_dest(call)
                    if dest:
                        options.setdefault(dest, call)
                elif (
                    call_name(module, call) in table.CLI_LAUNCHERS and call.args and isinstance(call.args[0], ast.Name)
                ):
                    commands.add(call.args[0].id)
            owner = scope.owner
            if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                map(is_command, owner.decorator_list)
            ):
                commands.add(owner.name)
        return cls(options, commands, callers)


def is_command(decorator: ast.expr) -> bool:
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(func, ast.Attribute) and func.attr in table.CLI_COMMAND_DECORATORS


def constant_origin(node: ast.expr) -> Origin | None:
    if isinstance(node, ast.Constant) and (node.value is None or node.value == ""):
        return NOTHING
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Origin(default=node.value)
    return None


def option_origin(call: ast.Call) -> Origin | None:
    """An argparse option: required or without a default, the user gives it; else its literal default."""
    required = keyword(call, "required")
    default = keyword(call, "default")
    if isinstance(required, ast.Constant) and required.value is True:
        return USER
    if default is None:
        return USER
    found = constant_origin(default)
    return USER if found is NOTHING else found


def origin(node: ast.expr, module, scope: Scope, module_scope: Scope, inputs: RunTimeInputs, seen=()) -> Origin | None:
    """Where the value of `node` comes from, following local assignments, parameters, environment variables
    and argparse options of this module; None when it cannot be told (a caller's argument, a config value)."""
    found = constant_origin(node)
    if found is not None or isinstance(node, ast.Constant):
        return found
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return combined([origin(v, module, scope, module_scope, inputs, seen) for v in node.values])
    if isinstance(node, ast.Attribute):
        call = inputs.options.get(node.attr)
        return option_origin(call) if call is not None else None
    if isinstance(node, ast.Subscript):
        is_environ = module.qualname(node.value) == "os.environ"
        return USER if is_environ else None
    if isinstance(node, ast.Call):
        where = table.ENV_READERS.get(call_name(module, node))
        if where is None:
            return None
        default = argument(node, where)
        return USER if default is None else combined([USER, constant_origin(default)])
    if not isinstance(node, ast.Name) or node.id in seen:
        return parameter_origin(node, scope, inputs) if isinstance(node, ast.Name) else None
    for owner in (scope, module_scope):
        values = owner.assigned.get(node.id)
        if values:
            inner = (*seen, node.id)
            return combined([origin(v, module, owner, module_scope, inputs, inner) for v in values])
    found = parameter_origin(node, scope, inputs)
    if found is None and node.id in scope.parameters:
        return callers_origin(node.id, module, scope, module_scope, inputs, seen)
    return found


def callers_origin(name: str, module, scope: Scope, module_scope: Scope, inputs: RunTimeInputs, seen) -> Origin | None:
    """A parameter of a function of this module without a default: what every call of the function in the module
    passes for it (`extract(args.source, ...)` with a required `--source`: the user's), or None."""
    owner = scope.owner
    if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) or f"{owner.name}()" in seen:
        return None
    called = owner.name
    positional = [a.arg for a in [*owner.args.posonlyargs, *owner.args.args]]
    if owner.name == "__init__":  # a constructor: the calls of its class (`Model(name=args.model)`), after self
        called = constructed_class(module, owner)
        positional = positional[1:]
    calls = inputs.callers.get(called, []) if called else []
    if not calls:
        return None
    index = positional.index(name) if name in positional else None
    found = []
    for call, caller in calls:
        passed = argument(call, (index, name))
        if passed is None or any(isinstance(a, ast.Starred) for a in call.args[: (index or 0) + 1]):
            return None
        if isinstance(passed, ast.Constant):
            found.append(constant_origin(passed))
            continue
        traced = origin(passed, module, caller, module_scope, inputs, (*seen, f"{owner.name}()"))
        # only what the caller passes literally, or takes from its user, is followed (a name that some other
        # assignment of the caller sets to a literal may be unrelated: unknown)
        found.append(traced if traced is not None and not traced.default else None)
    result = combined(found)
    return Origin(default=result.default, called_with=True) if result is not None and result.default else result


def constructed_class(module, init: ast.AST) -> str | None:
    """The name of the top-level class whose `__init__` is `init`."""
    tree = module.tree
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.ClassDef) and any(item is init for item in node.body):
            return node.name
    return None


def parameter_origin(name: ast.Name, scope: Scope, inputs: RunTimeInputs) -> Origin | None:
    """A parameter of the enclosing function: its literal default; with none, the user's when the function is a
    command-line entry point (else a caller passes it: unknown)."""
    owner = scope.owner
    if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) or name.id not in scope.parameters:
        return None
    default = parameter_default(owner.args, name.id)
    found = constant_origin(default) if default is not None else None
    if found is not None and found.default:
        return found
    return USER if owner.name in inputs.commands and (default is None or found is NOTHING) else None


def parameter_default(args: ast.arguments, name: str) -> ast.expr | None:
    positional = [*args.posonlyargs, *args.args]
    with_default = positional[len(positional) - len(args.defaults) :]
    defaults = {a.arg: d for a, d in zip(with_default, args.defaults, strict=True)}
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None})
    return defaults.get(name)


def class_inherits_loader(module, name: str) -> bool | None:
    """For a class defined at top level of `module`: False if it defines from_pretrained itself (judged by what
    it calls inside), True if it inherits it from a hub package; None when there is no such class."""
    tree = module.tree
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.ClassDef) and node.name == name:
            defined = {f.name for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
            if defined & table.PRETRAINED_METHODS:
                return False
            return any((module.qualname(base) or "").split(".")[0] in table.PRETRAINED_PACKAGES for base in node.bases)
    return None


PRETRAINED = table.Loader("hub", (0, "pretrained_model_name_or_path"), "model")


class LoaderResolver:
    """Finds the loader a call makes, following project classes whose `from_pretrained` is inherited."""

    def __init__(self, first_party, module_index, python_modules):
        self.first_party = first_party
        self.module_index = module_index
        self.python_modules = python_modules

    def loader(self, module, call: ast.Call) -> table.Loader | None:
        qualified = module.qualname(call.func)
        if qualified in table.LOADERS:
            return table.LOADERS[qualified]
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in table.PRETRAINED_METHODS:
            return None
        if qualified is None:  # a class of this very module?
            if isinstance(func.value, ast.Name):
                return PRETRAINED if class_inherits_loader(module, func.value.id) else None
            return None
        root = qualified.split(".")[0]
        if root in table.PRETRAINED_PACKAGES:
            return table.PRETRAINED_BY_PACKAGE.get(root, PRETRAINED)
        if root in self.first_party:
            owner, _, class_name = qualified.rsplit(".", 1)[0].rpartition(".")
            for rel in self.module_index.get(owner, []):
                target = self.python_modules.get(rel)
                if target is not None and class_inherits_loader(target, class_name):
                    return PRETRAINED
        return None


LOCAL_FILE_SUFFIXES = (".py", ".json", ".csv", ".txt", ".parquet", ".bin", ".pt", ".safetensors", ".yaml")


def looks_local(value: str, project) -> bool:
    """A path on disk rather than a hub id: `./x`, `/abs`, `a/b/c`, a file name, or a path the repo holds."""
    cleaned = value.rstrip("/")
    if cleaned.startswith((".", "/", "~")) or "\\" in cleaned or cleaned.count("/") > 1:
        return True
    if not HUB_ID.match(cleaned) or cleaned.lower().endswith(LOCAL_FILE_SUFFIXES):
        return True
    if project.exists(cleaned):
        return True
    index = bisect_left(project.files, cleaned + "/")
    return index < len(project.files) and project.files[index].startswith(cleaned + "/")


def data_url(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    for suffix in table.COMPRESSION_SUFFIXES:
        if path.endswith(suffix):
            return True
    return any(path.endswith(suffix) for suffix in table.DATA_URL_SUFFIXES) or path.endswith(".tar.gz")


def non_data(name: str) -> bool:
    """A URL or file name of an installer, script, key, web page, image or platform build (compression looked
    through)."""
    path = name.split("?", 1)[0].split("#", 1)[0].lower().rstrip("/")
    for suffix in table.COMPRESSION_SUFFIXES:
        path = path.removesuffix(suffix)
    name = posixpath.basename(path)
    return posixpath.splitext(name)[1] in table.NON_DATA_SUFFIXES or bool(PLATFORM_TAG.search(name))


PLATFORM_TAG = re.compile(table.PLATFORM_TAG)

COMMIT_PINNED_URL = lazy_pattern(
    r"^[a-z][a-z0-9+.-]*://(?:"
    r"raw\.githubusercontent\.com/[^/?#]+/[^/?#]+/[0-9a-f]{40}/"  # raw.githubusercontent.com/<o>/<r>/<sha>/...
    r"|[^?#]*/(?:-/)?(?:raw|blob|resolve)/[0-9a-f]{40}/"  # github/gitlab raw|blob, hub /resolve/<sha>/
    r"|[^?#]*@[0-9a-f]{40}/"  # cdn.jsdelivr.net/gh/<o>/<r>@<sha>/...
    r"|[^#]*[?&](?:rev|revision|ref|sha|commit)=[0-9a-f]{40}(?:[&#]|$)"  # ?rev=<sha>
    r")",
    re.IGNORECASE,
)


def commit_pinned(url: str | None) -> bool:
    """A URL fixed to a 40-hex commit (`raw.githubusercontent.com/<o>/<r>/<sha>/...`, `github.com/<o>/<r>/raw/
    <sha>/...`, a hub `/resolve/<sha>/` path, `?rev=<sha>`): what it serves cannot change, so no checksum is needed.
    A branch or tag in its place can move."""
    return bool(url) and bool(COMMIT_PINNED_URL.match(url))


@dataclass(frozen=True)
class ShellDownload:
    """A `wget`/`curl` command that saves what it fetches to disk; `url` is None when not written literally."""

    line: int
    program: str
    url: str | None


def downloader_arguments(argv: list[str], spec: dict) -> tuple[list[str], str | None, bool]:
    """(URLs, output file or None, saved under the remote name?) of a wget/curl argv."""
    urls: list[str] = []
    output, remote_name = None, False
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--"):
            option, eq, value = arg.partition("=")
            takes = option in spec["value"] and not eq
            value = argv[i + 1] if takes and i + 1 < len(argv) else value
            output = value if option in spec["output"] else output
            remote_name = remote_name or option in spec["remote_name"]
            i += 2 if takes else 1
            continue
        if arg.startswith("-") and len(arg) > 1:  # a cluster of short options; one may take a value
            for j, letter in enumerate(arg[1:], start=2):
                flag = "-" + letter
                remote_name = remote_name or flag in spec["remote_name"]
                if flag in spec["value"]:
                    value = arg[j:] or (argv[i + 1] if i + 1 < len(argv) else "")
                    i += 0 if arg[j:] else 1
                    output = value if flag in spec["output"] else output
                    break
        else:
            urls.append(arg)
        i += 1
    return urls, output, remote_name


def shell_downloads(commands: list[Command]) -> list[ShellDownload]:
    """The commands that download data to disk: `wget`, `curl -o/-O` or `curl ... > file`, or either piped into
    an unpacker (`| tar xz`). Installers piped into a shell, API calls printed to the terminal, and installers,
    scripts, web pages or images fetched by name are not data."""
    found = []
    for index, command in enumerate(commands):
        argv = strip_wrappers(command.argv)
        program = posixpath.basename(argv[0]) if argv else ""
        spec = table.SHELL_DOWNLOADERS.get(program)
        if spec is None:
            continue
        urls, output, remote_name = downloader_arguments(argv, spec)
        if any(non_data(name) for name in [*urls[:1], output or ""] if name and name != "-"):
            continue
        to_stdout = output == "-" or (program == "curl" and output is None and not remote_name)
        if to_stdout and ">" not in command.text.split("#", 1)[0]:
            consumer = commands[index + 1] if command.operator == "|" and index + 1 < len(commands) else None
            if consumer is None or consumer.program not in table.UNPACKERS:
                continue
        url = next((u for u in urls if "://" in u), None)
        if commit_pinned(url):
            continue  # fixed to a commit: cannot change
        found.append(ShellDownload(command.line, program, url))
    return found


CHECKSUM_SUBSTITUTION = lazy_pattern(r"(\$\(|`)\s*(" + "|".join(sorted(table.CHECKSUM_PROGRAMS)) + r")\b")


def is_check_flag(arg: str) -> bool:
    return arg == "--check" or (arg.startswith("-") and not arg.startswith("--") and "c" in arg)


def shell_verifies(commands: list[Command]) -> bool:
    """Whether the commands check a checksum: `sha256sum -c`, `shasum -a 256 --check`, or a comparison with
    `$(sha256sum file ...)`."""
    for command in commands:
        argv = strip_wrappers(command.argv)
        if argv and posixpath.basename(argv[0]) in table.CHECKSUM_PROGRAMS and any(map(is_check_flag, argv[1:])):
            return True
        if CHECKSUM_SUBSTITUTION.search(command.text):
            return True
    return False


def subprocess_commands(call: ast.Call, scope: Scope, module_scope: Scope) -> list[Command]:
    """The command lines an `os.system`/`subprocess` call runs: an argv list, or a string (f-strings keep their
    placeholders)."""
    first = call.args[0] if call.args else keyword(call, "args") or keyword(call, "command")
    if isinstance(first, (ast.List, ast.Tuple)):
        argv = [literal(e, scope, module_scope) or "{" + ast.unparse(e) + "}" for e in first.elts]
        return [Command(argv, call.lineno, " ".join(argv))] if argv else []
    if isinstance(first, ast.JoinedStr):
        text = "".join(
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}" for v in first.values
        )
    else:
        text = literal(first, scope, module_scope)
    return split_commands(text, first_line=call.lineno) if text else []


def python_verifies(module, scopes: dict) -> bool:
    """Whether a notebook cell's Python checks a checksum (the cell's `!wget` is then verified)."""
    if module is None or module.tree is None:
        return False
    return any(scope.verifies for scope in scopes.get(id(module)) or analyse_scopes(module))


def download_advice(downloads: list[ShellDownload], where: str) -> str:
    urls = [d.url or "a URL" for d in downloads]
    if len(downloads) == 1:
        what = f"`{downloads[0].program}` downloads {urls[0]}"
    else:
        shown = ", ".join(urls[:3]) + (f" and {len(urls) - 3} more" if len(urls) > 3 else "")
        what = f"{len(downloads)} downloads ({shown})"
    return (
        f"{what} without a checksum check in the same {where}; verify right after downloading (`sha256sum -c` "
        "against committed checksums)"
    )


def http_download(call: ast.Call, target: str | None, scope: Scope) -> bool:
    """Whether a general HTTP call downloads data: its URL names a data file, or it streams or saves the body
    (and neither parses it as an API's JSON answer nor fetches an image or page for display)."""
    if scope.result_used(call, scope.json_reads) or (target and non_data(target)):
        return False
    stream = keyword(call, "stream")
    streamed = isinstance(stream, ast.Constant) and stream.value is True
    saved = scope.writes_file and scope.result_used(call, scope.body_reads)
    return streamed or saved or bool(target and data_url(target))


# torch.hub's file-name hash (`HASH_REGEX`, `-([a-f0-9]*)\.`): what `check_hash=True` compares the download with.
NAME_HASH = lazy_pattern(r"-([a-f0-9]*)\.")


def hash_in_name(tail: str | None) -> bool | None:
    """Whether the downloaded file's name carries a sha256 prefix that torch.hub's `check_hash=` compares
    (`resnet18-f37072fd.pth`); None when the name is not known (no literal URL, or only the end of one)."""
    if not tail or "/" not in tail:
        return None
    name = tail.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]
    if not name:
        return None
    match = NAME_HASH.search(name)
    return bool(match and match.group(1))


def named_hash(node: ast.expr | None, tail: str | None, scope: Scope, module_scope: Scope) -> bool | None:
    """Whether every URL a download may fetch names a file with a hash prefix (True), none does (False), or it is
    not known (None): the literal URL, or each of its values through a name bound once, `a if c else b` and a
    module-level table (`model_urls["convnext_small_1k"]`)."""
    urls = possible_urls(node, scope, module_scope)
    found = {hash_in_name(url) for url in urls} if urls else {hash_in_name(tail)}
    return found.pop() if len(found) == 1 else None


def possible_urls(node: ast.expr | None, scope: Scope, module_scope: Scope, depth: int = 4) -> list[str] | None:
    """The literal URLs an expression may hold, or None when one of them is not written in the module."""
    if node is None or depth == 0:
        return None
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        known = literal(node, scope, module_scope)
        if known is not None:
            return [known]
        for where in (scope, module_scope):
            values = where.assigned.get(node.id, [])
            if values:
                return possible_urls(values[0], where, module_scope, depth - 1) if len(values) == 1 else None
        return None
    if isinstance(node, ast.IfExp):
        body = possible_urls(node.body, scope, module_scope, depth - 1)
        orelse = possible_urls(node.orelse, scope, module_scope, depth - 1)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant):
        table = node.value.id
        values = scope.assigned.get(table) or module_scope.assigned.get(table, [])
        if len(values) != 1 or not isinstance(values[0], ast.Dict):
            return None
        for key, value in zip(values[0].keys, values[0].values, strict=True):
            if isinstance(key, ast.Constant) and key.value == node.slice.value:
                return possible_urls(value, scope, module_scope, depth - 1)
    return None


def verify_advice(loader, named: bool | None) -> str:
    """The loader's own checksum argument, offered where it checks something: torch.hub's `check_hash=` only for a
    file name that carries a hash prefix."""
    if not loader.verify:
        return ""
    if not loader.hash_in_name:
        return f", or pass {loader.verify}="
    if named is True:
        return f", or pass {loader.verify}=True (it checks the sha256 prefix the file name carries)"
    if named is False:
        return ""  # `convnext_small_1k_224_ema.pth`: no hash in the name, nothing for check_hash to compare
    return f", or pass {loader.verify}=True if the file name carries a sha256 prefix (`name-<sha256 prefix>.pth`)"


def url_template(node: ast.expr | None, scope: Scope) -> str | None:
    """An f-string URL with its placeholders (`https://host/trip-data/{file}`), written in the call or bound once
    to the name it passes, to name what is downloaded."""
    if isinstance(node, ast.Name) and len(scope.assigned.get(node.id, [])) == 1:
        node = scope.assigned[node.id][0]
    if not isinstance(node, ast.JoinedStr):
        return None
    text = "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}" for v in node.values)
    return text if "://" in text else None


def url_tail(node: ast.expr | None, scope: Scope, module_scope: Scope, depth: int = 5) -> str | None:
    """The literal end of a URL, enough to tell a display asset (image, font) from data: a string, the literal
    tail of `base + "images/map.png"`, or of an f-string; an f-string ending in a placeholder ends in the known
    value of a name in it (`f"{host}/{font.name}"` with `font="Arial.ttf"` as the parameter default)."""
    if node is None or depth == 0:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return url_tail(node.right, scope, module_scope, depth - 1)
    if isinstance(node, ast.Name):
        known = literal(node, scope, module_scope)
        if known is not None:
            return known
        if node.id in scope.parameters:  # its default, even when rebound (`font = Path(font)`)
            default = parameter_default(scope.owner.args, node.id)
            return url_tail(default, module_scope, module_scope, depth - 1)
        values = scope.assigned.get(node.id, [])
        return url_tail(values[0], scope, module_scope, depth - 1) if len(values) == 1 else None
    if isinstance(node, ast.JoinedStr) and node.values:
        last = node.values[-1]
        if isinstance(last, ast.Constant):
            return last.value
        names = [n for n in ast.walk(last.value) if isinstance(n, ast.Name)]
        return next((t for n in names if (t := url_tail(n, scope, module_scope, depth - 1)) is not None), None)
    return None


def untaken_branch_lines(module) -> frozenset[int]:
    """Lines of the module-level branches that cannot run because their test compares a name that the module
    binds once, to a constant, with a constant (`CHOOSE_MODEL = "270m"` then `if CHOOSE_MODEL == "270m": ...
    else: ...`): a notebook's or script's switch, read where it is set."""
    tree = module.tree
    if tree is None:
        return frozenset()
    bindings: dict[str, int] = {}
    constants: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bindings[node.id] = bindings.get(node.id, 0) + 1
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                bindings[name] = bindings.get(name, 0) + 2  # bound elsewhere: never a constant here
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                constants[targets[0].id] = node.value.value
    known = {name: value for name, value in constants.items() if bindings.get(name) == 1}
    lines: set[int] = set()
    for node in tree.body:
        taken = constant_test(node.test, known) if isinstance(node, ast.If) else None
        if taken is None:
            continue
        for dead in node.orelse if taken else node.body:
            lines.update(range(dead.lineno, (dead.end_lineno or dead.lineno) + 1))
    return frozenset(lines)


def constant_test(test: ast.expr, known: dict[str, object]) -> bool | None:
    """The value of `NAME == constant` / `!=` / `in (constants)` when NAME is a known constant."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.left, ast.Name):
        return None
    if test.left.id not in known:
        return None
    value, right, op = known[test.left.id], test.comparators[0], test.ops[0]
    if isinstance(op, ast.Eq | ast.NotEq) and isinstance(right, ast.Constant):
        return (value == right.value) is isinstance(op, ast.Eq)
    listed = isinstance(right, ast.Tuple | ast.List | ast.Set) and all(isinstance(e, ast.Constant) for e in right.elts)
    if isinstance(op, ast.In | ast.NotIn) and listed:
        return (value in [e.value for e in right.elts]) is isinstance(op, ast.In)
    return None


def checked_by_callers(all_scopes) -> frozenset[str]:
    """Names of the functions called from a function that checks a checksum: download helpers whose callers
    verify what they fetch."""
    names = set()
    for scopes in all_scopes:
        for scope in scopes:
            if scope.verifies:
                for call in scope.calls:
                    func = call.func
                    names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return frozenset(names)


def checked_helper(scope: Scope, url: ast.expr | None, helpers_checked: frozenset[str]) -> bool:
    """A helper that downloads the URL it is given, called from a function that verifies the file."""
    return isinstance(url, ast.Name) and url.id in scope.parameters and scope.function in helpers_checked


def from_local_store(module, node: ast.expr | None) -> bool:
    """A path a workflow framework hands over after unpacking a stored model (Metaflow's
    `current.model.loaded["name"]`, `current.checkpoint.directory`): a local folder, not a hub id."""
    while isinstance(node, ast.Subscript):
        node = node.value
    name = module.qualname(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
    return name is not None and name.startswith(table.LOCAL_STORE_PATHS)


NOT_WEIGHTS = lazy_pattern(r"Tokenizer|Processor|Config|FeatureExtractor", re.IGNORECASE)


def weights_replaced(call: ast.Call, scope: Scope) -> bool:
    """A model's `from_pretrained` whose weights a later `load_state_dict` of the same function replaces in full
    (not `strict=False`): the project's own checkpoint is what runs."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "from_pretrained") or NOT_WEIGHTS.search(
        ast.unparse(func.value)
    ):
        return False
    for later in scope.calls:
        if later.lineno <= call.lineno or not isinstance(later.func, ast.Attribute):
            continue
        if later.func.attr == "load_state_dict" and later.args:
            strict = keyword(later, "strict")
            if not (isinstance(strict, ast.Constant) and strict.value is False):
                return True
    return False


class KeyValues:
    """The string literals a file writes under each key: `{"backbone": "x"}`, `dict(backbone="x")`,
    `cfg["backbone"] = "x"`, `cfg.backbone = "x"` (a notebook: all its cells). Built on first use."""

    def __init__(self, modules: list):
        self.modules = modules
        self._values: dict[str, list[str]] | None = None

    def of(self, key: str) -> list[str]:
        if self._values is None:
            self._values = {}
            for module in self.modules:
                if module.tree is not None:
                    self.collect(module.tree)
        return self._values.get(key, [])

    def collect(self, tree: ast.AST) -> None:
        def add(key, value) -> None:
            if isinstance(key, str) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                self._values.setdefault(key, []).append(value.value)

        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant):
                        add(key.value, value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
                for item in node.keywords:
                    add(item.arg, item.value)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                        add(target.slice.value, node.value)
                    elif isinstance(target, ast.Attribute):
                        add(target.attr, node.value)


URL_TESTS = lazy_pattern(
    r"urlparse|urlsplit|is_url|isurl|startswith\(\s*['\"](https?|s3|gs)|['\"]://['\"]|validators\.url"
)


def path_or_url(module, call: ast.Call, loader) -> bool:
    """A download in one branch of a test that its value is a URL, the other branch reading the same value as a
    local file: the value is a path or URL the caller gives (`--pretrained-weights`), not the project's data."""
    target = argument(call, loader.target)
    if target is None or isinstance(target, ast.Constant) or module.tree is None:
        return False
    shown = ast.unparse(target)
    for node in ast.walk(module.tree):
        if not isinstance(node, (ast.If, ast.IfExp)) or not node.orelse:
            continue
        test = ast.unparse(node.test)
        if shown not in test or not URL_TESTS.search(test):
            continue
        body = node.body if isinstance(node.body, list) else [node.body]
        orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
        for branch, other in ((body, orelse), (orelse, body)):
            inside = any(call is sub for part in branch for sub in ast.walk(part))
            if inside and any(shown in ast.unparse(part) for part in other):
                return True
    return False


class UnusedClasses:
    """Classes that nothing in the repository names but their own definition: no module, notebook, script or
    config mentions them (`FrozenByT5Embedder()`, `target: sgm.modules.encoders.modules.FrozenByT5Embedder`,
    `from .modules import FrozenByT5Embedder`), and no decorator registers them. A load in their methods runs
    only for someone who imports the class on their own."""

    def __init__(self, project, python_modules):
        self.project = project
        self.python_modules = python_modules
        self.methods: dict[str, dict[int, ast.ClassDef]] = {}  # module path -> id(method) -> its class
        self.answers: dict[tuple[str, str, bool], bool] = {}
        self._texts: list[tuple[str, str]] | None = None

    def owner(self, module, scope: Scope) -> str | None:
        """The class whose method `scope` is, when that class is unused; else None."""
        if scope.owner is None or module.tree is None:
            return None
        if module.path not in self.methods:
            self.methods[module.path] = {
                id(item): node
                for node in module.tree.body
                if isinstance(node, ast.ClassDef)
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
        return self.unused(module, self.methods[module.path].get(id(scope.owner)))

    def enclosing(self, module, line: int) -> str | None:
        """The class whose method holds `line`, when that class is unused; else None. An attribute of another
        module that has the class's name (`inception.InceptionV3` in the class's own module) is not a use of it."""
        if module.tree is None:
            return None
        cls = next(
            (
                node
                for node in module.tree.body
                if isinstance(node, ast.ClassDef) and node.lineno <= line <= (node.end_lineno or 0)
            ),
            None,
        )
        if cls is None or not any(
            isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.lineno <= line <= (item.end_lineno or 0)
            for item in cls.body
        ):
            return None  # an import in the class body runs when the module is imported
        return self.unused(module, cls, attributes_use=False)

    def unused(self, module, cls: ast.ClassDef | None, attributes_use: bool = True) -> str | None:
        """`cls`'s name when nothing names it but its definition and no decorator registers it; else None."""
        if cls is None or cls.decorator_list or cls.name.startswith("_"):
            return None
        key = (module.path, cls.name, attributes_use)
        if key not in self.answers:
            self.answers[key] = not self.named_elsewhere(module, cls.name, attributes_use)
        return cls.name if self.answers[key] else None

    def named_elsewhere(self, module, name: str, attributes_use: bool = True) -> bool:
        word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        own = word if attributes_use else re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
        if len(own.findall(module.text or "")) > 1:  # more than its `class` line
            return True
        return any(path != module.path and name in text and word.search(text) for path, text in self.texts)

    @property
    def texts(self) -> list[tuple[str, str]]:
        """The code, notebooks, scripts and configs of the repository (not its documentation)."""
        if self._texts is None:
            self._texts = [(path, module.text) for path, module in self.python_modules.items()]
            for path in self.project.select(lambda rel: rel.lower().endswith(USE_SUFFIXES)):
                try:
                    self._texts.append((path, self.project.read_text(path, USE_MAX_BYTES)))
                except UnreadableFile:
                    continue
        return self._texts


# Files whose mention of a class may instantiate it (besides Python modules).
USE_SUFFIXES = (".ipynb", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".sh", ".txt", ".jsonnet", ".gin")
USE_MAX_BYTES = 4 * 1024 * 1024  # larger files are data, not configs


def hub_entry_modules(python_modules, module_index) -> frozenset[str]:
    """`hubconf.py` and the project's modules that it imports: its torch.hub entry points. The weights they
    fetch from fixed, versioned URLs are the ones the project itself publishes."""
    hubconf = python_modules.get("hubconf.py")
    if hubconf is None or hubconf.tree is None:
        return frozenset()
    names = set()
    for node in ast.walk(hubconf.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from pkg.hub import backbones`
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return frozenset({"hubconf.py", *(path for name in names for path in module_index.get(name, []))})


def notebook_url(notebook, call: ast.Call) -> str | None:
    """The one URL a download call's first argument names: a literal, or a name that the notebook's cells bind
    to one literal URL (`url = "https://..."` in another cell). None otherwise."""
    target = call.args[0] if call.args else None
    if isinstance(target, ast.Constant) and isinstance(target.value, str) and "://" in target.value:
        return target.value
    if notebook is None or not isinstance(target, ast.Name):
        return None
    binding = re.compile(rf"^\s*{re.escape(target.id)}\s*=\s*[\"']([^\"'\n]+)[\"']\s*(?:#.*)?$", re.MULTILINE)
    values = {value for cell in notebook.code_cells for value in binding.findall(cell.source)}
    return next(iter(values)) if len(values) == 1 and "://" in next(iter(values)) else None


def quick_start_note(finding, notebook, project):
    """Info in a Colab-style demo that clones another repository before the load: the notebook sets up someone
    else's code on a fresh machine to show it (NB003 treats such notebooks as quick-starts too)."""
    own = project.root.name.lower()
    clone = next((c for c in notebook.clones if c.repository and not own.endswith(c.repository.lower())), None)
    if clone is not None and clone.precedes(finding.cell, finding.line or 0):
        finding.severity = Severity.INFO
        finding.message += (
            f" (info: a quick-start that clones {clone.repository} first, cell {clone.cell}, and sets it up to demo)"
        )
    return finding


def once_per_function(judged, hub_keys: dict[int, str] | None = None, whole: bool = False):
    """Group what `judge` found by function and problem (the same id loaded in each device branch of one function
    is one fix): the first site of each, with the other sites. Hub loads of one id (`hub_keys`: id(call) -> the
    key of the id, `backbone` for `cfg["backbone"]` and `self.cfg.backbone`) group by function and key, whatever
    loads it (the config, tokenizer and weights of one model are pinned by one revision); `whole` groups a
    notebook cell as one function."""
    groups: dict[tuple, list[tuple]] = {}
    for found in judged:
        _, message, call, scope = found
        where = 0 if whole else id(scope)
        key = (hub_keys or {}).get(id(call))
        if key is not None:
            groups.setdefault((where, "hub", key), []).append(found)
            continue
        loaded = tuple(ast.unparse(arg) for arg in call.args)  # what is loaded, even when the message says "a URL"
        groups.setdefault((where, message, loaded), []).append(found)
    ordered = [sorted(sites, key=lambda site: site[0]) for sites in groups.values()]  # the first line first
    return [(sites[0], sites[1:]) for sites in ordered]


def once_per_class(module, grouped: list[tuple], hub_keys: dict[int, str]) -> list[tuple]:
    """Merge the groups of `once_per_function` that load one hub id in several methods of one class (a
    `prepare_data` that pre-downloads `self.dataset_name` and a `setup` that loads it again): one revision setting
    pins both, so they are one finding at the first site, the others related."""
    spans = [
        (node.lineno, node.end_lineno or node.lineno, id(node))
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef)
    ]
    merged: dict[tuple, tuple] = {}
    out: list[tuple] = []
    for head, others in grouped:
        line, _, call, _ = head
        key = hub_keys.get(id(call))
        inside = [span for span in spans if span[0] <= line <= span[1]]
        if key is None or not inside:
            out.append((head, others))
            continue
        owner = max(inside, key=lambda span: span[0])[2]  # the innermost class
        first = merged.get((owner, key))
        if first is None:
            merged[(owner, key)] = (head, list(others))
            out.append(merged[(owner, key)])
        else:
            first[1].extend([head, *others])
    ordered = [sorted([head, *others], key=lambda site: site[0]) for head, others in out]  # the first line first
    return [(sites[0], sites[1:]) for sites in ordered]


def hub_key(node: ast.expr | None) -> str | None:
    """What names a hub id, ignoring who holds it: a literal, the last key or attribute (`cfg["backbone"]`,
    `self.cfg.architecture.backbone` -> backbone), or a variable name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if node is not None:
        return ast.unparse(node)  # the same expression (`dummy_weights or model_name`) names the same model
    return None


def hub_keys(module, judged, resolver) -> dict[int, str]:
    """id(call) -> the key of the hub id it loads, for the hub loads among what `judge` found."""
    keys: dict[int, str] = {}
    for _, _, call, _ in judged:
        loader = resolver.loader(module, call)
        if loader is not None and loader.kind == "hub":
            key = hub_key(argument(call, loader.target))
            if key is not None:
                keys[id(call)] = key
    return keys


def also_at(message: str, related: list[Location], cell: int | None = None) -> str:
    """The message with the other sites: their lines, or their cells and lines when one is in another cell."""
    if not related:
        return message
    if any(r.cell != cell for r in related):
        return f"{message} (also at {', '.join(f'cell {r.cell} line {r.line}' for r in related)})"
    return f"{message} (also at line{'s' if len(related) > 1 else ''} {', '.join(str(r.line) for r in related)})"


class UnpinnedRemoteArtifact(Rule):
    """
    ## What it does
    Reports models and datasets fetched at run time without a pin, in Python files and notebook cells:
    - Hugging Face loaders without `revision=` (or with a branch such as `revision="main"`): any
      `from_pretrained` of transformers/diffusers/peft/sentence-transformers/timm classes, `load_dataset`,
      `hf_hub_download`, `snapshot_download`, `pipeline`, `SentenceTransformer` (a call given `**kwargs` may
      pass the revision from a config, and is not judged; nor is a call in a module-level branch that a
      constant switch never takes, `MODEL = "small"` then `if MODEL == "large": …`);
    - `torch.hub.load("org/repo")` without a `:tag` or commit;
    - downloads (`urlretrieve`, `wget.download`, `gdown`, `load_state_dict_from_url` and its other names,
      `torch.utils.model_zoo.load_url`, ...; `requests.get` and
      `urlopen` of a data file URL, with `stream=True`, or whose body is saved to a file) with no checksum check
      in the same function (a `hashlib` digest, a `verify`/`checksum`/`md5` helper, or the loader's own
      `md5=`/`known_hash=`/`check_hash=` argument; torch.hub's `check_hash=True` compares only the sha256 prefix
      a file name carries, `resnet18-f37072fd.pth`, so it is no check of a name without one, and is suggested
      only where the name carries one or is not known). A download helper that fetches the URL it is given counts
      as checked when a function that calls it verifies the file;
    - `wget` and `curl` saving to disk (`-O`, `-o`, `> file`, or piped into `tar`/`unzip`) in shell scripts,
      Makefile recipes, notebook `!` lines and `%%bash` cells, and `os.system`/`subprocess` calls, with no
      `sha256sum -c` (or `hashlib` check) in the same script, cell or function; one finding per script or cell.

    A download whose URL is fixed to a 40-hex commit (`raw.githubusercontent.com/<owner>/<repo>/<sha>/...`,
    `github.com/<owner>/<repo>/raw/<sha>/...`, a hub `/resolve/<sha>/` path, `?rev=<sha>`) serves the same bytes
    forever: no checksum is needed. One from a branch or tag (`.../raw/main/...`, `releases/download/v1.0/...`)
    can change, and is reported.

    Not downloads of data: an API's JSON answer (`.json()`, `json.load(urlopen(...))`), installers and
    scripts (`.sh`, `.whl`, a platform build such as `*-linux-x86_64.zip`, anything piped into a shell), web
    pages and images fetched for display, and `torch.hub.list`.

    Loaders are recognised through imports (`from transformers import AutoModel`); a project's own class
    that defines `from_pretrained` is judged by what it calls inside, one that inherits it from a hub class is a
    loader. Local paths (`./checkpoints/best`, `load_dataset("csv", ...)`) are not remote. Weights that the
    modules of a project's own torch.hub entry points (those `hubconf.py` imports) fetch with
    `torch.hub.load_state_dict_from_url` are the ones the project publishes, under fixed versioned names on its
    own host: reported at info (a checksum there is hardening, and `check_hash` needs a hash in the file name).

    An id that is not written literally is followed to where it comes from in the same module. One the user
    supplies at run time is not reported: no revision can be pinned in the code for it (a required argparse
    option or one without a default, a parameter without a default of a command-line entry point handed to
    `fire.Fire`/`jsonargparse.CLI`/`typer.run` or decorated as a command, an environment variable without a
    default, a parameter without a default that every call of its function in the module fills so:
    `extract(args.source)` with a required `--source`). One with a literal default is reported, naming the default
    (`--model` default `bert-base-uncased`, `def main(lora_weights="org/adapter")`, `os.getenv("MODEL", "gpt2")`),
    and so is a parameter that a call fills with a literal (`weights("org/model")`). An id read from a
    key (`cfg["backbone"]`, `cfg.backbone`) whose every value written in the file (in a notebook, in any cell:
    `{"backbone": "../input/deberta"}`) is a local folder is not remote. A download in one branch of a test that
    its value is a URL, the other branch reading the same value as a local file (`load_state_dict_from_url(w) if
    urlparse(w).scheme else torch.load(w)`), fetches whatever path or URL the caller gives: reported only when the
    value has a literal default. A model whose weights a later full `load_state_dict` (not `strict=False`) of the
    same function replaces runs the project's own checkpoint, not the hub's weights: not reported. A load in a
    method of a class that nothing in the repository names but its own definition (no module, notebook, script
    or config mentions it, as code or as a config's `target: pkg.module.Class`, and no decorator registers it) runs
    only for someone who imports the class on their own: reported at info. A load in the `if pretrained:` branch
    of a module-level function (`if pretrained is not None:`, `if pretrained and ...:`) whose flag no run of the
    repository turns on is not reported: its default is off and every call that may set it, to the function or to
    the wrappers that pass it through (`resnet18(pretrained=False)` calling `_resnet(..., pretrained, ...)`),
    passes nothing or an off value, while a call that may reach it without naming it (a table's element called as
    `init_op()`, a registry's `create_model(name, pretrained=False)`) counts when it names the flag by keyword (a
    library's own model, `inception_v3(pretrained=True)`, runs none of the project's functions), and a config file
    with a key of that name may set it. So is one in a helper (`initialize_pretrained_model`) that
    is called only from such branches and named nowhere else. A download in such a branch of a model zoo's builder
    that nothing in the repository calls or names (no code, notebook, config or script; its own module's strings,
    `pretrained_settings["dpn98"]`, aside) while the repository uses other functions of its module (`dpn92` through
    a table) is reported at info, unless the project is a published library (its functions are an interface for code
    outside it) or the builder is decorated (a registry may hold it).

    Tests (the `test` role: `tests/`, `test_*.py`, ...; see the `roles` setting) are not judged: a test that loads
    a model from the hub compares against its current weights on purpose, and pinning the test alone changes
    nothing. A test that runs the hub's code (`trust_remote_code=True`) from a moving branch still is, at info.

    One id is one fix: the loads of one hub id in one function, or in one notebook (`cfg["backbone"]` read by
    `AutoConfig` and by `AutoTokenizer`, `self.cfg["backbone"]` alike; the model loaded in one cell and its
    tokenizer in another from the same `model_type`; the same `dummy_weights or model_name` loaded in each branch
    of an `if`/`elif` on the architecture), or in the methods of one class (a `prepare_data` that pre-downloads
    `self.dataset_name` and a `setup` that loads it), are reported once, at the first, with the others as related
    locations. So is one URL downloaded the same way in several notebooks of one folder (each example notebook
    fetching the same dataset). A constructor's parameter is followed to the calls of its class
    (`Embedder(args.model_name_or_path)`), and a folder Metaflow unpacked a stored model into
    (`current.model.loaded["llm"]`) is local. In an examples collection that tracks its library's latest release on
    purpose (as for the pin rules: DEP001, DKR004), the hub findings are listed with the suppressed ones, saying
    why; downloads without a checksum stay reported.

    ## Why it matters
    A hub repository's default branch changes under you: weights get re-uploaded, tokenizers fixed, datasets
    re-processed. The same code then trains or evaluates on something else, silently. A download without a
    checksum can change, or be truncated, without anyone noticing.

    ## Example
    ```python
    model = AutoModel.from_pretrained("bert-base-uncased")
    data = load_dataset("imdb")
    ```

    ## Fix
    Pin the commit: `from_pretrained("bert-base-uncased", revision="<40-hex commit sha>")`,
    `torch.hub.load("pytorch/vision:v0.16.0", ...)`, and verify downloads (`pooch.retrieve(url,
    known_hash="sha256:...")`, or compare `hashlib.sha256` of the file right after downloading it).
    """

    code = "DAT005"
    name = "unpinned-remote-artifact"
    severity = Severity.WARNING
    summary = "A remote model or dataset loaded without a pinned revision or checksum"

    def check(
        self,
        project,
        python_modules,
        notebook_modules,
        notebooks,
        shell_commands,
        first_party,
        module_index,
        roles,
        project_kind,
        facts,
    ):
        self.remote_code: set[tuple[str, int]] = set()  # (path, line) of hub loads that run the hub's code
        self.flags = UntakenFlags(facts)
        self.library = project_kind.is_library  # its functions are an interface for code outside the repository
        for finding in self.each_finding(
            project, python_modules, notebook_modules, notebooks, shell_commands, first_party, module_index
        ):
            sites = [(finding.path, finding.line), *((r.path, r.line) for r in finding.related)]
            if roles.role(finding.path) == "test" and not self.remote_code.intersection(sites):
                continue  # a test compares against the hub's current weights on purpose
            yield finding

    def each_finding(
        self, project, python_modules, notebook_modules, notebooks, shell_commands, first_party, module_index
    ):
        resolver = LoaderResolver(first_party, module_index, python_modules)
        analysed = [m for m in python_modules.values() if m.mentions(*table.MENTIONS) and m.tree is not None]
        cells = {(path, cell.cell): cell.module for path, modules in notebook_modules.items() for cell in modules}
        analysed_cells = {
            key: module for key, module in cells.items() if module.mentions(*table.MENTIONS) and module.tree is not None
        }
        scopes = {id(m): analyse_scopes(m) for m in [*analysed, *analysed_cells.values()]}
        helpers_checked = checked_by_callers(scopes.values())
        entry_modules = hub_entry_modules(python_modules, module_index)
        by_notebook: dict[str, list] = {}
        for (path, _), module in cells.items():
            by_notebook.setdefault(path, []).append(module)
        unused = UnusedClasses(project, python_modules)
        for module in analysed:
            yield from self.module_findings(module, scopes, resolver, project, helpers_checked, entry_modules, unused)
        yield from self.cell_findings(
            project, notebooks, cells, analysed_cells, by_notebook, scopes, resolver, helpers_checked
        )
        yield from self.script_downloads(shell_commands)

    def module_findings(self, module, scopes, resolver, project, helpers_checked, entry_modules, unused):
        """The findings of one Python module."""
        values = KeyValues([module])
        judged = list(self.judge(module, scopes[id(module)], resolver, project, helpers_checked, values))
        keys = hub_keys(module, judged, resolver)
        for (line, message, call, scope), others in once_per_class(module, once_per_function(judged, keys), keys):
            related = [Location(module.path, other_line) for other_line, *_ in others]
            finding = self.finding(also_at(message, related), module.path, line, related=related)
            if module.path in entry_modules and call_name(module, call) in table.PUBLISHED_WEIGHT_LOADERS:
                finding.severity = Severity.INFO
                finding.message += (
                    " (info: weights the project publishes through its torch.hub entry points, hubconf.py)"
                )
            elif (name := unused.owner(module, scope)) is not None:
                finding.severity = Severity.INFO
                finding.message += (
                    f" (info: in {name}, a class that nothing in the repository instantiates and no config names)"
                )
            elif (
                not self.library
                and getattr(resolver.loader(module, call), "kind", None) in ("download", "http")
                and (name := self.flags.unused_builder(module, call, unused)) is not None
            ):
                finding.severity = Severity.INFO
                finding.message += (
                    f" (info: in a branch on a parameter of {name}, a builder that nothing in the repository calls"
                    " or names while it uses others of its module)"
                )
            yield finding

    def cell_findings(self, project, notebooks, cells, analysed_cells, by_notebook, scopes, resolver, helpers_checked):
        """The findings of notebook cells: hub loads of one id in one notebook and downloads of one URL in the
        notebooks of one folder once."""
        cell_findings = []
        # downloads of one URL the same way in notebooks of one folder: (folder, message, url) -> findings
        folder_downloads: dict[tuple[str, str, str], list[Finding]] = {}
        # hub loads of one id in one notebook, any cell: (path, key) -> [(cell, module, line, message, related)]
        notebook_loads: dict[tuple[str, str], list[tuple]] = {}
        for (path, index), module in analysed_cells.items():
            values = KeyValues(by_notebook[path])
            judged = list(self.judge(module, scopes[id(module)], resolver, project, helpers_checked, values))
            keys = hub_keys(module, judged, resolver)
            for (line, message, call, _), others in once_per_function(judged, keys, True):
                related = [Location(path, other, cell=index, json_line=module.file_line(other)) for other, *_ in others]
                if id(call) in keys:
                    notebook_loads.setdefault((path, keys[id(call)]), []).append(
                        (index, module, line, message, related)
                    )
                    continue
                finding = self.cell_finding(message, related, path, line, index, module)
                url = notebook_url(notebooks.get(path), call)
                if url is not None and not related:
                    folder_downloads.setdefault((posixpath.dirname(path), message, url), []).append(finding)
                    continue
                cell_findings.append(finding)
        for (path, _), loads in notebook_loads.items():
            (index, module, line, message, related), *rest = sorted(loads, key=lambda load: (load[0], load[2]))
            for other_index, other, other_line, _, other_related in rest:
                related.append(Location(path, other_line, cell=other_index, json_line=other.file_line(other_line)))
                related.extend(other_related)
            cell_findings.append(self.cell_finding(message, related, path, line, index, module))
        for (_, _, url), found in folder_downloads.items():
            first, *rest = sorted(found, key=lambda f: (f.path, f.cell or 0, f.line or 0))
            if rest:
                first.related = tuple(Location(f.path, f.line, cell=f.cell, json_line=f.json_line) for f in rest)
                names = ", ".join(posixpath.basename(f.path) for f in rest[:3]) + (" and more" if len(rest) > 3 else "")
                others = f"{len(rest)} other notebook{'s' if len(rest) > 1 else ''}"
                first.message += f" (the same download of {url} in {others} of this folder: {names})"
            cell_findings.append(first)
        cell_findings.extend(self.cell_downloads(notebooks, cells, scopes))
        for finding in cell_findings:
            yield quick_start_note(finding, notebooks[finding.path], project)

    def cell_finding(self, message: str, related: list, path: str, line: int, cell: int, module) -> Finding:
        """A finding in a notebook cell, at its line in the notebook file, naming the other places."""
        return self.finding(
            also_at(message, related, cell), path, line, cell=cell, json_line=module.file_line(line), related=related
        )

    def cell_downloads(self, notebooks, cells, scopes):
        """`!wget`/`!curl` lines of notebook cells: one finding per cell (a cell is a notebook's function)."""
        for path, notebook in notebooks.items():
            for cell in notebook.code_cells:
                downloads = shell_downloads(cell.commands) if "wget" in cell.source or "curl" in cell.source else []
                if not downloads or shell_verifies(cell.commands):
                    continue
                if python_verifies(cells.get((path, cell.index)), scopes):
                    continue
                line = downloads[0].line
                yield self.finding(
                    download_advice(downloads, "cell"), path, line, cell=cell.index, json_line=cell.file_line(line)
                )

    def script_downloads(self, shell_commands):
        """Downloads in shell scripts and Makefile recipes: one finding per file, at the first download."""
        by_file: dict[tuple[str, str], list[Command]] = {}
        for sourced in shell_commands:
            if sourced.origin in ("script", "makefile"):
                by_file.setdefault((sourced.path, sourced.origin), []).append(sourced.command)
        for (path, origin), commands in by_file.items():
            downloads = shell_downloads(commands)
            if downloads and not shell_verifies(commands):
                where = "Makefile" if origin == "makefile" else "script"
                yield self.finding(download_advice(downloads, where), path, downloads[0].line)

    def judge(
        self, module, scopes, resolver: LoaderResolver, project, helpers_checked, values: KeyValues
    ) -> Iterator[tuple[int, str, ast.Call, Scope]]:
        module_scope = scopes[0]
        inputs: list[RunTimeInputs] = []  # built once, for the first id that is not written literally

        def origin_of(node: ast.expr, scope: Scope) -> Origin | None:
            if not inputs:
                inputs.append(RunTimeInputs.of(module, scopes))
            return origin(node, module, scope, module_scope, inputs[0])

        untaken: frozenset[int] | None = None
        for scope in scopes:
            for call in scope.calls:
                loader = resolver.loader(module, call)
                if loader is not None or call_name(module, call) in table.SUBPROCESS_CALLS:
                    untaken = untaken if untaken is not None else untaken_branch_lines(module)
                    if call.lineno in untaken:
                        continue  # `if MODEL == "270m": ... else: snapshot_download(...)` with MODEL = "270m"
                if loader is not None and loader.kind in ("download", "http") and self.flags.untaken(module, call):
                    continue  # `if pretrained:` of a builder that no run of the repository calls with it on
                if loader is not None:
                    message = self.problem(loader, call, scope, module_scope, project, helpers_checked, origin_of)
                    if message and self.set_locally(loader, call, project, values):
                        continue  # `cfg["backbone"]` whose every value in the file is a local folder
                    if message and loader.kind == "hub" and from_local_store(module, argument(call, loader.target)):
                        continue  # `current.model.loaded["llm"]`: the folder Metaflow unpacked the model into
                    if message and loader.kind == "hub" and weights_replaced(call, scope):
                        continue  # `load_state_dict(torch.load(ckpt))` next: the hub's weights are not used
                    if message and loader.kind not in ("hub", "torch-hub") and path_or_url(module, call, loader):
                        target_node = argument(call, loader.target)
                        found = origin_of(target_node, scope) if target_node is not None else None
                        if found is None or not found.default:
                            continue  # `load_state_dict_from_url(w) if urlparse(w).scheme else torch.load(w)`
                elif call_name(module, call) in table.SUBPROCESS_CALLS:
                    message = self.subprocess_problem(call, scope, module_scope, helpers_checked)
                else:
                    continue
                if message:
                    trusted = keyword(call, "trust_remote_code")
                    if isinstance(trusted, ast.Constant) and trusted.value is True:
                        self.remote_code.add((module.path, call.lineno))
                    yield call.lineno, message, call, scope

    def problem(
        self, loader, call: ast.Call, scope: Scope, module_scope: Scope, project, helpers_checked, origin_of
    ) -> str | None:
        callee = ast.unparse(call.func)
        target_node = argument(call, loader.target)
        target = literal(target_node, scope, module_scope)
        if loader.kind == "hub":
            source = origin_of(target_node, scope) if target is None and target_node is not None else None
            return self.hub_problem(loader, call, callee, target_node, target, project, source)
        if loader.kind == "torch-hub":
            source = keyword(call, "source")
            if isinstance(source, ast.Constant) and source.value == "local":
                return None
            if target is None or looks_local(target.partition(":")[0], project):
                return None
            repo, _, ref = target.partition(":")
            if ref and ref not in table.MOVING_REFS:
                return None
            state = f"branch {ref!r}" if ref else "default branch"
            return (
                f'`{callee}("{target}")` loads the {state} of {repo}, which moves; pin a tag or commit: '
                f'"{repo}:<tag or sha>"'
            )
        # downloads
        tail = url_tail(target_node, scope, module_scope)
        named = named_hash(target_node, tail, scope, module_scope) if loader.hash_in_name else None
        hashless = ""
        if loader.verify:
            verified = argument(call, (loader.verify_at, loader.verify))
            if verified is not None and not (isinstance(verified, ast.Constant) and verified.value in (None, False)):
                if named is not False:
                    return None
                # `check_hash=True` compares the `-<sha256 prefix>` of the file name: this one carries none
                hashless = (
                    f" ({loader.verify}=True compares only a sha256 prefix a file name carries, and this one has none)"
                )
        if tail is not None and non_data(tail):
            return None
        if loader.kind == "http" and not http_download(call, target, scope):
            return None
        if scope.verifies or checked_helper(scope, target_node, helpers_checked):
            return None
        shown = target or url_template(target_node, scope) or "a URL"
        if commit_pinned(shown):
            return None  # fixed to a commit: what it serves cannot change
        extra = verify_advice(loader, named)
        return (
            f"`{callee}` downloads {shown} without a checksum check in the same function{hashless}; verify its "
            f"sha256 (hashlib) right after the download{extra}"
        )

    def set_locally(self, loader, call: ast.Call, project, values: KeyValues) -> bool:
        """A hub id read from a key (`cfg["backbone"]`, `cfg.backbone`) whose every value written in the file
        (`{"backbone": "../input/deberta"}`, `cfg.backbone = ...`; in a notebook, any cell) is a local path."""
        if loader.kind != "hub":
            return False
        node = argument(call, loader.target)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = str(node.slice.value)
        elif isinstance(node, ast.Attribute):
            key = node.attr
        else:
            return False
        written = values.of(key)
        return bool(written) and all(looks_local(value, project) for value in written)

    def subprocess_problem(self, call: ast.Call, scope: Scope, module_scope: Scope, helpers_checked) -> str | None:
        downloads = shell_downloads(subprocess_commands(call, scope, module_scope))
        if not downloads or scope.verifies:
            return None
        url_node = next((n for n in ast.walk(call) if isinstance(n, ast.Name) and n.id in scope.parameters), None)
        if checked_helper(scope, url_node, helpers_checked):
            return None
        found = downloads[0]
        return (
            f"`{found.program}` (run by `{ast.unparse(call.func)}`) downloads {found.url or 'a URL'} without a "
            "checksum check in the same function; verify its sha256 (hashlib) right after the download"
        )

    def hub_problem(self, loader, call, callee, target_node, target, project, source: Origin | None) -> str | None:
        """Hub ids written literally or as a literal default; one the user supplies at run time (`source.user`)
        cannot be pinned in the code."""
        revision = keyword(call, table.HUB_REVISION)
        if target_node is None and loader.default_target is None:
            return None
        if source is not None and (source.user or not source.default):
            return None
        named = target or (source.default if source else None)
        if target_node is not None:
            if named is not None:
                if looks_local(named, project):
                    return None
                if loader.what == "dataset" and named.lower() in table.LOCAL_DATASET_BUILDERS:
                    return None
            elif LOCAL_HINT.search(ast.unparse(target_node)):
                return None
        if target_node is None:
            what = loader.default_target
        elif target is not None:
            what = f"{loader.what} {target}"
        else:
            # "file of" names what is inside a repository: "the file of the repository named by `repo_id`"
            noun = f"{loader.what} the repository" if loader.what.endswith(" of") else loader.what
            what = f"the {noun} named by `{ast.unparse(target_node)}`"
            if source is not None:
                what += f" ({'called with' if source.called_with else 'default'} {source.default})"
        if revision is None and any(item.arg is None for item in call.keywords):
            return None  # `**model_kwargs` may carry the revision (from a config): not judged here
        if revision is not None:
            if not isinstance(revision, ast.Constant):
                return None  # decided elsewhere (a config value, a variable): not judged here
            value = revision.value
            if isinstance(value, str) and HEX40.match(value):
                return None
            if value is not None:
                return (
                    f"`{callee}` loads {what} at revision={value!r}, which can move; pin the 40-hex commit sha: "
                    'revision="<sha>"'
                )
        return f'`{callee}` loads {what} from the Hugging Face hub {HUB_REVISION}; pass revision="<40-hex commit sha>"'


# -- downloads under a flag that no run turns on ---------------------------------------------------------------------
MAX_FLAG_DEPTH = 4
# Library calls that may build an object named at run time, a project function registered with them included.
FACTORY_WORD = lazy_pattern(r"create|build|make|get|load|instantiate|from_|registry|call|apply|partial", re.IGNORECASE)
CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".cfg", ".ini")
UNKNOWN_VALUE = object()


class UntakenFlags:
    """Loads in the `if pretrained:` branch of a module-level function whose flag no run of the repository turns
    on (a vendored torchvision `resnet.py`, its builders called as `init_op()`): the flag's default is off, and
    every call that may set it, to the function or to the wrappers that pass it through (`resnet18(pretrained=False,
    ...)` calling `_resnet(..., pretrained, ...)`), passes nothing or an off value. A call that may reach the
    function without naming it (through a table, a registry, `create_model(name, pretrained=False)`) counts when it
    names the flag by keyword; a positional value passed that way is not seen. Built on the first question."""

    def __init__(self, facts):
        self.facts = facts
        self._by_target: dict[Unit, list] = {}
        self._helpers: dict[tuple[str, str], bool] = {}
        self._mentions: dict[str, list[tuple[str, int]]] = {}
        self._by_keyword: dict[str, list] = {}
        self._config_keys: dict[str, bool] = {}

    def untaken(self, module, call: ast.Call, depth: int = 0) -> bool:
        """Does the call run only under a flag no run turns on: in such a branch of its module-level function, or
        in a helper (`initialize_pretrained_model`) that is called only from such branches and named nowhere
        else?"""
        tree = module.tree
        if tree is None or depth > MAX_FLAG_DEPTH:
            return False
        for function in tree.body:
            if function.__class__ not in (ast.FunctionDef, ast.AsyncFunctionDef):
                continue
            if not function.lineno <= call.lineno <= (function.end_lineno or function.lineno):
                continue
            parameters = function_parameters(function)
            for test in guarding_tests(function, call):
                for name in parameters:
                    if mentions_name(test, name) and self.never_on(module.path, function.name, name, test):
                        return True
            return self.helper_untaken(module.path, function.name, depth)
        return False

    def unused_builder(self, module, call: ast.Call, unused: UnusedClasses) -> str | None:
        """The name of the module-level function whose flag branch (`if pretrained:`, a test of one of its
        parameters) holds the download, when nothing in the repository calls or names that function while another
        module uses a sibling function of its module: a model zoo's builder that the project left unused (`dpn98`
        beside the `dpn92` its tables use). Its own module's strings (`pretrained_settings["dpn98"]`) do not name
        it, unless the module looks functions up by name (`globals()`); a decorated or private function is never
        one (a registry may hold it)."""
        tree = module.tree
        if tree is None:
            return None
        function = next(
            (
                node
                for node in tree.body
                if node.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef)
                and node.lineno <= call.lineno <= (node.end_lineno or node.lineno)
            ),
            None,
        )
        if function is None or function.decorator_list or function.name.startswith("_"):
            return None
        parameters = function_parameters(function)
        if not any(mentions_name(test, name) for test in guarding_tests(function, call) for name in parameters):
            return None
        name = function.name
        if self.calls_to(Unit(module.path, "function", name)) or "globals()" in (module.text or ""):
            return None
        if any(path != module.path for path, _ in self.mentions(name)):
            return None  # another module or a notebook names it
        for node in ast.walk(tree):
            if (node.__class__ is ast.Name and node.id == name) or (
                node.__class__ is ast.Attribute and node.attr == name
            ):
                return None  # referenced in its module: `TABLE = {"dpn98": dpn98}`, `__all__` aside
        siblings = [
            node.name
            for node in tree.body
            if node.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef) and node.name != name
        ]
        if not any(path != module.path for sibling in siblings for path, _ in self.mentions(sibling)):
            return None  # no function of its module is used elsewhere: an interface for code outside
        word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        for path, text in unused.texts:
            if path.endswith(".py") or path.lower().endswith((".txt", ".md", ".rst")):
                continue  # code is judged above; a document builds nothing
            if name in text and word.search(text):
                return None  # a config or script may name it (`arch: dpn98`)
        return name

    def helper_untaken(self, path: str, function: str, depth: int) -> bool:
        """Is every call of a module-level function untaken (see `untaken`), the function named nowhere but at
        those calls, its definition and imports?"""
        key = (path, function)
        if key in self._helpers:
            return self._helpers[key]
        self._helpers[key] = False  # a cycle of helpers proves nothing
        graph = self.facts.get("call_graph")
        calls = self.calls_to(Unit(path, "function", function))
        found = bool(calls)
        for unit, call in calls:
            module = graph.source(unit)
            if (
                unit.kind != "function"
                or "." in unit.name
                or module is None
                or not self.untaken(module, call, depth + 1)
            ):
                found = False
                break
        if found:
            at_calls = {(unit.path, call.lineno) for unit, call in calls if unit.kind != "cell"}
            # named in a table, passed on, called where the checker cannot see: it may run
            found = all(place in at_calls for place in self.mentions(function))
        self._helpers[key] = found
        return found

    def mentions(self, function: str) -> list[tuple[str, int]]:
        """(path, line) of the lines of the repository's code that name the function, besides its definitions and
        imports (a notebook's mention is at line 0: no call site is placed there)."""
        found = self._mentions.get(function)
        if found is not None:
            return found
        graph = self.facts.get("call_graph")
        pattern = re.compile(rf"\b{re.escape(function)}\b")
        found = []
        for rel, module in graph.modules.items():
            text = module.text or ""
            if function not in text:
                continue
            for match in pattern.finditer(text):
                start = text.rfind("\n", 0, match.start()) + 1
                line = text[start : text.find("\n", match.start()) % (len(text) + 1)].lstrip()
                if not line.startswith(("def ", "async def ", "from ", "import ", "#")):
                    found.append((rel, text.count("\n", 0, match.start()) + 1))
        for cells in graph.notebook_cells.values():
            for cell in cells:
                source = graph.source(cell)
                if source is not None and function in (source.text or "") and pattern.search(source.text or ""):
                    found.append((cell.path, 0))
        self._mentions[function] = found
        return found

    def never_on(self, path: str, function: str, name: str, test: ast.expr) -> bool:
        if self.config_key(name):
            return False  # a config may set it through `**cfg`
        values = self.values(path, function, name, 0, set())
        return bool(values) and all(value is not UNKNOWN_VALUE and off(test, name, value) for value in values)

    def values(self, path: str, function: str, name: str, depth: int, seen: set) -> list | None:
        """The values the parameter may take in the repository's runs, None when one is not known."""
        if depth > MAX_FLAG_DEPTH or (path, function, name) in seen:
            return None
        seen.add((path, function, name))
        graph = self.facts.get("call_graph")
        node = graph.definitions(path).functions.get(function)
        if node is None:
            return None
        index, default = parameter_slot(node, name)
        found: list = []
        if default is not None:
            constant = constant_value(default)
            if constant is UNKNOWN_VALUE:
                return None
            found.append(constant)
        target = Unit(path, "function", function)
        calls = self.calls_to(target)
        for unit, call in self.keyword_calls(name):
            if (unit, call) not in calls and self.may_reach(unit, call, target):
                calls.append((unit, call))
        if not calls and not self.mentions(function):
            return None  # nothing here calls it or names it: an interface for code outside the repository
        for unit, call in calls:
            passed = keyword(call, name)
            if passed is None and index is not None and index < len(call.args):
                passed = call.args[index]
                if any(arg.__class__ is ast.Starred for arg in call.args[: index + 1]):
                    return None
            if passed is None:
                if any(k.arg is None for k in call.keywords) or any(a.__class__ is ast.Starred for a in call.args):
                    return None  # `**kwargs` or `*args` may hold it
                continue  # left at its default
            value = constant_value(passed)
            if value is not UNKNOWN_VALUE:
                found.append(value)
                continue
            caller = graph.function_node(unit) if unit.kind == "function" and "." not in unit.name else None
            if passed.__class__ is not ast.Name or caller is None or passed.id not in function_parameters(caller):
                return None
            more = self.values(unit.path, unit.name, passed.id, depth + 1, seen)
            if more is None:
                return None
            found.extend(more)
        return found

    def config_key(self, name: str) -> bool:
        """Does a config file of the repository (YAML, JSON, TOML, INI) set a key of that name?"""
        found = self._config_keys.get(name)
        if found is None:
            project = self.facts.get("project")
            pattern = re.compile(rf"""(?m)(?:^|[\s{{,'"])['"]?{re.escape(name)}['"]?\s*[:=]""")
            found = any(
                pattern.search(project.try_read_text(rel) or "")
                for rel in project.select(lambda path: path.endswith(CONFIG_SUFFIXES))
            )
            self._config_keys[name] = found
        return found

    def units_naming(self, word: re.Pattern) -> list[Unit]:
        """The units of the Python files and notebook cells whose text matches `word` (the others cannot call
        what it names)."""
        graph = self.facts.get("call_graph")
        units = [
            unit
            for path, module in graph.modules.items()
            if word.search(module.text or "")
            for unit in graph.units_of(path)
        ]
        for cells in graph.notebook_cells.values():
            units += [cell for cell in cells if (source := graph.source(cell)) and word.search(source.text or "")]
        return units

    def calls_to(self, target: Unit) -> list:
        """The calls that resolve to a project function (cached)."""
        found = self._by_target.get(target)
        if found is None:
            graph = self.facts.get("call_graph")
            name = target.name.rsplit(".", 1)[-1]
            found = self._by_target[target] = [
                (unit, call)
                for unit in self.units_naming(re.compile(rf"\b{re.escape(name)}\b"))
                for call in graph.code(unit).calls
                if call_tail(call) == name and graph.resolve_load(unit, call.func) == target
            ]
        return found

    def keyword_calls(self, name: str) -> list:
        """The calls that pass a keyword argument of that name (cached)."""
        found = self._by_keyword.get(name)
        if found is None:
            graph = self.facts.get("call_graph")
            found = self._by_keyword[name] = [
                (unit, call)
                for unit in self.units_naming(re.compile(rf"\b{re.escape(name)}\s*="))
                for call in graph.code(unit).calls
                if any(word.arg == name for word in call.keywords)
            ]
        return found

    def may_reach(self, unit: Unit, call: ast.Call, target: Unit) -> bool:
        """May a call naming the flag by keyword run the function without naming it: it resolves to no project
        function or class (a table's element, a registry, a library's factory), or to the function itself."""
        graph = self.facts.get("call_graph")
        resolved = graph.resolve_load(unit, call.func)
        if resolved is not None:
            return resolved == target
        module = graph.source(unit)
        qualified = graph.star_qualname(module, unit.path, call.func) if module is not None else None
        # a library's own model (`torchvision.models.inception_v3(pretrained=True)`) runs none of the project's
        # functions; a factory may (`timm.create_model`, `build_model`, `instantiate` reach registered ones)
        return qualified is None or FACTORY_WORD.search(qualified.rsplit(".", 1)[-1]) is not None


def call_tail(call: ast.Call) -> str:
    """The last name of what a call calls: `f` of `f(x)` and of `m.f(x)`."""
    func = call.func
    return func.attr if func.__class__ is ast.Attribute else getattr(func, "id", "")


def function_parameters(node) -> list[str]:
    args = node.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def parameter_slot(node, name: str) -> tuple[int | None, ast.expr | None]:
    """The parameter's position (None for a keyword-only one) and its default (None when it has none)."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    for index, arg in enumerate(positional):
        if arg.arg == name:
            first_default = len(positional) - len(args.defaults)
            return index, args.defaults[index - first_default] if index >= first_default else None
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return None, default
    return None, None


def constant_value(node: ast.expr):
    if node.__class__ is ast.Constant:
        return node.value
    return UNKNOWN_VALUE


def guarding_tests(function, call: ast.Call) -> list[ast.expr]:
    """The tests of the `if` statements of `function` whose body (not their `else`) holds `call`."""

    def walk(body: list[ast.stmt], tests: list[ast.expr]) -> list[ast.expr] | None:
        for statement in body:
            if not statement.lineno <= call.lineno <= (statement.end_lineno or statement.lineno):
                continue
            if statement.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
                continue  # runs when called, not here
            if statement.__class__ is ast.If:
                found = walk(statement.body, [*tests, statement.test])
                found = found if found is not None else walk(statement.orelse, tests)
                if found is not None:
                    return found
            else:
                blocks = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
                blocks += [handler.body for handler in getattr(statement, "handlers", ())]
                for block in blocks:
                    found = walk(block, tests) if block.__class__ is list else None
                    if found is not None:
                        return found
            if any(node is call for node in ast.walk(statement)):
                return tests
        return None

    return walk(function.body, []) or []


def mentions_name(test: ast.expr, name: str) -> bool:
    return any(node.__class__ is ast.Name and node.id == name for node in ast.walk(test))


def off(test: ast.expr, name: str, value) -> bool:
    """Is `test` false when the parameter `name` holds `value`: `pretrained` with False, `pretrained is not None`
    with None, `pretrained and x` with an off flag?"""
    cls = test.__class__
    if cls is ast.Name:
        return test.id == name and not value
    if cls is ast.BoolOp and test.op.__class__ is ast.And:
        return any(off(part, name, value) for part in test.values)
    if cls is ast.Compare and len(test.ops) == 1 and test.left.__class__ is ast.Name and test.left.id == name:
        right = constant_value(test.comparators[0])
        op = test.ops[0].__class__
        if right is UNKNOWN_VALUE:
            return False
        if op is ast.IsNot:
            return value is right
        if op is ast.Is:
            return value is not right
        if op is ast.Eq:
            return value != right
        if op is ast.NotEq:
            return value == right
    return False

"""Why a data-looking file is tracked in git (DAT001/DAT002 judge by purpose, not by suffix alone).

Documentation media (an image a README or the docs show, or one under a docs/assets folder), test fixtures
(`fixture-dirs`, or any file under a test folder) and package data (a file inside a Python package that the
package declares in `package_data`/`package-data`/MANIFEST.in, or that a module beside it names) belong in git:
moving them to DVC or LFS would break the docs, the tests or the installed package. So would it break a file
that the docs, code or notebooks fetch by its raw GitHub URL (a course dataset read from
`raw.githubusercontent.com/<owner>/<repo>/main/datasets/dataset.csv`). Small tables of published results
(`results/benchmark.csv`) are for people to read and diff, and so are documents (slides, papers and posters: a
PDF or presentation in a `slides/`, `paper/` or `docs/` folder, or named so) and the metric logs DVCLive writes
under `dvclive/`, which DVC's convention commits to git. Split definitions (the ids of a train/validation split or
of CV folds, `folds/list_valid0.csv`) are what makes the split reproducible. So are illustrations (images in a
folder holding only a few images and write-ups), small inputs under an `examples/` folder that the documented
examples read, and page indexes (a course's `meta.csv` naming the lesson pages of its folder).
"""

from __future__ import annotations

import ast
import fnmatch
import os
import posixpath
import re
from functools import cached_property

from reprocheck.facts import fact
from reprocheck.facts.pycode import package_dirs
from reprocheck.facts.structured import SetupCfg, load_setup_cfg, load_toml
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables import data_files as table

MEDIA_LINK = lazy_pattern(
    r"[\w./~%-]+(?:" + "|".join(re.escape(s) for s in sorted(table.MEDIA_SUFFIXES)) + r")\b", re.IGNORECASE
)


def is_document(rel: str) -> bool:
    """Slides, a paper or a poster (a PDF or presentation in a `slides/`, `paper/`, `docs/` folder, or named so),
    outside a data folder: read by people, neither data nor a model."""
    folders = {f.lower() for f in rel.split("/")[:-1]}
    stem, suffix = posixpath.splitext(posixpath.basename(rel))
    if suffix.lower() not in table.DOCUMENT_SUFFIXES or folders & table.DATA_DIRS:
        return False
    return bool(folders & table.DOCUMENT_DIRS) or table.DOCUMENT_NAME.search(stem) is not None


def is_dvclive_log(rel: str) -> bool:
    """A metrics or plot log that DVCLive writes under `dvclive/` (DVC's convention keeps it in git)."""
    folders = rel.split("/")[:-1]
    return table.DVCLIVE_DIR in folders and posixpath.splitext(rel)[1].lower() in table.DVCLIVE_SUFFIXES


def quiet_text(project, rel: str) -> str:
    """A document's text, or "" when it cannot be read: documents are only scanned for links, never parsed, so an
    unreadable one (a link into a submodule that is not checked out) is no parse error."""
    try:
        return project.read_text(rel)
    except UnreadableFile:
        return ""


class DataFilePurposes:
    """Answers `purpose(rel)`: a short phrase saying why the file is in git on purpose, or None."""

    def __init__(self, project, settings, python_modules):
        self.project = project
        self.fixture_spec = settings.fixture_spec
        self.python_modules = python_modules

    def purpose(self, rel: str) -> str | None:
        if self.is_fixture(rel):
            return "a test fixture"
        if posixpath.splitext(rel)[1].lower() in table.MEDIA_SUFFIXES and self.is_documentation(rel):
            return "documentation media"
        if self.is_illustration(rel):
            return "an illustration (its folder holds only a few images and write-ups)"
        if self.is_example_input(rel):
            return "an example's input (a small file under an examples folder)"
        if self.is_page_index(rel):
            return "an index of the pages next to it (a table naming its folder's documents)"
        if is_document(rel):
            return "a document (slides, a paper)"
        if is_dvclive_log(rel):
            return "a DVCLive log (DVC keeps it in git)"
        package = self.package_of(rel)
        if package is not None and (self.declared_package_data(rel) or self.named_by_module(rel, package)):
            return f"package data of {package}"
        if rel in self.published_by_url:
            return f"published at its raw GitHub URL ({self.published_by_url[rel]})"
        if self.is_results_table(rel):
            return "a small table of published results"
        if self.is_split_definition(rel):
            return "a split definition (the ids of a train/validation split or of CV folds)"
        return None

    # -- illustrations, example inputs, page indexes -------------------------------------------------
    @cached_property
    def folder_files(self) -> dict[str, list[str]]:
        """The files directly inside each folder."""
        found: dict[str, list[str]] = {}
        for rel in self.project.files:
            found.setdefault(posixpath.dirname(rel), []).append(rel)
        return found

    def is_illustration(self, rel: str) -> bool:
        """An image in a folder that holds only a few images and write-ups (`sealions/3190.png` next to the
        solution's figures, `samples/samples_mode8.jpg`), outside a data folder: pictures for people, not data.
        Where the docs show some images of the folder, the ones they do not show are not taken for illustrations."""
        if posixpath.splitext(rel)[1].lower() not in table.ILLUSTRATION_IMAGES:
            return False
        folder = posixpath.dirname(rel)
        if not folder or {f.lower() for f in folder.split("/")} & table.DATA_DIRS:
            return False
        siblings = self.folder_files.get(folder, [])
        if len(siblings) > table.ILLUSTRATION_MAX_FILES:
            return False
        if any(self.is_documentation(f) for f in siblings if f != rel):
            return False  # the docs show some of the folder's images: the others are not shown
        return all(posixpath.splitext(f)[1].lower() in table.ILLUSTRATION_COMPANIONS for f in siblings)

    def is_example_input(self, rel: str) -> bool:
        """A small table, array or model file under an `examples/` folder (`examples/data/blogData_train.csv.gz`):
        what the documentation's examples read from a clone; moving it out of git would break them."""
        folders = {f.lower() for f in rel.split("/")[:-1]}
        if not folders & table.EXAMPLE_DIRS:
            return False
        name = posixpath.basename(rel).lower()
        for compression in table.EXAMPLE_COMPRESSION:
            name = name.removesuffix(compression)
        if posixpath.splitext(name)[1] not in table.EXAMPLE_SUFFIXES:
            return False
        try:
            return os.path.getsize(self.project.abspath(rel)) <= table.EXAMPLE_MAX_BYTES
        except OSError:
            return False

    def is_page_index(self, rel: str) -> bool:
        """A small table whose rows name documents of its own folder (a course's `meta.csv`: lesson, page name,
        video and slides links) that a site generator reads: a list of pages, not data."""
        if posixpath.splitext(rel)[1].lower() not in table.SPLIT_SUFFIXES:
            return False
        try:
            text = self.project.read_bytes(rel, table.PAGE_INDEX_MAX_BYTES + 1).decode("utf-8-sig")
        except (UnreadableFile, UnicodeDecodeError):
            return False
        if len(text) > table.PAGE_INDEX_MAX_BYTES:
            return False
        folder = posixpath.dirname(rel)
        rows = [line for line in text.splitlines()[1:] if line.strip()]
        if not rows:
            return False
        present = set(self.folder_files.get(folder, []))

        def names_page(row: str) -> bool:
            for cell in re.split(r"[,\t]", row):
                cell = cell.strip().strip('"')
                if cell.lower().endswith(table.DOC_SUFFIXES) and posixpath.join(folder, cell) in present:
                    return True
            return False

        return sum(map(names_page, rows)) * 2 > len(rows)

    # -- split definitions ------------------------------------------------------------------------
    def is_split_definition(self, rel: str) -> bool:
        """A small text table that lists the ids or paths of a train/validation/test split or of CV folds (in a
        `folds/` or `splits/` folder, or named so): one column of ids, or ids and their fold or split. Committing
        it is what makes the split reproducible. Tables with measurements, text or other columns are data."""
        suffix = posixpath.splitext(rel)[1].lower()
        if suffix not in table.SPLIT_SUFFIXES:
            return False
        folders = rel.split("/")[:-1]
        stem = posixpath.splitext(posixpath.basename(rel))[0]
        if not any(table.SPLIT_DIR.match(f) for f in folders) and not table.SPLIT_NAME.search(stem):
            return False
        try:
            text = self.project.read_bytes(rel, table.SPLIT_MAX_BYTES).decode("utf-8-sig")
        except (UnreadableFile, UnicodeDecodeError):
            return False
        return lists_split_ids(text.splitlines()[: table.SPLIT_SAMPLE_ROWS], "\t" if suffix == ".tsv" else ",")

    # -- published results ----------------------------------------------------------------------
    def is_results_table(self, rel: str) -> bool:
        """A small text table in a results folder (`results/`, `eval_results/`, `scores/`) or in the docs: numbers
        a README, paper or docs page reports, diffable and read by people; DVC or LFS would only hide them."""
        if posixpath.splitext(rel)[1].lower() not in table.RESULTS_SUFFIXES:
            return False
        folders = rel.split("/")[:-1]
        in_docs = {f.lower() for f in folders} & table.DOCS_DIRS and not {f.lower() for f in folders} & table.DATA_DIRS
        if not in_docs and not any(table.RESULTS_DIR.search(folder) for folder in folders):
            return False
        try:
            return os.path.getsize(self.project.abspath(rel)) <= table.RESULTS_MAX_BYTES
        except OSError:
            return False

    # -- files published by URL -------------------------------------------------------------------
    @cached_property
    def published_by_url(self) -> dict[str, str]:
        """Files that the docs, code or notebooks fetch by their raw GitHub URL (`raw.githubusercontent.com/
        <owner>/<repo>/<ref>/<path>`), with where: moving them out of git would break those URLs."""
        published: dict[str, str] = {}
        texts = [(path, module.text) for path, module in self.python_modules.items()]
        for doc in self.project.select(lambda path: path.lower().endswith((*table.DOC_SUFFIXES, ".ipynb"))):
            texts.append((doc, quiet_text(self.project, doc)))
        for path, text in texts:
            if "github" not in text:
                continue
            for match in table.RAW_FILE_URL.finditer(text):
                target = match.group(1).rstrip(".")
                if self.project.exists(target) and target not in published:
                    published[target] = f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
        return published

    # -- fixtures ---------------------------------------------------------------------------------
    def is_fixture(self, rel: str) -> bool:
        return self.fixture_spec.match_file(rel) or any(table.TEST_DIR.match(s) for s in rel.split("/")[:-1])

    # -- documentation media ----------------------------------------------------------------------
    def is_documentation(self, rel: str) -> bool:
        folders = {s.lower() for s in rel.split("/")[:-1]}
        if folders & table.DOCS_DIRS and not folders & table.DATA_DIRS:
            return True
        return rel in self.linked_media or any(link.endswith("/" + rel) for link in self.linked_media)

    @cached_property
    def linked_media(self) -> frozenset[str]:
        """Media paths that documentation links to, resolved from each document's folder (URLs kept whole)."""
        links: set[str] = set()
        for doc in self.project.select(lambda path: path.lower().endswith(table.DOC_SUFFIXES)):
            text = quiet_text(self.project, doc)
            folder = posixpath.dirname(doc)
            for match in MEDIA_LINK.finditer(text):
                link = match.group(0)
                links.add(link)
                if "://" not in text[max(0, match.start() - 8) : match.start()] and not link.startswith("/"):
                    links.add(posixpath.normpath(posixpath.join(folder, link)))
                links.add(link.lstrip("/"))
        return frozenset(links)

    # -- package data -----------------------------------------------------------------------------
    @cached_property
    def packages(self) -> frozenset[str]:
        return package_dirs(self.project)

    def package_of(self, rel: str) -> str | None:
        """The innermost package folder holding the file (directly or in a sub-folder without `__init__.py`)."""
        folder = posixpath.dirname(rel)
        while folder:
            if folder in self.packages:
                return folder
            folder = posixpath.dirname(folder)
        return None

    def named_by_module(self, rel: str, package: str) -> bool:
        """Whether a module beside the file, or at the top of its package, names it (and so opens it)."""
        name = posixpath.basename(rel)
        for folder in {posixpath.dirname(rel), package}:
            for path, module in self.python_modules.items():
                if posixpath.dirname(path) == folder and name in module.text:
                    return True
        return False

    def declared_package_data(self, rel: str) -> bool:
        return any(matches(rel, base, pattern) for base, pattern in self.package_data_patterns)

    @cached_property
    def package_data_patterns(self) -> list[tuple[str, str]]:
        """(base folder, glob) of every package-data declaration: setup.py, setup.cfg, pyproject, MANIFEST.in."""
        patterns: list[tuple[str, str]] = []
        for path in self.project.named("MANIFEST.in"):
            patterns += manifest_patterns(posixpath.dirname(path), self.project.try_read_text(path) or "")
        for path in self.project.named("pyproject.toml"):
            data = load_toml(self.project, path) or {}
            setuptools = data.get("tool", {}).get("setuptools", {}) if isinstance(data.get("tool"), dict) else {}
            declared = setuptools.get("package-data") if isinstance(setuptools, dict) else None
            patterns += package_data_globs(posixpath.dirname(path), declared)
        for path in self.project.named("setup.cfg"):
            patterns += setup_cfg_globs(posixpath.dirname(path), load_setup_cfg(self.project, path))
        for path in self.project.named("setup.py"):
            module = self.python_modules.get(path)
            if module is not None and module.mentions("package_data") and module.tree is not None:
                patterns += package_data_globs(posixpath.dirname(path), setup_py_package_data(module.tree))
        return patterns


def lists_split_ids(lines: list[str], delimiter: str) -> bool:
    """Rows of one id or path each, or of an id and its fold number or split name, with an optional header
    (`id,fold`)."""
    rows = [[field.strip().strip('"') for field in line.split(delimiter)] for line in lines if line.strip()]
    if not rows or len({len(row) for row in rows}) != 1 or len(rows[0]) > 2:
        return False
    if len(rows[0]) == 2 and not split_row(rows[0]):
        header, rows = rows[0], rows[1:]
        if not table.SPLIT_HEADER.search(header[1]) or not all(table.SPLIT_ID.match(f) for f in header):
            return False
    return bool(rows) and all(split_row(row) for row in rows[1:]) and (split_row(rows[0]) or len(rows[0]) == 1)


def split_row(row: list[str]) -> bool:
    """An id (a token, not a measurement), and when there is a second field, a fold number or a split name."""
    first = row[0]
    if not table.SPLIT_ID.match(first) or table.MEASUREMENT.match(first):
        return False
    return len(row) == 1 or table.SPLIT_VALUE.match(row[1]) is not None


def matches(rel: str, base: str, pattern: str) -> bool:
    """A declared glob (relative to a package, or to the declaring folder) matches the file's path or a tail of
    it; a folder name matches what is below it."""
    if base and not rel.startswith(base + "/"):
        return False
    below = rel[len(base) + 1 :] if base else rel
    pattern = pattern.strip("/")
    parts = below.split("/")
    tails = ("/".join(parts[i:]) for i in range(len(parts)))
    return below.startswith(pattern + "/") or any(fnmatch.fnmatch(tail, pattern) for tail in tails)


def package_data_globs(base: str, value) -> list[tuple[str, str]]:
    """Globs of a `{package: [globs]}` mapping (setuptools' package_data / package-data)."""
    if not isinstance(value, dict):
        return []
    return [
        (base, glob) for globs in value.values() if isinstance(globs, list) for glob in globs if isinstance(glob, str)
    ]


def setup_py_package_data(tree: ast.AST) -> dict:
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "package_data":
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError):
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def setup_cfg_globs(base: str, setup: SetupCfg | None) -> list[tuple[str, str]]:
    """`[options.package_data]` globs (a broken file gives none: DEP reports it when it declares anything)."""
    if setup is None or "package_data" not in setup.text:
        return []
    return [
        (base, glob.strip())
        for _package, block in setup.items("options.package_data")
        for glob in re.split(r"[,\n]", block)
        if glob.strip()
    ]


def manifest_patterns(base: str, text: str) -> list[tuple[str, str]]:
    """Globs that MANIFEST.in includes (`include`, `recursive-include dir globs`, `global-include`, `graft dir`)."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or words[0] not in table.MANIFEST_INCLUDES:
            continue
        command, args = words[0], words[1:]
        if command == "recursive-include" and args:
            out += [(posixpath.join(base, args[0]).strip("/"), glob) for glob in args[1:]]
        else:  # include, global-include, graft
            out += [(base, arg) for arg in args]
    return out


@fact
def data_file_purposes(project, settings, python_modules) -> DataFilePurposes:
    """Why data-looking files are in git: documentation media, test fixtures, package data, files published by
    their raw URL."""
    return DataFilePurposes(project, settings, python_modules)

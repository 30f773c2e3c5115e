"""What a data-looking file in git is for (DAT001/DAT002): documentation media, test fixtures and package data
are kept in git on purpose; moving them to DVC or LFS would break the docs, the tests or the installed package.
"""

from __future__ import annotations

import re

from reprocheck.patterns import lazy_pattern

# Images, videos and documents that READMEs, docs and galleries show.
MEDIA_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".mp4",
        ".webm",
        ".mov",
        ".pdf",
    }
)
# Folders whose media are documentation (any depth), unless a data folder is on the path too.
DOCS_DIRS = frozenset(
    {
        "docs",
        "doc",
        "assets",
        "asset",
        "images",
        "image",
        "img",
        "imgs",
        "figures",
        "figs",
        "fig",
        "media",
        "screenshots",
        "gallery",
        "static",
        "_static",
        ".github",
    }
)
DATA_DIRS = frozenset({"data", "dataset", "datasets", "raw", "processed"})
# A folder of at most this many files, all images or write-ups, holds illustrations (a solution's figures).
ILLUSTRATION_MAX_FILES = 12
ILLUSTRATION_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
ILLUSTRATION_COMPANIONS = ILLUSTRATION_IMAGES | frozenset({".md", ".markdown", ".rst", ".txt", ".pdf", ".html"})
# Files under these folders are what the documentation's examples read (up to the size below).
EXAMPLE_DIRS = frozenset({"examples", "example"})
# What an example reads: tables, arrays and small model files (also compressed: `x.csv.gz`); not raw blobs.
EXAMPLE_SUFFIXES = frozenset(
    {".csv", ".tsv", ".json", ".jsonl", ".txt", ".parquet", ".npy", ".npz", ".pt", ".pth", ".pkl", ".joblib"}
)
EXAMPLE_COMPRESSION = (".gz", ".bz2", ".xz", ".zip")
EXAMPLE_MAX_BYTES = 4 * 1024 * 1024
# A table naming the pages of its folder (a course's lesson list) is at most this large.
PAGE_INDEX_MAX_BYTES = 64 * 1024
# Text files whose links make a media file documentation (README.md, docs/*.rst, an HTML page).
DOC_SUFFIXES = (".md", ".markdown", ".rst", ".html", ".htm", ".adoc")
# A folder of test inputs: tests/, test_data/, testdata/, integration-test/, fixtures/.
TEST_DIR = lazy_pattern(r"^(tests?|testing|testdata|fixtures?|test[-_].+|.+[-_]tests?)$", re.IGNORECASE)
# Setuptools' MANIFEST.in commands that add files (the others remove or prune).
MANIFEST_INCLUDES = frozenset({"include", "recursive-include", "global-include", "graft"})
# A file of a GitHub repository served at its raw URL: the path inside the repository is the last group.
RAW_FILE_URL = lazy_pattern(
    r"https?://(?:raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[\w.-]+"
    r"|github\.com/[\w.-]+/[\w.-]+/raw/[\w.-]+"
    r"|media\.githubusercontent\.com/media/[\w.-]+/[\w.-]+/[\w.-]+)"
    r"/([\w./%+-]+)"
)

# Published results: small text tables in a folder named for results (`results/`, `eval_results/`, `scores/`).
RESULTS_SUFFIXES = frozenset({".csv", ".tsv", ".json"})
RESULTS_DIR = lazy_pattern(r"^(?:.*[_-])?results?(?:[_-].*)?$|^scores$|^leaderboards?$", re.IGNORECASE)
RESULTS_MAX_BYTES = 1024 * 1024

# Documents (slides, papers, posters): read by people, not by the code; neither data nor a model.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".ppt", ".pptx", ".key", ".odp", ".ps", ".djvu"})
# Folders of documents, and names of documents (`02 - CNN.pdf` in `slides/`, `paper.pdf`, `poster_iclr.pdf`).
DOCUMENT_DIRS = frozenset(
    {
        "slides",
        "slide",
        "lectures",
        "lecture",
        "presentations",
        "presentation",
        "talks",
        "talk",
        "paper",
        "papers",
        "posters",
        "poster",
        "handouts",
        "docs",
        "doc",
        "documentation",
    }
)
DOCUMENT_NAME = lazy_pattern(
    r"(^|[\W_])(slides?|presentation|poster|paper|talk|lecture|handout|thesis|supp(lementary)?|appendix|report|"
    r"arxiv|deck)([\W_]|$)",
    re.IGNORECASE,
)
# DVCLive's logs (`dvclive/metrics.json`, `dvclive/plots/metrics/acc.tsv`, older `dvclive/acc.tsv`): DVC commits
# them to git so that `dvc exp show` and `dvc plots` read them from each commit.
DVCLIVE_DIR = "dvclive"
DVCLIVE_SUFFIXES = frozenset({".tsv", ".csv", ".json", ".yaml"})

# Split definitions: the ids or paths of a train/validation/test split or of cross-validation folds. Committing
# them is what makes the split reproducible. A folder of splits or folds (`folds/`, `splits/`, `cv_folds/`,
# `fold0/`), or a file named so (`fold_3.csv`, `kfold.csv`, `train_split.csv`, `list_train0.csv`,
# `train_ids.csv`, `valid_list.csv`).
SPLIT_DIR = lazy_pattern(
    r"^(?:k[_-]?)?folds?[_-]?\d*$|^(?:data[_-]?)?splits?$|^cv(?:[_-]?(?:folds?|splits?))?$|^partitions?$",
    re.IGNORECASE,
)
_SET = r"(?:train(?:ing)?|val(?:id(?:ation)?)?|dev|test(?:ing)?|holdout|eval)"
_IDS = r"(?:ids?|idx|indices|index|list|names|files|images|keys)"
SPLIT_NAME = lazy_pattern(
    rf"(?:^|[\W_])(?:(?:k[_-]?)?folds?\d*|splits?|cv\d*)(?:[\W_\d]|$)"
    rf"|(?:^|[\W_]){_SET}[_-]?{_IDS}(?:[\W_\d]|$)"
    rf"|(?:^|[\W_]){_IDS}[_-]?{_SET}(?:[\W_\d]|$)",
    re.IGNORECASE,
)
SPLIT_SUFFIXES = frozenset({".csv", ".tsv"})
SPLIT_MAX_BYTES = 1024 * 1024
SPLIT_SAMPLE_ROWS = 2000
# A field of a split definition: an id or a path (one token, no spaces), not a measurement (`0.73`).
SPLIT_ID = lazy_pattern(r"^[\w./:+#@-]{1,256}$")
# (`1e5` may be a hex id; `1e-05` is not)
MEASUREMENT = lazy_pattern(r"^[+-]?(?:(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]\d+|nan|inf)$", re.IGNORECASE)
# The second column of a split definition: a fold number or the name of the split.
SPLIT_VALUE = lazy_pattern(rf"^(?:\d{{1,2}}|{_SET}|train_?val|true|false)$", re.IGNORECASE)
# The header of that column.
SPLIT_HEADER = lazy_pattern(r"fold|split|subset|partition|^set$|^is_(?:train|val|valid|test)$", re.IGNORECASE)

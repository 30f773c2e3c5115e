"""Remote model and dataset loaders as data (DAT005): what each fetches, and what pins or verifies it.

Keys are qualified names as the Python facts resolve them through imports (`from transformers import
AutoModel; AutoModel.from_pretrained` is `transformers.AutoModel.from_pretrained`). Sources: the Hugging Face
`transformers`, `datasets`, `huggingface_hub`, `diffusers` and `sentence-transformers` references, PyTorch's
`torch.hub`, torchvision's download utilities, pooch, urllib, requests and httpx.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Loader:
    """How one callable fetches something remote.

    `kind`: "hub" (a Hugging Face repository pinned by `revision=`), "torch-hub" (a GitHub `org/repo[:ref]`),
    "download" (a URL always downloaded; verified by `verify` keyword or a checksum in the same function),
    "http" (a general HTTP call: judged only for URLs that name a data file, or with `stream=True`).
    `target`: (position, keyword) of the model/dataset id or URL. `what` names it in messages.
    """

    kind: str
    target: tuple[int | None, str | None]
    what: str
    verify: str | None = None  # keyword whose truthy value verifies the download (md5=, known_hash=, ...)
    verify_at: int | None = None  # the position of that argument when it is passed positionally
    default_target: str | None = None  # what is loaded when the target argument is left out
    # `verify` checks only a hash the file name carries (torch.hub's `check_hash=`: `resnet18-f37072fd.pth`)
    hash_in_name: bool = False


HUB_REVISION = "revision"
# Other names of `torch.hub.load_state_dict_from_url`: `torch.utils.model_zoo.load_url` (its old name, still
# exported) and the re-exports of older torchvision releases.
WEIGHT_URL_LOADER_ALIASES = (
    "torch.utils.model_zoo.load_url",
    "torch.hub.load_url",
    "torchvision.models.utils.load_state_dict_from_url",
    "torchvision._internally_replaced_utils.load_state_dict_from_url",
)

LOADERS: dict[str, Loader] = {
    # Hugging Face datasets and hub
    "datasets.load_dataset": Loader("hub", (0, "path"), "dataset"),
    "datasets.load_dataset_builder": Loader("hub", (0, "path"), "dataset"),
    "huggingface_hub.hf_hub_download": Loader("hub", (0, "repo_id"), "file of"),
    "huggingface_hub.snapshot_download": Loader("hub", (0, "repo_id"), "repository"),
    "huggingface_hub.hf_hub_url": Loader("hub", (0, "repo_id"), "file of"),
    "transformers.pipeline": Loader("hub", (1, "model"), "model", default_target="the task's default model"),
    "sentence_transformers.SentenceTransformer": Loader("hub", (0, "model_name_or_path"), "model"),
    "sentence_transformers.CrossEncoder": Loader("hub", (0, "model_name"), "model"),
    # torch.hub: GitHub repositories, pinned by `org/repo:ref`
    "torch.hub.load": Loader("torch-hub", (0, "repo_or_dir"), "model"),
    "torch.hub.load_state_dict_from_url": Loader(
        "download", (0, "url"), "weights", verify="check_hash", verify_at=4, hash_in_name=True
    ),
    "torch.hub.download_url_to_file": Loader("download", (0, "url"), "file", verify="hash_prefix", verify_at=2),
    # plain downloads
    "urllib.request.urlretrieve": Loader("download", (0, "url"), "file"),
    "wget.download": Loader("download", (0, "url"), "file"),
    "gdown.download": Loader("download", (0, "url"), "file"),
    "gdown.cached_download": Loader("download", (0, "url"), "file", verify="hash"),
    "pooch.retrieve": Loader("download", (0, "url"), "file", verify="known_hash", verify_at=1),
    "torchvision.datasets.utils.download_url": Loader("download", (0, "url"), "file", verify="md5", verify_at=3),
    "torchvision.datasets.utils.download_and_extract_archive": Loader(
        "download", (0, "url"), "archive", verify="md5", verify_at=4
    ),
    "keras.utils.get_file": Loader("download", (1, "origin"), "file", verify="file_hash", verify_at=4),
    "tensorflow.keras.utils.get_file": Loader("download", (1, "origin"), "file", verify="file_hash", verify_at=4),
    # general HTTP clients
    "requests.get": Loader("http", (0, "url"), "file"),
    "requests.request": Loader("http", (1, "url"), "file"),
    "httpx.get": Loader("http", (0, "url"), "file"),
    "urllib.request.urlopen": Loader("http", (0, "url"), "file"),
}
LOADERS.update({alias: LOADERS["torch.hub.load_state_dict_from_url"] for alias in WEIGHT_URL_LOADER_ALIASES})

# A module is parsed for DAT005 only when its text mentions one of these (a cheap pre-filter: every loader call
# above names one of them, or the module it is imported from).
MENTIONS = (
    "from_pretrained",
    "load_dataset",
    "hf_hub",
    "snapshot_download",
    "pipeline",
    "SentenceTransformer",
    "CrossEncoder",
    "hub",
    "download",
    "load_url",
    "urlretrieve",
    "urlopen",
    "pooch",
    "get_file",
    "requests",
    "httpx",
    "wget",
    "curl",
)

# Any `<Class>.from_pretrained(...)` of a class from these packages loads from the Hugging Face hub.
PRETRAINED_METHODS = frozenset({"from_pretrained"})
PRETRAINED_PACKAGES = frozenset(
    {"transformers", "diffusers", "peft", "sentence_transformers", "optimum", "timm", "huggingface_hub", "open_clip"}
)

# Packages whose `from_pretrained` takes something else first: PEFT's `PeftModel.from_pretrained(model, model_id)`
# loads an adapter named by its second argument onto a model object.
PRETRAINED_BY_PACKAGE = {"peft": Loader("hub", (1, "model_id"), "adapter")}

# `load_dataset` builders that read local files rather than a hub repository.
# Paths a workflow framework hands over after unpacking a stored model or checkpoint into a local folder
# (Metaflow's `@model(load=...)` and `@checkpoint`): a hub loader given one reads that folder (DAT005).
LOCAL_STORE_PATHS = ("metaflow.current.model.loaded", "metaflow.current.checkpoint.directory")
LOCAL_DATASET_BUILDERS = frozenset(
    {
        "csv",
        "json",
        "parquet",
        "text",
        "arrow",
        "pandas",
        "imagefolder",
        "audiofolder",
        "videofolder",
        "webdataset",
        "sql",
        "generator",
        "xml",
    }
)

# torch.hub refs that are branches, not pins.
MOVING_REFS = frozenset({"main", "master", "dev", "develop", "latest", "nightly", "HEAD"})

# A URL path ending in one of these names a data or model file (compression suffixes are looked through).
DATA_URL_SUFFIXES = frozenset(
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
        ".bin",
        ".safetensors",
        ".onnx",
        ".pkl",
        ".pickle",
        ".joblib",
        ".tfrecord",
        ".zip",
        ".tar",
        ".tgz",
        ".jsonl",
        ".xlsx",
        ".mat",
        ".model",
        ".weights",
    }
)
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz4")

# Calls whose presence in the same function means the download is verified: qualified-name prefixes, and
# call names (last dotted part, lower-cased) containing one of the words.
CHECKSUM_MODULES = ("hashlib.", "zlib.crc32", "zlib.adler32")
CHECKSUM_WORDS = ("sha1", "sha256", "sha512", "md5", "blake2", "checksum", "digest", "integrity", "verify_hash")

# A URL or saved file ending in one of these is not data: installers and scripts, keys, web pages, and images
# and fonts fetched for display (compression suffixes are looked through).
NON_DATA_SUFFIXES = frozenset(
    {
        ".sh",
        ".py",
        ".deb",
        ".rpm",
        ".whl",
        ".exe",
        ".msi",
        ".dmg",
        ".pkg",
        ".asc",
        ".gpg",
        ".key",
        ".pub",
        ".pem",
        ".sig",
        ".html",
        ".htm",
        ".css",
        ".js",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".svg",
        ".webp",
        ".ico",
        ".ttf",
        ".otf",
        ".woff",
        ".woff2",
    }
)

# A file name with a platform tag is a software build (`protoc-25.1-linux-x86_64.zip`), not data.
PLATFORM_TAG = r"[-_.](linux|darwin|macos|osx|win32|win64|windows|x86_64|amd64|aarch64|arm64)([-_.]|$)"

# An HTTP response read as a body (and then saved) rather than parsed as an API's JSON answer.
RESPONSE_BODY_ATTRIBUTES = frozenset({"content", "iter_content", "raw", "read", "iter_bytes", "text", "iter_lines"})
JSON_READERS = frozenset({"json.load", "json.loads"})
# Calls that write a file (besides `open(..., "wb")`).
FILE_WRITERS = frozenset({"write_bytes", "write_text", "copyfileobj"})

# Shell downloaders (in shell scripts, Makefile recipes, notebook `!` lines, os.system/subprocess calls), and their
# options that take a value. `output` options save to the named file ("-" is standard output).
SHELL_DOWNLOADERS = {
    "wget": {
        "value": frozenset(
            {
                "-O",
                "--output-document",
                "-P",
                "--directory-prefix",
                "-o",
                "--output-file",
                "-a",
                "--append-output",
                "-t",
                "--tries",
                "-T",
                "--timeout",
                "-U",
                "--user-agent",
                "--header",
                "-e",
                "--execute",
                "--user",
                "--password",
                "-i",
                "--input-file",
                "-w",
                "--wait",
                "--limit-rate",
                "-Q",
                "--quota",
                "--referer",
                "-B",
                "--base",
                "--post-data",
                "--post-file",
                "--method",
                "--body-data",
            }
        ),
        "output": frozenset({"-O", "--output-document"}),
        "remote_name": frozenset(),  # wget saves under the URL's name unless told otherwise
    },
    "curl": {
        "value": frozenset(
            {
                "-o",
                "--output",
                "-H",
                "--header",
                "-d",
                "--data",
                "--data-raw",
                "--data-binary",
                "--data-urlencode",
                "-X",
                "--request",
                "-u",
                "--user",
                "-A",
                "--user-agent",
                "-e",
                "--referer",
                "-b",
                "--cookie",
                "-c",
                "--cookie-jar",
                "-m",
                "--max-time",
                "--connect-timeout",
                "--retry",
                "--retry-delay",
                "--retry-max-time",
                "-F",
                "--form",
                "-T",
                "--upload-file",
                "-x",
                "--proxy",
                "-w",
                "--write-out",
                "-C",
                "--continue-at",
                "-r",
                "--range",
                "-z",
                "--time-cond",
                "--output-dir",
                "-K",
                "--config",
                "--cacert",
                "--cert",
                "--key",
                "-E",
            }
        ),
        "output": frozenset({"-o", "--output"}),
        "remote_name": frozenset({"-O", "--remote-name", "--remote-name-all", "-J", "--remote-header-name"}),
    },
}
# Programs that unpack a download piped into them (so it is written to disk), and shells (then it is a script).
UNPACKERS = frozenset({"tar", "unzip", "gunzip", "bsdtar", "zcat", "xz", "zstd", "7z"})
SHELL_PROGRAMS = frozenset({"sh", "bash", "zsh", "dash", "python", "python3", "sudo"})
# Shell programs whose `-c`/`--check` (or use inside `$(...)`) verifies a download.
CHECKSUM_PROGRAMS = frozenset(
    {"sha1sum", "sha256sum", "sha512sum", "sha224sum", "sha384sum", "md5sum", "shasum", "b2sum"}
)
# Python calls that run a shell command line or an argv list (their first argument).
SUBPROCESS_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
    }
)

# -- where a model id that is not written literally comes from (DAT005) --------------------------------------
# Callables that turn a function's parameters into command-line arguments: the user supplies them.
CLI_LAUNCHERS = frozenset({"fire.Fire", "jsonargparse.CLI", "typer.run", "tyro.cli", "defopt.run", "clize.run"})
# Decorators that make a function a command (`@click.command()`, `@app.command()` on a typer/click app).
CLI_COMMAND_DECORATORS = frozenset({"command", "group"})
# Reads of an environment variable with an optional default: (position, keyword) of the default.
ENV_READERS = {"os.environ.get": (1, "default"), "os.getenv": (1, "default")}
# Weight loaders that a project's own torch.hub entry points (hubconf.py) use to fetch the weights it publishes.
PUBLISHED_WEIGHT_LOADERS = frozenset({"torch.hub.load_state_dict_from_url", *WEIGHT_URL_LOADER_ALIASES})

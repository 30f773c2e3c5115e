"""Which distributions provide an import name, for DEP004 (data, not code).

Most distributions are imported under their own name (`numpy`, `scipy`, `huggingface_hub` from
`huggingface-hub`): PROVIDER_PATTERNS covers those. IMPORT_TO_DISTRIBUTIONS lists the import names whose
distribution is called something else; keys may be dotted (`google.protobuf`) and the longest matching prefix
wins. NAMESPACE_PATTERNS handle namespace packages (`google.cloud.storage` -> `google-cloud-storage`).
Distribution names are PEP 503 normalised. Users extend this with `import-map` in config.
"""

from __future__ import annotations

# Distribution-name templates tried for an import name `{}` (normalised) when no entry below applies.
PROVIDER_PATTERNS: tuple[str, ...] = ("{}", "python-{}", "py{}", "{}-python", "{}-py")

NAMESPACE_PATTERNS: dict[str, str] = {
    "google.cloud": "google-cloud-{}",
    "azure": "azure-{}",
    "sphinxcontrib": "sphinxcontrib-{}",
    "jaraco": "jaraco-{}",
    "zope": "zope-{}",
    "backports": "backports-{}",
}

_OPENCV = ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless")
_TENSORFLOW = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-gpu",
    "tensorflow-macos",
    "tensorflow-intel",
    "tensorflow-aarch64",
    "tf-nightly",
    "tf-nightly-cpu",
)

IMPORT_TO_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    # machine learning and scientific stack
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "skopt": ("scikit-optimize",),
    "cv2": _OPENCV,
    "PIL": ("pillow", "pillow-simd"),
    "tensorflow": _TENSORFLOW,
    "tensorboard": ("tensorboard", *_TENSORFLOW),
    "tensorflow_datasets": ("tensorflow-datasets", "tfds-nightly"),
    "tf_keras": ("tf-keras",),
    "keras": ("keras", "tf-keras"),
    "torch": ("torch", "torch-cpu"),
    "torch_geometric": ("torch-geometric",),
    "pytorch_lightning": ("pytorch-lightning", "lightning"),
    "lightning": ("lightning",),
    "lightning_fabric": ("lightning-fabric", "lightning"),
    "faiss": ("faiss-cpu", "faiss-gpu", "faiss-gpu-cu12", "faiss-gpu-cu11"),
    "umap": ("umap-learn",),
    "hdbscan": ("hdbscan",),
    "cupy": ("cupy", "cupy-cuda11x", "cupy-cuda12x", "cupy-cuda110", "cupy-cuda102"),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu", "onnxruntime-directml", "onnxruntime-silicon"),
    "jaxlib": ("jaxlib", "jax"),
    "mpl_toolkits": ("matplotlib", "basemap"),
    "pylab": ("matplotlib",),
    "whisper": ("openai-whisper",),
    "Bio": ("biopython",),
    "rdkit": ("rdkit", "rdkit-pypi"),
    "osgeo": ("gdal",),
    "netCDF4": ("netcdf4",),
    "SimpleITK": ("simpleitk",),
    "tables": ("tables",),
    "Levenshtein": ("levenshtein", "python-levenshtein"),
    "igraph": ("igraph", "python-igraph"),
    "fitz": ("pymupdf",),
    "sentencepiece": ("sentencepiece",),
    "speech_recognition": ("speechrecognition",),
    "absl": ("absl-py",),
    "hydra": ("hydra-core",),
    "mlflow": ("mlflow", "mlflow-skinny"),
    "wandb": ("wandb",),
    "ray": ("ray",),
    "gym": ("gym",),
    "stable_baselines3": ("stable-baselines3",),
    "sklearn_crfsuite": ("sklearn-crfsuite",),
    # general purpose
    "yaml": ("pyyaml",),
    "ruamel": ("ruamel-yaml",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("pyjwt",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "slugify": ("python-slugify",),
    "magic": ("python-magic",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "attr": ("attrs",),
    "git": ("gitpython",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "zmq": ("pyzmq",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "OpenSSL": ("pyopenssl",),
    "nacl": ("pynacl",),
    "gi": ("pygobject",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "psycopg": ("psycopg", "psycopg-binary"),
    "pkg_resources": ("setuptools",),
    "_pytest": ("pytest",),
    "IPython": ("ipython",),
    "grpc": ("grpcio",),
    "google.protobuf": ("protobuf",),
    "google.auth": ("google-auth",),
    "google.oauth2": ("google-auth",),
    "google.generativeai": ("google-generativeai",),
    "google.genai": ("google-genai",),
    "googleapiclient": ("google-api-python-client",),
    "telegram": ("python-telegram-bot",),
    "socketio": ("python-socketio",),
    "engineio": ("python-engineio",),
    "win32api": ("pywin32",),
    "win32com": ("pywin32",),
    "pythoncom": ("pywin32",),
    "markdown": ("markdown",),
    "sentence_transformers": ("sentence-transformers",),
    "typing_extensions": ("typing-extensions",),
    "importlib_metadata": ("importlib-metadata",),
    "tomli_w": ("tomli-w",),
    "jsonschema_specifications": ("jsonschema-specifications",),
}

# Standard-library modules removed from recent Pythons (PEP 594, distutils, imp): still the stdlib for a project
# that runs an older interpreter, so never a third-party import. `sys.stdlib_module_names` covers the rest.
REMOVED_STDLIB = frozenset(
    {
        "aifc",
        "asynchat",
        "asyncore",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "distutils",
        "imghdr",
        "imp",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "smtpd",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
    }
)

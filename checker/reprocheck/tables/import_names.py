"""Which distributions provide an import name, for DEP004 (data, not code).

Most distributions are imported under their own name (`numpy`, `scipy`, `huggingface_hub` from
`huggingface-hub`): PROVIDER_PATTERNS covers those. IMPORT_TO_DISTRIBUTIONS lists the import names whose
distribution is called something else; keys may be dotted (`google.protobuf`) and the longest matching prefix
wins. NAMESPACE_PATTERNS handle namespace packages (`google.cloud.storage` -> `google-cloud-storage`).
Distribution names are PEP 503 normalised. Users extend this with `import-map` in config.
"""

from __future__ import annotations

from reprocheck.patterns import lazy_pattern

# Distribution-name templates tried for an import name `{}` (normalised) when no entry below applies.
PROVIDER_PATTERNS: tuple[str, ...] = ("{}", "python-{}", "py{}", "{}-python", "{}-py")

NAMESPACE_PATTERNS: dict[str, str] = {
    "google.cloud": "google-cloud-{}",
    "azure": "azure-{}",
    "azureml": "azureml-{}",  # Azure ML SDK v1: azureml.core from azureml-core, azureml.pipeline.steps from ...-steps
    "sphinxcontrib": "sphinxcontrib-{}",
    "jaraco": "jaraco-{}",
    "zope": "zope-{}",
    "backports": "backports-{}",
    "opentelemetry": "opentelemetry-{}",
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
    "opentelemetry": ("opentelemetry-api",),  # the namespace's own API (`from opentelemetry import metrics`)
    "ignite": ("pytorch-ignite",),
    # machine learning and scientific stack
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "skopt": ("scikit-optimize",),
    "skbio": ("scikit-bio",),
    "sksparse": ("scikit-sparse",),
    "skmultilearn": ("scikit-multilearn",),
    "pywt": ("pywavelets",),
    "iterstrat": ("iterative-stratification",),
    "mauve": ("mauve-text",),
    "ot": ("pot",),
    "tree": ("dm-tree",),
    "community": ("python-louvain",),
    "argus": ("pytorch-argus",),
    "open_clip": ("open-clip-torch",),
    "st_keyup": ("streamlit-keyup",),
    "cv2": _OPENCV,
    "PIL": ("pillow", "pillow-simd"),
    # tensorflow-protobuf (the compiled TensorFlow and TF Serving protos alone, for gRPC clients of TF Serving) ships
    # the top-level `tensorflow/` and `tensorflow_serving/` packages (its wheel's file list)
    "tensorflow": (*_TENSORFLOW, "tensorflow-protobuf"),
    "tensorboard": ("tensorboard", *_TENSORFLOW),
    "tensorflow_datasets": ("tensorflow-datasets", "tfds-nightly"),
    "tf_keras": ("tf-keras",),
    "keras": ("keras", "tf-keras", *_TENSORFLOW),  # tensorflow installs keras
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
    "stable_baselines3": ("stable-baselines3",),
    "sklearn_crfsuite": ("sklearn-crfsuite",),
    "mmcv": ("mmcv", "mmcv-full", "mmcv-lite"),
    "mmseg": ("mmsegmentation",),
    "mmdet": ("mmdet",),
    "mmdet3d": ("mmdet3d",),
    "mmpose": ("mmpose",),
    "mmengine": ("mmengine",),
    "cuml": ("cuml", "cuml-cu11", "cuml-cu12"),
    "cudf": ("cudf", "cudf-cu11", "cudf-cu12"),
    "taming": ("taming-transformers",),
    "imwatermark": ("invisible-watermark",),
    "tensorflow_serving": ("tensorflow-serving-api", "tensorflow-serving-api-gpu", "tensorflow-protobuf"),
    "tensorflow_hub": ("tensorflow-hub",),
    "keras_core": ("keras-core",),
    "keras_tuner": ("keras-tuner",),
    "kt_legacy": ("kt-legacy", "keras-tuner"),
    "tensorboardX": ("tensorboardx",),
    "torch_xla": ("torch-xla",),
    "gym": ("gym",),
    "pytorch_toolbelt": ("pytorch-toolbelt",),
    "paddle": ("paddlepaddle", "paddlepaddle-gpu"),
    "tflite_runtime": ("tflite-runtime",),
    "pycocotools": ("pycocotools", "pycocotools-windows"),
    "GPUtil": ("gputil",),
    "github": ("pygithub",),
    "dns": ("dnspython",),
    "Xlib": ("python-xlib",),
    "skvideo": ("scikit-video",),
    "lightgbm": ("lightgbm",),
    "clip": ("clip", "openai-clip"),
    "pl_bolts": ("lightning-bolts",),
    "mmaction": ("mmaction2",),
    # DeepMind publishes these under `dm-` names; the bare names on PyPI are unrelated projects (`acme` is Let's
    # Encrypt's ACME client, `reverb` a regex wrapper), still accepted as a declaration but never suggested.
    "haiku": ("dm-haiku",),
    "acme": ("dm-acme",),
    "reverb": ("dm-reverb", "dm-reverb-nightly"),
    "sonnet": ("dm-sonnet",),
    "launchpad": ("dm-launchpad", "dm-launchpad-nightly"),
    "meltingpot": ("dm-meltingpot",),
    "pyro": ("pyro-ppl",),
    "gin": ("gin-config",),
    "imblearn": ("imbalanced-learn",),
    "bayes_opt": ("bayesian-optimization",),
    "vertexai": ("google-cloud-aiplatform",),
    # Azure ML SDK v1 modules that azureml-core ships beside azureml.core; azureml.train is azureml-train-core's
    "azureml.data": ("azureml-core",),
    "azureml.exceptions": ("azureml-core",),
    "azureml.history": ("azureml-core",),
    "azureml.train": ("azureml-train-core",),
    "azureml.train.automl": ("azureml-train-automl-client", "azureml-train-automl"),
    "weaviate": ("weaviate-client",),
    "llama_cpp": ("llama-cpp-python",),
    "awq": ("autoawq",),
    "MeCab": ("mecab-python3", "mecab"),
    "OpenGL": ("pyopengl",),
    "Box2D": ("box2d-py", "box2d"),
    "skfmm": ("scikit-fmm",),
    "cc3d": ("connected-components-3d",),
    "mcubes": ("pymcubes",),
    "wx": ("wxpython",),
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

# Python 2 standard-library modules (renamed or removed in Python 3): a Python 2 script's imports, never something
# to declare.
PYTHON2_STDLIB = frozenset(
    {
        "__builtin__",
        "BaseHTTPServer",
        "CGIHTTPServer",
        "ConfigParser",
        "Cookie",
        "HTMLParser",
        "Queue",
        "SimpleHTTPServer",
        "SocketServer",
        "StringIO",
        "Tkinter",
        "UserDict",
        "UserList",
        "UserString",
        "anydbm",
        "commands",
        "cPickle",
        "cStringIO",
        "cookielib",
        "copy_reg",
        "dummy_thread",
        "exceptions",
        "htmlentitydefs",
        "httplib",
        "md5",
        "mimetools",
        "robotparser",
        "sets",
        "sha",
        "thread",
        "tkMessageBox",
        "urllib2",
        "urlparse",
        "xmlrpclib",
    }
)

# Modules that a hosted runtime provides and no package index installs (Colab, Kaggle kernels, Pyodide).
RUNTIME_PROVIDED = frozenset(
    {"google.colab", "kaggle_secrets", "kaggle_datasets", "kaggle_web_client", "js", "pyodide"}
)

# Modules of the Jupyter kernel that runs a notebook (or a Colab helper): present wherever that code can run.
KERNEL_MODULES = frozenset({"IPython", "ipykernel", "traitlets", "jupyter_client", "jupyter_core", "comm"})

# Module names produced by a code generator at build time (`protoc --python_out`): first-party once generated.
GENERATED_MODULE_SUFFIXES: tuple[str, ...] = ("_pb2", "_pb2_grpc")

# Import names whose namesake on PyPI is a different project: DEP004 never suggests declaring the namesake.
MISLEADING_NAMESAKES: dict[str, str] = {
    "apex": "NVIDIA Apex is built from github.com/NVIDIA/apex; `apex` on PyPI is another project",
    "clip": "OpenAI CLIP installs from github.com/openai/CLIP; `clip` on PyPI is another project",
    "google": "`google` is a namespace; `google` on PyPI is another project",
    **{
        name: "a compiled module of NVIDIA Apex, built from github.com/NVIDIA/apex"
        for name in (
            "amp_C",
            "apex_C",
            "fused_adam_cuda",
            "fused_dense_cuda",
            "fused_lamb_cuda",
            "fused_layer_norm_cuda",
            "fused_weight_gradient_mlp_cuda",
            "mlp_cuda",
            "syncbn",
            "xentropy_cuda",
            "fast_multihead_attn",
            "fmhalib",
            "focal_loss_cuda",
            "transducer_joint_cuda",
            "transducer_loss_cuda",
            "distributed_adam_cuda",
        )
    },
}

# Import names shaped like compiled extensions (`*_cuda`, `*_C`, `*_ext`): built by the project or by a package
# from source, so the import name says nothing about a PyPI project.
COMPILED_EXTENSION_NAME = lazy_pattern(r"\w+?(?:_C|_cuda|_cpp|_ext|_cuda_kernels?|_kernels?|_cu)$")

# Generic names that projects give their own modules (`from utils import ...`): when no module or folder of the
# name exists in the repository any more, the import is more likely stale than a missing distribution.
GENERIC_LOCAL_NAMES = frozenset(
    {
        "common",
        "config",
        "configs",
        "core",
        "data",
        "dataset",
        "helper",
        "helpers",
        "lib",
        "libs",
        "model",
        "models",
        "modules",
        "network",
        "networks",
        "options",
        "src",
        "tools",
        "util",
        "utils",
    }
)

# Top-level names that a wheel ships by mistake beside its package (its tests, examples, `setup.py`), and the
# generic names above: a published distribution that installs one says nothing of what an import of it needs.
STRAY_WHEEL_MODULES = GENERIC_LOCAL_NAMES | frozenset(
    {
        "benchmark",
        "benchmarks",
        "build",
        "demo",
        "demos",
        "doc",
        "docs",
        "example",
        "examples",
        "main",
        "scripts",
        "setup",
        "test",
        "testing",
        "tests",
    }
)

# Import names of widely used third-party packages (beyond the keys above): a module or folder of such a name deep
# inside the repository is a wrapper for the package (`loggers/wandb.py`), not a replacement for it.
KNOWN_THIRD_PARTY = frozenset(
    {
        "accelerate",
        "albumentations",
        "altair",
        "annoy",
        "anthropic",
        "apex",
        "bitsandbytes",
        "bokeh",
        "boto3",
        "captum",
        "catboost",
        "celery",
        "clearml",
        "click",
        "comet_ml",
        "dash",
        "dask",
        "datasets",
        "deepspeed",
        "detectron2",
        "diffusers",
        "django",
        "docker",
        "dvc",
        "einops",
        "evaluate",
        "fastapi",
        "flask",
        "flax",
        "gensim",
        "gradio",
        "gymnasium",
        "h5py",
        "hnswlib",
        "huggingface_hub",
        "hyperopt",
        "imgaug",
        "jax",
        "kornia",
        "kubernetes",
        "langchain",
        "librosa",
        "llama_index",
        "lmdb",
        "loguru",
        "matplotlib",
        "mujoco",
        "neptune",
        "networkx",
        "nltk",
        "numba",
        "numpy",
        "omegaconf",
        "onnx",
        "open3d",
        "open_clip",
        "openai",
        "openvino",
        "optax",
        "optuna",
        "pandas",
        "peft",
        "plotly",
        "polars",
        "prophet",
        "pyarrow",
        "pybullet",
        "pydantic",
        "pytest",
        "redis",
        "requests",
        "rich",
        "safetensors",
        "scipy",
        "seaborn",
        "segment_anything",
        "shap",
        "soundfile",
        "spacy",
        "sqlalchemy",
        "statsmodels",
        "streamlit",
        "supervision",
        "sympy",
        "tensorrt",
        "timm",
        "tokenizers",
        "torchaudio",
        "torchmetrics",
        "torchtext",
        "torchvision",
        "tqdm",
        "transformers",
        "trimesh",
        "triton",
        "typer",
        "ultralytics",
        "vllm",
        "xformers",
        "xgboost",
    }
)

# Calls and names that test whether a module can be imported: an import under such a test is optional.
AVAILABILITY_CALLS = frozenset(
    {"find_spec", "find_loader", "module_available", "package_available", "RequirementCache", "util.find_spec"}
)
# `is_torch_available()`, `_package_available("x")`, `_module_available("x")` (transformers, lightning).
AVAILABILITY_CALL_PATTERN = r"^_?(is_\w+_available|\w*(package|module)_available)$"
# `_WANDB_AVAILABLE`, `TORCH_AVAILABLE` flags, however they were computed.
AVAILABILITY_FLAG_PATTERN = r"^_?[A-Z][A-Z0-9_]*_AVAILABLE$"
# Calls that require (or install) a distribution at run time, so that the imports after them are optional:
# ultralytics' `check_requirements("x")`, transformers' `require_version`/`requires_backends`, pytest's skip.
RUNTIME_REQUIREMENT_CHECKS = frozenset({"check_requirements", "require_version", "requires_backends", "importorskip"})

"""Distribution names as data: placeholder/deprecated names and their replacements, conda names on PyPI.

All names are PEP 503 normalised (lower case, runs of `-_.` as one `-`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rename:
    """`replacements` in order of preference; a `placeholder` publishes no real code, so its versions mean
    nothing for the replacement (a rename drops them), while a deprecated name's versions carry over."""

    replacements: tuple[str, ...]
    placeholder: bool
    why: str
    # A name whose early releases still install: the first release that does not (`fails_from`), and what to say
    # instead of `why` of a declaration that admits only releases before it (`sklearn==0.0`); None: nothing, as a
    # retired name pinned to a release that installs is that release (`tensorflow-gpu==2.8.0` is tensorflow 2.8).
    fails_from: str | None = None
    why_before: str | None = None


# DEP006: names that install nothing useful (a stub that raises, or a dead fork) and what to declare instead.
RENAMES: dict[str, Rename] = {
    # sklearn 0.0 (2013) is a shim requiring scikit-learn; its 0.0.post1+ releases (brownout from December 2022,
    # always failing since December 2023) raise on install, and an unpinned install picks the newest of them.
    "sklearn": Rename(
        ("scikit-learn",),
        True,
        "a brownout placeholder that refuses to install",
        fails_from="0.0.post1",
        why_before="a deprecated placeholder that installs an unpinned scikit-learn",
    ),
    "skimage": Rename(("scikit-image",), True, "the import name, not a distribution"),
    "cv2": Rename(("opencv-python", "opencv-python-headless"), True, "the import name, not a distribution"),
    "opencv": Rename(("opencv-python", "opencv-python-headless"), True, "not the OpenCV distribution on PyPI"),
    "pil": Rename(("pillow",), True, "the import name of Pillow, not a distribution"),
    "yaml": Rename(("pyyaml",), True, "the import name of PyYAML, not a distribution"),
    "pytorch": Rename(("torch",), True, "a placeholder on PyPI that fails to install"),
    "bs4": Rename(("beautifulsoup4",), True, "a placeholder that only pulls in beautifulsoup4"),
    # tensorflow-gpu 2.12.0 is an empty sdist that raises on install (December 2022); every earlier release installs.
    "tensorflow-gpu": Rename(
        ("tensorflow",),
        False,
        "retired: its newest release (2.12.0) refuses to install, and tensorflow includes GPU support since 2.1",
        fails_from="2.12.0",
    ),
    "tf-nightly-gpu": Rename(("tf-nightly",), False, "deprecated: tf-nightly includes GPU support"),
    "msgpack-python": Rename(("msgpack",), False, "renamed to msgpack in 2018"),
    "pycrypto": Rename(("pycryptodome",), False, "unmaintained since 2013 with known vulnerabilities"),
    "dotenv": Rename(("python-dotenv",), True, "not the python-dotenv project that provides `import dotenv`"),
    "dateutil": Rename(("python-dateutil",), True, "the import name of python-dateutil"),
}

# DEP004: frameworks whose projects are retired (MXNet moved to the Apache Attic in 2023; Theano, Chainer, CNTK,
# Caffe and the Gluon toolkits are unmaintained): no current Python installs them, so a weight converter that
# imports one is a one-off tool of its author, and declaring the framework would break the project's install.
RETIRED_FRAMEWORKS = frozenset(
    {"mxnet", "gluoncv", "gluonnlp", "theano", "lasagne", "chainer", "chainercv", "cntk", "caffe", "caffe2"}
)

# Conda package names whose PyPI distribution is called differently (conda-forge / defaults naming).
CONDA_TO_PYPI: dict[str, str] = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "pytorch-gpu": "torch",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "libopencv": "opencv-python",
    "matplotlib-base": "matplotlib",
    "py-xgboost": "xgboost",
    "py-xgboost-cpu": "xgboost",
    "py-xgboost-gpu": "xgboost",
    "tensorflow-base": "tensorflow",
    "msgpack-python": "msgpack",
    "python-graphviz": "graphviz",
    "pyqt": "pyqt5",
    "pytables": "tables",
    "protobuf": "protobuf",
    "jupyter-core": "jupyter-core",
    "lightning": "lightning",
    "pillow": "pillow",
}

# Conda packages that are the toolchain or system libraries rather than Python distributions.
CONDA_NON_PYTHON = frozenset(
    {
        "python",
        "pip",
        "cudatoolkit",
        "cuda-toolkit",
        "cuda-version",
        "cudnn",
        "pytorch-cuda",
        "cpuonly",
        "mkl",
        "nccl",
        "libgcc",
        "libgcc-ng",
        "libstdcxx-ng",
        "openblas",
        "blas",
        "r-base",
        "nodejs",
        "git",
        "make",
        "cmake",
        "gcc",
        "gxx",
        "compilers",
        "ffmpeg",
    }
)

# Packaging tools an environment bootstraps with: their version has no bearing on results (DEP007 skips them).
BOOTSTRAP_TOOLS = frozenset({"pip", "setuptools", "wheel"})

# Source repositories whose package is not named after the repository, by `owner/name` (lower case): what a
# `git clone <url> && cd <clone> && pip install .` (or `pip install git+<url>`) makes importable, besides the
# repository's and the clone folder's names (`Stability-AI/generative-models` installs `sgm`).
REPOSITORY_PACKAGES: dict[str, tuple[str, ...]] = {
    "stability-ai/generative-models": ("sgm",),
    "compvis/stable-diffusion": ("ldm",),
    "compvis/latent-diffusion": ("ldm",),
    "compvis/taming-transformers": ("taming",),
    "xinntao/real-esrgan": ("realesrgan",),
    "state-spaces/mamba": ("mamba-ssm",),
    "dao-ailab/flash-attention": ("flash-attn",),
    "open-mmlab/mmdetection": ("mmdet",),
    "open-mmlab/mmsegmentation": ("mmseg",),
    "open-mmlab/mmdetection3d": ("mmdet3d",),
    "open-mmlab/mmaction2": ("mmaction",),
    "nvidia/megatron-lm": ("megatron",),
}

# Distributions that a Docker base image installs, by image name (the tag only picks versions): code built on
# `FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime` imports torch without declaring it anywhere else.
_TORCH_STACK = ("torch", "torchvision", "torchaudio", "numpy", "pillow", "pyyaml", "requests", "tqdm")
_TF_STACK = ("tensorflow", "keras", "tensorboard", "numpy", "h5py", "protobuf", "grpcio")
_SCIPY_NOTEBOOK = ("numpy", "scipy", "pandas", "matplotlib", "seaborn", "scikit-learn", "scikit-image", "ipython")
IMAGE_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "pytorch/pytorch": _TORCH_STACK,
    "nvcr.io/nvidia/pytorch": (*_TORCH_STACK, "apex", "scipy"),
    "tensorflow/tensorflow": _TF_STACK,
    "nvcr.io/nvidia/tensorflow": _TF_STACK,
    "huggingface/transformers-pytorch-gpu": (*_TORCH_STACK, "transformers"),
    "jupyter/scipy-notebook": _SCIPY_NOTEBOOK,
    "jupyter/pytorch-notebook": (*_SCIPY_NOTEBOOK, "torch", "torchvision"),
    "jupyter/tensorflow-notebook": (*_SCIPY_NOTEBOOK, "tensorflow", "keras"),
    "quay.io/jupyter/scipy-notebook": _SCIPY_NOTEBOOK,
}

# Distributions that come with a declared one as part of its public interface (hydra hands the code OmegaConf
# objects, FastAPI is built on Starlette, Jupyter brings IPython and nbformat): an import of them is provided by
# the declaration of the first. Plain transitive dependencies (numpy under torchvision) are not listed.
_JUPYTER = ("ipython", "ipykernel", "nbformat", "traitlets", "jupyter-core", "jupyter-client")
COMPANIONS: dict[str, tuple[str, ...]] = {
    "hydra-core": ("omegaconf",),
    "hydra-optuna-sweeper": ("hydra-core",),
    # spaCy's own libraries: its configs, registries and training data go through them (explosion's stack), and
    # typer, which its CLI and its projects' scripts are written with
    "spacy": ("thinc", "srsly", "catalogue", "confection", "wasabi", "typer"),
    "spacy-transformers": ("spacy", "thinc"),
    "fastapi": ("starlette", "pydantic"),
    "flask": ("werkzeug", "jinja2", "itsdangerous", "click"),
    "typer": ("click",),
    "jupyter": (*_JUPYTER, "notebook", "jupyterlab", "ipywidgets", "nbconvert"),
    "jupyterlab": (*_JUPYTER, "jupyter-server"),
    "notebook": (*_JUPYTER, "jupyter-server"),
    "ipykernel": ("ipython", "traitlets", "jupyter-client", "jupyter-core"),
    "nbconvert": ("nbformat", "traitlets", "jupyter-core"),
    "lightning": ("lightning-utilities", "torchmetrics", "pytorch-lightning", "lightning-fabric"),
    "pytorch-lightning": ("lightning-utilities", "torchmetrics"),
    "lightning-fabric": ("lightning-utilities",),
    "transformers": ("tokenizers", "huggingface-hub", "safetensors"),
    "diffusers": ("huggingface-hub", "safetensors"),
    "datasets": ("huggingface-hub", "pyarrow"),
    "sentence-transformers": ("transformers", "huggingface-hub"),
    "detectron2": ("fvcore", "iopath"),  # its configs, losses and file I/O are fvcore's and iopath's
    "kfp-tekton": ("kfp",),  # pipelines are written with kfp's DSL and compiled by kfp-tekton's compiler
    # Azure ML SDK v1: azureml-sdk is a meta-distribution, installed to bring its parts (the `azureml.*` namespace
    # packages); azureml-pipeline and azureml-train are meta-distributions of theirs, azureml-defaults brings the core
    "azureml-sdk": (
        "azureml-core",
        "azureml-dataset-runtime",
        "azureml-train",
        "azureml-train-core",
        "azureml-train-automl-client",
        "azureml-pipeline",
    ),
    "azureml-pipeline": ("azureml-pipeline-core", "azureml-pipeline-steps"),
    "azureml-train": ("azureml-train-core",),
    "azureml-defaults": ("azureml-core",),
}


# Hard requirements of well-known distributions (what installing them always brings): an import of one of these
# that no declaration names works through the declared distribution, so DEP004 reports it at info, naming what
# brings it. Stable, long-standing requirements only; names are PEP 503 normalised.
_MLFLOW = (
    "click",
    "cloudpickle",
    "requests",
    "pyyaml",
    "packaging",
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "sqlalchemy",
    "flask",
    "gitpython",
    "protobuf",
    "matplotlib",
    "pyarrow",
)
BRINGS: dict[str, tuple[str, ...]] = {
    "pytest": ("packaging", "pluggy", "iniconfig"),
    "tiktoken": ("regex", "requests"),
    "onnxruntime": ("coloredlogs", "flatbuffers", "numpy", "packaging", "protobuf", "sympy"),
    "torch": ("typing-extensions", "filelock", "sympy", "networkx", "jinja2", "fsspec"),
    "torchvision": ("numpy", "torch", "pillow"),
    "torchaudio": ("torch",),
    "transformers": ("numpy", "packaging", "pyyaml", "regex", "requests", "tqdm", "filelock", "huggingface-hub",
                     "tokenizers", "safetensors"),
    "datasets": ("numpy", "pandas", "tqdm", "requests", "pyarrow", "fsspec", "multiprocess", "dill", "xxhash",
                 "huggingface-hub", "packaging", "pyyaml", "filelock"),
    "huggingface-hub": ("requests", "tqdm", "pyyaml", "filelock", "fsspec", "packaging", "typing-extensions"),
    "pytorch-lightning": ("torch", "tqdm", "pyyaml", "fsspec", "packaging", "typing-extensions", "torchmetrics",
                          "lightning-utilities"),
    "lightning": ("torch", "tqdm", "pyyaml", "fsspec", "packaging", "typing-extensions", "torchmetrics",
                  "lightning-utilities"),
    "torchmetrics": ("numpy", "packaging", "torch", "lightning-utilities"),
    "accelerate": ("numpy", "packaging", "psutil", "pyyaml", "torch", "huggingface-hub", "safetensors"),
    "timm": ("torch", "torchvision", "pyyaml", "huggingface-hub", "safetensors"),
    "scikit-learn": ("numpy", "scipy", "joblib", "threadpoolctl"),
    "scipy": ("numpy",),
    "pandas": ("numpy", "python-dateutil", "pytz", "tzdata"),
    "matplotlib": ("numpy", "pillow", "packaging", "pyparsing", "python-dateutil", "cycler", "kiwisolver",
                   "fonttools", "contourpy"),
    "seaborn": ("numpy", "pandas", "matplotlib"),
    "opencv-python": ("numpy",),
    "opencv-python-headless": ("numpy",),
    "scikit-image": ("numpy", "scipy", "networkx", "pillow", "imageio", "tifffile", "packaging"),
    "fvcore": ("numpy", "yacs", "pyyaml", "tqdm", "termcolor", "pillow", "tabulate", "iopath"),
    "iopath": ("tqdm", "portalocker"),
    "omegaconf": ("pyyaml", "antlr4-python3-runtime"),
    "hydra-core": ("omegaconf", "antlr4-python3-runtime", "packaging"),
    "prefect": ("httpx", "pydantic", "anyio", "pyyaml", "jinja2", "rich", "typer", "packaging"),
    "wandb": ("requests", "pyyaml", "psutil", "click", "gitpython", "protobuf", "sentry-sdk", "platformdirs"),
    "mlflow": _MLFLOW,
    "tensorflow": ("numpy", "packaging", "protobuf", "h5py", "absl-py", "six", "wrapt", "termcolor", "keras"),
    "keras": ("numpy", "h5py", "absl-py", "rich", "packaging"),
    "requests": ("urllib3", "idna", "certifi", "charset-normalizer"),
    "python-dateutil": ("six",),
    "imageio": ("numpy", "pillow"),
    "xgboost": ("numpy", "scipy"),
    "lightgbm": ("numpy", "scipy"),
    "statsmodels": ("numpy", "scipy", "pandas", "patsy", "packaging"),
    "evaluate": ("datasets", "numpy", "pandas", "tqdm", "requests", "huggingface-hub", "packaging"),
    "detectron2": ("fvcore", "iopath", "pycocotools", "yacs", "tabulate", "termcolor", "cloudpickle", "tqdm",
                   "matplotlib", "pillow", "omegaconf", "hydra-core", "tensorboard", "packaging"),
    "ray": ("click", "filelock", "jsonschema", "msgpack", "packaging", "protobuf", "pyyaml", "requests"),
    # NLP, JAX and sweep stacks whose requirements are imported directly (Requires-Dist of current releases)
    "spacy": ("thinc", "srsly", "wasabi", "catalogue", "cymem", "preshed", "murmurhash", "spacy-legacy",
              "spacy-loggers", "weasel", "numpy", "requests", "tqdm", "pydantic", "jinja2", "packaging", "typer",
              "setuptools"),
    "thinc": ("blis", "srsly", "wasabi", "catalogue", "confection", "cymem", "preshed", "murmurhash", "numpy",
              "pydantic", "packaging"),
    "flax": ("jax", "optax", "orbax-checkpoint", "msgpack", "numpy", "pyyaml", "rich", "tensorstore",
             "typing-extensions"),
    "optax": ("absl-py", "chex", "jax", "jaxlib", "numpy"),
    "chex": ("absl-py", "jax", "jaxlib", "numpy", "toolz", "typing-extensions"),
    "hydra-optuna-sweeper": ("hydra-core", "optuna"),
    "optuna-integration": ("optuna",),
    "tensorflow-gan": ("tensorflow-hub", "tensorflow-probability"),
    "ultralytics": ("matplotlib", "numpy", "opencv-python", "pillow", "psutil", "pyyaml", "requests", "torch",
                    "torchvision"),
    "segmentation-models-pytorch": ("huggingface-hub", "numpy", "pillow", "safetensors", "timm", "torch",
                                    "torchvision", "tqdm"),
    # Requires-Dist of the current releases (their published metadata on PyPI), long-standing entries only
    "albumentations": ("numpy", "scipy", "pyyaml", "opencv-python-headless"),
    "fastai": ("torch", "torchvision", "fastcore", "fastprogress", "fastdownload", "matplotlib", "pandas", "requests",
               "pyyaml", "pillow", "scikit-learn", "scipy", "spacy", "packaging", "pip"),
    "dvc": ("ruamel-yaml", "rich", "tqdm", "requests", "networkx", "psutil", "packaging", "tabulate", "funcy",
            "colorama", "pyparsing", "fsspec", "hydra-core", "omegaconf", "dvc-data", "scmrepo", "platformdirs"),
    "sagemaker": ("boto3", "numpy", "pandas", "protobuf", "packaging", "pyyaml", "attrs", "cloudpickle",
                  "google-pasta", "jsonschema", "requests", "tqdm", "psutil", "urllib3"),
    "boto3": ("botocore", "jmespath", "s3transfer"),
    "botocore": ("jmespath", "python-dateutil", "urllib3"),
    "ocf-data-sampler": ("torch", "numpy", "pandas", "xarray", "dask", "pydantic", "pyaml-env"),
    "diffusers": ("numpy", "pillow", "requests", "regex", "filelock", "huggingface-hub", "safetensors",
                  "importlib-metadata"),
    "peft": ("numpy", "packaging", "psutil", "pyyaml", "torch", "transformers", "tqdm", "accelerate", "safetensors",
             "huggingface-hub"),
    "sentence-transformers": ("transformers", "tqdm", "torch", "scikit-learn", "scipy", "huggingface-hub", "pillow"),
    "tensorboard": ("absl-py", "grpcio", "markdown", "numpy", "packaging", "protobuf", "werkzeug"),
    "jax": ("jaxlib", "ml-dtypes", "numpy", "opt-einsum", "scipy"),
    "catboost": ("graphviz", "matplotlib", "numpy", "pandas", "scipy", "plotly", "six"),
    "optuna": ("alembic", "colorlog", "numpy", "packaging", "sqlalchemy", "tqdm", "pyyaml"),
    "dask": ("click", "cloudpickle", "fsspec", "packaging", "partd", "pyyaml", "toolz"),
    "xarray": ("numpy", "pandas", "packaging"),
    "numba": ("llvmlite", "numpy"),
    "h5py": ("numpy",),
    "tifffile": ("numpy",),
    "pycocotools": ("matplotlib", "numpy"),
    "nltk": ("click", "joblib", "regex", "tqdm"),
    "gensim": ("numpy", "scipy", "smart-open"),
    "kfp-tekton": ("kfp",),
    "umap-learn": ("numpy", "scipy", "scikit-learn", "numba", "pynndescent", "tqdm"),
    "iterative-stratification": ("numpy", "scipy", "scikit-learn"),  # 0.1.6 (2018) and 0.1.9 (2024) alike
    "librosa": ("audioread", "numpy", "scipy", "scikit-learn", "joblib", "decorator", "numba", "soundfile", "pooch",
                "soxr", "lazy-loader", "msgpack", "typing-extensions"),
    "stable-baselines3": ("gymnasium", "numpy", "torch", "cloudpickle", "pandas", "matplotlib"),
    "gymnasium": ("numpy", "cloudpickle", "typing-extensions", "farama-notifications"),
    "onnx": ("numpy", "protobuf"),
    "rich": ("markdown-it-py", "pygments"),
    # documentation tools: a docs group that declares a theme or plugin installs the tool itself
    "mkdocs": ("click", "jinja2", "markdown", "markupsafe", "packaging", "pathspec", "pyyaml", "watchdog",
               "ghp-import", "mergedeep"),
    "mkdocs-material": ("mkdocs", "jinja2", "markdown", "pygments", "pymdown-extensions", "requests", "babel",
                        "colorama", "paginate", "mkdocs-material-extensions"),
    "mkdocstrings": ("mkdocs", "jinja2", "markdown", "markupsafe", "mkdocs-autorefs", "pymdown-extensions"),
    "sphinx": ("jinja2", "pygments", "docutils", "babel", "requests", "packaging", "snowballstemmer", "imagesize",
               "alabaster"),
    "sphinx-rtd-theme": ("sphinx", "docutils"),
}  # fmt: skip


# Low-level libraries that `conda env export` lists with the rest of an environment and that nobody declares by
# hand: three or more of them, versioned, mark an environment file as an export of an installed environment.
CONDA_EXPORT_LIBRARIES = frozenset(
    {
        "openssl", "readline", "sqlite", "tk", "xz", "zlib", "libzlib", "ncurses", "libffi", "bzip2", "libuuid",
        "ca-certificates", "libgcc-ng", "libgomp", "libstdcxx-ng", "ld_impl_linux-64", "_libgcc_mutex",
        "_openmp_mutex", "libedit", "libnsl", "libsqlite", "libxcrypt", "tzdata", "intel-openmp", "mkl",
        "vc", "vs2015_runtime", "libcxx", "libiconv",
    }
)  # fmt: skip

"""Randomness call tables for the RNG rules: seeders, draws, stochastic APIs and non-deterministic seed sources.

Names are fully qualified (imports resolved: `np.random.seed` is `numpy.random.seed`). Library keys are the
ones messages name: "random", "numpy", "torch", "tensorflow", "jax". Extend a table to teach every rule.
"""

from __future__ import annotations

import re

from reprocheck.patterns import lazy_pattern

ALL_LIBRARIES = frozenset({"random", "numpy", "torch", "tensorflow"})

# Seeding calls: qualified name -> the libraries' global random state it seeds.
_LIGHTNING = frozenset({"random", "numpy", "torch"})
SEEDERS: dict[str, frozenset[str]] = {
    "random.seed": frozenset({"random"}),
    "numpy.random.seed": frozenset({"numpy"}),
    "torch.manual_seed": frozenset({"torch"}),
    "torch.random.manual_seed": frozenset({"torch"}),
    "tensorflow.random.set_seed": frozenset({"tensorflow"}),
    "tensorflow.set_random_seed": frozenset({"tensorflow"}),
    "tensorflow.compat.v1.set_random_seed": frozenset({"tensorflow"}),
    "tensorflow.compat.v1.random.set_random_seed": frozenset({"tensorflow"}),
    "tensorflow.keras.utils.set_random_seed": frozenset({"random", "numpy", "tensorflow"}),
    "keras.utils.set_random_seed": frozenset({"random", "numpy", "tensorflow"}),
    "tf_keras.utils.set_random_seed": frozenset({"random", "numpy", "tensorflow"}),
    "lightning.seed_everything": _LIGHTNING,
    "lightning.pytorch.seed_everything": _LIGHTNING,
    "lightning.pytorch.utilities.seed.seed_everything": _LIGHTNING,
    "lightning.fabric.seed_everything": _LIGHTNING,
    "lightning.fabric.utilities.seed.seed_everything": _LIGHTNING,
    "lightning_fabric.seed_everything": _LIGHTNING,
    "lightning_fabric.utilities.seed.seed_everything": _LIGHTNING,
    "pytorch_lightning.seed_everything": _LIGHTNING,
    "pytorch_lightning.utilities.seed.seed_everything": _LIGHTNING,
    "transformers.set_seed": frozenset({"random", "numpy", "torch", "tensorflow"}),
    "transformers.trainer_utils.set_seed": frozenset({"random", "numpy", "torch", "tensorflow"}),
    "accelerate.utils.set_seed": _LIGHTNING,
    "accelerate.utils.random.set_seed": _LIGHTNING,
    "mmengine.runner.set_random_seed": _LIGHTNING,
    "mmcv.runner.set_random_seed": _LIGHTNING,
    "detectron2.utils.env.seed_all_rng": _LIGHTNING,
    "fastai.torch_core.set_seed": _LIGHTNING,
    "catalyst.utils.set_global_seed": _LIGHTNING,
    # detectron2's set-up seeds every library from the config's SEED (`default_setup(cfg, args)`).
    "detectron2.engine.default_setup": _LIGHTNING,
    "detectron2.engine.defaults.default_setup": _LIGHTNING,
    "jax.random.PRNGKey": frozenset({"jax"}),
    "jax.random.key": frozenset({"jax"}),
}
# Seeding methods of objects made by a library class: class qualified name -> method -> the libraries seeded.
# `fabric = Fabric(...)` then `fabric.seed_everything(seed)`; `accelerator.set_seed` does not exist, but the
# module function does (SEEDERS).
_FABRICS = ("lightning.Fabric", "lightning.fabric.Fabric", "lightning_fabric.Fabric", "lightning.fabric.fabric.Fabric")
METHOD_SEEDERS: dict[str, dict[str, frozenset[str]]] = {
    **{fabric: {"seed_everything": _LIGHTNING} for fabric in _FABRICS},
}
SEEDERS.update({f"{fabric}.seed_everything": _LIGHTNING for fabric in _FABRICS})  # `Fabric.seed_everything(s)`
# The names libraries are bound to by convention (`import numpy as np`): what a seeding call's root means when no
# import of the module binds it and a star import may have (`from fastai.vision.all import *` brings `np`, `torch`
# and `random`, so `np.random.seed(42)` below it seeds NumPy).
CONVENTIONAL_ALIASES = {"np": "numpy", "numpy": "numpy", "torch": "torch", "random": "random", "tf": "tensorflow"}
# Seeders that take no seed and always draw one from the operating system.
ENTROPY_SEEDERS = frozenset({"torch.seed", "torch.random.seed", "torch.cuda.seed", "torch.cuda.seed_all"})
# Seeders whose call without an argument seeds from the operating system (`random.seed()`).
SEED_OPTIONAL = frozenset({"random.seed", "numpy.random.seed"})

# Generator objects that carry their own state: qualified name -> library. Without a seed they are unseeded,
# whatever global seeding runs (`np.random.seed(0)` does not reach `np.random.default_rng()`).
GENERATOR_FACTORIES: dict[str, str] = {
    "numpy.random.default_rng": "numpy",
    "numpy.random.RandomState": "numpy",
    "random.Random": "random",
}

# Methods that seed a generator object in place (`rng = random.Random(); rng.seed(s)`).
GENERATOR_SEED_METHODS = frozenset({"seed"})

# Names (last component) of calls whose first argument / `seed=` is a seed, when the call is not resolved
# (a method on a generator object, a third-party helper): used to judge the seed value (RNG003) and, for an
# unknown helper, to abstain from claiming that nothing is seeded (RNG001/RNG002).
SEED_CALL_NAMES = frozenset(
    {"seed", "manual_seed", "set_seed", "seed_everything", "set_random_seed", "seed_all", "seed_all_rng"}
)
# Methods whose name says they seed global state, on an object the checker cannot type (`fabric.seed_everything(s)`
# on a Fabric passed in): the checker abstains from claiming nothing is seeded. (Not `seed`/`manual_seed`, which
# generator objects have.)
SEED_METHOD_NAMES = frozenset({"seed_everything", "set_seed", "set_random_seed", "seed_all", "seed_all_rng"})
SEED_KEYWORDS = frozenset({"seed", "random_state", "random_seed"})

# Draws from a library's global random state.
RANDOM_DRAWS = frozenset(
    {
        "random",
        "uniform",
        "randint",
        "randrange",
        "choice",
        "choices",
        "shuffle",
        "sample",
        "gauss",
        "normalvariate",
        "lognormvariate",
        "expovariate",
        "vonmisesvariate",
        "gammavariate",
        "betavariate",
        "paretovariate",
        "weibullvariate",
        "triangular",
        "getrandbits",
        "randbytes",
        "binomialvariate",
    }
)
# Everything under numpy.random is a draw on the global RandomState except these.
NUMPY_RANDOM_NON_DRAWS = frozenset(
    {
        "seed",
        "default_rng",
        "Generator",
        "RandomState",
        "SeedSequence",
        "BitGenerator",
        "PCG64",
        "PCG64DXSM",
        "MT19937",
        "Philox",
        "SFC64",
        "get_state",
        "set_state",
        "get_bit_generator",
        "set_bit_generator",
    }
)
TORCH_DRAWS = frozenset(
    {
        "torch.rand",
        "torch.rand_like",
        "torch.randn",
        "torch.randn_like",
        "torch.randint",
        "torch.randint_like",
        "torch.randperm",
        "torch.normal",
        "torch.bernoulli",
        "torch.multinomial",
        "torch.poisson",
        "torch.nn.functional.gumbel_softmax",
    }
)
# torch.nn.init.* draws except these deterministic initialisers.
TORCH_INIT_NON_DRAWS = frozenset(
    {"calculate_gain", "constant_", "zeros_", "ones_", "eye_", "dirac_", "_calculate_fan_in_and_fan_out"}
)
# Weight initialisation (RNG001 counts it as "initialises a model": a use when the entry point also trains, not
# when it loads a checkpoint over the initial weights): torch.nn.init.* draws, and in-place draws on a model's
# parameters (`module.weight.data.normal_(...)`), recognised by these attribute names in the receiver.
WEIGHT_INITIALISERS = ("torch.nn.init.",)
# Draws that happen only while a model trains (functional dropout, `training=self.training`): counted as a model's.
TRAINING_TIME_DRAWS = frozenset(
    {
        "torch.nn.functional.dropout",
        "torch.nn.functional.dropout1d",
        "torch.nn.functional.dropout2d",
        "torch.nn.functional.dropout3d",
        "torch.nn.functional.alpha_dropout",
        "torch.nn.functional.feature_alpha_dropout",
    }
)
# Dropout layers: no weights, but draws while the model trains (`the dropout of nn.Dropout(...)`, not its weights).
DROPOUT_LAYERS = lazy_pattern(
    r"^(?:torch\.nn\.(?:modules\.\w+\.)?(?:Alpha|FeatureAlpha)?Dropout[123]?d?|"
    r"(?:tensorflow\.keras|keras|tf_keras)\.(?:layers\.)?(?:Spatial|Gaussian|Alpha)?Dropout(?:[123]D)?|"
    r"(?:tensorflow\.keras|keras|tf_keras)\.(?:layers\.)?GaussianNoise)$"
)
PARAMETER_ATTRIBUTES = frozenset({"weight", "bias", "data", "embedding", "embeddings", "pos_embedding"})
# Tracers, exporters and counters of a model: the example input they are given shapes no result.
TRACERS = frozenset(
    {
        "torch.onnx.export", "torch.onnx.dynamo_export", "torch.jit.trace", "torch.jit.trace_module",
        "torch.export.export", "thop.profile", "fvcore.nn.FlopCountAnalysis", "torchinfo.summary",
        "ptflops.get_model_complexity_info", "torch.utils.flop_counter.FlopCounterMode",
        "openvino.convert_model", "openvino.tools.mo.convert_model", "coremltools.convert", "torch_tensorrt.compile",
    }
)  # fmt: skip
TRACING_WORDS = ("export", "trace", "profile", "FlopCount", "summary", "complexity", "convert", "compile")
# Calls whose arguments are a model's initial weights: `nn.Parameter(...)`, `module.register_buffer(name, ...)`.
PARAMETER_MAKERS = frozenset({"Parameter", "register_buffer", "register_parameter"})
# Names of weight initialisers (`trunc_normal_`, `_no_grad_trunc_normal_`, `init_weights`, `lecun_normal_`): an
# in-place draw on one of their parameters fills the weights passed in.
INITIALISER_NAME = lazy_pattern(r"init|trunc_normal|xavier|kaiming|lecun|variance_scaling|orthogonal", re.IGNORECASE)
PARAMETER_CLASSES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})
# In-place tensor methods that draw from torch's generator (counted in modules that import torch).
TORCH_TENSOR_DRAW_METHODS = frozenset(
    {"uniform_", "normal_", "random_", "bernoulli_", "exponential_", "geometric_", "cauchy_", "log_normal_"}
)
# tensorflow.random.* draws on the global generator except these.
TF_RANDOM_NON_DRAWS = frozenset(
    {
        "set_seed", "Generator", "get_global_generator", "set_global_generator", "create_rng_state", "experimental",
        # a pure function of its seed: `fold_in(seed, step)` derives a new seed, the same for the same inputs
        "fold_in",
    }
)  # fmt: skip
# jax.random functions that handle keys rather than draw.
JAX_KEY_FUNCTIONS = frozenset({"PRNGKey", "key", "split", "fold_in", "key_data", "wrap_key_data", "clone", "key_impl"})

# Model training (RNG001 "initialises or trains a model"): construction of a model plus a training step.
TORCH_MODEL_BASES = frozenset(
    {
        "torch.nn.Module",
        "torch.nn.modules.module.Module",
        "lightning.LightningModule",
        "lightning.pytorch.LightningModule",
        "pytorch_lightning.LightningModule",
    }
)
TORCH_MODEL_PREFIXES = ("torch.nn.", "torchvision.models.", "timm.create_model")
# torch.nn classes without weights to draw: losses (`CrossEntropyLoss`), activations, pooling and containers (the
# layers put in a container are made, and named, on their own). Making one draws no initial weights.
WEIGHTLESS_TORCH_MODULES = lazy_pattern(
    r"^torch\.nn\.(?:modules\.\w+\.)?(?:\w*Loss|ReLU6?|LeakyReLU|ELU|SELU|CELU|GELU|SiLU|Mish|Sigmoid|Tanh|"
    r"Softmax|Softmax2d|LogSoftmax|Softplus|Hardtanh|Identity|Flatten|Unflatten|(?:Adaptive)?(?:Max|Avg)Pool[123]d|"
    r"Upsample|PixelShuffle|Sequential|ModuleList|ModuleDict)$"
)
TORCH_TRAINING_PREFIXES = ("torch.optim.",)
TORCH_TRAINERS = frozenset({"lightning.Trainer", "lightning.pytorch.Trainer", "pytorch_lightning.Trainer"})
# Trainers that seed every library when made: `transformers.Trainer.__init__` calls `set_seed(args.seed)`, and
# `TrainingArguments.seed` defaults to 42, so making one seeds whatever arguments it is given. The trainers built
# on it do the same: `Seq2SeqTrainer`, trl's (`SFTTrainer`, `DPOTrainer`, `GRPOTrainer`, ...) and
# sentence-transformers' (`SentenceTransformerTrainer`). A class of these packages whose name ends in `Trainer`
# is one (`TrainerCallback`, `TrainerState` are not). Lightning's `Trainer` seeds nothing by itself.
SEEDING_TRAINER_PACKAGES = frozenset({"transformers", "trl", "sentence_transformers"})
TRAINER_SEEDS = frozenset({"random", "numpy", "torch", "tensorflow"})
# (`loss.backward()` is autograd, not a draw nor a training step: profilers and gradient checks call it too; the
# optimizer or the trainer says a model is trained.)
KERAS_MODEL_PREFIXES = ("tensorflow.keras.", "keras.", "tf_keras.")
# Keras layers without weights to draw (an input placeholder, reshaping, pooling, merging): making one draws no
# initial weights (keras.io layer reference: they create no variables).
WEIGHTLESS_KERAS_LAYERS = lazy_pattern(
    r"^(?:tensorflow\.keras|keras|tf_keras)\.(?:layers\.)?(?:Input|InputLayer|Flatten|Reshape|Permute|RepeatVector|"
    r"Activation|ReLU|LeakyReLU|ELU|Softmax|(?:Global)?(?:Max|Average)Pooling[123]D|Concatenate|Add|Subtract|"
    r"Multiply|Average|Maximum|Minimum|Dot|Cropping[123]D|ZeroPadding[123]D|UpSampling[123]D|Rescaling|Resizing)$"
)
KERAS_MODEL_BASES = frozenset({"tensorflow.keras.Model", "keras.Model", "tf_keras.Model", "keras.models.Model"})
FIT_METHODS = frozenset({"fit", "fit_generator"})
# Parts of a model-library name that are no model (a loss, an optimizer, a metric: no weights drawn), and the
# suffixes of loss and metric classes (`nn.CrossEntropyLoss`, a project's `WeightedLosses(nn.Module)`).
NOT_MODEL_PARTS = (
    ".optimizers.",
    ".losses.",
    ".metrics.",
    ".callbacks.",
    ".regularizers.",
    ".constraints.",
    ".preprocessing.",
    ".utils.",
    ".datasets.",
    ".backend.",
    ".schedules.",
)
NOT_MODEL_SUFFIXES = ("Loss", "Losses", "Criterion", "Metric", "Metrics")
# Wrappers of a model made elsewhere (`nn.DataParallel(model)`): they hold its weights; named only when the checker
# sees no other construction of the model (`classifiers.__dict__[name](...)`).
MODEL_WRAPPER_SUFFIXES = ("DataParallel",)
# Class methods that build a model from saved weights (`DeepSpeech.load_from_checkpoint(path)`,
# `Model.from_pretrained(name)`): its weights are loaded, not drawn.
LOADED_MODEL_METHODS = frozenset({"load_from_checkpoint", "from_pretrained", "from_checkpoint", "load_model"})
# Methods that overwrite a constructed model's weights (`model.load_state_dict(torch.load(path))`).
WEIGHT_LOADING_METHODS = frozenset({"load_state_dict", "load_weights"})

# torch.utils.data
DATALOADERS = frozenset({"torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader"})
# DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory, drop_last,
#            timeout, worker_init_fn, multiprocessing_context, generator, ...)
DATALOADER_POSITIONS = {"shuffle": 2, "num_workers": 5, "worker_init_fn": 10, "generator": 12}
# Packages of data augmentations, whose random transforms draw inside the library (the checker does not see those
# draws): a data set that builds one, or is handed one, may draw in the loader's workers.
AUGMENTATION_PACKAGES = (
    "albumentations", "torchvision.transforms", "imgaug", "kornia.augmentation", "monai.transforms", "augly",
    "audiomentations", "torch_audiomentations", "nlpaug", "timm.data", "mmcv.transforms", "mmdet.datasets",
    "tensorflow.image", "keras.layers", "torchio", "volumentations", "batchgenerators",
)  # fmt: skip
# Parameters of a data set that take the transforms its items go through (`transforms=`, `augment=`).
TRANSFORM_PARAMETER = lazy_pattern(r"transform|augment|\baug|_aug|preprocess|pipeline", re.IGNORECASE)
RANDOM_SPLITS = frozenset({"torch.utils.data.random_split", "torch.utils.data.dataset.random_split"})
RANDOM_SAMPLERS = frozenset({"torch.utils.data.RandomSampler", "torch.utils.data.sampler.RandomSampler"})
# np.random functions that reorder or pick data (RNG005 when the global RNG is never seeded).
NUMPY_DATA_DRAWS = frozenset({"shuffle", "permutation", "choice"})

# scikit-learn (any module path under sklearn.*; matched on the last name). The condition says when the call is
# stochastic: "always", "shuffle" (only with shuffle=True), "no_shuffle_false" (unless shuffle=False),
# "solver" (LogisticRegression with a stochastic solver).
SKLEARN_STOCHASTIC: dict[str, str] = {
    "train_test_split": "no_shuffle_false",
    "KFold": "shuffle",
    "StratifiedKFold": "shuffle",
    "GroupKFold": "shuffle",
    "StratifiedGroupKFold": "shuffle",
    "RepeatedKFold": "always",
    "RepeatedStratifiedKFold": "always",
    "ShuffleSplit": "always",
    "StratifiedShuffleSplit": "always",
    "GroupShuffleSplit": "always",
    "RandomForestClassifier": "always",
    "RandomForestRegressor": "always",
    "ExtraTreesClassifier": "always",
    "ExtraTreesRegressor": "always",
    "RandomTreesEmbedding": "always",
    "GradientBoostingClassifier": "always",
    "GradientBoostingRegressor": "always",
    "HistGradientBoostingClassifier": "always",
    "HistGradientBoostingRegressor": "always",
    "IsolationForest": "always",
    "BaggingClassifier": "always",
    "BaggingRegressor": "always",
    "AdaBoostClassifier": "always",
    "AdaBoostRegressor": "always",
    "KMeans": "always",
    "MiniBatchKMeans": "always",
    "BisectingKMeans": "always",
    "MLPClassifier": "always",
    "MLPRegressor": "always",
    "SGDClassifier": "always",
    "SGDRegressor": "always",
    "SGDOneClassSVM": "always",
    "Perceptron": "always",
    "PassiveAggressiveClassifier": "always",
    "PassiveAggressiveRegressor": "always",
    "LogisticRegression": "solver",
    "RandomizedSearchCV": "always",
    "HalvingRandomSearchCV": "always",
    "permutation_importance": "always",
    "TSNE": "always",
    "TruncatedSVD": "always",
    "GaussianMixture": "always",
    "BayesianGaussianMixture": "always",
    "LatentDirichletAllocation": "always",
    "SpectralClustering": "always",
    "SpectralEmbedding": "always",
    "resample": "always",
    "shuffle": "always",
}
SKLEARN_GENERATOR_PREFIX = "sklearn.datasets.make_"  # make_classification, make_blobs, ...
SKLEARN_STOCHASTIC_SOLVERS = frozenset({"sag", "saga", "liblinear"})

# Sources of a seed that differ from run to run (RNG003): exact names, and prefixes of whole modules.
NONDETERMINISTIC_CALLS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.process_time",
        "time.process_time_ns",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "datetime.now",
        "datetime.utcnow",
        "os.getpid",
        "os.urandom",
        "os.times",
        "torch.seed",
        "numpy.random.SeedSequence",
        "tensorflow.random.Generator.from_non_deterministic_state",
    }
)
NONDETERMINISTIC_PREFIXES = ("secrets.", "uuid.")
# The seed torch was seeded with: run-dependent in a process that never seeded torch (RNG001/RNG002 say so),
# fixed otherwise. Inside a function (a DataLoader `worker_init_fn`, where it is the per-worker seed that torch
# derives from the main process's generator) it is the recipe of PyTorch's reproducibility notes, not RNG003.
TORCH_DERIVED_SEEDS = frozenset({"torch.initial_seed", "torch.random.initial_seed"})

# What to suggest per library (messages).
SEED_SUGGESTIONS = {
    "random": "random.seed(seed)",
    "numpy": "np.random.seed(seed)",
    "torch": "torch.manual_seed(seed)",
    "tensorflow": "tf.random.set_seed(seed)",
    "jax": "jax.random.PRNGKey(seed)",
}

# -- timing benchmarks -----------------------------------------------------------------------------
# Calls that time code: a program that makes them (and is a benchmark by name) reports timings.
TIMERS = frozenset(
    {
        "time.time", "time.perf_counter", "time.perf_counter_ns", "time.monotonic", "time.monotonic_ns",
        "time.time_ns", "time.process_time", "timeit.timeit", "timeit.repeat", "timeit.default_timer",
        "timeit.Timer", "torch.cuda.Event", "torch.utils.benchmark.Timer", "torch.utils.benchmark.Compare",
        "triton.testing.do_bench", "triton.testing.Benchmark", "triton.testing.perf_report",
    }
)  # fmt: skip
# Names of timing helpers of other packages (`benchmark.utils.benchmark_all`, `do_bench`): the last part starts so.
TIMER_NAME_PREFIXES = ("benchmark", "bench_", "do_bench", "timeit", "time_fn", "measure_time", "elapsed_time")
# A path segment or a running script's name that says benchmark (`benchmark.py`, `benchmarks/`, `run_bench.sh`).
BENCHMARK_WORD = "bench"
# NumPy draws that fill an array when given a size (their first parameters are shape parameters for `rand`,
# `randn`; else the size is the keyword `size` or the position below): without it they draw one number.
NUMPY_SHAPE_FIRST = frozenset({"rand", "randn"})
NUMPY_SIZE_POSITION = {
    "random": 0, "random_sample": 0, "ranf": 0, "sample": 0, "standard_normal": 0, "uniform": 2, "normal": 2,
    "randint": 2, "integers": 2, "beta": 2, "gamma": 2, "exponential": 1, "poisson": 1, "binomial": 2,
    "laplace": 2, "logistic": 2, "lognormal": 2, "standard_cauchy": 0, "standard_exponential": 0,
}  # fmt: skip

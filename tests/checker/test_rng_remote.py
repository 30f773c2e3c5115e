"""RNG001/RNG002 and code sent to run elsewhere: Kubeflow Pipelines components are programs of their own, and a
class or function handed to a remote job (Kubeflow Fairing) is not run by the notebook or script that sends it."""

from __future__ import annotations

from tests.checker.test_rng import notebook
from tests.conftest import findings


def rng(root) -> list[tuple[str, str, int | None, int | None]]:
    return sorted((f["code"], f["path"], f["line"], f.get("cell")) for f in findings(root, select="RNG"))


def messages(root, code: str = "RNG001") -> list[str]:
    return [f["message"] for f in findings(root, select=code)]


IMPORTS = ["import kfp\n", "from kfp.components import func_to_container_op\n"]

# The judged shape (kubeflow/examples Cornell-1000-nltk.ipynb): one component draws, another seeds its own work.
PREPARE = [
    "def prepare(log_folder: str) -> str:\n",
    "    import random\n",
    "    import joblib\n",
    "    rows = list(range(100))\n",
    "    random.shuffle(rows)\n",
    "    joblib.dump(rows[:80], log_folder + '/train.pkl')\n",
    "    return log_folder\n",
]
FIT = [
    "def fit(log_folder: str) -> float:\n",
    "    import numpy as np\n",
    "    np.random.seed(1)\n",
    "    theta = np.random.normal(size=3)\n",
    "    return float(theta.sum())\n",
]
PIPELINE = [
    "@kfp.dsl.pipeline(name='p')\n",
    "def pipeline():\n",
    "    prepare_op = func_to_container_op(func=prepare, base_image='python:3.9')\n",
    "    fit_op = func_to_container_op(func=fit, base_image='python:3.9')\n",
    "    fit_op(prepare_op('/data').output)\n",
    "\n",
    "kfp.Client().create_run_from_pipeline_func(pipeline, arguments={})\n",
]


def test_each_component_of_a_notebook_is_judged_on_its_own(make_repo):
    root = make_repo({"pipeline.ipynb": notebook(IMPORTS, PREPARE, FIT, PIPELINE)})
    assert rng(root) == [("RNG001", "pipeline.ipynb", 5, 3)]  # prepare's shuffle; no RNG002 across components
    (message,) = messages(root)
    assert "the Kubeflow Pipelines component prepare(), which runs in its own container" in message
    assert "random.shuffle(...)" in message


def test_a_component_seeding_its_own_draws_is_clean(make_repo):
    seeded = ["def prepare(log_folder: str) -> str:\n", "    import random\n", "    random.seed(0)\n", *PREPARE[2:]]
    root = make_repo({"pipeline.ipynb": notebook(IMPORTS, seeded, FIT, PIPELINE)})
    assert rng(root) == []


def test_seeding_in_one_component_does_not_cover_another(make_repo):
    draws = ["def fit(log_folder: str) -> float:\n", "    import numpy as np\n", "    return float(np.random.rand())\n"]
    seeds = ["def seed(n: int):\n", "    import numpy as np\n", "    np.random.seed(n)\n"]
    wiring = [
        "fit_op = func_to_container_op(fit)\n",
        "seed_op = func_to_container_op(seed)\n",
    ]
    root = make_repo({"pipeline.ipynb": notebook(IMPORTS, draws, seeds, wiring)})
    assert [code for code, *_ in rng(root)] == ["RNG001"]
    assert "component fit()" in messages(root)[0]


def test_a_cell_that_also_runs_code_stays_in_the_notebook(make_repo):
    """Look-alike: a cell defining a component and running a draw of its own at its top level is the notebook's."""
    mixed = [*PREPARE, "import numpy as np\n", "noise = np.random.rand(3)\n", "np.save('noise.npy', noise)\n"]
    root = make_repo({"pipeline.ipynb": notebook(IMPORTS, mixed, FIT, PIPELINE)})
    found = messages(root)
    assert len(found) == 1 and "(a notebook)" in found[0]


def test_decorated_components_of_a_script(make_repo):
    root = make_repo(
        {
            "pipeline.py": """
            import kfp
            from kfp import dsl


            @dsl.component(base_image="python:3.11")
            def train(epochs: int) -> float:
                import random

                return sum(random.random() for _ in range(epochs))


            @dsl.component
            def evaluate(score: float) -> float:
                import numpy as np

                np.random.seed(0)
                return score + float(np.random.rand())


            @dsl.pipeline(name="demo")
            def pipeline(epochs: int = 3):
                evaluate(score=train(epochs=epochs).output)


            if __name__ == "__main__":
                kfp.compiler.Compiler().compile(pipeline, "pipeline.yaml")
            """,
        }
    )
    assert rng(root) == [("RNG001", "pipeline.py", 6, None)]  # at train(), not at the `__main__` block
    assert "the Kubeflow Pipelines component train()" in messages(root)[0]


def test_a_component_made_from_another_modules_function(make_repo):
    root = make_repo(
        {
            "steps.py": """
            def augment(path: str) -> str:
                import numpy as np

                np.save(path, np.random.rand(10))
                return path
            """,
            "build.py": """
            import kfp.components as comp

            from steps import augment

            if __name__ == "__main__":
                augment_op = comp.create_component_from_func(augment, base_image="python:3.9")
            """,
        }
    )
    assert rng(root) == [("RNG001", "steps.py", 1, None)]


FAIRING_NOTEBOOK = [
    "from kubeflow.fairing import TrainJob\n",
    "from nmt import Translation\n",
    "job = TrainJob(Translation, input_files=['nmt.py'], docker_registry='gcr.io/x')\n",
    "job.submit()\n",
]
NMT = """
import tensorflow as tf


def data_loader(pairs):
    return tf.data.Dataset.from_tensor_slices(pairs).shuffle(1000)


class Translation:
    def __init__(self):
        self.data = data_loader([1, 2, 3])

    def train(self):
        for batch in self.data:
            print(batch)
"""


def test_a_class_handed_to_a_fairing_job_is_not_run_by_the_notebook(make_repo):
    root = make_repo({"fairing.ipynb": notebook(FAIRING_NOTEBOOK), "nmt.py": NMT})
    assert rng(root) == []


def test_an_object_handed_to_a_fairing_job_runs_no_method_here(make_repo):
    job = """
    import tensorflow as tf


    class Job:
        def __init__(self, epochs):
            self.epochs = epochs

        def train(self):
            return tf.random.uniform((self.epochs,))
    """
    cells = ["from kubeflow import fairing\n", "from job import Job\n", "fairing.TrainJob(Job(3)).submit()\n"]
    root = make_repo({"fairing.ipynb": notebook(cells), "job.py": job})
    assert rng(root) == []
    here = ["from job import Job\n", "job = Job(3)\n", "job.train()\n"]  # look-alike: run here
    assert [code for code, *_ in rng(make_repo({"local.ipynb": notebook(here), "job.py": job}))] == ["RNG001"]


def test_a_project_class_named_like_a_remote_job_still_runs_here(make_repo):
    """Look-alike: the project's own `TrainJob` (not kubeflow.fairing's) runs what it is given locally."""
    jobs = """
    class TrainJob:
        def __init__(self, trainer_class, **options):
            self.trainer = trainer_class()

        def submit(self):
            self.trainer.train()
    """
    cells = ["from jobs import TrainJob\n", "from nmt import Translation\n", "TrainJob(Translation).submit()\n"]
    root = make_repo({"run.ipynb": notebook(cells), "nmt.py": NMT, "jobs.py": jobs})
    assert [code for code, *_ in rng(root)] == ["RNG001"]


def test_local_launchers_still_run_what_they_are_given(make_repo):
    """Look-alike: `mp.spawn(main)` and `fire.Fire(main)` run the function in this program."""
    for launch in ("mp.spawn(worker, nprocs=2)", "fire.Fire(worker)"):
        root = make_repo(
            {
                "train.py": f"""
                import fire
                import torch
                import torch.multiprocessing as mp


                def worker(rank=0):
                    print(torch.randn(3))
                    torch.save(torch.randn(3), "x.pt")


                if __name__ == "__main__":
                    {launch}
                """,
            }
        )
        assert [code for code, *_ in rng(root)] == ["RNG001"], launch


def test_a_shuffle_whose_order_nothing_reads_is_no_use(make_repo):
    """The shuffle of the judged component: the lists are copied before it and only counted after it."""
    body = [
        "def prepare(log_folder: str) -> str:\n",
        "    from random import shuffle\n",
        "    import joblib\n",
        "    pos, neg = load('pos'), load('neg')\n",
        "    labels = [1 for i in range(len(pos))]\n",
        "    corpus = pos + neg\n",
        "    shuffle(pos)\n",
        "    shuffle(neg)\n",
        "    pos_labels = [1 for i in pos]\n",
        "    print(len(neg))\n",
        "    joblib.dump((corpus, labels, pos_labels), log_folder)\n",
        "    return log_folder\n",
    ]
    root = make_repo({"pipeline.ipynb": notebook(IMPORTS, body, ["prepare_op = func_to_container_op(prepare)\n"])})
    assert rng(root) == []


def test_a_shuffle_whose_order_is_read_still_counts(make_repo):
    """Look-alikes: the shuffled list written out, aliased before the shuffle, or iterated with its elements."""
    shapes = {
        "written": ["    shuffle(rows)\n", "    save(rows)\n"],
        "aliased": ["    kept = rows\n", "    shuffle(rows)\n", "    save(len(kept))\n", "    save(kept)\n"],
        "iterated": ["    shuffle(rows)\n", "    save([r * 2 for r in rows])\n"],
    }
    for name, lines in shapes.items():
        body = ["def prepare():\n", "    from random import shuffle\n", "    rows = list(range(10))\n", *lines]
        root = make_repo({"steps.ipynb": notebook(body, ["prepare()\n"])})
        assert [code for code, *_ in rng(root)] == ["RNG001"], name

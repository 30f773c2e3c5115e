"""Measure reprocheck's whole-process wall time and peak memory against ruff on synthetic monorepos.

    python benchmarks/run.py [--sizes 1000 5000 10000] [--repeat 5] [--out benchmarks/out]

Prints, for each measurement, the median wall time over `--repeat` runs, the peak resident memory of the largest
process and (sampled in one more run, Linux) the peak memory of the whole process tree; then the ratio to the ruff
reference (`ruff check --no-cache --select NPY002 .`, which must parse every Python file: the floor for a
parser-based scan) and the cost per file. Nothing here is a test: figures depend on the machine; the targets are
in the README of this folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import VERSION as GENERATOR_VERSION  # noqa: E402
from benchmarks.generate import commit, generate  # noqa: E402

BIN = Path(sys.executable).parent


# A real install has its bytecode compiled (pip does it); a development checkout run with PYTHONDONTWRITEBYTECODE
# would recompile every module on each start, so the package is compiled first and children may use it.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    import compileall

    import reprocheck

    compileall.compile_dir(str(Path(reprocheck.__file__).parent), quiet=1)


def run_once(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the largest process of the run, forked helpers included) of one run."""
    figures = measured(argv, cwd)
    return figures["seconds"], figures["peak_mib"]


def tree_peak(argv: list[str], cwd: Path) -> float | None:
    """Peak memory (MiB) of the whole process tree of one run, sampled (see measure.py); None where unknown.
    Measured in a run of its own: sampling takes CPU from the run it watches."""
    return measured(argv, cwd, "--tree").get("tree_peak_mib")


def measured(argv: list[str], cwd: Path, *options: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *options, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=CHILD_ENV,
    )
    figures = json.loads(done.stdout)
    if figures["code"] not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {figures['code']} in {cwd}")
    return figures


def measure(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MiB) of `argv` run `repeat` times."""
    runs = [run_once(argv, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


class OneFileEdit:
    """The everyday run: one Python file just edited (inside the racy window, as in a pre-commit hook), all the
    others as the previous run saw them. Each edit writes new content; `restore` puts the file back and
    backdates it, so the unchanged tree can be cached again."""

    def __init__(self, root: Path):
        self.path = root / edited_file(root)
        self.original = self.path.read_bytes()
        self.count = 0

    def edit(self) -> None:
        self.count += 1
        self.path.write_bytes(self.original + f"\nEDITED = {self.count}\n".encode())

    def restore(self) -> None:
        self.path.write_bytes(self.original)
        past = time.time() - 60
        os.utime(self.path, (past, past))


def edited_file(root: Path) -> str:
    """A model module in the middle of the tree (what a day's work touches), the same one on every run."""
    listed = subprocess.run(["git", "ls-files", "*/models/*.py"], cwd=root, capture_output=True, text=True)
    modules = sorted(listed.stdout.split())
    return modules[len(modules) // 2]


def measure_edits(
    commands: dict[str, list[str]], root: Path, repeat: int
) -> dict[str, tuple[float, float, float | None]]:
    """Median seconds, peak MiB (largest process) and peak MiB of the process tree of the reference, cold,
    one-file edit and unchanged runs, the timed runs measured in turns: a machine that slows down for a while
    slows all of them alike, so their ratios hold."""
    editor = OneFileEdit(root)
    runs: dict[str, list[tuple[float, float]]] = {
        name: [] for name in ("reference", "cold", "one-file edit", "unchanged")
    }
    try:
        subprocess.run(commands["unchanged"], cwd=root, capture_output=True, check=False)  # fill the caches
        for _ in range(repeat):
            runs["reference"].append(run_once(commands["reference"], root))
            runs["cold"].append(run_once(commands["cold"], root))
            editor.edit()
            runs["one-file edit"].append(run_once(commands["unchanged"], root))
            editor.restore()
            subprocess.run(commands["unchanged"], cwd=root, capture_output=True, check=False)  # cache it again
            runs["unchanged"].append(run_once(commands["unchanged"], root))
        trees = {"reference": tree_peak(commands["reference"], root), "cold": tree_peak(commands["cold"], root)}
        editor.edit()
        trees["one-file edit"] = tree_peak(commands["unchanged"], root)
        editor.restore()
        subprocess.run(commands["unchanged"], cwd=root, capture_output=True, check=False)
        trees["unchanged"] = tree_peak(commands["unchanged"], root)
    finally:
        editor.restore()
    return {
        name: (statistics.median(r[0] for r in found), max(r[1] for r in found), trees.get(name))
        for name, found in runs.items()
    }


def tree(out: Path, size: int) -> tuple[Path, int]:
    path = out / f"monorepo-{size}"
    marker = path / f".generated-v{GENERATOR_VERSION}"
    if not marker.exists():
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        count = generate(path, size, seed=0)
        commit(path)
        marker.write_text(str(count))
    return path, int(marker.read_text())


def template_project(out: Path) -> Path | None:
    """A project rendered from this checkout's template (None when the template or copier is unavailable)."""
    path = out / "template-project"
    copier = BIN / "copier"
    if not (HERE.parent / "copier.yml").exists() or not copier.exists():
        return None
    marker = out / "template-project.source"  # the template it was rendered from: a changed template re-renders
    source = template_digest()
    if (path / "pyproject.toml").exists() and marker.exists() and marker.read_text() == source:
        return path
    shutil.rmtree(path, ignore_errors=True)
    done = subprocess.run(
        [str(copier), "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", str(HERE.parent), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"(template project not rendered: {done.stderr.strip().splitlines()[-1:]})")
        return None
    commit(path)  # as its README says to: otherwise it is checked as a folder of the repository around it
    marker.write_text(source)
    return path


def template_digest() -> str:
    digest = hashlib.sha256()
    for file in sorted([HERE.parent / "copier.yml", *(HERE.parent / "template").rglob("*")]):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(f"{file.relative_to(HERE.parent)}\0".encode() + file.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    reprocheck, ruff = str(BIN / "reprocheck"), str(BIN / "ruff")
    compile_package()

    print(f"{'measurement':<50} {'median s':>9} {'peak MiB':>9} {'tree MiB':>9} {'vs ruff':>8} {'ms/file':>8}")

    def line(label, seconds, peak, reference=None, files=None, tree_mib=None):
        ratio = f"{seconds / reference:.2f}x" if reference else ""
        per_file = f"{1000 * seconds / files:.3f}" if files else ""
        whole = f"{tree_mib:.1f}" if tree_mib is not None else ""
        print(f"{label:<50} {seconds:>9.3f} {peak:>9.1f} {whole:>9} {ratio:>8} {per_file:>8}", flush=True)

    seconds, peak = measure([reprocheck, "--version"], args.out, args.repeat)
    line("start-up: reprocheck --version", seconds, peak)

    project = template_project(args.out)
    if project is not None:
        seconds, peak = measure([reprocheck, "--no-cache", "."], project, args.repeat)
        line("template project, cold (its own selection: ALL)", seconds, peak)
        subprocess.run([reprocheck, "."], cwd=project, capture_output=True, check=False)
        seconds, peak = measure([reprocheck, "."], project, args.repeat)
        line("template project, warm", seconds, peak)

    for size in args.sizes:
        path, count = tree(args.out, size)
        figures = measure_edits(
            {
                "reference": [ruff, "check", "--no-cache", "--select", "NPY002", "."],
                "cold": [reprocheck, "--select", "ALL", "--no-cache", "."],  # neither reads nor writes the caches
                "unchanged": [reprocheck, "--select", "ALL", "."],
            },
            path,
            args.repeat,
        )
        reference = figures.pop("reference")
        line(f"{count} files: ruff NPY002 (reference)", reference[0], reference[1], None, count, reference[2])
        for name, (seconds, peak, whole) in figures.items():
            line(f"{count} files: reprocheck ALL, {name}", seconds, peak, reference[0], count, whole)


if __name__ == "__main__":
    main()

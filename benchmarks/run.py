"""Measure reprocheck's whole-process wall time and peak memory against ruff on synthetic monorepos.

    python benchmarks/run.py [--sizes 1000 5000 10000] [--repeat 5] [--out benchmarks/out]

Prints, for each measurement, the median wall time over `--repeat` runs and the peak resident memory of the
process; then the ratio to the ruff reference (`ruff check --no-cache --select NPY002 .`, which must parse
every Python file: the floor for a parser-based scan) and the cost per file. Nothing here is a test: figures
depend on the machine; the targets are in the README of this folder.
"""

from __future__ import annotations

import argparse
import hashlib
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
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {code} in {cwd}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def measure(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MiB) of `argv` run `repeat` times."""
    runs = [run_once(argv, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def measure_interleaved(commands: list[list[str]], cwd: Path, repeat: int) -> list[tuple[float, float]]:
    """Like `measure` for several commands, run in turns: a machine that slows down for a while slows all of them
    alike, so their ratios hold."""
    runs: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, argv in enumerate(commands):
            runs[index].append(run_once(argv, cwd))
    return [(statistics.median(r[0] for r in found), max(r[1] for r in found)) for found in runs]


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

    print(f"{'measurement':<50} {'median s':>9} {'peak MiB':>9} {'vs ruff':>8} {'ms/file':>8}")

    def line(label, seconds, peak, reference=None, files=None):
        ratio = f"{seconds / reference:.2f}x" if reference else ""
        per_file = f"{1000 * seconds / files:.3f}" if files else ""
        print(f"{label:<50} {seconds:>9.3f} {peak:>9.1f} {ratio:>8} {per_file:>8}", flush=True)

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
        subprocess.run([reprocheck, "--select", "ALL", "."], cwd=path, capture_output=True, check=False)
        (ref, ref_peak), (cold, cold_peak), (warm, warm_peak) = measure_interleaved(
            [
                [ruff, "check", "--no-cache", "--select", "NPY002", "."],
                [reprocheck, "--select", "ALL", "--no-cache", "."],  # neither reads nor writes the cache
                [reprocheck, "--select", "ALL", "."],  # answered from the cache the first run left
            ],
            path,
            args.repeat,
        )
        line(f"{count} files: ruff NPY002 (reference)", ref, ref_peak, None, count)
        line(f"{count} files: reprocheck ALL, cold", cold, cold_peak, ref, count)
        line(f"{count} files: reprocheck ALL, warm", warm, warm_peak, ref, count)


if __name__ == "__main__":
    main()

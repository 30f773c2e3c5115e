"""Precision of reprocheck on real repositories: re-run the checker on the triage corpus and compare.

    python benchmarks/precision/precision.py --corpus DIR [--fetch] [--reports DIR] [--pending FILE]

The corpus (`corpus.toml`) is a list of public ML repositories at fixed commits; `verdicts.csv` holds the
judgement of sampled findings: right (correct and worth acting on), wrong (the claim is false) or noise (true but
not worth a user's time, or a repeat of a problem already reported), each with a one-line reason.

Each repository is expected in DIR/<owner>+<name> checked out at its commit (`--fetch` clones what is missing;
that needs the network, the checker itself never does). The script runs `reprocheck check --select ALL` on each
(what a user who turns every rule on sees: the preview rules are left out unless `--preview` is given),
draws the seeded sample (at most 3 findings per code per repository, the order fixed by a hash of each finding's
place so that a finding keeps its chance from run to run) and prints:

- per repository, the findings by severity;
- the precision on the judged part of the sample, by verdict and by code;
- the findings per fix site (findings that one change fixes count once: a missing distribution for DEP004, once
  per sub-project whose own declaration lacks it, the place otherwise);
- what changed against the committed triage: judged findings no longer reported (a fix, or lost recall when the
  verdict was right), judged findings now folded into another finding as a related location, judged findings
  whose message changed, and sampled findings nobody has judged yet.

`--list FILE` picks the corpus: `corpus.toml` (the default, judged in `verdicts.csv`) is the set the fixes were
made on; `holdout.toml` and `holdout2.toml` to `holdout14.toml` (each judged in the CSV of its name:
`holdout-verdicts.csv`, `holdout2-verdicts.csv` to `holdout14-verdicts.csv`) hold repositories that no fix was
tuned on when they were first judged, for the precision on repositories the checker has not seen (each one's
first-contact figure is the honest one).

`--misses FILE` writes the judged sampled findings whose verdict is wrong or noise (what to fix next), and
`--pending FILE` writes the unjudged sampled findings as CSV rows with an empty verdict, to be judged and appended
to `verdicts.csv`. A verdict holds for one claim: when a finding's message or severity changes, it is judged
again (the file keeps the older verdicts as history). `--reports DIR` keeps each repository's JSON report there
(and reuses it with `--reuse`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.toml"
VERDICTS = HERE / "verdicts.csv"
FIELDS = ("repo", "commit", "code", "path", "line", "cell", "severity", "message", "verdict", "reason")
VERDICT_NAMES = ("right", "wrong", "noise")
SEED = "reprocheck-triage-1"
PER_CODE = 3
SAMPLE_SIZE = 170
# Codes whose findings in several places share one fix, and how to read that fix from the message.
SHARED_FIX = {"DEP004": re.compile(r"^`?([\w.\-]+)`?")}
OWN_PROJECT = re.compile(r"declaration of the project in (\S+?)/? ")


@dataclass(frozen=True)
class Repo:
    name: str
    commit: str
    kind: str

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


def load_corpus(path: Path = CORPUS) -> list[Repo]:
    data = tomllib.loads(path.read_text("utf-8"))
    return [Repo(item["name"], item["commit"], item.get("kind", "")) for item in data["repo"]]


def checkout(corpus: Path, repo: Repo, fetch: bool) -> Path | None:
    """The repository's working tree at its commit, cloned when asked; None (with a message) when unavailable."""
    path = corpus / repo.folder
    if not path.is_dir() and fetch:
        subprocess.run(["git", "clone", "--quiet", f"https://github.com/{repo.name}", str(path)], check=True)
        subprocess.run(["git", "-C", str(path), "checkout", "--quiet", repo.commit], check=True)
    if not path.is_dir():
        print(f"skip {repo.name}: not in {corpus} (use --fetch)", file=sys.stderr)
        return None
    head = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if head != repo.commit:
        print(f"warning: {repo.name} is at {head[:12]}, not {repo.commit[:12]}", file=sys.stderr)
    return path


def run_checker(path: Path, report: Path | None, reuse: bool, preview: bool = False) -> list[dict]:
    if reuse and report is not None and report.is_file():
        return json.loads(report.read_text("utf-8"))["findings"]
    command = [sys.executable, "-m", "reprocheck", "check", str(path), "--select", "ALL", "--no-cache"]
    command += ["--preview" if preview else "--no-preview"]
    command += ["--output-format", "json", "--exit-zero"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"reprocheck failed on {path} (exit {done.returncode}):\n{done.stderr}")
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(done.stdout, "utf-8")
    return json.loads(done.stdout)["findings"]


def place(repo: str, finding: dict) -> tuple:
    """Where a finding is: what a verdict is attached to (messages may be reworded without a new verdict)."""
    return (repo, finding["code"], finding["path"], str(finding.get("line") or ""), str(finding.get("cell") or ""))


def related_place(repo: str, finding: dict, site: dict) -> tuple:
    """A related location of a finding reported once for several places (DEP004 import sites)."""
    return (repo, finding["code"], site["path"], str(site.get("line") or ""), str(site.get("cell") or ""))


def draw_order(key: tuple) -> str:
    return hashlib.sha256("\0".join((SEED, *key)).encode()).hexdigest()


def sample(findings: dict[str, list[dict]]) -> list[tuple[tuple, dict]]:
    """At most PER_CODE findings per code per repository, then SAMPLE_SIZE of those, both in hash order."""
    pool = []
    for repo, items in findings.items():
        by_code: dict[str, list] = defaultdict(list)
        for finding in items:
            by_code[finding["code"]].append((place(repo, finding), finding))
        for entries in by_code.values():
            pool.extend(sorted(entries, key=lambda entry: draw_order(entry[0]))[:PER_CODE])
    return sorted(pool, key=lambda entry: draw_order(entry[0]))[:SAMPLE_SIZE]


def fix_site(repo: str, finding: dict) -> tuple:
    """What one change fixes: a missing distribution once per project that must declare it (in a monorepo each
    sub-project's own declaration is its own change), any other finding at its place."""
    pattern = SHARED_FIX.get(finding["code"])
    match = pattern.match(finding["message"]) if pattern else None
    if match:
        project = OWN_PROJECT.search(finding["message"])
        return (repo, finding["code"], match.group(1), project.group(1) if project else "")
    return place(repo, finding)


def load_verdicts(path: Path = VERDICTS) -> dict[tuple, list[dict]]:
    """Verdicts by place, oldest first: a place is judged again whenever its message or severity changes."""
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_place: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["verdict"]:
            by_place[(row["repo"], row["code"], row["path"], row["line"], row["cell"])].append(row)
    return by_place


def verdict_for(rows: list[dict], finding: dict) -> dict | None:
    """The newest verdict on exactly this claim (same message and severity), if any."""
    same = [r for r in rows if r["message"] == finding["message"] and r["severity"] == finding["severity"]]
    return same[-1] if same else None


def row_of(repo: Repo, finding: dict) -> dict:
    return {
        "repo": repo.name,
        "commit": repo.commit,
        "code": finding["code"],
        "path": finding["path"],
        "line": finding.get("line") or "",
        "cell": finding.get("cell") or "",
        "severity": finding["severity"],
        "message": finding["message"],
        "verdict": "",
        "reason": "",
    }


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding <owner>+<name> checkouts")
    parser.add_argument("--fetch", action="store_true", help="clone missing repositories (network)")
    parser.add_argument("--reports", type=Path, help="keep each repository's JSON report here")
    parser.add_argument("--reuse", action="store_true", help="read the reports kept in --reports instead of running")
    parser.add_argument(
        "--preview", action="store_true", help="also run the preview rules (`--select ALL` leaves them out)"
    )
    parser.add_argument("--pending", type=Path, help="write the sampled findings nobody judged yet to this CSV")
    parser.add_argument("--misses", type=Path, help="write the sampled findings judged wrong or noise to this CSV")
    parser.add_argument(
        "--list",
        type=Path,
        default=CORPUS,
        help="the corpus file (default corpus.toml; holdout.toml is the held-out set)",
    )
    parser.add_argument("--verdicts", type=Path, help="the triage CSV (default: verdicts.csv next to the corpus file)")
    args = parser.parse_args(argv)

    corpus = load_corpus(args.list)
    verdicts_file = args.verdicts or args.list.with_name(
        VERDICTS.name if args.list.resolve() == CORPUS else f"{args.list.stem}-verdicts.csv"
    )
    by_name = {repo.name: repo for repo in corpus}
    findings: dict[str, list[dict]] = {}
    print(f"{'repository':58} {'findings':>8} {'E':>4} {'W':>4} {'I':>4}")
    for repo in corpus:
        path = checkout(args.corpus, repo, args.fetch)
        if path is None:
            continue
        report = args.reports / f"{repo.folder}.json" if args.reports else None
        items = run_checker(path, report, args.reuse, args.preview)
        findings[repo.name] = items
        severity = Counter(f["severity"] for f in items)
        print(f"{repo.name:58} {len(items):>8} {severity['error']:>4} {severity['warning']:>4} {severity['info']:>4}")

    history = load_verdicts(verdicts_file)
    verdicts = {key: rows[-1] for key, rows in history.items()}  # the newest verdict of each place
    drawn = sample(findings)
    matched = [(key, f, verdict_for(history.get(key, []), f)) for key, f in drawn]
    judged = [(key, f, row) for key, f, row in matched if row is not None]
    unjudged = [(key, f) for key, f, row in matched if row is None]
    tally = Counter(row["verdict"] for _, _, row in judged)
    print(f"\nsample: {len(drawn)} findings (at most {PER_CODE} per code per repository), {len(judged)} judged")
    for verdict in VERDICT_NAMES:
        print(f"  {verdict:6} {tally[verdict]:>4}  {percent(tally[verdict], len(judged))}")
    print(f"precision (right / judged): {percent(tally['right'], len(judged))}")
    per_code: dict[str, Counter] = defaultdict(Counter)
    for key, _, row in judged:
        per_code[key[1]][row["verdict"]] += 1
    misses = {code: c for code, c in per_code.items() if c["wrong"] or c["noise"]}
    if misses:
        print(
            "codes with wrong or noise verdicts: "
            + ", ".join(f"{code} {c['right']}/{sum(c.values())}" for code, c in sorted(misses.items()))
        )

    if args.misses:
        with args.misses.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, FIELDS)
            writer.writeheader()
            for _, _, row in judged:
                if row["verdict"] != "right":
                    writer.writerow({field: row[field] for field in FIELDS})

    every = [(repo, f) for repo, items in findings.items() for f in items]
    sites = {fix_site(repo, f) for repo, f in every}
    print(f"\nfindings per fix site: {len(every)} / {len(sites)} = {len(every) / max(1, len(sites)):.3f}")

    reported = {place(repo, f): f for repo, f in every}
    merged = {related_place(repo, f, site) for repo, f in every for site in f.get("related", ())}
    gone = [row for key, row in verdicts.items() if key[0] in findings and key not in reported and key not in merged]
    folded = [row for key, row in verdicts.items() if key in merged and key not in reported]
    reworded = [
        (row, reported[key]["message"])
        for key, row in verdicts.items()
        if key in reported and reported[key]["message"] != row["message"]
    ]
    print("\nchanged against the committed triage:")
    print(f"  judged findings no longer reported: {len(gone)} ({dict(Counter(r['verdict'] for r in gone))})")
    for row in gone:
        if row["verdict"] == "right":
            print(f"    LOST right finding: {row['repo']} {row['code']} {row['path']}:{row['line']}")
    print(f"  judged findings now listed as another finding's related location: {len(folded)}")
    print(f"  judged findings reported with another message: {len(reworded)}")
    print(f"  sampled findings not judged yet (new, or their message or severity changed): {len(unjudged)}")
    for key, finding in unjudged:
        print(f"    {key[0]} {key[1]} {key[2]}:{key[3]} {finding['message'][:100]}")
    if args.pending:
        with args.pending.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, FIELDS)
            writer.writeheader()
            for key, finding in unjudged:
                writer.writerow(row_of(by_name[key[0]], finding))
        print(f"\nwrote {len(unjudged)} pending rows to {args.pending}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

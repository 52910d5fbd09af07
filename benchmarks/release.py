"""Release build throughput beside two baselines measured in the same run.

Generates N synthetic annotations (article-length text, 1-4 events with spans, one annotator per document) as
JSONL and, each in a fresh process so peak memory is its own:

- nklabor  : `build_release` (validation, gold selection, splits, typed Parquet for three configs, card,
  Croissant, leak scan over every written byte, checksums, atomic publish);
- validate : the validation step alone (the floor the build cannot go below);
- pandas   : `pd.read_json(lines=True)` + `DataFrame.to_parquet` (nested objects, no types, no checks);
- pyarrow  : `pyarrow.json.read_json` + `pq.write_table` (pyarrow's own JSON-to-Parquet: the goal is >= 0.6x).

Prints records/s, the ratios, and the peak resident set size of each run (`ru_maxrss` of its own process, so
Arrow buffers count; tracemalloc would miss them and slow the run). Not a test: run it on demand.

    python benchmarks/release.py [--n 2000 8000] [--seed 7]"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import synthetic


def run_toolkit(corpus: Path, out: Path) -> None:
    from nklabor.release.build import build_release

    build_release("1.0.0", corpus.parent, out)


def run_validate(corpus: Path, out: Path) -> None:
    from nklabor import validate

    if not validate([corpus.parent]).valid:
        raise SystemExit("unexpected findings")


def run_pandas(corpus: Path, out: Path) -> None:
    import pandas as pd

    frame = pd.read_json(corpus, lines=True)
    frame.to_parquet(out / "pandas.parquet", engine="pyarrow", compression="zstd")


def run_pyarrow(corpus: Path, out: Path) -> None:
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    table = pj.read_json(corpus)
    pq.write_table(table, out / "pyarrow.parquet", compression="zstd")


RUNS = {"nklabor": run_toolkit, "validate": run_validate, "pandas": run_pandas, "pyarrow": run_pyarrow}


def child(kind: str, corpus: Path, out: Path) -> None:
    """One measured run in this (fresh) process; prints its figures as JSON."""
    start = time.perf_counter()
    RUNS[kind](corpus, out)
    seconds = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_mb": rss_kb / 1e3}))


def measure(kind: str, corpus: Path, out: Path) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(corpus), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 8000], help="corpus sizes (records)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, out = args.child
        child(kind, Path(corpus), Path(out))
        return
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            folder = synthetic.write_corpus(Path(tmp) / "annotations", synthetic.generate(n, args.seed))
            corpus = folder / "corpus.jsonl"
            size = corpus.stat().st_size
            results = {kind: measure(kind, corpus, Path(tmp) / f"out-{kind}") for kind in RUNS}
        print(f"corpus: {n} records, {size / 1e6:.1f} MB ({size / n / 1e3:.1f} kB/record)")
        for kind, r in results.items():
            print(
                f"  {kind:9s}: {n / r['seconds']:8.0f} rec/s  {r['seconds']:7.2f} s  peak RSS "
                f"{r['rss_mb']:7.1f} MB"
            )
        rate = n / results["nklabor"]["seconds"]
        print(f"  nklabor / pandas  : {rate / (n / results['pandas']['seconds']):.2f}x")
        print(f"  nklabor / pyarrow : {rate / (n / results['pyarrow']['seconds']):.2f}x  (goal >= 0.6x)")
        print(f"  nklabor / validate: {rate / (n / results['validate']['seconds']):.2f}x")


if __name__ == "__main__":
    main()

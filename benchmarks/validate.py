"""Validation throughput of `nklabor validate` against a naive baseline, measured in the same run.

Generates N synthetic annotations (article-length text, 1-4 events with spans) as JSONL, validates them with
the nklabor (streaming read, compiled validator, semantic rules, cross-file rules) and times a naive baseline:
`json.loads` + Python `jsonschema` `iter_errors` per record on a smaller N. Prints records/s, the ratio, and
peak memory of the nklabor run (tracemalloc). Not a test: run it on demand.

    python benchmarks/validate.py [--n 20000] [--baseline-n 500] [--repeat 3]"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nklabor import load_schemas, validate
from tests.support import synthetic


def run_toolkit(path: Path) -> float:
    start = time.perf_counter()
    report = validate([path])
    elapsed = time.perf_counter() - start
    if not report.valid:
        sys.exit(f"unexpected findings: {report.counts}")
    return elapsed


def run_baseline(path: Path, n: int) -> float:
    validator = load_schemas().validator()  # same schema, same format checks, Python jsonschema
    start = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i == n:
                break
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                sys.exit(f"baseline found errors: {errors[0].message}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="records for the nklabor run")
    parser.add_argument("--baseline-n", type=int, default=500, help="records for the naive baseline")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs for each side")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic.write_corpus(Path(tmp), synthetic.generate(args.n, args.seed)) / "corpus.jsonl"
        size = path.stat().st_size
        load_schemas().fast_validator()  # compile once, outside the timing, as a long-lived CI run would
        nklabor = min(run_toolkit(path) for _ in range(args.repeat))
        baseline = min(run_baseline(path, args.baseline_n) for _ in range(args.repeat))
        tracemalloc.start()
        run_toolkit(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    toolkit_rate = args.n / nklabor
    baseline_rate = args.baseline_n / baseline
    print(f"corpus: {args.n} records, {size / 1e6:.1f} MB ({size / args.n / 1e3:.1f} kB/record)")
    print(f"nklabor  : {toolkit_rate:10.0f} rec/s  ({nklabor:.2f} s for {args.n})")
    print(
        f"baseline : {baseline_rate:10.0f} rec/s  ({baseline:.2f} s for {args.baseline_n}; jsonschema "
        "iter_errors)"
    )
    print(f"ratio    : {toolkit_rate / baseline_rate:10.1f}x the naive baseline")
    print(f"peak mem : {peak / 1e6:10.1f} MB (tracemalloc, nklabor run)")


if __name__ == "__main__":
    main()

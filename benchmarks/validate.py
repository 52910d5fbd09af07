"""Validation throughput of `nklabor validate`, serial and with workers, beside the floors it is measured
against and a naive baseline, all in the same run on the same corpus.

Generates N synthetic annotations (article-length text, 1-4 events with spans) as JSONL and times, best of R:

- nklabor, one process (`validate([path], workers=1)`: reading, compiled schema, semantic rules, the rules
  across files, the report), and with `--workers` processes (the corpus split by byte ranges);
- the parse floor: `orjson.loads` of every line (a 1 MiB-buffered file, as nklabor reads it);
- the parse + compiled-schema floor: `orjson.loads` + jsonschema-rs `is_valid` of every line;
- the naive baseline: `json.loads` + Python `jsonschema` `iter_errors` per record, on a smaller N;
- what the machine gives two processes right now (two pure-Python loops at once beside one): a shared
  2-core machine often gives less than 2x, and the workers' speed-up can only be read against it.

Prints records/s and every ratio. Not a test: run it on demand.

    python benchmarks/validate.py [--n 20000] [--workers 2] [--baseline-n 500] [--repeat 3]"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nklabor import load_schemas, validate
from nklabor.validation.run import PARALLEL_MIN_BYTES, default_workers
from tests.support import synthetic

BUFFER = 1 << 20


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def nklabor(path: Path, workers: int) -> None:
    report = validate([path], workers=workers)
    if not report.valid:
        sys.exit(f"unexpected findings: {report.counts}")


def parse_floor(path: Path) -> None:
    with path.open("rb", buffering=BUFFER) as handle:
        for line in handle:
            orjson.loads(line)


def schema_floor(path: Path) -> None:
    validator = load_schemas().fast_validator()
    with path.open("rb", buffering=BUFFER) as handle:
        for line in handle:
            if not validator.is_valid(orjson.loads(line)):
                sys.exit("the floor found an invalid record")


def naive(path: Path, n: int) -> None:
    validator = load_schemas().validator()  # same schema, same format checks, Python jsonschema
    with path.open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i == n:
                break
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                sys.exit(f"baseline found errors: {errors[0].message}")


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_parallelism(workers: int, n: int = 5_000_000) -> float:
    """How much faster `workers` CPU-bound processes finish `workers` loops than one process one loop."""
    one = best(2, lambda: _burn(n))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(workers) as pool:
        pool.map(_burn, [1000] * workers)  # started before the timing, as nklabor's workers are
        many = best(2, lambda: pool.map(_burn, [n] * workers))
    return workers * one / many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20000, help="records for the nklabor runs and the floors")
    parser.add_argument("--workers", type=int, default=max(2, default_workers()), help="workers to compare")
    parser.add_argument("--baseline-n", type=int, default=500, help="records for the naive baseline")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs for each figure")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_schemas().fast_validator()  # compile once, outside the timing, as a long-lived CI run would
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic.write_corpus(Path(tmp), synthetic.generate(args.n, args.seed)) / "corpus.jsonl"
        size = path.stat().st_size
        nklabor(path, 1)  # warm the page cache and every lazy import
        serial = best(args.repeat, lambda: nklabor(path, 1))
        capacity = [machine_parallelism(args.workers)]
        parallel = best(args.repeat, lambda: nklabor(path, args.workers))
        capacity.append(machine_parallelism(args.workers))
        parse = best(args.repeat, lambda: parse_floor(path))
        floor = best(args.repeat, lambda: schema_floor(path))
        baseline = best(args.repeat, lambda: naive(path, args.baseline_n))
    w = args.workers
    rate = {
        "serial": args.n / serial,
        "parallel": args.n / parallel,
        "parse": args.n / parse,
        "floor": args.n / floor,
        "naive": args.baseline_n / baseline,
    }
    print(f"corpus: {args.n} records, {size / 1e6:.1f} MB ({size / args.n / 1e3:.1f} kB/record); ", end="")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    rows = [
        ("nklabor, 1 process", rate["serial"], ""),
        (
            f"nklabor, --workers {w}",
            rate["parallel"],
            "" if size >= PARALLEL_MIN_BYTES else "one process: too small",
        ),
        ("floor: orjson parse", rate["parse"], ""),
        ("floor: orjson + is_valid", rate["floor"], "jsonschema-rs, same schema"),
        ("naive: jsonschema", rate["naive"], f"{args.baseline_n} records, iter_errors"),
    ]
    for name, value, note in rows:
        print(f"{name:<26}: {value:9.0f} rec/s" + (f"  ({note})" if note else ""))
    ratios = [
        ("1 process / orjson + is_valid", rate["serial"] / rate["floor"], "target >= 0.6"),
        ("1 process / orjson parse", rate["serial"] / rate["parse"], ""),
        ("1 process / naive", rate["serial"] / rate["naive"], "target >= 50"),
        (f"--workers {w} / 1 process", rate["parallel"] / rate["serial"], "target >= 1.7"),
        (f"--workers {w} / naive", rate["parallel"] / rate["naive"], ""),
        (f"machine: {w} busy processes / 1, before", capacity[0], "the ceiling for --workers"),
        (f"machine: {w} busy processes / 1, after", capacity[1], ""),
    ]
    for name, value, note in ratios:
        print(f"ratio {name:<38}: {value:7.2f}x" + (f"  ({note})" if note else ""))


if __name__ == "__main__":
    main()

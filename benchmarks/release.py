"""Release build throughput and memory beside pandas and pyarrow, measured in the same run on the same corpus.

Generates N synthetic annotations (article-length text, 1-4 events with spans, one annotator per document,
about 9 kB each) as JSONL and times, each in a fresh process so that its peak memory is its own:

- nklabor    : `build_release` in one process, set up as the `nklabor` command sets itself up (the Arrow
  memory pool of `nklabor.cli.ARROW_POOL`, pandas spared by `nklabor.release.memory`): validation, index,
  gold selection, splits, typed Parquet for three configs, fingerprints, card, Croissant, the leak scan
  over every written byte, checksums, atomic publish;
- nklabor -w : the same with `--workers` processes (the peak is that of the build and its workers together);
- pandas     : `pd.read_json(lines=True)` + `DataFrame.to_parquet` (nested objects, no types, no checks);
- pyarrow    : `pyarrow.json.read_json` + `pq.write_table` (pyarrow's own JSON-to-Parquet: the goal is that
  nklabor runs at >= 0.6x of it, in under 300 MB, flat from 10,000 to 100,000 records).

Then, for the largest N, how fast `datasets.load_dataset` reads the release's `events` config, beside the
same rows rewritten as one row group per file (the goal: the release's row groups are no slower).

Prints records/s, every ratio, and the peak memory (psutil: the proportional set size of the process and
its children, sampled every 20 ms, so that pages a forked worker shares with its parent count once). Not a
test: run it on demand.

    python benchmarks/release.py [--n 10000 100000] [--workers 2] [--seed 7]"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nklabor.cli import prefer_returning_pool
from tests.support import synthetic


def run_toolkit(corpus: Path, out: Path, workers: int) -> None:
    from nklabor.release.build import build_release
    from nklabor.release.memory import spare_pandas

    spare_pandas()  # as the `nklabor` command does
    build_release("1.0.0", corpus.parent, out, workers=workers)


def run_pandas(corpus: Path, out: Path, workers: int) -> None:
    import pandas as pd

    frame = pd.read_json(corpus, lines=True)
    frame.to_parquet(out / "pandas.parquet", engine="pyarrow", compression="zstd")


def run_pyarrow(corpus: Path, out: Path, workers: int) -> None:
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    table = pj.read_json(corpus)
    pq.write_table(table, out / "pyarrow.parquet", compression="zstd")


def run_load(release: Path, out: Path, workers: int) -> None:
    from datasets import load_dataset

    load_dataset(str(release), "events", cache_dir=str(out / "cache"))


RUNS = {"nklabor": run_toolkit, "pandas": run_pandas, "pyarrow": run_pyarrow, "load": run_load}


def child(kind: str, source: Path, out: Path, workers: int) -> None:
    """One measured run in this (fresh) process; prints its seconds as JSON."""
    start = time.perf_counter()
    RUNS[kind](source, out, workers)
    print(json.dumps({"seconds": time.perf_counter() - start}))


def measure(kind: str, source: Path, out: Path, workers: int = 1) -> dict[str, float]:
    """Run `kind` in a fresh process, sampling the resident memory of it and its children."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", kind, str(source), str(out), str(workers)]
    environ = dict(os.environ)
    if kind == "nklabor":
        prefer_returning_pool(environ)  # as the `nklabor` command does
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environ)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            # PSS: a forked worker's pages shared with its parent count once, not once per process.
            processes = [watched, *watched.children(True)]
            rss = sum(p.memory_full_info().pss for p in processes)
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    output = process.stdout.read() if process.stdout else ""
    if process.returncode:
        raise SystemExit(f"{kind} failed ({process.returncode})")
    return {**json.loads(output.strip().splitlines()[-1]), "rss_mb": peak / 1e6}


def one_row_group(release: Path, into: Path) -> Path:
    """The release's `events` files rewritten with one row group each, beside its card."""
    import pyarrow.parquet as pq

    shutil.copytree(release, into)
    for path in sorted((into / "data" / "events").glob("*.parquet")):
        table = pq.read_table(path)
        pq.write_table(table, path, row_group_size=table.num_rows, compression="zstd")
    return into


def report(n: int, size: int, results: dict[str, dict[str, float]], workers: int) -> None:
    print(f"corpus: {n} records, {size / 1e6:.1f} MB ({size / n / 1e3:.1f} kB/record)")
    for kind, r in results.items():
        print(
            f"  {kind:11s}: {n / r['seconds']:8.0f} rec/s  {r['seconds']:7.2f} s  "
            f"peak RSS {r['rss_mb']:7.1f} MB"
        )
    pyarrow = n / results["pyarrow"]["seconds"]
    pandas = n / results["pandas"]["seconds"]
    for kind in ("nklabor", f"nklabor -w{workers}"):
        rate = n / results[kind]["seconds"]
        print(f"  {kind} / pyarrow : {rate / pyarrow:.2f}x  (goal >= 0.6x)   / pandas: {rate / pandas:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes (records)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel build")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--child", nargs=4, metavar=("KIND", "SOURCE", "OUT", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        kind, source, out, workers = args.child
        child(kind, Path(source), Path(out), int(workers))
        return
    peaks: dict[int, float] = {}
    for i, n in enumerate(args.n):
        with tempfile.TemporaryDirectory() as tmp:
            folder = synthetic.write_corpus(Path(tmp) / "annotations", synthetic.generate(n, args.seed))
            corpus = folder / "corpus.jsonl"
            results = {
                "nklabor": measure("nklabor", corpus, Path(tmp) / "serial"),
                f"nklabor -w{args.workers}": measure("nklabor", corpus, Path(tmp) / "workers", args.workers),
                "pandas": measure("pandas", corpus, Path(tmp) / "pandas"),
                "pyarrow": measure("pyarrow", corpus, Path(tmp) / "pyarrow"),
            }
            report(n, corpus.stat().st_size, results, args.workers)
            peaks[n] = max(results["nklabor"]["rss_mb"], results[f"nklabor -w{args.workers}"]["rss_mb"])
            if i == len(args.n) - 1:
                release = Path(tmp) / "serial" / "v1.0.0"
                single = one_row_group(release, Path(tmp) / "single")
                ours = measure("load", release, Path(tmp) / "load-ours")["seconds"]
                theirs = measure("load", single, Path(tmp) / "load-single")["seconds"]
                print(
                    f"  datasets.load_dataset(events): release {ours:.2f} s, one row group per file "
                    f"{theirs:.2f} s: {theirs / ours:.2f}x (goal >= 1.0x)"
                )
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(
            f"peak RSS of the build: {peaks[low]:.0f} MB at {low}, {peaks[high]:.0f} MB at {high} "
            "(goal < 300 MB, flat)"
        )


if __name__ == "__main__":
    main()

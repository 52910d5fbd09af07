"""Peak memory of `nklabor validate --workers N` on large JSONL corpora: flat, whatever the number of records.

For each N, writes a JSONL corpus of N valid synthetic annotations (a few thousand generated ones repeated,
each copy with its own document id, so that the rules across files index every one of them), runs
`nklabor validate --workers N` on it as a command, and samples the resident set size of its whole process
tree (the command and its workers, from /proc) every 20 ms. Prints the time, records/s, the peak of the tree's
total and of its largest process. Not a test: run it on demand (a million records take about 9 GB of disk).

    python benchmarks/validate_memory.py [--n 100000 1000000] [--workers 2]"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import synthetic


def write_corpus(folder: Path, n: int, templates: int, seed: int = 7) -> Path:
    """`folder/corpus.jsonl` with `n` valid annotations, each with its own document id."""
    items = list(synthetic.generate(templates, seed))
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    ids = [json.dumps(item["document"]["id"]) for item in items]
    synthetic.write_corpus(folder, [])
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(n):
            k = i % templates
            handle.write(lines[k].replace(ids[k], f'"synthetic-{seed}-m{i:09d}"', 1) + "\n")
    return folder


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [root], [root]
    while todo:
        pid = todo.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        found += kids
        todo += kids
    return found


def measure(folder: Path, workers: int) -> tuple[float, int, int, int]:
    """(seconds, exit code, peak RSS of the process tree, peak RSS of its largest process), in KiB."""
    command = [sys.executable, "-m", "nklabor", "validate", "--workers", str(workers), str(folder)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak_total = peak_one = 0
    while process.poll() is None:
        sizes = [_rss_kib(pid) for pid in _tree(process.pid)]
        peak_total, peak_one = max(peak_total, sum(sizes)), max(peak_one, max(sizes, default=0))
        time.sleep(0.02)
    return time.perf_counter() - start, process.returncode, peak_total, peak_one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000], help="corpus sizes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--templates", type=int, default=2000, help="distinct generated annotations")
    args = parser.parse_args()
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_corpus(Path(tmp), n, min(args.templates, n))
            size = (folder / "corpus.jsonl").stat().st_size
            seconds, code, total, largest = measure(folder, args.workers)
        print(
            f"{n:>9,} records ({size / 1e9:5.2f} GB), --workers {args.workers}: exit {code}, "
            f"{seconds:6.1f} s ({n / seconds:6.0f} rec/s); peak RSS {total / 1024:6.1f} MiB for the "
            f"process tree, {largest / 1024:6.1f} MiB for its largest process"
        )


if __name__ == "__main__":
    main()

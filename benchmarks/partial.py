"""What cross-file safety costs a pre-commit run: validating one changed file of a corpus of N annotation
files (the rules across files consult the N - 1 others) beside validating that file alone and validating the
whole corpus, measured in the same run. Not a test: run it on demand.

    python benchmarks/partial.py [--n 5000] [--repeat 3]"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The unshipped test helpers (`tests.support`) live in the repository, beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nklabor import Report, validate
from nklabor.config import load
from tests.support import synthetic


def best(repeat: int, run: Callable[[], Report]) -> tuple[float, Report]:
    times, report = [], Report()
    for _ in range(repeat):
        start = time.perf_counter()
        report = run()
        times.append(time.perf_counter() - start)
    if not report.valid:
        sys.exit(f"unexpected findings: {report.counts}")
    return min(times), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=5000, help="annotation files in the corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synthetic.write_files(root / "annotations", synthetic.generate(args.n // 2, per_document=2))
        (root / "nklabor.toml").write_text('roots = ["annotations"]\n', encoding="utf-8")
        os.chdir(root)
        config = load()
        changed = next(p for p in sorted(Path("annotations").glob("*.json")) if p.name != "annotators.json")
        alone, _ = best(args.repeat, lambda: validate([changed]))
        partial, report = best(args.repeat, lambda: validate([changed], config=config))
        full, whole = best(args.repeat, lambda: validate([], config=config))
    print(f"corpus: {whole.files - 1} annotation files, {whole.records} records")
    print(f"one file alone (unsafe):          {alone * 1000:8.1f} ms")
    print(f"one file, {report.consulted} consulted (safe): {partial * 1000:8.1f} ms")
    print(f"whole corpus:                     {full * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

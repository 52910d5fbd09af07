"""Start-up time of `nklabor --help` and of `nklabor validate FILE` on one shipped annotation.

Runs each command `--runs` times as a fresh process (what a user or a pre-commit hook pays), after one warm-up
run that caches the bytecode as an installed package has it, and prints the fastest, the median and the mean
wall-clock time and the least CPU time (user + system: steadier than wall time on a shared machine), then the
slowest imports of one run (`python -X importtime`, cumulative milliseconds). The target is under 0.5 s for
both. Not a test: run it on demand.

    python benchmarks/startup.py [--runs 5] [--top 15] [--source DIR]

`--source DIR` times another checkout of the package (a `toolkit/` folder beside its `schema/`), e.g. an
older commit exported with `git archive`, with this interpreter.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILE = "annotations/dailynk-2021-komdok-soldiers-miners.ann-01.json"
COMMANDS = {"nklabor --help": ["--help"], "nklabor validate FILE": ["validate", FILE]}


def _env(source: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    # As installed: bytecode is cached (a warm-up run writes it), so no run pays for compiling the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if source is not None:
        env["PYTHONPATH"] = str(source / "toolkit")
    return env


def time_command(args: list[str], runs: int, source: Path | None) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of `runs` fresh `python -m nklabor ARGS` processes."""
    times, cpu = [], []
    subprocess.run([sys.executable, "-m", "nklabor", *args], cwd=ROOT, env=_env(source), capture_output=True)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "nklabor", *args],
            cwd=ROOT,
            env=_env(source),
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"{args}: exit {done.returncode}\n{done.stderr.decode()}")
    return times, cpu


def slowest_imports(args: list[str], top: int, source: Path | None) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the `top` slowest top-level-ish imports of one run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "nklabor", *args],
        cwd=ROOT,
        env=_env(source),
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 2:  # the package and what it imports directly: deeper rows are inside these
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--source", type=Path, default=None)
    options = parser.parse_args()
    for label, args in COMMANDS.items():
        times, cpu = time_command(args, options.runs, options.source)
        print(
            f"{label:<24} wall min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
            f"mean {statistics.mean(times):.3f} s | cpu min {min(cpu):.3f} s  ({options.runs} runs)"
        )
    if not options.top:
        return
    print(f"\nslowest imports of `nklabor validate FILE` (cumulative ms, -X importtime, top {options.top}):")
    for micros, name in slowest_imports(COMMANDS["nklabor validate FILE"], options.top, options.source):
        print(f"  {micros / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()

"""Work handed to other processes, taken back in the order it was given.

Validation and the release build both cut their input into pieces (files, byte ranges of a JSONL file, runs
of gold documents) and hand them to worker processes, or to the workers of a Dask cluster. `ordered` keeps a
bounded window of pieces in flight and yields the results in submission order, so that what a run reports
never depends on which worker finished first, and memory holds a window, not the input.

An executor is anything with `submit(fn, *args)` returning an object with `result()`: a
`concurrent.futures.ProcessPoolExecutor` (`process_pool`), or a `distributed.Client` (`nklabor.release.dask`).
Tasks are plain module-level functions of picklable arguments; what a worker builds once (a schema checker)
it keeps in a per-process cache (`cached`), since neither executor runs an initializer for every worker.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WINDOW = 3
"""Pieces in flight per worker: enough to keep every worker busy, few enough to hold memory flat."""


class Executor(Protocol):  # pragma: no cover - a protocol
    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Done:
    """A piece run in this process (one that cannot travel, such as standard input)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def ordered(
    executor: Executor,
    fn: Callable[..., R],
    pieces: Iterable[T],
    args: tuple[Any, ...] = (),
    *,
    workers: int,
    here: Callable[[T], bool] | None = None,
) -> Iterator[tuple[T, R]]:
    """`(piece, fn(*args, piece))` for every piece, in order, with at most `workers * WINDOW` in flight.
    A piece for which `here(piece)` is true is run in this process (when its turn comes), not submitted."""
    queue: deque[tuple[T, Any]] = deque()
    todo = iter(pieces)

    def submit() -> None:
        for piece in todo:
            local = here is not None and here(piece)
            queue.append((piece, None if local else executor.submit(fn, *args, piece)))
            return

    for _ in range(max(1, workers) * WINDOW):
        submit()
    while queue:
        piece, future = queue.popleft()
        submit()
        yield piece, (fn(*args, piece) if future is None else future.result())


def process_pool(workers: int) -> Any:
    """A pool of `workers` processes, forked where the system can (they start in milliseconds and share
    what this process has imported, and what it holds: see `_FrozenForks`)."""
    import multiprocessing  # only now: a run in one process (and `nklabor --help`) never pays for it
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    class _FrozenForks(ProcessPoolExecutor):
        """Forked workers with this process's objects out of their garbage collector's reach (`gc.freeze`)
        for the pool's life. A collection in a worker would otherwise write to every object it inherited,
        and so copy the pages they share with this process: with a build's first pass behind it, tens of
        MB in each worker."""

        def __init__(self) -> None:
            gc.freeze()
            super().__init__(workers, mp_context=multiprocessing.get_context("fork"))

        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            try:
                super().shutdown(wait, cancel_futures=cancel_futures)
            finally:
                gc.unfreeze()

    return _FrozenForks()


_CACHE: dict[Hashable, Any] = {}


def cached(key: Hashable, make: Callable[[], T]) -> T:
    """What this process built for `key` (`make()` the first time): a worker's checker or table builder,
    made once per process however many pieces it is handed."""
    if key not in _CACHE:
        _CACHE[key] = make()
    value: T = _CACHE[key]
    return value


def seed(key: Hashable, value: Any) -> None:
    """Make `value` what `cached(key)` gives in this process, and in the workers forked from it from now on
    (they share its pages instead of each building its own)."""
    _CACHE[key] = value

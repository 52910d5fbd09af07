"""`nklabor.workers`: results in the order given, and forked workers that do not copy what they inherit."""

from __future__ import annotations

import gc
import multiprocessing
import os

import pytest

from nklabor import workers


def _square(offset: int, n: int) -> tuple[int, int]:
    return os.getpid(), n * n + offset


def test_ordered_gives_results_in_submission_order() -> None:
    pool = workers.process_pool(2)
    try:
        found = list(workers.ordered(pool, _square, range(20), (1,), workers=2, here=lambda n: n % 7 == 0))
    finally:
        pool.shutdown()
    assert [piece for piece, _ in found] == list(range(20))
    assert [value for _, (_, value) in found] == [n * n + 1 for n in range(20)]
    here = {piece for piece, (pid, _) in found if pid == os.getpid()}
    assert here == {0, 7, 14}  # run in this process, not submitted


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork only")
def test_a_forked_pool_keeps_inherited_objects_from_the_collector_for_its_life() -> None:
    before = gc.get_freeze_count()
    pool = workers.process_pool(1)
    try:
        assert gc.get_freeze_count() > before
        assert pool.submit(_square, 0, 3).result()[1] == 9
    finally:
        pool.shutdown()
    assert gc.get_freeze_count() == 0


def _cached_value(key: str) -> str:
    return workers.cached(key, lambda: "built in the worker")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork only")
def test_a_seeded_value_is_what_this_process_and_its_forked_workers_get() -> None:
    key = f"seeded-{os.getpid()}"
    assert workers.cached(key, lambda: "first") == "first"
    workers.seed(key, "seeded")  # replaces what was built: a build's own, fresh value
    assert workers.cached(key, lambda: "built here") == "seeded"
    pool = workers.process_pool(1)
    try:
        assert pool.submit(_cached_value, key).result() == "seeded"
        assert pool.submit(_cached_value, key + "-other").result() == "built in the worker"
    finally:
        pool.shutdown()

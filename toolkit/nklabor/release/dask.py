"""A release build on a Dask cluster: the same per-part validation and per-batch rows as with `workers`, run
by the cluster's workers (`distributed`), while the steps that need everything (the index across files,
gold selection, splits, pseudonyms, writing the Parquet files in order, the card, the leak scan) stay with
the client, which publishes the release. Results come back in the order the work was given, so the report
and the release are byte for byte those of a build in one process.

    from nklabor.release.build import build_release
    from nklabor.release.dask import connect

    with connect("tcp://scheduler:8786") as (executor, threads):
        build_release("3.0.0", "annotations", "releases", executor=executor, workers=threads)

The workers read the annotation files by the paths the client gives them: they must see the same file
system (one machine, or a shared mount). Dask is imported only here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ToolkitEnvironmentError

LOCAL = "local"
"""The address that starts a cluster of this machine's cores for the build."""
CONNECT_TIMEOUT = 30.0


class DaskExecutor:
    """A `distributed.Client` as an executor (`nklabor.workers.Executor`): every task is submitted as
    impure, so that two pieces with equal arguments are still both run and nothing is hashed first."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)


@contextmanager
def connect(address: str) -> Iterator[tuple[DaskExecutor, int]]:
    """An executor on the Dask scheduler at `address` (or on a new local cluster for `local`, one
    single-threaded worker process per core), and how many tasks its workers run at once."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ToolkitEnvironmentError(
            "Dask is not installed: pip install 'nklabor[dask]' (dask[distributed])"
        ) from None
    cluster = None
    try:
        if address == LOCAL:
            cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ToolkitEnvironmentError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        threads = sum(client.nthreads().values())
        if not threads:
            raise ToolkitEnvironmentError(f"the Dask scheduler at {address} has no workers")
        yield DaskExecutor(client), threads
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

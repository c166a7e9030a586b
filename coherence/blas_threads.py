"""How many threads numpy's BLAS may use while the scorer runs.

The detectors multiply small matrices (tens of units by 384 dimensions). A multi-threaded BLAS
gains nothing on those, and its worker threads spin between calls, taking CPU time from the
embedding model next door: on 2 cores, one BLAS thread cut the detectors' CPU time by a third.

OpenBLAS has one thread count for the whole process, so a limit set by the thread that iterates
:meth:`~coherence.scorer.Scorer.score_many` also covers the scorer's helper threads; threadpoolctl
lets one thread at a time set it and restores the previous count when the block ends. Only BLAS
libraries are limited (threadpoolctl's ``"blas"``), never torch's own thread pools.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@cache
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # inspecting the loaded libraries once keeps each limit cheap


@contextmanager
def blas_threads(limit: int | None) -> Iterator[None]:
    """Limit BLAS threads to ``limit`` inside the block (``None``: leave them alone)."""
    if limit is None:
        yield
        return
    with _controller().limit(limits=limit, user_api="blas"):
        yield

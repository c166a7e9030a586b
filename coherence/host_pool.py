"""Host work in worker processes, for when one Python process cannot keep the model busy.

On a GPU the model embeds a chunk of articles in a fraction of the time one process needs to
prepare (split, artifacts, headline) and finish (drift, signals, quality) it: measured on an H200,
host work was 90% of a serial run. :class:`HostPool` runs :meth:`Scorer._prepare_chunk` and
:meth:`Scorer.finish_many` in ``workers`` processes, chunk by chunk, while the calling process only
reads, embeds and keeps the corpus index, so results come back in input order and equal those of
the in-process pipeline.

Workers are started with ``spawn`` (the parent may run torch and tokenizer threads, which ``fork``
would copy mid-flight) and get a copy of the scorer without its model. Each costs the memory of
the detectors (no model) and a few seconds to start.
"""

from __future__ import annotations

import collections
import copy
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from coherence.blas_threads import blas_threads

_scorer: Any = None  # the worker's scorer, set by _start_worker


def _start_worker(scorer) -> None:
    global _scorer
    _scorer = scorer


def _prepare(chunk):
    with blas_threads(_scorer.blas_threads):
        return _scorer._prepare_chunk(chunk)


def _finish(prepared):
    with blas_threads(_scorer.blas_threads):
        return _scorer.finish_many(prepared)


class HostPool:
    """``workers`` processes that prepare and finish chunks of articles for a scorer.

    Use as a context manager; :meth:`prepare` and :meth:`finish` map over chunks in order, keeping
    up to ``workers + 1`` chunks in flight.
    """

    def __init__(self, scorer, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        worker_scorer = copy.copy(scorer)
        worker_scorer.embedder = None  # the model stays in this process
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(worker_scorer,),
        )

    def __enter__(self) -> HostPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def prepare(self, chunks: Iterable[list]) -> Iterator[list]:
        """:meth:`Scorer._prepare_chunk` of each chunk, in order."""
        return self._ordered(_prepare, chunks)

    def finish(self, prepared_chunks: Iterable[list]) -> Iterator[list]:
        """:meth:`Scorer.finish_many` of each prepared chunk (vectors attached), in order."""
        return self._ordered(_finish, prepared_chunks)

    def _ordered(self, function: Callable, items: Iterable) -> Iterator:
        pending: collections.deque[Future] = collections.deque()
        for item in items:
            pending.append(self._executor.submit(function, item))
            if len(pending) > self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

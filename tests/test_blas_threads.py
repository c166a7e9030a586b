import numpy as np  # noqa: F401  (loads numpy's BLAS, the library being limited)
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from coherence.blas_threads import blas_threads


def _blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.fixture(autouse=True)
def two_blas_threads():
    """Start from 2 BLAS threads, so a limit to 1 is visible on any machine."""
    with threadpool_limits(limits=2, user_api="blas"):
        yield


def test_limit_applies_inside_the_block_only():
    assert set(_blas_threads()) == {2}
    with blas_threads(1):
        assert set(_blas_threads()) == {1}
    assert set(_blas_threads()) == {2}


def test_score_many_limits_blas_while_it_runs(scorer):
    seen = []
    for _ in scorer.score_many(["First paragraph about the harbour.\n\nSecond paragraph about boats."]):
        seen = _blas_threads()
    assert set(seen) == {1}
    assert set(_blas_threads()) == {2}


def test_limit_is_restored_after_an_error_and_none_changes_nothing():
    before = _blas_threads()
    with pytest.raises(RuntimeError), blas_threads(1):
        raise RuntimeError("boom")
    assert _blas_threads() == before
    with blas_threads(None):
        assert _blas_threads() == before

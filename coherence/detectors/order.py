"""Paragraph order: is the article's order better than a random order of the same paragraphs?

In an intact article each paragraph leads on to the next and the first one carries the story's
gist; paragraphs shuffled out of order break both. For an order ``o`` of ``n`` paragraphs this
module scores

    T(o) = mean over adjacent pairs of cos(last sentences of o[i], first sentences of o[i+1])
           + lead_weight * cos(first sentence of o[0], headline)

with blocks of ``window`` sentences (so the value does not depend on how the text is laid out
in paragraphs), and compares the article's own order with all orders (exhaustively up to
``exhaustive_up_to`` paragraphs, else a fixed random sample of ``permutations`` orders).

The comparison is the exact permutation percentile of the article's own order (mid-rank: the
share of orders scoring below it, ties counting half), reported on a standard-normal scale
(``null="percentile"``, the default since session 6). A plain z-score (``null="normal"``, T's
distance above the mean of the orders in standard deviations) cannot get far from 0 when there
are few orders: with 3 paragraphs (6 orders) even the best order of an intact article scores
about 1.2, so any fixed cut called every short article disordered, and real posts, whose
paragraphs follow on from each other less closely than BBC reports, more so. The percentile
scale gives the best of ``k`` orders the value ``inv_cdf(1 - 0.5 / k)`` (1.38 for 3 paragraphs,
2.04 for 4), whatever the spread of the scores. Intact articles sit well above 0; shuffled ones
near 0.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

import numpy as np


def _normalize(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(norm > 0, norm, 1.0)


@functools.lru_cache(maxsize=256)
def _orders(n: int, exhaustive_up_to: int, permutations: int, seed: int) -> np.ndarray:
    """Every order of ``n`` paragraphs, or a seeded sample of them (the same for every article)."""
    if n <= exhaustive_up_to:
        orders = np.array(list(itertools.permutations(range(n))))
    else:
        rng = np.random.default_rng(seed)
        orders = np.array([rng.permutation(n) for _ in range(permutations)])
    orders.flags.writeable = False  # shared between calls
    return orders


class ParagraphOrder:
    """How far the article's paragraph order scores above a random order, on a standard-normal scale.

    Parameters
    ----------
    window:
        Sentences at each side of a paragraph break that are compared.
    lead_weight:
        Weight of the first paragraph's similarity to the headline (0: adjacency only).
    exhaustive_up_to:
        Up to this many paragraphs every order is scored; above it, a random sample.
    permutations:
        Size of the random sample of orders for longer articles.
    seed:
        Seed of that sample (the value is deterministic for a given article).
    null:
        ``"percentile"``: the normal quantile of the own order's exact permutation percentile
        (default); ``"normal"``: the plain z-score (before session 6).
    """

    def __init__(
        self,
        *,
        window: int = 3,
        lead_weight: float = 0.5,
        exhaustive_up_to: int = 6,
        permutations: int = 200,
        seed: int = 0,
        null: Literal["percentile", "normal"] = "percentile",
    ) -> None:
        if null not in ("percentile", "normal"):
            raise ValueError(f"null must be 'percentile' or 'normal', not {null!r}")
        self.window = window
        self.lead_weight = lead_weight
        self.exhaustive_up_to = exhaustive_up_to
        self.permutations = permutations
        self.seed = seed
        self.null = null

    def orders(self, n: int) -> np.ndarray:
        """The orders the article's own is compared with (rows of paragraph indices; read-only)."""
        return _orders(n, self.exhaustive_up_to, self.permutations, self.seed)

    def z_score(
        self,
        sentence_vectors: np.ndarray | None,
        sentence_paragraph: Sequence[int],
        headline_vector: np.ndarray | None = None,
    ) -> float:
        """The own order's standing among the orders (see ``null``); NaN for fewer than 2 paragraphs."""
        owner = np.asarray(sentence_paragraph, dtype=int)
        if sentence_vectors is None or len(owner) == 0:
            return float("nan")
        paragraphs = np.unique(owner)
        if len(paragraphs) < 2:
            return float("nan")
        firsts = [np.flatnonzero(owner == p) for p in paragraphs]
        heads = _normalize(np.array([sentence_vectors[idx[: self.window]].sum(0) for idx in firsts]))
        tails = _normalize(np.array([sentence_vectors[idx[-self.window :]].sum(0) for idx in firsts]))
        adjacency = tails @ heads.T
        lead = np.zeros(len(paragraphs))
        if headline_vector is not None and self.lead_weight:
            lead = self.lead_weight * (sentence_vectors[[idx[0] for idx in firsts]] @ headline_vector)
        orders = self.orders(len(paragraphs))
        scores = adjacency[orders[:, :-1], orders[:, 1:]].mean(1) + lead[orders[:, 0]]
        n = len(paragraphs)
        actual = adjacency[np.arange(n - 1), np.arange(1, n)].mean() + lead[0]
        if self.null == "normal":
            return float((actual - scores.mean()) / max(scores.std(), 1e-6))
        return percentile_z(actual, scores)


def percentile_z(actual: float, scores: np.ndarray, tolerance: float = 1e-9) -> float:
    """The standard-normal quantile of ``actual``'s mid-rank among ``scores`` (the share below it,
    ties counting half), kept within half a rank of both ends so that it stays finite."""
    k = len(scores)
    below = float((scores < actual - tolerance).sum())
    ties = float((np.abs(scores - actual) <= tolerance).sum())
    share = min(max((below + 0.5 * ties) / k, 0.5 / k), 1.0 - 0.5 / k)
    return NormalDist().inv_cdf(share)

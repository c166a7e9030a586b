"""Paragraph order and the other graded signals the quality model reads."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from coherence.detectors.endings import ends_open
from coherence.detectors.order import ParagraphOrder, percentile_z
from coherence.scoring import FEATURES, ORDER_Z_BELOW, quality_features


def _drifting_article(n_paragraphs: int, sentences: int = 3, dim: int = 16, seed: int = 0):
    """Sentence vectors whose topic turns a little from each paragraph to the next."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=dim), rng.normal(size=dim)
    vectors, owner = [], []
    for p in range(n_paragraphs):
        angle = 1.2 * p / n_paragraphs
        centre = math.cos(angle) * a + math.sin(angle) * b
        for _ in range(sentences):
            vectors.append(centre + 0.3 * rng.normal(size=dim))
            owner.append(p)
    vectors = np.array(vectors)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), owner


def _order_score(vectors, owner, order, window: int = 3) -> float:
    """T of ``order`` without a headline: mean similarity of blocks across each paragraph break."""
    owner = np.asarray(owner)
    rows = [np.flatnonzero(owner == p) for p in order]
    heads = [vectors[r[:window]].sum(0) for r in rows]
    tails = [vectors[r[-window:]].sum(0) for r in rows]
    cos = [t @ h / (np.linalg.norm(t) * np.linalg.norm(h)) for t, h in zip(tails[:-1], heads[1:], strict=True)]
    return float(np.mean(cos))


def _reorder(vectors, owner, order):
    owner = np.asarray(owner)
    rows = np.concatenate([np.flatnonzero(owner == p) for p in order])
    new_owner = np.concatenate([[i] * int((owner == p).sum()) for i, p in enumerate(order)])
    return vectors[rows], list(new_owner)


@pytest.mark.parametrize("n", [4, 9])  # every order scored, and a sample of orders
def test_intact_order_scores_above_a_shuffled_one(n):
    vectors, owner = _drifting_article(n)
    order = ParagraphOrder()
    intact = order.z_score(vectors, owner)
    shuffled = order.z_score(*_reorder(vectors, owner, [2, 0, 3, 1] + list(range(4, n))[::-1]))
    assert intact > 1.0
    assert shuffled < intact - 1.0


def test_order_is_deterministic_and_needs_two_paragraphs():
    vectors, owner = _drifting_article(9)
    order = ParagraphOrder(permutations=50, seed=3)
    assert order.z_score(vectors, owner) == order.z_score(vectors, owner)
    assert math.isnan(order.z_score(vectors[:3], [0, 0, 0]))
    assert math.isnan(order.z_score(None, []))


def test_percentile_z_is_the_mid_rank_on_a_normal_scale():
    scores = np.array([0.1, 0.2, 0.3, 0.4])
    assert percentile_z(0.4, scores) == pytest.approx(1.1503, abs=1e-4)  # 3.5 of 4 below: inv_cdf(0.875)
    assert percentile_z(0.25, scores) == pytest.approx(0.0)  # half the orders below it
    assert percentile_z(0.05, scores) == pytest.approx(-percentile_z(0.5, scores))  # clipped, finite
    assert math.isfinite(percentile_z(0.5, scores))


@pytest.mark.parametrize("n", [3, 4, 5])
def test_best_order_of_a_short_article_gets_the_top_percentile(n):
    # the own order is the best of all n! orders: its value depends on n only, not on the scores' spread
    vectors, owner = _drifting_article(n, sentences=5, seed=1)
    order = ParagraphOrder()
    orders = order.orders(n)
    best = max(orders.tolist(), key=lambda o: _order_score(vectors, owner, o))
    own = order.z_score(*_reorder(vectors, owner, best))
    assert own == pytest.approx(NormalDist().inv_cdf(1 - 0.5 / len(orders)))


def test_an_intact_four_paragraph_article_clears_the_order_cut_that_the_plain_z_score_missed():
    vectors, owner = _drifting_article(4, sentences=5, seed=1)
    best = max(ParagraphOrder().orders(4).tolist(), key=lambda o: _order_score(vectors, owner, o))
    vectors, owner = _reorder(vectors, owner, best)
    plain = ParagraphOrder(null="normal").z_score(vectors, owner)
    percentile = ParagraphOrder().z_score(vectors, owner)
    assert plain < 2.0 <= percentile  # the session-5 cut on the plain z called it disordered
    signals = {"paragraph_order_z": percentile, "paragraph_position_corr": 0.2}
    assert percentile >= ORDER_Z_BELOW and quality_features(signals, ["paragraph_disorder"])["paragraph_disorder"] == 0


def test_null_must_be_known():
    with pytest.raises(ValueError, match="null"):
        ParagraphOrder(null="gaussian")  # type: ignore[arg-type]


def test_lead_weight_rewards_a_first_paragraph_that_matches_the_headline():
    vectors, owner = _drifting_article(4)
    headline = vectors[0]
    lead_first = ParagraphOrder(lead_weight=1.0).z_score(vectors, owner, headline)
    lead_last = ParagraphOrder(lead_weight=1.0).z_score(*_reorder(vectors, owner, [3, 2, 1, 0]), headline)
    # reversing keeps every adjacency: only the lead term tells the two orders apart
    assert ParagraphOrder(lead_weight=0.0).z_score(*_reorder(vectors, owner, [3, 2, 1, 0])) == pytest.approx(
        ParagraphOrder(lead_weight=0.0).z_score(vectors, owner)
    )
    assert lead_first > lead_last


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("Analysts warned that it was still", 1.0),
        ("The company said its profits rose,", 1.0),
        ("The company said its profits rose.", 0.0),
        ("Reporting by Dana Whitfield", 0.0),  # a credit ends on a name
        ("Ends here", 0.0),  # too short to judge
    ],
)
def test_ends_open(last, expected):
    assert ends_open(last) == expected


def test_real_shuffled_article_scores_lower_order(scorer, fixture_articles):
    article = fixture_articles["clean-economy"]
    paragraphs = article["text"].split("\n\n")
    shuffled = "\n\n".join(paragraphs[1::2][::-1] + paragraphs[0::2][::-1])
    intact = scorer.score({**article, "id": "intact"}).signals["paragraph_order_z"]
    damaged = scorer.score({**article, "text": shuffled, "id": "shuffled"}).signals["paragraph_order_z"]
    assert intact > 1.0
    assert damaged < intact


def test_every_model_feature_reads_a_signal_the_scorer_writes(fixture_reports):
    signals = fixture_reports["clean-economy"].signals
    missing = {name: source for name, (source, _) in FEATURES.items() if source not in signals}
    assert not missing

"""Paragraph order and the other graded signals the quality model reads."""

import math

import numpy as np
import pytest

from coherence.detectors.endings import ends_open
from coherence.detectors.order import ParagraphOrder
from coherence.scoring import FEATURES


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

"""The paragraph-position probe: plain JSON parameters, fitting, and the order signal it gives."""

import json
import math

import numpy as np

from coherence.detectors.position import ParagraphPosition
from coherence.training.train import cross_fit_position


def _articles(n_articles: int = 40, dim: int = 8, seed: int = 0) -> list[np.ndarray]:
    """Paragraph vectors that move along one direction from the first paragraph to the last."""
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=dim)
    out = []
    for _ in range(n_articles):
        n = int(rng.integers(3, 9))
        places = np.linspace(0.0, 1.0, n)
        out.append(places[:, None] * direction[None] + 0.2 * rng.normal(size=(n, dim)))
    return out


def test_fitted_probe_tells_reading_order_from_a_reversed_one():
    articles = _articles()
    probe = ParagraphPosition.fit(articles[:30])
    intact = [probe.order_correlation(v) for v in articles[30:]]
    reversed_ = [probe.order_correlation(v[::-1]) for v in articles[30:]]
    assert min(intact) > 0.5
    assert max(reversed_) < -0.5


def test_probe_round_trips_through_plain_json(tmp_path):
    probe = ParagraphPosition.fit(_articles())
    path = tmp_path / "position.json"
    probe.save(path, description="test")
    raw = json.loads(path.read_text())
    assert set(raw) == {"description", "intercept", "coef"}
    loaded = ParagraphPosition.load(path)
    vectors = _articles(seed=1)[0]
    assert np.allclose(loaded.predict(vectors), probe.predict(vectors))


def test_no_signal_without_a_probe_or_enough_paragraphs():
    vectors = _articles()[0]
    assert math.isnan(ParagraphPosition().order_correlation(vectors))
    probe = ParagraphPosition.fit(_articles())
    assert math.isnan(probe.order_correlation(vectors[:2]))
    assert math.isnan(probe.order_correlation(None))


def test_cross_fitting_scores_each_record_with_a_probe_that_never_saw_its_article():
    articles = _articles()
    records = [{"id": f"a{i}", "label": 1} for i in range(len(articles))]
    records += [{"id": f"a{i}~0", "label": 0} for i in range(len(articles))]
    vectors = articles + [v[::-1] for v in articles]
    signals = [{} for _ in records]
    cross_fit_position(records, signals, vectors)
    clean = [s["paragraph_position_corr"] for s, r in zip(signals, records, strict=True) if r["label"] == 1]
    damaged = [s["paragraph_position_corr"] for s, r in zip(signals, records, strict=True) if r["label"] == 0]
    assert np.mean(clean) > 0.5 > -0.5 > np.mean(damaged)


def test_bundled_probe_reads_real_articles_in_order_more_often_than_not(fixture_reports):
    values = [r.signals["paragraph_position_corr"] for r in fixture_reports.values() if r.error is None]
    values = [v for v in values if not math.isnan(v)]
    assert len(values) >= 6
    assert np.mean(values) > 0.1


def test_clean_articles_in_reverse_order_score_lower(scorer, fixture_articles):
    for name in ("clean-economy", "clean-science", "clean-sport"):
        article = fixture_articles[name]
        reversed_text = "\n\n".join(article["text"].split("\n\n")[::-1])
        intact = scorer.score({**article, "id": "intact"})
        damaged = scorer.score({**article, "text": reversed_text, "id": "reversed"})
        assert damaged.quality < intact.quality, name
        assert damaged.contributions["paragraph_disorder"] < 0, name

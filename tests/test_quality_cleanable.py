"""clean_quality: the quality of the text ``coherence clean`` leaves (cleanable against damaged)."""

import json

import numpy as np
import pytest

from coherence.cleaning import REMOVED_KINDS, clean
from coherence.filtering import Condition, FilterRule, split_records
from coherence.scoring import FEATURES, REMOVABLE_FEATURES, QualityModel, rescore
from coherence.training.train import fit

SPOTLESS = {
    "headline_similarity": 0.7,
    "content_words": 400.0,
    "min_topic_similarity": 0.7,
    "mean_neighbour_similarity": 0.65,
    "paragraph_order_z": 2.5,
    "paragraph_position_corr": 0.6,
    "max_sentence_evidence": -0.4,
    "max_paragraph_evidence": -0.6,
}
REMOVABLE_DAMAGE = {"artifact_fraction": 0.2, "artifact_lines": 4.0, "duplicate_headline": 1.0}


@pytest.fixture(scope="module")
def model():
    return QualityModel.load()


@pytest.fixture(scope="module")
def cleanable(scorer, fixture_articles):
    """A clean fixture with its headline printed again at the top and a share widget at the end."""
    article = fixture_articles["clean-economy"]
    text = f"{article['title']}\n\n{article['text'].rstrip()}\n\nShare this:\nLike this:\nLike Loading...\n"
    record = {**article, "id": "cleanable", "text": text}
    return record, scorer.score(record)


def test_removable_features_are_features_whose_flags_cleaning_removes():
    assert set(REMOVABLE_FEATURES) <= set(FEATURES)
    assert set(REMOVABLE_FEATURES.values()) <= set(REMOVED_KINDS)


def test_removable_damage_lowers_quality_but_not_clean_quality(model):
    spotless, _ = model.score(SPOTLESS)
    quality, contributions = model.score({**SPOTLESS, **REMOVABLE_DAMAGE})
    assert quality < 0.1 < 0.8 < spotless
    assert model.after_cleaning(contributions) == pytest.approx(spotless)


def test_damage_cleaning_cannot_remove_lowers_clean_quality_too(model):
    spotless, _ = model.score(SPOTLESS)
    _, contributions = model.score({**SPOTLESS, **REMOVABLE_DAMAGE, "ends_mid_sentence": 1.0, "ends_open": 1.0})
    assert model.after_cleaning(contributions) < spotless - 0.3


def test_clean_quality_is_never_below_quality(model):
    rng = np.random.default_rng(0)
    for _ in range(50):
        signals = {**SPOTLESS, **{name: float(rng.uniform(0, 2)) for name in REMOVABLE_DAMAGE}}
        signals["mean_neighbour_similarity"] = float(rng.uniform(0, 0.6))
        quality, contributions = model.score(signals)
        assert model.after_cleaning(contributions) >= quality


def test_a_cleanable_article_scores_like_its_cleaned_text(scorer, cleanable, fixture_reports):
    record, report = cleanable
    original = fixture_reports["clean-economy"]
    assert report.quality < 0.1
    assert report.clean_quality == pytest.approx(original.quality, abs=0.05)
    cleaned = clean(record["text"], report.flags).text
    again = scorer.score(cleaned, title=record["title"])
    assert again.quality == pytest.approx(report.clean_quality, abs=0.05)


def test_damage_cleaning_does_not_remove_keeps_clean_quality_low(fixture_reports):
    for name in ("spliced-block-end", "repeated-paragraph"):  # a spliced block; a paragraph printed twice
        report = fixture_reports[name]
        assert report.clean_quality < 0.5, name
        assert report.clean_quality >= report.quality


def test_clean_quality_is_in_the_record_and_rescore_reproduces_it(fixture_reports, model):
    for report in fixture_reports.values():
        record = json.loads(json.dumps(report.to_dict()))
        assert "clean_quality" in record
        again = rescore(record, model)
        if report.quality is None:
            assert again["clean_quality"] is None
        else:
            assert again["clean_quality"] == pytest.approx(report.clean_quality, abs=1e-3)


def test_filter_keeps_cleanable_articles_cleaned_and_rejects_damaged_ones(cleanable, fixture_reports, fixture_articles):
    record, report = cleanable
    rule = FilterRule(min_quality=None, min_clean_quality=0.5)
    damaged = fixture_reports["spliced-block-end"].to_dict()
    assert rule.reasons(report.to_dict()) == []
    assert any(r.startswith("clean_quality") for r in rule.reasons(damaged))
    assert FilterRule().reasons(report.to_dict())  # the default rule judges the text as stored
    assert Condition.parse("clean_quality<0.5").holds(damaged)
    assert not Condition.parse("clean_quality<0.5").holds(report.to_dict())
    from coherence.article import Article

    article = Article("cleanable", record["text"], record["title"])
    ((out, kept),) = split_records([article], [report.to_dict()], rule, clean_text=True)
    assert kept and "Like this:" not in out["clean_text"] and out["clean_quality"] == report.to_dict()["clean_quality"]
    assert not out["clean_text"].startswith(record["title"])


def test_an_older_scores_file_without_clean_quality_is_not_kept_silently(cleanable):
    _, report = cleanable
    record = {k: v for k, v in report.to_dict().items() if k != "clean_quality"}
    assert any("clean_quality" in r for r in FilterRule(min_quality=None, min_clean_quality=0.5).reasons(record))


def test_explain_says_which_defects_cleaning_removes(cleanable, fixture_reports):
    from coherence.explain import REMOVABLE_NOTE, explain, reasons

    record, report = cleanable
    why = reasons(report, record["text"])
    assert any("headline is repeated" in r for r in why) and any("leftovers" in r for r in why)
    for reason in why:
        about_removable = "headline is repeated" in reason or "leftovers" in reason
        assert reason.endswith(REMOVABLE_NOTE) == about_removable, reason
    rendered = explain(report, text=record["text"])
    assert "clean_quality" in rendered and "cleanable rather than damaged" in rendered
    damaged = explain(fixture_reports["spliced-block-end"])
    assert "damaged even after cleaning" in damaged or "the same after `coherence clean`" in damaged
    assert not any(r.endswith(REMOVABLE_NOTE) for r in reasons(fixture_reports["spliced-block-end"]))


def test_fit_reports_out_of_fold_clean_quality_without_the_removable_columns():
    rng = np.random.default_rng(1)
    n = 600
    X = np.column_stack([rng.exponential(1.0, n) * (rng.random(n) < 0.3), rng.exponential(1.0, n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(2.0 - 2.0 * X[:, 0] - 1.5 * X[:, 1])))).astype(int)
    result = fit(X, y, groups=np.arange(n) // 2, weights=np.ones(n), removable=[0])
    damaged_by_column_0 = X[:, 0] > 0
    gap = result["oof_clean_probability"] - result["oof_probability"]
    assert (gap[damaged_by_column_0] > 0).all()
    assert np.allclose(gap[~damaged_by_column_0], 0.0)

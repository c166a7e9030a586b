"""The quality model: its meaning, its parameters as plain data, training and calibration."""

import json
import math
import random

import numpy as np
import pytest

from coherence.scoring import FEATURES, ORDER_Z_BELOW, QualityModel, quality_features, rescore
from coherence.training.corruptions import CORRUPTIONS, build_set, paragraphs, truncation
from coherence.training.data import split_of
from coherence.training.metrics import expected_calibration_error
from coherence.training.train import fit

CLEAN_SIGNALS = {
    "headline_similarity": 0.7,
    "offtopic_fraction": 0.0,
    "artifact_fraction": 0.0,
    "duplicate_headline": 0.0,
    "duplicate_text_fraction": 0.0,
    "content_words": 400.0,
    "segments": 1.0,
    "min_topic_similarity": 0.7,
    "mean_neighbour_similarity": 0.65,
    "artifact_lines": 0.0,
    "offtopic_units": 0.0,
    "ends_mid_sentence": 0.0,
    "ends_open": 0.0,
    "paragraph_order_z": 2.5,
    "paragraph_position_corr": 0.6,
    "max_sentence_evidence": -0.4,
    "max_paragraph_evidence": -0.6,
}


@pytest.fixture(scope="module")
def model():
    return QualityModel.load()


def test_bundled_model_is_plain_json_with_its_training_record(model):
    from importlib import resources

    raw = json.loads(resources.files("coherence").joinpath("data/quality_model.json").read_text())
    assert set(raw["weights"]) <= set(FEATURES)
    training = raw["training"]
    assert training["split"].startswith("train")
    assert 0.0 <= training["out_of_fold_ece"] <= 0.1
    assert training["out_of_fold_roc_auc"] > 0.8
    assert "python -m coherence.training.train" in training["command"]


def test_no_defect_sign_ever_raises_quality(model):
    assert all(w <= 0 for w in model.weights.values())
    assert all(w <= 0 for w in model.short_weights.values())


def test_a_sign_of_damage_weighs_more_in_a_short_article(model):
    name = next(n for n in model.short_weights if n in ("low_cohesion", "duplicate_text_fraction", "topic_outlier"))
    signal = {"low_cohesion": ("mean_neighbour_similarity", 0.1), "topic_outlier": ("min_topic_similarity", 0.3)}
    key, value = signal.get(name, ("duplicate_text_fraction", 0.2))
    long, _ = model.score({**CLEAN_SIGNALS, key: value, "paragraphs": 16.0})
    short, _ = model.score({**CLEAN_SIGNALS, key: value, "paragraphs": 2.0})
    spotless, _ = model.score({**CLEAN_SIGNALS, "paragraphs": 2.0})
    assert short < long < spotless
    assert model.score({**CLEAN_SIGNALS, "paragraphs": 16.0})[0] == spotless  # no damage: length does not matter


def test_a_model_file_without_short_weights_still_loads_and_weighs_every_length_alike(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"intercept": 2.0, "weights": {"ends_open": -3.0}}))
    old = QualityModel.load(path)
    assert old.short_weights == {} and "short_weights" not in old.to_dict()
    for count in (1.0, 9.0):
        assert old.score({"ends_open": 1.0, "paragraphs": count})[0] == pytest.approx(1 / (1 + math.exp(1.0)))


def test_clean_article_has_no_contributions_and_high_quality(model):
    quality, contributions = model.score(CLEAN_SIGNALS)
    assert all(v == 0 for v in contributions.values())
    assert quality == pytest.approx(1 / (1 + math.exp(-model.intercept)))
    assert quality > 0.8


def test_contributions_add_up_to_the_log_odds(model):
    signals = {**CLEAN_SIGNALS, "artifact_fraction": 0.2, "artifact_lines": 4, "offtopic_fraction": 0.15}
    quality, contributions = model.score(signals)
    logit = model.intercept + sum(contributions.values())
    assert quality == pytest.approx(1 / (1 + math.exp(-logit)))
    assert quality < model.score(CLEAN_SIGNALS)[0]


@pytest.mark.parametrize("name", ["artifact_fraction", "offtopic_fraction", "duplicate_text_fraction"])
def test_quality_falls_as_a_defect_grows(model, name):
    qualities = [model.score({**CLEAN_SIGNALS, name: v})[0] for v in (0.0, 0.1, 0.3, 0.6)]
    assert qualities == sorted(qualities, reverse=True)


@pytest.mark.parametrize("position", [0.2, -0.5])
def test_quality_falls_as_paragraph_order_gets_no_better_than_chance(model, position):
    signals = {**CLEAN_SIGNALS, "paragraph_position_corr": position}
    qualities = [model.score({**signals, "paragraph_order_z": z})[0] for z in (3.0, 2.0, 0.5, -1.5)]
    assert qualities[0] == qualities[1] > qualities[2] > qualities[3]


def test_one_order_signal_alone_does_not_lower_quality(model):
    # real layouts (lists, embedded posts, one-sentence paragraphs) fool each signal on its own
    base = model.score(CLEAN_SIGNALS)[0]
    assert model.score({**CLEAN_SIGNALS, "paragraph_position_corr": -0.8})[0] == base
    no_position = {k: v for k, v in CLEAN_SIGNALS.items() if k != "paragraph_position_corr"}
    assert model.score({**no_position, "paragraph_order_z": -2.0})[0] == base


def test_quality_falls_with_off_topic_evidence_below_the_flag_threshold(model):
    qualities = [model.score({**CLEAN_SIGNALS, "max_sentence_evidence": e})[0] for e in (-0.4, 0.0, 0.5, 0.9)]
    assert qualities[0] == qualities[1] > qualities[2] > qualities[3]


def test_prior_shifts_the_odds(model):
    base, _ = model.score(CLEAN_SIGNALS)
    rare, _ = model.score(CLEAN_SIGNALS, prior=0.1)
    assert rare > base


def test_missing_or_nan_signals_count_as_no_evidence():
    features = quality_features({"headline_similarity": float("nan")})
    assert features["headline_mismatch"] == 0.0 and features["artifact_fraction"] == 0.0


def test_unknown_feature_in_a_model_file_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"intercept": 1.0, "weights": {"no_such_feature": -1.0}}))
    with pytest.raises(ValueError, match="no_such_feature"):
        QualityModel.load(path)


def test_rescore_from_saved_signals_reproduces_the_report(fixture_reports, model):
    for report in fixture_reports.values():
        record = json.loads(json.dumps(report.to_dict()))
        again = rescore(record, model)
        assert again["quality"] == pytest.approx(report.quality, abs=1e-3)


def test_damaged_fixtures_score_below_clean_ones(fixture_reports):
    clean = min(fixture_reports[i].quality for i in ("clean-economy", "clean-sport", "clean-notitle"))
    for damaged in ("artifact-heavy", "seed-like", "spliced-block-end"):  # mostly-links: not scored
        assert fixture_reports[damaged].quality < clean, damaged


def test_split_is_fixed_by_id_and_near_70_30():
    ids = [f"bbc/x/{i:03d}" for i in range(2000)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in ids]
    assert 0.25 < first.count("test") / len(ids) < 0.35


ARTICLES = [
    {
        "id": f"a{i}",
        "title": f"Headline number {i} about {topic}",
        "topic": topic,
        "text": "\n\n".join(
            f"Paragraph {p} of story {i} says something about {topic} that matters. It has a second sentence."
            for p in range(6)
        ),
    }
    for i, topic in enumerate(["rain", "rain", "markets", "football", "music", "markets"])
]


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_every_corruption_changes_the_article(kind):
    article = ARTICLES[0]
    damaged = CORRUPTIONS[kind](article, random.Random(3), ARTICLES)
    assert (damaged["text"], damaged.get("title")) != (article["text"], article["title"])


def test_truncation_stops_mid_sentence():
    for seed in range(20):
        cut = truncation(ARTICLES[1], random.Random(seed), ARTICLES)
        assert cut["text"][-1] not in ".!?"
        assert len(cut["text"]) < len(ARTICLES[1]["text"])


def test_build_set_pairs_clean_and_damaged_copies_deterministically():
    one = build_set(ARTICLES, seed=5, corrupted_per_article=2)
    two = build_set(ARTICLES, seed=5, corrupted_per_article=2)
    assert one == two
    assert sum(r["label"] for r in one) == len(ARTICLES)
    assert all((r["defect"] is None) == (r["label"] == 1) for r in one)
    assert len(paragraphs(ARTICLES[0]["text"])) == 6


def test_expected_calibration_error():
    labels = np.array([1, 1, 0, 0, 1, 0, 1, 0, 1, 1])
    assert expected_calibration_error(labels, np.full(10, 0.6)) == pytest.approx(0.0)
    assert expected_calibration_error(labels, np.full(10, 0.95)) == pytest.approx(0.35)


def test_fit_recovers_a_calibrated_model_on_synthetic_signals():
    rng = np.random.default_rng(0)
    n = 2000
    X = np.abs(rng.normal(0, 1, size=(n, 2))) * rng.integers(0, 2, size=(n, 1))
    logit = 2.0 - 3.0 * X[:, 0] - 1.0 * X[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    result = fit(X, y, groups=np.arange(n) // 2, weights=np.ones(n))
    assert result["coef"][0] < result["coef"][1] < 0
    assert expected_calibration_error(y, result["oof_probability"]) < 0.05


def test_explain_gives_specific_reasons(fixture_reports, fixture_articles):
    from coherence.explain import explain, reasons

    block = reasons(fixture_reports["spliced-block-end"])
    assert any(r.startswith("paragraphs") and "off-topic" in r for r in block)
    heavy = reasons(fixture_reports["artifact-heavy"])
    assert heavy and "% of lines" in heavy[0] and "share widgets" in heavy[0]
    # a clean article may carry a mild remark (its least related paragraph costs it ~0.4 log-odds), nothing strong
    assert reasons(fixture_reports["clean-economy"], min_contribution=1.0) == []
    text = fixture_articles["seed-like"]["text"]
    rendered = explain(fixture_reports["seed-like"], text=text)
    assert "why it is lower" in rendered and "headline is repeated" in rendered and "Like this:" in rendered


def test_order_reason_says_how_well_the_paragraphs_fit_a_news_story(fixture_reports):
    import dataclasses

    from coherence.explain import _feature_reason

    base = fixture_reports["clean-economy"]

    def reason(z: float, r: float) -> str:
        report = dataclasses.replace(
            base, signals={**base.signals, "paragraph_order_z": z, "paragraph_position_corr": r}
        )
        return _feature_reason("paragraph_disorder", report, None) or ""

    assert "fit the usual order of a news story poorly" in reason(-1.0, 0.1)
    assert "only partly" in reason(0.5, 0.45)
    assert "fairly well" in reason(1.0, 0.8) and "r = 0.80 where 1 is a perfect fit" in reason(1.0, 0.8)


def test_offtopic_reason_counts_sentences_and_names_each_paragraph_once(fixture_reports):
    import dataclasses

    from coherence.explain import _offtopic_reason
    from coherence.flags import Flag

    text = "First paragraph about the harbour.\n\nThe harbour reopened. Rates rose. Fans sang.\n\nLast one."
    second = text.index("Rates")

    def flag(start: int, end: int) -> Flag:
        return Flag("offtopic", start, end, 0.9, "spliced")

    one_paragraph = dataclasses.replace(
        fixture_reports["clean-economy"],
        flags=[flag(second, second + 12), flag(text.index("Fans"), text.index("Fans") + 10)],
    )
    assert _offtopic_reason(one_paragraph, text) == "2 sentences in paragraph 2 are off-topic"
    single = dataclasses.replace(one_paragraph, flags=[flag(second, second + 12)])
    assert _offtopic_reason(single, text) == "a sentence in paragraph 2 is off-topic"


def test_thin_paragraphs_reads_sentences_per_paragraph():
    from coherence.scoring import THIN_SENTENCES, thin_paragraphs

    low, high = THIN_SENTENCES
    assert thin_paragraphs({"sentences": 40.0, "paragraphs": 10.0}) == 0.0  # 4 a paragraph: a BBC-like layout
    assert thin_paragraphs({"sentences": 12.0, "paragraphs": 10.0}) == 1.0  # 1.2 a paragraph: a web post
    middle = (low + high) / 2
    assert thin_paragraphs({"sentences": 10.0 * middle, "paragraphs": 10.0}) == pytest.approx(0.5)
    assert thin_paragraphs({}) == 0.0  # not measured: as before the split
    assert thin_paragraphs({"sentences": math.nan, "paragraphs": 5.0}) == 0.0


@pytest.mark.parametrize("sentences", [6.0, 12.0, 20.0, 40.0])
def test_disorder_parts_add_up_to_the_whole_order_evidence(sentences):
    signals = {"paragraph_order_z": ORDER_Z_BELOW - 1.0, "paragraph_position_corr": 0.5}
    signals |= {"sentences": sentences, "paragraphs": 6.0}
    parts = quality_features(signals, ["paragraph_disorder", "paragraph_disorder_thin"])
    assert parts["paragraph_disorder"] + parts["paragraph_disorder_thin"] == pytest.approx(1.0 * 0.5)
    assert (parts["paragraph_disorder_thin"] > 0) == (sentences / 6.0 < 4.0)


def test_a_feature_part_is_reported_under_its_whole():
    from coherence.scoring import FEATURE_PARTS, ORDER_Z_BELOW, THIN_SENTENCES

    assert FEATURE_PARTS["paragraph_disorder_thin"] == "paragraph_disorder"
    model = QualityModel(3.0, {"paragraph_disorder": -2.0, "paragraph_disorder_thin": -0.5})
    signals = {"paragraph_order_z": -0.75, "paragraph_position_corr": 0.0, "sentences": 16.0, "paragraphs": 8.0}
    logit, contributions = model.logit(signals)
    assert set(contributions) == {"paragraph_disorder"}  # one defect, one reason
    hinge = ORDER_Z_BELOW + 0.75  # how far the order score is below the cut
    thin_at, thick_at = THIN_SENTENCES
    thin = (thick_at - 2.0) / (thick_at - thin_at)  # 2 sentences a paragraph
    assert contributions["paragraph_disorder"] == pytest.approx(-2.0 * hinge * (1 - thin) - 0.5 * hinge * thin)
    assert logit == pytest.approx(3.0 + contributions["paragraph_disorder"])


def test_a_model_fitted_before_the_split_reads_the_whole_order_evidence():
    old = QualityModel.from_dict({"version": 3, "intercept": 3.0, "weights": {"paragraph_disorder": -2.0}})
    new = QualityModel.from_dict({"version": 4, "intercept": 3.0, "weights": {"paragraph_disorder": -2.0}})
    signals = {"paragraph_order_z": -0.75, "paragraph_position_corr": 0.0, "sentences": 16.0, "paragraphs": 8.0}
    whole = (ORDER_Z_BELOW + 0.75) * 1.0  # ORDER_Z_BELOW - z, times 1 - r
    thin = (4.0 - 2.0) / (4.0 - 1.5)
    assert old.logit(signals)[1] == {"paragraph_disorder": pytest.approx(-2.0 * whole)}
    assert new.logit(signals)[1] == {"paragraph_disorder": pytest.approx(-2.0 * whole * (1 - thin))}


def test_topic_outlier_cut_falls_with_the_paragraph_count():
    from coherence.scoring import TOPIC_OUTLIER_BELOW

    def outlier(similarity: float, paragraphs: float) -> float:
        signals = {"min_topic_similarity": similarity, "paragraphs": paragraphs}
        return quality_features(signals, ["topic_outlier"])["topic_outlier"]

    a, b = TOPIC_OUTLIER_BELOW
    assert outlier(0.35, 2.0) == pytest.approx(a - b * math.log(2.0) - 0.35)
    assert outlier(0.4, 2.0) > outlier(0.4, 6.0) > outlier(0.4, 16.0) == 0.0  # the least of many is lower
    assert outlier(0.05, 20.0) > 0.25  # a paragraph unrelated to the rest counts at any length
    assert outlier(0.35, 1.0) == pytest.approx(a - 0.35)
    assert outlier(math.nan, 4.0) == 0.0


def test_a_model_fitted_before_version_5_reads_the_fixed_topic_outlier_cut():
    from coherence.scoring import OLD_TOPIC_OUTLIER_BELOW

    fitted = {"intercept": 3.0, "weights": {"topic_outlier": -2.0}}
    old = QualityModel.from_dict({"version": 4, **fitted})
    new = QualityModel.from_dict({"version": 5, **fitted})
    signals = {"min_topic_similarity": 0.3, "paragraphs": 16.0}
    assert old.logit(signals)[1] == {"topic_outlier": pytest.approx(-2.0 * (OLD_TOPIC_OUTLIER_BELOW - 0.3))}
    assert new.logit(signals)[1]["topic_outlier"] == pytest.approx(-2.0 * quality_features(signals)["topic_outlier"])
    assert new.logit(signals)[1]["topic_outlier"] > old.logit(signals)[1]["topic_outlier"]


def test_real_reason_counts_use_the_reason_threshold():
    from benchmarks.quality.real_reasons import count_reasons, judged_ids
    from coherence.explain import MIN_CONTRIBUTION

    rows = [
        ("horne", {"paragraph_disorder": -MIN_CONTRIBUTION, "sentence_splice": -0.1}),
        ("horne", {"paragraph_disorder": -0.39 * MIN_CONTRIBUTION / 0.4}),
        ("golbeck", {"sentence_splice": -2.0}),
    ]
    table = count_reasons(rows)
    assert table["horne"] == {"articles": 2, "order": 1, "sentence_splice": 0, "topic_outlier": 0}
    assert table["all"] == {"articles": 3, "order": 1, "sentence_splice": 1, "topic_outlier": 0}
    assert "fnn/BuzzFeed_Fake_13" in judged_ids()  # the hand-checked records are left out

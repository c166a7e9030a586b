"""Topic drift: segmentation and off-topic units, on synthetic vectors and on real text."""

from __future__ import annotations

import numpy as np
import pytest

from coherence.detectors.cohesion import LexicalCohesion
from coherence.detectors.drift import (
    DriftDetector,
    drop_and_level,
    median_of_others,
    name_cohesion,
    optimal_segments,
)
from coherence.detectors.drift_model import HEADS, UnitModel
from coherence.detectors.topics import CorpusTopics

DIM = 32


def _topic_vectors(rng: np.random.Generator, topics: list[int], noise: float = 0.35) -> np.ndarray:
    """Unit vectors around orthogonal topic directions (one per entry of ``topics``)."""
    basis = np.eye(DIM)
    vectors = np.array([basis[t] + noise * rng.standard_normal(DIM) / np.sqrt(DIM) for t in topics])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _detect(detector: DriftDetector, paragraphs: np.ndarray, headline: np.ndarray | None = None):
    n = len(paragraphs)
    return detector.detect(
        paragraphs,
        paragraphs,  # one sentence per paragraph
        list(range(n)),
        paragraph_words=np.full(n, 40),
        sentence_words=np.full(n, 40),
        headline_vector=headline,
    )


# -- segmentation -----------------------------------------------------------------------------------
def test_optimal_segments_finds_the_block_starts():
    rng = np.random.default_rng(0)
    vectors = _topic_vectors(rng, [0] * 6 + [1] * 4 + [2] * 7)
    assert optimal_segments(vectors, penalty=0.5) == [0, 6, 10]


def test_optimal_segments_only_starts_where_allowed():
    rng = np.random.default_rng(8)
    vectors = _topic_vectors(rng, [0] * 6 + [1] * 4)
    allowed = np.zeros(10, dtype=bool)
    allowed[[0, 4, 7]] = True  # e.g. paragraph starts; the true change at 6 is not allowed
    assert optimal_segments(vectors, penalty=0.5, allowed=allowed) in ([0, 7], [0, 4, 7])


def test_optimal_segments_with_a_huge_penalty_gives_one_segment():
    rng = np.random.default_rng(1)
    vectors = _topic_vectors(rng, [0] * 5 + [1] * 5)
    assert optimal_segments(vectors, penalty=1e6) == [0]


def test_segment_chooses_the_number_of_segments():
    rng = np.random.default_rng(2)
    detector = DriftDetector()
    assert detector.segment(_topic_vectors(rng, [3] * 5 + [4] * 8 + [5] * 6 + [6] * 5)) == [0, 5, 13, 19]
    assert detector.segment(_topic_vectors(rng, [3] * 12)) == [0]
    assert detector.segment(_topic_vectors(rng, [3, 4])) == [0]


# -- helpers ----------------------------------------------------------------------------------------
def test_median_of_others_and_drop_and_level():
    values = np.array([0.5, 0.6, 0.1, 0.55])
    assert median_of_others(values) == pytest.approx([0.55, 0.5, 0.55, 0.5])
    reference = np.array([True, True, False, True])
    assert median_of_others(values, reference)[2] == pytest.approx(0.55)
    assert median_of_others(values, reference)[0] == pytest.approx(0.575)
    assert drop_and_level(values)[2] == pytest.approx(0.55 - 0.2)


def test_lexical_cohesion_counts_words_shared_with_other_units():
    texts = [
        "Floodwater reached the town centre on Monday.",
        "Rescuers believe the floodwater is still rising in the town.",
        "Tariffs on steel imports will double, the trade minister announced.",
    ]
    share, words = LexicalCohesion().shared(texts)
    assert share[2] == 0.0
    assert share[0] == pytest.approx(2 / 5)  # floodw, town of floodw, reache, town, centre, monday
    assert share[1] > share[2]
    assert words[2] == 7  # tariff, steel, import, double, trade, minist, announ


# -- off-topic units on synthetic vectors ----------------------------------------------------------
def test_a_spliced_block_cannot_vouch_for_itself():
    rng = np.random.default_rng(4)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 0, 0, 8, 8, 8])
    hand = DriftDetector(paragraph_threshold=0.14, unit_model=None)
    flagged = [o.index for o in _detect(hand, paragraphs).offtopic_paragraphs]
    assert flagged == [5, 6, 7]
    once = DriftDetector(paragraph_threshold=0.14, max_iterations=1, unit_model=None)
    once = [o.index for o in _detect(once, paragraphs).offtopic_paragraphs]
    assert len(once) < 3


def test_homogeneous_article_has_no_offtopic_unit():
    rng = np.random.default_rng(5)
    result = _detect(DriftDetector(), _topic_vectors(rng, [0] * 8), headline=_topic_vectors(rng, [0])[0])
    assert result.offtopic_paragraphs == [] and result.offtopic_sentences == []
    assert result.article_score < 1.0


def test_short_units_are_never_flagged():
    rng = np.random.default_rng(6)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 9, 0, 0])
    n = len(paragraphs)
    result = DriftDetector().detect(
        paragraphs, paragraphs, list(range(n)), paragraph_words=np.array([40, 40, 40, 5, 40, 40])
    )
    assert result.offtopic_paragraphs == []


def test_headline_similarity_variants():
    rng = np.random.default_rng(7)
    paragraphs = _topic_vectors(rng, [0, 0, 1])
    detector = DriftDetector()
    result = _detect(detector, paragraphs)
    sims = detector.headline_similarities(paragraphs[2], result)
    assert sims["max_sentence"] == pytest.approx(1.0)
    assert sims["centroid"] < sims["max_sentence"]
    assert detector.headline_similarity(paragraphs[2], result) == sims[detector.headline_method]


# -- the learned unit model -------------------------------------------------------------------------
def test_name_cohesion_counts_capitalised_words_found_elsewhere():
    texts = [
        "The minister met Lagarde in Paris on Monday.",
        "Talks in Paris ended without a deal, lagarde said.",
        "Arsenal beat Chelsea at the Emirates.",
    ]
    share, number = name_cohesion(texts)
    assert share[0] == pytest.approx(2 / 3)  # lagard, paris shared; monday not
    assert share[2] == 0.0 and number[2] == 2  # chelse, emirat ("Arsenal" opens the unit)
    assert name_cohesion(["no names here at all."])[0][0] == 1.0


def test_unit_model_probability_save_and_load(tmp_path):
    head = {"features": ["topic", "length"], "coef": [-10.0, 2.0], "intercept": 1.0}
    model = UnitModel(heads={"paragraph": head}, paragraph_threshold=0.7, sentence_threshold=0.6)
    m = {"topic": np.array([0.0, 0.5]), "length": np.array([1.0, 0.5])}
    logits = np.array([3.0, -3.0])
    assert model.probability("paragraph", m, 2) == pytest.approx(1 / (1 + np.exp(-logits)))
    assert np.isnan(model.probability("sentence", m, 2)).all()  # no such head: nothing scored
    model.save(tmp_path / "m.json", note="test")
    again = UnitModel.load(tmp_path / "m.json")
    assert again.heads == model.heads and again.threshold("paragraph") == 0.7 and again.threshold("sentence") == 0.6


def test_bundled_unit_model_reads_only_measurements_the_detector_makes():
    model = UnitModel.load()
    assert set(model.heads) == set(HEADS)
    assert 0 < model.paragraph_threshold < 1 and 0 < model.sentence_threshold < 1
    rng = np.random.default_rng(11)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 0, 0])
    for headline in (_topic_vectors(rng, [0])[0], None):
        result = _detect(DriftDetector(), paragraphs, headline=headline)
        for level, measured in (
            ("paragraph", result.paragraph_measurements),
            ("sentence", result.sentence_measurements),
        ):
            head = level if headline is not None else f"{level}_no_headline"
            assert set(model.features(head)) <= set(measured)
        assert np.isfinite(result.paragraph_probability).all() and np.isfinite(result.sentence_probability).all()


def test_unit_model_flags_a_block_and_explains_it():
    rng = np.random.default_rng(4)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 0, 0, 8, 8, 8])
    # A hand-made model: off-topic when the paragraph is far from the paragraphs two or more places away.
    head = {"features": ["far"], "coef": [-20.0], "intercept": 6.0}
    model = UnitModel(heads={"paragraph_no_headline": head}, paragraph_threshold=0.5, sentence_threshold=0.5)
    result = _detect(DriftDetector(unit_model=model), paragraphs)
    assert [o.index for o in result.offtopic_paragraphs] == [5, 6, 7]
    assert all("splice probability" in o.reason and "similarity" in o.reason for o in result.offtopic_paragraphs)
    assert result.article_score >= 1.0
    assert result.paragraph_evidence is not None  # the hand-weighted evidence is still reported


def test_no_unit_model_keeps_the_hand_weighted_flags():
    rng = np.random.default_rng(3)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 7, 0, 0, 0])
    result = _detect(DriftDetector(unit_model=None), paragraphs, headline=_topic_vectors(rng, [0])[0])
    assert [o.index for o in result.offtopic_paragraphs] == [3]
    assert result.paragraph_probability is None and "probability" not in result.offtopic_paragraphs[0].reason


def test_train_drift_labels_and_folds():
    from coherence.training.train_drift import features_of, folds_of, unit_labels
    from coherence.units import Span

    spans = [Span(0, 10), Span(12, 30), Span(32, 40)]
    assert unit_labels(spans, [(12, 30)]).tolist() == [0.0, 1.0, 0.0]
    assert unit_labels(spans, [(5, 20)]).tolist() == [1.0, 0.0, 0.0]  # 5 of 10 characters: half
    folds = folds_of(["a", "a", "b", "c", "b", "d"], 2)
    assert folds[0] == folds[1] and folds[2] == folds[4]
    assert "headline" in features_of("sentence") and "headline" not in features_of("sentence_no_headline")


# -- fixtures through the real Scorer -----------------------------------------------------------------
def _offtopic_texts(report, text: str) -> list[str]:
    return sorted(text[f.start : f.end] for f in report.flags_of("offtopic"))


@pytest.mark.parametrize("article_id", ["spliced-paragraph", "spliced-block-end"])
def test_spliced_paragraphs_are_exactly_the_offtopic_flags(article_id, fixture_reports, fixture_articles, expected):
    text = fixture_articles[article_id]["text"]
    assert _offtopic_texts(fixture_reports[article_id], text) == sorted(expected[article_id]["offtopic"])
    for flag in fixture_reports[article_id].flags_of("offtopic"):
        assert 0.5 <= flag.score <= 1.0 and "similarity" in flag.reason


@pytest.mark.parametrize(
    "article_id", ["clean-economy", "clean-science", "clean-sport", "clean-notitle", "non-english"]
)
def test_clean_fixtures_have_no_offtopic_flag(article_id, fixture_reports):
    assert fixture_reports[article_id].flags_of("offtopic") == []


def test_seed_like_on_topic_passages_are_not_flagged(fixture_reports, fixture_articles, expected):
    text = fixture_articles["seed-like"]["text"]
    report = fixture_reports["seed-like"]
    for passage in expected["seed-like"]["no_offtopic_substrings"]:
        start = text.index(passage)
        assert not any(f.start < start + len(passage) and start < f.end for f in report.flags_of("offtopic"))


def test_seed_like_spliced_sentence_is_the_only_offtopic_flag(fixture_reports, fixture_articles, expected):
    text = fixture_articles["seed-like"]["text"]
    assert _offtopic_texts(fixture_reports["seed-like"], text) == sorted(expected["seed-like"]["offtopic"])


def test_seed_like_spliced_sentence_has_the_highest_sentence_evidence(fixture_reports, fixture_articles, expected):
    text = fixture_articles["seed-like"]["text"]
    analysis = fixture_reports["seed-like"].analysis
    evidence = np.nan_to_num(analysis.drift.sentence_evidence, nan=-np.inf)
    top = analysis.units.sentences[int(np.argmax(evidence))]
    assert text[top.start : top.end] == expected["seed-like"]["offtopic"][0]


def test_segments_cover_the_spliced_block(fixture_reports, fixture_articles):
    report = fixture_reports["spliced-block-end"]
    text = fixture_articles["spliced-block-end"]["text"]
    starts = [s["start"] for s in report.segments]
    assert len(report.segments) >= 2
    assert text.index("The singer, whose fourth album") in starts


# -- the real seed article --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_report(scorer, data_dir):
    path = data_dir.parent / "seeds" / "seed-article.txt"
    if not path.exists():
        pytest.skip(f"seed article not found at {path}")
    text = path.read_text(encoding="utf-8")
    return text, scorer.score(text)


@pytest.mark.data
def test_seed_article_nothing_about_yarmouk_is_offtopic(seed_report):
    text, report = seed_report
    for flag in report.flags_of("offtopic"):
        assert "Yarmouk" not in text[flag.start : flag.end] and "Yarmuk" not in text[flag.start : flag.end]
        assert "evacuat" not in text[flag.start : flag.end]


@pytest.mark.data
@pytest.mark.xfail(
    strict=True,
    reason="known miss: the Iran sentence ranks 1st of 21 by the unit model's probability (4th by the hand "
    "evidence) but its probability (0.002) is far under the threshold (0.86); see docs/benchmarks/drift.md",
)
def test_seed_article_iran_sentence_is_offtopic(seed_report):
    text, report = seed_report
    start = text.index("In his first major foreign policy speech")
    assert any(f.start <= start < f.end for f in report.flags_of("offtopic"))


# -- corpus-aware evidence (batch mode) ---------------------------------------------------------------
def test_corpus_topics_leaves_out_the_article_and_text_it_shares():
    rng = np.random.default_rng(9)
    own = _topic_vectors(rng, [0, 0, 1])
    duplicate = own[[2]]  # another article repeating one of its paragraphs
    other = _topic_vectors(rng, [2, 3])
    corpus = CorpusTopics(min_articles=3).fit([own, np.vstack([duplicate, other[:1]]), other[1:]])
    others = corpus.others(0)
    assert len(others) == 2
    assert np.allclose(np.sort(others @ other.T, axis=None)[-2:], 1.0)
    assert CorpusTopics(min_articles=4).fit([own, other]).others(0) is None


def _corpus_article(rng: np.random.Generator):
    """Five one-sentence paragraphs on topic 0, the fourth slightly off and near topic 5."""
    sentences = _topic_vectors(rng, [0, 0, 0, 0, 0])
    sentences[3] = sentences[3] + 0.9 * np.eye(DIM)[5]
    sentences[3] /= np.linalg.norm(sentences[3])
    corpus = _topic_vectors(rng, [5, 5, 5, 6, 7, 8])  # other articles: topic 5 is one of them
    return sentences, corpus


def test_corpus_evidence_raises_the_unit_close_to_another_article():
    rng = np.random.default_rng(10)
    sentences, corpus = _corpus_article(rng)
    n = len(sentences)
    kwargs = dict(paragraph_words=np.full(n, 40), sentence_words=np.full(n, 40))
    alone = DriftDetector(corpus_weight=1.0).detect(sentences, sentences, list(range(n)), **kwargs)
    batch = DriftDetector(corpus_weight=1.0).detect(
        sentences, sentences, list(range(n)), corpus_vectors=corpus, **kwargs
    )
    gain = batch.sentence_evidence - alone.sentence_evidence
    assert int(np.argmax(gain)) == 3 and gain[3] > 0
    assert batch.sentence_corpus_contrast is not None and alone.sentence_corpus_contrast is None
    off = DriftDetector(corpus_weight=0.0).detect(sentences, sentences, list(range(n)), corpus_vectors=corpus, **kwargs)
    assert np.allclose(off.sentence_evidence, alone.sentence_evidence, equal_nan=True)


def test_scorer_batches_give_corpus_evidence_only_to_big_enough_batches(scorer, fixture_articles):
    from coherence import Scorer
    from coherence.detectors.drift import DriftDetector as Detector

    on = Scorer(embedder=scorer.embedder, drift_detector=Detector(corpus_weight=1.0, corpus_min_articles=3))
    articles = [fixture_articles[k] for k in ("clean-economy", "clean-science", "clean-sport", "spliced-paragraph")]
    batch = list(on.score_many(articles))
    assert all(r.analysis.drift.sentence_corpus_contrast is not None for r in batch)
    alone = on.score(articles[0]["text"], title=articles[0].get("title"))
    assert alone.analysis.drift.sentence_corpus_contrast is None


def test_result_keeps_the_paragraph_of_each_sentence():
    rng = np.random.default_rng(8)
    sentences = _topic_vectors(rng, [0, 0, 0, 0, 0])
    paragraphs = _topic_vectors(rng, [0, 0, 0])
    result = DriftDetector().detect(paragraphs, sentences, [0, 1, 1, 2, 2])
    assert result.sentence_paragraph.tolist() == [0, 1, 1, 2, 2]

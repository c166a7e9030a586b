"""Topic drift: segmentation and off-topic units, on synthetic vectors and on real text."""

from __future__ import annotations

import numpy as np
import pytest

from coherence.detectors.cohesion import LexicalCohesion
from coherence.detectors.drift import (
    DriftDetector,
    drop_and_level,
    median_of_others,
    optimal_segments,
)
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
def test_one_outlier_paragraph_is_flagged_and_nothing_else():
    rng = np.random.default_rng(3)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 7, 0, 0, 0])
    result = _detect(DriftDetector(), paragraphs, headline=_topic_vectors(rng, [0])[0])
    assert [o.index for o in result.offtopic_paragraphs] == [3]
    assert result.offtopic_sentences == []
    assert result.article_score >= 1.0
    assert "headline" in result.offtopic_paragraphs[0].reason


def test_a_spliced_block_cannot_vouch_for_itself():
    rng = np.random.default_rng(4)
    paragraphs = _topic_vectors(rng, [0, 0, 0, 0, 0, 8, 8, 8])
    flagged = [o.index for o in _detect(DriftDetector(paragraph_threshold=0.14), paragraphs).offtopic_paragraphs]
    assert flagged == [5, 6, 7]
    once = DriftDetector(paragraph_threshold=0.14, max_iterations=1)
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


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the spliced sentence ranks first by sentence evidence (0.19) but stays under the "
    "threshold tuned on BBC dev (0.62, set by the 2.5% false-alarm budget); see docs/benchmarks/drift.md",
)
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
    reason="known miss: the Iran sentence ranks 4th of 21 by sentence evidence (5th by plain centroid "
    "similarity); see docs/benchmarks/drift.md for what was tried",
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

"""Unit fit: logistic models of a sentence or a paragraph spliced in from another story."""

import json
import math

import numpy as np
import pytest

from coherence.detectors.unit_fit import ParagraphFit, SentenceFit, adjacent_similarity, lone_at_edges
from coherence.scoring import quality_features
from coherence.training.train import spliced_units

TITLE = "Eastbrook approves new bus station"
PARAGRAPHS = [
    "Eastbrook council has approved plans for a new bus station in the town centre, ending a two-year "
    "dispute over where the station should go.",
    "The station will replace the old depot on Mill Road, which councillors said was too small for the "
    "number of buses now using it. Work is due to start in the spring and to take eighteen months.",
    "Local traders had opposed the first design, saying it would take away parking spaces outside their "
    "shops. The revised plan keeps most of the spaces and adds a covered waiting area for passengers.",
    "Council leader Jane Porter said the decision would make bus travel easier for thousands of people "
    "who commute into the town every day.",
    "The cost of the project, about twelve million pounds, will be shared between the council and the "
    "regional transport authority.",
]
SPORT = [
    "The striker scored twice in the second half as the visitors came from behind to win the league "
    "match in front of a sell-out crowd.",
    "The manager praised his players for their patience and said the title race was far from over with "
    "ten games of the season still to play.",
]


class _Drift:
    sentence_other_paragraph_similarity = np.array([0.5, 0.1])
    sentence_local_similarity = np.array([0.5, 0.1])
    sentence_lexical_cohesion = np.array([0.5, 0.0])


def test_fit_learns_which_rows_are_spliced():
    rng = np.random.default_rng(0)
    clean = np.column_stack([rng.uniform(0.4, 0.8, (200, 3)), rng.uniform(0.25, 1, 200)])
    spliced = np.column_stack([rng.uniform(0.0, 0.3, (20, 3)), rng.uniform(0.25, 1, 20)])
    rows = np.vstack([clean, spliced, np.full((1, 4), np.nan)])
    model = SentenceFit.fit(rows, np.r_[np.zeros(200), np.ones(20), 0])
    logits = model.logits(rows)
    assert math.isnan(logits[-1])
    assert logits[200:220].min() > np.median(logits[:200])


def test_short_units_and_missing_models_give_nan():
    texts = ["Too short to score.", "This sentence has more than ten words in it, so it is scored here."]
    model = SentenceFit(coef=[-1.0, -1.0, -1.0, 0.0], intercept=0.0)
    rows = model.inputs(_Drift(), texts)
    assert np.isnan(rows[0]).all()
    assert model.max_logit(rows) == pytest.approx(-0.2)  # -(0.1 + 0.1 + 0.0)
    assert math.isnan(SentenceFit().max_logit(rows))  # no model
    assert np.isnan(model.inputs(object(), texts)).all()  # no sentence measurements
    assert np.isnan(ParagraphFit(coef=[1.0] * 4).inputs(None, np.eye(2), np.ones(2), ["a b"] * 2)).all()


@pytest.mark.parametrize("cls", [SentenceFit, ParagraphFit])
def test_save_and_load_round_trip(tmp_path, cls):
    model = cls(coef=[-1.0, -2.0, -3.0, 0.5], intercept=1.5, min_words=8, max_words=30)
    model.save(tmp_path / "m.json", description="test")
    loaded = cls.load(tmp_path / "m.json")
    assert (loaded.coef, loaded.intercept, loaded.min_words, loaded.max_words) == ([-1.0, -2.0, -3.0, 0.5], 1.5, 8, 30)
    assert len(cls.load().coef) == len(cls.INPUTS)  # the bundled model


def test_training_labels_are_the_inserted_units():
    units = {"sentence": (np.zeros((3, 4)), ["a", "b", "c"])}
    spliced = {"sentence": (np.zeros((4, 4)), ["a", "x", "b", "c"])}
    records = [
        {"id": "s1", "label": 1, "defect": None},
        {"id": "s1~0", "label": 0, "defect": "splice_sentence"},
        {"id": "s1~1", "label": 0, "defect": "truncation"},
    ]
    labels = spliced_units(records, [units, spliced, units], "sentence", "splice_sentence")
    assert labels[0].tolist() == [0, 0, 0]
    assert labels[1].tolist() == [0, 1, 0, 0]
    assert labels[2] is None


def test_a_spliced_sentence_raises_the_signal(scorer):
    intact = scorer.score("\n\n".join(PARAGRAPHS), title=TITLE).signals
    damaged = list(PARAGRAPHS)
    damaged[2] = damaged[2].replace("shops. ", f"shops. {SPORT[0]} ")
    spliced = scorer.score("\n\n".join(damaged), title=TITLE).signals
    assert spliced["sentence_splice_logit"] > intact["sentence_splice_logit"] + 1.0
    feature = quality_features(spliced, ["sentence_splice"])["sentence_splice"]
    assert feature == max(0.0, spliced["sentence_splice_logit"] - 2.0)


def test_a_spliced_paragraph_raises_the_signal(scorer):
    intact = scorer.score("\n\n".join(PARAGRAPHS), title=TITLE).signals
    spliced = scorer.score("\n\n".join(PARAGRAPHS[:3] + [" ".join(SPORT)] + PARAGRAPHS[3:]), title=TITLE).signals
    assert spliced["paragraph_splice_logit"] > intact["paragraph_splice_logit"] + 1.0
    assert math.isnan(scorer.score("\n\n".join(PARAGRAPHS), title=None).signals["paragraph_splice_logit"])


class _Layout:
    """Sentence measurements of four sentences in paragraphs [0], [1, 1], [2]; the second and third sentences
    are close to each other only."""

    sentence_other_paragraph_similarity = np.array([0.1, 0.1, 0.1, 0.1])
    sentence_local_similarity = np.array([0.1, 0.1, 0.1, 0.1])
    sentence_lexical_cohesion = np.array([0.0, 0.0, 0.0, 0.0])
    sentence_paragraph = np.array([0, 1, 1, 2])
    sentence_vectors = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.8, 0.6], [0.0, 0.0, 1.0]])


LAYOUT_TEXTS = ["Each of these made-up sentences has at least ten words in it, so all are scored."] * 4


def test_lone_sentences_of_the_first_and_last_paragraph_are_found():
    assert lone_at_edges([0, 1, 1, 2]).tolist() == [True, False, False, True]
    assert lone_at_edges([0, 0, 1, 2, 2]).tolist() == [False] * 5  # a lone middle one stays
    assert lone_at_edges([3]).tolist() == [True]
    assert lone_at_edges([]).tolist() == []


def test_adjacent_similarity_takes_the_closer_neighbour():
    vectors = _Layout.sentence_vectors
    assert adjacent_similarity(vectors) == pytest.approx([0.0, 0.8, 0.8, 0.6])
    assert np.isnan(adjacent_similarity(vectors[:1])).all()
    assert adjacent_similarity(None) is None


def test_sentence_settings_change_the_inputs():
    plain = SentenceFit(coef=[-1.0, -1.0, -1.0, 0.0])
    rows = plain.inputs(_Layout(), LAYOUT_TEXTS)
    assert rows[:, 1] == pytest.approx([0.1] * 4)
    adjacent = SentenceFit(coef=[-1.0, -1.0, -1.0, 0.0], local_adjacent=True).inputs(_Layout(), LAYOUT_TEXTS)
    assert adjacent[:, 1] == pytest.approx([0.1, 0.8, 0.8, 0.6])
    skipped = SentenceFit(coef=[-1.0, -1.0, -1.0, 0.0], skip_lone_edges=True).inputs(_Layout(), LAYOUT_TEXTS)
    assert np.isnan(skipped[[0, 3]]).all() and not np.isnan(skipped[[1, 2]]).any()
    assert not np.isnan(SentenceFit(skip_lone_edges=True).inputs(_Drift(), LAYOUT_TEXTS[:2])).any()  # no layout


def test_sentence_settings_are_saved_and_old_models_read_them_as_off(tmp_path):
    SentenceFit(coef=[-1.0] * 4, local_adjacent=True, skip_lone_edges=True).save(tmp_path / "new.json")
    new = SentenceFit.load(tmp_path / "new.json")
    assert (new.local_adjacent, new.skip_lone_edges) == (True, True)
    SentenceFit(coef=[-1.0] * 4).save(tmp_path / "old.json")
    data = json.loads((tmp_path / "old.json").read_text())
    for key in SentenceFit.SETTINGS:
        del data[key]
    (tmp_path / "old.json").write_text(json.dumps(data))
    old = SentenceFit.load(tmp_path / "old.json")
    assert (old.local_adjacent, old.skip_lone_edges) == (False, False)
    bundled = SentenceFit.load()
    assert (bundled.local_adjacent, bundled.skip_lone_edges) == (True, True)  # what the bundled model was fitted with

"""Unit fit: logistic models of a sentence or a paragraph spliced in from another story."""

import math

import numpy as np
import pytest

from coherence.detectors.unit_fit import ParagraphFit, SentenceFit
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

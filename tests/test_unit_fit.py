"""Sentence fit: the logistic model of a sentence spliced in from another story."""

import math

import numpy as np
import pytest

from coherence.detectors.sentence_fit import INPUTS, SentenceFit
from coherence.scoring import quality_features

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
SPLICED = (
    "The striker scored twice in the second half as the visitors came from behind to win the league "
    "match in front of a sell-out crowd."
)


def test_fit_learns_which_rows_are_spliced():
    rng = np.random.default_rng(0)
    clean = np.column_stack([rng.uniform(0.4, 0.8, (200, 3)), rng.uniform(0.25, 1, 200)])
    spliced = np.column_stack([rng.uniform(0.0, 0.3, (20, 3)), rng.uniform(0.25, 1, 20)])
    rows = np.vstack([clean, spliced, np.full((1, len(INPUTS)), np.nan)])
    labels = np.r_[np.zeros(200), np.ones(20), 0]
    model = SentenceFit.fit(rows, labels)
    logits = model.logits(rows)
    assert math.isnan(logits[-1])
    assert logits[200:220].min() > np.median(logits[:200])


def test_no_model_or_no_scored_sentence_gives_nan():
    class Drift:
        sentence_other_paragraph_similarity = np.array([0.5, 0.1])
        sentence_local_similarity = np.array([0.5, 0.1])
        sentence_lexical_cohesion = np.array([0.5, 0.0])

    texts = ["Too short to score.", "This sentence has more than ten words in it, so it is scored here."]
    assert math.isnan(SentenceFit().max_logit(Drift(), texts))
    model = SentenceFit(coef=[-1.0, -1.0, -1.0, 0.0], intercept=0.0)
    assert np.isnan(model.inputs(Drift(), texts)[0]).all()
    assert model.max_logit(Drift(), texts) == pytest.approx(-0.2)  # -(0.1 + 0.1 + 0.0)
    assert math.isnan(model.max_logit(object(), texts))  # no sentence measurements


def test_save_and_load_round_trip(tmp_path):
    model = SentenceFit(coef=[-1.0, -2.0, -3.0, 0.5], intercept=1.5, min_words=8, max_words=30)
    model.save(tmp_path / "m.json", description="test")
    loaded = SentenceFit.load(tmp_path / "m.json")
    assert (loaded.coef, loaded.intercept, loaded.min_words, loaded.max_words) == ([-1.0, -2.0, -3.0, 0.5], 1.5, 8, 30)
    assert len(SentenceFit.load().coef) == len(INPUTS)  # the bundled model


def test_a_spliced_sentence_raises_the_signal(scorer):
    title = "Eastbrook approves new bus station"
    intact = scorer.score("\n\n".join(PARAGRAPHS), title=title).signals
    damaged = list(PARAGRAPHS)
    damaged[2] = damaged[2].replace("shops. ", f"shops. {SPLICED} ")
    spliced = scorer.score("\n\n".join(damaged), title=title).signals
    assert spliced["sentence_splice_logit"] > intact["sentence_splice_logit"] + 1.0
    feature = quality_features(spliced, ["sentence_splice"])["sentence_splice"]
    assert feature == max(0.0, spliced["sentence_splice_logit"] - 2.0)

"""From signals to one quality score, with each signal's contribution to it.

``quality`` is the estimated probability that an article is free of the defects ``coherence``
detects (spliced passages, scraping artifacts, a repeated headline or paragraph, a cut-off end,
paragraphs out of order, a headline that belongs to another story), for an article drawn from a
pool in which half the articles carry such a defect (the training mix). It is a calibrated
logistic model over features derived from the signals:

    quality = sigmoid(intercept + sum((weights[f] + short_weights[f] * short) * features[f]))

where ``short = 1 / sqrt(content paragraphs)`` (:func:`short_article`): the same sign of damage
weighs more in a short article, where it is a larger part of the text (and where the order and
fit signals have fewer units to go on). Every feature is 0 for an article that shows no sign of
damage and grows with the damage, and no weight is positive, so ``intercept`` is the log-odds of a
spotless article and ``(weights[f] + short_weights[f] * short) * features[f]`` (the *contribution*
of ``f``, reported per article) says how much ``f`` lowered the log-odds. A feature that is a part
of another (:data:`FEATURE_PARTS`, e.g. paragraph disorder in thin paragraphs) adds its contribution to
that one's, so one defect gives one reason.
For a corpus with another share of damaged articles ``p``, add ``log((1 - p) / p)`` to the
log-odds (:meth:`QualityModel.score` ``prior``).

Some defects are *removable*: ``coherence clean`` takes out the artifact spans and the repeated
headline lines (:data:`coherence.cleaning.REMOVED_KINDS`), and every other signal is measured on
the content units, which already leave those spans out. ``clean_quality`` is therefore the same
model without the contributions of the features that measure removable defects
(:data:`REMOVABLE_FEATURES`): the estimated probability that the text ``coherence clean`` leaves is
free of detected defects (:meth:`QualityModel.after_cleaning`). ``clean_quality >= quality``
always; a large gap means the article is cleanable rather than damaged.

The parameters are plain JSON shipped with the package (``coherence/data/quality_model.json``),
fitted by ``python -m coherence.training.train``; no pickles. Scoring never decides what is
kept: ``keep = quality >= threshold`` is applied afterwards and changes without re-scoring.
Because quality depends on the signals only, a saved scores file can be re-scored with a new
model without embedding anything (:func:`rescore`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


def _get(signals: dict[str, float], name: str, default: float = 0.0) -> float:
    value = signals.get(name, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return float(value)


def _hinge(signals: dict[str, float], name: str, below: float) -> float:
    value = signals.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return max(0.0, below - float(value))


#: ``paragraph_disorder`` counts an article's own paragraph order as no better than chance below this value of
#: ``paragraph_order_z``, the normal quantile of its permutation percentile (coherence/detectors/order.py): 1.25 is
#: the best 10.6% of orders (session 7, with the thin-paragraph split; 1.5 in session 6, 2.0 on the plain z-score
#: of sessions 5-6, 1.0 before)
ORDER_Z_BELOW = 1.25

#: Sentences per paragraph at or below which an article's paragraphs count as wholly thin, and at or above which
#: not at all (:func:`thin_paragraphs`): web posts have about 2, BBC reports about 4.
THIN_SENTENCES = (1.5, 4.0)


def thin_paragraphs(signals: dict[str, float]) -> float:
    """How far the article is laid out in thin paragraphs, from 0 (:data:`THIN_SENTENCES`'s upper end or more
    sentences per paragraph, or not measured) to 1 (its lower end or fewer), linear between. The order signals
    are weaker evidence there: each break compares a sentence or two, and loosely linked asides and quotes get
    a paragraph of their own."""
    sentences, paragraphs = _get(signals, "sentences", math.nan), _get(signals, "paragraphs", math.nan)
    if math.isnan(sentences) or math.isnan(paragraphs):  # not measured (signals of an older version): not thin
        return 0.0
    low, high = THIN_SENTENCES
    per_paragraph = sentences / max(paragraphs, 1.0)
    return min(1.0, max(0.0, (high - per_paragraph) / (high - low)))


#: ``topic_outlier`` counts the least related paragraph's similarity to the rest as low below
#: ``a - b * ln(content paragraphs)`` (:func:`topic_outlier`): the least of n similarities falls with n in intact
#: articles (clean training medians 0.59 at 2 paragraphs, 0.25 at 10-19), while a spliced block's stays near 0.1
#: (session 8, part 2; a fixed 0.6 before, which listed the reason on 89% of clean 10-19-paragraph articles).
TOPIC_OUTLIER_BELOW = (0.65, 0.1)


def topic_outlier(signals: dict[str, float]) -> float:
    """How far the least related paragraph's similarity to the rest (``min_topic_similarity``) falls below what an
    intact article with as many paragraphs has (:data:`TOPIC_OUTLIER_BELOW`); 0 when not measured."""
    a, b = TOPIC_OUTLIER_BELOW
    return _hinge(signals, "min_topic_similarity", a - b * math.log(max(_get(signals, "paragraphs", 1.0), 1.0)))


def _disorder(signals: dict[str, float]) -> float:
    """Both order signals say "out of order": the own order not among the best of its paragraphs' orders
    (:data:`ORDER_Z_BELOW`) times the position probe's correlation short of a perfect 1."""
    return _hinge(signals, "paragraph_order_z", ORDER_Z_BELOW) * _hinge(signals, "paragraph_position_corr", 1.0)


#: Each feature: (the signal it comes from, how it is computed). All are 0 for a clean article.
FEATURES: dict[str, tuple[str, Callable[[dict[str, float]], float]]] = {
    "artifact_fraction": ("artifact_fraction", lambda s: _get(s, "artifact_fraction")),
    "artifact_lines": (
        "artifact_lines",
        lambda s: math.log1p(_get(s, "artifact_lines", 1.0 if _get(s, "artifact_fraction") > 0 else 0.0)),
    ),
    "offtopic_fraction": ("offtopic_fraction", lambda s: _get(s, "offtopic_fraction")),
    "offtopic_units": (
        "offtopic_units",
        lambda s: math.log1p(_get(s, "offtopic_units", 1.0 if _get(s, "offtopic_fraction") > 0 else 0.0)),
    ),
    "duplicate_headline": ("duplicate_headline", lambda s: min(_get(s, "duplicate_headline"), 2.0)),
    "duplicate_text_fraction": ("duplicate_text_fraction", lambda s: _get(s, "duplicate_text_fraction")),
    "headline_mismatch": ("headline_similarity", lambda s: _hinge(s, "headline_similarity", 0.5)),
    "topic_outlier": ("min_topic_similarity", topic_outlier),
    "sentence_outlier": ("min_sentence_similarity", lambda s: _hinge(s, "min_sentence_similarity", 0.15)),
    "lead_gap": ("lead_headline_gap", lambda s: _get(s, "lead_headline_gap")),
    "low_cohesion": ("mean_neighbour_similarity", lambda s: _hinge(s, "mean_neighbour_similarity", 0.3)),
    "extra_segments": ("segments", lambda s: math.log(max(_get(s, "segments", 1.0), 1.0))),
    "ends_mid_sentence": ("ends_mid_sentence", lambda s: _get(s, "ends_mid_sentence")),
    "too_short": ("content_words", lambda s: max(0.0, 1.0 - _get(s, "content_words", 100.0) / 100.0)),
    "sentence_evidence": ("max_sentence_evidence", lambda s: max(0.0, _get(s, "max_sentence_evidence"))),
    "paragraph_evidence": ("max_paragraph_evidence", lambda s: max(0.0, _get(s, "max_paragraph_evidence"))),
    # paragraphs out of order: both order signals must say so (each alone misreads some real layouts), split
    # by how thin the paragraphs are (thin_paragraphs) so that the two layouts get weights of their own; the
    # thin part is reported as part of paragraph_disorder (FEATURE_PARTS)
    "paragraph_disorder": ("paragraph_order_z", lambda s: _disorder(s) * (1.0 - thin_paragraphs(s))),
    "paragraph_disorder_thin": ("paragraph_order_z", lambda s: _disorder(s) * thin_paragraphs(s)),
    "ends_open": ("ends_open", lambda s: _get(s, "ends_open")),
    # the most suspect sentence's / paragraph's spliced-in logit above 2 (coherence/detectors/unit_fit.py)
    "sentence_splice": (
        "sentence_splice_logit",
        lambda s: max(0.0, _get(s, "sentence_splice_logit", -math.inf) - 2.0),
    ),
    "paragraph_splice": (
        "paragraph_splice_logit",
        lambda s: max(0.0, _get(s, "paragraph_splice_logit", -math.inf) - 2.0),
    ),
    # text cues that the story does not start where the text starts (coherence/detectors/introductions.py)
    "opens_mid_story": ("opens_mid_story", lambda s: _get(s, "opens_mid_story")),
    "names_before_introduction": (
        "names_before_introduction",
        lambda s: min(_get(s, "names_before_introduction"), 2.0),
    ),
}


#: Features that are a part of another one: their contribution is reported under that one's name (one reason).
FEATURE_PARTS: dict[str, str] = {"paragraph_disorder_thin": "paragraph_disorder"}

#: The version :func:`coherence.training.train` writes in a model's JSON (4: ``paragraph_disorder`` split by
#: FEATURE_PARTS; an older model's ``paragraph_disorder`` reads both parts. 5: ``topic_outlier``'s cut falls with
#: the paragraph count; an older model's reads the fixed cut it was fitted with, :data:`OLD_TOPIC_OUTLIER_BELOW`).
MODEL_VERSION = 5

#: ``topic_outlier``'s cut in models of version 4 or older.
OLD_TOPIC_OUTLIER_BELOW = 0.6

#: Features that measure only defects ``coherence clean`` removes, with the flag kind each counts
#: (one of :data:`coherence.cleaning.REMOVED_KINDS`).
REMOVABLE_FEATURES: dict[str, str] = {
    "artifact_fraction": "artifact",
    "artifact_lines": "artifact",
    "duplicate_headline": "duplicate_headline",
}


def quality_features(signals: dict[str, float], names: list[str] | None = None) -> dict[str, float]:
    """The model's features (all of them, or ``names``), each 0 for a clean article."""
    return {name: float(FEATURES[name][1](signals)) for name in names or FEATURES}


def short_article(signals: dict[str, float]) -> float:
    """1 / sqrt(content paragraphs): 1 for a one-paragraph text, 1/3 for nine paragraphs."""
    return 1.0 / math.sqrt(max(_get(signals, "paragraphs", 1.0), 1.0))


def feature_signal(name: str) -> str:
    """The signal a feature is computed from."""
    return FEATURES[name][0] if name in FEATURES else name


@dataclass(frozen=True)
class QualityModel:
    """quality = sigmoid(intercept + sum((weights[f] + short_weights[f] * short) * features[f]));
    see the module docstring. A model without ``short_weights`` weighs every article alike."""

    intercept: float
    weights: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    short_weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> QualityModel:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath("data/quality_model.json").read_text()
        else:
            raw = Path(path).read_text()
        return cls.from_dict(json.loads(raw))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityModel:
        short = data.get("short_weights") or {}
        unknown = (set(data["weights"]) | set(short)) - set(FEATURES)
        if unknown:
            raise ValueError(f"quality model uses unknown features: {sorted(unknown)}")
        meta = {k: v for k, v in data.items() if k not in ("intercept", "weights", "short_weights")}
        weights = {k: float(v) for k, v in data["weights"].items()}
        return cls(float(data["intercept"]), weights, meta, {k: float(v) for k, v in short.items()})

    def to_dict(self) -> dict[str, Any]:
        out = {**self.meta, "intercept": self.intercept, "weights": dict(self.weights)}
        if self.short_weights:
            out["short_weights"] = dict(self.short_weights)
        return out

    @property
    def features(self) -> list[str]:
        """The features the model uses (a weight, a short-article weight, or both)."""
        return list(self.weights) + [name for name in self.short_weights if name not in self.weights]

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def logit(self, signals: dict[str, float]) -> tuple[float, dict[str, float]]:
        version = self.meta.get("version", MODEL_VERSION)
        if version < 4:
            # fitted before FEATURE_PARTS split its features: each whole reads its parts too
            features = quality_features(signals, sorted(set(self.features) | set(FEATURE_PARTS)))
            for part, whole in FEATURE_PARTS.items():
                value = features.pop(part)
                if whole in features:
                    features[whole] += value
        else:
            features = quality_features(signals, self.features)
        if version < 5 and "topic_outlier" in features:
            features["topic_outlier"] = _hinge(signals, "min_topic_similarity", OLD_TOPIC_OUTLIER_BELOW)
        short = short_article(signals) if self.short_weights else 0.0
        contributions: dict[str, float] = {}
        for name, value in features.items():
            weight = self.weights.get(name, 0.0) + self.short_weights.get(name, 0.0) * short
            reported = FEATURE_PARTS.get(name, name)
            contributions[reported] = contributions.get(reported, 0.0) + weight * value
        return self.intercept + sum(contributions.values()), contributions

    def score(self, signals: dict[str, float], prior: float | None = None) -> tuple[float, dict[str, float]]:
        """The quality in [0, 1] and each feature's contribution to its log-odds.

        ``prior``: the share of damaged articles expected in the corpus, when it is not the
        training mix's one half.
        """
        logit, contributions = self.logit(signals)
        if prior is not None:
            logit += math.log((1.0 - prior) / prior)
        return _sigmoid(logit), contributions

    def logit_after_cleaning(self, contributions: dict[str, float]) -> float:
        """The log-odds of ``clean_quality``: the intercept and the contributions (from :meth:`score`)
        of every feature but those of :data:`REMOVABLE_FEATURES`."""
        return self.intercept + sum(v for k, v in contributions.items() if k not in REMOVABLE_FEATURES)

    def after_cleaning(self, contributions: dict[str, float], prior: float | None = None) -> float:
        """``clean_quality``: the quality of the text ``coherence clean`` leaves, from the
        contributions :meth:`score` returned, leaving out those of :data:`REMOVABLE_FEATURES`."""
        logit = self.logit_after_cleaning(contributions)
        if prior is not None:
            logit += math.log((1.0 - prior) / prior)
        return _sigmoid(logit)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


#: Signals that make a quality score meaningless: the model and the sentence model are made for
#: English prose, so such articles get ``quality = None`` (and ``keep = False``) instead of a number.
UNSCORED_SIGNALS = ("non_english", "non_text")


def is_scoreable(signals: dict[str, float]) -> bool:
    """False for an article that is not English or not mostly text (see :data:`UNSCORED_SIGNALS`)."""
    return not any(_get(signals, name) > 0 for name in UNSCORED_SIGNALS)


def rescore(record: dict[str, Any], model: QualityModel, threshold: float = 0.5) -> dict[str, Any]:
    """A scores record with quality, clean_quality, keep and contributions recomputed by ``model``
    from its signals."""
    if record.get("error") or not record.get("signals"):
        return record
    signals = {k: (math.nan if v is None else float(v)) for k, v in record["signals"].items()}
    if not is_scoreable(signals):
        return {**record, "quality": None, "clean_quality": None, "keep": False, "contributions": {}}
    quality, contributions = model.score(signals)
    return {
        **record,
        "quality": round(quality, 4),
        "clean_quality": round(model.after_cleaning(contributions), 4),
        "keep": quality >= threshold,
        "contributions": {k: round(v, 4) for k, v in contributions.items()},
    }

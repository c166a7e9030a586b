"""Topic drift: where an article leaves its topic, from unit embeddings.

Two questions are answered from the same vectors:

* **Segments**: where the topic changes. The units are split into the segmentation that
  maximises within-segment cohesion minus a penalty per segment (exact dynamic programming over
  the units' Gram matrix), so the number of segments is chosen by the data, never given. The
  penalty grows with the log of the number of units (a BIC-like rule).
* **Off-topic units**: which paragraphs or sentences do not belong to the article. Each unit gets
  an *evidence* score from several signals, each measured as "how far below the article's own
  median, plus how low in absolute terms" (a drop and a level):

  - paragraphs: similarity to the rest of the article (leave-one-out, length-weighted centroid)
    and similarity to the headline, when there is one;
  - sentences: similarity to the *other* paragraphs, similarity to the other sentences of their
    own paragraph (local coherence), and lexical cohesion (the share of their content words that
    occur elsewhere in the article, see :mod:`coherence.detectors.cohesion`). Short sentences
    say little, so the evidence of any unit is scaled by ``min(1, words / length_scale)``.
    Optionally (``corpus_weight``), when articles are scored in a batch: how much closer a
    sentence is to the passages of *other* articles than to its own (:mod:`coherence.detectors.topics`).

  With ``unit_model=None`` a unit is off-topic when its evidence reaches the threshold for its
  level (hand weights and thresholds tuned on the dev half of the BBC splice benchmark,
  ``benchmarks/drift``). By default the flags come from a learned combiner instead
  (:mod:`coherence.detectors.drift_model`): a logistic model per unit level over these
  measurements and a few more (similarity to the paragraphs at least two places away and outside
  the unit's topic segment, the closest other unit, neighbours, shared names, length, position),
  fitted on the same dev half only (``python -m coherence.training.train_drift``). The evidence
  above is still computed and reported either way.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coherence.detectors.cohesion import LexicalCohesion
from coherence.detectors.drift_model import UnitModel, head_name
from coherence.detectors.topics import CorpusTopics

HEADLINE_METHODS = ("centroid", "max_paragraph", "max_sentence", "top3_sentences", "lead", "centroid_max_sentence")


@dataclass
class UnitOutlier:
    """One off-topic unit: its index, how sure we are, and why."""

    index: int
    score: float
    reason: str


@dataclass
class DriftResult:
    """Per-unit similarities, evidence, segments and off-topic units of one article."""

    paragraph_topic_similarity: np.ndarray
    paragraph_neighbour_similarity: np.ndarray
    sentence_topic_similarity: np.ndarray
    segment_starts: list[int]  # paragraph (or sentence, for one- or two-paragraph texts) indices
    segment_unit: str  # "paragraph" or "sentence"
    offtopic_paragraphs: list[UnitOutlier] = field(default_factory=list)
    offtopic_sentences: list[UnitOutlier] = field(default_factory=list)
    topic: np.ndarray | None = None
    paragraph_evidence: np.ndarray | None = None  # off-topic evidence per paragraph (nan: not scored)
    sentence_evidence: np.ndarray | None = None  # off-topic evidence per sentence (nan: not scored)
    paragraph_headline_similarity: np.ndarray | None = None
    sentence_headline_similarity: np.ndarray | None = None
    sentence_other_paragraph_similarity: np.ndarray | None = None
    sentence_local_similarity: np.ndarray | None = None
    sentence_lexical_cohesion: np.ndarray | None = None
    sentence_paragraph: np.ndarray | None = None  # the paragraph index of each sentence
    article_score: float = 0.0  # max evidence / threshold over all units: >= 1 means something is flagged
    paragraph_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    sentence_corpus_similarity: np.ndarray | None = None  # to the nearest paragraphs of other articles
    sentence_corpus_contrast: np.ndarray | None = None  # how much closer to them than to its own article
    paragraph_probability: np.ndarray | None = None  # unit model: P(spliced in) per paragraph (nan: not scored)
    sentence_probability: np.ndarray | None = None  # unit model: P(spliced in) per sentence (nan: not scored)
    paragraph_measurements: dict[str, np.ndarray] | None = None  # the unit model's inputs (last round)
    sentence_measurements: dict[str, np.ndarray] | None = None


@functools.lru_cache(maxsize=8)
def load_unit_model(path: str = "bundled") -> UnitModel:
    """The unit model stored at ``path`` (``"bundled"``: ``coherence/data/drift_model.json``), read once."""
    return UnitModel.load() if path == "bundled" else UnitModel.load(path)


def _normalize(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(norm > 0, norm, 1.0)


def robust_topic(vectors: np.ndarray, weights: np.ndarray | None = None, iterations: int = 2) -> np.ndarray:
    """A centroid that down-weights units far from the bulk of the article."""
    w = np.ones(len(vectors)) if weights is None else weights.astype(float)
    centroid = _normalize((w[:, None] * vectors).sum(0))
    for _ in range(iterations):
        sim = np.clip(vectors @ centroid, 0.0, None)
        centroid = _normalize(((w * sim**2)[:, None] * vectors).sum(0))
    return centroid


def leave_one_out_similarity(vectors: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Cosine of each unit to the weighted mean of all the other units."""
    n = len(vectors)
    if n < 2:
        return np.ones(n)
    w = np.ones(n) if weights is None else weights.astype(float)
    total = (w[:, None] * vectors).sum(0)
    others = total[None, :] - w[:, None] * vectors
    return np.einsum("ij,ij->i", vectors, _normalize(others))


def median_of_others(values: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """For each element, the median of the *other* elements (of ``reference`` ones only, if given).

    NaN elements are ignored; a row with no other element is NaN. O(n log n): the pool is sorted
    once, and an element of the pool takes the median of the pool without one copy of itself.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 2:
        return np.full(n, np.nan)
    in_pool = ~np.isnan(values)
    if reference is not None:
        in_pool &= np.asarray(reference, dtype=bool)
    pool = np.sort(values[in_pool])
    size = len(pool)
    out = np.full(n, np.median(pool) if size else np.nan)
    if size >= 2:
        position = np.searchsorted(pool, values[in_pool])  # the copy of itself that is left out
        low, high = (size - 2) // 2, (size - 1) // 2  # the middle of the remaining size - 1
        out[in_pool] = (pool[low + (low >= position)] + pool[high + (high >= position)]) / 2
    else:
        out[in_pool] = np.nan
    return out


def flag_until_stable(
    score: Callable[[np.ndarray], np.ndarray], threshold: float, n: int, max_iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """(last scores, flags) of ``n`` units: flag those whose score reaches ``threshold``, score again
    against the units not flagged (a spliced block must not vouch for itself), and repeat until
    the flags settle or ``max_iterations`` rounds are done. Half the units or more are never
    flagged. ``score(reference)`` gets a boolean mask of the units to compare against.
    """
    scores, flagged = np.full(n, np.nan), np.zeros(n, dtype=bool)
    for _ in range(max_iterations):
        scores = score(~flagged)
        now = np.nan_to_num(scores, nan=-np.inf) >= threshold
        if now.sum() * 2 >= n:  # never call most of the article off-topic
            now = flagged
        if (now == flagged).all():
            break
        flagged = now
    return scores, flagged


def drop_and_level(values: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """(median of the other units - x) + (-x): low against the article *and* low in absolute terms."""
    return median_of_others(values, reference) - 2.0 * values


_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def name_cohesion(texts: Sequence[str], stem_length: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """(share of each unit's names that occur in another unit, number of names of each unit).

    A name is a capitalised word that does not open the unit (a cheap stand-in for named
    entities: a passage from another story brings its own people and places). It counts as shared
    when the same word, in any case, occurs in another unit. Units without names get share 1.
    """
    vocab = [{w.casefold()[:stem_length] for w in _WORD.findall(t)} for t in texts]
    counts = Counter(w for words in vocab for w in words)
    share, number = np.ones(len(texts)), np.zeros(len(texts))
    for k, text in enumerate(texts):
        names = {
            w.casefold()[:stem_length]
            for w in _WORD.findall(text)[1:]
            if w[0].isupper() and w.casefold() not in ENGLISH_STOP_WORDS
        }
        if names:
            share[k] = sum(counts[n] > 1 for n in names) / len(names)
            number[k] = len(names)
    return share, number


def list_likeness(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(share of each unit's words, after the first, that are capitalised; commas and semicolons per word).

    High in team sheets, name lists and credits: passages that belong to their article however
    little they resemble its prose, and that spliced-in prose from another story does not look like.
    """
    capitalised, punctuation = np.zeros(len(texts)), np.zeros(len(texts))
    for k, text in enumerate(texts):
        words = _WORD.findall(text)
        if len(words) > 1:
            capitalised[k] = sum(w[0].isupper() for w in words[1:]) / (len(words) - 1)
        punctuation[k] = (text.count(",") + text.count(";")) / max(1, len(words))
    return capitalised, punctuation


def boundary_cohesion(sentence_vectors: np.ndarray, sentence_paragraph: list[int], window: int = 3) -> float:
    """Mean cosine between the ``window`` sentences before and after each paragraph break.

    Comparing blocks of sentences rather than whole paragraphs makes the value independent of
    layout: an article set one sentence per line scores like the same article in paragraphs.
    NaN when the text has no paragraph break.
    """
    owner = np.asarray(sentence_paragraph)
    breaks = np.flatnonzero(owner[1:] != owner[:-1]) + 1
    sims = [
        float(
            _normalize(sentence_vectors[max(0, b - window) : b].sum(0))
            @ _normalize(sentence_vectors[b : b + window].sum(0))
        )
        for b in breaks
    ]
    return float(np.mean(sims)) if sims else float("nan")


def local_break(vectors: np.ndarray) -> np.ndarray:
    """How much each sentence lowers the coherence of its neighbours: sim(prev, next) minus the mean of
    sim(prev, s) and sim(s, next). A sentence spliced in sits between two sentences that fit each other
    better than either fits it. 0 at the article's first and last sentence (a NaN input would keep a
    row out of a head's fit and its scoring)."""
    out = np.zeros(len(vectors))
    if len(vectors) >= 3:
        adjacent = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        skip = np.einsum("ij,ij->i", vectors[:-2], vectors[2:])
        out[1:-1] = skip - (adjacent[:-1] + adjacent[1:]) / 2
    return out


def back_break(vectors: np.ndarray) -> np.ndarray:
    """One-sided :func:`local_break` looking back: sim(s-2, s-1) minus sim(s-1, s), how much weaker the
    sentence's link to the one before it is than that sentence's link to its own predecessor. Defined at
    the article's last sentence, where :func:`local_break` is 0; 0 for the first two sentences."""
    out = np.zeros(len(vectors))
    if len(vectors) >= 3:
        adjacent = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        out[2:] = adjacent[:-1] - adjacent[1:]
    return out


def forward_break(vectors: np.ndarray) -> np.ndarray:
    """One-sided :func:`local_break` looking ahead: sim(s+1, s+2) minus sim(s, s+1) (0 for the last two
    sentences)."""
    return back_break(vectors[::-1])[::-1].copy()


def neighbour_paragraph_gap(vectors: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Each sentence's similarity to the paragraphs around its own (the previous and the next, those
    that exist; a paragraph is the normalised sum of its sentence vectors) minus the median of its
    paragraph mates' (:func:`paragraph_gap`; 0 when alone or with no other paragraph). Unlike
    :func:`paragraph_fit` it is defined in two-sentence paragraphs."""
    owner = np.asarray(owner)
    n_par = int(owner.max()) + 1 if len(owner) else 0
    if n_par < 2:
        return np.zeros(len(vectors))
    paragraphs = _normalize(np.vstack([vectors[owner == p].sum(0) for p in range(n_par)]))
    before = np.vstack([np.zeros(paragraphs.shape[1]), paragraphs[:-1]])
    after = np.vstack([paragraphs[1:], np.zeros(paragraphs.shape[1])])
    around = _normalize(before + after)
    return paragraph_gap(np.einsum("ij,ij->i", vectors, around[owner]), owner)


def paragraph_fit(vectors: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Mean similarity of each sentence to the other sentences of its paragraph, minus the mean pairwise
    similarity of those other sentences (how well it fits, against how well they fit each other).
    0 in paragraphs of fewer than three sentences."""
    out = np.zeros(len(vectors))
    for p in np.unique(owner):
        members = np.flatnonzero(owner == p)
        k = len(members)
        if k < 3:
            continue
        gram = vectors[members] @ vectors[members].T
        np.fill_diagonal(gram, 0.0)
        row = gram.sum(1)
        total = row.sum() / 2  # sum over pairs
        fit = row / (k - 1)
        others = (total - row) / ((k - 1) * (k - 2) / 2)
        out[members] = fit - others
    return out


def paragraph_gap(values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Each value minus the median of the other sentences of its paragraph (0 when alone)."""
    out = np.zeros(len(values))
    for p in np.unique(owner):
        members = np.flatnonzero(owner == p)
        if len(members) < 2:
            continue
        for j in members:
            out[j] = values[j] - np.median(values[members[members != j]])
    return out


def splice_measurements(
    vectors: np.ndarray, owner: np.ndarray, lexical: np.ndarray, names: np.ndarray
) -> dict[str, np.ndarray]:
    """Sentence inputs aimed at one sentence spliced inside a paragraph (added in session 6):
    :func:`local_break`, :func:`paragraph_fit`, and the sentence's lexical and name cohesion against
    the other sentences of its paragraph (:func:`paragraph_gap`). Session 7 added one-sided views for
    the places where those are 0 or reach across a paragraph break (the article's first and last
    sentences, a paragraph's last sentence, two-sentence paragraphs):
    :func:`back_break`, :func:`forward_break` and :func:`neighbour_paragraph_gap`. Only a model whose heads
    name a measurement uses it."""
    owner = np.asarray(owner)
    return {
        "local_break": local_break(vectors),
        "paragraph_fit": paragraph_fit(vectors, owner),
        "lexical_paragraph_gap": paragraph_gap(np.asarray(lexical, dtype=float), owner),
        "names_paragraph_gap": paragraph_gap(np.asarray(names, dtype=float), owner),
        "back_break": back_break(vectors),
        "forward_break": forward_break(vectors),
        "neighbour_paragraph_gap": neighbour_paragraph_gap(vectors, owner),
    }


def robust_z(values: np.ndarray) -> np.ndarray:
    """(x - median) / (1.4826 * MAD), with a floor on the spread."""
    if len(values) == 0:
        return values
    median = np.median(values)
    mad = 1.4826 * np.median(np.abs(values - median))
    return (values - median) / max(mad, 0.05)


def optimal_segments(vectors: np.ndarray, penalty: float, allowed: np.ndarray | None = None) -> list[int]:
    """Start indices of the segmentation maximising sum ||sum x||^2 / len - penalty * segments.

    Exact dynamic programming, O(n^2) over 2-D prefix sums of the Gram matrix. ``allowed`` (a
    boolean mask over the units) restricts where a segment may start; unit 0 always may.
    """
    n = len(vectors)
    if n <= 1:
        return [0] if n else []
    gram = vectors @ vectors.T
    prefix = np.zeros((n + 1, n + 1))
    prefix[1:, 1:] = gram.cumsum(0).cumsum(1)
    best = np.full(n + 1, -np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    blocked = np.zeros(n, dtype=bool) if allowed is None else ~np.asarray(allowed, dtype=bool)
    blocked[0] = False
    for end in range(1, n + 1):
        starts = np.arange(end)
        within = prefix[end, end] - prefix[starts, end] - prefix[end, starts] + prefix[starts, starts]
        totals = best[:end] + within / (end - starts) - penalty
        totals[blocked[:end]] = -np.inf
        back[end] = int(np.argmax(totals))
        best[end] = totals[back[end]]
    cuts, end = [], n
    while end > 0:
        cuts.append(int(back[end]))
        end = back[end]
    return sorted(cuts)


class DriftDetector:
    """Segments an article and finds the units that leave its main topic.

    Parameters
    ----------
    segment_penalty:
        Cost of one more topic segment, times the log of the number of units (a BIC-like rule;
        the gain of a segment is its length times its squared mean vector). Larger values give
        fewer segments; 0.34 was best on Choi set 4 (dev).
    min_units:
        Articles with fewer paragraphs are not searched for off-topic paragraphs, and those
        with fewer sentences not for off-topic sentences.
    min_words:
        Units with fewer words (a dateline fragment, a one-line quote tag) are never flagged.
    headline_weight:
        Share of the paragraph evidence that comes from similarity to the headline (the rest
        from similarity to the rest of the article); ignored when there is no headline.
    paragraph_threshold, sentence_threshold:
        Evidence at or above which a paragraph or a sentence is off-topic when there is no
        ``unit_model`` (chosen on BBC dev, 300 sources: best F1 with at most 2.5% of unmodified
        articles flagged, ``benchmarks.drift.tune``); they also scale ``article_score`` then.
        With ``corpus_weight=1.0`` the sentence threshold that keeps that budget is 1.13.
    lexical_weight:
        Weight of lexical cohesion in the sentence evidence.
    length_scale:
        Units shorter than this many words say less: their evidence is scaled by
        ``min(1, words / length_scale)``.
    headline_method:
        How ``headline_similarity`` is computed, one of :data:`HEADLINE_METHODS`.
    max_iterations:
        Rounds of "flag, then re-measure against the paragraphs not flagged", so that the
        paragraphs of a spliced block cannot vouch for each other.
    local_window:
        A sentence's local context is the rest of its paragraph plus this many sentences on
        either side (0 was best on BBC dev).
    corpus_weight:
        Weight of the corpus contrast in the sentence evidence; used only when :meth:`detect` is
        given ``corpus_vectors`` (the paragraphs of the batch's *other* articles). 0 (off) by
        default: on BBC dev, 1.0 (with ``sentence_threshold=1.13``) gained only 0.006 / 0.010 F1
        at the same false-alarm rate, because news corpora hold many stories on the same events,
        and it makes an article's flags depend on its batch (see docs/benchmarks/drift.md). The contrast
        is how much closer a sentence is to its nearest passages in the other articles than
        ``corpus_reference`` is to the rest of its own article.
    corpus_reference:
        "sentence": the sentence itself; "neighbours": those nearest passages (a sentence whose
        neighbours elsewhere are about its own article's topic is not off-topic however close
        it is to them); "mean": the mean of both.
    corpus_neighbours:
        How many nearest paragraphs of other articles a sentence is compared with.
    corpus_min_articles:
        Batches with fewer articles are scored without corpus evidence (see :meth:`corpus`).
    unit_model:
        The learned off-topic combiner (:class:`~coherence.detectors.drift_model.UnitModel`):
        ``"bundled"`` (default) for the one shipped in ``coherence/data/drift_model.json``, a
        path to such a JSON file, a model, or ``None`` for the hand-weighted evidence and
        thresholds above. With a model, a unit is
        off-topic when its probability reaches the model's threshold (paragraphs first, re-measured
        against the paragraphs not flagged, as above; then the sentences of the others); the
        hand-weighted evidence is still computed and reported (``paragraph_evidence``,
        ``sentence_evidence``), it just does not decide the flags.
    """

    def __init__(
        self,
        *,
        segment_penalty: float = 0.34,
        min_units: int = 3,
        min_words: int = 10,
        headline_weight: float = 0.85,
        paragraph_threshold: float = 0.16,
        sentence_threshold: float = 0.62,
        lexical_weight: float = 0.5,
        length_scale: float = 20.0,
        headline_method: str = "max_paragraph",
        max_iterations: int = 3,
        local_window: int = 0,
        corpus_weight: float = 0.0,
        corpus_reference: str = "mean",
        corpus_neighbours: int = 3,
        corpus_min_articles: int = 20,
        unit_model: UnitModel | str | None = "bundled",
    ) -> None:
        self.segment_penalty = segment_penalty
        self.min_units = min_units
        self.min_words = min_words
        self.headline_weight = headline_weight
        self.paragraph_threshold = paragraph_threshold
        self.sentence_threshold = sentence_threshold
        self.lexical_weight = lexical_weight
        self.length_scale = length_scale
        self.headline_method = headline_method
        self.max_iterations = max_iterations
        self.local_window = local_window
        self.corpus_weight = corpus_weight
        self.corpus_reference = corpus_reference
        self.corpus_neighbours = corpus_neighbours
        self.corpus_min_articles = corpus_min_articles
        self.unit_model = unit_model

    # -- segmentation ---------------------------------------------------------------------------
    def segment(self, vectors: np.ndarray, allowed: np.ndarray | None = None) -> list[int]:
        """Start indices of the topic segments of consecutive unit vectors (the first is 0).

        ``allowed`` optionally marks the units where a segment may start (paragraph starts, when
        the vectors are sentences).
        """
        n = len(vectors)
        if n < 3:
            return [0] if n else []
        return optimal_segments(vectors, self.segment_penalty * np.log(n), allowed)

    # -- off-topic units ------------------------------------------------------------------------
    def corpus(self, paragraph_vectors: Sequence[np.ndarray]) -> CorpusTopics:
        """The batch's paragraph vectors (one array per article), for ``detect(corpus_vectors=...)``."""
        return CorpusTopics(min_articles=self.corpus_min_articles).fit(paragraph_vectors)

    def corpus_neighbours_of(self, vectors: np.ndarray, corpus_vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean cosine of each unit to its ``corpus_neighbours`` nearest corpus paragraphs, the
        normalised mean vector of those paragraphs)."""
        k = min(self.corpus_neighbours, len(corpus_vectors))
        sims = vectors @ corpus_vectors.T
        nearest = np.argpartition(sims, -k, axis=1)[:, -k:]
        return np.take_along_axis(sims, nearest, axis=1).mean(axis=1), _normalize(corpus_vectors[nearest].mean(axis=1))

    def corpus_contrast(
        self, vectors: np.ndarray, own_similarity: np.ndarray, rest: np.ndarray, corpus_vectors: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(similarity of each unit to its nearest corpus passages, how much closer it is to them than
        ``corpus_reference`` is to ``rest``, the normalised rest of the article seen from each unit)."""
        near, neighbours = self.corpus_neighbours_of(vectors, corpus_vectors)
        neighbours_own = np.einsum("ij,ij->i", neighbours, rest)
        reference = {"sentence": own_similarity, "neighbours": neighbours_own}.get(
            self.corpus_reference, (own_similarity + neighbours_own) / 2
        )
        return near, near - reference

    def detect(
        self,
        paragraph_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        sentence_paragraph: Sequence[int],
        paragraph_weights: np.ndarray | None = None,
        paragraph_words: np.ndarray | None = None,
        sentence_words: np.ndarray | None = None,
        headline_vector: np.ndarray | None = None,
        sentence_texts: Sequence[str] | None = None,
        corpus_vectors: np.ndarray | None = None,
    ) -> DriftResult:
        """Similarities, evidence, segments and off-topic units of one article.

        ``corpus_vectors``: paragraph vectors of the other articles scored with this one
        (:meth:`CorpusTopics.others`); ``None`` for an article on its own.
        """
        n_par, n_sent = len(paragraph_vectors), len(sentence_vectors)
        owner = np.asarray(sentence_paragraph, dtype=int)
        weights = np.ones(n_par) if paragraph_weights is None else np.asarray(paragraph_weights, dtype=float)
        par_words = np.full(n_par, self.min_words) if paragraph_words is None else np.asarray(paragraph_words)
        sent_words = np.full(n_sent, self.min_words) if sentence_words is None else np.asarray(sentence_words)
        topic = robust_topic(paragraph_vectors, weights) if n_par else None
        par_sim = leave_one_out_similarity(paragraph_vectors, weights)
        neighbour = np.einsum("ij,ij->i", paragraph_vectors[:-1], paragraph_vectors[1:]) if n_par > 1 else np.zeros(0)
        sent_sim = leave_one_out_similarity(sentence_vectors, sent_words.astype(float))
        par_head = paragraph_vectors @ headline_vector if headline_vector is not None else None
        sent_head = sentence_vectors @ headline_vector if headline_vector is not None else None

        if n_par >= 3 and n_sent:
            # Sentence vectors (the penalty is calibrated on sentences), cut only at paragraph starts.
            first = np.r_[True, owner[1:] != owner[:-1]]
            starts, unit = sorted({int(owner[i]) for i in self.segment(sentence_vectors, first)}), "paragraph"
            if starts[0] != 0:
                starts = [0, *starts[1:]]
        elif n_par >= 3:
            starts, unit = self.segment(paragraph_vectors), "paragraph"
        else:
            starts, unit = self.segment(sentence_vectors), "sentence"
        result = DriftResult(
            par_sim,
            neighbour,
            sent_sim,
            starts,
            unit,
            topic=topic,
            paragraph_headline_similarity=par_head,
            sentence_headline_similarity=sent_head,
            paragraph_vectors=paragraph_vectors,
            sentence_vectors=sentence_vectors,
            sentence_paragraph=owner,
        )

        # Paragraphs: drop and level of topic similarity and of headline similarity, against the
        # paragraphs not yet flagged (a spliced block must not vouch for itself): flag, take the
        # flagged paragraphs out of the reference, and repeat until nothing changes.
        par_ev, flagged = flag_until_stable(
            lambda reference: self._paragraph_evidence(paragraph_vectors, weights, par_head, par_words, reference),
            self.paragraph_threshold,
            n_par,
            self.max_iterations if n_par >= self.min_units else 0,
        )
        result.paragraph_evidence = par_ev
        reference = ~flagged
        topic_sim = leave_one_out_similarity(paragraph_vectors, weights * reference)
        for i in np.flatnonzero(flagged):
            reason = (
                f"paragraph similarity to the rest of the article {topic_sim[i]:.2f} "
                f"(median of the other paragraphs {np.median(topic_sim[reference]):.2f})"
            )
            if par_head is not None:
                reason += f", to the headline {par_head[i]:.2f} (median {np.median(par_head[reference]):.2f})"
            score = self._score(par_ev[i], self.paragraph_threshold)
            result.offtopic_paragraphs.append(UnitOutlier(int(i), score, reason))

        # Sentences: other paragraphs, own paragraph (local coherence), lexical cohesion.
        sent_ev = np.full(n_sent, np.nan)
        if n_sent >= self.min_units and n_par:
            other_par, local, rest = self._sentence_context(
                paragraph_vectors, sentence_vectors, owner, weights * reference, sent_sim
            )
            lexical = LexicalCohesion().shared(sentence_texts)[0] if sentence_texts is not None else np.ones(n_sent)
            result.sentence_other_paragraph_similarity = other_par
            result.sentence_local_similarity = local
            result.sentence_lexical_cohesion = lexical
            ref = reference[owner]
            raw = (
                drop_and_level(other_par, ref)
                + drop_and_level(local, ref)
                + self.lexical_weight * drop_and_level(lexical, ref)
            )
            use_corpus = corpus_vectors is not None and len(corpus_vectors) > 0 and self.corpus_weight > 0
            if use_corpus:
                near, contrast = self.corpus_contrast(sentence_vectors, other_par, rest, corpus_vectors)
                result.sentence_corpus_similarity, result.sentence_corpus_contrast = near, contrast
                raw = raw + self.corpus_weight * drop_and_level(-contrast, ref)
            sent_ev = raw * np.minimum(1.0, sent_words / self.length_scale)
            flagged = {o.index for o in result.offtopic_paragraphs}
            sent_ev[(sent_words < self.min_words) | np.isin(owner, list(flagged))] = np.nan
            hand_flags = np.flatnonzero(sent_ev >= self.sentence_threshold) if self.unit_model is None else []
            for j in hand_flags:
                reason = (
                    f"sentence similarity to the other paragraphs {other_par[j]:.2f} "
                    f"(article median {np.median(other_par):.2f}), to its own paragraph and neighbours "
                    f"{local[j]:.2f} (median {np.median(local):.2f}); {lexical[j]:.0%} of its content words "
                    f"occur elsewhere (median {np.median(lexical):.0%})"
                )
                if use_corpus:
                    reason += (
                        f"; {result.sentence_corpus_contrast[j]:+.2f} closer to passages of other articles "
                        f"than to its own (article median {np.median(result.sentence_corpus_contrast):+.2f})"
                    )
                result.offtopic_sentences.append(
                    UnitOutlier(int(j), self._score(sent_ev[j], self.sentence_threshold), reason)
                )
        result.sentence_evidence = sent_ev
        ratios = [np.nanmax(par_ev) / self.paragraph_threshold if np.any(np.isfinite(par_ev)) else 0.0]
        ratios.append(np.nanmax(sent_ev) / self.sentence_threshold if np.any(np.isfinite(sent_ev)) else 0.0)
        result.article_score = float(max(ratios))
        model = self.model()
        if model is not None:
            result.offtopic_paragraphs = []
            self._model_offtopic(model, result, weights, par_words, sent_words, owner, headline_vector, sentence_texts)
        return result

    def model(self) -> UnitModel | None:
        """The unit model in use (``None``: hand-weighted evidence decides the flags)."""
        if isinstance(self.unit_model, str):
            return load_unit_model(self.unit_model)
        return self.unit_model

    # -- the learned combiner -------------------------------------------------------------------
    def paragraph_measurements(
        self,
        vectors: np.ndarray,
        weights: np.ndarray,
        words: np.ndarray,
        headline_sim: np.ndarray | None,
        reference: np.ndarray,
        lexical: np.ndarray,
        names: tuple[np.ndarray, np.ndarray],
        segment_starts: Sequence[int] = (0,),
        style: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """The unit model's paragraph inputs, against the ``reference`` paragraphs (those not flagged).

        Besides the similarity to the rest of the article, two views that a spliced block cannot
        vouch for itself in: similarity to the reference paragraphs at least two places away
        (``far``), and to those outside the paragraph's topic segment (``outside``). ``style``:
        :func:`list_likeness` of the paragraphs (zeros when not given).
        """
        n = len(vectors)
        topic = leave_one_out_similarity(vectors, weights * reference)
        position = np.arange(n)
        segment = np.searchsorted(np.asarray(segment_starts), position, side="right") - 1
        segment_size = np.bincount(segment, minlength=segment.max() + 1)[segment]
        w = weights * reference
        far = np.abs(position[:, None] - position[None, :]) >= 2
        outside = segment[:, None] != segment[None, :]
        far_sim = np.einsum("ij,ij->i", vectors, _normalize((far * w[None, :]) @ vectors))
        outside_sim = np.einsum("ij,ij->i", vectors, _normalize((outside * w[None, :]) @ vectors))
        for sims, mask in ((far_sim, far), (outside_sim, outside)):  # no such paragraph: the rest of the article
            empty = (mask * w[None, :]).sum(1) == 0
            sims[empty] = topic[empty]
        gram = vectors @ vectors.T
        np.fill_diagonal(gram, np.nan)
        gram[:, ~reference] = np.nan
        adjacent = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        before, after = np.r_[np.nan, adjacent], np.r_[adjacent, np.nan]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-nan rows: no other reference paragraph
            m = {
                "topic": topic,
                "topic_median": median_of_others(topic, reference),
                "far": far_sim,
                "outside": outside_sim,
                "segment_share": segment_size / n,
                "closest": np.nanmax(gram, axis=1),
                "neighbour_max": np.fmax(before, after),
                "neighbour_min": np.fmin(before, after),
            }
        m["lexical"] = lexical
        m["lexical_median"] = median_of_others(lexical, reference)
        m["names"], m["log_names"] = names[0], np.log1p(names[1])
        m["capitalised"], m["punctuation"] = style if style is not None else (np.zeros(n), np.zeros(n))
        if headline_sim is not None:
            m["headline"] = headline_sim
            m["headline_median"] = median_of_others(headline_sim, reference)
        m["evidence"] = self._paragraph_evidence(vectors, weights, headline_sim, words, reference)
        m["length"] = np.minimum(words, 60) / 60
        m["edge"] = np.isin(np.arange(n), [0, n - 1]).astype(float)
        m["log_units"] = np.full(n, np.log(n))
        return m

    def sentence_measurements(
        self,
        paragraph_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        owner: np.ndarray,
        weights: np.ndarray,
        words: np.ndarray,
        headline_vector: np.ndarray | None,
        reference: np.ndarray,
        lexical: np.ndarray,
        names: tuple[np.ndarray, np.ndarray],
    ) -> dict[str, np.ndarray]:
        """The unit model's sentence inputs; ``reference`` marks the paragraphs not flagged."""
        n = len(sentence_vectors)
        sent_sim = leave_one_out_similarity(sentence_vectors, words.astype(float) * reference[owner])
        other_par, local, _ = self._sentence_context(
            paragraph_vectors, sentence_vectors, owner, weights * reference, sent_sim
        )
        ref = reference[owner]
        m: dict[str, np.ndarray] = {}
        columns = {
            "other_paragraphs": other_par,
            "local": local,
            "lexical": lexical,
            "sentences": sent_sim,
            "names": names[0],
        }
        if headline_vector is not None:
            columns["headline"] = sentence_vectors @ headline_vector
        for name, values in columns.items():
            m[name] = values
            m[f"{name}_median"] = median_of_others(values, ref)
        gram = sentence_vectors @ sentence_vectors.T
        np.fill_diagonal(gram, np.nan)
        gram[:, ~ref] = np.nan
        adjacent = np.einsum("ij,ij->i", sentence_vectors[:-1], sentence_vectors[1:]) if n > 1 else np.zeros(0)
        before, after = np.r_[np.nan, adjacent], np.r_[adjacent, np.nan]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            m["closest"] = np.nanmax(gram, axis=1)
            m["neighbour_max"] = np.fmax(before, after)
            m["neighbour_min"] = np.fmin(before, after)
        m["log_names"] = np.log1p(names[1])
        raw = (
            drop_and_level(other_par, ref)
            + drop_and_level(local, ref)
            + self.lexical_weight * drop_and_level(lexical, ref)
        )
        m["evidence"] = raw * np.minimum(1.0, words / self.length_scale)
        m["length"] = np.minimum(words, 40) / 40
        first = np.r_[True, owner[1:] != owner[:-1]]
        last = np.r_[owner[1:] != owner[:-1], True]
        sizes = np.bincount(owner, minlength=len(paragraph_vectors))[owner]
        m["paragraph_edge"] = (first | last).astype(float)
        m["alone"] = (sizes == 1).astype(float)
        m["log_paragraph_sentences"] = np.log(sizes)
        m["article_edge"] = np.isin(owner, [0, len(paragraph_vectors) - 1]).astype(float)
        m["log_units"] = np.full(n, np.log(n))
        m.update(splice_measurements(sentence_vectors, owner, lexical, names[0]))
        return m

    def _model_offtopic(self, model, result, weights, par_words, sent_words, owner, headline_vector, texts) -> None:
        """Flags, probabilities and measurements of the unit model (see ``unit_model``)."""
        paragraphs, sentences = result.paragraph_vectors, result.sentence_vectors
        n_par, n_sent = len(paragraphs), len(sentences)
        par_texts = (
            [" ".join(t for t, o in zip(texts, owner, strict=True) if o == i) for i in range(n_par)]
            if texts is not None
            else None
        )
        par_lexical = LexicalCohesion().shared(par_texts)[0] if par_texts is not None else np.ones(n_par)
        sent_lexical = LexicalCohesion().shared(texts)[0] if texts is not None else np.ones(n_sent)
        par_names = name_cohesion(par_texts) if par_texts is not None else (np.ones(n_par), np.zeros(n_par))
        par_style = list_likeness(par_texts) if par_texts is not None else None
        sent_names = name_cohesion(texts) if texts is not None else (np.ones(n_sent), np.zeros(n_sent))
        head = result.paragraph_headline_similarity
        segment_starts = result.segment_starts if result.segment_unit == "paragraph" else [0]
        par_head = head_name("paragraph", headline_vector is not None)

        def paragraph_probability(reference: np.ndarray) -> np.ndarray:
            m = self.paragraph_measurements(
                paragraphs, weights, par_words, head, reference, par_lexical, par_names, segment_starts, par_style
            )
            result.paragraph_measurements = m
            prob = model.probability(par_head, m, n_par)
            prob[par_words < self.min_words] = np.nan
            return prob

        prob, flagged = flag_until_stable(
            paragraph_probability,
            model.paragraph_threshold,
            n_par,
            self.max_iterations if n_par >= self.min_units else 0,
        )
        result.paragraph_probability = prob
        reference = ~flagged
        for i in np.flatnonzero(flagged):
            m = result.paragraph_measurements
            reason = (
                f"paragraph similarity to the rest of the article {m['topic'][i]:.2f} "
                f"(median of the other paragraphs {m['topic_median'][i]:.2f})"
            )
            if head is not None:
                reason += f", to the headline {head[i]:.2f} (median {m['headline_median'][i]:.2f})"
            reason += f"; splice probability {prob[i]:.2f} (threshold {model.paragraph_threshold:.2f})"
            score = self._probability_score(prob[i], model.paragraph_threshold)
            result.offtopic_paragraphs.append(UnitOutlier(int(i), score, reason))

        sent_prob = np.full(n_sent, np.nan)
        if n_sent >= self.min_units and n_par:
            m = self.sentence_measurements(
                paragraphs, sentences, owner, weights, sent_words, headline_vector, reference, sent_lexical, sent_names
            )
            result.sentence_measurements = m
            sent_prob = model.probability(head_name("sentence", headline_vector is not None), m, n_sent)
            sent_prob[(sent_words < self.min_words) | flagged[owner]] = np.nan
            for j in np.flatnonzero(np.nan_to_num(sent_prob, nan=-np.inf) >= model.sentence_threshold):
                reason = (
                    f"sentence similarity to the other paragraphs {m['other_paragraphs'][j]:.2f} "
                    f"(article median {m['other_paragraphs_median'][j]:.2f}), to its own paragraph and neighbours "
                    f"{m['local'][j]:.2f} (median {m['local_median'][j]:.2f}); {m['lexical'][j]:.0%} of its content "
                    f"words occur elsewhere (median {m['lexical_median'][j]:.0%}); splice probability "
                    f"{sent_prob[j]:.2f} (threshold {model.sentence_threshold:.2f})"
                )
                result.offtopic_sentences.append(
                    UnitOutlier(int(j), self._probability_score(sent_prob[j], model.sentence_threshold), reason)
                )
        result.sentence_probability = sent_prob
        ratios = [
            np.nanmax(p) / model.threshold(level) if np.any(np.isfinite(p)) else 0.0
            for p, level in ((prob, "paragraph"), (sent_prob, "sentence"))
        ]
        result.article_score = float(max(ratios))

    @staticmethod
    def _probability_score(probability: float, threshold: float) -> float:
        """A flag score in [0.5, 0.99]: 0.5 at the threshold, rising with the probability."""
        return float(np.clip(0.5 + 0.5 * (probability - threshold) / max(1e-9, 1.0 - threshold), 0.5, 0.99))

    def _paragraph_evidence(self, vectors, weights, headline_sim, words, reference) -> np.ndarray:
        """Paragraph evidence against the ``reference`` paragraphs (those not flagged so far)."""
        topic_sim = leave_one_out_similarity(vectors, weights * reference)
        evidence = drop_and_level(topic_sim, reference)
        if headline_sim is not None:
            evidence = (1 - self.headline_weight) * evidence + self.headline_weight * drop_and_level(
                headline_sim, reference
            )
        evidence = evidence * np.minimum(1.0, words / self.length_scale)
        evidence[words < self.min_words] = np.nan
        return evidence

    def _sentence_context(self, paragraphs, sentences, owner, weights, fallback):
        """Per sentence: cosine to the other paragraphs, to its context (the other sentences of its
        paragraph plus ``local_window`` sentences either side), and the normalised rest of the article."""
        n_sent = len(sentences)
        total = (weights[:, None] * paragraphs).sum(0)
        rest = _normalize(total[None, :] - weights[owner][:, None] * paragraphs[owner])
        other_par = np.einsum("ij,ij->i", sentences, rest)
        index = np.arange(n_sent)
        distance = np.abs(index[:, None] - index[None, :])
        mates = (owner[:, None] == owner[None, :]) | (distance <= self.local_window)
        np.fill_diagonal(mates, False)
        alone = ~mates.any(axis=1)
        mates[alone] = distance[alone] == 1  # no context: the neighbours, if any
        context = _normalize(mates.astype(sentences.dtype) @ sentences)
        local = np.where(mates.any(axis=1), np.einsum("ij,ij->i", sentences, context), fallback)
        if len(paragraphs) < 2:
            other_par = fallback
            rest = _normalize(sentences.sum(0)[None, :] - sentences)
        return other_par, local, rest

    @staticmethod
    def _score(evidence: float, threshold: float) -> float:
        return float(np.clip(0.5 + 0.5 * (evidence / threshold - 1.0), 0.5, 0.99))

    # -- headline -------------------------------------------------------------------------------
    def headline_similarities(self, headline_vector: np.ndarray, result: DriftResult) -> dict[str, float]:
        """Every variant of headline-body similarity (see :data:`HEADLINE_METHODS`)."""
        nan = float("nan")
        par = result.paragraph_vectors @ headline_vector if result.paragraph_vectors is not None else np.zeros(0)
        sent = result.sentence_vectors @ headline_vector if result.sentence_vectors is not None else np.zeros(0)
        centroid = float(headline_vector @ result.topic) if result.topic is not None else nan
        max_sentence = float(sent.max()) if len(sent) else nan
        return {
            "centroid": centroid,
            "max_paragraph": float(par.max()) if len(par) else nan,
            "max_sentence": max_sentence,
            "top3_sentences": float(np.sort(sent)[-3:].mean()) if len(sent) else nan,
            "lead": float(par[0]) if len(par) else nan,
            "centroid_max_sentence": (centroid + max_sentence) / 2,
        }

    def headline_similarity(self, headline_vector: np.ndarray, result: DriftResult) -> float:
        """Similarity of the headline to the body, by ``headline_method``."""
        return self.headline_similarities(headline_vector, result)[self.headline_method]

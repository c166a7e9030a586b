"""Preparing one article for scoring: everything that needs no embeddings.

The scorer calls :func:`prepare` on every article of a batch, embeds the units of the whole
batch in one go, then finishes each article with its slice of the vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coherence.article import Article
from coherence.detectors.headline import HeadlineMatch
from coherence.detectors.language import LanguageResult
from coherence.flags import Flag
from coherence.units import Span, Units


@dataclass
class Analysis:
    """An article taken apart: its flags so far, headline, content units and their vectors."""

    article: Article
    text: str  # the analysed text: article.text, or its first max_chars characters
    headline: HeadlineMatch | None
    flags: list[Flag]
    units: Units
    warnings: list[str] = field(default_factory=list)
    language: LanguageResult | None = None  # the language detector's assessment of ``text``
    paragraph_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    headline_vector: np.ndarray | None = None
    drift: object | None = None  # a DriftResult once finished

    def texts_to_embed(self) -> list[str]:
        """Paragraphs, then sentences, then the headline (if any)."""
        texts = list(self.units.paragraph_texts) + self.units.sentence_texts(self.text)
        if self.headline is not None:
            texts.append(self.headline.text)
        return texts

    def attach_vectors(self, vectors: np.ndarray) -> None:
        n_par, n_sent = len(self.units.paragraphs), len(self.units.sentences)
        self.paragraph_vectors = vectors[:n_par]
        self.sentence_vectors = vectors[n_par : n_par + n_sent]
        if self.headline is not None:
            self.headline_vector = vectors[n_par + n_sent]

    def spans(self, kind: str) -> list[Span]:
        return [Span(f.start, f.end) for f in self.flags if f.kind == kind and f.field == "text"]

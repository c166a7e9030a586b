"""Detectors: one module per kind of damage, each a small class with one job.

Every detector returns :class:`~coherence.flags.Flag` objects (located spans with a score and a
reason); none of them decides whether an article is kept.
"""

from coherence.detectors.artifacts import ArtifactDetector
from coherence.detectors.boilerplate import BoilerplateDetector
from coherence.detectors.corpus import CorpusIndex
from coherence.detectors.drift import DriftDetector, DriftResult
from coherence.detectors.headline import HeadlineDetector, HeadlineMatch
from coherence.detectors.heuristics import DocumentHeuristics
from coherence.detectors.language import LanguageDetector
from coherence.detectors.repeats import RepeatDetector

__all__ = [
    "ArtifactDetector",
    "BoilerplateDetector",
    "CorpusIndex",
    "DocumentHeuristics",
    "DriftDetector",
    "DriftResult",
    "HeadlineDetector",
    "HeadlineMatch",
    "LanguageDetector",
    "RepeatDetector",
]

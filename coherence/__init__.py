"""coherence: find damaged news and web articles, where, and how badly."""

from coherence.article import Article, RecordError
from coherence.embedding import Embedder
from coherence.flags import Flag
from coherence.report import Report
from coherence.results import Results
from coherence.scorer import Scorer

__version__ = "0.1.0"
__all__ = ["Article", "Embedder", "Flag", "RecordError", "Report", "Results", "Scorer", "__version__"]

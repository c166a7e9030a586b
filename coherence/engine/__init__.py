"""Engines that run a :class:`~coherence.Scorer` over a corpus.

* :mod:`coherence.engine.local`: one process, sharded atomic output, ``--resume`` after any
  interruption with exactly one report per input record.
* :mod:`coherence.engine.ray`: Ray Data on a local or remote Ray cluster (``--engine ray``).
"""

from coherence.engine.local import ResumeError, RunSummary, run_local

__all__ = ["ResumeError", "RunSummary", "run_local"]

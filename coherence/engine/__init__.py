"""Engines that run a :class:`~coherence.Scorer` over a corpus.

* :mod:`coherence.engine.local`: one process, sharded atomic output, ``--resume`` after any
  interruption with exactly one report per input record.
* :mod:`coherence.engine.ray`: Ray Data on a local or remote Ray cluster (``--engine ray``), with
  the same sharded output and ``--resume`` (either engine continues the other's run).
"""

from coherence.engine.local import ResumeError, RunSummary, run_local

__all__ = ["ResumeError", "RunSummary", "run_local"]

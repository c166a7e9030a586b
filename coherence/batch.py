"""Batch functions for Hugging Face ``datasets.map(batched=True)``, pandas and Ray Data.

A batch is a dict of equal-length columns (``{"text": [...], "title": [...], ...}``); the result
is a dict of new columns, one value per row::

    from coherence.batch import BatchScorer

    scored = dataset.map(BatchScorer(), batched=True, batch_size=256)        # Hugging Face
    frame = frame.join(pd.DataFrame(BatchScorer()(frame.to_dict("list")), index=frame.index))

The new columns are ``quality`` (float or None), ``keep`` (bool), ``error`` (str or None) and
``report``: the whole report as a JSON string, exactly one line of ``coherence score`` output
(JSON keeps the column types stable from batch to batch, which ``datasets`` and Arrow need).
With ``signals=True`` each signal also gets its own float column ``signal_<name>``.

Each call is an independent :meth:`Scorer.score_many`: duplicate ids and corpus duplicates are
found within a batch, not across batches (use ``coherence score`` for corpus-wide duplicates).
The model is loaded once per ``BatchScorer`` (on the first call), so create one and reuse it;
``datasets.map(num_proc=...)`` pickles it before the model is loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from coherence.io.records import FieldNames

# the signals every report has (a report with ``error`` has none: their columns get None)
SIGNAL_COLUMNS = (
    "headline_similarity",
    "offtopic_fraction",
    "artifact_fraction",
    "duplicate_headline",
    "duplicate_text_fraction",
)


class BatchScorer:
    """A callable that scores a batch of records given as columns.

    Parameters
    ----------
    scorer:
        The :class:`~coherence.Scorer` to use; ``None`` builds a default one on first use.
    text, title, id:
        Column names of the text, the headline and the record id (title and id may be absent).
    signals:
        Also return one ``signal_<name>`` column per signal in :data:`SIGNAL_COLUMNS`.
    prefix:
        Put before every output column name (for example ``"coherence_"``).
    """

    def __init__(
        self,
        scorer=None,
        *,
        text: str = "text",
        title: str = "title",
        id: str = "id",
        signals: bool = False,
        prefix: str = "",
    ) -> None:
        self.scorer = scorer
        self.text = text
        self.title = title
        self.id = id
        self.signals = signals
        self.prefix = prefix

    def _get_scorer(self):
        if self.scorer is None:
            from coherence.scorer import Scorer

            self.scorer = Scorer()
        return self.scorer

    def records(self, batch: Mapping[str, Sequence[Any]], indices: Sequence[int] | None = None) -> list[dict]:
        """The report dicts of a batch, one per row, in order."""
        columns = {k: list(v) for k, v in batch.items()}
        n = len(next(iter(columns.values()))) if columns else 0
        rows = [{k: v[i] for k, v in columns.items()} for i in range(n)]
        if indices is not None and self.id not in columns:
            for row, index in zip(rows, indices, strict=True):
                row[self.id] = f"row-{index}"
        fields = FieldNames(text=self.text, title=self.title, id=self.id)
        return [r.to_dict() for r in self._get_scorer().score_many(rows, fields)]

    def __call__(self, batch: Mapping[str, Sequence[Any]], indices: Sequence[int] | None = None) -> dict:
        reports = self.records(batch, indices)
        p = self.prefix
        out: dict[str, list] = {
            f"{p}quality": [r["quality"] for r in reports],
            f"{p}keep": [bool(r["keep"]) for r in reports],
            f"{p}error": [r["error"] for r in reports],
            f"{p}report": [json.dumps(r, ensure_ascii=False) for r in reports],
        }
        if self.signals:
            for name in SIGNAL_COLUMNS:
                out[f"{p}signal_{name}"] = [_number(r["signals"].get(name)) for r in reports]
        return out


def score_batch(batch: Mapping[str, Sequence[Any]], *, scorer=None, **options) -> dict[str, list]:
    """Score one batch of columns (see :class:`BatchScorer`); reuses one default scorer."""
    global _DEFAULT
    if scorer is not None:
        return BatchScorer(scorer, **options)(batch)
    if _DEFAULT is None:
        from coherence.scorer import Scorer

        _DEFAULT = Scorer()
    return BatchScorer(_DEFAULT, **options)(batch)


_DEFAULT = None


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)

"""Writing reports: JSON Lines (or ``-`` for stdout) or Parquet, chosen by the file extension.

Parquet files keep ``id``, ``quality``, ``keep``, ``error`` and ``source`` as columns and the
nested parts (``signals``, ``flags``, ``headline``, ``segments``, ...) as JSON strings, so the
schema never depends on which signals a batch happened to contain.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any, Protocol

_SCALAR_COLUMNS = ("id", "quality", "keep", "error", "source")
#: In a Parquet row's ``data``: the scalar columns the record did not have (they are stored as null).
_ABSENT = "_absent_columns"
#: Extensions of formats these writers do not write: refused rather than filled with JSON Lines.
_NOT_WRITTEN = (".csv", ".tsv", ".txt", ".xlsx", ".xls")


class ReportWriter(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


class JsonlWriter:
    def __init__(self, path: str) -> None:
        if path == "-":
            self._handle = sys.stdout
        elif path.endswith(".gz"):
            self._handle = gzip.open(path, "wt", encoding="utf-8")
        else:
            self._handle = open(path, "w", encoding="utf-8")
        self._owned = path != "-"

    def write(self, record: dict[str, Any]) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._owned:
            self._handle.close()
        else:
            self._handle.flush()


class ParquetWriter:
    def __init__(self, path: str, batch_size: int = 1000) -> None:
        self.path = path
        self.batch_size = batch_size
        self._rows: list[dict[str, Any]] = []
        self._writer = None

    def write(self, record: dict[str, Any]) -> None:
        row = {k: record.get(k) for k in _SCALAR_COLUMNS}
        row["id"] = str(row["id"])
        row["quality"] = None if row["quality"] is None else float(row["quality"])
        row["keep"] = None if row["keep"] is None else bool(row["keep"])
        data = {k: v for k, v in record.items() if k not in _SCALAR_COLUMNS}
        absent = [k for k in _SCALAR_COLUMNS if k not in record]
        if absent:  # e.g. `coherence filter` records have no keep: read back without one, not keep=False
            data[_ABSENT] = absent
        row["data"] = json.dumps(data, ensure_ascii=False)
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema(
            [
                ("id", pa.string()),
                ("quality", pa.float64()),
                ("keep", pa.bool_()),
                ("error", pa.string()),
                ("source", pa.string()),
                ("data", pa.string()),
            ]
        )
        table = pa.Table.from_pylist(self._rows, schema=schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, schema)
        self._writer.write_table(table)
        self._rows = []

    def close(self) -> None:
        if self._rows or self._writer is None:
            self._flush()
        self._writer.close()


def check_output_path(path: str | Path) -> None:
    """Raise ValueError for a file name whose extension promises a format that is not written
    (``kept.csv`` would otherwise hold JSON Lines)."""
    name = str(path).lower()
    for suffix in _NOT_WRITTEN:
        if name.endswith((suffix, suffix + ".gz")):
            raise ValueError(
                f"{path}: records are written as JSON Lines (.jsonl, .jsonl.gz) or Parquet (.parquet), not {suffix}"
            )


def open_writer(path: str | Path) -> ReportWriter:
    """A writer for ``path``: Parquet for ``.parquet``, JSON Lines otherwise (``-`` is stdout)."""
    path = str(path)
    if path.lower().endswith((".parquet", ".pq")):
        return ParquetWriter(path)
    return JsonlWriter(path)


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Records written by :func:`open_writer` (JSON Lines or Parquet), as plain dicts.

    A folder is read as the shards of ``coherence score -o DIR/``, in order.
    """
    if Path(path).is_dir():
        from coherence.engine.local import iter_shard_records

        return list(iter_shard_records(path))
    path = str(path)
    if path.lower().endswith((".parquet", ".pq")):
        import pyarrow.parquet as pq

        out = []
        for row in pq.read_table(path).to_pylist():
            data = json.loads(row.pop("data") or "{}")
            for key in data.pop(_ABSENT, []):
                row.pop(key, None)
            out.append({**row, **data})
        return out
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]

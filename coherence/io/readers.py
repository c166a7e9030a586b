"""Reading corpora: JSON Lines (plain or gzip, or ``-`` for stdin), CSV, Parquet, or a folder of
``.txt`` files. Every record comes out as an Article or as a RecordError naming it; a bad record
never stops the stream."""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from coherence.article import Article, RecordError
from coherence.io.records import DEFAULT_FIELDS, FieldNames, not_an_object, to_article

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".json.gz", ".ndjson.gz")


class InputError(ValueError):
    """The input as a whole cannot be read (missing file, unknown format)."""


def decode(raw: bytes) -> tuple[str, str | None]:
    """Text from bytes: UTF-8, else cp1252 (never fails); the second value names a fallback."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "input was not valid UTF-8; decoded as cp1252"


def input_format(path: str) -> str:
    """'jsonl', 'csv', 'parquet' or 'txt-dir' for a path (or ``-``)."""
    if path == "-":
        return "jsonl"
    p = Path(path)
    if p.is_dir():
        return "txt-dir"
    name = p.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(".txt"):
        return "txt"
    raise InputError(f"{path}: unknown input format (use .jsonl, .csv, .parquet, a .txt file or a folder)")


def read_articles(path: str | Path, fields: FieldNames = DEFAULT_FIELDS) -> Iterator[Article | RecordError]:
    """Stream the records of ``path`` as Articles (or RecordErrors), in input order."""
    path = str(path)
    kind = input_format(path)
    if path != "-" and not Path(path).exists():
        raise InputError(f"{path}: no such file or folder")
    reader = {
        "jsonl": _read_jsonl,
        "csv": _read_csv,
        "parquet": _read_parquet,
        "txt-dir": _read_txt_dir,
        "txt": _read_txt_file,
    }[kind]
    yield from reader(path, fields)


def _open_binary(path: str):
    if path == "-":
        return sys.stdin.buffer
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_jsonl(path: str, fields: FieldNames) -> Iterator[Article | RecordError]:
    name = "stdin" if path == "-" else Path(path).name
    stream = _open_binary(path)
    try:
        for lineno, raw in enumerate(stream, start=1):
            if not raw.strip():  # blank lines are skipped: no record, no output
                continue
            where = f"{name}:{lineno}"
            line, fallback = decode(raw)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(where, f"record {where}: malformed JSON ({exc.msg} at column {exc.colno})")
                continue
            if isinstance(record, str):  # a bare JSON string is not a record (only objects are)
                yield not_an_object(record, where)
                continue
            item = to_article(record, where, fields)
            yield _with_note(item, fallback)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _read_csv(path: str, fields: FieldNames) -> Iterator[Article | RecordError]:
    csv.field_size_limit(2**31 - 1)
    name = Path(path).name
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=1):
            record = {k: (None if v == "" else v) for k, v in row.items() if k is not None}
            yield to_article(record, f"{name}:row{row_number}", fields)


def _read_parquet(path: str, fields: FieldNames) -> Iterator[Article | RecordError]:
    import pyarrow.parquet as pq

    name = Path(path).name
    row_number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            row_number += 1
            yield to_article(record, f"{name}:row{row_number}", fields)


def _read_txt_dir(path: str, fields: FieldNames) -> Iterator[Article | RecordError]:
    root = Path(path)
    for file in sorted(root.rglob("*.txt")):
        yield from _read_txt_file(str(file), fields, record_id=file.relative_to(root).with_suffix("").as_posix())


def _read_txt_file(path: str, fields: FieldNames, record_id: str | None = None) -> Iterator[Article | RecordError]:
    file = Path(path)
    record_id = record_id or file.stem
    try:
        text, fallback = decode(file.read_bytes())
    except OSError as exc:
        yield RecordError(record_id, f"record {record_id!r}: cannot read {file} ({exc.strerror})")
        return
    yield _with_note(to_article({fields.text: text, fields.id: record_id}, record_id, fields), fallback)


def _with_note(item: Article | RecordError, note: str | None) -> Article | RecordError:
    if note is None or not isinstance(item, Article):
        return item
    return Article(item.id, item.text, item.title, item.url, item.source, {**item.meta, "_decoding": note})

"""Turning one raw input record into an :class:`~coherence.article.Article`, or a clear error."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coherence.article import Article, RecordError


@dataclass(frozen=True)
class FieldNames:
    """Which input fields hold the text, title, id, url and source."""

    text: str = "text"
    title: str = "title"
    id: str = "id"
    url: str = "url"
    source: str = "source"


DEFAULT_FIELDS = FieldNames()


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def _optional_str(value: Any) -> str | None:
    if _is_missing(value):
        return None
    return value if isinstance(value, str) else str(value)


def type_name(value: Any) -> str:
    """The name of a value's type for messages: ``null`` for None (JSON's word), else ``str``, ``int``, ``list``, ..."""
    return "null" if value is None else type(value).__name__


def not_an_object(record: Any, fallback_id: str) -> RecordError:
    """The error for an input record that is not an object (a JSON string, number, list, null, ...)."""
    return RecordError(fallback_id, f"record {fallback_id}: expected an object, got {type_name(record)}")


def to_article(record: Any, fallback_id: str, fields: FieldNames = DEFAULT_FIELDS) -> Article | RecordError:
    """An Article from a mapping (a JSON object, CSV row, ...), or a RecordError naming the record.

    ``fallback_id`` is used when the record has no id (for example ``"corpus.jsonl:17"``). A plain
    string is taken as the text (the Python API's ``score_many(["text", ...])``); file readers reject
    a string record before it gets here.
    """
    if isinstance(record, str):
        record = {fields.text: record}
    if not isinstance(record, dict):
        return not_an_object(record, fallback_id)
    raw_id = record.get(fields.id)
    record_id = fallback_id if _is_missing(raw_id) or str(raw_id).strip() == "" else str(raw_id)
    source = _optional_str(record.get(fields.source))
    where = f"record {record_id!r}" + (f" ({fallback_id})" if record_id != fallback_id else "")
    if fields.text not in record:
        return RecordError(record_id, f"{where}: missing text field {fields.text!r}", source)
    text = record[fields.text]
    if _is_missing(text):
        return RecordError(record_id, f"{where}: text field {fields.text!r} is empty (null/NaN)", source)
    if not isinstance(text, str):
        return RecordError(
            record_id,
            f"{where}: text field {fields.text!r} must be a string, got {type_name(text)}",
            source,
        )
    if not text.strip():
        return RecordError(record_id, f"{where}: text is empty or whitespace only", source)
    title = record.get(fields.title)
    title = title if isinstance(title, str) else _optional_str(title)
    meta = {
        k: v for k, v in record.items() if k not in {fields.text, fields.title, fields.id, fields.url, fields.source}
    }
    return Article(record_id, text, title, _optional_str(record.get(fields.url)), source, meta)

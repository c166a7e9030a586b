"""Readers for the evaluation files under ``--data`` (see its README.md for the schemas)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def read_jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True)
class SegmentedDoc:
    """A document as sentences, with the indices of the sentences that start a segment."""

    id: str
    group: str  # Choi's "set/range", or "wiki50"
    sentences: list[str]
    starts: list[int]  # always begins with 0


def choi_docs(data: Path, sets: tuple[int, ...]) -> list[SegmentedDoc]:
    """Choi (2000) documents of the given sets; empty segments are dropped."""
    docs = []
    for record in read_jsonl(data / "segmentation" / "choi.jsonl.gz"):
        if record["set"] not in sets:
            continue
        sentences, starts = [], []
        for segment in record["segments"]:
            if segment:
                starts.append(len(sentences))
                sentences.extend(s.strip() for s in segment)
        docs.append(SegmentedDoc(record["id"], f"{record['set']}/{record['range']}", sentences, starts))
    return docs


def wiki50_docs(data: Path, min_level: int = 1) -> list[SegmentedDoc]:
    """Wiki-50 documents; a section header of level >= ``min_level`` starts a segment.

    With the default every header (preface, sections, sub-sections, ...) is a boundary, as in
    Koshorek et al. (2018). Sections without sentences add no boundary.
    """
    docs = []
    for record in read_jsonl(data / "segmentation" / "wiki50.jsonl.gz"):
        sentences, starts = [], []
        for section in record["sections"]:
            if not section["sentences"]:
                continue
            boundary = section["level"] >= min_level or not sentences
            if boundary and (not starts or starts[-1] != len(sentences)):
                starts.append(len(sentences))
            sentences.extend(s.strip() for s in section["sentences"])
        docs.append(SegmentedDoc(record["id"], "wiki50", sentences, starts))
    return docs

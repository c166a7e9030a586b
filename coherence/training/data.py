"""Clean source articles for training and evaluation, split by article id.

The split is a hash of the article id, so it never depends on file order and an article is in
exactly one of ``train`` (70%) or ``test`` (30%). Training only ever reads ``train``; the quality
benchmark (``benchmarks/quality``) only ever reads ``test``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path
from typing import Any

#: Clean sources: (file under data/news, a record filter). Both are edited, professionally
#: written news; perezrosas only where labelled legit.
CLEAN_SOURCES: dict[str, tuple[str, Any]] = {
    "bbc": ("news/bbc.jsonl.gz", lambda r: True),
    "perezrosas": ("news/perezrosas.jsonl.gz", lambda r: r.get("label") == "legit" and bool(r.get("title"))),
}


def split_of(article_id: str, test_share: float = 0.3) -> str:
    """``"test"`` or ``"train"``, fixed by the id's SHA-1."""
    bucket = int(hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if bucket < test_share else "train"


def read_jsonl_gz(path: str | Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def clean_articles(
    data_dir: str | Path, split: str, counts: dict[str, int], seed: int = 0, min_words: int = 120
) -> list[dict[str, Any]]:
    """A fixed random sample of clean articles of one split: ``counts[source]`` from each source.

    Articles shorter than ``min_words`` are left out (too short to carry a defect we can see).
    """
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for source, n in counts.items():
        path, keep = CLEAN_SOURCES[source]
        records = [
            r
            for r in read_jsonl_gz(Path(data_dir) / path)
            if keep(r) and split_of(r["id"]) == split and len(r["text"].split()) >= min_words
        ]
        records.sort(key=lambda r: r["id"])
        rng.shuffle(records)
        out += [
            {
                "id": r["id"],
                "title": r["title"],
                "text": r["text"],
                "source": source,
                "topic": r.get("topic") or r.get("domain"),
            }
            for r in records[:n]
        ]
    return out

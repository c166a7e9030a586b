#!/usr/bin/env python3
"""Draw batch 3 of the artifact-line sample (dev only), positions only, oversampling the kinds missed.

    python benchmarks/labels/sample_batch3.py > /tmp/batch3_candidates.jsonl

Seed ``20261128`` (batch 1: ``20261126``, batch 2: ``20261127``); ``random.Random`` is seeded with
``"20261128:<file name>"`` per file. Every record labelled in an earlier batch (dev or test)
is skipped, so no test record can enter; every drawn record goes to ``dev``. Rerunning the script
reproduces the batch (later batches do not count as taken).

Batches 1 and 2 took the first and last 3 lines of a record, so they hold few lines from the middle
of an article, where captions without a credit and inline related-story headlines sit, and few
non-article pages. Batch 3 therefore picks lines by shape (the shape only steers the sample; every
line is then labelled by reading it):

1. **Short pages** (text under ``SHORT_PAGE_CHARS`` characters, likely error pages, site-wide titles,
   index pages): up to ``SHORT_PAGES`` such records per file, all their non-blank lines (at most 8).
2. **Other records**, shuffled and walked until the file's target is reached; from each record at
   most ``PER_RECORD`` lines: up to 4 *short unpunctuated* lines (at most 20 words, not ending like a
   sentence: captions, related headlines, subheadings, source lines), up to 2 *short punctuated*
   lines (at most 25 words, ending like a sentence: one-line paragraphs, short quotes), up to 1 line
   with a link, then 1 other line, each group drawn with ``rng.sample`` in that order.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch2 import line_spans, unlabelled_records  # noqa: E402

SEED = "20261128"
TARGETS = {
    "fnc1_bodies.jsonl.gz": 70,
    "fakenewsnet_v1.jsonl.gz": 70,
    "fakenewscorpus_sample.jsonl.gz": 70,
    "golbeck.jsonl.gz": 45,
    "horne.jsonl.gz": 45,
}
SHORT_PAGE_CHARS = 500
SHORT_PAGES = 3
PER_RECORD = 7
_SENTENCE_END = (".", "!", "?", '"', "”", "’", ")", "…", ":", ";")
_LINK = re.compile(r"https?://|www\.|\.com\b", re.IGNORECASE)


def pick_lines(text: str, rng: random.Random) -> list[tuple[int, int, int]]:
    """The lines of one ordinary record to label (see the module docstring)."""
    spans = line_spans(text)
    chosen: list[tuple[int, int, int]] = []

    def take(pool: list, k: int) -> None:
        pool = [s for s in pool if s not in chosen]
        chosen.extend(rng.sample(pool, min(k, len(pool), PER_RECORD - len(chosen))))

    def words(s: tuple[int, int, int]) -> int:
        return len(text[s[1] : s[2]].split())

    def ends(s: tuple[int, int, int]) -> bool:
        return text[s[1] : s[2]].rstrip().endswith(_SENTENCE_END)

    take([s for s in spans if words(s) <= 20 and not ends(s)], 4)
    take([s for s in spans if words(s) <= 25 and ends(s)], 2)
    take([s for s in spans if _LINK.search(text[s[1] : s[2]])], 1)
    take(spans, 1)
    return sorted(chosen)


def main() -> None:
    for name, target in TARGETS.items():
        rng, records, order = unlabelled_records(name, SEED, batch=3)
        short = [k for k in order if 0 < len(records[k]["text"].strip()) < SHORT_PAGE_CHARS][:SHORT_PAGES]
        n = 0
        for k in short + [k for k in order if k not in short]:
            if n >= target:
                break
            text = records[k]["text"]
            spans = line_spans(text)[:8] if k in short else pick_lines(text, rng)
            for i, s, e in spans:
                row = {"file": name, "id": records[k]["id"], "line": i, "start": s, "end": e}
                print(json.dumps(row | {"split": "dev", "batch": 3}))
            n += len(spans)


if __name__ == "__main__":
    main()

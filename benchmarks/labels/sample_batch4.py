#!/usr/bin/env python3
"""Draw batch 4 of the artifact-line sample (dev only), positions only: two line shapes dev lacked.

    python benchmarks/labels/sample_batch4.py > /tmp/batch4_candidates.jsonl

Seed ``20261129`` (batches 1-3: ``20261126``-``20261128``); ``random.Random`` is seeded with
``"20261129:<file name>"`` per file. Every record labelled in an earlier batch (dev or test)
is skipped, so no test record can enter; every drawn record goes to ``dev``. Rerunning the script
reproduces the batch (later batches do not count as taken).

Batches 1-3 hold no line of two shapes that unlabelled non-test records show often: a short *label and
colon* before a clause (``Word: a description ...``: tabloid photo captions, but also quotations after
``She said:``, transcript speakers, ``UPDATE:`` notes and headlines) and a *short line with a link or a
bare domain* (source-site credits, but also references). Records are shuffled and walked until the
file's target is reached; from each record at most ``PER_RECORD`` lines of these shapes are drawn
(``rng.sample``), colon lines first. The shape only steers the sample: every line is then labelled by
reading it, content and artifact alike.

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

SEED = "20261129"
TARGETS = {
    "fnc1_bodies.jsonl.gz": 30,
    "fakenewscorpus_sample.jsonl.gz": 12,
    "fakenewsnet_v1.jsonl.gz": 6,
    "golbeck.jsonl.gz": 6,
    "horne.jsonl.gz": 6,
}
PER_RECORD = 3
_COLON = re.compile(r"^[^:]{1,30}:\s+\S+(\s+\S+){5,}")
_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(com|org|net|co\.uk|info|news)\b", re.IGNORECASE)


def pick_lines(text: str, rng: random.Random) -> list[tuple[int, int, int]]:
    """The lines of one record to label (see the module docstring)."""
    spans = line_spans(text)[1:]  # the first line is the headline or lead
    colon = [s for s in spans if _COLON.match(text[s[1] : s[2]]) and len(text[s[1] : s[2]].split()) <= 45]
    link = [s for s in spans if _LINK.search(text[s[1] : s[2]]) and len(text[s[1] : s[2]].split()) <= 12]
    chosen = rng.sample(colon, min(PER_RECORD, len(colon)))
    rest = [s for s in link if s not in chosen]
    chosen += rng.sample(rest, min(PER_RECORD - len(chosen), len(rest)))
    return sorted(chosen)


def main() -> None:
    for name, target in TARGETS.items():
        rng, records, order = unlabelled_records(name, SEED, batch=4)
        n = 0
        for k in order:
            if n >= target:
                break
            text = records[k]["text"]
            if not isinstance(text, str):
                continue
            for i, s, e in pick_lines(text, rng):
                row = {"file": name, "id": records[k]["id"], "line": i, "start": s, "end": e}
                print(json.dumps(row | {"split": "dev", "batch": 4}))
                n += 1


if __name__ == "__main__":
    main()

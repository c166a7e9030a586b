#!/usr/bin/env python3
"""Draw batch 8 of the artifact-line sample (dev only), positions only: a small fresh dev batch like test.

    python benchmarks/labels/sample_batch8.py > /tmp/batch8_candidates.jsonl

Seed ``20261207`` (batches 1-7: ``20261126``-``20261130``, ``20261201``, ``20261206``); ``random.Random``
is seeded with ``"20261207:<file name>"`` per file. Every record labelled in batches 1-7 (dev or test) is
skipped; every drawn record goes to ``dev``. The line choice is batch 5's; the targets are half of batch
7's (about 120 lines). Batch 7 was tuned on (session 6's generic rule families were written from its
misses), so batch 8 measures those families on lines nobody had looked at when they were written.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch5 import draw  # noqa: E402

SEED = "20261207"
BATCH = 8
TARGETS = {
    "fnc1_bodies.jsonl.gz": 30,
    "fakenewsnet_v1.jsonl.gz": 30,
    "fakenewscorpus_sample.jsonl.gz": 30,
    "golbeck.jsonl.gz": 15,
    "horne.jsonl.gz": 15,
}


def main() -> None:
    for row in draw(SEED, BATCH, "dev", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

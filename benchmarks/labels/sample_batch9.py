#!/usr/bin/env python3
"""Draw batch 9 of the artifact-line sample: a second fresh **test** batch, positions only.

    python benchmarks/labels/sample_batch9.py > /tmp/batch9_candidates.jsonl

Seed ``20261208`` (batches 1-8: ``20261126``-``20261130``, ``20261201``, ``20261206``, ``20261207``);
``random.Random`` is seeded with ``"20261208:<file name>"`` per file. Every record labelled in batches 1-8
(dev or test) is skipped; every drawn record goes to ``test`` (rows carry ``"batch": 9``). The files and
the per-record line choice are batch 5's (and batch 1's test): all non-blank lines of a record with 8 or
fewer, else the first 3, the last 3 and 2 random middle ones. Targets are a little under batch 5's (about
300 lines). Batch 5 had been evaluated, so batch 9 gives test lines no system or person had looked at.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch5 import draw  # noqa: E402

SEED = "20261208"
BATCH = 9
TARGETS = {
    "fnc1_bodies.jsonl.gz": 65,
    "fakenewsnet_v1.jsonl.gz": 65,
    "fakenewscorpus_sample.jsonl.gz": 65,
    "golbeck.jsonl.gz": 42,
    "horne.jsonl.gz": 42,
}


def main() -> None:
    for row in draw(SEED, BATCH, "test", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

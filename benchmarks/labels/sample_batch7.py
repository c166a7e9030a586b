#!/usr/bin/env python3
"""Draw batch 7 of the artifact-line sample (dev only), positions only: a second fresh dev batch like test.

    python benchmarks/labels/sample_batch7.py > /tmp/batch7_candidates.jsonl

Seed ``20261206`` (batches 1-6: ``20261126``-``20261130`` and ``20261201``); ``random.Random`` is seeded
with ``"20261206:<file name>"`` per file. Every record labelled in batches 1-6 (dev or test) is skipped;
every drawn record goes to ``dev``. The line choice is batch 5's (and batch 1's): all non-blank lines of
a record with 8 or fewer, else the first 3, the last 3 and 2 random middle ones. Targets are a little
smaller than batch 6's (about 250 lines). Batch 6 had been tuned on, so batch 7 measures the detector
on fresh lines drawn the way test is drawn before any tuning on them.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch5 import draw  # noqa: E402

SEED = "20261206"
BATCH = 7
TARGETS = {
    "fnc1_bodies.jsonl.gz": 60,
    "fakenewsnet_v1.jsonl.gz": 60,
    "fakenewscorpus_sample.jsonl.gz": 60,
    "golbeck.jsonl.gz": 35,
    "horne.jsonl.gz": 35,
}


def main() -> None:
    for row in draw(SEED, BATCH, "dev", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Draw batch 6 of the artifact-line sample (dev only), positions only: a fresh dev batch like test.

    python benchmarks/labels/sample_batch6.py > /tmp/batch6_candidates.jsonl

Seed ``20261201`` (batches 1-5: ``20261126``-``20261130``); ``random.Random`` is seeded with
``"20261201:<file name>"`` per file. Every record labelled in batches 1-5 (dev or test, batch 5's test
records included) is skipped; every drawn record goes to ``dev``. The line choice is batch 5's (and
batch 1's): all non-blank lines of a record with 8 or fewer, else the first 3, the last 3 and 2 random
middle ones. Batches 1-4 of dev had been tuned on until the detector found 91% of their artifact lines,
so batch 6 gives dev new lines drawn the way test is drawn, to measure the detector on before tuning.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch5 import TARGETS, draw  # noqa: E402

SEED = "20261201"
BATCH = 6


def main() -> None:
    for row in draw(SEED, BATCH, "dev", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Draw batch 10 of the artifact-line sample: a fresh held-out **dev** batch, positions only.

    python benchmarks/labels/sample_batch10.py > /tmp/batch10_candidates.jsonl

Seed ``20261209`` (batches 1-9: ``20261126``-``20261130``, ``20261201``, ``20261206``-``20261208``);
``random.Random`` is seeded with ``"20261209:<file name>"`` per file. Batch 9's procedure, files and
targets (imported from ``sample_batch9``): every record labelled in batches 1-9 (dev or test) is skipped,
and from each shuffled record up to 8 non-blank lines are taken (all of them if 8 or fewer, else the first
3, the last 3 and 2 random middle ones). Every drawn record goes to ``dev`` (rows carry ``"batch": 10``).
It is labelled blind and kept aside, to check once whether rules tuned on the older dev batches hold on
lines nobody tuned on.

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch9 import TARGETS, draw  # noqa: E402

SEED = "20261209"
BATCH = 10


def main() -> None:
    for row in draw(SEED, BATCH, "dev", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Draw batch 5 of the artifact-line sample: a fresh **test** batch, positions only.

    python benchmarks/labels/sample_batch5.py > /tmp/batch5_candidates.jsonl

Seed ``20261130`` (batches 1-4: ``20261126``-``20261129``); ``random.Random`` is seeded with
``"20261130:<file name>"`` per file. Every record labelled in an earlier batch (dev or test) is
skipped; every drawn record goes to ``test`` (rows carry ``"batch": 5``). Rerunning the script
reproduces the batch (later batches do not count as taken).

The test split of batch 1 was evaluated six times, so batch 5 gives a held-out estimate from the
same distribution: the same five files as batch 1 and the same per-record line choice (not steered
by shape, unlike batches 3-4). Records are shuffled and walked until the file's target is reached
or passed; from each record with a non-blank line up to 8 non-blank lines are taken: all of them if
8 or fewer, otherwise the first 3, the last 3 and 2 random middle lines (``rng.sample``).

Prints one unlabelled JSON row per line (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_batch2 import line_spans, unlabelled_records  # noqa: E402

SEED = "20261130"
BATCH = 5
TARGETS = {
    "fnc1_bodies.jsonl.gz": 70,
    "fakenewsnet_v1.jsonl.gz": 70,
    "fakenewscorpus_sample.jsonl.gz": 70,
    "golbeck.jsonl.gz": 45,
    "horne.jsonl.gz": 45,
}


def draw(seed: str, batch: int, split: str, targets: dict[str, int]):
    """Yield the unlabelled rows of one batch drawn as described above (batch 6 reuses it for dev)."""
    for name, target in targets.items():
        rng, records, order = unlabelled_records(name, seed, batch=batch)
        n = 0
        for k in order:
            if n >= target:
                break
            text = records[k]["text"]
            spans = line_spans(text) if isinstance(text, str) else []
            if not spans:
                continue
            if len(spans) > 8:
                spans = sorted(spans[:3] + rng.sample(spans[3:-3], 2) + spans[-3:])
            for i, s, e in spans:
                row = {"file": name, "id": records[k]["id"], "line": i, "start": s, "end": e}
                yield row | {"split": split, "batch": batch}
            n += len(spans)


def main() -> None:
    for row in draw(SEED, BATCH, "test", TARGETS):
        print(json.dumps(row))


if __name__ == "__main__":
    main()

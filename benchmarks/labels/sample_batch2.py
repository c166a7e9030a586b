#!/usr/bin/env python3
"""Draw batch 2 of the artifact-line sample (dev only), positions only.

    python benchmarks/labels/sample_batch2.py > /tmp/batch2_candidates.jsonl

Seed ``20261127`` (batch 1 used ``20261126``). Python's ``random.Random`` is seeded with
``"20261127:<file name>"`` per file. Every record already in ``artifact_lines.jsonl`` (dev or
test) is excluded. Records are shuffled, then walked until the file's target is reached; from each
record up to 8 non-blank lines are taken: all of them if 8 or fewer, otherwise the first 3, the
last 3 and 2 random middle lines (``rng.sample``). Prints one unlabelled JSON row per line (no
text). Every drawn record goes to the ``dev`` split.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_labels import DEFAULT_DATA, load_labels  # noqa: E402

SEED = "20261127"
TARGETS = {
    "fnc1_bodies.jsonl.gz": 150,
    "fakenewsnet_v1.jsonl.gz": 150,
    "fakenewscorpus_sample.jsonl.gz": 150,
    "golbeck.jsonl.gz": 80,
    "horne.jsonl.gz": 80,
    "bbc.jsonl.gz": 40,  # clean controls
    "perezrosas.jsonl.gz": 30,  # clean controls
}


def line_spans(text: str) -> list[tuple[int, int, int]]:
    """(line index, start, end) of every non-blank line of ``text.split("\\n")``."""
    out, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            out.append((i, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def unlabelled_records(name: str, seed: str, batch: int) -> tuple[random.Random, list[dict], list[int]]:
    """(the file's RNG, its records, the indices of records no earlier batch labelled, shuffled).

    Only batches before ``batch`` count as taken, so a batch's draw is the same after its own labels
    (and later batches') have been added to ``artifact_lines.jsonl``. Used by batches 3 and 4.
    """
    taken = {(d["file"], d["id"]) for d in load_labels() if d.get("batch", 1) < batch}
    rng = random.Random(f"{seed}:{name}")
    with gzip.open(DEFAULT_DATA / "news" / name, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    order = [k for k in range(len(records)) if (name, records[k]["id"]) not in taken]
    rng.shuffle(order)
    return rng, records, order


def main() -> None:
    taken = {(d["file"], d["id"]) for d in load_labels() if d.get("batch", 1) < 2}
    for name, target in TARGETS.items():
        rng = random.Random(f"{SEED}:{name}")
        with gzip.open(DEFAULT_DATA / "news" / name, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh]
        order = list(range(len(records)))
        rng.shuffle(order)
        n = 0
        for k in order:
            if n >= target:
                break
            rec = records[k]
            if (name, rec["id"]) in taken:
                continue
            spans = line_spans(rec["text"])
            if not spans:
                continue
            if len(spans) > 8:
                middle = rng.sample(spans[3:-3], 2)
                spans = sorted(spans[:3] + middle + spans[-3:])
            for i, s, e in spans:
                row = {"file": name, "id": rec["id"], "line": i, "start": s, "end": e, "split": "dev", "batch": 2}
                print(json.dumps(row))
            n += len(spans)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How many articles of each news corpus the language detector flags non_english or non_text, with ids.

    python benchmarks/artifacts/language_scan.py

All corpora are English news, so every flag is either a real non-English / non-text record (check
the listed ids) or a false positive. The furniture rule (mostly artifact lines) is not applied here.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.detectors.language import LanguageDetector  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "news"
FILES = [
    "bbc",
    "fnc1_bodies",
    "fakenewscorpus_sample",
    "fakenewsnet_v1",
    "golbeck",
    "horne",
    "perezrosas",
    "agnews_test",
]


def main() -> None:
    detector = LanguageDetector()
    for name in FILES:
        counts: Counter[str] = Counter()
        flagged = []
        with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                kinds = [f.kind for f in detector.detect(record["text"] or "")]
                counts["articles"] += 1
                for kind in kinds:
                    counts[kind] += 1
                if kinds:
                    guess = detector.assess(record["text"] or "").language
                    flagged.append(f"{record['id']} ({'+'.join(kinds)}, {guess})")
        print(f"{name:24} {dict(counts)}")
        for item in flagged[:10]:
            print(f"    {item}")


if __name__ == "__main__":
    main()

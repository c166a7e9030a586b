#!/usr/bin/env python3
"""How often the artifact detector flags lines of the clean control corpora (bbc, perezrosas).

    python benchmarks/artifacts/control_flag_rate.py [--show 10]

bbc and perezrosas bodies are clean article text (few or no scraping leftovers), so every flagged
line there is most likely a false positive. The detector gets each record's title (``--no-title``: not).
``--agnews`` adds agnews_test (a title and a one-sentence description per record: the control for the
title-based non-article page rules; its few real leftovers, such as wire bylines, count here too).
Prints lines, flagged lines (a flag covering at least
half of the line) and the rate per corpus, by category; ``--show`` lists some flagged lines.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.units import split_lines  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "news"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--no-title", action="store_true", help="do not give the detector the record's title")
    ap.add_argument("--agnews", action="store_true", help="also agnews_test (titled one-sentence bodies)")
    args = ap.parse_args(argv)
    detector = ArtifactDetector()
    names = ["bbc.jsonl.gz", "perezrosas.jsonl.gz"] + (["agnews_test.jsonl.gz"] if args.agnews else [])
    for name in names:
        n_lines = 0
        flagged = collections.Counter()
        examples = []
        with gzip.open(DATA / name, "rt", encoding="utf-8") as fh:
            for rec in map(json.loads, fh):
                text = rec["text"]
                title = None if args.no_title else rec.get("title")
                flags = [f for f in detector.detect(text, title) if f.kind == "artifact"]
                for span in split_lines(text):
                    n_lines += 1
                    hits = [f for f in flags if min(f.end, span.end) - max(f.start, span.start) >= 0.5 * len(span)]
                    if hits:
                        flagged[hits[0].category] += 1
                        examples.append((rec["id"], hits[0].category, span.text(text)[:100]))
        total = sum(flagged.values())
        print(f"{name}: {n_lines} lines, {total} flagged ({total / n_lines:.2%}); by category: {dict(flagged)}")
        for ex in examples[: args.show]:
            print("   ", ex)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Articles per second of the embedding-free parts of this area, on fnc1_bodies (2,587 articles).

python benchmarks/artifacts/speed.py
python benchmarks/artifacts/speed.py --only ArtifactDetector --repeat 5   # CPU time, best of 5

Rates are per second of this process's CPU time (``time.process_time``), best of ``--repeat`` passes,
so that other jobs on a shared machine disturb them less than wall time would.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.cleaning import Cleaner  # noqa: E402
from coherence.detectors import ArtifactDetector  # noqa: E402
from coherence.detectors.boilerplate import BoilerplateDetector  # noqa: E402
from coherence.detectors.heuristics import DocumentHeuristics  # noqa: E402
from coherence.detectors.language import LanguageDetector  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "news" / "fnc1_bodies.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="passes per job; the best is printed")
    ap.add_argument("--only", default=None, help="only the jobs whose name contains this")
    args = ap.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    jobs = {
        "ArtifactDetector.detect": ArtifactDetector().detect,
        "BoilerplateDetector.fit (whole corpus)": None,
        "DocumentHeuristics.signals": DocumentHeuristics().signals,
        "LanguageDetector.detect": LanguageDetector().detect,
        "Cleaner.clean": Cleaner().clean,
    }
    for name, job in jobs.items():
        if args.only and args.only not in name:
            continue
        seconds = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            if job is None:
                BoilerplateDetector().fit((t, None) for t in texts)
            else:
                for text in texts:
                    job(text)
            seconds = min(seconds, time.process_time() - start)
        print(f"{name:40} {len(texts) / seconds:8.0f} articles/s")


if __name__ == "__main__":
    main()

"""Does the drift detector's unit model make the quality test split look better than it is?

The drift unit model (``coherence/data/drift_model.json``) is fitted on the dev half of the BBC splice
benchmark, drawn independently of the quality model's hash split, so some bbc articles of the quality
test split were among its training articles. This script splits the held-out quality scores (written
by ``python -m benchmarks.quality``, cached in ``.cache/quality-bench/held_out.jsonl``) into rows whose
article the drift model saw and rows it did not, and prints ROC-AUC of ``quality`` for each.

    python -m benchmarks.quality.drift_overlap --data ../shared/data
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from benchmarks.drift.splices import build

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--scores", default=str(ROOT / ".cache" / "quality-bench" / "held_out.jsonl"))
    parser.add_argument("--sources", type=int, default=300, help="as in train_drift (sources per split)")
    args = parser.parse_args()
    seen = {part for doc in build(Path(args.data), args.sources) if doc.split == "dev" for part in doc.id.split("+")}
    rows = []
    with open(args.scores, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("quality") is None:
                continue
            article = record["id"].split(":", 1)[1].split("~")[0]  # test:<id> clean, test:<id>~k damaged
            rows.append(("~" not in record["id"], record["quality"], article in seen, article.startswith("bbc/")))
    clean, quality, in_drift_dev, bbc = map(np.array, zip(*rows, strict=True))
    groups = {
        "all rows": np.ones(len(rows), bool),
        "bbc, article in the drift model's training set": bbc & in_drift_dev,
        "bbc, article not in it": bbc & ~in_drift_dev,
        "all rows the drift model never saw": ~in_drift_dev,
    }
    print("| rows | n | ROC-AUC of quality |\n|---|---|---|")
    for name, mask in groups.items():
        print(f"| {name} | {mask.sum()} | {roc_auc_score(clean[mask], quality[mask]):.4f} |")


if __name__ == "__main__":
    main()

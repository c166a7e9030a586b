#!/usr/bin/env python3
"""Line classification on the hand-labelled real lines: coherence vs C4's line rules vs jusText.

    python benchmarks/artifacts/eval_lines.py --split test      # the reported numbers
    python benchmarks/artifacts/eval_lines.py --split dev -v    # tuning (lists the errors)
    python benchmarks/artifacts/eval_lines.py --split dev --batch 3   # one labelling batch only
    python benchmarks/artifacts/eval_lines.py --split test --by-batch  # also a table per batch, same run
    python benchmarks/artifacts/eval_lines.py --split dev --batches 1,2,3,4,6,7,8  # dev without batch 10

Every system sees each labelled record's whole text and says, for every labelled line, artifact or
content (and, where it can, a category). A line counts as artifact for coherence when artifact
flags cover at least half of its characters; a ``mixed`` line (prose with an artifact glued in)
counts as found when a flag overlaps the glued part. ``coherence+boilerplate`` is batch mode: the
boilerplate detector is first fitted on every record of the same file (lines recurring across
articles of one source), as ``coherence score --boilerplate`` does. ``coherence`` includes the
learned line model (``coherence/data/line_model.json``, trained on dev lines only); the ``rules only``
rows are the same detector with ``line_model=None``. Every coherence system gets the record's title
(``detect(text, title)``), as ``Scorer`` and ``Cleaner`` give it.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import html
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "labels"))
sys.path.insert(0, str(ROOT))

from check_labels import DEFAULT_DATA, load_labels  # noqa: E402

from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.detectors.boilerplate import BoilerplateDetector  # noqa: E402
from coherence.detectors.heuristics import c4_keeps_line  # noqa: E402


def read_file(data_dir: Path, name: str) -> list[dict]:
    with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def coherence_predictions(text, lines, detector, source=None, boilerplate=None, title=None):
    flags = [f for f in detector.detect(text, title) if f.kind == "artifact"]
    if boilerplate is not None:
        flags += boilerplate.detect(text, source)
    out = []
    for d in lines:
        if d["label"] == "mixed":
            a, b = d["artifact_substring_start"], d["artifact_substring_end"]
            hits = [f for f in flags if f.start < b and f.end > a]
        else:
            a, b = d["start"], d["end"]
            hits = [f for f in flags if min(f.end, b) - max(f.start, a) >= 0.5 * (b - a)]
        best = max(hits, key=lambda f: f.score, default=None)
        out.append((best is not None, best.category if best else None))
    return out


def c4_predictions(text, lines):
    return [(not c4_keeps_line(text[d["start"] : d["end"]]), None) for d in lines]


def justext_predictions(text, lines):
    import justext

    raw = text.split("\n")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in raw if line.strip())
    index = [i for i, line in enumerate(raw) if line.strip()]
    paragraphs = justext.justext(body.encode("utf-8"), justext.get_stoplist("English"))
    by_line = {}
    if len(paragraphs) == len(index):
        by_line = {i: p.is_boilerplate for i, p in zip(index, paragraphs, strict=True)}
    else:  # fall back: match paragraph text to lines
        texts = {line.strip(): i for i, line in zip(index, [raw[i] for i in index], strict=True)}
        for p in paragraphs:
            if p.text.strip() in texts:
                by_line[texts[p.text.strip()]] = p.is_boilerplate
    return [(by_line.get(d["line"], True), None) for d in lines]


def score(rows):
    """rows: (true_artifact, true_category, pred_artifact, pred_category)."""
    tp = sum(t and p for t, _, p, _ in rows)
    fp = sum((not t) and p for t, _, p, _ in rows)
    fn = sum(t and not p for t, _, p, _ in rows)
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1}


def print_overall(title, rows, systems):
    """Print (and return) precision and recall of every system on ``rows``."""
    some = rows[systems[0]]
    print(f"{title} lines={len(some)} artifact lines={sum(x[0] for x in some)}")
    print(f"{'system':24} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    out = {}
    for s in systems:
        r = out[s] = score([x[:4] for x in rows[s]])
        counts = f"{r['tp']:4d} {r['fp']:4d} {r['fn']:4d}"
        print(f"{s:24} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f} {counts}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list coherence's errors (dev only!)")
    ap.add_argument("--batch", type=int, default=None, help="only this labelling batch")
    ap.add_argument("--by-batch", action="store_true", help="also print the overall table of each batch")
    ap.add_argument(
        "--batches",
        type=lambda v: {int(b) for b in v.split(",")},
        default=None,
        help="only these labelling batches, comma-separated (e.g. 1,2,3,4,6,7,8: dev without held-out batch 10)",
    )
    args = ap.parse_args(argv)

    labels = [d for d in load_labels() if args.split == "all" or d["split"] == args.split]
    if args.batch is not None:
        labels = [d for d in labels if d.get("batch", 1) == args.batch]
    if args.batches is not None:
        labels = [d for d in labels if d.get("batch", 1) in args.batches]
    by_record = collections.defaultdict(list)
    for d in labels:
        by_record[(d["file"], d["id"])].append(d)
    detector = ArtifactDetector()
    rules = ArtifactDetector(line_model=None)
    systems = ["coherence", "coherence+boilerplate", "rules only", "rules only+boilerplate", "c4_lines", "justext"]
    rows = {s: [] for s in systems}
    for name in sorted({f for f, _ in by_record}):
        records = read_file(args.data, name)
        boilerplate = BoilerplateDetector().fit((r["text"], r.get("source")) for r in records)
        for rec in records:
            lines = by_record.get((name, rec["id"]))
            if not lines:
                continue
            text, title, source = rec["text"], rec.get("title"), rec.get("source")
            preds = {
                "coherence": coherence_predictions(text, lines, detector, title=title),
                "coherence+boilerplate": coherence_predictions(text, lines, detector, source, boilerplate, title),
                "rules only": coherence_predictions(text, lines, rules, title=title),
                "rules only+boilerplate": coherence_predictions(text, lines, rules, source, boilerplate, title),
                "c4_lines": c4_predictions(text, lines),
                "justext": justext_predictions(text, lines),
            }
            for s in systems:
                for d, (p, pc) in zip(lines, preds[s], strict=True):
                    t = d["label"] != "content"
                    rows[s].append((t, d["category"], p, pc, d))
            if args.verbose:
                for d, (p, pc) in zip(lines, preds["coherence+boilerplate"], strict=True):
                    t = d["label"] != "content"
                    if t != p:
                        kind = "FN" if t else "FP"
                        line = text[d["start"] : d["end"]]
                        print(f"{kind} {d['category'] or pc} {d['id']} {line[:140]!r}")
    results = {"split": args.split, "batch": args.batch, "lines": len(labels), "systems": {}}
    if args.by_batch:
        for b in sorted({d.get("batch", 1) for d in labels}):
            in_batch = {s: [x for x in rows[s] if x[4].get("batch", 1) == b] for s in systems}
            results.setdefault("by_batch", {})[b] = print_overall(f"split={args.split} batch={b}", in_batch, systems)
            print()
    overall = print_overall(f"split={args.split} batch={args.batch or 'all'}", rows, systems)
    for s in systems:
        results["systems"][s] = {"overall": overall[s]}
    print(
        "\nper category (recall = true lines of the category found as artifact; "
        "cat-acc = found with the same category; precision = of lines coherence put in the category)"
    )
    cats = {d["category"] for d in labels if d["category"]}
    cats = sorted(cats | {x[3] for x in rows["coherence+boilerplate"] if x[3]})
    header = f"{'category':20} {'n':>3} " + " ".join(f"{s[:22]:>22}" for s in systems)
    header += f" {'cat-acc':>8} {'cat-prec':>8}"
    print(header)
    for c in cats:
        n = sum(1 for x in rows["coherence"] if x[1] == c)
        recs = []
        for s in systems:
            found = sum(1 for x in rows[s] if x[1] == c and x[2])
            recs.append(f"{found}/{n}" if n else "-")
        main_rows = rows["coherence+boilerplate"]
        same = sum(1 for x in main_rows if x[1] == c and x[2] and x[3] == c)
        predicted = sum(1 for x in main_rows if x[2] and x[3] == c)
        correct = sum(1 for x in main_rows if x[2] and x[3] == c and x[1] == c)
        results["systems"].setdefault("per_category", {})[c] = {
            "n": n,
            **{s: recs[i] for i, s in enumerate(systems)},
            "same_category": same,
            "predicted": predicted,
            "predicted_correct": correct,
        }
        print(f"{c:20} {n:3d} " + " ".join(f"{r:>22}" for r in recs) + f" {same:>4}/{n:<3} {correct:>4}/{predicted:<3}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()

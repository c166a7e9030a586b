#!/usr/bin/env python3
"""Headline repeated in the body: recall and precision on real titled articles and on bbc with inserted copies.

    python benchmarks/duplicates/headline_eval.py            # the reported numbers
    python benchmarks/duplicates/headline_eval.py --show N   # N disagreements + sampled agreements, to check by hand

**Real** (fakenewsnet_v1, golbeck, horne, fakenewscorpus_sample, perezrosas, bbc; records whose
title has 3+ words). Reference labels come from a loose, detector-independent rule: the title's word
sequence (case-folded, punctuation ignored; also with a `` - Site`` suffix or ``TAG:`` prefix cut
off) occurs somewhere in the body. Every record where that rule and the detector disagree was then
judged by hand, as was a random sample of 40 agreements; the hand verdicts are in
``benchmarks/labels/headline_repeats.jsonl`` (ids only) and override the rule.

**Synthetic** (bbc, whose bodies never repeat their titles): each article gets, at the top of its
body, one copy of its own title in a variant (exact, UPPER, lower, punctuation stripped, spacing
changed, ``- BBC News`` suffix, ``BBC Sport |`` prefix, glued to the first sentence with ``:``),
or, as a negative, the title of another article of the same topic. Seeded, deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.detectors import ArtifactDetector, HeadlineDetector  # noqa: E402
from coherence.units import Span, split_lines  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "benchmarks" / "labels" / "headline_repeats.jsonl"
FILES = ["fakenewsnet_v1", "golbeck", "horne", "fakenewscorpus_sample", "perezrosas", "bbc"]
_W = re.compile(r"\w+")
_SUFFIX = re.compile(r"\s+[-–—|]\s+[^-–—|]{2,40}$")
_PREFIX = re.compile(r"^[^:]{2,20}\s?:\s+")


def words(text: str) -> str:
    return " " + " ".join(_W.findall(text.casefold())) + " "


def reference(title: str, text: str) -> bool:
    """The loose rule: some variant of the title's word sequence occurs in the body."""
    body = words(text)
    variants = {title, _SUFFIX.sub("", title), _PREFIX.sub("", title)}
    return any(len(words(v).split()) >= 3 and words(v) in body for v in variants)


def detect(title: str, text: str, artifacts: ArtifactDetector, headlines: HeadlineDetector):
    """What the scorer does: artifact lines are skipped, then repeats of the title are found."""
    lines = {(s.start, s.end) for s in split_lines(text)}
    skip = [Span(f.start, f.end) for f in artifacts.detect(text) if (f.start, f.end) in lines]
    return headlines.repeats(text, headlines.find(text, title, skip=skip), skip=skip)


def load(name: str) -> list[dict]:
    with gzip.open(DATA / "news" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def prf(rows):
    tp = sum(t and p for t, p in rows)
    fp = sum(p and not t for t, p in rows)
    fn = sum(t and not p for t, p in rows)
    return {
        "n": len(rows),
        "positives": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
    }


def real(show: int, artifacts, headlines):
    hand = {}
    if LABELS.exists():
        for line in LABELS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                hand[d["id"]] = d["repeat"]
    rows, per_file, disagreements, agreements = [], {}, [], []
    for name in FILES:
        file_rows = []
        for r in load(name):
            title, text = r.get("title"), r.get("text")
            if not title or not text or len(words(title).split()) < 3:
                continue
            ref = reference(title, text)
            flags = detect(title, text, artifacts, headlines)
            pred = bool(flags)
            truth = hand.get(r["id"], ref)
            file_rows.append((truth, pred))
            item = (r["id"], title, text, flags, ref, pred)
            (disagreements if ref != pred else agreements).append(item)
        per_file[name] = prf(file_rows)
        rows += file_rows
    if show:
        rng = random.Random(20261126)
        sample = rng.sample([a for a in agreements if a[4]], min(40, sum(a[4] for a in agreements)))
        for rid, title, text, flags, ref, pred in disagreements[:show] + sample:
            print(f"\n## {rid} rule={ref} detector={pred} hand={hand.get(rid)}\nTITLE {title!r}")
            for f in flags:
                print(f"  FLAG {text[f.start : f.end][:160]!r} ({f.reason})")
            t = words(title)
            for s in split_lines(text):
                if t.strip() and t in words(s.text(text)):
                    print(f"  LINE {s.text(text)[:300]!r}")
    return prf(rows), per_file, len(disagreements), len(hand)


VARIANTS = ["exact", "upper", "lower", "no_punct", "spacing", "site_suffix", "site_prefix", "glued"]


def variant(title: str, kind: str) -> str:
    return {
        "exact": title,
        "upper": title.upper(),
        "lower": title.lower(),
        "no_punct": re.sub(r"[^\w\s]", "", title),
        "spacing": "  ".join(title.split()) + " ",
        "site_suffix": title + " - BBC News",
        "site_prefix": "BBC Sport | " + title,
        "glued": title + ": ",
    }[kind]


def synthetic(artifacts, headlines):
    rng = random.Random(20261126)
    records = [r for r in load("bbc") if r.get("title") and len(words(r["title"]).split()) >= 3]
    by_topic: dict[str, list[dict]] = {}
    for r in records:
        by_topic.setdefault(r["topic"], []).append(r)
    rows, per_variant = [], {}
    for r in records:
        kind = rng.choice([*VARIANTS, "other_title", "other_title"])
        if kind == "other_title":
            other = rng.choice([o for o in by_topic[r["topic"]] if o["id"] != r["id"]])
            if words(other["title"]) == words(r["title"]):
                continue
            text = other["title"] + "\n\n" + r["text"]
            truth = False
        elif kind == "glued":
            text = variant(r["title"], kind) + r["text"]
            truth = True
        else:
            text = variant(r["title"], kind) + "\n\n" + r["text"]
            truth = True
        pred = bool(detect(r["title"], text, artifacts, headlines))
        rows.append((truth, pred))
        per_variant.setdefault(kind, []).append((truth, pred))
    return prf(rows), {k: prf(v) for k, v in sorted(per_variant.items())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    artifacts, headlines = ArtifactDetector(), HeadlineDetector()
    overall, per_file, n_dis, n_hand = real(args.show, artifacts, headlines)
    print(f"REAL: {overall}  (rule/detector disagreements: {n_dis}; hand labels: {n_hand})")
    for name, r in per_file.items():
        print(f"  {name:24} n={r['n']:5d} positives={r['positives']:4d} P={r['precision']:.3f} R={r['recall']:.3f}")
    syn, per_variant = synthetic(artifacts, headlines)
    print(f"SYNTHETIC bbc: {syn}")
    for name, r in per_variant.items():
        print(f"  {name:14} n={r['n']:4d} tp={r['tp']:4d} fp={r['fp']:3d} fn={r['fn']:3d}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"real": overall, "real_per_file": per_file, "synthetic": syn, "synthetic_per_variant": per_variant},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()

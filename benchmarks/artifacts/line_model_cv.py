#!/usr/bin/env python3
"""Would a learned line classifier help? Leave-one-record-out CV on the DEV labels only.

    python benchmarks/artifacts/line_model_cv.py

A logistic regression over line-shape features (length, final punctuation, stop-word share,
capitalisation, digits, URL, symbols, position in the article, C4's line rule, neighbours flagged by
the rules, label-like prefix, pipes, quotes) is trained on dev lines with one record held out at a
time. Printed: precision and recall of "rules OR model >= threshold" and of the model alone. On dev,
no threshold adds recall to the rules without losing precision, so no learned model is shipped.
"""

import gzip
import json
import math
import re
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "labels"))
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from check_labels import load_labels
from sklearn.linear_model import LogisticRegression

from coherence.detectors.artifacts import ArtifactDetector
from coherence.detectors.heuristics import c4_keeps_line
from coherence.detectors.language import _stoplist
from coherence.units import split_lines

EN = _stoplist("English")
W = re.compile(r"[^\W\d_]+")


def feats(text, lines, i, flagged):
    s = lines[i]
    line = s.text(text)
    words = line.split()
    n = len(lines)
    alpha = W.findall(line)
    letters = [c for c in line if c.isalpha()]
    nxt = lines[i + 1].text(text) if i + 1 < n else ""
    prv = lines[i - 1].text(text) if i > 0 else ""
    return [
        math.log1p(len(words)),
        math.log1p(len(line)),
        float(line.rstrip().endswith((".", "!", "?", '"', "”", "’", ")"))),
        sum(w.casefold() in EN for w in alpha) / max(1, len(alpha)),
        sum(w[0].isupper() for w in alpha) / max(1, len(alpha)),
        sum(c.isupper() for c in letters) / max(1, len(letters)),
        sum(c.isdigit() for c in line) / max(1, len(line)),
        float(bool(re.search(r"https?://|www\.|\.com\b", line))),
        sum(not (c.isalnum() or c.isspace()) for c in line) / max(1, len(line)),
        i / max(1, n - 1),
        float(i == 0),
        float(i == n - 1),
        float(i < 3),
        float(i >= n - 3),
        float(c4_keeps_line(line)),
        float(len(nxt.split()) >= 20),
        float(len(prv.split()) >= 20),
        float((lines[i - 1].start, lines[i - 1].end) in flagged) if i > 0 else 0.0,
        float((lines[i + 1].start, lines[i + 1].end) in flagged) if i + 1 < n else 0.0,
        float(bool(re.match(r"^[\w\s]{1,20}:", line))),
        float("|" in line),
        float(bool(re.search('[“"]', line))),
    ]


recs = {}
for f in ["fnc1_bodies", "fakenewsnet_v1", "fakenewscorpus_sample", "golbeck", "horne"]:
    for x in gzip.open(
        __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "data" / "news" / f"{f}.jsonl.gz", "rt"
    ):
        r = json.loads(x)
        recs[r["id"]] = r
det = ArtifactDetector()


def build(split):
    X = []
    y = []
    rule = []
    grp = []
    labs = [d for d in load_labels() if d["split"] == split]
    cache = {}
    for d in labs:
        t = recs[d["id"]]["text"]
        if d["id"] not in cache:
            ls = split_lines(t)
            fl = det.detect(t)
            flagged = {(f.start, f.end) for f in fl}
            cache[d["id"]] = (ls, fl, flagged)
        ls, fl, flagged = cache[d["id"]]
        i = [k for k, s in enumerate(ls) if s.start >= d["start"] and s.end <= d["end"]][0]
        X.append(feats(t, ls, i, flagged))
        y.append(d["label"] != "content")
        a, b = d["start"], d["end"]
        rule.append(any(min(f.end, b) - max(f.start, a) >= 0.5 * (b - a) for f in fl if f.kind == "artifact"))
        grp.append(d["id"])
    return np.array(X), np.array(y), np.array(rule), np.array(grp)


X, y, rule, grp = build("dev")
# leave-one-record-out CV
probs = np.zeros(len(y))
for g in set(grp):
    m = grp == g
    clf = LogisticRegression(C=0.5, class_weight="balanced", max_iter=2000).fit(X[~m], y[~m])
    probs[m] = clf.predict_proba(X[m])[:, 1]
for th in (0.5, 0.7, 0.8, 0.9, 0.95, 0.97):
    pred = rule | (probs >= th)
    tp = (pred & y).sum()
    fp = (pred & ~y).sum()
    fn = (~pred & y).sum()
    lo = probs >= th
    print(
        th,
        f"combined P {tp / (tp + fp):.3f} R {tp / (tp + fn):.3f}",
        f"LR alone P {(lo & y).sum() / max(1, lo.sum()):.3f} R {(lo & y).sum() / y.sum():.3f}",
    )

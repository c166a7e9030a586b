#!/usr/bin/env python3
"""Check the hand-labelled artifact lines against the evaluation data and print counts.

The labels (artifact_lines.jsonl) store positions only: file, record id, line index and
character offsets into the record's ``text``. This script re-reads the data by path,
checks that every (id, start, end) still points at a whole, non-blank line, and prints
count tables. No text from the data is printed.

    python benchmarks/labels/check_labels.py [--data PATH] [--labels PATH]

``--data`` defaults to ``../shared/data`` relative to the repository root (the folder
that holds ``news/``). Exit status is 1 if any label fails a check.

Other code can use :func:`load_labels` and :func:`iter_labelled_lines`.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_LABELS = HERE / "artifact_lines.jsonl"

LABELS = ("content", "artifact", "mixed")
CATEGORIES = (
    "share_widget",
    "byline",
    "dateline",
    "navigation",
    "subscription",
    "advertisement",
    "legal",
    "caption",
    "related_links",
    "source_attribution",
    "social_embed",
    "markup",
    "encoding",
    "error_page",
    "other",
)
SPLITS = ("dev", "test")


def load_labels(path: Path = DEFAULT_LABELS) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_texts(data_dir: Path, files, ids) -> dict[tuple[str, str], str]:
    """Map (file, id) -> text for the wanted ids, reading each gzip JSONL file once."""
    wanted = collections.defaultdict(set)
    for f, i in ids:
        wanted[f].add(i)
    texts = {}
    for f in sorted(set(files)):
        p = data_dir / "news" / f
        with gzip.open(p, "rt", encoding="utf-8") as fh:  # never str.splitlines() the file
            for raw in fh:
                rec = json.loads(raw)
                if rec["id"] in wanted[f]:
                    texts[(f, rec["id"])] = rec["text"]
    return texts


def iter_labelled_lines(data_dir: Path = DEFAULT_DATA, labels_path: Path = DEFAULT_LABELS):
    """Yield (label_record, line_text) for every label, reading the text from the data."""
    labels = load_labels(labels_path)
    texts = load_texts(data_dir, [d["file"] for d in labels], [(d["file"], d["id"]) for d in labels])
    for d in labels:
        yield d, texts[(d["file"], d["id"])][d["start"] : d["end"]]


def check(labels: list[dict], texts: dict) -> list[str]:
    errors = []
    seen = set()
    split_of_record = {}
    keys = [(d["file"], d["id"], d["line"]) for d in labels]
    if keys != sorted(keys):
        errors.append("labels are not sorted by (file, id, line)")
    for n, d in enumerate(labels, 1):
        where = f"row {n} ({d.get('file')} {d.get('id')} line {d.get('line')})"
        key = (d["file"], d["id"], d["line"])
        if key in seen:
            errors.append(f"{where}: duplicate")
        seen.add(key)
        if d["label"] not in LABELS:
            errors.append(f"{where}: bad label {d['label']!r}")
        if d["label"] == "content" and d.get("category") is not None:
            errors.append(f"{where}: content line with a category")
        if d["label"] != "content" and d.get("category") not in CATEGORIES:
            errors.append(f"{where}: bad category {d.get('category')!r}")
        if d.get("split") not in SPLITS:
            errors.append(f"{where}: bad split {d.get('split')!r}")
        rec = (d["file"], d["id"])
        if split_of_record.setdefault(rec, d.get("split")) != d.get("split"):
            errors.append(f"{where}: record spans both splits")
        text = texts.get(rec)
        if text is None:
            errors.append(f"{where}: record id not found in data")
            continue
        s, e = d["start"], d["end"]
        if not (0 <= s < e <= len(text)):
            errors.append(f"{where}: offsets out of range")
            continue
        line = text[s:e]
        if "\n" in line:
            errors.append(f"{where}: span contains a newline")
        if not line.strip():
            errors.append(f"{where}: span is blank")
        if s > 0 and text[s - 1] != "\n":
            errors.append(f"{where}: start is not at a line start")
        if e < len(text) and text[e] != "\n":
            errors.append(f"{where}: end is not at a line end")
        if text.count("\n", 0, s) != d["line"]:
            errors.append(f"{where}: line index does not match offsets")
        if "artifact_substring_start" in d or "artifact_substring_end" in d:
            a, b = d.get("artifact_substring_start"), d.get("artifact_substring_end")
            if d["label"] != "mixed" or a is None or b is None or not (s <= a < b <= e):
                errors.append(f"{where}: bad artifact substring offsets")
    return errors


def table(title: str, counter: collections.Counter, order=None) -> str:
    keys = order or sorted(counter)
    width = max([len(title)] + [len(str(k)) for k in keys])
    rows = [f"{title:<{width}}  count"]
    rows += [f"{str(k):<{width}}  {counter[k]:5d}" for k in keys if counter[k]]
    rows.append(f"{'total':<{width}}  {sum(counter.values()):5d}")
    return "\n".join(rows)


def crosstab(labels, row_key, col_key, cols) -> str:
    rows = sorted({row_key(d) for d in labels})
    width = max(len(r) for r in rows + ["total"])
    out = [f"{'':<{width}}" + "".join(f"{c:>10}" for c in cols) + f"{'total':>8}"]
    for r in rows + ["total"]:
        sel = [d for d in labels if r == "total" or row_key(d) == r]
        cnt = collections.Counter(col_key(d) for d in sel)
        out.append(f"{r:<{width}}" + "".join(f"{cnt[c]:>10}" for c in cols) + f"{len(sel):>8}")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder holding news/*.jsonl.gz (default: ../shared/data from the repo root)",
    )
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    args = ap.parse_args(argv)

    labels = load_labels(args.labels)
    texts = load_texts(args.data, [d["file"] for d in labels], [(d["file"], d["id"]) for d in labels])
    errors = check(labels, texts)

    records = {(d["file"], d["id"]) for d in labels}
    print(f"{len(labels)} labelled lines from {len(records)} records; data: {args.data}\n")
    print("lines per file and label")
    print(crosstab(labels, lambda d: d["file"], lambda d: d["label"], LABELS), "\n")
    print("lines per split and label")
    print(crosstab(labels, lambda d: d["split"], lambda d: d["label"], LABELS), "\n")
    rec_split = collections.Counter(s for (_, _), s in {(d["file"], d["id"]): d["split"] for d in labels}.items())
    print(table("records per split", rec_split, SPLITS), "\n")
    cats = collections.Counter(d["category"] for d in labels if d["label"] != "content")
    print(table("category (artifact + mixed)", cats, CATEGORIES), "\n")
    print("artifact + mixed lines per category and file")
    files = sorted({d["file"] for d in labels})
    short = {f: f.split(".")[0][:10] for f in files}
    nonc = [d for d in labels if d["label"] != "content"]
    w = max(len(c) for c in CATEGORIES)
    print(f"{'':<{w}}" + "".join(f"{short[f]:>12}" for f in files))
    for c in CATEGORIES:
        cnt = collections.Counter(d["file"] for d in nonc if d["category"] == c)
        if cnt:
            print(f"{c:<{w}}" + "".join(f"{cnt[f]:>12}" for f in files))
    print()
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        for e in errors[:50]:
            print("  " + e)
        return 1
    print("OK: every (id, start, end) points at a whole non-blank line of the record's text")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Could lines recurring across a site's records find the artifact lines the detector misses? DEV labels only.

    python benchmarks/artifacts/site_recurrence_dev.py            # dev lines and the clean controls (~2 min)
    python benchmarks/artifacts/site_recurrence_dev.py --show 20  # also list the lines reached
    python benchmarks/artifacts/site_recurrence_dev.py --positions  # also the site's flags by position

The boilerplate detector (batch mode) flags a line that recurs in at least 4 distinct articles of one
source (and 5% of them, at most 20); the source is the record's ``source`` field (the site's host
name in fakenewscorpus, fakenewsnet and golbeck), so fnc1 and horne, which have none, are one source
per file. This script asks what a looser site-level signal would reach: a line's **site** is its
record's ``source`` without ``www.`` (records without one: their file), and a line **recurs** in
another article of its site when that article has the same line (``boilerplate.line_key``: case,
digits and punctuation folded) or, ``near``, a line whose ``line_key`` words have a Jaccard similarity
of at least ``--jaccard`` with its own (a bio with one clause changed, a date-stamped promo). Articles
that share more than 30% of their lines with the line's own record are copies of it and do not count.

Printed for k = 1 to 4 other articles: how many dev artifact lines the shipped detector misses (one
article at a time with the title, then the shipped boilerplate detector fitted per file) recur in k or
more, against the artifact lines it already finds and the content lines that recur as often; then the
lines of the clean controls (bbc, perezrosas) that no shipped flag covers and that recur as often
(bbc is one site, perezrosas one file). ``--positions`` adds a site profile that needs no recurring
text: how often the site's other records have a flagged line at the same place from the top or the
end (an author bio that changes with the author but always closes the page). Only dev rows of
batches 1-4 and 6-8 are read.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.artifacts.justext_lines_dev import DEV_BATCHES  # noqa: E402
from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.detectors.boilerplate import BoilerplateDetector, line_key, site_key  # noqa: E402
from coherence.detectors.line_features import covers_half  # noqa: E402
from coherence.training.train_lines import found_by, load_dev_labels  # noqa: E402
from coherence.units import split_lines  # noqa: E402

NEWS_FILES = (
    "fnc1_bodies.jsonl.gz",
    "fakenewscorpus_sample.jsonl.gz",
    "fakenewsnet_v1.jsonl.gz",
    "golbeck.jsonl.gz",
    "horne.jsonl.gz",
    "bbc.jsonl.gz",
    "perezrosas.jsonl.gz",
)
COPY_SHARE = 0.3
KS = (1, 2, 3, 4)


def site_of(record: dict, file_name: str) -> str:
    """The record's site as the boilerplate detector keys it (:func:`site_key`); without one, its file."""
    return site_key(record.get("source")) or f"file:{file_name}"


class Site:
    """The line keys of every record of one site, with an index from rare words to lines for near matches."""

    def __init__(self) -> None:
        self.records: dict[str, list[frozenset[str]]] = {}
        self.exact: dict[str, set[str]] = collections.defaultdict(set)  # line key -> records
        self.word_records: collections.Counter[str] = collections.Counter()
        self.keys: dict[str, list[str]] = {}
        self.copies: dict[str, set[str]] = {}

    def add(self, record_key: str, text: str) -> None:
        keys = [line_key(s.text(text)) for s in split_lines(text)]
        self.keys[record_key] = keys
        self.records[record_key] = [frozenset(k.split()) for k in keys]
        for k in keys:
            self.exact[k].add(record_key)
        self.word_records.update(set().union(*self.records[record_key]) if keys else ())

    def finish(self) -> None:
        """Index every line by its two rarest words (a line within ``--jaccard`` of it shares one of them)."""
        self.postings: dict[str, list[tuple[str, frozenset[str]]]] = collections.defaultdict(list)
        for record_key, lines in self.records.items():
            for words in lines:
                for w in self._rare(words):
                    self.postings[w].append((record_key, words))

    def _rare(self, words: frozenset[str]) -> list[str]:
        return sorted(words, key=lambda w: (self.word_records[w], w))[:2]

    def _copies(self, record_key: str) -> set[str]:
        """Other records sharing more than ``COPY_SHARE`` of their lines with this one."""
        if record_key not in self.copies:
            shared: collections.Counter[str] = collections.Counter()
            for key in set(self.keys[record_key]):
                shared.update(self.exact[key])
            self.copies[record_key] = {
                other
                for other, n in shared.items()
                if other != record_key and n > COPY_SHARE * max(1, len(set(self.keys[other])))
            }
        return self.copies[record_key]

    def recurrence(self, record_key: str, line: str, jaccard: float) -> tuple[int, int]:
        """(exact, near): distinct other articles, copies not counted, with the same or a near line."""
        key = line_key(line)
        if not key:
            return 0, 0
        skip = self._copies(record_key) | {record_key}
        exact = len(self.exact.get(key, set()) - skip)
        words = frozenset(key.split())
        near = {
            other
            for w in self._rare(words)
            for other, cand in self.postings.get(w, ())
            if other not in skip and len(words & cand) >= jaccard * len(words | cand)
        }
        return exact, len(near)


def load_sites(data_dir: Path) -> tuple[dict[str, Site], dict[tuple[str, str], tuple[str, dict]]]:
    sites: dict[str, Site] = collections.defaultdict(Site)
    records = {}
    for name in NEWS_FILES:
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            for rec in map(json.loads, fh):
                site = site_of(rec, name)
                sites[site].add(f"{name}:{rec['id']}", rec["text"])
                records[(name, rec["id"])] = (site, rec)
    for site in sites.values():
        site.finish()
    return sites, records


class ShippedFlags:
    """The shipped detector's artifact flags for a record: one article at a time with its title, then the
    boilerplate detector fitted on every record of the file (batch mode, as ``eval_lines.py`` runs it)."""

    def __init__(self, detector: ArtifactDetector, data_dir: Path) -> None:
        self.detector, self.data_dir = detector, data_dir
        self.boilerplate: dict[str, BoilerplateDetector] = {}

    def __call__(self, file_name: str, record: dict) -> list:
        if file_name not in self.boilerplate:
            with gzip.open(self.data_dir / "news" / file_name, "rt", encoding="utf-8") as fh:
                fitted = BoilerplateDetector().fit((r["text"], r.get("source")) for r in map(json.loads, fh))
            self.boilerplate[file_name] = fitted
        text = record["text"]
        flags = [f for f in self.detector.detect(text, record.get("title")) if f.kind == "artifact"]
        return flags + self.boilerplate[file_name].detect(text, record.get("source"))


def print_position_shares(labels: list[dict], records: dict, flags_of: ShippedFlags, edge: int = 5) -> None:
    """Site profile: for a line among the first or last ``edge`` lines of its record, the share of the site's
    other records (3+ with a line there) whose line at the same place (counted from that end) is flagged;
    the higher of the two ends. Sites with a host name only (a file is no site here)."""
    wanted = {records[(d["file"], d["id"])][0] for d in labels}
    flagged: dict[str, dict[str, list[bool]]] = collections.defaultdict(dict)
    for (file_name, record_id), (site, rec) in records.items():
        if site in wanted and not site.startswith("file:"):
            spans = split_lines(rec["text"])
            flags = flags_of(file_name, rec)
            flagged[site][f"{file_name}:{record_id}"] = [covers_half(flags, s) for s in spans]
    shares = []
    for d in labels:
        site, rec = records[(d["file"], d["id"])]
        if site not in flagged:
            continue
        key = f"{d['file']}:{d['id']}"
        own = flagged[site][key]
        index = next(i for i, s in enumerate(split_lines(rec["text"])) if s.start >= d["start"] and s.end <= d["end"])
        best = 0.0
        for from_end in (False, True):
            j = len(own) - 1 - index if from_end else index
            if j >= edge:
                continue
            at = [f[len(f) - 1 - j if from_end else j] for k, f in flagged[site].items() if k != key and j < len(f)]
            if len(at) >= 3:
                best = max(best, sum(at) / len(at))
        shares.append((d["label"] != "content", own[index], best))
    print(f"\nsite profile (lines of records with a host name: {len(shares)}): flagged share at the line's place")
    print(f"{'share >=':8} {'missed art.':>11} {'found art.':>10} {'unflagged content':>17}")
    for t in (0.3, 0.5, 0.7):
        reached = [s for s in shares if s[2] >= t]
        missed, found = sum(a and not f for a, f, _ in reached), sum(a and f for a, f, _ in reached)
        content = sum(not a and not f for a, f, _ in reached)
        print(f"{t:8.1f} {missed:11d} {found:10d} {content:17d}")
    print(f"missed artifact lines of such records: {sum(a and not f for a, f, _ in shares)}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl")
    ap.add_argument("--jaccard", type=float, default=0.6, help="word-set similarity of a near line")
    ap.add_argument("--show", type=int, default=0, help="list this many reached lines per group")
    ap.add_argument("--positions", action="store_true", help="also the site's flagged share at the line's position")
    args = ap.parse_args(argv)

    sites, records = load_sites(args.data)
    labels = [d for d in load_dev_labels(args.labels) if d.get("batch", 1) in DEV_BATCHES]
    detector = ArtifactDetector()
    flags_of = ShippedFlags(detector, args.data)
    rows = []
    for d in labels:
        site, rec = records[(d["file"], d["id"])]
        line = rec["text"][d["start"] : d["end"]]
        exact, near = sites[site].recurrence(f"{d['file']}:{d['id']}", line, args.jaccard)
        found = found_by(flags_of(d["file"], rec), d)
        rows.append((d["label"] != "content", found, exact, near, site, line, d.get("batch", 1)))
    n_art = sum(r[0] for r in rows)
    missed = [r for r in rows if r[0] and not r[1]]
    print(f"dev lines {len(rows)} (artifact {n_art}; missed by the shipped detector in batch mode: {len(missed)})")
    print(f"{'recurs in k+ other articles':28} {'k':>2} {'missed art.':>11} {'found art.':>10} {'content':>7}")
    for kind, col in (("same line", 2), (f"near line (J >= {args.jaccard:g})", 3)):
        for k in KS:
            reached = [r for r in rows if max(r[2], r[col]) >= k]
            counts = (sum(r[0] and not r[1] for r in reached), sum(r[0] and r[1] for r in reached))
            print(f"{kind:28} {k:2d} {counts[0]:11d} {counts[1]:10d} {sum(not r[0] for r in reached):7d}")
    if args.show:
        for title, keep in (("missed artifact", lambda r: r[0] and not r[1]), ("content", lambda r: not r[0])):
            print(f"\n{title} lines recurring in 1+ other article (exact / near, site, batch)")
            for r in [r for r in rows if keep(r) and max(r[2], r[3]) >= 1][: args.show]:
                print(f"  {r[2]:2d} / {r[3]:2d} {r[4][:24]:24} b{r[6]} {r[5][:80]!r}")

    if args.positions:
        print_position_shares(labels, records, flags_of)
    print("\nclean controls: lines no shipped flag covers that recur in k+ other articles of their site (same / near)")
    for name in ("bbc.jsonl.gz", "perezrosas.jsonl.gz"):
        counts = np.zeros((len(KS), 2), dtype=int)
        examples = []
        n_lines = 0
        for (file_name, _), (site, rec) in records.items():
            if file_name != name:
                continue
            text = rec["text"]
            flags = [f for f in detector.detect(text, rec.get("title")) if f.kind == "artifact"]
            for span in split_lines(text):
                n_lines += 1
                if covers_half(flags, span):
                    continue
                exact, near = sites[site].recurrence(f"{name}:{rec['id']}", span.text(text), args.jaccard)
                for j, k in enumerate(KS):
                    counts[j] += (exact >= k, max(exact, near) >= k)
                if max(exact, near) >= 1:
                    examples.append((exact, near, span.text(text)[:80]))
        per_k = ", ".join(f"k={k}: {a} / {b}" for k, (a, b) in zip(KS, counts, strict=True))
        print(f"{name}: {n_lines} lines; {per_k}")
        for ex in examples[: args.show]:
            print(f"  {ex[0]:2d} / {ex[1]:2d} {ex[2]!r}")


if __name__ == "__main__":
    main()

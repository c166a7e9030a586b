#!/usr/bin/env python3
"""Candidate rule families from the conventions of news pages, measured on dev and the clean controls.

    python benchmarks/artifacts/genre_families_dev.py                 # every family, per dev batch
    python benchmarks/artifacts/genre_families_dev.py --only C1a --show 20   # list what one family flags

Each family (written down in ``docs/benchmarks/artifacts.md``, session 8, before it was first run) is a
function ``(text, lines, rule_flags) -> flags`` that may flag any line, flagged or not; the rules' flags
are only context. For every dev batch (batches 1-4 and 6-8, dev rows only; test rows and any batch not
listed in ``DEV_BATCHES`` are never read) it prints what the family flags on its own (artifact / content
lines) and what it adds to the shipped detector (lines the shipped detector misses: artifact / content).
On the clean controls (bbc, perezrosas; records with a label outside dev left out) it counts the lines it
adds to the shipped detector's flags; ``--show`` prints them to be read.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "labels"))
sys.path.insert(0, str(ROOT))

from check_labels import DEFAULT_DATA, load_labels  # noqa: E402

from coherence.detectors import artifacts  # noqa: E402
from coherence.detectors.artifacts import ArtifactDetector, is_present_tense_caption  # noqa: E402
from coherence.detectors.line_features import SENTENCE_END, covers_half, touches  # noqa: E402
from coherence.flags import Flag  # noqa: E402
from coherence.units import Span, split_lines  # noqa: E402

DEV_BATCHES = (1, 2, 3, 4, 6, 7, 8)
CONTROLS = ("bbc.jsonl.gz", "perezrosas.jsonl.gz")
NEWS_FILES = (
    "fnc1_bodies.jsonl.gz",
    "fakenewsnet_v1.jsonl.gz",
    "fakenewscorpus_sample.jsonl.gz",
    "golbeck.jsonl.gz",
    "horne.jsonl.gz",
)
Family = Callable[[str, list[Span], list[Flag]], list[Flag]]

# --- C1: present-tense caption (shipped as C1a: artifacts.is_present_tense_caption) --------------------
_REPORTING = re.compile(
    r"\b(said|says|told|tells|according|added|claimed|wrote|stated|announced|insisted)\b", re.IGNORECASE
)
_QUOTE = re.compile(r"[\"“”]")


def c1a(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C1a: a present-tense caption with no final punctuation."""
    out = []
    for span in lines[1:]:
        line = span.text(text)
        if line.endswith(SENTENCE_END + (",", ";", ":")) or not is_present_tense_caption(line):
            continue
        out.append(Flag("artifact", span.start, span.end, 0.8, "present-tense photo caption", "caption"))
    return out


def c1b(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C1b: a present-tense caption ending in a full stop (one sentence, a paragraph of its own)."""
    out = []
    for span in lines:
        line = span.text(text)
        if not line.endswith(".") or not is_present_tense_caption(line):
            continue
        out.append(Flag("artifact", span.start, span.end, 0.8, "present-tense photo caption", "caption"))
    return out


# --- C2: gallery and caption-toggle furniture -------------------------------------------------------
_GALLERY = re.compile(
    r"^((photo|image|picture|slide|pic)s?\s*)?\d{1,3}\s*(of|/)\s*\d{1,3}$"
    r"|^(hide|show|toggle|expand|close|open) (the )?(caption|captions|image|photo|gallery|slideshow)s?$"
    r"|^(enlarge|expand|zoom) (this )?(image|photo|picture)$|^(expand|enlarge|fullscreen|full screen)$"
    r"|^(next|previous|prev)( (slide|photo|image|picture|gallery))?\s*[»›>«‹<]*$"
    r"|^\d{1,3} (photos|images|pictures|slides)$"
    r"|^(launch|open|start|view) (the )?(gallery|slideshow|slide show)\b.{0,30}$"
    r"|^(swipe|scroll|click|tap) (left|right|through|to see|for (the )?next|to view|to enlarge)\b.{0,40}$",
    re.IGNORECASE,
)


def c2(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C2: slide counters, caption toggles, gallery navigation."""
    return [
        Flag("artifact", s.start, s.end, 0.9, "photo-gallery control", "caption")
        for s in lines
        if _GALLERY.match(s.text(text).strip())
    ]


# --- C3: caption beside its credit or its alt text --------------------------------------------------
def _is_credit_flag(flag: Flag) -> bool:
    return flag.category == "caption" and "credit" in flag.reason and "beside" not in flag.reason


def _caption_shaped(line: str) -> bool:
    words = line.split()
    if not 3 <= len(words) <= 30 or _REPORTING.search(line) or _QUOTE.search(line) or line.endswith(("?", ":")):
        return False
    if re.search(r"[.!?][\"'”’]?\s+[\"'“‘]?[A-Z]", line):  # more than one sentence
        return False
    return not line.endswith(SENTENCE_END + (",", ";"))


def c3a(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C3a: a short line right above or below a line flagged as a photo credit."""
    credit = [any(_is_credit_flag(f) and covers_half([f], s) for f in flags) for s in lines]
    out = []
    for i, span in enumerate(lines):
        if i == 0 or credit[i] or not _caption_shaped(span.text(text)):
            continue
        if (i > 0 and credit[i - 1]) or (i + 1 < len(lines) and credit[i + 1]):
            out.append(Flag("artifact", span.start, span.end, 0.8, "caption beside its photo credit", "caption"))
    return out


_FOLD = re.compile(r"[^\w]+")


def _folded(line: str) -> list[str]:
    return [w for w in _FOLD.split(line.casefold()) if w]


def c3b(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C3b: a short line repeated by the next or next-but-one line (same words, or one starts the other)."""
    out: dict[tuple[int, int], Flag] = {}
    folded = [_folded(s.text(text)) for s in lines]
    for i in range(len(lines)):
        for j in (i + 1, i + 2):
            if j >= len(lines):
                continue
            a, b = folded[i], folded[j]
            short, long_ = sorted((a, b), key=len)
            if len(short) < 4 or len(long_) > 30 or long_[: len(short)] != short:
                continue
            ends = [lines[k].text(text).endswith(SENTENCE_END) for k in (i, j)]
            if all(ends):
                continue
            for k in (i, j):
                span = lines[k]
                out[(span.start, span.end)] = Flag(
                    "artifact", span.start, span.end, 0.8, "caption printed twice (alt text)", "caption"
                )
    return list(out.values())


# --- B1: author bio, wider --------------------------------------------------------------------------
_NAME = (
    r"(?!(?:The|A|An|This|That|These|Those|Our|His|Her|Their)\s)(?:Dr\.?\s|Prof\.?\s)?"
    r"[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s(?:Mc|Mac|O['’]|De|Van|Von)?[A-Z][a-z'’-]+){1,2}"
)
_BIO = re.compile(
    rf"^{_NAME},?\s(?:(?:is|was) the author of|has written (?:for|about|on|extensively)"
    r"|writes (?:for|about|on|regularly)"
    r"|has (?:been|worked as) an? |is an? (?:former|senior|regular|frequent|freelance|contributing|staff|veteran"
    r"|award-winning|independent|investigative|political|longtime|long-time)\b|lives (?:in|with|on)\b|is based in\b"
    r"|is a graduate of|graduated from|holds an? |publishes|edits"
    r"|is the (?:founder|editor|publisher|host|director|president|ceo|executive)\b)",
)
_ABOUT_AUTHOR = re.compile(r"^about the (author|writer|columnist|contributor)s?\s*:?\s*$", re.IGNORECASE)


def b1(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """B1: among the last three lines, a name followed by a bio phrase; an About-the-author header."""
    out = []
    for span in lines[max(1, len(lines) - 3) :]:
        line = span.text(text)
        if _BIO.match(line) or _ABOUT_AUTHOR.match(line):
            out.append(Flag("artifact", span.start, span.end, 0.85, "author bio (name and bio phrase)", "byline"))
    return out


# --- B2: byline with role or handle -----------------------------------------------------------------
_ROLE = (
    r"(?:(?:staff|senior|contributing|special|chief|associate|political|foreign|investigative|deputy|managing|"
    r"executive|news|sports|business|science|health|features?|digital|guest|freelance|national|white house|"
    r"washington|london|europe|middle east|[a-z]+ affairs) )*(?:writer|reporter|correspondent|editor|columnist|"
    r"contributor|producer|journalist|blogger|photographer)s?"
)
_ROLE_BYLINE = re.compile(
    rf"^{_NAME}\s*(?:,|\||[–—-]|/)\s*(?:the\s)?(?:[A-Z][\w.&'’-]*\s){{0,3}}(?i:{_ROLE})\b[^.!?]{{0,40}}$"
    rf"|^(?i:special to|exclusive to) (?:the\s)?[A-Z][\w.&'’-]*(?:\s[A-Z][\w.&'’-]*){{0,3}}$"
    rf"|^(?:the\s)?[A-Z][\w.&'’-]*(?:\s[A-Z][\w.&'’-]*){{0,3}}\s"
    r"(?i:staff writer|staff reporter|staff|correspondent|news staff|editorial (?:staff|board|team))$"
    rf"|^{_NAME}\s*[|,–—-]?\s*@\w{{2,15}}$"
)


def b2(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """B2: among the first or last five lines, a short line of a name and a writer's role or handle."""
    out = []
    for i, span in enumerate(lines):
        if 5 <= i < len(lines) - 5:
            continue
        line = span.text(text)
        if 2 <= len(line.split()) <= 12 and _ROLE_BYLINE.match(line):
            out.append(Flag("artifact", span.start, span.end, 0.85, "byline with the writer's role", "byline"))
    return out


# --- R1: related headline with a link marker ---------------------------------------------------------
_LINK_MARKER = re.compile(
    r"^[▶►»›→▸➤]\s*\S|[»→›]\s*$"
    r"|^[\[(](video|videos|photos?|pictures|watch|gallery|slideshow|listen|audio)[\])]\s*\S"
    r"|\S\s*[\[(](video|videos|photos?|pictures|watch|gallery|slideshow|audio)[\])]\s*$",
    re.IGNORECASE,
)


def r1(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """R1: a line of 3-20 words without final full stop, opening or ending with a link marker."""
    out = []
    for span in lines[1:]:
        line = span.text(text)
        if not 3 <= len(line.split()) <= 20 or line.endswith((".", "!", "?", ":")) or _QUOTE.search(line[:1]):
            continue
        if _LINK_MARKER.search(line):
            out.append(Flag("artifact", span.start, span.end, 0.85, "link to another story (marker)", "related_links"))
    return out


# --- S1: share and comment prompts, wider -------------------------------------------------------------
_SHARE = re.compile(
    r"^@\w{2,15}$|^(#\w+\s*)+$"
    r"|^(join the (conversation|discussion|debate)|(post|add|view|show|load|read|hide) (a |all |the )?comments?"
    r"|\d+ (responses|replies|reactions)"
    r"|email this( story| article| page)?|print this( story| article| page)?|click to tweet|tweet this"
    r"|share on \w+)\b.{0,30}$",
    re.IGNORECASE,
)


def s1(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """S1: a handle or hashtags alone; comment, e-mail, print and tweet prompts."""
    return [
        Flag("artifact", s.start, s.end, 0.9, "share or comment prompt", "share_widget")
        for s in lines
        if _SHARE.match(s.text(text).strip())
    ]


# --- C4: wire-photo caption date (round 2) -------------------------------------------------------------
_WIRE_DATE = re.compile(
    r",\s(monday|tuesday|wednesday|thursday|friday|saturday|sunday),\s"
    r"(jan|feb|march|april|may|june|july|aug|sept?|oct|nov|dec)[a-z]*\.?\s\d{1,2},\s(19|20)\d{2}\W{0,3}"
    r"(\s*[\[(][^\])]{1,60}[\])]|\s*\S+\s?/\s?[^.!?]{1,40})?\W*$",
    re.IGNORECASE,
)


def c4(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """C4: a line of at most 60 words ending in ``, Weekday, Month Day, Year`` (and maybe a credit)."""
    return [
        Flag("artifact", s.start, s.end, 0.85, "wire-photo caption (dated in caption style)", "caption")
        for s in lines
        if len(s.text(text).split()) <= 60 and _WIRE_DATE.search(s.text(text))
    ]


# --- B3: the writer's bio names someone the story does not (round 2) ------------------------------------
_BIO_OPENING = re.compile(
    r"^(?!(?:The|A|An|This|That|These|Those|Our|His|Her|Their|He|She|It|They|We|I)\s)"
    r"(?P<name>[A-Z][a-z]+(?:\s[A-Z]\.)*(?:\s(?:Mc|Mac|O['’]|De|Van|Von)?[A-Z][a-z'’-]+){1,2}),?\s"
    r"(?:is|was|has|writes|publishes|lives|works)\b"
)


def b3(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """B3: among the last three lines, ``Full Name is/has/writes ...`` whose surname is not in the text above."""
    out = []
    for span in lines[max(1, len(lines) - 3) :]:
        match = _BIO_OPENING.match(span.text(text))
        if match is None:
            continue
        surname = match.group("name").split()[-1]
        if re.search(rf"\b{re.escape(surname)}\b", text[: span.start]):
            continue
        out.append(Flag("artifact", span.start, span.end, 0.85, "bio of someone the story does not name", "byline"))
    return out


FAMILIES: dict[str, Family] = {
    "C1a": c1a,
    "C1b": c1b,
    "C2": c2,
    "C3a": c3a,
    "C3b": c3b,
    "B1": b1,
    "B2": b2,
    "R1": r1,
    "S1": s1,
    "C4": c4,
    "B3": b3,
}


def _line_hit(flags: list[Flag], label: dict) -> bool:
    """Whether ``flags`` make the labelled line an artifact (eval_lines' rule)."""
    if label["label"] == "mixed":
        a, b = label["artifact_substring_start"], label["artifact_substring_end"]
        return any(f.start < b and f.end > a for f in flags)
    a, b = label["start"], label["end"]
    return any(min(f.end, b) - max(f.start, a) >= 0.5 * (b - a) for f in flags)


def _read(data: Path, name: str) -> list[dict]:
    with gzip.open(data / "news" / name, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _batch10_records() -> set[tuple[str, str]]:
    """The records batch 10 draws (ids only, no label is read): kept out of the unlabelled sample."""
    from sample_batch9 import TARGETS, draw

    return {(row["file"], row["id"]) for row in draw("20261209", 10, "dev", TARGETS)}


def _unlabelled(
    args: argparse.Namespace, families: dict[str, Family], labelled: set, detector: ArtifactDetector
) -> None:
    """Lines each family adds to the shipped detector on unlabelled records of the five news files
    (``--unlabelled`` per file, seeded; labelled records and batch 10's records left out)."""
    skip = labelled | _batch10_records()
    count = collections.Counter()
    examples = collections.defaultdict(list)
    n_records = n_lines = 0
    for name in NEWS_FILES:
        records = [r for r in _read(args.data, name) if (name, r["id"]) not in skip]
        random.Random(f"{args.seed}:{name}").shuffle(records)
        for rec in records[: args.unlabelled]:
            text = rec["text"]
            lines = split_lines(text)
            n_records += 1
            n_lines += len(lines)
            shipped = [f for f in detector.detect(text, rec.get("title")) if f.kind == "artifact"]
            rule_flags, _ = detector._rule_flags(text, lines)
            for key, family in families.items():
                for f in family(text, lines, rule_flags):
                    if not touches(shipped, Span(f.start, f.end)):
                        count[key] += 1
                        examples[key].append(f"  {rec['id']} {text[f.start : f.end][:150]!r}")
    print(f"unlabelled: {n_records} records, {n_lines} lines; lines added per family: {dict(count)}")
    for key in families:
        for row in examples[key][: args.show]:
            print(f"{key} {row}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--only", nargs="*", default=None, help="families to run (default: all)")
    ap.add_argument("--show", type=int, default=0, help="print up to this many flagged dev and control lines")
    ap.add_argument("--no-controls", action="store_true")
    ap.add_argument("--seed", default="session8", help="seed of the unlabelled draw")
    ap.add_argument(
        "--unlabelled", type=int, default=0, help="also this many unlabelled records per news file (seeded draw)"
    )
    ap.add_argument(
        "--session-start",
        action="store_true",
        help="compare with the detector as it was before session 8 (its two shipped families switched off)",
    )
    args = ap.parse_args(argv)
    if args.session_start:
        artifacts._present_tense_captions = lambda text, lines, flags: []
        artifacts._captions_beside_credits = lambda text, lines, flags: []
    families = {k: v for k, v in FAMILIES.items() if args.only is None or k in args.only}
    all_labels = load_labels()
    labels = [d for d in all_labels if d["split"] == "dev" and d.get("batch", 1) in DEV_BATCHES]
    not_dev = {(d["file"], d["id"]) for d in all_labels if d["split"] != "dev" or d.get("batch", 1) not in DEV_BATCHES}
    by_record = collections.defaultdict(list)
    for d in labels:
        by_record[(d["file"], d["id"])].append(d)
    detector = ArtifactDetector()
    # alone[fam][batch] = [artifact, content]; added[fam][batch] = [artifact, content]
    alone = {k: collections.defaultdict(lambda: [0, 0]) for k in families}
    added = {k: collections.defaultdict(lambda: [0, 0]) for k in families}
    shown = collections.defaultdict(list)
    totals = collections.Counter()
    for name in sorted({f for f, _ in by_record}):
        for rec in _read(args.data, name):
            rows = by_record.get((name, rec["id"]))
            if not rows:
                continue
            text = rec["text"]
            lines = split_lines(text)
            shipped = [f for f in detector.detect(text, rec.get("title")) if f.kind == "artifact"]
            rule_flags, _ = detector._rule_flags(text, lines)
            for d in rows:
                totals[(d.get("batch", 1), d["label"] != "content")] += 1
            for key, family in families.items():
                new = family(text, lines, rule_flags)
                for d in rows:
                    if not _line_hit(new, d):
                        continue
                    is_art, batch = d["label"] != "content", d.get("batch", 1)
                    alone[key][batch][0 if is_art else 1] += 1
                    kind = ("TP" if is_art else "FP") + (" (shipped finds it)" if _line_hit(shipped, d) else " (added)")
                    if not _line_hit(shipped, d):
                        added[key][batch][0 if is_art else 1] += 1
                    shown[key].append(f"  dev b{batch} {kind} {d['category']} {text[d['start'] : d['end']][:150]!r}")
    print(
        "dev lines per batch (artifact / content):", {b: (totals[(b, True)], totals[(b, False)]) for b in DEV_BATCHES}
    )
    print(f"{'family':6} {'batch':>5}  alone art/content  added art/content")
    for key in families:
        for b in DEV_BATCHES:
            a, ad = alone[key][b], added[key][b]
            if a != [0, 0]:
                print(f"{key:6} {b:>5}  {a[0]:5d} / {a[1]:<5d}      {ad[0]:5d} / {ad[1]:<5d}")
        ta = [sum(alone[key][b][i] for b in DEV_BATCHES) for i in (0, 1)]
        td = [sum(added[key][b][i] for b in DEV_BATCHES) for i in (0, 1)]
        print(f"{key:6} {'all':>5}  {ta[0]:5d} / {ta[1]:<5d}      {td[0]:5d} / {td[1]:<5d}")
        for row in shown[key][: args.show]:
            print(row)
    if args.no_controls:
        return
    if args.unlabelled:
        _unlabelled(args, families, {(d["file"], d["id"]) for d in all_labels}, detector)
    for name in CONTROLS:
        count = collections.Counter()
        examples = collections.defaultdict(list)
        n_lines = 0
        for rec in _read(args.data, name):
            if (name, rec["id"]) in not_dev:
                continue
            text = rec["text"]
            lines = split_lines(text)
            n_lines += len(lines)
            shipped = [f for f in detector.detect(text, rec.get("title")) if f.kind == "artifact"]
            rule_flags, _ = detector._rule_flags(text, lines)
            for key, family in families.items():
                new = [f for f in family(text, lines, rule_flags) if not touches(shipped, Span(f.start, f.end))]
                for f in new:
                    count[key] += 1
                    examples[key].append(f"  {name} {rec['id']} {text[f.start : f.end][:150]!r}")
        print(f"{name}: {n_lines} lines; lines added per family: {dict(count)}")
        for key in families:
            for row in examples[key][: args.show]:
                print(f"{key} {row}")


if __name__ == "__main__":
    main()

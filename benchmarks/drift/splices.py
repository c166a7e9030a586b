"""Spliced news built from BBC articles: what users get from :class:`coherence.Scorer`.

Each chosen source article yields three documents: itself unmodified, one with a splice from a
different-topic article and one with a splice from a same-topic article. A splice is 1-3
consecutive paragraphs (inserted between paragraphs) or a single sentence (inserted between the
sentences of one paragraph), at the start, middle or end. Source articles are split into dev
and test halves by a fixed-seed shuffle of their ids; donors come from the same half.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from benchmarks.drift.data import read_jsonl
from coherence.units import content_units, split_paragraphs

SPLICE_KINDS = ("1 paragraph", "2 paragraphs", "3 paragraphs", "sentence")
POSITIONS = ("start", "middle", "end")


@dataclass
class SplicedDoc:
    id: str
    split: str
    source_id: str
    title: str
    text: str
    relation: str  # "none", "different", "same"
    kind: str  # "none" or one of SPLICE_KINDS
    position: str  # "none" or one of POSITIONS
    gold: list[tuple[int, int]] = field(default_factory=list)  # inserted units, char spans


def _paragraph_texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_paragraphs(text)]


def _sentences(text: str) -> list[str]:
    units = content_units(text)
    return units.sentence_texts(text)


def _donor_sentence(rng: random.Random, donor: dict) -> str:
    candidates = [s for s in _sentences(donor["text"]) if 8 <= len(s.split()) <= 40]
    return rng.choice(candidates or _sentences(donor["text"]))


def _assemble(paragraphs: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for p in paragraphs:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    return "\n\n".join(paragraphs), spans


def splice(rng: random.Random, source: dict, donor: dict, kind: str, position: str) -> tuple[str, list]:
    """Text of ``source`` with a piece of ``donor`` inserted, and the inserted units' spans."""
    paragraphs = _paragraph_texts(source["text"])
    if kind == "sentence":
        sentence = _donor_sentence(rng, donor)
        target = {"start": 0, "end": len(paragraphs) - 1}.get(position, rng.randrange(1, len(paragraphs) - 1))
        units = content_units(paragraphs[target]).sentence_texts(paragraphs[target])
        slot = {"start": 0, "end": len(units)}.get(position, rng.randrange(0, len(units) + 1))
        new_units = units[:slot] + [sentence] + units[slot:]
        paragraphs = paragraphs[:target] + [" ".join(new_units)] + paragraphs[target + 1 :]
        text, spans = _assemble(paragraphs)
        start = spans[target][0] + sum(len(u) + 1 for u in units[:slot])
        return text, [(start, start + len(sentence))]
    count = int(kind[0])
    donor_pars = _paragraph_texts(donor["text"])
    first = rng.randrange(0, max(1, len(donor_pars) - count + 1))
    inserted = donor_pars[first : first + count]
    gap = {"start": 0, "end": len(paragraphs)}.get(position, rng.randrange(1, len(paragraphs)))
    new = paragraphs[:gap] + inserted + paragraphs[gap:]
    text, spans = _assemble(new)
    return text, spans[gap : gap + len(inserted)]


def _shuffled(data: Path, seed: int) -> tuple[list[dict], random.Random]:
    """The BBC articles with at least 3 paragraphs in a fixed-seed shuffled order, and the random
    generator after the shuffle (which :func:`build` goes on drawing from)."""
    articles = [a for a in read_jsonl(data / "news" / "bbc.jsonl.gz") if len(_paragraph_texts(a["text"])) >= 3]
    rng = random.Random(seed)
    ids = sorted(a["id"] for a in articles)
    rng.shuffle(ids)
    by_id = {a["id"]: a for a in articles}
    return [by_id[i] for i in ids], rng


def half_articles(data: Path, split: str, seed: int = 13) -> list[dict]:
    """The articles of one half, ``"dev"`` or ``"test"``, in the order :func:`build` takes its
    sources and donors from."""
    articles, _ = _shuffled(data, seed)
    middle = len(articles) // 2
    return articles[:middle] if split == "dev" else articles[middle:]


def versions(rng: random.Random, n: int, source: dict, donors: list[dict], split: str) -> list[SplicedDoc]:
    """The ``n``-th source's three documents: unmodified, different-topic and same-topic splice."""
    base = {"split": split, "source_id": source["id"], "title": source["title"]}
    docs = [SplicedDoc(f"{source['id']}", text=source["text"], relation="none", kind="none", position="none", **base)]
    for relation in ("different", "same"):
        same = relation == "same"
        candidates = [d for d in donors if (d["topic"] == source["topic"]) == same and d["id"] != source["id"]]
        donor = rng.choice(candidates)
        n_par = len(_paragraph_texts(source["text"]))
        kinds = [k for k in SPLICE_KINDS if k == "sentence" or int(k[0]) < n_par]
        kind = kinds[(n + (relation == "same")) % len(kinds)]
        position = POSITIONS[(n // len(SPLICE_KINDS) + (relation == "same")) % len(POSITIONS)]
        text, gold = splice(rng, source, donor, kind, position)
        docs.append(
            SplicedDoc(
                f"{source['id']}+{donor['id']}",
                text=text,
                relation=relation,
                kind=kind,
                position=position,
                gold=gold,
                **base,
            )
        )
    return docs


def build(data: Path, sources_per_split: int, seed: int = 13) -> list[SplicedDoc]:
    """The spliced corpus: ``sources_per_split`` source articles in each of dev and test."""
    articles, rng = _shuffled(data, seed)
    middle = len(articles) // 2
    docs = []
    for split in ("dev", "test"):
        pool = (articles[:middle] if split == "dev" else articles[middle:])[: 2 * sources_per_split]
        sources, donors = pool[:sources_per_split], pool[sources_per_split:]
        for n, source in enumerate(sources):
            docs += versions(rng, n, source, donors, split)
    return docs


def build_groups(articles: list[dict], groups: list[int], split: str, seed: int = 13) -> list[SplicedDoc]:
    """Every article as a source, its donors drawn from the articles of its own group (fold), so
    no piece of one group's articles appears in another group's documents."""
    rng = random.Random(seed)
    docs = []
    for g in sorted(set(groups)):
        members = [a for a, k in zip(articles, groups, strict=True) if k == g]
        for n, source in enumerate(members):
            docs += versions(rng, n, source, members, split)
    return docs


# -- scoring --------------------------------------------------------------------------------------
def _overlap(a: tuple[int, int], spans: list[tuple[int, int]]) -> int:
    return sum(max(0, min(a[1], b[1]) - max(a[0], b[0])) for b in spans)


def match(gold: list[tuple[int, int]], predicted: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(true flags, flags, recalled gold units, gold units); a match covers >= half of a unit."""
    true_flags = sum(1 for p in predicted if _overlap(p, gold) >= 0.5 * (p[1] - p[0]))
    recalled = sum(1 for g in gold if _overlap(g, predicted) >= 0.5 * (g[1] - g[0]))
    return true_flags, len(predicted), recalled, len(gold)


def prf(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    tf, f, rg, g = (sum(c[i] for c in counts) for i in range(4))
    p = tf / f if f else 0.0
    r = rg / g if g else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": g, "flags": f}


def evaluate(docs: list[SplicedDoc], flags: list[list[tuple[int, int]]], scores: list[float]) -> dict:
    """Unit P/R/F1 per relation and kind, false-alarm rate on unmodified articles, article ROC-AUC."""
    out: dict = {}
    clean = [i for i, d in enumerate(docs) if d.relation == "none"]
    out["unmodified_flagged"] = float(np.mean([bool(flags[i]) for i in clean])) if clean else float("nan")
    out["unmodified"] = len(clean)
    for relation in ("different", "same"):
        idx = [i for i, d in enumerate(docs) if d.relation == relation]
        row = prf([match(docs[i].gold, flags[i]) for i in idx])
        row["docs"] = len(idx)
        labels = [1] * len(idx) + [0] * len(clean)
        row["auc"] = float(roc_auc_score(labels, [scores[i] for i in idx + clean])) if idx and clean else float("nan")
        for kind in SPLICE_KINDS:
            sub = [i for i in idx if docs[i].kind == kind]
            row[kind] = prf([match(docs[i].gold, flags[i]) for i in sub]) | {"docs": len(sub)}
        out[relation] = row
    return out

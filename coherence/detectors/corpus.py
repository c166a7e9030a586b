"""Duplicates across a corpus: exact and near-duplicate bodies and headlines, in one streaming pass.

:class:`CorpusIndex` sees articles one at a time, in input order, and says for each what came
before it: the first article with the same body (``duplicate_of``), the first article whose body
is a near duplicate (``near_duplicate_of``, MinHash LSH from datasketch over word shingles), how
many earlier articles share its headline (``headline_shared_with``, exact after normalisation or
near by MinHash), and its cluster (the id of the cluster's first-seen article, the representative).
The same headline on a different body (a site-wide title, a templated page) gets its own flag,
``shared_headline``; a copied body gets ``duplicate_article``.

Work is linear in corpus size: each article is hashed once, inserted once and queried once.
Because it streams, an article only knows about *earlier* ones: the representative itself has
``cluster`` null until a later member arrives (``coherence duplicates`` writes complete clusters).

Memory per article (measured with tracemalloc by ``benchmarks/duplicates/corpus_eval.py``): about
5.4 KB for an article with a body (its 64-bit body and headline hashes, id and cluster entries, the
``num_perm`` 32-bit MinHash values kept to verify LSH candidates, and the LSH band keys), about
0.2 KB for a headline-only item; roughly 550 MB per 100,000 full articles.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from coherence.detectors.headline import headline_keys, normalize_headline
from coherence.flags import Flag

_WORD = re.compile(r"\w+", re.UNICODE)


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def body_words(text: str) -> list[str]:
    """Case-folded word tokens: how bodies are compared (punctuation and spacing ignored)."""
    return _WORD.findall(text.casefold())


def shingles(words: list[str], n: int) -> set[bytes]:
    """Word n-grams (all words when there are fewer than ``n``), as bytes for hashing."""
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


@dataclass
class CorpusMatch:
    """What the index knew about one article when it arrived."""

    id: str
    duplicate_of: str | None = None
    near_duplicate_of: str | None = None
    near_duplicate_similarity: float | None = None
    headline_shared_with: int = 0
    headline_first_seen: str | None = None
    cluster: str | None = None
    flags: list[Flag] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "duplicate_of": self.duplicate_of,
            "near_duplicate_of": self.near_duplicate_of,
            "headline_shared_with": self.headline_shared_with,
            "cluster": self.cluster,
        }


class CorpusIndex:
    """Streaming index of bodies and headlines for corpus-level duplicates.

    Parameters
    ----------
    threshold:
        Estimated Jaccard similarity of body shingle sets at or above which a body is a near duplicate.
    shingle_words:
        Words per body shingle.
    num_perm:
        MinHash permutations for bodies.
    headline_threshold:
        Jaccard similarity of headline word sets at or above which two headlines count as shared.
    headline_num_perm:
        MinHash permutations for headlines (0: exact headline matches only).
    min_words:
        Bodies with fewer words are not compared (an empty or one-line body is not a duplicate).
    recall_weight:
        Weight of missed pairs against spurious candidates when datasketch picks the LSH bands
        (its ``weights``). Candidates are verified with the estimated Jaccard similarity, so a
        high weight costs a little time, not precision: at 0.9 a pair right at the threshold is a
        candidate with probability ~0.87 (0.40 with datasketch's default 0.5).
    seed:
        MinHash seed.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.8,
        shingle_words: int = 5,
        num_perm: int = 128,
        headline_threshold: float = 0.8,
        headline_num_perm: int = 32,
        min_words: int = 10,
        recall_weight: float = 0.9,
        seed: int = 1,
    ) -> None:
        self.threshold = threshold
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.headline_threshold = headline_threshold
        self.headline_num_perm = headline_num_perm
        self.min_words = min_words
        self.recall_weight = recall_weight
        self.seed = seed
        self._bodies: dict[int, str] = {}
        self._headlines: dict[int, str] = {}
        self._headline_counts: Counter[int] = Counter()
        self._cluster: dict[str, str] = {}
        weights = (1.0 - recall_weight, recall_weight)
        self._body_lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
        self._body_sigs: dict[str, np.ndarray] = {}
        self._headline_lsh = (
            MinHashLSH(threshold=headline_threshold, num_perm=headline_num_perm, weights=weights)
            if headline_num_perm
            else None
        )
        self._headline_sigs: dict[str, np.ndarray] = {}
        self._headline_key_of: dict[str, int] = {}
        self._order: dict[str, int] = {}
        self._relation: dict[str, tuple[str, float]] = {}
        self._headline_members: dict[int, list[str]] = {}
        self._headline_text: dict[int, str] = {}
        self._permutations: dict[int, MinHash] = {}

    # -- hashing ------------------------------------------------------------------------------
    def _minhash(self, items: set[bytes], num_perm: int) -> MinHash:
        template = self._permutations.get(num_perm)
        if template is None:
            template = self._permutations[num_perm] = MinHash(num_perm=num_perm, seed=self.seed)
        m = MinHash(num_perm=num_perm, seed=self.seed, permutations=template.permutations, scheme=template.scheme)
        m.update_batch(list(items))
        return m

    @staticmethod
    def _similarity(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.count_nonzero(a == b)) / len(a)

    # -- the one public step --------------------------------------------------------------------
    def add(
        self,
        id: str,
        text: str,
        headline: str | None = None,
        *,
        headline_field: str = "title",
        headline_start: int | None = None,
    ) -> CorpusMatch:
        """Index one article and report what earlier articles it duplicates.

        ``headline_field``/``headline_start`` say where the headline is (for the flag's span): the
        ``title`` field (default) or the ``text``, at ``headline_start``.
        """
        if id in self._order:
            raise ValueError(
                f"id {id!r} is already in the index; give repeated ids new names first "
                "(coherence.record_ids.unique_ids renames the second 'a' to 'a#2')"
            )
        match = CorpusMatch(id)
        self._order[id] = len(self._order)
        words = body_words(text) if isinstance(text, str) else []
        if len(words) >= self.min_words:
            self._add_body(id, words, match)
        if headline and normalize_headline(headline):
            self._add_headline(id, headline, match)
        if match.cluster is None and (match.duplicate_of or match.near_duplicate_of):
            match.cluster = self._cluster.get(match.duplicate_of or match.near_duplicate_of)
        if match.cluster is not None:
            self._cluster[id] = match.cluster
        if match.duplicate_of:
            self._relation[id] = ("exact", 1.0)
        elif match.near_duplicate_of:
            self._relation[id] = ("near", match.near_duplicate_similarity or 0.0)
        match.flags = self._flags(match, text, headline, headline_field, headline_start)
        return match

    def _add_body(self, id: str, words: list[str], match: CorpusMatch) -> None:
        key = _hash64(" ".join(words))
        first = self._bodies.get(key)
        if first is not None:
            match.duplicate_of = first
            match.cluster = self._cluster.setdefault(first, first)
            return
        self._bodies[key] = id
        mh = self._minhash(shingles(words, self.shingle_words), self.num_perm)
        sig = mh.hashvalues.astype(np.uint32)
        candidates = [c for c in self._body_lsh.query(mh) if c in self._body_sigs]
        scored = [(self._similarity(sig, self._body_sigs[c]), c) for c in candidates]
        scored = [(s, c) for s, c in scored if s >= self.threshold]
        if scored:
            best = min(scored, key=lambda sc: self._order[sc[1]])  # the earliest is the representative
            match.near_duplicate_of = best[1]
            match.near_duplicate_similarity = round(best[0], 4)
            match.cluster = self._cluster.setdefault(best[1], best[1])
        self._body_lsh.insert(id, mh)
        self._body_sigs[id] = sig

    def _add_headline(self, id: str, headline: str, match: CorpusMatch) -> None:
        keys = sorted(headline_keys(headline), key=len)
        key = _hash64(keys[0])
        first = self._headlines.get(key)
        count = self._headline_counts[key]
        self._headline_members.setdefault(key, []).append(id)
        if first is None:
            self._headlines[key] = id
            self._headline_text[key] = headline.strip()
        else:
            match.headline_first_seen = first
        near = None
        if self._headline_lsh is not None:
            words = set(normalize_headline(keys[0]).split())
            if len(words) >= 3:
                mh = self._minhash({w.encode("utf-8") for w in words}, self.headline_num_perm)
                sig = mh.hashvalues.astype(np.uint32)
                near = [
                    c
                    for c in self._headline_lsh.query(mh)
                    if self._headline_key_of[c] != key
                    and self._similarity(sig, self._headline_sigs[c]) >= self.headline_threshold
                ]
                if first is None:
                    self._headline_lsh.insert(id, mh)
                    self._headline_sigs[id] = sig
                    self._headline_key_of[id] = key
        # earlier articles with the same normalised headline, plus those with a near-same one
        match.headline_shared_with = count + sum(self._headline_counts[self._headline_key_of[c]] for c in near or [])
        if match.headline_first_seen is None and near:
            match.headline_first_seen = min(near, key=self._order.__getitem__)
        self._headline_counts[key] += 1

    def _flags(self, match: CorpusMatch, text: str, headline: str | None, field: str, offset: int | None) -> list[Flag]:
        flags = []
        if match.duplicate_of or match.near_duplicate_of:
            other = match.duplicate_of or match.near_duplicate_of
            how = (
                "same text"
                if match.duplicate_of
                else f"near-duplicate text (~{match.near_duplicate_similarity:.0%} shingles shared)"
            )
            start = len(text) - len(text.lstrip())
            flags.append(Flag("duplicate_article", start, len(text.rstrip()), 0.99, f"{how} as article {other!r}"))
        elif match.headline_first_seen is not None and headline:
            stripped = headline.strip()
            start = headline.index(stripped) if offset is None else offset
            flags.append(
                Flag(
                    "shared_headline",
                    start,
                    start + len(stripped),
                    0.9,
                    f"headline also used by {match.headline_shared_with} earlier article(s) with a different "
                    f"body, first {match.headline_first_seen!r} (site-wide or templated title?)",
                    None,
                    field,
                )
            )
        return flags

    def cluster_records(self) -> list[dict]:
        """Complete duplicate clusters, for ``coherence duplicates``: one record per cluster of 2+
        articles (same or near-same body), and one per headline shared by 2+ articles."""
        out = []
        for rep, members in self.clusters().items():
            rows = [{"id": rep, "relation": "representative"}]
            for m in members[1:]:
                relation, similarity = self._relation.get(m, ("near", 0.0))
                rows.append({"id": m, "relation": relation, "similarity": round(similarity, 4)})
            out.append({"kind": "duplicate_text", "cluster": rep, "size": len(rows), "members": rows})
        for key, ids in self._headline_members.items():
            if len(ids) > 1:
                bodies = {self._cluster.get(i, i) for i in ids}
                out.append(
                    {
                        "kind": "shared_headline",
                        "headline": self._headline_text.get(key),
                        "size": len(ids),
                        "distinct_bodies": len(bodies),
                        "members": ids,
                    }
                )
        return out

    def clusters(self) -> dict[str, list[str]]:
        """Representative id -> all member ids (representative first), for clusters of 2+."""
        out: dict[str, list[str]] = {}
        for member, rep in self._cluster.items():
            out.setdefault(rep, [rep])
            if member != rep:
                out[rep].append(member)
        return {rep: sorted(set(m), key=self._order.__getitem__) for rep, m in out.items() if len(set(m)) > 1}

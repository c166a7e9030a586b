"""Off-topic false alarms on unmodified BBC articles of one half, by group of articles (dev by default).

    python -m benchmarks.drift.false_alarms [--split dev] [--model PATH] [--no-titles] [--show N]

Every article of the half with at least 3 paragraphs is scored on its own, unmodified, through
``Scorer.prepare`` and ``Scorer.detect_drift``, and counted in its group: the splice benchmark's
sources (the first ``--sources``), its donors (the next ``--sources``) and the rest, each split
again by the quality benchmark's hash split (``coherence.training.data.split_of``), since the unit
model must not be trained on articles of the quality test split. Each row gives the share of
articles with any ``offtopic`` flag with a Wilson 95% interval, so the binomial noise of a rate
measured on a few hundred articles is in view. ``--show`` lists the flagged units (level, place,
words, probability) of the first N flagged articles, on the terminal only.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

from scipy.stats import binomtest

from benchmarks.drift.embed import CachedEmbedder
from benchmarks.drift.splices import half_articles
from coherence import Scorer
from coherence.article import Article
from coherence.detectors.drift import DriftDetector
from coherence.training.data import split_of

ROOT = Path(__file__).resolve().parents[2]


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a share of ``k`` in ``n``."""
    if not n:
        return float("nan"), float("nan")
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.drift.false_alarms", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache-dir", default=str(ROOT / ".cache" / "embeddings"))
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument(
        "--model", default="bundled", help="unit model JSON ('bundled', a path, or 'none': hand weighting)"
    )
    parser.add_argument("--no-titles", action="store_true")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    detector = DriftDetector(unit_model=None if args.model == "none" else args.model)
    scorer = Scorer(embedder=CachedEmbedder(cache_dir=args.cache_dir), drift_detector=detector)
    articles = half_articles(args.data, args.split)
    role = {
        a["id"]: ("sources", "donors")[n // args.sources] if n < 2 * args.sources else "rest"
        for n, a in enumerate(articles)
    }
    counts: Counter = Counter()
    shown, units = 0, Counter()
    for a in articles:
        analysis = scorer.prepare(Article(a["id"], a["text"], None if args.no_titles else a["title"], None, "bbc", {}))
        analysis.attach_vectors(scorer.embedder.embed(analysis.texts_to_embed()))
        result = scorer.detect_drift(analysis)
        flagged = bool(result.offtopic_paragraphs or result.offtopic_sentences)
        group = (role[a["id"]], "quality test" if split_of(a["id"]) == "test" else "quality train")
        counts[group + (flagged,)] += 1
        for level, outliers, spans in (
            ("paragraph", result.offtopic_paragraphs, analysis.units.paragraphs),
            ("sentence", result.offtopic_sentences, analysis.units.sentences),
        ):
            for o in outliers:
                span = spans[o.index]
                words = len(analysis.text[span.start : span.end].split())
                units[(level, "short (<20 words)" if words < 20 else "long")] += 1
                if shown < args.show:
                    print(f"{a['id']} {level} {o.index + 1}/{len(spans)} {words} words: {o.reason}")
        shown += flagged
    print(
        f"\nUnmodified {args.split} articles flagged "
        f"({'no titles' if args.no_titles else 'titles'}, model {args.model}):\n"
    )
    print("| articles | quality split | n | flagged | share | Wilson 95% |\n|---|---|---|---|---|---|")
    groups = sorted({k[:2] for k in counts})
    for g in [*groups, ("all", "all")]:
        k = sum(v for key, v in counts.items() if key[2] and (g[0] == "all" or key[:2] == g))
        n = sum(v for key, v in counts.items() if g[0] == "all" or key[:2] == g)
        low, high = wilson(k, n)
        print(f"| {g[0]} | {g[1]} | {n} | {k} | {k / n:.1%} | {low:.1%}-{high:.1%} |")
    print("\nflagged units:", dict(units))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

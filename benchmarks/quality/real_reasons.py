"""Dev check: how often real articles get an order, a sentence-splice or a topic-outlier reason.

    python -m benchmarks.quality.real_reasons --data ../shared/data [--model Q.json --position-model P.json
        --sentence-model S.json --paragraph-model R.json] [--training-signals signals.jsonl]

Scores the real corpora's records that nobody judged by hand (every id in
``benchmarks/quality/judgements*.json`` is left out, so the hand check stays unseen) and counts the
articles whose quality model contribution of ``paragraph_disorder`` ("the paragraphs may be out of
order"), ``sentence_splice`` ("one sentence reads as if spliced in") or ``topic_outlier`` ("its least related
paragraph has similarity ...") is a reason, i.e. at most
``-coherence.explain.MIN_CONTRIBUTION``. Most of these articles are intact, so a lower share is better
as long as the training split's out-of-fold detection holds (``python -m coherence.training.train``).
With ``--training-signals`` (a training run's ``--signals-file``) the same shares are given for the
clean training articles (records without a defect), fitted signals as they are in that file.

fnc1 is read from the first 600 bodies only (the pool the hand check ranks), less the judged ones.
Dev numbers only: no test split is read.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from coherence.explain import MIN_CONTRIBUTION
from coherence.scoring import QualityModel, is_scoreable

#: Corpus file under news/ -> how many records to read in file order (None: all).
CORPORA: dict[str, int | None] = {
    "fakenewsnet_v1": None,
    "horne": None,
    "golbeck": None,
    "fakenewscorpus_sample": None,
    "fnc1_bodies": 600,
}
#: The features whose reasons are counted: name in the table -> quality feature.
COUNTED = {"order": "paragraph_disorder", "sentence_splice": "sentence_splice", "topic_outlier": "topic_outlier"}
JUDGEMENTS = ("judgements.json", "judgements_cleaned.json")


def judged_ids(folder: Path = Path(__file__).parent) -> set[str]:
    """Every record id that a hand-check list holds."""
    ids: set[str] = set()
    for name in JUDGEMENTS:
        ids |= {k for k in json.loads((folder / name).read_text(encoding="utf-8")) if not k.startswith("_")}
    return ids


def real_records(data: str | Path, corpora: Iterable[str], exclude: set[str]) -> list[dict[str, Any]]:
    """The records of ``corpora`` (each capped as in :data:`CORPORA`) whose id is not in ``exclude``."""
    out = []
    for name in corpora:
        with gzip.open(Path(data) / "news" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        limit = CORPORA.get(name)
        for r in rows[:limit]:
            if r["id"] not in exclude:
                out.append({"id": r["id"], "title": r.get("title"), "text": r["text"], "corpus": name})
    return out


def has_reason(contributions: dict[str, float], feature: str) -> bool:
    """Whether ``feature`` lowers the log-odds enough to be listed as a reason."""
    return contributions.get(feature, 0.0) <= -MIN_CONTRIBUTION


def count_reasons(rows: Sequence[tuple[str, dict[str, float]]]) -> dict[str, dict[str, int]]:
    """Per group (and ``all``): scored articles and how many have each counted reason."""
    table: dict[str, dict[str, int]] = {}
    for group, contributions in rows:
        for key in (group, "all"):
            entry = table.setdefault(key, {"articles": 0, **{name: 0 for name in COUNTED}})
            entry["articles"] += 1
            for name, feature in COUNTED.items():
                entry[name] += has_reason(contributions, feature)
    return table


def score_real(args: argparse.Namespace) -> list[tuple[str, dict[str, float]]]:
    """(corpus, contributions) of every scoreable non-judged real record."""
    from coherence import Scorer
    from coherence.detectors.position import ParagraphPosition
    from coherence.detectors.unit_fit import ParagraphFit, SentenceFit
    from coherence.embedding import Embedder

    records = real_records(args.data, args.corpora, judged_ids())
    scorer = Scorer(
        embedder=Embedder(cache_dir=args.cache_dir or None),
        quality_model=QualityModel.load(args.model),
        paragraph_position=ParagraphPosition.load(args.position_model),
        sentence_fit=SentenceFit.load(args.sentence_model),
        paragraph_fit=ParagraphFit.load(args.paragraph_model),
    )
    corpus = {r["id"]: r["corpus"] for r in records}
    inputs = [{"id": r["id"], "title": r["title"], "text": r["text"]} for r in records]
    rows = []
    dump = open(args.signals_out, "w", encoding="utf-8") if args.signals_out else None  # noqa: SIM115
    for report in scorer.score_many(inputs):
        if report.error or report.quality is None:
            continue
        rows.append((corpus[report.id], dict(report.contributions)))
        if dump is not None:
            dump.write(json.dumps({"id": report.id, "corpus": corpus[report.id], "signals": report.signals}) + "\n")
    if dump is not None:
        dump.close()
    return rows


def training_rows(path: str | Path, model: QualityModel) -> list[tuple[str, dict[str, float]]]:
    """("clean training", contributions) of the clean records of a training signals file."""
    rows = []
    for line in Path(path).open(encoding="utf-8"):
        record = json.loads(line)
        if record["defect"] is None and record["signals"]:
            signals = {k: (math.nan if v is None else float(v)) for k, v in record["signals"].items()}
            if is_scoreable(signals):
                rows.append(("clean training", model.score(signals)[1]))
    return rows


def render(table: dict[str, dict[str, int]]) -> str:
    header = "| corpus | articles | " + " | ".join(f"{n} reason" for n in COUNTED) + " |"
    lines = [header, "|---|---|" + "---|" * len(COUNTED)]
    for group, entry in table.items():
        n = entry["articles"]
        cells = [f"{entry[name]} ({100 * entry[name] / max(n, 1):.1f}%)" for name in COUNTED]
        lines.append(f"| {group} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--model", default=None, help="Quality model JSON (default: the bundled one).")
    parser.add_argument("--position-model", default=None, help="Position probe JSON (default: bundled).")
    parser.add_argument("--sentence-model", default=None, help="Sentence-fit model JSON (default: bundled).")
    parser.add_argument("--paragraph-model", default=None, help="Paragraph-fit model JSON (default: bundled).")
    parser.add_argument("--cache-dir", default=".cache/embeddings", help="Embedding cache ('' to disable).")
    parser.add_argument("--training-signals", default=None, help="A training --signals-file: add its clean rows.")
    parser.add_argument("--json", default=None, help="Also write the counts here.")
    parser.add_argument("--signals-out", default=None, help="Write each scored real record's signals here (JSONL).")
    args = parser.parse_args(argv)
    rows = score_real(args)
    counts = count_reasons(rows)
    table = {name: counts[name] for name in args.corpora if name in counts}
    without_fnc1 = [r for r in rows if r[0] != "fnc1_bodies"]
    if without_fnc1:  # the set session 6 measured
        table["all but fnc1"] = count_reasons(without_fnc1)["all"]
    table["all"] = counts.get("all", {})
    if args.training_signals:
        clean = count_reasons(training_rows(args.training_signals, QualityModel.load(args.model)))
        table["clean training"] = clean.get("clean training", {})
    print(render({k: v for k, v in table.items() if v}))
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Ray engine: score a corpus with Ray Data on a local or remote Ray cluster.

``coherence score INPUT -o OUTPUT --engine ray [--address ADDRESS]`` builds this pipeline:

1. **read**: a Ray Data source over the input files; each read task streams its file through
   coherence's own reader (:func:`coherence.io.read_articles`), so record ids, fallback ids
   (``file:line``), duplicate-id renaming and per-record errors are exactly the local engine's;
2. **score**: ``map_batches`` with a class-based UDF (:class:`ScoreActor`): each actor loads the
   model once and scores batches of ``chunk_size`` articles; one actor per GPU when the cluster
   has GPUs (fp16 there), else CPU actors;
3. **write**: the driver streams the scored rows in input order (``preserve_order``), adds the
   corpus-level duplicate signals (one index over the whole corpus, in input order, as the
   local engine does) and writes the same output files as the local engine (one file, or a
   folder of shards).

So ``--engine ray`` gives the same records as ``--engine local``. For pipelines that stay in
Ray, :func:`score_dataset` maps any Ray Dataset with ``text``/``title``/``id`` columns to a
Dataset of reports (corpus duplicates within each batch only), ready for Ray's own writers
(``.write_parquet(...)``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from coherence.article import Article, RecordError
from coherence.engine.local import RunSummary, ShardWriter, assemble, is_directory_output, shard_format
from coherence.extras import require
from coherence.io.records import DEFAULT_FIELDS, FieldNames

# the columns of the rows passed from the reader to the scoring actors
_INPUT_COLUMNS = ("id", "text", "title", "url", "source", "error", "meta")


def init_ray(address: str | None = None, **kwargs):
    """Connect to the cluster at ``address`` (``auto``, ``ray://host:10001``), or start a local one."""
    ray = require("ray", "the ray engine", "ray")
    if not ray.is_initialized():
        os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
        ray.init(address=address, include_dashboard=False, ignore_reinit_error=True, **kwargs)
    return ray


def _article_row(item: Article | RecordError) -> dict[str, Any]:
    if isinstance(item, RecordError):
        return {"id": item.id, "text": None, "title": None, "url": None, "source": item.source,
                "error": item.message, "meta": None}  # fmt: skip
    meta = json.dumps(item.meta, ensure_ascii=False, default=str) if item.meta else None
    return {"id": item.id, "text": item.text, "title": item.title, "url": item.url, "source": item.source,
            "error": None, "meta": meta}  # fmt: skip


def _row_article(row: dict[str, Any]) -> Article | RecordError:
    if row.get("error") is not None:
        return RecordError(str(row["id"]), row["error"], row.get("source"))
    meta = json.loads(row["meta"]) if row.get("meta") else {}
    return Article(str(row["id"]), row["text"], row.get("title"), row.get("url"), row.get("source"), meta)


class _ReadFiles:
    """Ray Data read step: paths in, article rows out (streamed in batches of ``rows``)."""

    def __init__(self, fields: FieldNames, rows: int = 256) -> None:
        self.fields = fields
        self.rows = rows

    def __call__(self, batch: dict[str, Any]) -> Iterator[dict[str, list]]:
        from coherence.io import read_articles
        from coherence.record_ids import renamed_repeat

        for path in batch["path"]:
            seen: dict[str, int] = {}  # repeated ids renamed as the local engine does
            buffer: list[dict[str, Any]] = []
            for item in read_articles(str(path), self.fields):
                buffer.append(_article_row(renamed_repeat(item, seen)))
                if len(buffer) >= self.rows:
                    yield _columns(buffer)
                    buffer = []
            if buffer:
                yield _columns(buffer)


def _columns(rows: list[dict[str, Any]]) -> dict[str, list]:
    return {k: [r[k] for r in rows] for k in _INPUT_COLUMNS}


class ScoreActor:
    """The scoring UDF: one Scorer (and one loaded model) per actor, reused for every batch."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer
        self.scorer.corpus_duplicates = False  # done once, corpus-wide, by the driver
        self.scorer.prefetch = False
        self.scorer.workers = 0  # Ray runs the actors in parallel; no process pool inside one
        self.scorer.embedder.load()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        n = len(batch["id"])
        rows = [{k: _plain(batch[k][i]) for k in _INPUT_COLUMNS} for i in range(n)]
        articles = [_row_article(r) for r in rows]
        out: dict[str, list] = {"id": [], "report": [], "text": [], "headline": []}
        for report in self.scorer.score_many(articles):
            analysis = report.analysis
            out["id"].append(report.id)
            out["report"].append(json.dumps(report.to_dict(), ensure_ascii=False))
            usable = report.error is None and analysis is not None
            out["text"].append(analysis.text if usable else None)
            headline = analysis.headline if usable and analysis.headline is not None else None
            out["headline"].append(json.dumps(headline.to_dict()) if headline is not None else None)
        return out


def _plain(value):
    """numpy/pyarrow scalars from a Ray batch as plain Python values (None for missing)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _actors(ray, actors: int | None, reserved_cpus: float) -> tuple[int, float, float]:
    """(number of scoring actors, GPUs per actor, CPUs per actor) for the cluster.

    One actor per GPU when there are GPUs; else one per two CPUs, sharing the CPUs left after
    ``reserved_cpus`` for the steps upstream (our reader takes half a CPU; a Ray Data read task
    asks for a whole one).
    """
    resources = ray.cluster_resources()
    gpus, cpus = int(resources.get("GPU", 0)), float(resources.get("CPU", 1))
    if gpus:
        return actors or gpus, 1.0, 1.0
    count = actors or max(1, int(cpus // 2))
    return count, 0.0, max(0.5, (cpus - reserved_cpus) / count)


_READER_CPUS = 0.5
_UPSTREAM_READ_CPUS = 1.0  # a Ray Data read task's default: left free so a streamed read can run


def build_dataset(scorer, input_path: str, *, fields: FieldNames = DEFAULT_FIELDS, actors: int | None = None):
    """The Ray Dataset of scored rows (``id``, ``report`` JSON, ``text``, ``headline``), in input order."""
    ray = init_ray()
    from ray.data import ActorPoolStrategy, DataContext

    DataContext.get_current().execution_options.preserve_order = True
    count, gpus, cpus = _actors(ray, actors, reserved_cpus=_READER_CPUS)
    paths = ray.data.from_items([{"path": str(Path(input_path).resolve())}])
    articles = paths.map_batches(_ReadFiles, fn_constructor_kwargs={"fields": fields}, batch_size=1,
                                 compute=ActorPoolStrategy(size=1), num_cpus=_READER_CPUS)  # fmt: skip
    return articles.map_batches(
        ScoreActor,
        fn_constructor_kwargs={"scorer": scorer},
        batch_size=scorer.chunk_size,
        compute=ActorPoolStrategy(size=count),
        num_gpus=gpus,
        num_cpus=cpus,
    )


def score_dataset(dataset, scorer=None, *, actors: int | None = None, batch_size: int = 128):
    """Score a Ray Dataset with ``text`` (and optional ``title``, ``id``, ``source``, ``url``) columns.

    Returns a Dataset with the columns of the Parquet output (``id``, ``quality``, ``keep``,
    ``error``, ``source``, ``data``: the rest of the report as JSON), ready for Ray writers.
    Corpus-level duplicates are found within each batch only.
    """
    ray = init_ray()
    from ray.data import ActorPoolStrategy

    if scorer is None:
        from coherence.scorer import Scorer

        scorer = Scorer(chunk_size=batch_size)
    count, gpus, cpus = _actors(ray, actors, reserved_cpus=_UPSTREAM_READ_CPUS)
    return dataset.map_batches(
        _ScoreRecords,
        fn_constructor_kwargs={"scorer": scorer},
        batch_size=batch_size,
        compute=ActorPoolStrategy(size=count),
        num_gpus=gpus,
        num_cpus=cpus,
    )


class _ScoreRecords:
    def __init__(self, scorer) -> None:
        from coherence.batch import BatchScorer

        scorer.embedder.load()
        self.batcher = BatchScorer(scorer)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        columns = {k: [_plain(v) for v in values] for k, values in batch.items()}
        reports = self.batcher.records(columns)
        scalar = ("id", "quality", "keep", "error", "source")
        out: dict[str, list] = {k: [r.get(k) for r in reports] for k in scalar}
        out["data"] = [json.dumps({k: v for k, v in r.items() if k not in scalar}, ensure_ascii=False) for r in reports]
        return out


def run_ray(
    scorer,
    input_path: str,
    output: str,
    *,
    fields: FieldNames = DEFAULT_FIELDS,
    address: str | None = None,
    actors: int | None = None,
    progress: bool = False,
) -> RunSummary:
    """``coherence score --engine ray``: the same records and output files as the local engine."""
    if input_path == "-":
        raise ValueError("--engine ray reads files (stdin cannot be sent to a cluster)")
    init_ray(address)
    dataset = build_dataset(scorer, input_path, fields=fields, actors=actors)
    records = _with_corpus_signals(scorer, dataset.iter_rows())
    if output == "-":
        from coherence.io import open_writer

        writer = open_writer("-")
        count = 0
        for record in records:
            writer.write(record)
            count += 1
        writer.close()
        return RunSummary(output, count, 0, 0, True)
    fmt = shard_format(output)
    directory = Path(output) if is_directory_output(output) else Path(f"{output}.parts")
    directory.mkdir(parents=True, exist_ok=True)
    shards = ShardWriter(directory, shard_size=1000, fmt=fmt)
    for record in records:
        shards.write(record)
    shards.close()
    if not is_directory_output(output):
        import shutil

        assemble(directory, output, fmt)
        shutil.rmtree(directory, ignore_errors=True)
    else:
        (directory / "_manifest.json").write_text(
            json.dumps({"engine": "ray", "complete": True, "records": shards.written, "format": fmt}),
            encoding="utf-8",
        )
    return RunSummary(output, shards.written, 0, shards.index, True)


def _with_corpus_signals(scorer, rows) -> Iterator[dict[str, Any]]:
    """Report dicts in input order, with the corpus-wide duplicate signals of the local engine."""
    from coherence.detectors.corpus import CorpusIndex
    from coherence.report import Report
    from coherence.scorer import _add_to_corpus

    index = CorpusIndex(threshold=scorer.corpus_threshold) if scorer.corpus_duplicates else None
    for row in rows:
        record = json.loads(row["report"])
        if index is None or row["text"] is None:
            yield record
            continue
        report = Report.from_dict(record)
        headline = json.loads(row["headline"]) if row["headline"] else None
        report.analysis = SimpleNamespace(text=row["text"], headline=SimpleNamespace(**headline) if headline else None)
        _add_to_corpus(index, report)
        yield report.to_dict()

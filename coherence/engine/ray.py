"""The Ray engine: score a corpus with Ray Data on a local or remote Ray cluster.

``coherence score INPUT -o OUTPUT --engine ray [--address ADDRESS]`` builds this pipeline:

1. **read**: a Ray Data source over the input; the read task streams it through coherence's own
   reader (:func:`coherence.io.read_articles`), so record ids, fallback ids (``file:line``),
   duplicate-id renaming and per-record errors are exactly the local engine's. It emits one row
   per chunk (``chunk_size`` articles, counted from the first record), so the articles embedded
   together are the local engine's whatever blocks Ray Data makes;
2. **score**: ``map_batches`` with a class-based UDF (:class:`ScoreActor`): each actor loads the
   model once and scores one chunk per call; one actor per GPU when the cluster has GPUs (fp16
   there), else CPU actors;
3. **write**: the driver streams the scored rows in input order (``preserve_order``), adds the
   corpus-level duplicate signals (one index over the whole corpus, in input order, as the
   local engine does) and writes the local engine's sharded output
   (:func:`coherence.engine.local.open_sharded_output`: same manifest, shards, final file).

So ``--engine ray`` gives the same records as ``--engine local``, and ``--resume`` works as it
does there (either engine can continue the other's run): the read drops the records of the
complete shards before the scoring actors, and a separate, model-free pass prepares them again
so that the driver adds them to the duplicate index, in input order, before the new records.

For pipelines that stay in Ray, :func:`score_dataset` maps any Ray Dataset with ``text``/``title``/``id`` columns to a
Dataset of reports (corpus duplicates within each batch only), ready for Ray's own writers
(``.write_parquet(...)``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from coherence.article import Article, RecordError
from coherence.engine.local import (
    ResumeError,
    RunSummary,
    Tally,
    iter_shard_records,
    mismatch_error,
    open_sharded_output,
    progress_bar,
    sigterm_as_interrupt,
)
from coherence.extras import require
from coherence.io.records import DEFAULT_FIELDS, FieldNames
from coherence.report import Report

# the columns of a scored row; ``text`` and ``headline`` are what the corpus index needs
_SCORED_COLUMNS = ("id", "report", "text", "headline")


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


class _ReadChunks:
    """Ray Data read step: the input path in, one row per chunk of ``chunk_size`` articles out.

    Only records ``start`` to ``stop`` (numbered from 0, ``start`` a multiple of ``chunk_size``)
    are emitted, so a resumed run drops the records already written here, before scoring.
    """

    def __init__(self, fields: FieldNames, chunk_size: int, start: int = 0, stop: int | None = None) -> None:
        self.fields = fields
        self.chunk_size = chunk_size
        self.start = start
        self.stop = stop

    def __call__(self, batch: dict[str, Any]) -> Iterator[dict[str, list]]:
        from coherence.io import read_articles
        from coherence.record_ids import renamed_repeat

        for path in batch["path"]:
            seen: dict[str, int] = {}  # repeated ids renamed as the local engine does
            items = (renamed_repeat(item, seen) for item in read_articles(str(path), self.fields))
            wanted = itertools.islice(items, self.start, self.stop)
            while chunk := list(itertools.islice(wanted, self.chunk_size)):
                yield {"articles": [json.dumps([_article_row(item) for item in chunk], ensure_ascii=False)]}


def _chunk_articles(batch: dict[str, Any]) -> Iterator[list[Article | RecordError]]:
    for blob in batch["articles"]:
        yield [_row_article(row) for row in json.loads(blob)]


def _index_columns(analysis) -> tuple[str, str | None]:
    """(text, headline as JSON): what the driver's corpus index needs of one analysis."""
    headline = analysis.headline
    return analysis.text, json.dumps(headline.to_dict()) if headline is not None else None


class ScoreActor:
    """The scoring UDF: one Scorer (and one loaded model) per actor, reused for every chunk."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer
        self.scorer.corpus_duplicates = False  # done once, corpus-wide, by the driver
        self.scorer.prefetch = False
        self.scorer.workers = 0  # Ray runs the actors in parallel; no process pool inside one
        self.scorer.embedder.load()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        out: dict[str, list] = {k: [] for k in _SCORED_COLUMNS}
        for articles in _chunk_articles(batch):
            for report in self.scorer.score_many(articles):
                usable = report.error is None and report.analysis is not None
                text, headline = _index_columns(report.analysis) if usable else (None, None)
                out["id"].append(report.id)
                out["report"].append(json.dumps(report.to_dict(), ensure_ascii=False))
                out["text"].append(text)
                out["headline"].append(headline)
        return out


class _PrepareActor:
    """The model-free UDF of a resumed run: the records already written, prepared for the corpus index."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer  # its model is never loaded here

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from coherence.analysis import Analysis

        out: dict[str, list] = {k: [] for k in ("id", "text", "headline")}
        for articles in _chunk_articles(batch):
            for item in articles:
                text = headline = None
                if isinstance(item, Article):
                    try:
                        analysis = self.scorer.prepare(item)
                    except ImportError:
                        raise  # a broken installation, not a problem of this record
                    except Exception:  # noqa: BLE001 - such a record was written as an error record
                        analysis = None
                    if isinstance(analysis, Analysis):
                        text, headline = _index_columns(analysis)
                out["id"].append(item.id)
                out["text"].append(text)
                out["headline"].append(headline)
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
# Blocks of about a MiB (a few chunks of news articles), not Ray Data's 128 MiB: the one read task
# emits a block as soon as it has one, so the actors score in parallel and the driver writes (and
# keeps, if interrupted) shards while the input is still being read.
_BLOCK_BYTES = 1 << 20
_UPSTREAM_READ_CPUS = 1.0  # a Ray Data read task's default: left free so a streamed read can run


def _read_chunks(ray, input_path: str, fields: FieldNames, chunk_size: int, start: int = 0, stop: int | None = None):
    """The Dataset of input chunks (one row of ``chunk_size`` articles each), records ``start`` to ``stop``."""
    from ray.data import ActorPoolStrategy, DataContext

    DataContext.get_current().execution_options.preserve_order = True
    paths = ray.data.from_items([{"path": str(Path(input_path).resolve())}])
    paths.context.target_max_block_size = _BLOCK_BYTES  # this pipeline's own copy of the context
    return paths.map_batches(
        _ReadChunks,
        fn_constructor_kwargs={"fields": fields, "chunk_size": chunk_size, "start": start, "stop": stop},
        batch_size=1,
        compute=ActorPoolStrategy(size=1),
        num_cpus=_READER_CPUS,
    )


def build_dataset(
    scorer, input_path: str, *, fields: FieldNames = DEFAULT_FIELDS, actors: int | None = None, start: int = 0
):
    """The Ray Dataset of scored rows (``id``, ``report`` JSON, ``text``, ``headline``), in input order.

    Records before ``start`` (a multiple of ``scorer.chunk_size``) are dropped by the read: no
    actor scores them.
    """
    ray = init_ray()
    from ray.data import ActorPoolStrategy

    count, gpus, cpus = _actors(ray, actors, reserved_cpus=_READER_CPUS)
    chunks = _read_chunks(ray, input_path, fields, scorer.chunk_size, start=start)
    return chunks.map_batches(
        ScoreActor,
        fn_constructor_kwargs={"scorer": scorer},
        batch_size=1,  # one chunk
        compute=ActorPoolStrategy(size=count),
        num_gpus=gpus,
        num_cpus=cpus,
    )


def prepared_dataset(scorer, input_path: str, *, fields: FieldNames = DEFAULT_FIELDS, stop: int):
    """The first ``stop`` records prepared without the model (``id``, ``text``, ``headline``), in input order.

    Preparing is one CPU's host work, so there is one actor per CPU the reader leaves.
    """
    ray = init_ray()
    from ray.data import ActorPoolStrategy

    free = float(ray.cluster_resources().get("CPU", 1)) - _READER_CPUS
    count = max(1, int(free))
    chunks = _read_chunks(ray, input_path, fields, scorer.chunk_size, stop=stop)
    return chunks.map_batches(
        _PrepareActor,
        fn_constructor_kwargs={"scorer": scorer},
        batch_size=1,
        compute=ActorPoolStrategy(size=count),
        num_cpus=max(0.5, free / count),
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
    settings: dict[str, Any] | None = None,
    shard_size: int = 1000,
    resume: bool = False,
    directory_format: str = "jsonl",
    progress: bool = False,
) -> RunSummary:
    """``coherence score --engine ray``: the records, output files and ``--resume`` of the local engine."""
    if input_path == "-":
        raise ValueError("--engine ray reads files (stdin cannot be sent to a cluster)")
    ray = init_ray(address)
    if output == "-":
        from coherence.io import open_writer

        writer = open_writer("-")
        count, tally = 0, Tally()
        try:
            for record in _scored_records(scorer, build_dataset(scorer, input_path, fields=fields, actors=actors)):
                writer.write(record)
                count += 1
                tally.add(record)
        finally:
            writer.close()
        return RunSummary(output, count, 0, 0, True, tally)
    sharded = open_sharded_output(
        output,
        fingerprint=_cluster_fingerprint(ray, input_path),
        settings=settings,
        shard_size=shard_size,
        chunk_size=scorer.chunk_size,
        resume=resume,
        directory_format=directory_format,
    )
    if sharded.finished is not None:
        return sharded.finished
    scorer.chunk_size = sharded.chunk_size
    index = _corpus_index(scorer)
    if index is not None and sharded.skip:
        prepared = prepared_dataset(scorer, input_path, fields=fields, stop=sharded.skip)
        with contextlib.closing(_rows(prepared)) as rows:
            _index_written(index, rows, iter_shard_records(sharded.directory))
    dataset = build_dataset(scorer, input_path, fields=fields, actors=actors, start=sharded.skip)
    writer = sharded.writer()
    bar = progress_bar(progress, sharded.skip)
    tally = Tally()
    with sigterm_as_interrupt(), contextlib.closing(_scored_records(scorer, dataset, index)) as records:
        for record in records:
            writer.write(record)
            tally.add(record)
            if bar is not None:
                bar.update(1)
        writer.close()
    if bar is not None:
        bar.close()
    return sharded.complete(writer, tally=tally)


def _cluster_fingerprint(ray, input_path: str) -> dict[str, Any]:
    """:func:`input_fingerprint` taken where the workers read the input (the driver may not see it)."""
    from coherence.engine.local import input_fingerprint

    path = str(Path(input_path).resolve())
    return ray.get(ray.remote(num_cpus=0)(input_fingerprint).remote(path))


def _rows(dataset) -> Iterator[dict[str, Any]]:
    """The rows of ``dataset``; stopping early (an interruption) also stops its execution."""
    rows = iter(dataset.iter_rows())
    try:
        yield from rows
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _corpus_index(scorer):
    from coherence.detectors.corpus import CorpusIndex

    return CorpusIndex(threshold=scorer.corpus_threshold) if scorer.corpus_duplicates else None


def _index_written(index, prepared: Iterable[dict[str, Any]], written: Iterable[dict[str, Any]]) -> None:
    """Add the records of the complete shards to the corpus index, as the interrupted run did.

    ``prepared`` are those records read again and prepared (no model); ``written`` are their
    reports, which say which records were indexed then (those scored without an error).
    """
    from coherence.scorer import WrittenMismatch, written_with_error

    for row, record in itertools.zip_longest(prepared, written):
        try:
            failed = written_with_error(None if row is None else row["id"], record)
        except WrittenMismatch as exc:
            raise mismatch_error(exc) from exc
        if not failed:
            if row["text"] is None:
                raise ResumeError(f"record {row['id']!r} cannot be prepared again; run without --resume")
            _index(index, Report(id=row["id"], signals={}), row)


def _scored_records(scorer, dataset, index=None) -> Iterator[dict[str, Any]]:
    """Report dicts in input order, with the corpus-wide duplicate signals of the local engine.

    ``index`` (by default a new one, unless ``scorer.corpus_duplicates`` is off) may already
    hold the records before the dataset's first.
    """
    index = _corpus_index(scorer) if index is None else index
    for row in _rows(dataset):
        record = json.loads(row["report"])
        if index is None or row["text"] is None:
            yield record
            continue
        report = _index(index, Report.from_dict(record), row)
        yield report.to_dict()


def _index(index, report: Report, row: dict[str, Any]) -> Report:
    """Add one article to the corpus index (from a row's ``text`` and ``headline``); fills ``report``."""
    from coherence.scorer import _add_to_corpus

    headline = json.loads(row["headline"]) if row["headline"] else None
    report.analysis = SimpleNamespace(text=row["text"], headline=SimpleNamespace(**headline) if headline else None)
    _add_to_corpus(index, report)
    return report

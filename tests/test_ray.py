"""The Ray engine on a local Ray cluster started in-process: the same records as the local engine,
and ``--resume`` after an interruption (from either engine) gives the uninterrupted run's output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pytest

pytest.importorskip("ray")

from coherence import Scorer  # noqa: E402
from coherence.analysis import Analysis  # noqa: E402
from coherence.engine.command import run_score  # noqa: E402
from coherence.engine.local import (  # noqa: E402
    ResumeError,
    ShardWriter,
    complete_shards,
    input_fingerprint,
    open_sharded_output,
    run_local,
)
from coherence.io import read_articles, read_records  # noqa: E402
from coherence.io.records import DEFAULT_FIELDS  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles.jsonl"
SHARD_SIZE = 4  # records per shard, and so per chunk


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # _LoggingScorer, in the actors
    yield ray
    ray.shutdown()


class _LoggingScorer(Scorer):
    """A Scorer that appends the id of every article it embeds to the file ``log`` (from any process)."""

    log: str | None = None

    def _embed(self, prepared):
        if self.log:
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.writelines(f"{p.article.id}\n" for p in prepared if isinstance(p, Analysis))
        return super()._embed(prepared)


@pytest.mark.slow
def test_ray_engine_gives_the_records_of_the_local_engine(tmp_path, ray_cluster, embedder):
    from coherence.engine.ray import run_ray

    corpus = tmp_path / "corpus.jsonl"
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    # the fixtures, a record without an id, a repeated id and a malformed line
    extra = [json.dumps({"text": first["text"]}), json.dumps({**first, "title": "Again"}), "{oops"]
    corpus.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")

    local = tmp_path / "local.jsonl"
    run_local(Scorer(embedder=embedder), read_articles(corpus), input_path=str(corpus), output=str(local))
    remote = tmp_path / "ray.jsonl"
    summary = run_ray(Scorer(), str(corpus), str(remote))

    expected, got = read_records(local), read_records(remote)
    assert summary.records == len(expected) == len(lines) + 3
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert got == expected
    assert any(r["error"] for r in got) and any("#2" in r["id"] for r in got)


@pytest.mark.parametrize("cpus", [2.0, 4.0, 16.0])
def test_streamed_scoring_leaves_a_whole_cpu_for_ray_datas_read_tasks(cpus):
    """score_dataset's actors must not take the CPUs a streamed read needs (it hung there before)."""
    from coherence.engine.ray import _UPSTREAM_READ_CPUS, _actors

    class Cluster:
        def cluster_resources(self):
            return {"CPU": cpus}

    count, gpus, per_actor = _actors(Cluster(), None, reserved_cpus=_UPSTREAM_READ_CPUS)
    assert gpus == 0 and count >= 1
    assert cpus - count * per_actor >= 1.0


def _corpus_with_repeats(directory: Path) -> Path:
    """The fixtures, then three of them again under new ids, a record without an id repeating the
    first, and a malformed line: 16 records, whose last ones duplicate the first ones."""
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    again = [json.dumps({**r, "id": f"{r['id']}~again"}) for r in records[:3]]
    path = directory / "corpus.jsonl"
    path.write_text("\n".join([*lines, *again, json.dumps({"text": records[0]["text"]}), "{oops"]) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def repeats(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """(corpus, its output from an uninterrupted local run with shards of SHARD_SIZE)."""
    directory = tmp_path_factory.mktemp("repeats")
    corpus = _corpus_with_repeats(directory)
    reference = directory / "reference.jsonl"
    _score("local", corpus, reference, embedder)
    return corpus, reference


def _score(engine: str, corpus: Path, output: Path, embedder, *, log: Path | None = None, resume: bool = False):
    if engine == "local":
        scorer = Scorer(embedder=embedder)
        articles = read_articles(corpus)
        return run_local(
            scorer, articles, input_path=str(corpus), output=str(output), shard_size=SHARD_SIZE, resume=resume
        )
    from coherence.engine.ray import run_ray

    scorer = _LoggingScorer()  # a fresh embedder: each actor loads the model itself
    scorer.log = str(log) if log else None
    return run_ray(scorer, str(corpus), str(output), shard_size=SHARD_SIZE, resume=resume)


def _interrupt_after(monkeypatch, shards: int) -> None:
    """Make the next run stop (KeyboardInterrupt, as on Ctrl-C) as it would commit shard ``shards + 1``."""
    commit = ShardWriter._commit
    committed = []

    def commit_or_interrupt(writer: ShardWriter) -> None:
        if len(committed) == shards:
            raise KeyboardInterrupt
        commit(writer)
        committed.append(writer.index)

    monkeypatch.setattr(ShardWriter, "_commit", commit_or_interrupt)


@pytest.mark.slow
def test_uninterrupted_ray_run_in_small_chunks_matches_the_local_engine(tmp_path, ray_cluster, repeats):
    corpus, reference = repeats
    out = tmp_path / "ray.jsonl"
    _score("ray", corpus, out, None)
    assert out.read_bytes() == reference.read_bytes()
    assert not Path(f"{out}.parts").exists()


@pytest.mark.slow
@pytest.mark.parametrize("first, then", [("ray", "ray"), ("local", "ray"), ("ray", "local")])
def test_interrupted_run_resumed_gives_the_uninterrupted_output(
    tmp_path, monkeypatch, ray_cluster, repeats, embedder, first, then
):
    corpus, reference = repeats
    out = tmp_path / "scores.jsonl"
    parts = Path(f"{out}.parts")
    _interrupt_after(monkeypatch, shards=2)
    with pytest.raises(KeyboardInterrupt):
        _score(first, corpus, out, embedder)
    monkeypatch.undo()
    assert complete_shards(parts, "jsonl") == 2 and not out.exists()
    skipped = [r["id"] for r in read_records(parts)]
    assert len(skipped) == 2 * SHARD_SIZE

    log = tmp_path / "embedded.txt"
    summary = _score(then, corpus, out, embedder, log=log, resume=True)
    assert (summary.records, summary.skipped) == (16, 2 * SHARD_SIZE)
    assert out.read_bytes() == reference.read_bytes()  # record for record, corpus signals included
    assert not parts.exists()
    records = read_records(out)
    later = records[len(skipped) :]
    # the duplicates found after the interruption are of records written before it
    assert any(r["corpus"] and r["corpus"].get("duplicate_of") in skipped for r in later)
    if then == "ray":  # no actor embedded a record already written
        embedded = log.read_text(encoding="utf-8").split()
        assert embedded and not set(embedded) & set(skipped)
        assert set(embedded) <= {r["id"] for r in later}


def test_ray_resume_refuses_another_input(tmp_path, ray_cluster):
    from coherence.engine.ray import run_ray

    corpus = _corpus_with_repeats(tmp_path)
    other = tmp_path / "other.jsonl"
    other.write_text(FIXTURES.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    # the manifest an interrupted run on ``corpus`` leaves
    open_sharded_output(
        str(out), fingerprint=input_fingerprint(str(corpus)), settings={}, shard_size=4, chunk_size=4, resume=False
    )
    with pytest.raises(ResumeError, match="is not the input of the interrupted run"):
        run_ray(Scorer(), str(other), str(out), shard_size=4, resume=True)
    with pytest.raises(ResumeError, match="other settings"):
        run_ray(Scorer(), str(corpus), str(out), shard_size=4, resume=True, settings={"threshold": 0.7})
    with pytest.raises(click.UsageError, match="is not the input of the interrupted run"):  # as the CLI says it
        run_score(
            Scorer(),
            None,
            input_path=str(other),
            output=str(out),
            fields=DEFAULT_FIELDS,
            settings={},
            engine="ray",
            resume=True,
        )


def test_resume_refuses_records_that_do_not_match_the_written_ones():
    from coherence.detectors.corpus import CorpusIndex
    from coherence.engine.ray import _index_written

    prepared = [{"id": "a", "text": "Some text.", "headline": None}, {"id": "b", "text": "More.", "headline": None}]
    written = [{"id": "a", "error": None}, {"id": "c", "error": None}]
    with pytest.raises(ResumeError, match="do not match the input"):
        _index_written(CorpusIndex(), prepared, written)
    with pytest.raises(ResumeError, match="do not match the input"):
        _index_written(CorpusIndex(), prepared[:1], written)


def test_the_read_emits_chunks_from_the_first_record_and_drops_the_written_ones(tmp_path, ray_cluster, monkeypatch):
    import coherence.engine.ray as engine

    corpus = _corpus_with_repeats(tmp_path)
    ids = [a.id for a in read_articles(corpus)]
    monkeypatch.setattr(engine, "_BLOCK_BYTES", 1)  # a block for every chunk: they stream to the actors

    def chunk_ids(**kwargs) -> list[list[str]]:
        dataset = engine._read_chunks(ray_cluster, str(corpus), DEFAULT_FIELDS, SHARD_SIZE, **kwargs).materialize()
        assert dataset.num_blocks() == len(ids[kwargs.get("start", 0) : kwargs.get("stop")]) // SHARD_SIZE
        return [[row["id"] for row in json.loads(r["articles"])] for r in dataset.iter_rows()]

    every = [ids[i : i + SHARD_SIZE] for i in range(0, len(ids), SHARD_SIZE)]
    assert chunk_ids() == every
    assert chunk_ids(start=2 * SHARD_SIZE) == every[2:]  # what a resumed run scores
    assert chunk_ids(stop=2 * SHARD_SIZE) == every[:2]  # what it indexes again

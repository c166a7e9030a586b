"""The local engine: sharded atomic output, and --resume after a real kill or Ctrl-C."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coherence.engine.local import aligned_sizes, complete_shards, run_local
from coherence.engine.memory import release_free_heap
from coherence.io import read_articles, read_records

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "articles.jsonl"


def _corpus(tmp_path: Path, copies: int) -> Path:
    """The fixture articles ``copies`` times over, with distinct ids (and two without an id)."""
    records = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for c in range(copies):
            for r in records:
                handle.write(json.dumps({**r, "id": f"{r['id']}~{c}"}) + "\n")
        handle.write(json.dumps({"text": records[0]["text"]}) + "\n")
        handle.write("{not json\n")
    return path


def _cli(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen(
        [sys.executable, "-c", "from coherence.cli import main; main()", "score", *args, "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
        **kwargs,
    )


def _default_sigint() -> None:
    """Children of a background job start with SIGINT ignored; give them Ctrl-C back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run(*args: str) -> subprocess.CompletedProcess:
    proc = _cli(*args)
    out, err = proc.communicate(timeout=900)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_free_heap_is_released_on_glibc():
    assert release_free_heap() is True


def test_aligned_sizes_keep_chunks_inside_shards():
    assert aligned_sizes(1000, 128) == (1024, 128)
    assert aligned_sizes(2, 128) == (2, 2)
    assert aligned_sizes(256, 128) == (256, 128)


def test_folder_output_has_atomic_shards_and_reads_back_in_order(tmp_path, scorer):
    articles = list(read_articles(FIXTURES))
    out = tmp_path / "scores"
    scorer_copy = type(scorer)(embedder=scorer.embedder)
    summary = run_local(scorer_copy, articles, input_path=str(FIXTURES), output=f"{out}/", shard_size=4, settings={})
    assert summary.complete and summary.records == len(articles)
    assert complete_shards(out, "jsonl") == 3  # 4 + 4 + 3
    assert not list(out.glob(".*tmp*"))
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["complete"] and manifest["records"] == len(articles)
    records = read_records(out)
    assert [r["id"] for r in records] == [a.id for a in articles]


def test_single_file_output_is_assembled_and_parts_removed(tmp_path, scorer):
    articles = list(read_articles(FIXTURES))
    out = tmp_path / "scores.parquet"
    scorer_copy = type(scorer)(embedder=scorer.embedder)
    run_local(scorer_copy, articles, input_path=str(FIXTURES), output=str(out), shard_size=5, settings={})
    assert out.is_file() and not Path(f"{out}.parts").exists()
    assert [r["id"] for r in read_records(out)] == [a.id for a in articles]


def test_summary_counts_the_error_records(tmp_path, scorer):
    first = FIXTURES.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "mixed.jsonl"
    path.write_text(first + "\n{not json\n" + json.dumps({"id": "no-text"}) + "\n", encoding="utf-8")
    scorer_copy = type(scorer)(embedder=scorer.embedder)
    articles = list(read_articles(path))
    summary = run_local(scorer_copy, articles, input_path=str(path), output=str(tmp_path / "s.jsonl"), settings={})
    assert (summary.records, summary.errors) == (3, 2)


def _wait_for_shard(parts: Path, proc: subprocess.Popen, at_least: int = 1, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if complete_shards(parts, "jsonl") >= at_least:
            return
        if proc.poll() is not None:
            raise AssertionError(f"run ended before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError("no shard appeared in time")


@pytest.mark.slow
def test_resume_after_sigkill_and_sigint_is_exactly_once_and_identical(tmp_path, scorer):
    corpus = _corpus(tmp_path, copies=2)  # 24 records, 2 per shard: 12 shards
    n_records = sum(1 for line in corpus.read_text().splitlines() if line.strip())
    reference = tmp_path / "reference.jsonl"  # uninterrupted, same shard size (so the same batches)
    run_local(
        type(scorer)(embedder=scorer.embedder),
        read_articles(corpus),
        input_path=str(corpus),
        output=str(reference),
        shard_size=2,
    )

    for sig in (signal.SIGKILL, signal.SIGINT):
        out = tmp_path / f"scores-{sig.name}.jsonl"
        parts = Path(f"{out}.parts")
        proc = _cli(str(corpus), "-o", str(out), "--shard-size", "2")
        _wait_for_shard(parts, proc, at_least=2)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        written = complete_shards(parts, "jsonl")
        assert 2 <= written < 12, f"{sig.name}: not interrupted midway ({written} shards)"
        assert not out.exists()
        if sig == signal.SIGINT:
            assert proc.returncode == 130 and "--resume" in err
        else:
            assert proc.returncode == -signal.SIGKILL

        resumed = _run(str(corpus), "-o", str(out), "--shard-size", "2", "--resume")
        assert resumed.returncode == 0, resumed.stderr
        assert f"resumed: {written * 2} records were already written" in resumed.stderr
        ids = [r["id"] for r in read_records(out)]
        assert len(ids) == n_records and len(set(ids)) == n_records  # none lost, none duplicated
        assert out.read_bytes() == reference.read_bytes()  # same records as an uninterrupted run
        assert not parts.exists()


def test_resume_refuses_other_settings(tmp_path):
    corpus = _corpus(tmp_path, copies=1)
    out = tmp_path / "scores.jsonl"
    parts = Path(f"{out}.parts")
    parts.mkdir()
    manifest = {
        "version": 1,
        "input": None,
        "settings": {},
        "format": "jsonl",
        "shard_size": 2,
        "chunk_size": 2,
        "complete": False,
        "records": None,
    }
    (parts / "_manifest.json").write_text(json.dumps(manifest))
    done = _run(str(corpus), "-o", str(out), "--resume")
    assert done.returncode == 2 and "without --resume" in done.stderr

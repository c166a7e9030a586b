"""The local engine: stream articles through a Scorer into sharded, atomic, resumable output.

What the user sees
------------------
``coherence score corpus.jsonl -o scores.jsonl`` writes one file, as always. While it runs, the
reports go to numbered shards in ``scores.jsonl.parts/`` (each shard is written to a temporary
file, flushed to disk, then renamed, so a shard is either complete or absent). When the input
ends, the shards are joined into ``scores.jsonl`` (again through a temporary file and a rename)
and the parts folder is removed. If the run is interrupted (Ctrl-C, ``kill``, a crash, a lost
machine), rerun the same command with ``--resume``: the complete shards are kept, the input is
read again from the start, the records already written are skipped (they are still prepared and
added to the corpus duplicate index, without embedding, so later reports are exactly those of an
uninterrupted run), and scoring continues from the first missing shard. The result has exactly
one report per input record, none lost and none duplicated.

``-o scores/`` (a trailing slash, or an existing folder) keeps the shards as the output:
``scores/part-000000.jsonl``, ``part-000001.jsonl``, ... and ``scores/_manifest.json``, whose
``"complete": true`` says the run finished. ``coherence filter --scores scores/`` and
:func:`coherence.io.read_records` read such a folder in order.

Shard boundaries are fixed by record number (``shard_size`` records each), and the scorer's
chunks (the articles embedded together) are aligned with them, so a resumed run embeds exactly
the same batches as an uninterrupted one and produces byte-identical records.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coherence.engine.memory import release_free_heap
from coherence.io.writers import open_writer

MANIFEST = "_manifest.json"
MANIFEST_VERSION = 1


class ResumeError(RuntimeError):
    """A ``--resume`` that cannot continue the earlier run (different input or settings)."""


@dataclass
class Tally:
    """What the records one run writes say, for its summary line."""

    errors: int = 0  # error records
    unscored: int = 0  # no error and no quality (not English prose, or not article text)
    kept: int = 0  # ``keep``: quality at or above the threshold

    def add(self, record: dict[str, Any]) -> None:
        if record.get("error") is not None:
            self.errors += 1
        elif record.get("quality") is None:
            self.unscored += 1
        elif record.get("keep"):
            self.kept += 1


@dataclass
class RunSummary:
    """What one call of :func:`run_local` did."""

    output: str
    records: int  # reports in the output now
    skipped: int  # records already written by an earlier, interrupted run
    shards: int
    complete: bool
    tally: Tally = field(default_factory=Tally)  # of the records written by this call

    @property
    def errors(self) -> int:
        return self.tally.errors


def is_directory_output(output: str) -> bool:
    """``-o DIR/`` or an existing folder: the shards are the output."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def shard_format(output: str, directory_format: str = "jsonl") -> str:
    if is_directory_output(output):
        return directory_format
    return "parquet" if output.lower().endswith((".parquet", ".pq")) else "jsonl"


def work_dir(output: str) -> Path:
    """Where shards live: the output folder itself, or ``OUTPUT.parts/`` next to an output file."""
    if is_directory_output(output):
        return Path(output)
    return Path(f"{output}.parts")


def aligned_sizes(shard_size: int, chunk_size: int) -> tuple[int, int]:
    """(shard_size, chunk_size) with every chunk inside one shard and shards whole chunks."""
    shard_size, chunk_size = max(1, int(shard_size)), max(1, int(chunk_size))
    if shard_size <= chunk_size:
        return shard_size, shard_size
    return -(-shard_size // chunk_size) * chunk_size, chunk_size


def input_fingerprint(input_path: str) -> dict[str, Any] | None:
    """Identifies the input for ``--resume`` (None for stdin: it cannot be read twice)."""
    if input_path == "-":
        return None
    p = Path(input_path)
    files = sorted(p.rglob("*.txt")) if p.is_dir() else [p]
    size = sum(f.stat().st_size for f in files)
    mtime = max((f.stat().st_mtime_ns for f in files), default=0)
    return {"path": str(p.resolve()), "files": len(files), "bytes": size, "mtime_ns": mtime}


# -- shards -------------------------------------------------------------------------------------
def shard_name(index: int, fmt: str) -> str:
    return f"part-{index:06d}.{fmt}"


def complete_shards(directory: Path, fmt: str) -> int:
    """How many shards, counted from the first, are complete (present under their final name)."""
    n = 0
    while (directory / shard_name(n, fmt)).is_file():
        n += 1
    return n


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class ShardWriter:
    """Writes records into numbered shards of ``shard_size`` records, each atomically."""

    def __init__(self, directory: Path, *, shard_size: int, fmt: str = "jsonl", first_shard: int = 0) -> None:
        self.directory = Path(directory)
        self.shard_size = shard_size
        self.fmt = fmt
        self.index = first_shard
        self._writer = None
        self._tmp: Path | None = None
        self._count = 0
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        if self._writer is None:
            self._tmp = self.directory / f".{shard_name(self.index, self.fmt)}.tmp"
            self._writer = open_writer(str(self._tmp) + (".parquet" if self.fmt == "parquet" else ""))
        self._writer.write(record)
        self._count += 1
        self.written += 1
        if self._count >= self.shard_size:
            self._commit()

    def _commit(self) -> None:
        self._writer.close()
        written = Path(str(self._tmp) + (".parquet" if self.fmt == "parquet" else ""))
        with open(written, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(written, self.directory / shard_name(self.index, self.fmt))
        _fsync_dir(self.directory)
        self.index += 1
        self._writer, self._tmp, self._count = None, None, 0

    def close(self) -> None:
        """Commit the last, short shard (call only when the input has ended)."""
        if self._writer is not None:
            self._commit()


def iter_shard_records(directory: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a shard folder, in order (our ``part-*`` shards, or any ``*.parquet``)."""
    from coherence.io.writers import read_records

    directory = Path(directory)
    files = sorted(directory.glob("part-*.jsonl")) + sorted(directory.glob("part-*.parquet"))
    if not files:
        files = sorted(f for f in directory.glob("*.parquet") if not f.name.startswith("."))
    for file in files:
        yield from read_records(file)


def assemble(directory: Path, output: str, fmt: str) -> None:
    """Join the shards into ``output`` through a temporary file and a rename."""
    shards = [directory / shard_name(i, fmt) for i in range(complete_shards(directory, fmt))]
    out = Path(output)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer = None
        try:
            for shard in shards:
                table = pq.read_table(shard)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            if writer is None:  # no records at all: an empty file with the usual schema
                open_writer(str(tmp) + ".parquet").close()
                os.replace(str(tmp) + ".parquet", tmp)
        finally:
            if writer is not None:
                writer.close()
    else:
        opener = gzip.open if output.endswith(".gz") else open
        with opener(tmp, "wb") as sink:
            for shard in shards:
                with open(shard, "rb") as source:
                    shutil.copyfileobj(source, sink, 1 << 20)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, out)
    _fsync_dir(out.parent if str(out.parent) else Path("."))


# -- a sharded output, fresh or resumed (shared by the local and Ray engines) --------------------
@dataclass
class ShardedOutput:
    """An output being written in shards: where, how, and how far an interrupted run got."""

    output: str
    directory: Path
    fmt: str
    manifest: dict[str, Any]
    skip: int = 0  # records already written by an interrupted run
    finished: RunSummary | None = None  # the run had already ended: nothing left to do

    @property
    def shard_size(self) -> int:
        return int(self.manifest["shard_size"])

    @property
    def chunk_size(self) -> int:
        return int(self.manifest["chunk_size"])

    def writer(self) -> ShardWriter:
        """A writer that continues after the complete shards."""
        first_shard = self.skip // self.shard_size
        return ShardWriter(self.directory, shard_size=self.shard_size, fmt=self.fmt, first_shard=first_shard)

    def complete(self, writer: ShardWriter, *, tally: Tally | None = None) -> RunSummary:
        """Mark the run complete in the manifest, then join the shards (file output)."""
        self.manifest.update(complete=True, records=self.skip + writer.written)
        _atomic_write_text(self.directory / MANIFEST, json.dumps(self.manifest, indent=2))
        return _finish(self.directory, self.output, self.fmt, self.manifest, skipped=self.skip, tally=tally)


def open_sharded_output(
    output: str,
    *,
    fingerprint: dict[str, Any] | None,
    settings: dict[str, Any] | None,
    shard_size: int,
    chunk_size: int,
    resume: bool,
    directory_format: str = "jsonl",
) -> ShardedOutput:
    """Start writing ``output`` in shards, or continue an interrupted run of it with ``resume``.

    ``fingerprint`` identifies the input (:func:`input_fingerprint`). On resume, the manifest
    must name the same input, settings and format (else :class:`ResumeError`); the shard and
    chunk sizes are then the earlier run's, and ``skip`` counts the records in complete shards.
    """
    fmt = shard_format(output, directory_format)
    directory = work_dir(output)
    manifest_path = directory / MANIFEST
    shard_size, chunk_size = aligned_sizes(shard_size, chunk_size)
    manifest = {
        "version": MANIFEST_VERSION,
        "input": fingerprint,
        "settings": settings or {},
        "format": fmt,
        "shard_size": shard_size,
        "chunk_size": chunk_size,
        "complete": False,
        "records": None,
    }
    sharded = ShardedOutput(output, directory, fmt, manifest)
    if resume:
        previous = _read_manifest(manifest_path)
        if previous is None:
            if not is_directory_output(output) and Path(output).is_file():
                sharded.finished = RunSummary(output, -1, 0, 0, True)  # finished earlier; nothing to do
                return sharded
        else:
            _check_resumable(previous, manifest)
            manifest.update(shard_size=previous["shard_size"], chunk_size=previous["chunk_size"])
            if previous.get("complete"):
                skipped = previous["records"]
                sharded.finished = _finish(directory, output, fmt, previous, skipped=skipped)
                return sharded
            sharded.skip = complete_shards(directory, fmt) * sharded.shard_size
    if not sharded.skip:
        _clear(directory, fmt)
    directory.mkdir(parents=True, exist_ok=True)
    for stray in directory.glob(".part-*.tmp*"):
        stray.unlink()
    _atomic_write_text(manifest_path, json.dumps(manifest, indent=2))
    return sharded


# -- the run --------------------------------------------------------------------------------------
def mismatch_error(exc: Exception) -> ResumeError:
    """The error for a resume whose written records are not the first records of the input."""
    return ResumeError(
        f"the records already written do not match the input ({exc}); run without --resume to start over"
    )


def run_local(
    scorer,
    articles: Iterable,
    *,
    input_path: str,
    output: str,
    settings: dict[str, Any] | None = None,
    shard_size: int = 1000,
    resume: bool = False,
    directory_format: str = "jsonl",
    progress: bool = False,
) -> RunSummary:
    """Score ``articles`` (read from ``input_path``) into ``output`` with shards; see the module doc.

    ``settings`` (model, backend, threshold, ...) are stored in the manifest; ``--resume``
    refuses to continue a run made with other settings or another input.
    """
    from coherence.scorer import WrittenMismatch

    if output == "-":
        count, tally = _stream(scorer, articles, output, progress)
        return RunSummary(output, count, 0, 0, True, tally)
    sharded = open_sharded_output(
        output,
        fingerprint=input_fingerprint(input_path),
        settings=settings,
        shard_size=shard_size,
        chunk_size=scorer.chunk_size,
        resume=resume,
        directory_format=directory_format,
    )
    if sharded.finished is not None:
        return sharded.finished
    scorer.chunk_size = sharded.chunk_size
    writer = sharded.writer()
    written = iter_shard_records(sharded.directory) if sharded.skip else None
    reports = scorer.score_many(articles, skip=sharded.skip, written=written)
    bar = progress_bar(progress, sharded.skip)
    tally = Tally()
    with sigterm_as_interrupt():
        try:
            for n, report in enumerate(reports, start=1):
                record = report.to_dict()
                writer.write(record)
                tally.add(record)
                if n % sharded.chunk_size == 0:
                    release_free_heap()
                if bar is not None:
                    bar.update(1)
        except WrittenMismatch as exc:
            raise mismatch_error(exc) from exc
        writer.close()
    if bar is not None:
        bar.close()
    return sharded.complete(writer, tally=tally)


def _finish(
    directory: Path, output: str, fmt: str, manifest: dict, *, skipped: int, tally: Tally | None = None
) -> RunSummary:
    shards = complete_shards(directory, fmt)
    if not is_directory_output(output):
        assemble(directory, output, fmt)
        shutil.rmtree(directory, ignore_errors=True)
    return RunSummary(output, int(manifest["records"]), int(skipped), shards, True, tally or Tally())


def _read_manifest(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _check_resumable(previous: dict, current: dict) -> None:
    if current["input"] is None:
        raise ResumeError("--resume needs an input file or folder (stdin cannot be read twice)")
    if previous.get("version") != MANIFEST_VERSION or previous.get("format") != current["format"]:
        raise ResumeError("the partial output was written in another format; run without --resume")
    if previous.get("input") != current["input"]:
        raise ResumeError(
            f"{current['input']['path']} is not the input of the interrupted run (it changed, or it "
            "is another file); run without --resume to start over"
        )
    if previous.get("settings") != current["settings"]:
        changed = sorted(
            k
            for k in set(previous.get("settings", {})) | set(current["settings"])
            if previous.get("settings", {}).get(k) != current["settings"].get(k)
        )
        raise ResumeError(
            f"the interrupted run used other settings ({', '.join(changed)}); "
            "resume with the same options, or run without --resume to start over"
        )


def _clear(directory: Path, fmt: str) -> None:
    """Remove the shards and manifest of an earlier run (only files this engine writes)."""
    if not directory.is_dir():
        return
    for f in [*directory.glob("part-*.jsonl"), *directory.glob("part-*.parquet"), *directory.glob(".part-*")]:
        f.unlink()
    (directory / MANIFEST).unlink(missing_ok=True)


def _stream(scorer, articles, output: str, progress: bool) -> tuple[int, Tally]:
    """Write the reports to ``output`` as they come; returns (records, their tally)."""
    writer = open_writer(output)
    bar = progress_bar(progress, 0)
    count, tally = 0, Tally()
    try:
        for report in scorer.score_many(articles):
            record = report.to_dict()
            writer.write(record)
            count += 1
            tally.add(record)
            if bar is not None:
                bar.update(1)
    finally:
        writer.close()
        if bar is not None:
            bar.close()
    return count, tally


def progress_bar(enabled: bool, initial: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc="scoring", unit=" articles", initial=initial, file=sys.stderr, dynamic_ncols=True)


class sigterm_as_interrupt:
    """While active, SIGTERM raises KeyboardInterrupt (so ``kill`` stops like Ctrl-C)."""

    def __enter__(self):
        self._previous = None
        with contextlib.suppress(ValueError):  # not the main thread: leave SIGTERM alone
            self._previous = signal.signal(signal.SIGTERM, self._handler)
        return self

    @staticmethod
    def _handler(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
        return False

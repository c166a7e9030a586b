"""``coherence score``'s engine options and the code behind them (kept out of ``cli.py``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from coherence.engine.local import RunSummary


def engine_options(func):
    """Options of ``coherence score`` for speed, caching, sharded output, resume and Ray."""
    options = [
        click.option(
            "--backend",
            type=click.Choice(["torch", "onnx"]),
            default="torch",
            show_default=True,
            help="Embedding backend: onnx is an int8 CPU model built locally from the same weights "
            "on first use (1.6-3x faster on a CPU, most where it has int8 instructions; cosine >= 0.99 to torch).",
        ),
        click.option(
            "--workers",
            default=0,
            show_default=True,
            help="Processes that split and analyse articles while this one embeds (local engine): for a GPU, "
            "which one process cannot keep busy. 0: all in this process.",
        ),
        click.option(
            "--cache-dir",
            default=None,
            help="Keep embeddings on disk here (keyed by model and text): re-scoring costs no embedding.",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Continue an interrupted run with the same INPUT, -o and options (no record lost or repeated).",
        ),
        click.option(
            "--shard-size",
            default=1000,
            show_default=True,
            help="Records per output shard (the unit of work kept when a run is interrupted).",
        ),
        click.option(
            "--shard-format",
            type=click.Choice(["jsonl", "parquet"]),
            default="jsonl",
            show_default=True,
            help="Format of the shards when -o is a folder (ends with /).",
        ),
        click.option(
            "--engine",
            type=click.Choice(["local", "ray"]),
            default="local",
            show_default=True,
            help="local: this process. ray: Ray Data on a Ray cluster (pip install 'coherence[ray]').",
        ),
        click.option(
            "--address",
            default=None,
            help="Ray cluster address (e.g. ray://head:10001 or auto); default: a local Ray started here.",
        ),
        click.option(
            "--ray-actors",
            default=None,
            type=int,
            help="Scoring actors for --engine ray (default: one per GPU, else CPUs / 2).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_score(
    scorer,
    articles,
    *,
    input_path: str,
    output: str,
    fields,
    settings: dict,
    engine: str = "local",
    address: str | None = None,
    ray_actors: int | None = None,
    resume: bool = False,
    shard_size: int = 1000,
    shard_format: str = "jsonl",
    progress: bool = False,
) -> None:
    """Run ``coherence score`` on the chosen engine; a clear message and exit 130 on Ctrl-C."""
    from coherence.engine.local import ResumeError, run_local

    sharding = dict(settings=settings, shard_size=shard_size, resume=resume, directory_format=shard_format)
    try:
        if engine == "ray":
            from coherence.engine.ray import run_ray

            summary = run_ray(
                scorer,
                input_path,
                output,
                fields=fields,
                address=address,
                actors=ray_actors,
                progress=progress,
                **sharding,
            )
        else:
            summary = run_local(scorer, articles, input_path=input_path, output=output, progress=progress, **sharding)
    except ResumeError as exc:
        raise click.UsageError(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo(
            "\ninterrupted: the complete shards are kept; run the same command with --resume to continue",
            err=True,
        )
        sys.exit(130)
    if output != "-":
        if summary.records < 0:
            click.echo(f"{output} is already complete; nothing to resume", err=True)
        elif summary.skipped:
            click.echo(
                f"resumed: {summary.skipped} records were already written, "
                f"{summary.records - summary.skipped} scored now -> {output}",
                err=True,
            )
    if summary.records >= 0:
        click.echo(_summary_line(summary, output, on_ray=engine == "ray"), err=True)


def _summary_line(summary: RunSummary, output: str, *, on_ray: bool) -> str:
    """``200 records written: 153 kept, 30 below the threshold, 17 without a quality (...), no errors -> out``."""
    tally = summary.tally
    written = summary.records - summary.skipped
    below = written - tally.kept - tally.unscored - tally.errors
    parts = [f"{tally.kept} kept", f"{below} below the threshold"]
    if tally.unscored:
        parts.append(f"{tally.unscored} without a quality (not English prose or not article text)")
    plural = "s" if tally.errors != 1 else ""
    parts.append(f"{tally.errors} error record{plural} (see their `error` field)" if tally.errors else "no errors")
    where = "stdout" if output == "-" else output
    return f"{written} records written{' on Ray' if on_ray else ''}: {', '.join(parts)} -> {where}"

"""Options and input handling shared by the ``coherence`` commands."""

from __future__ import annotations

import sys

import click

from coherence.embedding import DEFAULT_MODEL
from coherence.io import FieldNames, InputError, check_output_path, read_articles, read_records


def _fields(text_field: str, title_field: str, id_field: str) -> FieldNames:
    return FieldNames(text=text_field, title=title_field, id=id_field)


def field_options(func):
    func = click.option("--id-field", default="id", show_default=True, help="Input field holding the record id.")(func)
    func = click.option("--title-field", default="title", show_default=True, help="Input field holding the headline.")(
        func
    )
    func = click.option(
        "--text-field", default="text", show_default=True, help="Input field holding the article text."
    )(func)
    return func


def model_options(func):
    func = click.option(
        "--batch-size", default=None, type=int, help="Texts per forward pass, at most [default: 256 CPU, 1024 GPU]."
    )(func)
    func = click.option("--device", default=None, help="cpu, cuda, ... (default: CUDA when available).")(func)
    func = click.option(
        "--model",
        default=DEFAULT_MODEL,
        show_default=True,
        help="Sentence-transformers model name or local path (never downloaded).",
    )(func)
    return func


def backend_option(func):
    """``--backend`` for the commands that score articles themselves (plot, explain, filter without --scores)."""
    return click.option(
        "--backend",
        type=click.Choice(["torch", "onnx"]),
        default="torch",
        show_default=True,
        help="Embedding backend, as for `coherence score` (onnx: faster on a CPU; pip install 'coherence[onnx]').",
    )(func)


def make_scorer(model: str, device: str | None, batch_size: int | None, backend: str = "torch"):
    """A :class:`~coherence.scorer.Scorer` for the command-line options (the onnx extra checked first)."""
    from coherence.embedding import Embedder
    from coherence.extras import MissingExtra, require
    from coherence.scorer import Scorer

    if backend == "onnx":
        try:
            require("onnxruntime", "--backend onnx", "onnx")
        except MissingExtra as exc:
            raise click.UsageError(str(exc)) from exc
    embedder = Embedder(model, device=device, batch_size=batch_size, backend=backend)
    return Scorer(model=model, device=device, batch_size=batch_size, embedder=embedder)


def checked_output(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: refuse an output name whose extension promises a format that is not written."""
    if value is not None:
        try:
            check_output_path(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


def read_scores(path: str, option: str = "SCORES") -> list[dict]:
    """The records of a scores file, or a usage error when ``path`` is unreadable or is not one (an
    articles file passed where the scores go would otherwise give empty plots and reject everything)."""
    try:
        records = read_records(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable scores file is a usage error
        raise click.UsageError(f"cannot read {option} {path}: {exc}") from exc
    for number, record in enumerate(records, start=1):
        missing = [repr(k) for k in ("id", "quality") if not isinstance(record, dict) or k not in record]
        if missing:
            raise click.UsageError(
                f"{option} {path} is not a scores file from `coherence score` (record {number} has no "
                f"{' or '.join(missing)}); give the articles with --input or as INPUT where a command takes them"
            )
    return records


def _progress(iterable, enabled: bool, desc: str):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, unit=" articles", file=sys.stderr, dynamic_ncols=True)


def _open_input(path: str, fields: FieldNames):
    try:
        stream = read_articles(path, fields)
        first = next(stream, None)
    except (InputError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc
    if first is None:
        return iter(())

    def chained():
        yield first
        yield from stream

    return chained()

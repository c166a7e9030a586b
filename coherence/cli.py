"""The ``coherence`` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import click

from coherence import cli_views
from coherence.cli_options import (
    _fields,
    _open_input,
    backend_option,
    checked_output,
    field_options,
    make_scorer,
    model_options,
    read_scores,
)
from coherence.embedding import Embedder
from coherence.engine.command import engine_options, run_score
from coherence.extras import MissingExtra, require
from coherence.io import FieldNames, open_writer
from coherence.record_ids import unique_ids


@click.group()
@click.version_option(package_name="coherence")
def main() -> None:
    """Find damaged news and web articles: topic drift, duplicates and scraping artifacts."""


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    required=True,
    callback=checked_output,
    help="Where to write reports: .jsonl, .jsonl.gz, .parquet, a folder of shards (DIR/) or - (stdout).",
)
@click.option(
    "--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1), help="keep = quality >= threshold."
)
@field_options
@model_options
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@click.option("--clean-text", is_flag=True, help="Add clean_text (artifacts and repeated headlines removed).")
@click.option(
    "--boilerplate", is_flag=True, help="First pass over INPUT: flag lines recurring across a source's articles."
)
@engine_options
def score(
    input_path,
    output,
    threshold,
    text_field,
    title_field,
    id_field,
    model,
    device,
    batch_size,
    progress,
    clean_text,
    boilerplate,
    backend,
    workers,
    cache_dir,
    resume,
    shard_size,
    shard_format,
    engine,
    address,
    ray_actors,
):
    """Score every article in INPUT (.jsonl[.gz], .csv, .parquet, a folder of .txt, or - for stdin)."""
    from coherence.scorer import Scorer

    _require_extras(backend, engine)
    fields = _fields(text_field, title_field, id_field)
    articles = _open_input(input_path, fields)
    scorer = Scorer(
        model=model,
        device=device,
        batch_size=batch_size,
        threshold=threshold,
        embedder=Embedder(model, device=device, batch_size=batch_size, backend=backend, cache_dir=cache_dir),
        include_clean_text=clean_text,
        boilerplate_detector=_fit_boilerplate(input_path, fields) if boilerplate else None,
        workers=workers,
    )
    show = sys.stderr.isatty() if progress is None else progress
    settings = dict(
        model=model,
        backend=backend,
        batch_size=batch_size,
        threshold=threshold,
        fields=[text_field, title_field, id_field],
        clean_text=clean_text,
        boilerplate=boilerplate,
    )
    try:
        run_score(
            scorer,
            articles,
            input_path=input_path,
            output=output,
            fields=fields,
            settings=settings,
            engine=engine,
            address=address,
            ray_actors=ray_actors,
            resume=resume,
            shard_size=shard_size,
            shard_format=shard_format,
            progress=show,
        )
    except MissingExtra as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "--min-quality",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Reject articles below this quality.",
)
@click.option(
    "--min-clean-quality",
    type=click.FloatRange(0, 1),
    default=None,
    help="Reject articles whose text after `coherence clean` scores below this (clean_quality); "
    "with --min-quality 0 and --clean-text it keeps cleanable articles, cleaned.",
)
@click.option(
    "--reject-if",
    "reject_if",
    multiple=True,
    help="Reject when a signal condition holds, e.g. 'artifact_fraction>0.3' (repeatable).",
)
@click.option(
    "--reject-kind",
    "reject_kinds",
    multiple=True,
    help="Reject articles with a flag of this kind, or kind/category (e.g. offtopic, artifact/byline).",
)
@click.option(
    "--clean-text", is_flag=True, help="Add clean_text (artifacts and repeated headlines removed) to kept records."
)
@click.option("--kept", "kept_path", required=True, callback=checked_output, help="Where to write kept records.")
@click.option(
    "--rejected",
    "rejected_path",
    default=None,
    callback=checked_output,
    help="Where to write rejected records, with reasons.",
)
@click.option(
    "--scores",
    "scores_path",
    default=None,
    help="Existing scores for INPUT (from `coherence score`): filter without re-scoring.",
)
@field_options
@model_options
@backend_option
def filter(
    input_path,
    min_quality,
    min_clean_quality,
    reject_if,
    reject_kinds,
    clean_text,
    kept_path,
    rejected_path,
    scores_path,
    text_field,
    title_field,
    id_field,
    model,
    device,
    batch_size,
    backend,
):
    """Split INPUT into kept and rejected articles (rejected ones carry their reasons)."""
    from coherence.filtering import Condition, FilterRule, ScoresMismatch, split_records

    try:
        conditions = tuple(Condition.parse(c) for c in reject_if)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--reject-if") from exc
    try:
        rule = FilterRule(
            min_quality=min_quality,
            reject_if=conditions,
            reject_kinds=tuple(reject_kinds),
            min_clean_quality=min_clean_quality,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--reject-kind") from exc

    if min_clean_quality is not None and min_quality is not None and min_clean_quality <= min_quality:
        _warn(
            f"--min-clean-quality {min_clean_quality:g} rejects nothing that --min-quality {min_quality:g} keeps "
            "(clean_quality is never below quality); add --min-quality 0 to keep articles that cleaning repairs"
        )
    fields = _fields(text_field, title_field, id_field)
    articles = _open_input(input_path, fields)
    if scores_path:
        reports = iter(read_scores(scores_path, "--scores"))
    else:
        articles = list(articles)
        reports = (r.to_dict() for r in make_scorer(model, device, batch_size, backend).score_many(articles))
    partial = {path: _partial_path(path) for path in (kept_path, rejected_path) if path}
    kept = open_writer(partial[kept_path])
    rejected = open_writer(partial[rejected_path]) if rejected_path else None
    done = False
    counts = {True: 0, False: 0}
    by_rule: Counter[str] = Counter()
    try:
        for record, keep in split_records(articles, reports, rule, clean_text=clean_text, tally=by_rule):
            counts[keep] += 1
            if keep:
                kept.write(record)
            elif rejected is not None:
                rejected.write(record)
        done = True
    except ScoresMismatch as exc:
        raise click.ClickException(f"--scores {scores_path} are not the scores of {input_path}: {exc}") from exc
    finally:
        kept.close()
        if rejected is not None:
            rejected.close()
        for target, path in partial.items():
            if path == target:
                continue
            if done:
                os.replace(path, target)
            else:
                Path(path).unlink(missing_ok=True)
    where = f"{kept_path}" + (f", rejected -> {rejected_path}" if rejected_path else " (rejected not written)")
    click.echo(f"{counts[True]} kept, {counts[False]} rejected -> {where}", err=True)
    if counts[False]:
        named = rule.parts() + [p for p in by_rule if p not in rule.parts()]  # errors, no quality
        parts = ", ".join(f"{part} {by_rule[part]}" for part in sorted(named, key=lambda p: -by_rule[p]))
        click.echo(f"rejected by (an article can meet several): {parts}", err=True)


def _partial_path(path: str) -> str:
    """Where to write ``path`` until the command succeeds (a hidden sibling; stdout as it is)."""
    if path == "-":
        return path
    target = Path(path)
    return str(target.with_name(f".partial-{os.getpid()}.{target.name}"))


@main.command()
@click.argument("target")
@click.option("--scores", "scores_path", default=None, help="A scores file to look TARGET (an id) up in.")
@click.option("--input", "input_path", default=None, help="The articles, to quote flagged passages.")
@field_options
@model_options
@backend_option
def explain(target, scores_path, input_path, text_field, title_field, id_field, model, device, batch_size, backend):
    """Print one article's report readably. TARGET is an article file, or an id with --scores/--input."""
    from coherence.explain import explain as render
    from coherence.report import Report

    fields = _fields(text_field, title_field, id_field)
    article = None
    if Path(target).is_file() and not scores_path:
        article = next(iter(_open_input(target, fields)), None)
    elif input_path:
        article = next((a for a in _open_input(input_path, fields) if a.id == target), None)
    if scores_path:
        record = next((r for r in read_scores(scores_path, "--scores") if str(r["id"]) == target), None)
        if record is None:
            raise click.UsageError(f"no report with id {target!r} in {scores_path}")
        report = Report.from_dict(record)
    elif article is not None:
        report = make_scorer(model, device, batch_size, backend).score(article)
    else:
        raise click.UsageError(f"{target!r} is neither a readable article file nor an id found in --input")
    if input_path and article is None:
        _warn(f"no article with id {target!r} in {input_path}: flagged passages are not quoted")
    elif scores_path and not input_path:
        click.echo("note: add --input CORPUS to quote the flagged passages and number paragraphs", err=True)
    text = getattr(article, "text", None)
    title = getattr(article, "title", None)
    click.echo(render(report, text=text, title=title))


def _require_extras(backend: str, engine: str) -> None:
    """Stop at once, in one line, when the chosen backend or engine is not installed."""
    needed = [("onnxruntime", "--backend onnx", "onnx")] if backend == "onnx" else []
    needed += [("ray", "--engine ray", "ray")] if engine == "ray" else []
    for module, option, extra in needed:
        try:
            require(module, option, extra)
        except MissingExtra as exc:
            raise click.UsageError(str(exc)) from exc


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _fit_boilerplate(input_path: str, fields: FieldNames):
    """A boilerplate detector fitted on a first pass over INPUT (which must be re-readable)."""
    from coherence.article import Article
    from coherence.detectors.boilerplate import BoilerplateDetector

    if input_path == "-":
        raise click.UsageError("--boilerplate needs a file or folder INPUT (it is read twice), not stdin")
    pairs = ((a.text, a.source) for a in _open_input(input_path, fields) if isinstance(a, Article))
    return BoilerplateDetector().fit(pairs)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    required=True,
    callback=checked_output,
    help="Where to write {id, title, clean_text} records (or -).",
)
@click.option(
    "--boilerplate", is_flag=True, help="First pass over INPUT: remove lines recurring across a source's articles."
)
@field_options
def clean(input_path, output, boilerplate, text_field, title_field, id_field):
    """Write each article's text with scraping artifacts and repeated headline lines removed."""
    from coherence.article import Article
    from coherence.cleaning import Cleaner

    fields = _fields(text_field, title_field, id_field)
    cleaner = Cleaner(boilerplate_detector=_fit_boilerplate(input_path, fields) if boilerplate else None)
    writer = open_writer(output)
    written = errors = 0
    try:
        for article in unique_ids(_open_input(input_path, fields), warn=_warn):
            written += 1
            if not isinstance(article, Article):
                errors += 1
                writer.write({"id": article.id, "title": None, "clean_text": None, "error": article.message})
                continue
            result = cleaner.clean(article.text, article.title, article.source)
            writer.write({"id": article.id, "title": article.title, "clean_text": result.text, "error": None})
    finally:
        writer.close()
    click.echo(f"{written} records written, {errors or 'no'} error{'s' if errors != 1 else ''} -> {output}", err=True)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o", "--output", required=True, callback=checked_output, help="Where to write the clusters (.jsonl or -)."
)
@click.option(
    "--threshold",
    default=0.8,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Shingle Jaccard for near-duplicate bodies.",
)
@field_options
def duplicates(input_path, output, threshold, text_field, title_field, id_field):
    """Find exact and near-duplicate articles and shared headlines in INPUT (MinHash LSH, one pass).

    Writes one record per cluster of duplicate bodies (representative = first seen) and one per
    headline shared by several articles, with how many distinct bodies carry it.
    """
    from coherence.article import Article
    from coherence.detectors.corpus import CorpusIndex

    index = CorpusIndex(threshold=threshold)
    for article in unique_ids(_open_input(input_path, _fields(text_field, title_field, id_field)), warn=_warn):
        if isinstance(article, Article):
            index.add(article.id, article.text, article.title)
    writer = open_writer(output)
    found = {"duplicate_text": 0, "shared_headline": 0}
    members = 0
    try:
        for record in index.cluster_records():
            found[record["kind"]] = found.get(record["kind"], 0) + 1
            members += record["size"] if record["kind"] == "duplicate_text" else 0
            writer.write(record)
    finally:
        writer.close()
    click.echo(
        f"clusters of duplicate bodies: {found['duplicate_text']} ({members} articles); "
        f"shared headlines: {found['shared_headline']} -> {output}",
        err=True,
    )


main.add_command(cli_views.plot)
main.add_command(cli_views.report)

if __name__ == "__main__":
    main()

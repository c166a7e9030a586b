"""``coherence plot ...`` and ``coherence report``: the command-line side of plots and HTML reports."""

from __future__ import annotations

import click

from coherence.cli_options import (
    _fields,
    _open_input,
    backend_option,
    field_options,
    make_scorer,
    model_options,
    read_scores,
)


def _score_articles(input_path, fields, model, device, batch_size, article_id=None, limit=None, backend="torch"):
    """Score INPUT (or just the article ``article_id``): article plots need fresh reports."""
    import itertools

    from coherence.article import Article

    bad = []  # unreadable records, to say why nothing could be scored

    def readable():
        for a in _open_input(input_path, fields):
            if isinstance(a, Article):
                yield a
            else:
                bad.append(a)

    articles = readable()
    if article_id is not None:
        articles = (a for a in articles if a.id == article_id)
    articles = list(itertools.islice(articles, limit or None))
    if not articles:
        what = f"article with id {article_id!r}" if article_id else "scorable article"
        why = f" (the first bad record: {bad[0].message})" if bad and not article_id else ""
        raise click.UsageError(f"{input_path} has no {what}{why}; article plots take the articles, not scores")
    return list(make_scorer(model, device, batch_size, backend).score_many(articles))


def _save(fig, output):
    from coherence.plots import save

    try:
        save(fig, output)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o/--output") from exc
    click.echo(f"wrote {output}", err=True)


_OUTPUT = click.option("-o", "--output", required=True, help="Image file to write: .png or .svg.")
_ID = click.option("--id", "article_id", default=None, help="The article's id in INPUT (default: the first one).")
_UNIT = click.option(
    "--unit", type=click.Choice(["paragraph", "sentence"]), default=None, help="Units (default: by article length)."
)


@click.group()
def plot() -> None:
    """Plots of one article (drift, heatmap, units) or of a corpus (quality, signals, articles)."""


def _article_command(name: str, helptext: str):
    @plot.command(name=name, help=helptext)
    @click.argument("input_path", metavar="INPUT")
    @_ID
    @_OUTPUT
    @_UNIT
    @field_options
    @model_options
    @backend_option
    def command(
        input_path, article_id, output, unit, text_field, title_field, id_field, model, device, batch_size, backend
    ):
        from coherence import plots

        draw = {"drift": plots.drift_plot, "heatmap": plots.similarity_heatmap, "units": plots.unit_map}[name]
        fields = _fields(text_field, title_field, id_field)
        report = _score_articles(input_path, fields, model, device, batch_size, article_id, limit=1, backend=backend)[0]
        if report.error:
            raise click.UsageError(f"article {report.id!r} could not be scored: {report.error}")
        _save(draw(report, unit=unit), output)

    return command


_article_command(
    "drift", "Drift plot of one article of INPUT: similarity of each unit to the rest, neighbours, headline."
)
_article_command("heatmap", "Unit-by-unit similarity heatmap of one article of INPUT, with topic segments.")
_article_command("units", "The units of one article of INPUT in 2-D (PCA), coloured by topic segment.")


@plot.command()
@click.argument("scores_path", metavar="SCORES")
@_OUTPUT
@click.option(
    "--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1), help="The keep threshold to draw."
)
def quality(scores_path, output, threshold):
    """Histogram of quality in SCORES (from `coherence score`), with the keep threshold."""
    from coherence.plots import quality_histogram

    _save(quality_histogram(read_scores(scores_path), threshold=threshold), output)


@plot.command()
@click.argument("scores_path", metavar="SCORES")
@_OUTPUT
@click.option("--signal", "signals", multiple=True, help="Signal to show (repeatable; default: the core four).")
@click.option("--by", default="source", show_default=True, help="Group by this report key.")
def signals(scores_path, output, signals, by):
    """Box plots of signals per source in SCORES."""
    from coherence.plots import DEFAULT_SIGNALS, signal_distributions

    try:
        fig = signal_distributions(read_scores(scores_path), signals=signals or DEFAULT_SIGNALS, by=by)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--signal") from exc
    _save(fig, output)


@plot.command()
@click.argument("input_path", metavar="INPUT")
@_OUTPUT
@click.option("--color-by", type=click.Choice(["quality", "source"]), default="quality", show_default=True)
@click.option(
    "--limit", default=1000, show_default=True, type=click.IntRange(min=1), help="Score at most this many articles."
)
@field_options
@model_options
@backend_option
def articles(
    input_path, output, color_by, limit, text_field, title_field, id_field, model, device, batch_size, backend
):
    """Articles of INPUT in 2-D (PCA of their main topics), coloured by quality or source."""
    from coherence.plots import article_map

    fields = _fields(text_field, title_field, id_field)
    scored = _score_articles(input_path, fields, model, device, batch_size, limit=limit, backend=backend)
    reports = [r for r in scored if not r.error]
    _save(article_map(reports, color_by=color_by), output)


@click.command()
@click.argument("scores_path", metavar="SCORES")
@click.option("-o", "--output", required=True, help="The HTML file to write.")
@click.option("--input", "input_path", default=None, help="The articles, to show their text with flags highlighted.")
@click.option(
    "--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1), help="Keep threshold for the summary."
)
@click.option(
    "--worst",
    default=25,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many lowest-quality articles to show.",
)
@click.option("--title", default="coherence report", show_default=True, help="The report's title.")
@field_options
def report(scores_path, output, input_path, threshold, worst, title, text_field, title_field, id_field):
    """Write a self-contained HTML report of SCORES (from `coherence score`)."""
    from coherence.article import Article
    from coherence.html_report import write_report

    records = read_scores(scores_path)
    texts = {}
    if input_path:
        fields = _fields(text_field, title_field, id_field)
        texts = {a.id: a for a in _open_input(input_path, fields) if isinstance(a, Article)}
        if records and not any(str(r["id"]) in texts for r in records):
            click.echo(
                f"warning: none of the ids in {scores_path} is in {input_path}: the report shows no article text",
                err=True,
            )
    write_report(output, records, texts, threshold=threshold, worst=worst, title=title)
    click.echo(f"wrote {output}", err=True)

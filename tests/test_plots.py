"""Plots: every kind renders with readable labels, PNG and SVG, and shows what it claims."""

import json

import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from coherence import Report, plots
from coherence.cli import main


def _texts(fig: Figure) -> str:
    ax = fig.axes[0]
    return " ".join([ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()])


def test_drift_plot_labels_shading_and_markers(fixture_reports):
    fig = plots.drift_plot(fixture_reports["spliced-paragraph"])
    ax = fig.axes[0]
    assert "Topic drift" in ax.get_title(loc="left") and "cosine similarity" in ax.get_ylabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "similarity to the rest of the article" in legend and "similarity to the headline" in legend
    assert "off-topic paragraph" in legend
    # the spliced football paragraph is the 6th paragraph of the text, and it is shaded
    shaded = [p for p in ax.patches if p.get_facecolor()[3] > 0 and p.get_x() > 0]
    assert any(abs(p.get_x() + p.get_width() / 2 - 5) < 1e-6 for p in shaded)
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["1", "2", "3"]


def test_drift_plot_marks_artifacts_and_numbers_paragraphs_like_explain(fixture_reports):
    report = fixture_reports["seed-like"]
    fig = plots.drift_plot(report)
    legend = " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert "artifact line" in legend and "repeated headline" in legend
    labels = plots.unit_numbers(report, "paragraph")
    assert labels[0] == "4"  # metadata block, headline and its repeat come first in the text
    assert len(labels) == len(set(labels))


def test_heatmap_and_unit_map(fixture_reports):
    report = fixture_reports["spliced-block-end"]
    heat = plots.similarity_heatmap(report)
    assert "similarity" in heat.axes[0].get_title(loc="left")
    assert len(heat.axes) == 2  # the map and its colour bar
    units = plots.unit_map(report)
    legend = [t.get_text() for t in units.axes[0].get_legend().get_texts()]
    assert "segment 1" in legend and "off-topic paragraph" in legend
    assert "principal component" in units.axes[0].get_xlabel()


def test_sentence_units_for_a_short_article(scorer):
    report = scorer.score(
        "Heavy rain closed the mountain road on Monday. Crews cleared the mud by the evening. "
        "Drivers were told to expect delays on Tuesday.",
        title="Rain closes mountain road",
    )
    assert plots.choose_unit(report) == "sentence"
    assert "sentence" in plots.drift_plot(report).axes[0].get_xlabel()


def test_corpus_plots_accept_reports_and_dicts(fixture_reports):
    reports = list(fixture_reports.values())
    hist = plots.quality_histogram([r.to_dict() for r in reports], threshold=0.6)
    labels = " ".join(t.get_text() for t in hist.axes[0].get_legend().get_texts())
    assert "threshold 0.6" in labels and "kept:" in labels and "rejected:" in labels
    assert "quality" in hist.axes[0].get_xlabel()
    signals = plots.signal_distributions(reports, signals=("artifact_fraction", "offtopic_fraction", "quality"))
    assert [ax.get_title(loc="left") for ax in signals.axes if ax.get_visible()][:2] == [
        "artifact_fraction",
        "offtopic_fraction",
    ]
    amap = plots.article_map(reports, color_by="quality")
    assert "articles by main topic" in amap.axes[0].get_title(loc="left")
    assert "not scored" in amap.axes[0].get_legend().get_texts()[0].get_text()  # the German fixture


def test_article_plots_explain_a_report_without_analysis(fixture_reports):
    saved = Report.from_dict(json.loads(json.dumps(fixture_reports["seed-like"].to_dict())))
    with pytest.raises(ValueError, match="Scorer.score"):
        plots.drift_plot(saved)


def test_save_png_and_svg(tmp_path, fixture_reports):
    fig = plots.drift_plot(fixture_reports["seed-like"])
    png = plots.save(fig, tmp_path / "d.png")
    svg = plots.save(fig, tmp_path / "d.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()[:500]
    with pytest.raises(ValueError, match=".png or .svg"):
        plots.save(fig, tmp_path / "d.jpg")


def test_cli_plot_quality_and_drift(tmp_path, fixture_reports, fixture_articles):
    scores = tmp_path / "scores.jsonl"
    scores.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in fixture_reports.values()), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["plot", "quality", str(scores), "-o", str(tmp_path / "q.svg")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "q.svg").stat().st_size > 1000
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(fixture_articles["spliced-paragraph"]) + "\n", encoding="utf-8")
    result = runner.invoke(
        main, ["plot", "drift", str(corpus), "--id", "spliced-paragraph", "-o", str(tmp_path / "d.png")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"
    result = runner.invoke(main, ["plot", "drift", str(corpus), "--id", "nope", "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "nope" in result.output


def test_article_map_gives_every_shown_source_its_own_colour(fixture_reports):
    import dataclasses

    from matplotlib.colors import to_hex

    base = [r for r in fixture_reports.values() if r.analysis is not None and r.analysis.drift.topic is not None]
    reports = [dataclasses.replace(base[i % len(base)], source=f"site{i:02d}.example") for i in range(14)]
    reports += [dataclasses.replace(r, source="big.example") for r in base[:3]]
    fig = plots.article_map(reports, color_by="source")
    ax = fig.axes[0]
    colours = [to_hex(c.get_facecolor()[0]) for c in ax.collections]
    assert len(colours) == len(set(colours)) == plots.MAX_COLOURS  # 9 sources + one grey "other"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "big.example (3)" and labels[-1] == "6 other sources (6)"
    assert ax.get_legend().get_bbox_to_anchor().x0 > ax.bbox.x1 - 1  # outside the data, never on top of it


def test_quality_histogram_says_how_many_are_not_scored(fixture_reports):
    reports = [r.to_dict() for r in fixture_reports.values()]
    unscored = sum(1 for r in reports if r["quality"] is None and not r["error"])
    assert unscored >= 1  # the German fixture
    ax = plots.quality_histogram(reports).axes[0]
    assert f"{unscored} more not scored" in ax.get_title(loc="left")
    tallest = max(p.get_height() for p in ax.patches)
    assert ax.get_ylim()[1] >= 1.25 * tallest  # room for the legend above the bars


def test_quality_histogram_title_of_one_article(fixture_reports):
    title = plots.quality_histogram([fixture_reports["clean-economy"]]).axes[0].get_title(loc="left")
    assert title == "Quality of 1 article"


def test_signal_panels_of_quality_have_values_and_a_typo_is_an_error(fixture_reports):
    reports = [r.to_dict() for r in fixture_reports.values()]
    fig = plots.signal_distributions(reports, signals=("quality", "clean_quality"))
    scored = sum(1 for r in reports if r["quality"] is not None)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"fixture:handwritten (n={scored} of {len(reports)})"]
    with pytest.raises(ValueError, match="did you mean headline_similarity"):
        plots.signal_distributions(reports, signals=("headline_simil",))


def test_drift_plot_never_cuts_off_a_negative_similarity(fixture_reports):
    import dataclasses

    report = fixture_reports["seed-like"]
    flipped = dataclasses.replace(report.analysis, headline_vector=-report.analysis.headline_vector)
    ax = plots.drift_plot(dataclasses.replace(report, analysis=flipped)).axes[0]
    lowest = min(min(line.get_ydata()) for line in ax.get_lines() if line.get_label().startswith("similarity"))
    assert lowest < -0.3  # the headline line, turned negative
    bottom = ax.get_ylim()[0]
    assert bottom < lowest
    markers = [c for c in ax.collections if c.get_label().startswith("artifact line")]
    assert markers and all(bottom < y < lowest for _, y in markers[0].get_offsets())  # under every point


def test_article_plot_titles_name_the_article_id(fixture_reports):
    report = fixture_reports["spliced-paragraph"]
    for draw in (plots.drift_plot, plots.similarity_heatmap, plots.unit_map):
        assert "spliced-paragraph “" in draw(report).axes[0].get_title(loc="left")


def test_signal_plot_says_when_it_shows_only_the_largest_groups(fixture_reports):
    reports = [{**r.to_dict(), "source": f"site{i}"} for i, r in enumerate(fixture_reports.values())]
    fig = plots.signal_distributions(reports, max_groups=4)
    assert f"the 4 largest of {len(reports)} sources" in fig._suptitle.get_text()

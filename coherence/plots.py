"""Plots of one article and of a corpus (matplotlib; every function returns a ``Figure``).

Article plots need a freshly scored report (``report.analysis`` holds the unit vectors):

* :func:`drift_plot`: units along x; similarity to the rest of the article (main topic), to the
  previous unit and to the headline; segment boundaries; off-topic units shaded; artifact lines
  and repeated headlines marked where they sit.
* :func:`similarity_heatmap`: unit-by-unit cosine similarity with segment boundaries.
* :func:`unit_map`: the units in 2-D (PCA), coloured by topic segment, off-topic ones marked.

Corpus plots take reports or their dicts (a scores file read back):

* :func:`quality_histogram`: the quality distribution with the keep threshold.
* :func:`signal_distributions`: chosen signals per source, as box plots.
* :func:`article_map`: articles in 2-D (PCA of their main-topic vectors), coloured by quality or source.

:func:`save` writes PNG or SVG by extension. The figures are built without pyplot, so they are
safe in scripts, servers and threads; in a notebook, a returned figure displays itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from coherence.units import split_paragraphs

COLORS = {
    "topic": "#1f77b4",
    "neighbour": "#ff7f0e",
    "headline": "#2ca02c",
    "offtopic": "#d62728",
    "artifact": "#9467bd",
    "duplicate": "#8c564b",
    "boundary": "#555555",
    "threshold": "#d62728",
}
SIGNAL_LABELS = {
    "headline_similarity": "headline similarity to its best-matching paragraph (cosine)",
    "offtopic_fraction": "share of content flagged off-topic",
    "artifact_fraction": "share of text flagged as scraping artifacts",
    "duplicate_text_fraction": "share of text repeating earlier text",
    "duplicate_headline": "times the headline is repeated in the body",
    "min_topic_similarity": "lowest paragraph similarity to the rest",
    "mean_neighbour_similarity": "mean similarity across paragraph breaks",
    "content_words": "words of content",
    "quality": "quality",
}
#: Groups coloured apart in :func:`article_map`; the smaller ones share one grey "other" colour.
MAX_COLOURS = 10
DEFAULT_SIGNALS = ("headline_similarity", "offtopic_fraction", "artifact_fraction", "duplicate_text_fraction")


# --- helpers ---------------------------------------------------------------------------------------
def _as_dict(report: Any) -> dict[str, Any]:
    return report.to_dict() if hasattr(report, "to_dict") else dict(report)


def _analysis(report: Any):
    analysis = getattr(report, "analysis", None)
    if analysis is None or analysis.drift is None:
        raise ValueError(
            f"report {getattr(report, 'id', '?')!r} has no analysis: article plots need a report "
            "fresh from Scorer.score / score_many (the unit vectors are not saved in score files)"
        )
    return analysis


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _title(report: Any, what: str) -> str:
    analysis = getattr(report, "analysis", None)
    headline = None
    if analysis is not None and analysis.headline is not None:
        headline = analysis.headline.text
    elif getattr(report, "headline", None):
        headline = report.headline["text"]
    name = f"{_short(str(report.id), 40)} “{_short(headline, 50)}”" if headline else f"article {report.id}"
    quality = "" if report.quality is None else f"  (quality {report.quality:.2f})"
    return f"{what}: {name}{quality}"


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def choose_unit(report: Any, unit: str | None = None) -> str:
    """``unit`` if given, else paragraphs for an article with 3 or more, otherwise sentences."""
    if unit is not None:
        if unit not in ("paragraph", "sentence"):
            raise ValueError(f"unit must be 'paragraph' or 'sentence', not {unit!r}")
        return unit
    return "paragraph" if len(_analysis(report).units.paragraphs) >= 3 else "sentence"


def _units(report: Any, unit: str):
    """(spans, vectors, similarity to the rest, segment starts in this unit or None)."""
    a = _analysis(report)
    drift = a.drift
    if unit == "paragraph":
        spans, vectors, topic = a.units.paragraphs, a.paragraph_vectors, drift.paragraph_topic_similarity
        owner = list(range(len(spans)))
    else:
        spans, vectors, topic = a.units.sentences, a.sentence_vectors, drift.sentence_topic_similarity
        owner = list(a.units.sentence_paragraph)
    if drift.segment_unit == unit:
        starts = list(drift.segment_starts)
    elif drift.segment_unit == "paragraph":  # paragraph segments shown on sentences
        starts = sorted({owner.index(p) for p in drift.segment_starts if p in owner})
    else:
        starts = None
    return spans, np.asarray(vectors), np.asarray(topic), starts


def unit_numbers(report: Any, unit: str) -> list[str]:
    """Labels of the content units: for paragraphs, their number among the text's own paragraphs
    (as ``coherence explain`` counts them, so artifact lines leave gaps); sentences from 1."""
    a = _analysis(report)
    if unit != "paragraph":
        return [str(i + 1) for i in range(len(a.units.sentences))]
    raw = split_paragraphs(a.text)
    out = []
    for span in a.units.paragraphs:
        number = next((k for k, r in enumerate(raw, start=1) if span.start < r.end), len(raw))
        out.append(str(number))
    return out


def _axis_label(unit: str) -> str:
    if unit == "paragraph":
        return "paragraph of the text (artifact lines and repeated headlines are not plotted)"
    return "sentence (in reading order)"


def _segment_ids(n: int, starts: Sequence[int] | None) -> np.ndarray:
    ids = np.zeros(n, dtype=int)
    for s in starts or []:
        if 0 < s < n:
            ids[s:] += 1
    return ids


def _flag_dicts(report: Any) -> list[dict[str, Any]]:
    return [f.to_dict() if hasattr(f, "to_dict") else f for f in report.flags]


def _offtopic_units(report: Any, spans) -> tuple[list[int], list[int]]:
    """Units that are off-topic, and units that only contain an off-topic part (a spliced sentence)."""
    whole, part = [], []
    off = [f for f in _flag_dicts(report) if f["kind"] == "offtopic" and f["field"] == "text"]
    for i, s in enumerate(spans):
        hits = [f for f in off if _overlaps(s.start, s.end, f["start"], f["end"])]
        if any(f["start"] <= s.start and f["end"] >= s.end for f in hits):
            whole.append(i)
        elif hits:
            part.append(i)
    return whole, part


# --- article plots -----------------------------------------------------------------------------------
def drift_plot(report: Any, *, unit: str | None = None, figsize=(11, 4.8)) -> Figure:
    """How each unit relates to the article's main topic, its neighbour and the headline."""
    unit = choose_unit(report, unit)
    a = _analysis(report)
    spans, vectors, topic, starts = _units(report, unit)
    n = len(spans)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(n)
    whole, part = _offtopic_units(report, spans)
    for i in whole:
        ax.axvspan(i - 0.5, i + 0.5, color=COLORS["offtopic"], alpha=0.18, lw=0)
    for i in part:
        ax.axvspan(i - 0.5, i + 0.5, color=COLORS["offtopic"], alpha=0.07, lw=0, hatch="//")
    if n:
        ax.plot(x, topic, "o-", color=COLORS["topic"], lw=2, label="similarity to the rest of the article")
    if n > 1:
        neighbour = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        ax.plot(
            x[1:] - 0.5,
            neighbour,
            "s--",
            color=COLORS["neighbour"],
            ms=4,
            lw=1.3,
            label=f"similarity between neighbouring {unit}s",
        )
    if a.headline_vector is not None and n:
        ax.plot(
            x,
            vectors @ a.headline_vector,
            "^:",
            color=COLORS["headline"],
            ms=5,
            lw=1.3,
            label="similarity to the headline",
        )
    for k, s in enumerate(starts or []):
        if s > 0:
            ax.axvline(
                s - 0.5, color=COLORS["boundary"], ls="-.", lw=1.2, label="topic segment boundary" if k <= 1 else None
            )
    plotted = [y for line in ax.get_lines() for y in np.asarray(line.get_ydata(), dtype=float)]
    low = min(-0.1, np.nanmin(plotted) - 0.1) if plotted else -0.1  # no point is cut off; markers go below
    ax.set_ylim(low, 1.05)
    ax.axhline(0, color="#999999", lw=0.6)
    starts_at = [sp.start for sp in spans]
    marks = {
        "artifact": ("x", COLORS["artifact"], "artifact line (left out of the units)"),
        "duplicate_headline": ("v", COLORS["duplicate"], "repeated headline"),
        "duplicate_text": ("D", COLORS["duplicate"], "repeated text"),
    }
    row = 0
    for kind, (marker, color, label) in marks.items():
        flags = [f for f in _flag_dicts(report) if f["kind"] == kind and f["field"] == "text"]
        if not flags:
            continue
        gaps: dict[float, int] = {}  # one marker per gap between units, with a count
        for f in flags:
            gap = min(max(sum(1 for st in starts_at if st < f["start"]) - 0.5, -0.45), n - 0.55)
            gaps[gap] = gaps.get(gap, 0) + 1
        y = low + 0.035 + 0.04 * row
        row += 1
        ax.scatter(
            list(gaps),
            [y] * len(gaps),
            marker=marker,
            color=color,
            s=45,
            zorder=5,
            clip_on=False,
            label=f"{label} ({len(flags)})",
        )
        for gap, count in gaps.items():
            if count > 1:
                ax.annotate(
                    f"×{count}", (gap, y), xytext=(5, -3), textcoords="offset points", fontsize=7.5, color=color
                )
    if whole:
        ax.axvspan(np.nan, np.nan, color=COLORS["offtopic"], alpha=0.18, label=f"off-topic {unit}")
    if part:
        ax.axvspan(
            np.nan, np.nan, color=COLORS["offtopic"], alpha=0.07, hatch="//", label=f"{unit} with an off-topic sentence"
        )
    ax.set_xlim(-0.6, max(n - 0.4, 0.6))
    step = max(1, math.ceil(n / 30))
    names = unit_numbers(report, unit)
    ax.set_xticks(x[::step], names[::step])
    ax.set_xlabel(_axis_label(unit))
    ax.set_ylabel("cosine similarity")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(_title(report, "Topic drift"), loc="left", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    return fig


def similarity_heatmap(report: Any, *, unit: str | None = None, figsize=(7.2, 6)) -> Figure:
    """Cosine similarity between every pair of units, with topic segment boundaries."""
    unit = choose_unit(report, unit)
    spans, vectors, _, starts = _units(report, unit)
    n = len(spans)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    sim = vectors @ vectors.T if n else np.zeros((0, 0))
    image = ax.imshow(sim, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
    fig.colorbar(image, ax=ax, shrink=0.8, label="cosine similarity")
    for s in starts or []:
        if s > 0:
            ax.axhline(s - 0.5, color="white", lw=1.5, ls="--")
            ax.axvline(s - 0.5, color="white", lw=1.5, ls="--")
    whole, part = _offtopic_units(report, spans)
    step = max(1, math.ceil(n / 25))
    ticks = list(range(0, n, step))
    names = unit_numbers(report, unit)
    ax.set_xticks(ticks, [names[i] for i in ticks])
    ax.set_yticks(ticks, [names[i] for i in ticks])
    for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
        for i, label in zip(ticks, labels, strict=False):
            if i in whole + part:
                label.set_color(COLORS["offtopic"])
                label.set_fontweight("bold")
    ax.set_xlabel(_axis_label(unit))
    ax.set_ylabel(_axis_label(unit))
    note = "dashed: segment boundaries; red numbers: off-topic" if whole or part else "dashed: segment boundaries"
    ax.set_title(_title(report, f"{unit.capitalize()} similarity") + f"\n{note}", loc="left", fontsize=10)
    return fig


def _pca(vectors: np.ndarray) -> np.ndarray:
    from sklearn.decomposition import PCA

    if len(vectors) < 2:
        return np.zeros((len(vectors), 2))
    k = min(2, len(vectors), vectors.shape[1])
    points = PCA(n_components=k).fit_transform(vectors)
    return points if k == 2 else np.hstack([points, np.zeros((len(points), 1))])


def unit_map(report: Any, *, unit: str | None = None, figsize=(7.5, 5.5)) -> Figure:
    """The article's units in 2-D (PCA), coloured by topic segment; off-topic units ringed in red."""
    unit = choose_unit(report, unit)
    spans, vectors, _, starts = _units(report, unit)
    points = _pca(vectors)
    segments = _segment_ids(len(spans), starts)
    whole, part = _offtopic_units(report, spans)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    cmap = fig.colormaps["tab10"] if hasattr(fig, "colormaps") else None
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    if len(points) > 1:
        ax.plot(points[:, 0], points[:, 1], "-", color="#bbbbbb", lw=0.8, zorder=1, label="reading order")
    for seg in sorted(set(segments.tolist())):
        mask = segments == seg
        ax.scatter(points[mask, 0], points[mask, 1], s=60, color=cmap(seg % 10), zorder=2, label=f"segment {seg + 1}")
    off = whole + part
    if off:
        ax.scatter(
            points[off, 0],
            points[off, 1],
            s=200,
            facecolors="none",
            edgecolors=COLORS["offtopic"],
            lw=2,
            zorder=3,
            label=f"off-topic {unit}",
        )
    names = unit_numbers(report, unit)
    for i, (px, py) in enumerate(points):
        ax.annotate(names[i], (px, py), xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title(_title(report, f"{unit.capitalize()}s in 2-D (PCA)"), loc="left", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return fig


# --- corpus plots -----------------------------------------------------------------------------------
def quality_histogram(reports: Iterable[Any], *, threshold: float = 0.5, bins: int = 40, figsize=(8, 4.2)) -> Figure:
    """The distribution of quality, with the keep threshold and how many articles fall each side."""
    rows = list(map(_as_dict, reports))
    qualities = np.array([r["quality"] for r in rows if r.get("quality") is not None])
    unscored = sum(1 for r in rows if r.get("quality") is None and not r.get("error"))
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    edges = np.linspace(0.0, 1.0, bins + 1)
    below = qualities[qualities < threshold]
    above = qualities[qualities >= threshold]
    ax.hist(
        [below, above],
        bins=edges,
        stacked=True,
        color=[COLORS["offtopic"], COLORS["topic"]],
        label=[
            f"rejected: {len(below)} ({_pct(len(below), len(qualities))})",
            f"kept: {len(above)} ({_pct(len(above), len(qualities))})",
        ],
    )
    ax.axvline(threshold, color="black", ls="--", lw=1.5, label=f"threshold {threshold:g}")
    ax.set_xlim(0, 1)
    ax.set_xlabel("quality (estimated probability the article is free of detected defects)")
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    counts, _ = np.histogram(qualities, bins=edges)
    ax.set_ylim(0, max(1, counts.max(initial=0)) * 1.3)  # headroom, so the legend need not cover a bar
    left_out = f" ({unscored} more not scored, not English prose: not shown)" if unscored else ""
    noun = "article" if len(qualities) == 1 else "articles"
    ax.set_title(f"Quality of {len(qualities)} {noun}{left_out}", loc="left", fontsize=11)
    ax.legend(loc="best", fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    return fig


def _pct(k: int, n: int) -> str:
    return f"{100.0 * k / n:.0f}%" if n else "0%"


#: Report keys plotted like signals (they sit at the top of a report, not under ``signals``).
TOP_LEVEL_SCORES = ("quality", "clean_quality")


def _signal_value(report: dict[str, Any], signal: str) -> Any:
    return report.get(signal) if signal in TOP_LEVEL_SCORES else (report.get("signals") or {}).get(signal)


def _check_signals(rows: list[dict[str, Any]], signals: Sequence[str]) -> None:
    """A ValueError naming close matches for a signal no report has (a typo would draw an empty panel)."""
    import difflib

    known = set(TOP_LEVEL_SCORES) | {k for r in rows for k in (r.get("signals") or {})}
    for signal in signals:
        if rows and signal not in known:
            close = difflib.get_close_matches(signal, sorted(known), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}?" if close else "see the README's signal tables"
            raise ValueError(f"no report has a signal {signal!r}: {hint}")


def signal_distributions(
    reports: Iterable[Any],
    *,
    signals: Sequence[str] = DEFAULT_SIGNALS,
    by: str = "source",
    max_groups: int = 12,
    figsize=None,
) -> Figure:
    """Box plots of each signal per source (or another report key), one panel per signal."""
    rows = [r for r in map(_as_dict, reports) if not r.get("error")]
    _check_signals(rows, signals)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(str(r.get(by) or "(none)"), []).append(r)
    names = sorted(groups, key=lambda g: -len(groups[g]))[:max_groups]
    cols = min(2, len(signals))
    nrows = math.ceil(len(signals) / cols)
    fig = Figure(figsize=figsize or (6.2 * cols, 0.45 * len(names) * nrows + 1.6 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, cols, squeeze=False)
    for k, signal in enumerate(signals):
        ax = axes[k // cols][k % cols]
        data = []
        for g in names:
            values = [_signal_value(r, signal) for r in groups[g]]
            data.append([v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))])
        labels = [
            f"{g} (n={len(d)})" if len(d) == len(groups[g]) else f"{g} (n={len(d)} of {len(groups[g])})"
            for g, d in zip(names, data, strict=True)
        ]  # the values behind the box: articles without this signal (e.g. no headline) are left out
        ax.boxplot(
            [d if d else [np.nan] for d in data],
            vert=False,
            tick_labels=labels,
            widths=0.6,
            flierprops={"markersize": 3, "alpha": 0.5},
        )
        rng = np.random.default_rng(0)
        for row, values in enumerate(data, start=1):
            if 0 < len(values) <= 30:  # few articles: show each one
                ax.scatter(
                    values,
                    row + rng.uniform(-0.18, 0.18, len(values)),
                    s=12,
                    color=COLORS["topic"],
                    alpha=0.6,
                    zorder=3,
                    linewidths=0,
                )
        ax.invert_yaxis()
        ax.set_title(signal, loc="left", fontsize=10)
        ax.set_xlabel(SIGNAL_LABELS.get(signal, signal.replace("_", " ")))
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="y", labelsize=8)
    for k in range(len(signals), nrows * cols):
        axes[k // cols][k % cols].set_visible(False)
    shown = f"; the {len(names)} largest of {len(groups)} {by}s" if len(groups) > len(names) else ""
    fig.suptitle(
        f"Signals per {by} (n: articles with a value; dots: each article, where a {by} has 30 or fewer{shown})",
        x=0.01,
        ha="left",
        fontsize=11,
    )
    return fig


def article_map(reports: Sequence[Any], *, color_by: str = "quality", figsize=(8, 6)) -> Figure:
    """Articles in 2-D (PCA of their main-topic vectors), coloured by quality or by ``source``."""
    reports = list(reports)
    usable = [
        r
        for r in reports
        if getattr(r, "analysis", None) is not None
        and r.analysis.drift is not None
        and r.analysis.drift.topic is not None
    ]
    if not usable:
        raise ValueError("article_map needs reports fresh from Scorer.score_many (with their analysis)")
    points = _pca(np.stack([r.analysis.drift.topic for r in usable]))
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    if color_by == "quality":
        unscored = np.array([r.quality is None for r in usable])
        if unscored.any():
            ax.scatter(
                points[unscored, 0],
                points[unscored, 1],
                s=40,
                color="#bbbbbb",
                edgecolors="#333333",
                linewidths=0.4,
                label="not scored (not English prose)",
            )
            ax.legend(fontsize=8, loc="best")
        shown = ax.scatter(
            points[~unscored, 0],
            points[~unscored, 1],
            c=[r.quality for r in usable if r.quality is not None],
            cmap="RdYlBu",
            vmin=0,
            vmax=1,
            s=40,
            edgecolors="#333333",
            linewidths=0.4,
        )
        fig.colorbar(shown, ax=ax, label="quality")
        worst = sorted(np.flatnonzero(~unscored), key=lambda i: usable[i].quality)[:5]
        for i in worst:
            ax.annotate(usable[i].id, points[i], xytext=(5, 3), textcoords="offset points", fontsize=7)
    else:
        import matplotlib

        cmap = matplotlib.colormaps["tab10"]
        keys = [str(getattr(r, color_by, None) or "(none)") for r in usable]
        counts = Counter(keys)
        order = sorted(counts, key=lambda k: (-counts[k], k))
        other = None
        if len(order) > MAX_COLOURS:  # ten colours at most, so no two groups share one
            rest = set(order[MAX_COLOURS - 1 :])
            other = f"{len(rest)} other {color_by}s"
            keys = [other if k in rest else k for k in keys]
            counts[other] = sum(counts[k] for k in rest)
            order = order[: MAX_COLOURS - 1] + [other]
        for j, key in enumerate(order):
            mask = np.array([k == key for k in keys])
            ax.scatter(
                points[mask, 0],
                points[mask, 1],
                s=40,
                color="#bbbbbb" if key == other else cmap(j),
                label=f"{key} ({counts[key]})",
                edgecolors="#333333",
                linewidths=0.4,
            )
        ax.legend(fontsize=8, title=color_by, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    left_out = len(reports) - len(usable)
    ax.set_title(
        f"{len(usable)} articles by main topic (PCA), coloured by {color_by}"
        + (f" ({left_out} without content units left out)" if left_out else "")
        + ("; the 5 lowest named" if color_by == "quality" else ""),
        loc="left",
        fontsize=10,
    )
    ax.grid(alpha=0.3)
    return fig


def save(fig: Figure, path: str | Path, *, dpi: int = 130) -> Path:
    """Write ``fig`` as PNG or SVG (by the file's extension)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"plots are written as .png or .svg, not {path.suffix or 'no extension'!r}")
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path

"""HTML views of results: one article with its flagged spans highlighted, and a whole-corpus report.

:func:`corpus_report` writes one self-contained file (inline CSS, plots as base64 PNG, no script,
no network): corpus summary, quality distribution, per-source table, the worst articles with their
flagged spans highlighted and explained, and duplicate clusters. :func:`article_html` is the
notebook view of one report (``Report._repr_html_``).

Every piece of article text, title, id, source and reason goes through :func:`html.escape`: a
scraped ``<script>`` shows as text and never runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from coherence.report import Report

KIND_STYLE = {
    "offtopic": ("#fbd5d5", "off-topic"),
    "artifact": ("#d8cbef", "scraping artifact"),
    "duplicate_headline": ("#fde3b3", "repeated headline"),
    "duplicate_text": ("#f9c99a", "repeated text"),
    "duplicate_article": ("#f9c99a", "duplicate of another article"),
    "shared_headline": ("#d9ecf7", "headline shared with other articles"),
    "non_text": ("#e0e0e0", "not article text"),
    "non_english": ("#e0e0e0", "not English"),
}
_OTHER_STYLE = ("#d9ecf7", None)
# where spans overlap, the first kind in this order colours the text
_PRIORITY = ["offtopic", "duplicate_headline", "duplicate_text", "artifact"]

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.25em;margin:34px 0 10px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:1.05em;margin:0 0 6px}
.muted{color:#666;font-size:.9em}
table{border-collapse:collapse;font-size:.88em;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;vertical-align:top}
th{background:#f0f0f0} td.l,th.l{text-align:left}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:1.5em}
.article{background:#fff;border:1px solid #ddd;border-radius:6px;padding:14px 18px;margin:14px 0}
.text{white-space:pre-wrap;font-family:Georgia,serif;font-size:.95em;line-height:1.5;max-height:520px;overflow:auto;
border-top:1px solid #eee;padding-top:8px;margin-top:8px}
.q{display:inline-block;border-radius:4px;padding:1px 7px;color:#fff;font-weight:bold}
mark{border-radius:2px;padding:0 1px;color:inherit}
.legend span{display:inline-block;margin-right:12px;font-size:.85em}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
ul.why{margin:6px 0 0 0;padding-left:20px} ul.why li{margin:2px 0}
img.plot{max-width:100%;height:auto;background:#fff;border:1px solid #eee}
details summary{cursor:pointer;color:#345}
"""


# --- pieces -----------------------------------------------------------------------------------------
def _flag_dict(flag: Any) -> dict[str, Any]:
    return flag.to_dict() if hasattr(flag, "to_dict") else dict(flag)


def _as_report(report: Report | Mapping[str, Any]) -> Report:
    return report if isinstance(report, Report) else Report.from_dict(dict(report))


def quality_badge(quality: float | None, error: str | None = None) -> str:
    """The quality as a coloured badge; "error", or "not scored" for text that is not English prose."""
    if quality is None:
        return f'<span class="q" style="background:#888">{"error" if error else "not scored"}</span>'
    hue = int(120 * max(0.0, min(1.0, quality)))  # red 0 .. green 120
    return f'<span class="q" style="background:hsl({hue},60%,40%)">{quality:.2f}</span>'


def highlight(text: str, flags: Iterable[Any], field: str = "text") -> str:
    """``text`` HTML-escaped, with each flagged span in a ``<mark>`` whose tooltip gives the reasons."""
    spans = [f for f in map(_flag_dict, flags) if f.get("field", "text") == field and f["end"] > f["start"]]
    cuts = sorted({0, len(text)} | {max(0, min(len(text), p)) for f in spans for p in (f["start"], f["end"])})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        active = [f for f in spans if f["start"] <= a and f["end"] >= b]
        if not active:
            out.append(piece)
            continue
        active.sort(key=lambda f: _PRIORITY.index(f["kind"]) if f["kind"] in _PRIORITY else len(_PRIORITY))
        color = KIND_STYLE.get(active[0]["kind"], _OTHER_STYLE)[0]
        tip = "; ".join(f"{f['kind']}{'/' + f['category'] if f.get('category') else ''}: {f['reason']}" for f in active)
        out.append(f'<mark style="background:{color}" title="{escape(tip)}">{piece}</mark>')
    return "".join(out)


def code_spans(escaped: str) -> str:
    """`command` in an already escaped reason as <code> (it can hold no markup of its own)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def legend(kinds: Iterable[str]) -> str:
    items = []
    for kind in dict.fromkeys(kinds):
        color, label = KIND_STYLE.get(kind, _OTHER_STYLE)
        items.append(f'<span><i style="background:{color}"></i>{escape(label or kind)}</span>')
    return f'<div class="legend">{"".join(items)}</div>' if items else ""


def figure_png(fig, dpi: int = 90) -> str:
    """An ``<img>`` with the figure embedded as base64 PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)  # constrained layout already fits; "tight" would draw twice
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="plot" alt="plot" src="data:image/png;base64,{data}">'


def article_html(
    report: Report | Mapping[str, Any],
    text: str | None = None,
    title: str | None = None,
    *,
    plot: bool = True,
    max_chars: int = 30_000,
) -> str:
    """One article: quality, reasons, flagged spans highlighted (and its drift plot when available)."""
    from coherence.explain import cleaning_summary, reasons

    report = _as_report(report)
    analysis = getattr(report, "analysis", None)
    if analysis is not None:
        text = analysis.article.text if text is None else text
        title = analysis.article.title if title is None else title
    head = [f"<h3>{quality_badge(report.quality, report.error)} {escape(str(report.id))}"]
    if report.source:
        head.append(f' <span class="muted">{escape(str(report.source))}</span>')
    head.append("</h3>")
    parts = ["".join(head)]
    if report.error:
        parts.append(f"<p>error: {escape(report.error)}</p>")
        return f'<div class="article">{"".join(parts)}</div>'
    headline = title if title is not None else (report.headline or {}).get("text")
    if title is not None:
        parts.append(f"<p><b>{highlight(title, report.flags, 'title')}</b></p>")
    elif headline:
        parts.append(f'<p><b>{escape(headline)}</b> <span class="muted">(headline found in the text)</span></p>')
    why = reasons(report, text)
    if why:
        parts.append('<ul class="why">' + "".join(f"<li>{code_spans(escape(w))}</li>" for w in why) + "</ul>")
    elif report.quality is not None:
        parts.append('<p class="muted">No defect found.</p>')
    cleaning = cleaning_summary(report)
    if cleaning and why:
        parts.append(f'<p class="muted">{code_spans(escape(cleaning))}</p>')
    kinds = [f.kind for f in report.flags]
    if text is not None:
        shown = text if len(text) <= max_chars else text[:max_chars]
        more = f'<p class="muted">… {len(text) - max_chars} more characters not shown</p>' if shown != text else ""
        parts.append(legend(kinds))
        parts.append(f'<div class="text">{highlight(shown, report.flags)}</div>{more}')
    elif report.flags:
        rows = "".join(
            f'<tr><td class="l">{escape(f.kind)}{"/" + escape(f.category) if f.category else ""}</td>'
            f"<td>{f.start}-{f.end}</td><td>{f.score:.2f}</td><td class='l'>{escape(f.reason)}</td></tr>"
            for f in report.flags
        )
        parts.append(
            f'<table><tr><th class="l">flag</th><th>span</th><th>score</th><th class="l">reason</th></tr>{rows}</table>'
        )
    if plot and analysis is not None and analysis.drift is not None and len(analysis.units.paragraphs):
        from coherence.plots import drift_plot

        parts.append(figure_png(drift_plot(report, figsize=(10, 3.8))))
    return f'<div class="article">{"".join(parts)}</div>'


# --- corpus report ------------------------------------------------------------------------------------
def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _f(value: float | None, fmt: str = ".2f") -> str:
    return "–" if value is None else format(value, fmt)


def source_table(records: Sequence[dict[str, Any]], threshold: float, limit: int = 20) -> str:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        groups[str(r.get("source") or "(none)")].append(r)
    head = (
        '<tr><th class="l">source</th><th>articles</th><th>errors</th><th>not scored</th><th>mean quality</th>'
        f"<th>below {threshold:g} (of scored)</th><th>artifact share</th><th>off-topic share</th>"
        "<th>articles with headline repeated</th><th>flags / article</th></tr>"
    )
    rows = []
    names = sorted(groups, key=lambda g: (-len(groups[g]), g))
    if len(names) > limit:  # the long tail of small sources goes into one row
        rest = [r for g in names[limit - 1 :] for r in groups[g]]
        tail = f"{len(names) - limit + 1} other sources"
        names = names[: limit - 1] + [tail]
        groups[tail] = rest
    for name in names:
        rs = groups[name]
        ok = [r for r in rs if not r.get("error")]
        qualities = [q for q in (_num(r.get("quality")) for r in ok) if q is not None]
        below = sum(1 for q in qualities if q < threshold)

        def signal(key, rows=ok):
            return _mean(_num((r.get("signals") or {}).get(key)) for r in rows)

        repeated = sum(1 for r in ok if (_num((r.get("signals") or {}).get("duplicate_headline")) or 0) > 0)
        rows.append(
            f'<tr><td class="l">{escape(name)}</td><td>{len(rs)}</td><td>{len(rs) - len(ok)}</td>'
            f"<td>{len(ok) - len(qualities)}</td><td>{_f(_mean(qualities))}</td>"
            f"<td>{f'{below} ({100 * below / len(qualities):.0f}%)' if qualities else '–'}</td>"
            f"<td>{_f(signal('artifact_fraction'), '.1%')}</td><td>{_f(signal('offtopic_fraction'), '.1%')}</td>"
            f"<td>{repeated}</td><td>{_f(_mean(len(r.get('flags') or []) for r in ok), '.1f')}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def duplicate_clusters(records: Sequence[dict[str, Any]], titles: Mapping[str, str | None], limit: int = 30) -> str:
    with_corpus = [r for r in records if isinstance(r.get("corpus"), dict)]
    if not with_corpus:
        return (
            '<p class="muted">These scores carry no corpus-level duplicate information '
            "(no <code>corpus</code> field: score the corpus in batch mode to get it).</p>"
        )
    clusters: dict[str, list[dict]] = defaultdict(list)
    for r in with_corpus:
        c = r["corpus"]
        key = c.get("cluster") or c.get("duplicate_of") or c.get("near_duplicate_of")
        if key is not None:
            clusters[str(key)].append(r)
    multi = {k: v for k, v in clusters.items() if len(v) > 1 or any(str(r["id"]) != k for r in v)}
    if not multi:
        return "<p>No duplicate or near-duplicate articles were found.</p>"
    rows = []
    for key, members in sorted(multi.items(), key=lambda kv: -len(kv[1]))[:limit]:
        ids = [str(r["id"]) for r in members]
        if key not in ids:
            ids.insert(0, key)
        exact = sum(1 for r in members if r["corpus"].get("duplicate_of"))
        shown = ", ".join(escape(i) for i in ids[:8]) + (f" … (+{len(ids) - 8})" if len(ids) > 8 else "")
        rows.append(
            f'<tr><td class="l">{escape(key)}</td><td>{len(ids)}</td><td>{exact}</td>'
            f'<td class="l">{escape(titles.get(key) or "")}</td><td class="l">{shown}</td></tr>'
        )
    more = f'<p class="muted">{len(multi) - limit} more clusters not shown.</p>' if len(multi) > limit else ""
    return (
        '<table><tr><th class="l">representative</th><th>articles</th><th>exact copies</th>'
        f'<th class="l">headline</th><th class="l">members</th></tr>{"".join(rows)}</table>{more}'
    )


def unscored_table(records: Sequence[dict[str, Any]], titles: Mapping[str, str | None], limit: int = 50) -> str:
    """The articles without a quality (not English, or page furniture), with why: rejected, but in no ranking."""
    rows = []
    for r in records[:limit]:
        why = next((w for w in r.get("warnings") or [] if not w.startswith("quality not scored")), "")
        rows.append(
            f'<tr><td class="l">{escape(str(r["id"]))}</td><td class="l">{escape(str(r.get("source") or ""))}</td>'
            f'<td class="l">{escape(titles.get(str(r["id"])) or "")}</td><td class="l">{escape(why)}</td></tr>'
        )
    more = f'<p class="muted">{len(records) - limit} more not shown.</p>' if len(records) > limit else ""
    return (
        '<p class="muted">These get no quality (the model is made for English prose) and are never kept.</p>'
        '<table><tr><th class="l">id</th><th class="l">source</th><th class="l">headline</th>'
        f'<th class="l">why</th></tr>{"".join(rows)}</table>{more}'
    )


def badness(record: Mapping[str, Any]) -> tuple[float, float]:
    """Sort key, worst first: quality, then the summed contributions (many of the worst round to 0)."""
    quality = record.get("quality")
    return (1.0 if quality is None else quality, sum((record.get("contributions") or {}).values()))


def articles_by_id(articles: Mapping[str, Any] | Iterable[Any] | None) -> dict[str, Any]:
    """``articles`` as a dict id -> article: a mapping is kept as it is; a list or other iterable of
    Articles, record dicts or strings is keyed by each one's ``id``, numbered like
    :meth:`Scorer.score_many` numbers them (``record-N`` without an id, ``ID#2`` for a repeated id)."""
    if articles is None:
        return {}
    if isinstance(articles, Mapping):
        return {str(k): v for k, v in articles.items()}
    keyed: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    for n, article in enumerate(articles, start=1):
        if isinstance(article, str):
            article = {"text": article}
        raw_id = article.get("id") if isinstance(article, Mapping) else getattr(article, "id", None)
        record_id = f"record-{n}" if raw_id is None or str(raw_id).strip() == "" else str(raw_id)
        seen[record_id] += 1
        keyed[record_id if seen[record_id] == 1 else f"{record_id}#{seen[record_id]}"] = article
    return keyed


def corpus_report(
    reports: Iterable[Report | Mapping[str, Any]],
    articles: Mapping[str, Any] | Iterable[Any] | None = None,
    *,
    threshold: float = 0.5,
    worst: int = 25,
    title: str = "coherence report",
    signals: Sequence[str] | None = None,
) -> str:
    """The whole-corpus HTML document (a string).

    ``articles`` gives the article texts: a dict id -> Article (or record dict), or a list of them
    keyed by their ``id`` (see :func:`articles_by_id`).
    """
    from coherence.plots import DEFAULT_SIGNALS, quality_histogram, signal_distributions

    records = [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in reports]
    articles = articles_by_id(articles)
    ok = [r for r in records if not r.get("error")]
    errors = len(records) - len(ok)
    qualities = [q for q in (_num(r.get("quality")) for r in ok) if q is not None]
    kept = sum(1 for q in qualities if q >= threshold)
    flag_kinds = Counter(f["kind"] for r in ok for f in r.get("flags") or [])
    categories = Counter(f.get("category") for r in ok for f in r.get("flags") or [] if f["kind"] == "artifact")

    def field(article, name):
        return article.get(name) if isinstance(article, Mapping) else getattr(article, name, None)

    titles = {rid: field(a, "title") for rid, a in articles.items()}
    for r in records:
        if r.get("headline") and not titles.get(str(r["id"])):
            titles[str(r["id"])] = r["headline"].get("text")

    unscored = len(ok) - len(qualities)  # not English prose: no quality, never kept
    cleanable = sum(
        1
        for r in ok
        if _num(r.get("quality")) is not None
        and r["quality"] < threshold
        and (_num(r.get("clean_quality")) or 0.0) >= threshold
    )
    cards = [
        ("articles", f"{len(records):,}"),
        ("scored", f"{len(qualities):,}"),
        *([("not scored (not English prose)", f"{unscored:,}")] if unscored else []),
        ("errors", f"{errors:,}"),
        (f"kept (quality ≥ {threshold:g})", f"{kept:,}"),
        ("rejected" + (" (with the not scored)" if unscored else ""), f"{len(ok) - kept:,}"),
        (f"of them cleanable (clean_quality ≥ {threshold:g})", f"{cleanable:,}"),
        ("mean quality", _f(_mean(qualities))),
        ("median quality", _f(sorted(qualities)[len(qualities) // 2] if qualities else None)),
    ]
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">Written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by coherence. quality is the '
        "estimated probability that an article is free of the defects coherence detects (spliced passages, "
        "scraping artifacts, repeated headlines and paragraphs, cut-off text); see the README.</p>",
        "<h2>Summary</h2>",
        '<div class="cards">' + "".join(f"<div class='card'>{escape(k)}<b>{v}</b></div>" for k, v in cards) + "</div>",
        "<p>Flags: "
        + (", ".join(f"{escape(k)} {n:,}" for k, n in flag_kinds.most_common()) or "none")
        + (
            ". Artifact categories: " + ", ".join(f"{escape(str(k))} {n:,}" for k, n in categories.most_common(8))
            if categories
            else ""
        )
        + ".</p>",
        "<h2>Score distribution</h2>",
        figure_png(quality_histogram(ok, threshold=threshold, figsize=(9, 3.6))) if qualities else "<p>No scores.</p>",
        "<h2>Sources</h2>",
        source_table(records, threshold),
    ]
    if ok:
        parts.append(figure_png(signal_distributions(ok, signals=signals or DEFAULT_SIGNALS, max_groups=8)))
    ranked = sorted(ok, key=badness)[:worst]
    parts.append(f"<h2>The {len(ranked)} lowest-quality articles</h2>")
    if ranked and not articles:
        parts.append('<p class="muted">Article text not given (<code>--input</code>): flags are listed by offset.</p>')
    for r in ranked:
        article = articles.get(str(r["id"]))
        text = field(article, "text") if article is not None else None
        title_text = field(article, "title") if article is not None else None
        parts.append(article_html(r, text if isinstance(text, str) else None, title_text, plot=False))
    if unscored:
        parts.append(f"<h2>Not scored ({unscored:,}): not English prose</h2>")
        parts.append(unscored_table([r for r in ok if _num(r.get("quality")) is None], titles))
    parts.append("<h2>Duplicate clusters</h2>")
    parts.append(duplicate_clusters(records, titles))
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )


def _scoped_css(scope: str = ".coherence") -> str:
    rules = []
    for rule in CSS.replace("\n", "").split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        if selectors.strip().startswith(("body", "main", "h1", "h2")):
            continue
        scoped = ",".join(f"{scope} {s.strip()}" for s in selectors.split(","))
        rules.append(f"{scoped}{{{body}}}")
    return "".join(rules)


def notebook_html(report: Report, **options) -> str:
    """:func:`article_html` with its own scoped CSS, for ``Report._repr_html_`` in notebooks."""
    return f'<div class="coherence"><style>{_scoped_css()}</style>{article_html(report, **options)}</div>'


def write_report(path: str | Path, reports, articles=None, **options) -> Path:
    """Write :func:`corpus_report` to ``path`` (UTF-8); ``articles`` is a dict id -> article or a list of them."""
    path = Path(path)
    path.write_text(corpus_report(reports, articles, **options), encoding="utf-8")
    return path

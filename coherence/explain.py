"""Why an article scored as it did, in sentences a person can check (``coherence explain``).

:func:`reasons` turns the quality model's contributions and the flags into specific statements
("27% of lines are scraping leftovers: share widgets (5), bylines (2)"; "paragraph 14 is
off-topic"), worst first. Paragraph numbers count the paragraphs of the text as a reader sees it
(blank-line blocks, or lines), from 1. Reasons about defects ``coherence clean`` removes (scraping
leftovers, repeated headline lines) say so: they lower ``quality`` but not ``clean_quality``.
:func:`explain` renders the whole report for a terminal.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from typing import Any

from coherence.cleaning import clean
from coherence.report import Report
from coherence.scoring import REMOVABLE_FEATURES
from coherence.units import split_lines, split_paragraphs

#: Contributions (log-odds) weaker than this are not worth a reason.
MIN_CONTRIBUTION = 0.4
#: Added to a reason about a defect that ``coherence clean`` removes.
REMOVABLE_NOTE = " (removed by `coherence clean`)"

#: Reasons from the strongest unit's evidence, which names no unit: said when no unit is flagged, so that a
#: reader does not look for a highlighted passage that is not there.
_UNLOCATED = {
    "sentence_splice": "under the off-topic flag threshold, so no sentence is highlighted",
    "sentence_evidence": "under the off-topic flag threshold, so no sentence is highlighted",
    "paragraph_splice": "under the off-topic flag threshold, so no paragraph is highlighted",
    "paragraph_evidence": "under the off-topic flag threshold, so no paragraph is highlighted",
}

_CATEGORY_WORDS = {
    "share_widget": "share widgets",
    "byline": "bylines",
    "dateline": "datelines",
    "navigation": "navigation",
    "subscription": "subscription prompts",
    "advertisement": "advertisements",
    "legal": "legal and cookie notices",
    "caption": "image captions and credits",
    "related_links": "related links",
    "source_attribution": "source attributions",
    "social_embed": "social media embeds",
    "markup": "markup and code",
    "encoding": "encoding damage",
    "error_page": "error-page text",
    "boilerplate": "site boilerplate",
    "other": "other leftovers",
}


def _flags(report: Report, kind: str) -> list[Any]:
    return [f for f in report.flags if f.kind == kind and f.field == "text"]


def _paragraph_of(text: str | None, start: int) -> int | None:
    if text is None:
        return None
    for i, span in enumerate(split_paragraphs(text), start=1):
        if span.start <= start < span.end or start < span.start:
            return i
    return None


def _numbers(values: list[int]) -> str:
    """[3, 4, 5, 9] -> "3-5 and 9"."""
    runs: list[list[int]] = []
    for v in sorted(set(values)):
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _signal(report: Report, name: str) -> float | None:
    value = report.signals.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _artifact_reason(report: Report, text: str | None) -> str | None:
    flags = _flags(report, "artifact")
    if not flags:
        return None
    counts = Counter(f.category or "other" for f in flags)
    kinds = ", ".join(f"{_CATEGORY_WORDS.get(c, c.replace('_', ' '))} ({n})" for c, n in counts.most_common(4))
    if text is not None:
        lines = split_lines(text)
        hit = sum(1 for s in lines if any(f.start < s.end and s.start < f.end for f in flags))
        share = f"{100 * hit / max(len(lines), 1):.0f}% of lines ({hit} of {len(lines)})"
        return f"{share} are scraping leftovers: {kinds}"
    fraction = _signal(report, "artifact_fraction") or 0.0
    return f"{len(flags)} scraping leftovers ({100 * fraction:.0f}% of the text): {kinds}"


def _offtopic_reason(report: Report, text: str | None) -> str | None:
    flags = _flags(report, "offtopic")
    if not flags:
        return None
    if text is None:
        fraction = _signal(report, "offtopic_fraction") or 0.0
        return f"{len(flags)} off-topic passage(s), {100 * fraction:.0f}% of the content"
    paragraphs = split_paragraphs(text)
    whole, inside = [], []
    for f in flags:
        number = _paragraph_of(text, f.start)
        span = paragraphs[number - 1] if number else None
        if span is not None and f.start <= span.start and f.end >= span.end:
            whole.append(number)
        elif number is not None:
            inside.append(number)
    out = []
    if whole:
        out.append(
            f"paragraph{'s' if len(whole) > 1 else ''} {_numbers(whole)} {'are' if len(whole) > 1 else 'is'} off-topic"
        )
    if inside:
        owners = sorted(set(inside))
        where = f"paragraph{'s' if len(owners) > 1 else ''} {_numbers(owners)}"
        out.append(
            f"a sentence in {where} is off-topic"
            if len(inside) == 1
            else f"{len(inside)} sentences in {where} are off-topic"
        )
    return "; ".join(out)


def _feature_reason(name: str, report: Report, text: str | None, quote: bool = True) -> str | None:
    """One sentence for one quality feature."""
    if name in ("artifact_fraction", "artifact_lines"):
        return _artifact_reason(report, text)
    if name in ("offtopic_fraction", "offtopic_units"):
        return _offtopic_reason(report, text)
    if name == "duplicate_headline":
        flags = [f for f in report.flags if f.kind == "duplicate_headline"]
        where = [_paragraph_of(text, f.start) for f in flags if f.field == "text"]
        at = f" (paragraph {_numbers([w for w in where if w])})" if any(where) else ""
        times = len(flags) or int(_signal(report, "duplicate_headline") or 0)
        return f"the headline is repeated {'once' if times == 1 else f'{times} times'} in the body{at}"
    if name == "duplicate_text_fraction":
        flags = _flags(report, "duplicate_text")
        where = [_paragraph_of(text, f.start) for f in flags]
        at = f": paragraph {_numbers([w for w in where if w])}" if any(where) else ""
        return f"{100 * (_signal(report, 'duplicate_text_fraction') or 0):.0f}% of the text repeats earlier text{at}"
    if name == "headline_mismatch":
        sim = _signal(report, "headline_similarity")
        return None if sim is None else f"the body matches its headline poorly (similarity {sim:.2f})"
    if name == "topic_outlier":
        sim = _signal(report, "min_topic_similarity")
        return None if sim is None else f"its least related paragraph has similarity {sim:.2f} to the rest"
    if name == "sentence_outlier":
        sim = _signal(report, "min_sentence_similarity")
        return None if sim is None else f"its least related sentence has similarity {sim:.2f} to the rest"
    if name == "lead_gap":
        gap = _signal(report, "lead_headline_gap")
        return None if gap is None else f"a later sentence fits the headline better than the first one (by {gap:.2f})"
    if name == "low_cohesion":
        sim = _signal(report, "mean_neighbour_similarity")
        return None if sim is None else f"text across paragraph breaks is loosely related (mean similarity {sim:.2f})"
    if name == "extra_segments":
        return f"the text splits into {int(_signal(report, 'segments') or 1)} topic segments"
    if name == "sentence_evidence":
        value = _signal(report, "max_sentence_evidence")
        return None if value is None else f"one sentence fits the rest poorly (off-topic evidence {value:.2f})"
    if name == "paragraph_evidence":
        value = _signal(report, "max_paragraph_evidence")
        return None if value is None else f"one paragraph fits the rest poorly (off-topic evidence {value:.2f})"
    if name == "paragraph_disorder":
        z, r = _signal(report, "paragraph_order_z"), _signal(report, "paragraph_position_corr")
        if z is None or r is None:
            return None
        fit = "poorly" if r < 0.3 else "only partly" if r < 0.6 else "fairly well"
        return (
            f"the paragraphs may be out of order (they follow on from each other hardly better than in a random "
            f"order: order score {z:.1f}, and fit the usual order of a news story {fit}, r = {r:.2f} where 1 is a "
            "perfect fit)"
        )
    if name in ("ends_mid_sentence", "ends_open"):
        if text and quote:
            # quote the end of the content, not a widget or other leftover after it
            tail = " ".join(clean(text, report.flags).text.split()[-6:])
            return f"the text stops mid-sentence (“…{tail}”)"
        return "the text stops mid-sentence"
    if name == "sentence_splice":
        value = _signal(report, "sentence_splice_logit")
        return None if value is None else f"one sentence reads as if spliced in from another story (logit {value:.1f})"
    if name == "paragraph_splice":
        value = _signal(report, "paragraph_splice_logit")
        return None if value is None else f"one paragraph reads as if spliced in from another story (logit {value:.1f})"
    if name == "opens_mid_story":
        return "the text opens like a continuation (a connective, a pronoun, a quotation or an unnamed speaker)"
    if name == "names_before_introduction":
        count = int(_signal(report, "names_before_introduction") or 0)
        who = "a person is" if count == 1 else f"{count} people are"
        return f"{who} referred to by title (Mr, Ms, ...) before being introduced by full name"
    if name == "too_short":
        return f"only {int(_signal(report, 'content_words') or 0)} words of article text"
    return name.replace("_", " ")


def reasons(
    report: Report, text: str | None = None, min_contribution: float = MIN_CONTRIBUTION, quote: bool = True
) -> list[str]:
    """Specific sentences saying what pulls the quality down, worst first (no repeats).

    With ``quote=False`` no words of the article are quoted (paragraph numbers still are given).
    """
    if text is None and getattr(report, "analysis", None) is not None:
        text = report.analysis.article.text
    grouped: dict[str, float] = {}  # features about the same flags speak as one reason
    for name, value in report.contributions.items():
        key = name.split("_")[0] if name.startswith(("artifact_", "offtopic_")) else name
        grouped[key] = grouped.get(key, 0.0) + value
    out: list[str] = []
    for key, value in sorted(grouped.items(), key=lambda kv: kv[1]):
        if value > -min_contribution:
            break
        name = {"artifact": "artifact_lines", "offtopic": "offtopic_units"}.get(key, key)
        reason = _feature_reason(name, report, text, quote)
        if reason and name in REMOVABLE_FEATURES:
            reason += REMOVABLE_NOTE
        if reason and name in _UNLOCATED and not _flags(report, "offtopic"):
            reason += f"; {_UNLOCATED[name]}"
        if reason and reason not in out:
            out.append(reason)
    return out


def cleaning_summary(report: Report) -> str | None:
    """One line on ``clean_quality``: what the article scores once ``coherence clean`` has removed its
    scraping leftovers and repeated headline lines, and whether that makes it cleanable."""
    if report.quality is None or report.clean_quality is None:
        return None
    quality, cleaned = report.quality, report.clean_quality
    removable = -sum(report.contributions.get(name, 0.0) for name in REMOVABLE_FEATURES)  # log-odds gained
    if removable < 0.05 and cleaned - quality < 0.005:
        return f"clean_quality {cleaned:.2f}: the same after `coherence clean` (nothing it removes lowers the score)"
    if cleaned < 0.5:
        return (
            f"clean_quality {cleaned:.2f}: damaged even after cleaning (what `coherence clean` removes is worth "
            f"{removable:+.1f} in log-odds, not enough)"
        )
    line = f"clean_quality {cleaned:.2f}: the text `coherence clean` leaves scores higher"
    if quality < 0.5:
        line += "; cleanable rather than damaged: what pulls the score down is removable"
    return line


def summary_reasons(report: Report, text: str | None = None) -> list[str]:
    """Kept for compatibility: :func:`reasons`."""
    return reasons(report, text)


def _wrap(line: str, width: int, indent: str) -> str:
    """``line`` wrapped at ``width`` (its own indentation kept), continued with ``indent``."""
    return textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False)


def _unscored_why(report: Report) -> str:
    """Why a report without an error has no quality, from its ``non_english``/``non_text`` flags."""
    kinds = {f.kind for f in report.flags}
    if "non_english" in kinds:
        return "the article is not in English (non_english flag); the quality model is made for English prose"
    if "non_text" in kinds:
        return "the text is not article prose (non_text flag: menus, links or other page furniture)"
    return "the article is not English prose, see its flags"


def explain(report: Report, text: str | None = None, title: str | None = None, width: int = 100) -> str:
    """A readable account of ``report``; quotes flagged passages when the text is given."""
    lines = [f"Article {report.id}"]
    if report.error:
        lines.append(f"  error: {report.error}")
        return "\n".join(lines)
    verdict = "keep" if report.keep else "reject"
    if report.quality is None:
        lines.append(f"  quality not scored ({verdict}): {_unscored_why(report)}")
    else:
        lines.append(f"  quality {report.quality:.2f} ({verdict}): estimated probability of no detected defect")
        cleaning = cleaning_summary(report)
        if cleaning:
            lines.append(f"  {cleaning}")
    if report.headline:
        h = report.headline
        lines.append(f"  headline ({h['field']} {h['start']}-{h['end']}): {h['text']}")
    why = reasons(report, text)
    if why:
        lines.append("  why it is lower:")
        lines += [textwrap.fill(w, width, initial_indent="    - ", subsequent_indent="      ") for w in why]
    contributions = [f"{k} {v:+.2f}" for k, v in sorted(report.contributions.items(), key=lambda kv: kv[1]) if v]
    if contributions:
        lines.append(_wrap("  log-odds contributions: " + ", ".join(contributions), width, "    "))
    from coherence.scoring import FEATURES

    core = {"headline_similarity", "offtopic_fraction", "artifact_fraction", "duplicate_headline"}
    core |= {signal for signal, _ in FEATURES.values()}
    shown = {k: v for k, v in report.signals.items() if k in core and v == v}
    lines.append(_wrap("  signals: " + ", ".join(f"{k}={v:.3g}" for k, v in shown.items()), width, "    "))
    if len(report.signals) > len(shown):
        lines.append(f"  ({len(report.signals) - len(shown)} more signals in the report: heuristics and corpus counts)")
    lines.append(f"  topic segments: {len(report.segments)}")
    if report.corpus:
        lines.append(_wrap("  corpus: " + ", ".join(f"{k}={v}" for k, v in report.corpus.items()), width, "    "))
    for w in report.warnings:
        lines.append(_wrap(f"  warning: {w}", width, "    "))
    lines.append(f"  flags ({len(report.flags)}):")
    for f in report.flags:
        label = f.kind + (f"/{f.category}" if f.category else "")
        where = _paragraph_of(text, f.start) if f.field == "text" else None
        para = f", paragraph {where}" if where else ""
        lines.append(
            _wrap(f"    - {label} [{f.field} {f.start}:{f.end}{para}] score {f.score:.2f}: {f.reason}", width, "      ")
        )
        source = text if f.field == "text" else title
        if source is not None:
            quoted = source[f.start : f.end].replace("\n", " ")
            short = quoted if len(quoted) <= 160 else quoted[:157] + "..."
            lines.append(textwrap.indent(textwrap.fill(f'"{short}"', width - 8), " " * 8))
    return "\n".join(lines)

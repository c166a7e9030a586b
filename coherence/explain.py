"""Plain-text rendering of one report, for terminals (``coherence explain``)."""

from __future__ import annotations

import textwrap

from coherence.report import Report

_FEATURE_WORDS = {
    "artifact_fraction": "scraping artifacts",
    "offtopic_fraction": "off-topic passages",
    "duplicate_headline": "headline repeated in the body",
    "duplicate_text_fraction": "repeated paragraphs",
    "headline_mismatch": "body does not match the headline",
    "too_short": "too little article text",
}


def summary_reasons(report: Report) -> list[str]:
    """Short sentences saying what pulls the quality down, worst first."""
    reasons = []
    for name, value in sorted(report.contributions.items(), key=lambda kv: kv[1]):
        if value > -0.2:
            continue
        reasons.append(f"{_FEATURE_WORDS.get(name, name)} (log-odds {value:+.2f})")
    return reasons


def explain(report: Report, text: str | None = None, title: str | None = None, width: int = 100) -> str:
    """A readable account of ``report``; quotes flagged passages when the text is given."""
    lines = [f"Article {report.id}"]
    if report.error:
        lines.append(f"  error: {report.error}")
        return "\n".join(lines)
    verdict = "keep" if report.keep else "reject"
    lines.append(f"  quality {report.quality:.2f} ({verdict})")
    if report.headline:
        h = report.headline
        lines.append(f"  headline ({h['field']} {h['start']}-{h['end']}): {h['text']}")
    reasons = summary_reasons(report)
    if reasons:
        lines.append("  lowered by: " + "; ".join(reasons))
    lines.append("  signals: " + ", ".join(f"{k}={v:.3g}" for k, v in report.signals.items() if v == v))
    lines.append(f"  topic segments: {len(report.segments)}")
    if report.corpus:
        lines.append("  corpus: " + ", ".join(f"{k}={v}" for k, v in report.corpus.items()))
    for w in report.warnings:
        lines.append(f"  warning: {w}")
    lines.append(f"  flags ({len(report.flags)}):")
    for f in report.flags:
        label = f.kind + (f"/{f.category}" if f.category else "")
        lines.append(f"    - {label} [{f.field} {f.start}:{f.end}] score {f.score:.2f}: {f.reason}")
        source = text if f.field == "text" else title
        if source is not None:
            quoted = source[f.start : f.end].replace("\n", " ")
            short = quoted if len(quoted) <= 160 else quoted[:157] + "..."
            lines.append(textwrap.indent(textwrap.fill(f'"{short}"', width - 8), " " * 8))
    return "\n".join(lines)

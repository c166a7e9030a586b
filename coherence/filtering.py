"""Keep/drop decisions, made from existing scores (so thresholds change without re-scoring).

A :class:`FilterRule` rejects an article for any of: an ``error``; ``quality`` below
``min_quality``; ``clean_quality`` (the quality of the text ``coherence clean`` leaves) below
``min_clean_quality``; a signal condition such as ``artifact_fraction>0.3`` (:class:`Condition`); or a
flag of a given kind (``offtopic``) or kind/category (``artifact/share_widget``). Every reason is
a sentence a person can check. The same rule works on report dicts (:func:`filter_reports`), on
input records paired with their reports (:func:`split_records`, what ``coherence filter`` uses)
and on a pandas DataFrame from :meth:`coherence.Scorer.score_frame` (:func:`filter_frame`).
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from coherence.article import Article, RecordError
from coherence.record_ids import unique_ids

_OPERATORS = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
#: Scores at the top of a report that conditions and rules can use besides the signals.
_SCORES = ("quality", "clean_quality")
#: The signals of a scored report (``report["signals"]``), the names ``reject_if`` accepts besides
#: ``quality`` and ``clean_quality``. tests/test_filtering.py checks this against real reports.
SIGNAL_NAMES = frozenset(
    [
        "artifact_fraction",
        "artifact_lines",
        "boilerplate_lines",
        "c4_dropped_char_fraction",
        "c4_dropped_line_fraction",
        "c4_page_pass",
        "content_words",
        "duplicate_article",
        "duplicate_headline",
        "duplicate_text_fraction",
        "ends_mid_sentence",
        "ends_open",
        "english_stopword_ratio",
        "fineweb_char_duplicates_ratio",
        "fineweb_line_punct_ratio",
        "fineweb_newline_word_ratio",
        "fineweb_pass",
        "fineweb_short_line_ratio",
        "gopher_alpha_word_fraction",
        "gopher_bullet_line_fraction",
        "gopher_duplicate_10gram_char_fraction",
        "gopher_duplicate_5gram_char_fraction",
        "gopher_duplicate_6gram_char_fraction",
        "gopher_duplicate_7gram_char_fraction",
        "gopher_duplicate_8gram_char_fraction",
        "gopher_duplicate_9gram_char_fraction",
        "gopher_duplicate_line_char_fraction",
        "gopher_duplicate_line_fraction",
        "gopher_duplicate_paragraph_char_fraction",
        "gopher_duplicate_paragraph_fraction",
        "gopher_ellipsis_line_fraction",
        "gopher_mean_word_length",
        "gopher_quality_pass",
        "gopher_repetition_pass",
        "gopher_stop_words",
        "gopher_symbol_word_ratio",
        "gopher_top_2gram_char_fraction",
        "gopher_top_3gram_char_fraction",
        "gopher_top_4gram_char_fraction",
        "gopher_words",
        "headline_shared_with",
        "headline_similarity",
        "lead_headline_gap",
        "letter_fraction",
        "max_paragraph_evidence",
        "max_sentence_evidence",
        "mean_neighbour_similarity",
        "min_sentence_similarity",
        "min_topic_similarity",
        "names_before_introduction",
        "non_english",
        "non_text",
        "offtopic_fraction",
        "offtopic_units",
        "opens_mid_story",
        "paragraph_order_z",
        "paragraph_position_corr",
        "paragraph_splice_logit",
        "paragraphs",
        "segments",
        "sentence_splice_logit",
        "sentences",
    ]
)
#: The kinds of flag the detectors give (``flag["kind"]``); tests/test_filtering.py checks them in the code.
FLAG_KINDS = frozenset(
    [
        "artifact",
        "duplicate_headline",
        "duplicate_text",
        "duplicate_article",
        "shared_headline",
        "offtopic",
        "non_english",
        "non_text",
    ]
)
#: The categories of ``artifact`` flags (``artifact/share_widget``); checked in the code the same way.
ARTIFACT_CATEGORIES = frozenset(
    [
        "advertisement",
        "byline",
        "caption",
        "dateline",
        "encoding",
        "error_page",
        "legal",
        "markup",
        "navigation",
        "other",
        "related_links",
        "share_widget",
        "social_embed",
        "source_attribution",
        "subscription",
    ]
)
_CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|!=|==|>|<|=)\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Condition:
    """``signal op value``: the article is rejected when it holds. ``signal`` may be ``quality`` or
    ``clean_quality``."""

    signal: str
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.signal not in SIGNAL_NAMES and self.signal not in _SCORES:
            raise ValueError(
                _unknown(
                    "signal", self.signal, SIGNAL_NAMES | set(_SCORES), "quality, clean_quality or a report signal"
                )
            )

    @classmethod
    def parse(cls, text: str) -> Condition:
        """Read ``"artifact_fraction>0.3"`` (operators: > >= < <= == !=)."""
        match = _CONDITION.match(text)
        if not match:
            raise ValueError(f"cannot read condition {text!r}: expected SIGNAL OP NUMBER, e.g. artifact_fraction>0.3")
        name, op, value = match.groups()
        return cls(name, "==" if op == "=" else op, float(value))

    def value_in(self, report: dict[str, Any]) -> float | None:
        signals = report.get("signals") or {}
        value = report.get(self.signal) if self.signal in _SCORES else signals.get(self.signal)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return float(value)

    def holds(self, report: dict[str, Any]) -> bool:
        value = self.value_in(report)
        return value is not None and _OPERATORS[self.op](value, self.value)

    def __str__(self) -> str:
        return f"{self.signal}{self.op}{self.value:g}"


@dataclass(frozen=True)
class FilterRule:
    """When an article is rejected; an article that meets none of these is kept.

    Parameters
    ----------
    min_quality:
        Reject below this quality (``None``: quality alone never rejects).
    min_clean_quality:
        Reject below this ``clean_quality``, the quality of the text ``coherence clean`` leaves
        (``None``: never). With ``min_quality=None`` and ``clean_text``, this keeps articles whose
        only detected defects are ones cleaning removes, and writes them cleaned.
    reject_if:
        Signal conditions (:class:`Condition` or strings like ``"artifact_fraction>0.3"``).
    reject_kinds:
        Flag kinds (``"offtopic"``) or ``kind/category`` (``"artifact/share_widget"``): reject an
        article with any such flag whose score is at least ``min_flag_score``.
    min_flag_score:
        Weaker flags than this do not count for ``reject_kinds``.
    """

    min_quality: float | None = 0.5
    reject_if: tuple[Condition | str, ...] = ()
    reject_kinds: tuple[str, ...] = ()
    min_flag_score: float = 0.0
    min_clean_quality: float | None = None

    def __post_init__(self) -> None:
        self.conditions()  # a misspelt signal is an error now, not a condition that never holds
        for kind in self.reject_kinds:
            check_flag_kind(kind)

    def conditions(self) -> list[Condition]:
        return [c if isinstance(c, Condition) else Condition.parse(c) for c in self.reject_if]

    def parts(self) -> list[str]:
        """The rule's parts, named as :meth:`rejections` names them (errors and ``no quality`` aside)."""
        out = [f"quality<{self.min_quality:g}"] if self.min_quality is not None else []
        out += [f"clean_quality<{self.min_clean_quality:g}"] if self.min_clean_quality is not None else []
        return out + [str(c) for c in self.conditions()] + list(self.reject_kinds)

    def reasons(self, report: dict[str, Any]) -> list[str]:
        """Why ``report`` (a :meth:`Report.to_dict` record) is rejected; empty when it is kept."""
        return [reason for _, reason in self.rejections(report)]

    def rejections(self, report: dict[str, Any]) -> list[tuple[str, str]]:
        """``(rule, reason)`` for each part of the rule that rejects ``report``: the rule as it was given
        (``quality<0.5``, ``artifact_fraction>0.3``, ``offtopic``, ``error``, ``no quality``) and the reason."""
        if report.get("error"):
            return [("error", f"error: {report['error']}")]
        out = []
        no_quality = ("no quality", "no quality score (not English prose; see its flags)")
        quality = report.get("quality")
        if self.min_quality is not None and quality is None:
            out.append(no_quality)
        elif self.min_quality is not None and quality < self.min_quality:
            out.append((f"quality<{self.min_quality:g}", f"quality {_fmt(quality)} < {self.min_quality:g}"))
        clean_quality = report.get("clean_quality")
        clean_rule = f"clean_quality<{self.min_clean_quality:g}" if self.min_clean_quality is not None else ""
        if self.min_clean_quality is None:
            pass
        elif quality is None:
            if self.min_quality is None:  # else said above
                out.append(no_quality)
        elif clean_quality is None:
            out.append(
                (clean_rule, "no clean_quality in the scores (an older scores file; coherence.scoring.rescore adds it)")
            )
        elif clean_quality < self.min_clean_quality:
            out.append((clean_rule, f"clean_quality {_fmt(clean_quality)} < {self.min_clean_quality:g}"))
        for condition in self.conditions():
            if condition.holds(report):
                value = _fmt(condition.value_in(report))
                out.append((str(condition), f"{condition.signal} {value} {condition.op} {condition.value:g}"))
        for kind in self.reject_kinds:
            flags = [f for f in report.get("flags") or [] if _matches(f, kind) and f["score"] >= self.min_flag_score]
            if flags:
                where = ", ".join(f"{f['field']} {f['start']}-{f['end']}" for f in flags[:3])
                more = f" and {len(flags) - 3} more" if len(flags) > 3 else ""
                out.append((kind, f"{len(flags)} {kind} flag{'s' if len(flags) > 1 else ''} ({where}{more})"))
        return out


def check_flag_kind(kind: str) -> None:
    """Raise ValueError unless ``kind`` is a flag kind, or ``artifact/CATEGORY`` with a known category."""
    wanted_kind, slash, category = kind.partition("/")
    if wanted_kind not in FLAG_KINDS:
        raise ValueError(_unknown("flag kind", wanted_kind, FLAG_KINDS, ", ".join(sorted(FLAG_KINDS))))
    if slash and wanted_kind != "artifact":
        raise ValueError(f"flag kind {wanted_kind!r} has no categories (only artifact/CATEGORY has)")
    if slash and category not in ARTIFACT_CATEGORIES:
        known = ", ".join(sorted(ARTIFACT_CATEGORIES))
        raise ValueError(_unknown("artifact category", category, ARTIFACT_CATEGORIES, known))


def _unknown(what: str, name: str, known: Iterable[str], listing: str) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else f"expected {listing}"
    return f"unknown {what} {name!r}: {hint}"


def _matches(flag: dict[str, Any], kind: str) -> bool:
    wanted_kind, _, wanted_category = kind.partition("/")
    return flag["kind"] == wanted_kind and (not wanted_category or flag.get("category") == wanted_category)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def filter_reports(reports: Iterable[dict[str, Any]], rule: FilterRule) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each report with the reasons it is rejected (empty: kept)."""
    for report in reports:
        if hasattr(report, "to_dict"):
            report = report.to_dict()
        yield report, rule.reasons(report)


class ScoresMismatch(ValueError):
    """The scores do not belong to the input: an id differs, or one has more records."""


def split_records(
    articles: Iterable[Article | RecordError],
    reports: Iterable[dict[str, Any]],
    rule: FilterRule,
    clean_text: bool = False,
    tally: Counter[str] | None = None,
) -> Iterator[tuple[dict[str, Any], bool]]:
    """Pair each input with its report and decide; yields (output record, kept).

    Records are paired in order and each pair must have the same id (repeated input ids renamed
    ``a#2`` as ``coherence score`` does, see :mod:`coherence.record_ids`), and the two must have
    as many records: else :class:`ScoresMismatch`, raised at the first record that does not pair.
    Kept and rejected records carry the input fields and ``quality``; rejected ones add
    ``reasons`` and ``flags``. With ``clean_text``, kept ones add ``clean_text`` (the text with
    artifact lines and repeated headlines removed, from :mod:`coherence.cleaning`). A ``tally`` counts
    how many articles each part of the rule rejects (:meth:`FilterRule.rejections`; one article may
    count under several).
    """
    reports = iter(reports)
    line = 0
    for line, article in enumerate(unique_ids(articles), start=1):
        report = next(reports, None)
        if report is None:
            raise ScoresMismatch(
                f"the scores end after {line - 1} records but the input goes on (record {line}: id {article.id!r})"
            )
        if hasattr(report, "to_dict"):
            report = report.to_dict()
        if str(report.get("id")) != article.id:
            raise ScoresMismatch(
                f"record {line}: the input has id {article.id!r} but the scores have id {report.get('id')!r}"
            )
        rejections = rule.rejections(report)
        reasons = [reason for _, reason in rejections]
        if tally is not None:
            tally.update(list(dict.fromkeys(part for part, _ in rejections)))
        record: dict[str, Any] = {"id": article.id}
        if isinstance(article, Article):
            record.update({"title": article.title, "text": article.text, "url": article.url, "source": article.source})
            record.update(article.meta)
            record = {k: v for k, v in record.items() if not k.startswith("_")}
        record["quality"] = report.get("quality")
        if "clean_quality" in report:
            record["clean_quality"] = report.get("clean_quality")
        if reasons:
            record["reasons"] = reasons
            record["flags"] = report.get("flags", [])
        elif clean_text and isinstance(article, Article):
            record["clean_text"] = cleaned(article.text, report)
        yield record, not reasons
    extra = next(reports, None)
    if extra is not None:
        extra_id = extra.id if hasattr(extra, "id") else extra.get("id")
        raise ScoresMismatch(
            f"the input ends after {line} records but the scores go on (record {line + 1}: id {extra_id!r})"
        )


def cleaned(text: str, report: dict[str, Any]) -> str:
    """The text with the report's removable flags taken out (via :mod:`coherence.cleaning`)."""
    from coherence import cleaning

    return cleaning.clean_text(text, report)


def filter_frame(frame, rule: FilterRule):
    """A copy of a :meth:`Scorer.score_frame` DataFrame with ``kept`` (bool) and ``reasons`` (list) columns.

    ``frame[frame.kept]`` and ``frame[~frame.kept]`` are then the two halves.
    """
    out = frame.copy()
    reasons = [rule.reasons(_row_report(row)) for row in frame.to_dict(orient="records")]
    out["reasons"] = reasons
    out["kept"] = [not r for r in reasons]
    return out


def _row_report(row: dict[str, Any]) -> dict[str, Any]:
    report = dict(row)
    for key in ("error", "quality", "clean_quality"):  # pandas stores a missing value as NaN
        value = report.get(key)
        if isinstance(value, float) and math.isnan(value):
            report[key] = None
    for key in ("signals", "flags"):
        value = report.get(key)
        if not isinstance(value, dict | list):
            report[key] = {} if key == "signals" else []
    return report

"""Keep/drop decisions from existing scores: quality, signal conditions, flag kinds; CLI and DataFrame."""

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import coherence
from coherence.cli import main
from coherence.filtering import (
    ARTIFACT_CATEGORIES,
    FLAG_KINDS,
    SIGNAL_NAMES,
    Condition,
    FilterRule,
    filter_frame,
    filter_reports,
    split_records,
)
from coherence.io import read_records


def _report(quality=0.9, error=None, flags=(), **signals):
    return {
        "id": "a",
        "quality": quality,
        "error": error,
        "signals": {"artifact_fraction": 0.0, "offtopic_fraction": 0.0, **signals},
        "flags": list(flags),
    }


def _flag(kind, start=0, end=10, score=0.9, category=None):
    return {
        "kind": kind,
        "field": "text",
        "start": start,
        "end": end,
        "score": score,
        "reason": "r",
        "category": category,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("artifact_fraction>0.3", Condition("artifact_fraction", ">", 0.3)),
        (" headline_similarity <= 0.2 ", Condition("headline_similarity", "<=", 0.2)),
        ("duplicate_headline=1", Condition("duplicate_headline", "==", 1.0)),
        ("quality<0.5", Condition("quality", "<", 0.5)),
    ],
)
def test_condition_parse(text, expected):
    assert Condition.parse(text) == expected


@pytest.mark.parametrize("text", ["artifact_fraction", "artifact_fraction > high", "> 0.3", "a>>0.3"])
def test_condition_parse_rejects_nonsense(text):
    with pytest.raises(ValueError, match="SIGNAL OP NUMBER"):
        Condition.parse(text)


def test_reasons_name_each_rule_that_fires():
    rule = FilterRule(min_quality=0.5, reject_if=("artifact_fraction>0.3",), reject_kinds=("offtopic",))
    assert rule.reasons(_report()) == []
    reasons = rule.reasons(_report(quality=0.2, artifact_fraction=0.45, flags=[_flag("offtopic", 5, 40)]))
    assert reasons == ["quality 0.200 < 0.5", "artifact_fraction 0.450 > 0.3", "1 offtopic flag (text 5-40)"]


def test_missing_signal_never_fires_a_condition():
    rule = FilterRule(min_quality=None, reject_if=("headline_similarity<0.2",))
    assert rule.reasons(_report(headline_similarity=None)) == []
    assert rule.reasons(_report(headline_similarity=0.1))


def test_kind_and_category_and_min_flag_score():
    flags = [_flag("artifact", category="byline", score=0.95), _flag("artifact", category="share_widget", score=0.4)]
    report = _report(flags=flags)
    assert FilterRule(min_quality=None, reject_kinds=("artifact/byline",)).reasons(report)
    assert not FilterRule(min_quality=None, reject_kinds=("artifact/navigation",)).reasons(report)
    weak = FilterRule(min_quality=None, reject_kinds=("artifact/share_widget",), min_flag_score=0.5)
    assert not weak.reasons(report)


def test_errors_are_always_rejected_with_the_message():
    assert FilterRule(min_quality=None).reasons(_report(quality=None, error="record x: empty")) == [
        "error: record x: empty"
    ]


def test_filter_reports_on_report_objects(fixture_reports):
    rule = FilterRule(min_quality=None, reject_kinds=("offtopic",))
    decided = {r["id"]: reasons for r, reasons in filter_reports(fixture_reports.values(), rule)}
    assert decided["spliced-paragraph"] and decided["spliced-block-end"]
    assert not decided["clean-economy"]


def test_split_records_keeps_input_fields_and_adds_clean_text(fixture_reports, fixture_articles):
    pytest.importorskip("coherence.cleaning")
    from coherence.io.records import to_article

    ids = ["seed-like", "clean-economy", "mostly-links"]
    articles = [to_article(fixture_articles[i], i) for i in ids]
    reports = [fixture_reports[i].to_dict() for i in ids]
    rule = FilterRule(min_quality=None, reject_if=("artifact_fraction>0.5",))
    out = list(split_records(articles, reports, rule, clean_text=True))
    by_id = {record["id"]: (record, kept) for record, kept in out}
    seed, kept = by_id["seed-like"]
    assert kept and seed["text"] == fixture_articles["seed-like"]["text"]
    assert "Like this:" in seed["text"] and "Like this:" not in seed["clean_text"]
    links, kept = by_id["mostly-links"]
    assert not kept and links["reasons"] and links["flags"] and "clean_text" not in links


def test_filter_frame_marks_each_row(scorer, fixture_articles):
    frame = scorer.score_frame(pd.DataFrame([fixture_articles["clean-sport"], fixture_articles["mostly-links"]]))
    decided = filter_frame(frame, FilterRule(min_quality=0.5, reject_if=("artifact_fraction>0.3",)))
    assert decided["kept"].tolist() == [True, False]
    assert decided["reasons"].iloc[0] == [] and len(decided["reasons"].iloc[1]) == 2


def test_cli_filter_by_signal_and_kind_without_rescoring(tmp_path, fixture_reports, fixture_articles):
    corpus, scores = tmp_path / "corpus.jsonl", tmp_path / "scores.jsonl"
    ids = list(fixture_articles)
    corpus.write_text("".join(json.dumps(fixture_articles[i]) + "\n" for i in ids), encoding="utf-8")
    scores.write_text("".join(json.dumps(fixture_reports[i].to_dict()) + "\n" for i in ids), encoding="utf-8")
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    args = ["filter", str(corpus), "--scores", str(scores), "--min-quality", "0", "--kept", str(kept)]
    args += ["--rejected", str(rejected), "--reject-if", "artifact_fraction>0.3", "--reject-kind", "offtopic"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = {r["id"]: r for r in read_records(rejected)}
    assert any(r.startswith("artifact_fraction") for r in out["mostly-links"]["reasons"])
    assert any("offtopic flag" in r for r in out["spliced-paragraph"]["reasons"])
    assert len(read_records(kept)) + len(out) == len(ids)
    assert "clean-economy" in {r["id"] for r in read_records(kept)}


def test_cli_filter_rejects_an_unreadable_condition(tmp_path, fixture_articles):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(fixture_articles["clean-sport"]) + "\n", encoding="utf-8")
    args = ["filter", str(corpus), "--kept", str(tmp_path / "k.jsonl"), "--reject-if", "artifacts are bad"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--reject-if" in result.output


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"reject_if": ("artifact_fractoin>0.3",)},
            "unknown signal 'artifact_fractoin': did you mean artifact_fraction",
        ),
        ({"reject_kinds": ("offtopik",)}, "unknown flag kind 'offtopik': did you mean offtopic?"),
        (
            {"reject_kinds": ("artifact/sharewidget",)},
            "unknown artifact category 'sharewidget': did you mean share_widget",
        ),
        ({"reject_kinds": ("offtopic/byline",)}, "flag kind 'offtopic' has no categories"),
    ],
)
def test_unknown_signals_kinds_and_categories_are_errors(rule, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        FilterRule(**rule)


def test_cli_filter_names_a_misspelt_kind(tmp_path, fixture_articles):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(fixture_articles["clean-sport"]) + "\n", encoding="utf-8")
    args = ["filter", str(corpus), "--kept", str(tmp_path / "k.jsonl"), "--reject-kind", "artifact/sharewidget"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "share_widget" in result.output and not (tmp_path / "k.jsonl").exists()


def test_signal_names_are_those_of_real_reports(fixture_reports):
    names = {name for report in fixture_reports.values() if not report.error for name in report.signals}
    assert names == SIGNAL_NAMES


def _flag_arguments() -> tuple[set[str], set[str]]:
    """The kind and category literals of every ``Flag(...)`` and artifact ``_rule(...)`` in the package."""
    kinds: set[str] = set()
    categories: set[str] = set()
    for path in Path(coherence.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            if node.func.id == "Flag":
                kind = node.args[0] if node.args else keywords.get("kind")
                category = node.args[5] if len(node.args) > 5 else keywords.get("category")
                kinds |= {kind.value} if isinstance(kind, ast.Constant) else set()
                categories |= {category.value} if isinstance(category, ast.Constant) and category.value else set()
            elif node.func.id == "_rule" and node.args and isinstance(node.args[0], ast.Constant):
                categories.add(node.args[0].value)
    return kinds, categories


def test_flag_kinds_and_categories_are_those_of_the_detectors():
    from coherence.detectors.line_features import FURNITURE_WORDS

    kinds, categories = _flag_arguments()
    assert kinds == FLAG_KINDS
    assert categories | set(FURNITURE_WORDS.values()) | {"other"} == ARTIFACT_CATEGORIES


def test_rejections_name_the_part_of_the_rule_that_fired():
    rule = FilterRule(
        min_quality=0.5, reject_if=("artifact_fraction>0.3",), reject_kinds=("offtopic", "duplicate_text")
    )
    report = _report(quality=0.2, artifact_fraction=0.4, flags=[_flag("offtopic")])
    assert [part for part, _ in rule.rejections(report)] == ["quality<0.5", "artifact_fraction>0.3", "offtopic"]
    assert [reason for _, reason in rule.rejections(report)] == rule.reasons(report)
    assert rule.parts() == ["quality<0.5", "artifact_fraction>0.3", "offtopic", "duplicate_text"]
    assert rule.rejections(_report(quality=None))[0][0] == "no quality"


def test_cli_filter_counts_rejections_by_rule(tmp_path):
    corpus, scores = tmp_path / "c.jsonl", tmp_path / "s.jsonl"
    texts = {"x1": "The ferry left at noon.", "x2": "The market opened late.", "x3": "Rain fell all day."}
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts.items()), encoding="utf-8")
    reports = [
        {**_report(quality=0.9), "id": "x1"},
        {**_report(quality=0.2, artifact_fraction=0.5), "id": "x2"},
        {**_report(quality=0.3), "id": "x3"},
    ]
    scores.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    args = ["filter", str(corpus), "--scores", str(scores), "--kept", str(tmp_path / "k.jsonl")]
    result = CliRunner().invoke(main, [*args, "--reject-if", "artifact_fraction>0.3", "--reject-kind", "offtopic"])
    assert result.exit_code == 0, result.output
    assert "1 kept, 2 rejected" in result.stderr
    assert "rejected by (an article can meet several): quality<0.5 2, artifact_fraction>0.3 1, offtopic 0" in (
        result.stderr
    )

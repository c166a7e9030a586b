"""The command line: score, filter, explain; exit codes; quiet in pipes."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from coherence.cli import main
from coherence.io import read_records


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory, fixture_articles):
    path = tmp_path_factory.mktemp("cli") / "corpus.jsonl"
    ids = ["seed-like", "clean-economy", "spliced-paragraph"]
    lines = [json.dumps(fixture_articles[i]) for i in ids] + ["{broken json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scores(small_corpus):
    out = small_corpus.parent / "scores.jsonl"
    result = CliRunner().invoke(main, ["score", str(small_corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_score_writes_one_record_per_input_line(scores):
    records = read_records(scores)
    assert [r["id"] for r in records] == ["seed-like", "clean-economy", "spliced-paragraph", "corpus.jsonl:4"]
    assert records[-1]["error"].startswith("record corpus.jsonl:4: malformed JSON")
    assert records[0]["flags"] and records[1]["error"] is None


def test_score_with_worker_processes_writes_the_same_records(small_corpus, scores, tmp_path):
    out = tmp_path / "pooled.jsonl"
    result = CliRunner().invoke(main, ["score", str(small_corpus), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert read_records(out) == read_records(scores)


def test_score_to_parquet_and_stdout(small_corpus, tmp_path):
    result = CliRunner().invoke(main, ["score", str(small_corpus), "-o", str(tmp_path / "s.parquet")])
    assert result.exit_code == 0
    assert len(read_records(tmp_path / "s.parquet")) == 4
    result = CliRunner().invoke(main, ["score", str(small_corpus), "-o", "-"])
    assert result.exit_code == 0
    assert len([json.loads(line) for line in result.output.splitlines() if line.startswith("{")]) == 4


def test_filter_from_existing_scores_keeps_reasons(small_corpus, scores, tmp_path):
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    args = [
        "filter",
        str(small_corpus),
        "--scores",
        str(scores),
        "--min-quality",
        "0.8",
        "--kept",
        str(kept),
        "--rejected",
        str(rejected),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    kept_records, rejected_records = read_records(kept), read_records(rejected)
    assert len(kept_records) + len(rejected_records) == 4
    assert "clean-economy" in {r["id"] for r in kept_records}
    assert all(r["reasons"] for r in rejected_records)
    assert any(r["id"] == "corpus.jsonl:4" and "error" in r["reasons"][0] for r in rejected_records)
    assert all("text" in r for r in kept_records)


def _filter_with(corpus, scores, tmp_path) -> tuple:
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    args = ["filter", str(corpus), "--scores", str(scores), "--min-quality", "0", "--kept", str(kept)]
    result = CliRunner().invoke(main, [*args, "--rejected", str(rejected)])
    return result, kept, rejected


def test_filter_refuses_scores_in_another_order_and_writes_nothing(small_corpus, scores, tmp_path):
    reversed_scores = tmp_path / "reversed.jsonl"
    lines = scores.read_text(encoding="utf-8").splitlines()
    reversed_scores.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    result, kept, rejected = _filter_with(small_corpus, reversed_scores, tmp_path)
    assert result.exit_code == 1
    assert "record 1: the input has id 'seed-like' but the scores have id 'corpus.jsonl:4'" in result.output
    assert not kept.exists() and not rejected.exists() and sorted(tmp_path.iterdir()) == [reversed_scores]


@pytest.mark.parametrize("cut", ["short", "long"])
def test_filter_refuses_scores_with_another_count(small_corpus, scores, tmp_path, cut):
    other = tmp_path / "other.jsonl"
    lines = scores.read_text(encoding="utf-8").splitlines()
    lines = lines[:2] if cut == "short" else [*lines, json.dumps({**json.loads(lines[0]), "id": "extra"})]
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, kept, _ = _filter_with(small_corpus, other, tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    expected = "scores end after 2 records" if cut == "short" else "input ends after 4 records"
    assert expected in result.output and not kept.exists()


def test_filter_pairs_renamed_repeated_ids(tmp_path, fixture_articles):
    corpus = tmp_path / "repeats.jsonl"
    article = fixture_articles["clean-economy"]
    corpus.write_text(json.dumps(article) + "\n" + json.dumps(article) + "\n", encoding="utf-8")
    scores = tmp_path / "repeats.scores.jsonl"
    assert CliRunner().invoke(main, ["score", str(corpus), "-o", str(scores)]).exit_code == 0
    result, kept, rejected = _filter_with(corpus, scores, tmp_path)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_records(kept) + read_records(rejected)] == ["clean-economy", "clean-economy#2"]


def test_explain_prints_flags_with_quotes(small_corpus, scores):
    args = ["explain", "spliced-paragraph", "--scores", str(scores), "--input", str(small_corpus)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "offtopic" in result.output and "Striker" in result.output


def test_explain_a_text_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Posted by Jo Bloggs | May 1, 2020\n\nThe river rose overnight.\n\nShare this:\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "byline" in result.output and "share_widget" in result.output


def test_unusable_arguments_exit_nonzero(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["score", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")]).exit_code != 0
    assert runner.invoke(main, ["score"]).exit_code != 0


@pytest.mark.parametrize("command", [[], ["score"], ["filter"], ["explain"]])
def test_help_everywhere(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_stdin_to_stdout_in_a_pipe_has_no_progress_bar(fixture_articles):
    record = json.dumps(fixture_articles["clean-sport"]) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "coherence", "score", "-", "-o", "-"],
        input=record,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "clean-sport"
    assert "it/s" not in proc.stderr and "articles" not in proc.stderr


@pytest.mark.parametrize(
    ("option", "module", "message"),
    [
        (["--backend", "onnx"], "onnxruntime", '--backend onnx needs onnxruntime: pip install "coherence[onnx]"'),
        (["--engine", "ray"], "ray", '--engine ray needs ray: pip install "coherence[ray]"'),
    ],
)
def test_score_without_an_optional_extra_is_a_one_line_error(
    small_corpus, tmp_path, monkeypatch, option, module, message
):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: importing it fails
    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(main, ["score", str(small_corpus), "-o", str(out), *option])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, ModuleNotFoundError) and not out.exists()


def test_the_library_names_the_extra_too(monkeypatch):
    from coherence.embedding import DEFAULT_MODEL
    from coherence.embedding_onnx import OnnxEncoder
    from coherence.engine.ray import init_ray
    from coherence.extras import MissingExtra

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingExtra, match=r'needs onnxruntime: pip install "coherence\[onnx\]"'):
        OnnxEncoder.build_or_load(DEFAULT_MODEL)
    with pytest.raises(MissingExtra, match=r'needs ray: pip install "coherence\[ray\]"'):
        init_ray()


def test_plot_errors_read_as_english(small_corpus, tmp_path):
    args = ["plot", "drift", str(small_corpus), "--id", "nope", "-o", str(tmp_path / "d.png")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "corpus.jsonl has no article with id 'nope'" in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["plot", "articles", str(empty), "-o", str(tmp_path / "a.png")])
    assert result.exit_code == 2 and "empty.jsonl has no scorable article" in result.output


def test_filter_warns_when_min_clean_quality_cannot_reject_anything(small_corpus, scores, tmp_path):
    args = ["filter", str(small_corpus), "--scores", str(scores), "--kept", str(tmp_path / "k.jsonl")]
    result = CliRunner().invoke(main, [*args, "--min-clean-quality", "0.5"])
    assert result.exit_code == 0 and "add --min-quality 0" in result.stderr
    result = CliRunner().invoke(main, [*args, "--min-clean-quality", "0.5", "--min-quality", "0"])
    assert result.exit_code == 0 and "--min-quality 0" not in result.stderr


def test_filter_clean_and_duplicates_say_what_they_wrote(small_corpus, scores, tmp_path):
    runner = CliRunner()
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    args = ["filter", str(small_corpus), "--scores", str(scores), "--kept", str(kept), "--rejected", str(rejected)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    n_kept, n_rejected = len(read_records(kept)), len(read_records(rejected))
    assert f"{n_kept} kept, {n_rejected} rejected -> {kept}, rejected -> {rejected}" in result.stderr
    result = runner.invoke(main, ["clean", str(small_corpus), "-o", str(tmp_path / "clean.jsonl")])
    assert result.exit_code == 0 and "4 records written, 1 error -> " in result.stderr  # the broken JSON line
    doubled = tmp_path / "doubled.jsonl"
    lines = [line for line in small_corpus.read_text(encoding="utf-8").splitlines() if line.startswith('{"')]
    doubled.write_text("\n".join(lines + [lines[0].replace('"seed-like"', '"copy"')]) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["duplicates", str(doubled), "-o", str(tmp_path / "d.jsonl")])
    assert result.exit_code == 0 and "clusters of duplicate bodies: 1 (2 articles)" in result.stderr


@pytest.mark.parametrize("command", [["explain"], ["filter"], ["plot", "drift"], ["plot", "articles"]])
def test_commands_that_score_offer_the_onnx_backend(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "--backend [torch|onnx]" in result.output


def test_explain_a_text_file_with_onnx(tmp_path):
    pytest.importorskip("onnxruntime")
    path = tmp_path / "story.txt"
    path.write_text("Posted by Jo Bloggs | May 1, 2020\n\nThe river rose overnight.\n\nShare this:\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(path), "--backend", "onnx"])
    assert result.exit_code == 0, result.output
    assert "byline" in result.output and "share_widget" in result.output


def test_an_articles_file_given_as_scores_is_refused(small_corpus, tmp_path):
    articles = tmp_path.parent / f"{tmp_path.name}-articles.jsonl"
    lines = small_corpus.read_text(encoding="utf-8").splitlines()[:3]  # without the broken line
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    small_corpus = articles
    runner = CliRunner()
    for args in (
        ["plot", "quality", str(small_corpus), "-o", str(tmp_path / "q.png")],
        ["plot", "signals", str(small_corpus), "-o", str(tmp_path / "s.png")],
        ["report", str(small_corpus), "-o", str(tmp_path / "r.html")],
        ["filter", str(small_corpus), "--scores", str(small_corpus), "--kept", str(tmp_path / "k.jsonl")],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "is not a scores file from `coherence score`" in result.output, args
    assert not list(tmp_path.iterdir())


def test_scores_given_to_an_article_plot_say_so(scores, tmp_path):
    result = CliRunner().invoke(main, ["plot", "drift", str(scores), "-o", str(tmp_path / "d.png")])
    assert result.exit_code == 2 and "missing text field 'text'" in result.output
    assert "article plots take the articles, not scores" in result.output


def test_ids_missing_from_input_are_warned_about(small_corpus, scores, tmp_path):
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "elsewhere", "text": "A different story about trains."}) + "\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["explain", "seed-like", "--scores", str(scores), "--input", str(other)])
    assert result.exit_code == 0 and "no article with id 'seed-like'" in result.stderr
    result = runner.invoke(main, ["report", str(scores), "--input", str(other), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and "none of the ids in" in result.stderr
    result = runner.invoke(main, ["plot", "signals", str(scores), "--signal", "qualty", "-o", str(tmp_path / "s.png")])
    assert result.exit_code == 2 and "did you mean quality" in result.output


def test_a_csv_output_name_is_refused_before_any_work(small_corpus, scores, tmp_path):
    runner = CliRunner()
    for args in (
        ["filter", str(small_corpus), "--scores", str(scores), "--kept", str(tmp_path / "kept.csv")],
        ["score", str(small_corpus), "-o", str(tmp_path / "scores.csv")],
        ["clean", str(small_corpus), "-o", str(tmp_path / "clean.csv")],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "not .csv" in result.output, args
    assert not list(tmp_path.iterdir())


def test_explain_from_scores_alone_says_how_to_quote(scores):
    result = CliRunner().invoke(main, ["explain", "seed-like", "--scores", str(scores)])
    assert result.exit_code == 0 and "add --input CORPUS to quote" in result.stderr


def test_out_of_range_numbers_are_usage_errors(small_corpus, scores, tmp_path):
    runner = CliRunner()
    for args in (
        ["report", str(scores), "-o", str(tmp_path / "r.html"), "--worst", "-1"],
        ["report", str(scores), "-o", str(tmp_path / "r.html"), "--threshold", "50"],
        [
            "filter",
            str(small_corpus),
            "--scores",
            str(scores),
            "--kept",
            str(tmp_path / "k.jsonl"),
            "--min-quality",
            "60",
        ],
        ["plot", "quality", str(scores), "-o", str(tmp_path / "q.png"), "--threshold", "-0.5"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "is not in the range" in result.output, args
    assert not list(tmp_path.iterdir())


def test_score_summary_counts_kept_below_unscored_and_errors(small_corpus, tmp_path):
    french = {
        "id": "en-francais",
        "title": "Le conseil municipal vote le budget",
        "text": "Le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine.\n\n"
        "Les élus de l'opposition ont dénoncé une hausse des impôts locaux qu'ils jugent injuste.\n\n"
        "Le maire a répondu que les travaux de la nouvelle école ne pouvaient plus attendre.",
    }
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(small_corpus.read_text(encoding="utf-8") + json.dumps(french) + "\n", encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    result = CliRunner().invoke(main, ["score", str(corpus), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    records = read_records(out)
    kept = sum(bool(r.get("keep")) for r in records)
    unscored = [r["id"] for r in records if r.get("error") is None and r.get("quality") is None]
    assert unscored == ["en-francais"]
    below = len(records) - kept - 2
    assert (
        f"5 records written: {kept} kept, {below} below the threshold, 1 without a quality "
        f"(not English prose or not article text), 1 error record (see their `error` field) -> {out}"
    ) in result.stderr

"""Clean text: artifacts and repeated headlines removed, nothing else changed, offsets map back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coherence.cleaning import Cleaner, clean, clean_text
from coherence.cli import main
from coherence.flags import Flag


def test_artifact_heavy_clean_text(fixture_articles, expected):
    article = fixture_articles["artifact-heavy"]
    result = Cleaner().clean(article["text"], article["title"])
    for item in expected["artifact-heavy"]["artifact"]:
        if item["category"] != "encoding":
            assert item["substring"] not in result.text
    for prose in expected["artifact-heavy"]["no_offtopic_substrings"]:
        assert prose in result.text
    # entities and mojibake are repaired in place, and the sentence before the glued widget kept
    assert "It's a plan that puts renters first & gives councils" in result.text
    assert "Hale said it’s time to end the uncertainty for millions of tenants — and" in result.text
    assert "a full rent freeze for two years.\n" in result.text
    assert "\n\n\n" not in result.text and not result.text.startswith("\n")


def test_seed_like_keeps_first_headline_drops_second(fixture_articles, expected):
    text = fixture_articles["seed-like"]["text"]
    result = Cleaner().clean(text)
    headline = expected["seed-like"]["headline"]
    assert result.text.startswith(headline + "\n\nEmergency crews evacuated")
    assert result.text.count(headline) == 1
    assert "Like this:" not in result.text and "Published:" not in result.text


@pytest.mark.parametrize("article_id", ["clean-economy", "clean-notitle", "non-english"])
def test_clean_articles_are_unchanged(article_id, fixture_articles):
    article = fixture_articles[article_id]
    assert Cleaner().clean(article["text"], article["title"]).text == article["text"].strip("\n") + (
        "\n" if article["text"].endswith("\n") else ""
    )


def test_offset_map_round_trip(fixture_articles):
    article = fixture_articles["artifact-heavy"]
    text = article["text"]
    result = Cleaner().clean(text, article["title"])
    assert result.to_original(len(result.text)) == len(text)
    for i, ch in enumerate(result.text):
        a, b = result.span_to_original(i, i + 1)
        if b - a == 1:
            assert text[a] == ch
        else:  # a repaired piece: the whole bad span maps to it
            assert text[a:b] in ("&#39;", "&amp;", "â€™", "â€”")
    # every clean sentence maps back to the same sentence in the original
    sentence = "Landlords will also have to give tenants at least four months' notice before ending a tenancy."
    start = result.text.index(sentence)
    a, b = result.span_to_original(start, start + len(sentence))
    assert text[a:b] == sentence


def test_clean_from_flag_dicts_and_kinds():
    text = "Line one of prose.\nAdvertisement\nLine two of prose. Share this:\n"
    flags = [
        Flag("artifact", 19, 32, 0.9, "ad", "advertisement").to_dict(),
        Flag("artifact", 52, 63, 0.9, "tail", "share_widget").to_dict(),
        Flag("offtopic", 0, 18, 0.9, "not removed").to_dict(),
    ]
    assert clean(text, flags).text == "Line one of prose.\nLine two of prose.\n"
    assert clean_text(text, {"flags": flags}) == "Line one of prose.\nLine two of prose.\n"
    assert clean(text, flags, kinds=()).text == text


def test_scorer_clean_text_field(embedder, fixture_articles):
    from coherence import Scorer

    article = fixture_articles["seed-like"]
    report = Scorer(embedder=embedder, include_clean_text=True).score(article)
    assert report.to_dict()["clean_text"] == Cleaner().clean(article["text"]).text
    plain = Scorer(embedder=embedder).score(article)
    assert "clean_text" not in plain.to_dict()


def test_cli_clean(tmp_path, fixture_articles):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(fixture_articles["seed-like"]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["clean", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    assert record["id"] == "seed-like" and record["error"] is None
    assert record["clean_text"] == Cleaner().clean(fixture_articles["seed-like"]["text"]).text

"""Readers: every input record becomes exactly one Article or RecordError, never a crash."""

import gzip
import json
import math

import pandas as pd
import pytest

from coherence.article import Article, RecordError
from coherence.io import FieldNames, InputError, open_writer, read_articles, read_records
from coherence.io.records import to_article


def test_jsonl_with_bad_lines_yields_one_item_per_line(tmp_path):
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Fine article text."}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"text": "No id here."}),
        json.dumps({"id": "c", "text": 42}),
        json.dumps({"id": "d", "text": ["a", "list"]}),
        json.dumps({"id": "e", "text": "   \n "}),
        json.dumps(["not", "an", "object"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_articles(path))
    assert len(items) == len(lines)
    assert isinstance(items[0], Article) and items[0].id == "a"
    assert (
        isinstance(items[1], RecordError)
        and "corpus.jsonl:2" in items[1].message
        and "malformed JSON" in items[1].message
    )
    assert isinstance(items[2], RecordError) and "'b'" in items[2].message and "missing text field" in items[2].message
    assert isinstance(items[3], Article) and items[3].id == "corpus.jsonl:4"
    assert "must be a string, got int" in items[4].message
    assert "got list" in items[5].message
    assert "empty or whitespace" in items[6].message
    assert "expected an object" in items[7].message


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ('"just a string"', "str"),
        ("42", "int"),
        ("3.5", "float"),
        ('["a"]', "list"),
        ("null", "null"),
        ("true", "bool"),
    ],
)
def test_jsonl_records_that_are_not_objects_are_errors_naming_the_line(tmp_path, line, got):
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Fine article text."}) + "\n" + line + "\n", encoding="utf-8")
    first, second = read_articles(path)
    assert isinstance(first, Article)
    assert isinstance(second, RecordError) and second.id == "corpus.jsonl:2"
    assert second.message == f"record corpus.jsonl:2: expected an object, got {got}"


def test_jsonl_blank_lines_are_skipped_and_keep_line_numbers(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('\n{"text": "First."}\n   \n\n{"text": "Second."}\n\n', encoding="utf-8")
    assert [item.id for item in read_articles(path)] == ["corpus.jsonl:2", "corpus.jsonl:5"]


def test_python_strings_are_still_texts():
    article = to_article("A plain string is the text.", "record-1")
    assert isinstance(article, Article) and article.text == "A plain string is the text."


def test_non_utf8_bytes_are_decoded_with_a_note(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": "x", "text": "Caf\xe9 owners said the plan was fine."}\n')
    (item,) = read_articles(path)
    assert isinstance(item, Article)
    assert item.text.startswith("Café")
    assert "cp1252" in item.meta["_decoding"]


def test_gzip_jsonl_and_custom_fields(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"key": "k1", "body": "Text body.", "headline": "A title"}) + "\n")
    (item,) = read_articles(path, FieldNames(text="body", title="headline", id="key"))
    assert (item.id, item.text, item.title) == ("k1", "Text body.", "A title")


def test_csv_and_parquet(tmp_path):
    frame = pd.DataFrame({"id": ["1", "2"], "text": ["First body.", None], "title": ["T1", None]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "c.parquet")
    for name in ("c.csv", "c.parquet"):
        first, second = read_articles(tmp_path / name)
        assert isinstance(first, Article) and first.title == "T1"
        assert isinstance(second, RecordError) and "'2'" in second.message


def test_folder_of_txt_files_uses_file_names_as_ids(tmp_path):
    (tmp_path / "one.txt").write_text("Title\n\nBody text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.txt").write_bytes(b"Caf\xe9 story.")
    items = list(read_articles(tmp_path))
    assert [i.id for i in items] == ["one", "sub/two"]


def test_nan_and_numbers_in_records():
    assert isinstance(to_article({"id": 1, "text": math.nan}, "r"), RecordError)
    art = to_article({"id": 7, "text": "ok text", "title": math.nan}, "r")
    assert isinstance(art, Article) and art.id == "7" and art.title is None


def test_unusable_input_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        list(read_articles(tmp_path / "missing.jsonl"))
    with pytest.raises(InputError):
        list(read_articles(tmp_path / "data.xlsx"))


@pytest.mark.parametrize("name", ["out.jsonl", "out.parquet", "out.jsonl.gz"])
def test_writers_round_trip(tmp_path, name):
    records = [
        {
            "id": "a",
            "quality": 0.5,
            "keep": True,
            "signals": {"x": 1.0},
            "flags": [],
            "error": None,
            "source": None,
        },
        {
            "id": "b",
            "quality": None,
            "keep": False,
            "signals": {},
            "flags": [],
            "error": "bad",
            "source": "s",
        },
    ]
    writer = open_writer(tmp_path / name)
    for r in records:
        writer.write(r)
    writer.close()
    back = read_records(tmp_path / name)
    assert [r["id"] for r in back] == ["a", "b"]
    assert back[0]["signals"] == {"x": 1.0} and back[1]["error"] == "bad"


def test_parquet_keeps_absent_scalar_columns_absent(tmp_path):
    path = tmp_path / "kept.parquet"
    writer = open_writer(path)
    writer.write({"id": "a", "quality": 0.9, "text": "The ferry left at noon."})  # a filter record: no keep
    writer.write({"id": "b", "quality": 0.1, "keep": False, "error": None, "source": "s"})  # a report
    writer.close()
    kept, report = read_records(path)
    assert kept == {"id": "a", "quality": 0.9, "text": "The ferry left at noon."}
    assert report == {"id": "b", "quality": 0.1, "keep": False, "error": None, "source": "s"}


def test_output_names_promising_another_format_are_refused():
    from coherence.io import check_output_path

    for name in ("kept.csv", "out.TSV", "x.txt.gz"):
        with pytest.raises(ValueError, match="JSON Lines .* or Parquet"):
            check_output_path(name)
    for name in ("kept.jsonl", "kept.jsonl.gz", "kept.parquet", "-", "shards/", "kept"):
        check_output_path(name)

"""The batch function: Hugging Face datasets.map(batched=True) and pandas."""

from __future__ import annotations

import json
import pickle

import pandas as pd

from coherence.batch import SIGNAL_COLUMNS, BatchScorer


def _columns(records: list[dict]) -> dict[str, list]:
    keys = sorted({k for r in records for k in r})
    return {k: [r.get(k) for r in records] for k in keys}


def test_batch_columns_match_score_many(scorer, fixture_articles):
    records = list(fixture_articles.values())
    out = BatchScorer(scorer, signals=True)(_columns(records))
    expected = [r.to_dict() for r in scorer.score_many(records)]
    assert [json.loads(r) for r in out["report"]] == json.loads(json.dumps(expected))
    assert out["quality"] == [r["quality"] for r in expected]
    assert out["keep"] == [r["keep"] for r in expected]
    for name in SIGNAL_COLUMNS:
        assert len(out[f"signal_{name}"]) == len(records)


def test_bad_rows_get_an_error_not_an_exception(scorer):
    batch = {"text": ["Fine text about a council vote on the new budget.", None, "   "], "id": ["a", "b", "c"]}
    out = BatchScorer(scorer)(batch)
    assert out["error"][0] is None
    assert out["error"][1] and "b" in out["error"][1]
    assert out["error"][2] and out["quality"][2] is None


def test_huggingface_datasets_map_batched(scorer, fixture_articles):
    import datasets

    records = list(fixture_articles.values())[:5]
    ds = datasets.Dataset.from_dict(_columns(records))
    scored = ds.map(BatchScorer(scorer, prefix="coh_"), batched=True, batch_size=3, load_from_cache_file=False)
    assert len(scored) == len(records)
    assert {"coh_quality", "coh_keep", "coh_error", "coh_report"} <= set(scored.column_names)
    assert [json.loads(r)["id"] for r in scored["coh_report"]] == [r["id"] for r in records]


def test_pandas_frame_and_with_indices(scorer, fixture_articles):
    records = list(fixture_articles.values())[:3]
    frame = pd.DataFrame({"body": [r["text"] for r in records]})
    batcher = BatchScorer(scorer, text="body")
    out = pd.DataFrame(batcher(frame.to_dict("list"), indices=[10, 11, 12]), index=frame.index)
    assert [json.loads(r)["id"] for r in out["report"]] == ["row-10", "row-11", "row-12"]
    assert out["quality"].between(0, 1).all()


def test_pickles_without_the_loaded_model(scorer):
    scorer.embedder.load()
    copy = pickle.loads(pickle.dumps(BatchScorer(scorer)))
    assert copy.scorer.embedder._model is None

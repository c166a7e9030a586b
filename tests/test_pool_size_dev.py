"""The pool-size dev check: its larger sample contains the baseline one, and its paired bootstrap."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.quality.pool_size_dev import extra_articles, paired_bootstrap
from coherence.training.data import clean_articles


def write_source(path: Path, prefix: str, count: int, **extra: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i in range(count):
            text = " ".join(f"word{i}x{k}" for k in range(130))
            handle.write(json.dumps({"id": f"{prefix}{i}", "title": f"Title {i}", "text": text, **extra}) + "\n")


def test_larger_sample_contains_the_baseline_sample(tmp_path: Path) -> None:
    write_source(tmp_path / "news/bbc.jsonl.gz", "bbc-", 60)
    write_source(tmp_path / "news/perezrosas.jsonl.gz", "pr-", 40, label="legit")
    small = clean_articles(tmp_path, "train", {"bbc": 10, "perezrosas": 5})
    large = clean_articles(tmp_path, "train", {"bbc": 30, "perezrosas": 20})
    extra = extra_articles(small, large)
    assert len(small) == 15
    assert len(extra) == len(large) - len(small) > 0
    assert {a["id"] for a in small} | {a["id"] for a in extra} == {a["id"] for a in large}


def test_extra_articles_refuses_a_baseline_outside_the_larger_sample() -> None:
    with pytest.raises(ValueError):
        extra_articles([{"id": "x"}], [{"id": "y"}])


def bootstrap_rows(articles: int) -> list[dict]:
    rows = []
    for i in range(articles):
        rows.append({"id": f"s{i}", "label": 1, "defect": None})
        rows.append({"id": f"s{i}~0", "label": 0, "defect": "shuffled" if i % 2 else "splice_sentence"})
    return rows


def test_paired_bootstrap_is_zero_for_the_same_predictions() -> None:
    rows = bootstrap_rows(40)
    p = np.random.default_rng(1).random(len(rows))
    out = paired_bootstrap(rows, p, p, np.ones(len(rows)), resamples=50)
    assert out["overall"]["mean"] == 0.0 and out["overall"]["sd"] == 0.0


def test_paired_bootstrap_sees_a_better_ranking() -> None:
    rows = bootstrap_rows(40)
    y = np.array([r["label"] for r in rows])
    noisy = np.random.default_rng(2).random(len(rows))
    perfect = 0.5 * noisy + 0.5 * y  # every clean record above every damaged one
    out = paired_bootstrap(rows, noisy, perfect, np.ones(len(rows)), resamples=50)
    for name in ("overall", "shuffled", "splice_sentence"):
        assert out[name]["mean"] > 0.2
        assert out[name]["share_not_better"] == 0.0

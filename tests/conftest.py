"""Shared test fixtures: the real bundled model, loaded once per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED_DATA = Path(os.environ.get("COHERENCE_DATA", ROOT.parent / "shared" / "data"))


def pytest_collection_modifyitems(config, items):
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"evaluation data not found at {SHARED_DATA}")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def embedder():
    from coherence.embedding import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def scorer(embedder):
    from coherence import Scorer

    return Scorer(embedder=embedder)


@pytest.fixture(scope="session")
def fixture_articles() -> dict[str, dict]:
    with open(FIXTURES / "articles.jsonl", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return {r["id"]: r for r in records}


@pytest.fixture(scope="session")
def expected() -> dict[str, dict]:
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def fixture_reports(scorer, fixture_articles):
    reports = list(scorer.score_many(fixture_articles.values()))
    return {r.id: r for r in reports}


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return SHARED_DATA

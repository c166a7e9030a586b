"""The BBC splice documents the drift model is trained and benchmarked on (benchmarks/drift/splices.py)."""

from __future__ import annotations

import pytest

splices = pytest.importorskip("benchmarks.drift.splices")


def _article(n: int, topic: str) -> dict:
    paragraphs = [f"Article {n} paragraph {k} says something about {topic} number {k}. It goes on." for k in range(4)]
    return {"id": f"a{n}", "title": f"Title {n}", "text": "\n\n".join(paragraphs), "topic": topic}


def test_build_groups_takes_donors_only_from_the_same_group():
    articles = [_article(n, topic) for n, topic in enumerate(["x", "y", "x", "y", "x", "y", "x", "y"])]
    groups = [0, 0, 0, 0, 1, 1, 1, 1]
    docs = splices.build_groups(articles, groups, "dev")
    group_of = {a["id"]: g for a, g in zip(articles, groups, strict=True)}
    topic_of = {a["id"]: a["topic"] for a in articles}
    assert len(docs) == 3 * len(articles)
    assert sorted(d.source_id for d in docs if d.relation == "none") == sorted(group_of)
    for doc in docs:
        if doc.relation == "none":
            assert not doc.gold
            continue
        donor = doc.id.split("+")[1]
        assert donor != doc.source_id and group_of[donor] == group_of[doc.source_id]
        assert (topic_of[donor] == topic_of[doc.source_id]) == (doc.relation == "same")
        assert doc.gold and all(0 <= s < e <= len(doc.text) for s, e in doc.gold)


@pytest.mark.data
def test_half_articles_are_the_benchmark_sources_and_donors(data_dir):
    dev = splices.half_articles(data_dir, "dev")
    test = splices.half_articles(data_dir, "test")
    assert not {a["id"] for a in dev} & {a["id"] for a in test}
    docs = splices.build(data_dir, 20)
    assert [d.source_id for d in docs if d.split == "dev" and d.relation == "none"] == [a["id"] for a in dev[:20]]
    donors = {d.id.split("+")[1] for d in docs if d.split == "dev" and d.relation != "none"}
    assert donors <= {a["id"] for a in dev[20:40]}

"""FNC-1: does ``headline_similarity`` separate related from unrelated headline-body pairs?

Related = agree, disagree or discuss; unrelated = the rest. Competition-test pairs only; nothing
is fitted on FNC-1.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.drift.data import read_jsonl


def pairs(data: Path) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    """Test bodies by id, and (headline, body id, related) for every competition-test pair."""
    bodies = {b["id"]: b["text"] for b in read_jsonl(data / "news" / "fnc1_bodies.jsonl.gz") if b["split"] == "test"}
    rows = [
        (s["headline"], s["body_id"], int(s["stance"] != "unrelated"))
        for s in read_jsonl(data / "news" / "fnc1_test_stances.jsonl.gz")
    ]
    return bodies, rows

"""The Ray engine on a local Ray cluster started in-process: the same records as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ray")

from coherence import Scorer  # noqa: E402
from coherence.engine.local import run_local  # noqa: E402
from coherence.io import read_articles, read_records  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles.jsonl"


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_engine_gives_the_records_of_the_local_engine(tmp_path, ray_cluster, embedder):
    from coherence.engine.ray import run_ray

    corpus = tmp_path / "corpus.jsonl"
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    # the fixtures, a record without an id, a repeated id and a malformed line
    extra = [json.dumps({"text": first["text"]}), json.dumps({**first, "title": "Again"}), "{oops"]
    corpus.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")

    local = tmp_path / "local.jsonl"
    run_local(Scorer(embedder=embedder), read_articles(corpus), input_path=str(corpus), output=str(local))
    remote = tmp_path / "ray.jsonl"
    summary = run_ray(Scorer(), str(corpus), str(remote))

    expected, got = read_records(local), read_records(remote)
    assert summary.records == len(expected) == len(lines) + 3
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert got == expected
    assert any(r["error"] for r in got) and any("#2" in r["id"] for r in got)


@pytest.mark.parametrize("cpus", [2.0, 4.0, 16.0])
def test_streamed_scoring_leaves_a_whole_cpu_for_ray_datas_read_tasks(cpus):
    """score_dataset's actors must not take the CPUs a streamed read needs (it hung there before)."""
    from coherence.engine.ray import _UPSTREAM_READ_CPUS, _actors

    class Cluster:
        def cluster_resources(self):
            return {"CPU": cpus}

    count, gpus, per_actor = _actors(Cluster(), None, reserved_cpus=_UPSTREAM_READ_CPUS)
    assert gpus == 0 and count >= 1
    assert cpus - count * per_actor >= 1.0

"""Throughput benchmark: model encoding alone vs the whole pipeline, on the same articles.

Every measurement runs in a fresh subprocess so its peak memory (``ru_maxrss``) is its own:

* ``encode``   the model alone on exactly the units the pipeline embeds (each chunk of
               ``chunk_size`` articles is prepared first, untimed; then only ``Embedder.encode``
               of the chunk's distinct units is timed: the same batches as the pipeline);
* ``pipeline`` the whole ``coherence score`` path: read the JSONL, prepare, embed, finish, corpus
               index, write the shards and assemble the output (``run_local``);
* ``host``     everything but the model (read, prepare, finish, corpus index, JSON), vectors untimed;
* ``interleaved`` torch and onnx encoding of the same chunks, alternating chunk by chunk, so both
               see the same load on a shared machine (speedup and cosine agreement);
* ``--alternate N``: the whole pipeline N times per backend, torch and onnx in turn (each a fresh
               subprocess), with the ratio of each pair: the fair whole-pipeline comparison on a
               shared machine;
* ``forward``  the transformer's forward pass alone on pre-tokenised length-sorted batches (the
               hardware limit; on a GPU with CUDA synchronisation), units and batches as ``encode``.

Model loading is excluded from every timing. Example (the commands in docs/benchmarks/throughput.md)::

    python benchmarks/throughput/bench.py --articles 1000 --backend torch onnx
    python benchmarks/throughput/bench.py --articles 1000 10000 --backend onnx --max-chars 300 \\
        --measure pipeline

Articles come from bbc and fnc1 alternately, in ../shared/data/news (4,812 together); beyond that the corpus is
repeated with distinct ids (``~r1``, ``~r2``, ...). Repeats land in other chunks than their
originals, so per-chunk dedupe does not hide them: they are embedded again (the embedding cache is
off), but the corpus index does flag them as duplicates.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("COHERENCE_DATA", ROOT.parent / "shared" / "data")) / "news"
CORPORA = ("bbc.jsonl.gz", "fnc1_bodies.jsonl.gz")
DEFAULT_MODEL = "all-MiniLM-L6-v2"  # the bundled one (as coherence.embedding.DEFAULT_MODEL)


def write_corpus(n: int, path: Path) -> None:
    corpora = []
    for name in CORPORA:
        with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
            corpora.append([json.loads(line) for line in handle])
    # alternate bbc and fnc1 (then the rest of the longer one), so any prefix has both
    records = [r for pair in itertools.zip_longest(*corpora) for r in pair if r is not None]
    with open(path, "w", encoding="utf-8") as out:
        for i, r in enumerate(itertools.islice(itertools.cycle(records), n)):
            rep = i // len(records)
            out.write(json.dumps({**r, "id": r["id"] + (f"~r{rep}" if rep else "")}, ensure_ascii=False) + "\n")


def machine_description() -> str:
    """CPU model and count (ratios depend on the CPU: int8 ONNX gains most where it has VNNI)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        flags = next(x for x in Path("/proc/cpuinfo").read_text().splitlines() if x.startswith("flags"))
        extras = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8") if f in flags.split()]
    except (OSError, StopIteration):
        extras = []
    return f"{model}, {os.cpu_count()} CPUs{', ' + ' '.join(extras) if extras else ''}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _scorer(args):
    from coherence import Scorer
    from coherence.embedding import Embedder

    embedder = Embedder(args.model, backend=args.backend, device=args.device, batch_size=args.batch_size).load()
    return Scorer(
        embedder=embedder,
        chunk_size=args.chunk_size,
        max_chars=args.max_chars,
        prefetch=args.measure != "serial",
        workers=args.workers if args.measure == "pipeline" else 0,
    )


def measure(args) -> dict:
    """One measurement (runs inside the child process)."""
    from coherence.io import read_articles

    scorer = _scorer(args)
    embedder = scorer.embedder
    if args.measure in ("pipeline", "serial"):
        from coherence.engine.local import run_local

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            summary = run_local(
                scorer,
                read_articles(args.corpus),
                input_path=args.corpus,
                output=str(Path(tmp) / "scores.jsonl"),
                shard_size=args.chunk_size * 8,
            )
            seconds = time.perf_counter() - t0
        return {"seconds": seconds, "articles": summary.records, "units": embedder.encoded_texts}
    if args.measure == "host":
        return _measure_host(scorer, args)
    if args.measure == "interleaved":
        return _measure_interleaved(scorer, args)
    # encode / forward: the units of each chunk, exactly as the pipeline embeds them
    articles = read_articles(args.corpus)
    seconds, n_articles, n_units, n_all_units = 0.0, 0, 0, 0
    forward_batches = []
    while chunk := list(itertools.islice(articles, args.chunk_size)):
        prepared = scorer._prepare_chunk(chunk)
        texts = [t for p in prepared if hasattr(p, "texts_to_embed") for t in p.texts_to_embed()]
        unique = list(dict.fromkeys(texts))
        n_articles, n_units, n_all_units = n_articles + len(chunk), n_units + len(unique), n_all_units + len(texts)
        if args.measure == "encode":
            t0 = time.perf_counter()
            embedder.encode(unique)
            seconds += time.perf_counter() - t0
        else:
            forward_batches.extend(_tokenised_batches(embedder, unique))
    if args.measure == "forward":
        seconds = _time_forward(embedder, forward_batches)
    return {"seconds": seconds, "articles": n_articles, "units": n_units, "units_before_dedupe": n_all_units}


def _measure_host(scorer, args) -> dict:
    """Everything but the model: read, prepare, finish, corpus index (vectors computed untimed)."""
    from coherence.blas_threads import blas_threads

    with blas_threads(scorer.blas_threads):  # as in score_many
        return _host_seconds(scorer, args)


def _host_seconds(scorer, args) -> dict:
    from coherence.detectors.corpus import CorpusIndex
    from coherence.io import read_articles
    from coherence.scorer import _add_to_corpus

    index = CorpusIndex(threshold=scorer.corpus_threshold)
    seconds, n_articles, n_units = 0.0, 0, 0
    articles = read_articles(args.corpus)
    while True:
        t0 = time.perf_counter()
        chunk = list(itertools.islice(articles, args.chunk_size))
        prepared = scorer._prepare_chunk(chunk)
        seconds += time.perf_counter() - t0
        if not chunk:
            break
        analyses = [p for p in prepared if hasattr(p, "texts_to_embed")]
        texts = [t for a in analyses for t in a.texts_to_embed()]
        vectors = scorer.embedder.embed(texts)  # untimed
        n_articles, n_units = n_articles + len(chunk), n_units + len(set(texts))
        t0 = time.perf_counter()
        offset = 0
        for a in analyses:
            k = len(a.texts_to_embed())
            a.attach_vectors(vectors[offset : offset + k])
            offset += k
        for p in prepared:
            report = p if not hasattr(p, "texts_to_embed") else scorer._finish_safely(p)
            if report.error is None and report.analysis is not None:
                _add_to_corpus(index, report)
            json.dumps(report.to_dict())
        seconds += time.perf_counter() - t0
    return {"seconds": seconds, "articles": n_articles, "units": n_units}


def _measure_interleaved(scorer, args) -> dict:
    """torch and onnx encoding of the same chunks, in turn, so both see the same machine load.

    Also in turn: plain ``SentenceTransformer.encode`` (character-length sorted batches of
    ``batch_size``, what the torch backend did before token batching), as a reference.
    """
    from coherence.embedding import Embedder
    from coherence.io import read_articles

    backends = {b: Embedder(backend=b, batch_size=args.batch_size).load() for b in ("torch", "onnx")}
    st = backends["torch"]._load()
    encoders = {
        "torch": backends["torch"].encode,
        "onnx": backends["onnx"].encode,
        "st": lambda texts: st.encode(
            texts, batch_size=args.batch_size or 256, normalize_embeddings=True, convert_to_numpy=True
        ),
    }
    names = list(encoders)
    seconds = dict.fromkeys(names, 0.0)
    n_articles, n_units, cosines = 0, 0, []
    articles = read_articles(args.corpus)
    turn = 0
    while chunk := list(itertools.islice(articles, args.chunk_size)):
        prepared = scorer._prepare_chunk(chunk)
        unique = list(dict.fromkeys(t for p in prepared if hasattr(p, "texts_to_embed") for t in p.texts_to_embed()))
        vectors = {}
        for name in names[turn % 3 :] + names[: turn % 3]:  # each goes first, second and last in turn
            t0 = time.perf_counter()
            vectors[name] = encoders[name](unique)
            seconds[name] += time.perf_counter() - t0
        cosines.extend((vectors["torch"] * vectors["onnx"]).sum(axis=1).tolist())
        n_articles, n_units, turn = n_articles + len(chunk), n_units + len(unique), turn + 1
    return {
        "seconds": seconds["torch"] + seconds["onnx"],
        "seconds_torch": seconds["torch"],
        "seconds_onnx": seconds["onnx"],
        "seconds_st": seconds["st"],
        "speedup": seconds["torch"] / seconds["onnx"],
        "speedup_vs_st": seconds["st"] / seconds["onnx"],
        "torch_vs_st": seconds["st"] / seconds["torch"],
        "mean_cosine": sum(cosines) / len(cosines),
        "min_cosine": min(cosines),
        "articles": n_articles,
        "units": n_units,
    }


def _tokenised_batches(embedder, texts):
    """The batches ``Embedder.encode`` runs (token-length sorted, token budget), tokenised."""
    from coherence.embedding import length_sorted_batches

    onnx = embedder.backend == "onnx"
    batcher = embedder._load_onnx() if onnx else embedder._token_batcher(embedder._load())
    encodings = batcher.tokenize(texts)
    cpu = onnx or embedder._load().device.type == "cpu"
    batches = length_sorted_batches(
        [len(e.ids) for e in encodings],
        max_texts=embedder._batch_size(cpu=cpu),
        max_tokens=embedder._token_budget(cpu=cpu),
    )
    pad = batcher.pad if onnx else batcher.features
    return [pad([encodings[i] for i in b]) for b in batches]


def _time_forward(embedder, batches) -> float:
    if embedder.backend == "onnx":
        onnx = embedder._load_onnx()
        t0 = time.perf_counter()
        for feeds in batches:
            onnx.session.run(None, {k: feeds[k] for k in onnx.input_names})
        return time.perf_counter() - t0
    import torch
    from sentence_transformers.util import batch_to_device

    st = embedder._load()
    cuda = st.device.type == "cuda"
    batches = [batch_to_device(b, st.device) for b in batches]  # on the card before timing
    with torch.inference_mode():
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for features in batches:
            st(features)
        if cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - t0


def child_main(argv) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--corpus")
    parser.add_argument("--measure")
    parser.add_argument("--backend")
    parser.add_argument("--device", default=None)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--max-chars", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args(argv)  # measure "serial": the pipeline without the prefetch thread
    result = measure(args)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print("RESULT " + json.dumps(result), flush=True)


def run_child(corpus: Path, measure_name: str, backend: str, args) -> dict:
    cmd = [
        sys.executable, __file__, "--child", "--corpus", str(corpus), "--measure", measure_name,
        "--backend", backend, "--chunk-size", str(args.chunk_size),
        "--max-chars", str(args.max_chars), "--model", args.model, "--workers", str(args.workers),
    ]  # fmt: skip
    if args.device:
        cmd += ["--device", args.device]
    if args.batch_size:
        cmd += ["--batch-size", str(args.batch_size)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{measure_name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT ") :])


def _alternate_pipelines(corpus: Path, n: int, args) -> dict:
    """The whole pipeline, torch and onnx in turn, ``args.alternate`` times each; ratio per pair."""
    runs = []
    for i in range(args.alternate):
        pair = {}
        for backend in ("torch", "onnx"):
            load = os.getloadavg()[0]
            r = run_child(corpus, "pipeline", backend, args)
            pair[backend] = {**r, "load_before": load}
            print(
                f"n={n:>6} alternate {i + 1}: {backend:5} pipeline {r['seconds']:8.1f} s"
                f"  {r['articles'] / r['seconds']:7.2f} articles/s  (1-min load before: {load:.1f})",
                flush=True,
            )
        pair["ratio"] = pair["torch"]["seconds"] / pair["onnx"]["seconds"]
        print(f"n={n:>6} alternate {i + 1}: onnx / torch pipeline articles/s: {pair['ratio']:.2f}x", flush=True)
        runs.append(pair)
    ratios = sorted(p["ratio"] for p in runs)
    print(f"n={n:>6} alternate: onnx / torch pipeline ratios {[round(x, 2) for x in ratios]}", flush=True)
    return {"articles": n, "backend": "alternate", "runs": runs}


def main() -> None:
    if "--child" in sys.argv:
        child_main(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--backend", nargs="+", default=["torch", "onnx"], choices=["torch", "onnx"])
    parser.add_argument("--measure", nargs="*", default=["encode", "pipeline", "forward"])
    parser.add_argument("--device", default=None)
    parser.add_argument("--model", default=DEFAULT_MODEL, help="a sentence-transformers name or local path")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the embedder's (256 CPU, 1024 GPU)")
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--max-chars", type=int, default=100_000)
    parser.add_argument(
        "--workers", type=int, default=0, help="pipeline: host-work processes (Scorer(workers=...)); 0: in process"
    )
    parser.add_argument(
        "--alternate",
        type=int,
        default=0,
        help="Also run the whole pipeline this many times per backend, alternating torch and onnx "
        "(torch, onnx, torch, onnx, ...; a fresh subprocess each), and print each pair's ratio.",
    )
    parser.add_argument("--json", default=None, help="Also write the results here.")
    args = parser.parse_args()
    machine = machine_description()
    print(f"machine: {machine}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.articles:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            write_corpus(n, corpus)
            for backend in args.backend:
                row = {"articles": n, "backend": backend, "max_chars": args.max_chars}
                for m in args.measure:
                    r = run_child(corpus, m, backend, args)
                    row[m] = r
                    rate = r["articles"] / r["seconds"]
                    print(
                        f"n={n:>6} {backend:5} {m:8}: {r['seconds']:8.1f} s  {rate:7.2f} articles/s"
                        f"  {r['units'] / r['seconds']:8.1f} units/s  peak {r['peak_rss_mb']:7.1f} MB",
                        flush=True,
                    )
                if "interleaved" in row:
                    r = row["interleaved"]
                    print(
                        f"n={n:>6} interleaved encode: torch {r['seconds_torch']:.1f} s,"
                        f" onnx {r['seconds_onnx']:.1f} s, onnx speedup {r['speedup']:.2f}x,"
                        f" cosine mean {r['mean_cosine']:.4f} min {r['min_cosine']:.4f};"
                        f" plain SentenceTransformer.encode {r['seconds_st']:.1f} s (torch backend"
                        f" {r['torch_vs_st']:.2f}x, onnx {r['speedup_vs_st']:.2f}x of it)",
                        flush=True,
                    )
                if "host" in row and "encode" in row:
                    share = row["host"]["seconds"] / (row["host"]["seconds"] + row["encode"]["seconds"])
                    print(f"n={n:>6} {backend:5} host work share of a serial run: {share:.3f}", flush=True)
                if "encode" in row and "pipeline" in row:
                    row["ratio"] = row["encode"]["seconds"] / row["pipeline"]["seconds"]
                    print(f"n={n:>6} {backend:5} pipeline / encode-only throughput: {row['ratio']:.3f}", flush=True)
                results.append(row)
            if args.alternate:
                results.append(_alternate_pipelines(corpus, n, args))
    by = {(r["articles"], r["backend"]): r for r in results}
    for n in args.articles:
        t, o = by.get((n, "torch")), by.get((n, "onnx"))
        if t and o and "pipeline" in t and "pipeline" in o:
            speed = t["pipeline"]["seconds"] / o["pipeline"]["seconds"]
            print(f"n={n:>6} onnx / torch pipeline articles/s: {speed:.2f}x")
    if len(args.articles) > 1:
        for backend in args.backend:
            rows = [by[(n, backend)] for n in args.articles if "pipeline" in by[(n, backend)]]
            if len(rows) > 1:
                growth = rows[-1]["pipeline"]["peak_rss_mb"] / rows[0]["pipeline"]["peak_rss_mb"]
                print(f"{backend}: peak memory {rows[-1]['articles']} / {rows[0]['articles']} articles: {growth:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()

"""News paragraphs per second on one GPU: plain sentence-transformers, coherence's embedder, and the
model's forward pass alone (issue 6's GPU target: >= 20,000 paragraphs/s end to end).

Runs where only torch and sentence-transformers are installed (the GPU machines): it imports
``coherence/embedding.py`` without the rest of the package. Input: a folder made by
``gpu_pack.py`` (the model in fp16; the paragraphs of its bbc and fnc1 articles). In one process, on the same
paragraphs (``--repeat`` copies, each text encoded as given, no dedupe):

* ``st``: ``SentenceTransformer.encode(batch_size=256)`` in fp16 (the brief's 6,200/s reference);
* ``coherence``: ``Embedder.encode`` (token-length batches, single-pass tokenising in
  ``--tokenizer-threads`` threads, padding ahead in a helper thread, fp16, vectors kept on the card);
* ``forward``: the transformer alone on the same batches, pre-tokenised and already on the card
  (the hardware limit).

Every batch shape is run once untimed first. Timings are the best of ``--rounds``. Also runs on a
CPU (``--device cpu --limit 2000``) as a dry run.

    python benchmarks/throughput/gpu_paragraphs.py --pack .gpu --device cuda --json $OUT/gpu.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_embedding():
    """coherence.embedding alone: the package's __init__ (and its detectors' dependencies) is skipped."""
    if "coherence" not in sys.modules:
        package = types.ModuleType("coherence")
        package.__path__ = [str(ROOT / "coherence")]
        sys.modules["coherence"] = package
    import coherence.embedding as embedding

    return embedding


def news_paragraphs(folder: Path) -> list[str]:
    """The paragraphs (blank-line separated, 5 words or more) of every article in ``folder``."""
    paragraphs = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                paragraphs += [p.strip() for p in text.split("\n\n") if len(p.split()) >= 5]
    return paragraphs


def _synchronize(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _best(fn, rounds: int, device: str) -> float:
    times = []
    for _ in range(rounds):
        _synchronize(device)
        t0 = time.perf_counter()
        fn()
        _synchronize(device)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", default=".gpu", help="folder written by gpu_pack.py")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--repeat", type=int, default=4, help="copies of the paragraph set")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N paragraphs (dry runs)")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the embedder's on a GPU (1024)")
    parser.add_argument("--st-batch-size", type=int, default=256, help="plain SentenceTransformer.encode's")
    parser.add_argument("--tokenizer-threads", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sweep-batch-sizes", type=int, nargs="*", default=[], help="also time coherence at these")
    parser.add_argument("--sweep-threads", type=int, nargs="*", default=[], help="also time these tokenizer threads")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import torch

    embedding = _import_embedding()
    pack = Path(args.pack)
    paragraphs = news_paragraphs(pack / "news")
    if args.limit:
        paragraphs = paragraphs[: args.limit]
    texts = paragraphs * args.repeat
    precision = "fp16" if args.device.startswith("cuda") else "fp32"
    embedder = embedding.Embedder(
        str(pack / "model"),
        device=args.device,
        batch_size=args.batch_size,
        precision=precision,
        tokenizer_threads=args.tokenizer_threads,
    ).load()
    st = embedder._load()
    print(f"{len(texts)} paragraphs ({len(paragraphs)} distinct x {args.repeat}), device {args.device}, {precision}")
    if args.device.startswith("cuda"):
        print(f"card: {torch.cuda.get_device_name()}")

    # the batches Embedder.encode runs, pre-tokenised and on the card, for the forward pass alone
    batcher = embedder._token_batcher(st)
    encodings = batcher.tokenize(texts)
    batches = embedding.length_sorted_batches(
        [len(e.ids) for e in encodings],
        max_texts=embedder._batch_size(cpu=not args.device.startswith("cuda")),
        max_tokens=embedder._token_budget(cpu=not args.device.startswith("cuda")),
    )
    from sentence_transformers.util import batch_to_device

    on_card = [batch_to_device(batcher.features([encodings[i] for i in b]), st.device) for b in batches]

    def forward():
        with torch.inference_mode():
            for features in on_card:
                st(features)

    def plain():
        st.encode(texts, batch_size=args.st_batch_size, convert_to_numpy=True, normalize_embeddings=True)

    def ours():
        embedder.encode(texts)

    warm = {"forward": forward, "st": plain, "coherence": ours}
    for fn in warm.values():  # every batch shape once, untimed
        fn()
    results = {"paragraphs": len(texts), "device": args.device, "precision": precision}
    if args.device.startswith("cuda"):
        results["card"] = torch.cuda.get_device_name()
        torch.cuda.reset_peak_memory_stats()
    for name, fn in warm.items():
        seconds = _best(fn, args.rounds, args.device)
        results[name] = {"seconds": seconds, "paragraphs_per_s": len(texts) / seconds}
        print(f"{name:9s} {seconds:8.2f} s  {len(texts) / seconds:10.0f} paragraphs/s", flush=True)
    results["coherence_vs_forward"] = results["forward"]["seconds"] / results["coherence"]["seconds"]
    results["coherence_vs_st"] = results["st"]["seconds"] / results["coherence"]["seconds"]
    if args.device.startswith("cuda"):
        results["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
    print(
        f"coherence: {results['coherence_vs_forward']:.2f}x the forward pass alone, "
        f"{results['coherence_vs_st']:.2f}x plain SentenceTransformer.encode"
    )
    for key, values in (("batch_size", args.sweep_batch_sizes), ("threads", args.sweep_threads)):
        for value in values:  # the same embedder with one setting changed, warmed up first
            embedder.batch_size, batcher.threads = args.batch_size, args.tokenizer_threads
            setattr(embedder if key == "batch_size" else batcher, key, value)
            ours()
            seconds = _best(ours, args.rounds, args.device)
            results[f"coherence_{key}_{value}"] = {"seconds": seconds, "paragraphs_per_s": len(texts) / seconds}
            print(f"coherence {key}={value}: {seconds:8.2f} s  {len(texts) / seconds:10.0f} paragraphs/s", flush=True)
    embedder.batch_size, batcher.threads = args.batch_size, args.tokenizer_threads
    a = embedder.encode(paragraphs[:2000])
    b = st.encode(paragraphs[:2000], batch_size=args.st_batch_size, convert_to_numpy=True, normalize_embeddings=True)
    results["cosine_to_st_min"] = float((a * b).sum(axis=1).min())
    print(f"cosine to SentenceTransformer.encode, min over 2,000: {results['cosine_to_st_min']:.5f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

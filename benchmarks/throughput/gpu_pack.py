"""Pack what gpu_paragraphs.py needs on a GPU machine into one small folder (default ``.gpu/``,
git-ignored): the bundled model with fp16 weights (the GPU runs it in fp16 anyway; about 45 MB
instead of 87 MB, so it fits the device tool's 64 MiB carry limit) and the paragraphs of bbc and
fnc1 bodies from ``../shared/data/news`` (read there, never committed).

    python benchmarks/throughput/gpu_pack.py -o .gpu
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("COHERENCE_DATA", ROOT.parent / "shared" / "data")) / "news"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default=str(ROOT / ".gpu"))
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    from coherence.embedding import DEFAULT_MODEL, load_sentence_transformer

    load_sentence_transformer(DEFAULT_MODEL, device="cpu").half().save(str(out / "model"))
    count = 0
    with gzip.open(out / "paragraphs.jsonl.gz", "wt", encoding="utf-8") as sink:
        for name in ("bbc.jsonl.gz", "fnc1_bodies.jsonl.gz"):
            with gzip.open(Path(args.data) / name, "rt", encoding="utf-8") as handle:
                for line in handle:
                    for paragraph in json.loads(line)["text"].split("\n\n"):
                        if len(paragraph.split()) >= 5:
                            sink.write(json.dumps({"text": paragraph.strip()}) + "\n")
                            count += 1
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
    print(f"{out}: model (fp16) and {count} paragraphs, {size:.1f} MiB")


if __name__ == "__main__":
    main()

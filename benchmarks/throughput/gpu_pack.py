"""Pack what the GPU benchmarks need into one small folder (default ``.gpu/``, git-ignored), so it
fits the device tool's 64 MiB carry limit:

* ``model/``: the bundled model with fp16 weights (the GPU runs it in fp16 anyway; about 45 MB
  instead of 87 MB);
* ``news/``: bbc and fnc1 bodies, copied from ``../shared/data/news`` (read there, never committed);
* ``site/``: the pure-Python packages the whole pipeline needs that a GPU image may lack (ftfy,
  wcwidth, datasketch, justext, lxml_html_clean, and blingfire's tokenizer library without its
  optional model files), copied from this environment, for ``PYTHONPATH``.

    python benchmarks/throughput/gpu_pack.py -o .gpu
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("COHERENCE_DATA", ROOT.parent / "shared" / "data")) / "news"
CORPORA = ("bbc.jsonl.gz", "fnc1_bodies.jsonl.gz")
PACKAGES = ("ftfy", "wcwidth", "datasketch", "justext", "lxml_html_clean")


def _copy_packages(site: Path) -> None:
    for name in PACKAGES:
        source = Path(importlib.import_module(name).__file__).parent
        shutil.copytree(source, site / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    blingfire = Path(importlib.import_module("blingfire").__file__).parent
    (site / "blingfire").mkdir(parents=True, exist_ok=True)
    for name in ("__init__.py", "libblingfiretokdll.so"):
        shutil.copy2(blingfire / name, site / "blingfire" / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default=str(ROOT / ".gpu"))
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args()
    out = Path(args.output)
    (out / "news").mkdir(parents=True, exist_ok=True)

    from coherence.embedding import DEFAULT_MODEL, load_sentence_transformer

    load_sentence_transformer(DEFAULT_MODEL, device="cpu").half().save(str(out / "model"))
    for name in CORPORA:
        shutil.copy2(Path(args.data) / name, out / "news" / name)
    _copy_packages(out / "site")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
    print(f"{out}: model (fp16), {len(CORPORA)} corpora and {len(PACKAGES) + 1} packages, {size:.1f} MiB")


if __name__ == "__main__":
    main()

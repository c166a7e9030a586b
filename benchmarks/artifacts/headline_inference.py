"""How often the headline inferred from a text without a title is the record's own title (dev check).

    python benchmarks/artifacts/headline_inference.py [--rev REV]

A ``.txt`` file has no title field, so its headline is inferred from the text. For each of six news
files, the first ``--records`` records in file order that have a title and are in no artifact-label batch
are written as title + newline + body, and :meth:`HeadlineDetector.find` is run with no title (and with
the article's artifact lines skipped, as the scorer does). Printed per file: how often the inferred
headline is the title. ``--rev`` runs ``coherence/detectors/headline.py`` as it was at a git revision, for
a before/after comparison on the same records.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import types
from pathlib import Path

from coherence.detectors import ArtifactDetector
from coherence.detectors.headline import HeadlineDetector
from coherence.units import Span

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl"
FILES = (
    "bbc.jsonl.gz",
    "fakenewscorpus_sample.jsonl.gz",
    "fakenewsnet_v1.jsonl.gz",
    "golbeck.jsonl.gz",
    "horne.jsonl.gz",
    "perezrosas.jsonl.gz",
)


def detector_at(rev: str | None) -> HeadlineDetector:
    """The shipped detector, or the one in ``headline.py`` at git revision ``rev``."""
    if rev is None:
        return HeadlineDetector()
    source = subprocess.run(
        ["git", "show", f"{rev}:coherence/detectors/headline.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(f"headline_at_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"headline.py@{rev}", "exec"), module.__dict__)
    return module.HeadlineDetector()


def records(data: Path, name: str, skip: set[tuple[str, str]], limit: int) -> list[dict]:
    out = []
    with gzip.open(data / "news" / name, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            title, text = (record.get("title") or "").strip(), (record.get("text") or "").strip()
            if title and text and (name, record["id"]) not in skip:
                out.append({"title": title, "text": f"{title}\n{text}"})
            if len(out) == limit:
                break
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--records", type=int, default=150, help="records per file")
    parser.add_argument("--rev", default=None, help="git revision of headline.py to run instead of the shipped one")
    args = parser.parse_args(argv)
    labelled = {(row["file"], row["id"]) for row in map(json.loads, LABELS.read_text(encoding="utf-8").splitlines())}
    headlines, artifacts = detector_at(args.rev), ArtifactDetector()
    found = total = 0
    for name in FILES:
        hits = 0
        batch = records(args.data, name, labelled, args.records)
        for record in batch:
            text = record["text"]
            skip = [Span(f.start, f.end) for f in artifacts.detect(text, None) if f.kind == "artifact"]
            match = headlines.find(text, None, skip=skip)
            hits += match is not None and match.text.strip() == record["title"]
        print(f"{name:34} {hits:4d} of {len(batch)}")
        found, total = found + hits, total + len(batch)
    print(f"{'all':34} {found:4d} of {total}")


if __name__ == "__main__":
    main()

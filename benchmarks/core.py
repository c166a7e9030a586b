"""Articles/s and peak memory of `coherence score` end to end (the command users run).

    python -m benchmarks.core --data ../shared/data -o docs/benchmarks/core.md

Runs `coherence score` in a fresh subprocess on (a) the fixtures and (b) the first N BBC articles
(N=1000 by default), and reports wall time, articles/s and the subprocess's peak resident memory.
Includes model loading, reading and writing: this is what a user waits for.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_score(input_path: Path, output: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `coherence score` subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "coherence", "score", str(input_path), "-o", str(output), "--no-progress"],
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("-o", "--output", default=None, help="Markdown page to write")
    args = parser.parse_args()

    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fixtures = ROOT / "fixtures" / "articles.jsonl"
        n_fixtures = sum(1 for line in fixtures.open() if line.strip())
        bbc = tmp / "bbc.jsonl"
        with (
            gzip.open(Path(args.data) / "news" / "bbc.jsonl.gz", "rt", encoding="utf-8") as src,
            bbc.open("w") as dst,
        ):
            for i, line in enumerate(src):
                if i >= args.n:
                    break
                dst.write(line)
        for name, path, n in (("fixtures", fixtures, n_fixtures), (f"bbc first {args.n}", bbc, args.n)):
            wall, peak = run_score(path, tmp / "out.jsonl")
            out_records = sum(1 for line in (tmp / "out.jsonl").open() if line.strip())
            assert out_records == n, (out_records, n)
            rows.append((name, n, wall, n / wall, peak))

    load_after = os.getloadavg()
    lines = [
        "| input | articles | wall s | articles/s | peak RSS MiB |",
        "|---|---|---|---|---|",
        *[f"| {name} | {n} | {wall:.1f} | {rate:.2f} | {peak:.0f} |" for name, n, wall, rate, peak in rows],
    ]
    table = "\n".join(lines)
    print(table)
    if args.output:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        page = (
            "# Core: `coherence score` end to end\n\n"
            f"Command: `python -m benchmarks.core --data ../shared/data --n {args.n} -o {args.output}`\n\n"
            f"Machine: {machine}, CPU only, default torch backend. Wall time includes starting Python, loading "
            "the model, reading, scoring and writing. Peak RSS is the `coherence score` subprocess's maximum "
            "resident memory (`ru_maxrss`). The machine is shared, so absolute rates are indicative only: "
            f"1-minute load average {load_before[0]:.1f} at the start and {load_after[0]:.1f} at the end "
            "(2 cores). The fixtures row is dominated by start-up (imports and model load).\n\n"
            f"{table}\n"
        )
        Path(args.output).write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Kill-and-resume trials: interrupt real ``coherence score`` runs and check exactly-once output.

Each trial starts ``coherence score CORPUS -o OUT.jsonl --shard-size 2``, waits until a random
number of shards is on disk, interrupts it with a random signal (SIGKILL, SIGINT or SIGTERM),
sometimes interrupts the resumed run again, then runs ``--resume`` until it finishes, and
compares the output with an uninterrupted run: every input record exactly once, in order, and
byte-identical records. The runs use a frozen copy of the package (so edits made to the working
tree meanwhile cannot change the results between runs). The corpus is the fixture articles
repeated with distinct ids; an embedding cache (``--cache-dir``) keeps each trial short, which
does not touch the engine's sharding and resume logic.

    python benchmarks/throughput/kill_resume.py --trials 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "articles.jsonl"


SNAPSHOT: Path | None = None  # a frozen copy of the package, so edits made meanwhile change nothing


def cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(SNAPSHOT)}
    code = "from coherence.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, "score", *args, "--no-progress"], cwd=SNAPSHOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)  # fmt: skip


def _default_sigint() -> None:
    """Children of a background job start with SIGINT ignored; give them Ctrl-C back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shards(parts: Path) -> int:
    n = 0
    while (parts / f"part-{n:06d}.jsonl").is_file():
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--copies", type=int, default=10, help="Fixture copies in the corpus.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    global SNAPSHOT
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        SNAPSHOT = tmp / "snapshot"
        shutil.copytree(ROOT / "coherence", SNAPSHOT / "coherence", ignore=shutil.ignore_patterns("__pycache__"))
        records = [json.loads(x) for x in FIXTURES.read_text(encoding="utf-8").splitlines() if x.strip()]
        corpus = tmp / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as out:
            for c in range(args.copies):
                for r in records:
                    out.write(json.dumps({**r, "id": f"{r['id']}~{c}"}) + "\n")
        n_records = len(records) * args.copies
        total_shards = -(-n_records // 2)
        cache = tmp / "cache"
        common = ["--shard-size", "2", "--cache-dir", str(cache)]
        reference = tmp / "reference.jsonl"
        assert cli(str(corpus), "-o", str(reference), *common).wait() == 0
        failures, interruptions = 0, 0
        for trial in range(args.trials):
            out = tmp / f"trial-{trial}.jsonl"
            parts = Path(f"{out}.parts")
            kills = 1 + (rng.random() < 0.5)
            resume: list[str] = []
            log = []
            for _ in range(kills):
                target = rng.randint(shards(parts) + 1, total_shards - 1) if shards(parts) + 1 < total_shards else None
                sig = rng.choice([signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
                proc = cli(str(corpus), "-o", str(out), *common, *resume)
                while target is not None and proc.poll() is None and shards(parts) < target:
                    time.sleep(0.01)
                if proc.poll() is None:
                    proc.send_signal(sig)
                    interruptions += 1
                    log.append(f"{sig.name}@{shards(parts)}")
                proc.wait()
                resume = ["--resume"]
            while cli(str(corpus), "-o", str(out), *common, "--resume").wait() != 0:
                pass
            lines = out.read_text(encoding="utf-8").splitlines()
            ids = [json.loads(x)["id"] for x in lines]
            lost = n_records - len(set(ids))
            duplicated = len(ids) - len(set(ids))
            identical = out.read_bytes() == reference.read_bytes()
            if not identical:
                expected = reference.read_text(encoding="utf-8").splitlines()
                first = next(i for i, (x, y) in enumerate(zip(lines, expected, strict=False)) if x != y)
                print(f"  first difference at record {first}:\n  got      {lines[first][:600]}\n"
                      f"  expected {expected[first][:600]}")  # fmt: skip
            ok = lost == 0 and duplicated == 0 and identical
            failures += not ok
            what = " ".join(log) or "none (finished first)"
            print(f"trial {trial}: interrupted {what}; lost {lost}, duplicated {duplicated}, "
                  f"identical to uninterrupted: {identical}", flush=True)  # fmt: skip
        print(f"{args.trials} trials, {interruptions} interruptions, {failures} failed")
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

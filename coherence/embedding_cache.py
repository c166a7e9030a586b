"""An on-disk cache of embeddings keyed by model and text, so re-scoring costs no embedding."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """Vectors stored in one SQLite file per model under ``directory``.

    Keys are the SHA-1 of the text; values are float32 bytes. Safe to share between processes.
    """

    def __init__(self, directory: str | Path, model: str) -> None:
        self.directory = Path(directory)
        self.model = model
        self.directory.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(model.encode("utf-8")).hexdigest()[:16]
        self._db = sqlite3.connect(self.directory / f"{name}.sqlite", timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB)")
        self._db.commit()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).digest()

    def get_many(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``texts``."""
        keys = {self.key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        items = list(keys)
        for i in range(0, len(items), 500):
            chunk = items[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)]
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        self._db.commit()

"""An :class:`~coherence.embedding.Embedder` that reads and writes an on-disk vector cache."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from coherence.embedding import Embedder
from coherence.embedding_cache import EmbeddingCache


class CachedEmbedder(Embedder):
    """Embeds only the texts missing from the cache; counts the seconds spent encoding.

    ``encode_seconds`` and ``encoded`` are for the cost report: how long the model ran and for how
    many texts, so detector time can be set against embedding time.
    """

    def __init__(self, model: str = "all-MiniLM-L6-v2", *, cache_dir: str, batch_size: int = 64) -> None:
        super().__init__(model, batch_size=batch_size)
        self.cache_dir = cache_dir
        self.encode_seconds = 0.0
        self.encoded = 0
        self.lookup_seconds = 0.0
        self.looked_up = 0

    def _store(self) -> EmbeddingCache:
        if self._cache is None:
            self._cache = EmbeddingCache(self.cache_dir, self.model)
        return self._cache

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, 384), dtype=np.float32)
        t0 = time.perf_counter()
        found = self._store().get_many(texts)
        self.lookup_seconds += time.perf_counter() - t0
        self.looked_up += len(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            t0 = time.perf_counter()
            fresh = super().embed(missing)
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(missing)
            self._store().put_many(missing, fresh)
            found.update(zip(missing, fresh, strict=True))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

"""An :class:`~coherence.embedding.Embedder` that keeps every vector in an on-disk cache.

Training scores thousands of variants of the same articles; most of their units are shared, so
after the first run retraining costs detector time only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coherence.embedding import DEFAULT_MODEL, Embedder
from coherence.embedding_cache import EmbeddingCache


class CachedEmbedder(Embedder):
    """Looks each text up in ``cache_dir`` first and embeds only the missing ones."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str | None = None,
        batch_size: int = 64,
        precision: str | None = None,
        cache_dir: str | None = None,
    ) -> None:
        super().__init__(model, device=device, batch_size=batch_size, precision=precision)
        self.cache_dir = cache_dir
        self._store = EmbeddingCache(cache_dir, model) if cache_dir else None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._store is None or len(texts) == 0:
            return super().embed(texts)
        found = self._store.get_many(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = super().embed(missing)
            self._store.put_many(missing, vectors)
            found.update(zip(missing, vectors, strict=True))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

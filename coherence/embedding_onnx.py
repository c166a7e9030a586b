"""An int8 ONNX Runtime encoder for CPUs, built locally from the sentence-transformers weights.

Nothing is downloaded: on first use the model's transformer is exported to ONNX with torch,
its weight matrices are quantised to int8 (dynamic, per-channel: ONNX Runtime's
``quantize_dynamic``; the token embeddings stay fp32, which costs no speed and keeps the
agreement with torch higher), and the result is checked against the torch model on a fixed set of
sentences; it is kept only when the mean cosine is at least :data:`MIN_AGREEMENT`. The built
model is cached under the user cache directory (``$COHERENCE_CACHE_DIR``, else
``$XDG_CACHE_HOME/coherence``, else ``~/.cache/coherence``) in ``onnx/<model>-<key>/``, where the
key changes whenever the weights, torch or onnxruntime change, so a stale build is never used.
Building takes a few seconds; concurrent builders are safe (build in a temporary folder, then
rename).

Pooling follows the model's own sentence-transformers config (mean or CLS pooling, then
L2-normalised), so other sentence-transformers models with a BERT-like transformer work too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coherence.embedding import (
    TokenBatcher,
    _prefetch,
    length_sorted_batches,
    load_sentence_transformer,
    resolve_model_path,
)
from coherence.extras import require

MIN_AGREEMENT = 0.99
BUILD_FORMAT = 3  # 3: token embeddings kept in fp32 (only MatMul and Attention weights int8)

# Sentences the built model must agree on with torch: news-like, short to long, with numbers,
# names, quotes, boilerplate and non-English words (written for this check).
CHECK_SENTENCES = [
    "The council approved the new budget on Tuesday after a three-hour debate.",
    "Share this article on Facebook",
    "Click here to subscribe to our newsletter.",
    "By Jane Doe, Staff Reporter",
    "LONDON (Reuters) -",
    "Shares in the company fell 4.2% to $18.50 in early trading, wiping $1.3bn off its value.",
    "The striker scored twice in the second half to secure a 3-1 win over the league leaders.",
    "Scientists say the new vaccine could be ready for trials by the end of next year.",
    '"We will not give up," the minister told reporters outside parliament.',
    "Heavy rain caused flooding across the north of the country, and thousands of homes lost power.",
    "Photo: AP",
    "All rights reserved.",
    "Advertisement",
    "The film, which stars two newcomers, opened to mixed reviews but strong box office sales.",
    "Der Bundestag hat am Donnerstag ein neues Gesetz verabschiedet.",
    "Le gouvernement a annoncé de nouvelles mesures pour soutenir les agriculteurs.",
    "Police said a 34-year-old man had been arrested on suspicion of burglary and released on bail.",
    "The central bank left interest rates unchanged at 0.5%, citing uncertainty over inflation.",
    "Read more: How the election was won",
    "Follow us on Twitter @newsdesk",
    "A recipe for lemon cake: mix the flour, sugar and butter, then bake for forty minutes.",
    "Quarterly profits at the media giant jumped 76% to $1.13bn for the three months to December, "
    "from $639m a year earlier, helped by sales of high-speed internet connections and higher advert "
    "sales, although users of its online service continued to fall.",
    "The opposition leader accused the government of failing to deliver on its promises on health, "
    "education and transport, and said voters would punish it at the next general election, which "
    "must be held by the spring of next year. Ministers rejected the claims and pointed to falling "
    "unemployment and record investment in schools.",
    "Thousands of people were evacuated from their homes as the river burst its banks overnight. "
    "Emergency crews worked through the night to reinforce flood defences, and the army was called "
    "in to help. Officials warned that more rain was expected over the weekend and urged residents "
    "to follow instructions and stay away from the water.",
    "The company said it expected sales to grow by between 3% and 5% next year.",
    "Tickets go on sale on Friday at 9am.",
    "He denied all the charges.",
    "Copyright 2018 The Associated Press. This material may not be published, broadcast, rewritten or redistributed.",
    "The match was postponed because of a waterlogged pitch.",
    "Researchers analysed data from more than 10,000 patients over a period of ten years.",
]


def default_cache_root() -> Path:
    """The user cache directory of coherence (never inside the repository or the package)."""
    if os.environ.get("COHERENCE_CACHE_DIR"):
        return Path(os.environ["COHERENCE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coherence"


def default_onnx_dir() -> Path:
    return default_cache_root() / "onnx"


def _build_key(model_path: Path) -> str:
    import torch

    onnxruntime = require("onnxruntime", "the onnx backend", "onnx")

    h = hashlib.sha1()
    h.update(f"format={BUILD_FORMAT};ort={onnxruntime.__version__};torch={torch.__version__}".encode())
    h.update(str(model_path.resolve()).encode())
    for file in sorted(model_path.rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin", ".json", ".txt"}:
            st = file.stat()
            h.update(f"{file.relative_to(model_path)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _model_layout(model_path: Path) -> dict:
    """Pooling, normalisation and maximum length from the sentence-transformers config files."""
    modules = _read_json(model_path / "modules.json")
    modules = modules if isinstance(modules, list) else []
    pooling_dir = next((m.get("path") for m in modules if m.get("type", "").endswith("Pooling")), None)
    pooling = _read_json(model_path / pooling_dir / "config.json") if pooling_dir else {}
    if pooling.get("pooling_mode_cls_token"):
        mode = "cls"
    elif pooling.get("pooling_mode_mean_tokens", True):
        mode = "mean"
    else:
        raise RuntimeError(f"ONNX backend: unsupported pooling in {model_path} ({pooling})")
    normalize = any(m.get("type", "").endswith("Normalize") for m in modules)
    max_len = int(_read_json(model_path / "sentence_bert_config.json").get("max_seq_length") or 256)
    return {"pooling": mode, "normalize": normalize, "max_seq_length": max_len}


class OnnxEncoder:
    """Encodes texts with an int8 ONNX model; rows are L2-normalised float32.

    ``threads``: ONNX Runtime's intra-op threads (default: ``$COHERENCE_ORT_THREADS``, else one
    per core). ``spinning``: whether idle worker threads busy-wait for the next operator. Off by
    default: in the pipeline the model shares the cores with the thread that prepares the next
    chunk, and spinning workers take CPU time from it.
    """

    def __init__(self, directory: str | Path, *, threads: int | None = None, spinning: bool = False) -> None:
        from tokenizers import Tokenizer

        ort = require("onnxruntime", "the onnx backend", "onnx")

        self.directory = Path(directory)
        self.threads = threads
        self.spinning = spinning
        self.info = _read_json(self.directory / "build.json")
        layout = self.info["layout"]
        self.pooling = layout["pooling"]
        self.max_seq_length = int(layout["max_seq_length"])
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        threads = threads or int(os.environ.get("COHERENCE_ORT_THREADS", "0") or 0)
        if threads:
            options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        self.session = ort.InferenceSession(
            str(self.directory / "model.int8.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = [i.name for i in self.session.get_inputs()]
        self._batcher = TokenBatcher(
            Tokenizer.from_file(str(self.directory / "tokenizer.json")),
            max_length=self.max_seq_length,
            pad_id=int(self.info.get("pad_id", 0)),
            token_type_ids="token_type_ids" in self.input_names,
        )
        self.dimension = int(self.info["dimension"])

    @property
    def agreement(self) -> float:
        return float(self.info["agreement"])

    def tokenize(self, texts: Sequence[str]) -> list:
        """Token encodings, unpadded and truncated at the model's maximum length."""
        return self._batcher.tokenize(texts)

    def pad(self, encodings: Sequence) -> dict[str, np.ndarray]:
        """The model's inputs for a batch of encodings, padded to the longest one."""
        return self._batcher.pad(encodings)

    def forward(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        hidden = self.session.run(None, {k: feeds[k] for k in self.input_names})[0]
        if self.pooling == "cls":
            vectors = hidden[:, 0, :]
        else:
            mask = feeds["attention_mask"][:, :, None].astype(np.float32)
            vectors = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)

    def encode(self, texts: Sequence[str], batch_size: int = 256, max_batch_tokens: int | None = None) -> np.ndarray:
        """Token-length-sorted batches (see :func:`~coherence.embedding.length_sorted_batches`);
        the next batch is padded while the model runs this one."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenize(texts)
        batches = length_sorted_batches(
            [len(e.ids) for e in encodings], max_texts=batch_size, max_tokens=max_batch_tokens
        )
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        padded = (self.pad([encodings[i] for i in b]) for b in batches)
        for batch, feeds in zip(batches, _prefetch(padded, depth=2), strict=True):
            out[batch] = self.forward(feeds)
        return out

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build_or_load(cls, model: str, *, onnx_dir: str | Path | None = None) -> OnnxEncoder:
        """The cached int8 build of ``model``, building (and checking) it first when missing."""
        model_path = Path(resolve_model_path(model))
        if not model_path.is_dir():
            raise RuntimeError(
                f"ONNX backend: {model!r} is not a local model folder; the ONNX backend builds from "
                "local weights only (the default model is bundled)"
            )
        root = Path(onnx_dir) if onnx_dir else default_onnx_dir()
        target = root / f"{model_path.name}-{_build_key(model_path)}"
        if not (target / "build.json").is_file():
            build(model, model_path, target)
        return cls(target)


def build(model: str, model_path: Path, target: Path) -> None:
    """Export, quantise and check ``model``; the result appears at ``target`` atomically."""
    import torch

    require("onnx", "building the onnx backend's model", "onnx")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        st = load_sentence_transformer(model, device="cpu").float().eval()
        layout = _model_layout(model_path)
        transformer = _eager_transformer(model_path, st)
        tokenizer = st.tokenizer
        sample = tokenizer(["a short one", "a slightly longer sentence to export"], padding=True)
        input_names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

        class _Wrapper(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, *args):
                return self.inner(**dict(zip(input_names, args, strict=True))).last_hidden_state

        args = tuple(torch.tensor(sample[n], dtype=torch.long) for n in input_names)
        fp32 = work / "model.fp32.onnx"
        with _quiet():
            torch.onnx.export(
                _Wrapper(transformer),
                args,
                str(fp32),
                input_names=input_names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*input_names, "last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
            source, fused = _fuse(fp32, transformer.config, work)
            quantize_dynamic(
                str(source),
                str(work / "model.int8.onnx"),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul", "Attention"],  # the embedding lookup stays fp32
                nodes_to_exclude=[] if fused else _outer_layer_matmuls(fp32),
                extra_options={"MatMulConstBOnly": True, "DefaultTensorType": 1},  # 1: FLOAT
            )
        for leftover in work.glob("model.fp32*.onnx"):
            leftover.unlink()
        if (model_path / "tokenizer.json").is_file():
            shutil.copy(model_path / "tokenizer.json", work / "tokenizer.json")
        else:
            tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
        dimension = int(st.get_embedding_dimension())
        info = {
            "model": model,
            "model_path": str(model_path),
            "layout": layout,
            "dimension": dimension,
            "pad_id": int(tokenizer.pad_token_id or 0),
            "quantization": "dynamic int8, per-channel weights (onnxruntime quantize_dynamic), embeddings fp32"
            + (", fused attention" if fused else ", outer layers fp32"),
        }
        (work / "build.json").write_text(json.dumps({**info, "agreement": 0.0}), encoding="utf-8")
        reference = st.encode(CHECK_SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
        built = OnnxEncoder(work).encode(CHECK_SENTENCES)
        agreement = float((reference * built).sum(axis=1).mean())
        if agreement < MIN_AGREEMENT:
            raise RuntimeError(
                f"ONNX backend: the int8 build of {model!r} agrees with torch at a mean cosine of "
                f"{agreement:.4f} < {MIN_AGREEMENT}; use the torch backend for this model"
            )
        info["agreement"] = round(agreement, 5)
        (work / "build.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        try:
            os.rename(work, target)
        except OSError:
            if not (target / "build.json").is_file():  # not a concurrent builder's finished copy
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _eager_transformer(model_path: Path, st):
    """The transformer with plain (eager) attention, whose ONNX graph ONNX Runtime can fuse."""
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()
    except Exception:  # noqa: BLE001 - a layout AutoModel cannot load: export the module as it is
        return st[0].auto_model.eval()


def _fuse(fp32: Path, config, work: Path) -> tuple[Path, bool]:
    """ONNX Runtime's BERT fusions (attention, embedding, layer norm, GELU); (model, fused?).

    Fused attention quantises to QAttention: about 1.6x the speed of torch on a 2-core CPU,
    against about 0.8x for the unfused int8 graph.
    """
    try:
        from onnxruntime.transformers import optimizer

        optimized = optimizer.optimize_model(
            str(fp32),
            model_type="bert",
            num_heads=int(config.num_attention_heads),
            hidden_size=int(config.hidden_size),
        )
        if optimized.get_fused_operator_statistics().get("Attention", 0) == 0:
            return fp32, False
        target = work / "model.fp32.fused.onnx"
        optimized.save_model_to_file(str(target))
        return target, True
    except Exception:  # noqa: BLE001 - not a BERT-like graph: quantise it unfused
        return fp32, False


def _outer_layer_matmuls(path: Path) -> list[str]:
    """The MatMul nodes of the first and last transformer layers, which stay in fp32.

    Quantising every layer of all-MiniLM-L6-v2 gives a mean cosine of about 0.991 to torch on
    news text; keeping the outer two layers in fp32 gives about 0.995 for a small cost in speed.
    """
    import re

    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    layer = re.compile(r"layer\.(\d+)/")
    numbered = [(int(m.group(1)), n.name) for n in graph.node if n.op_type == "MatMul" and (m := layer.search(n.name))]
    if not numbered:
        return []
    last = max(i for i, _ in numbered)
    return [name for i, name in numbered if i in (0, last)]


@contextlib.contextmanager
def _quiet():
    """Silence the exporter's tracer warnings and the quantiser's pre-processing advice."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)

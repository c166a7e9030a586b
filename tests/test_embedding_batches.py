"""Token-length batching: little padding, bounded batches, and the same vectors as plain encoding."""

from __future__ import annotations

import numpy as np
import torch

from coherence.embedding import Embedder, TokenBatcher, length_sorted_batches, token_lengths


def test_batches_cover_every_index_once_sorted_and_within_the_budget():
    lengths = [5, 256, 12, 12, 40, 3, 256, 100, 7, 9]
    batches = length_sorted_batches(lengths, max_texts=4, max_tokens=300)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    for b in batches:
        assert 1 <= len(b) <= 4
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 300
    assert [len(b) for b in batches][:2] == [1, 1]  # a 256-token text alone
    assert [len(b) for b in length_sorted_batches(lengths, max_texts=4)] == [4, 4, 2]


def test_token_lengths_count_special_tokens_and_truncate(embedder):
    st = embedder._load()
    lengths = token_lengths(st.tokenizer, ["Hello world.", "word " * 1000], st.max_seq_length)
    assert lengths.tolist() == [len(st.tokenizer("Hello world.")["input_ids"]), st.max_seq_length]


def test_token_budget_batches_give_the_vectors_of_sentence_transformers(embedder, scorer, fixture_articles):
    texts = []
    for record in fixture_articles.values():
        from coherence.io.records import DEFAULT_FIELDS

        analysis = scorer.prepare(scorer._as_article(record, 1, DEFAULT_FIELDS, {}))
        if hasattr(analysis, "texts_to_embed"):
            texts.extend(analysis.texts_to_embed())
    texts = list(dict.fromkeys(texts))
    budgeted = Embedder(max_batch_tokens=512).encode(texts)  # many small batches
    reference = embedder._load().encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    assert budgeted.shape == reference.shape
    assert float((budgeted * reference).sum(axis=1).min()) > 0.9999


def test_single_pass_tokenising_gives_sentence_transformers_features(embedder):
    st = embedder._load()
    texts = ["  Hello world.  ", "word " * 1000, "Ünïcödé — quotes “like” this", "a", "Tabs\tand\nnewlines inside"]
    batcher = TokenBatcher.for_sentence_transformer(st, threads=2)
    assert batcher is not None
    ours = batcher.features(batcher.tokenize(texts))
    theirs = st.preprocess(texts)
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if torch.is_tensor(value):
            assert torch.equal(ours[key], value), key
        else:
            assert ours[key] == value


def test_threaded_tokenising_keeps_the_order(embedder):
    batcher = TokenBatcher.for_sentence_transformer(embedder._load(), threads=3)
    texts = [f"sentence number {i} " * (1 + i % 7) for i in range(1500)]
    threaded = batcher.tokenize(texts)
    assert [e.ids for e in threaded] == [
        e.ids for e in TokenBatcher.for_sentence_transformer(embedder._load()).tokenize(texts)
    ]


def test_batch_size_defaults_to_the_device_kind_and_an_explicit_one_is_kept():
    default = Embedder()
    assert default.batch_size is None  # stored unchanged; resolved per device when encoding
    assert (default._batch_size(cpu=True), default._batch_size(cpu=False)) == (256, 1024)
    assert Embedder(batch_size=64)._batch_size(cpu=False) == 64

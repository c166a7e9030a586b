"""The one entry point: :class:`Scorer` turns articles into :class:`~coherence.report.Report`\\ s."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from coherence.analysis import Analysis
from coherence.article import Article, RecordError
from coherence.blas_threads import blas_threads
from coherence.cleaning import clean
from coherence.detectors import ArtifactDetector, DriftDetector, HeadlineDetector, RepeatDetector
from coherence.detectors.boilerplate import BoilerplateDetector
from coherence.detectors.corpus import CorpusIndex
from coherence.detectors.drift import boundary_cohesion
from coherence.detectors.endings import ends_mid_sentence, ends_open, last_content_line
from coherence.detectors.heuristics import DocumentHeuristics
from coherence.detectors.introductions import StoryIntroductions
from coherence.detectors.language import LanguageDetector, LanguageResult
from coherence.detectors.order import ParagraphOrder
from coherence.detectors.position import ParagraphPosition
from coherence.detectors.topics import CorpusTopics
from coherence.detectors.unit_fit import ParagraphFit, SentenceFit
from coherence.embedding import DEFAULT_MODEL, Embedder, _prefetch
from coherence.flags import Flag
from coherence.host_pool import HostPool
from coherence.io.records import DEFAULT_FIELDS, FieldNames, to_article
from coherence.record_ids import renamed_repeat
from coherence.report import Report
from coherence.scoring import QualityModel, is_scoreable
from coherence.units import Span, content_units, has_words, split_lines

ArticleLike = Article | RecordError | dict[str, Any] | str


class Scorer:
    """Scores articles for topic drift, duplicated headlines and text, and scraping artifacts.

    Parameters
    ----------
    model:
        Sentence-transformers model name or local path; the default is bundled (offline).
    device, batch_size, precision:
        Passed to the :class:`~coherence.embedding.Embedder`.
    threshold:
        ``keep`` is ``quality >= threshold``. Changing it never needs re-scoring.
    chunk_size:
        Articles whose units are embedded together in one call.
    max_chars:
        Only the first ``max_chars`` characters of a longer text are analysed (a warning says so).
    artifact_detector, headline_detector, repeat_detector, drift_detector:
        Detector instances; ``None`` uses each detector's defaults.
    quality_model:
        A :class:`~coherence.scoring.QualityModel`; ``None`` loads the bundled one.
    embedder:
        An :class:`~coherence.embedding.Embedder` to use instead of building one from ``model``.
    boilerplate_detector:
        A *fitted* :class:`~coherence.detectors.boilerplate.BoilerplateDetector`: lines recurring
        across articles of the same source are flagged as artifacts. ``None``: no such check.
    language_detector, heuristics:
        Non-English / non-text detection and the Gopher, C4 and FineWeb signals; ``None`` uses defaults.
    paragraph_order:
        The paragraph-order signal (:class:`~coherence.detectors.order.ParagraphOrder`); ``None``: defaults.
    paragraph_position:
        The paragraph-position probe (:class:`~coherence.detectors.position.ParagraphPosition`);
        ``None`` loads the bundled one.
    story_introductions:
        Text cues of a text that does not start where its story starts
        (:class:`~coherence.detectors.introductions.StoryIntroductions`); ``None``: defaults.
    sentence_fit, paragraph_fit:
        The spliced-sentence and spliced-paragraph models (:class:`~coherence.detectors.unit_fit.SentenceFit`,
        :class:`~coherence.detectors.unit_fit.ParagraphFit`); ``None`` loads the bundled ones.
    corpus_duplicates:
        In :meth:`score_many`, find exact and near-duplicate bodies and shared headlines across the
        batch (streaming, MinHash LSH) and fill each report's ``corpus``.
    corpus_threshold:
        Shingle Jaccard similarity at or above which two bodies are near duplicates.
    include_clean_text:
        Add ``clean_text`` (artifacts and repeated headline lines removed) to each report.
    prefetch:
        In :meth:`score_many`, overlap the stages of consecutive chunks: a helper thread reads and
        prepares chunk i+2 and another embeds chunk i+1 while this one finishes chunk i (the
        model releases the GIL). Results are the same either way.
    workers:
        Processes that prepare and finish articles in :meth:`score_many` (see
        :mod:`coherence.host_pool`) while this one reads, embeds and keeps the corpus index: for a
        GPU, which one process cannot keep busy. 0 (the default) does all host work in this process.
    blas_threads:
        Threads numpy's BLAS may use while :meth:`score_many` runs (see :mod:`coherence.blas_threads`):
        the detectors' matrices are small, and idle BLAS threads spin on CPU the model needs.
        ``None`` leaves the process's setting alone.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str | None = None,
        batch_size: int | None = None,
        precision: str | None = None,
        threshold: float = 0.5,
        chunk_size: int = 128,
        max_chars: int = 100_000,
        artifact_detector: ArtifactDetector | None = None,
        headline_detector: HeadlineDetector | None = None,
        repeat_detector: RepeatDetector | None = None,
        drift_detector: DriftDetector | None = None,
        quality_model: QualityModel | None = None,
        embedder: Embedder | None = None,
        boilerplate_detector: BoilerplateDetector | None = None,
        language_detector: LanguageDetector | None = None,
        heuristics: DocumentHeuristics | None = None,
        paragraph_order: ParagraphOrder | None = None,
        paragraph_position: ParagraphPosition | None = None,
        story_introductions: StoryIntroductions | None = None,
        sentence_fit: SentenceFit | None = None,
        paragraph_fit: ParagraphFit | None = None,
        corpus_duplicates: bool = True,
        corpus_threshold: float = 0.8,
        include_clean_text: bool = False,
        prefetch: bool = True,
        workers: int = 0,
        blas_threads: int | None = 1,
    ) -> None:
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.precision = precision
        self.threshold = threshold
        self.chunk_size = chunk_size
        self.max_chars = max_chars
        self.artifact_detector = artifact_detector or ArtifactDetector()
        self.headline_detector = headline_detector or HeadlineDetector()
        self.repeat_detector = repeat_detector or RepeatDetector()
        self.drift_detector = drift_detector or DriftDetector()
        self.quality_model = quality_model or QualityModel.load()
        self.embedder = embedder or Embedder(model, device=device, batch_size=batch_size, precision=precision)
        self.boilerplate_detector = boilerplate_detector
        self.language_detector = language_detector or LanguageDetector()
        self.heuristics = heuristics or DocumentHeuristics()
        self.paragraph_order = paragraph_order or ParagraphOrder()
        self.paragraph_position = paragraph_position or ParagraphPosition.load()
        self.story_introductions = story_introductions or StoryIntroductions()
        self.sentence_fit = sentence_fit or SentenceFit.load()
        self.paragraph_fit = paragraph_fit or ParagraphFit.load()
        self.corpus_duplicates = corpus_duplicates
        self.corpus_threshold = corpus_threshold
        self.include_clean_text = include_clean_text
        self.prefetch = prefetch
        self.workers = workers
        self.blas_threads = blas_threads

    # -- public API -------------------------------------------------------------------------
    def score(self, article: ArticleLike, *, title: str | None = None, id: str = "article") -> Report:
        """Score one article (an Article, a dict record, or plain text)."""
        if isinstance(article, str):
            article = {"text": article, "title": title, "id": id}
        return next(self.score_many([article]))

    def score_many(
        self,
        articles: Iterable[ArticleLike],
        fields: FieldNames = DEFAULT_FIELDS,
        *,
        skip: int = 0,
        written: Iterable[dict[str, Any]] | None = None,
    ) -> Iterator[Report]:
        """Stream one report per input, in input order; bad records get a report with ``error``.

        With ``corpus_duplicates``, each report's ``corpus`` says which *earlier* article of this
        call it duplicates (see :mod:`coherence.detectors.corpus`; about 5.4 KB of index per article).

        The first ``skip`` records yield no report: they are read, prepared and added to the corpus
        index but not embedded, so the reports that follow are those of a full run (resume).
        ``written``, the reports an interrupted run wrote for them, says which it indexed (those
        without an error); a record whose id is not the written one raises :class:`WrittenMismatch`.
        Until the iteration ends, numpy's BLAS uses ``blas_threads`` threads in the whole process.
        """
        with blas_threads(self.blas_threads):
            yield from self._score_many(articles, fields, skip, written)

    def _score_many(
        self, articles: Iterable[ArticleLike], fields: FieldNames, skip: int, written: Iterable[dict] | None
    ) -> Iterator[Report]:
        seen_ids: dict[str, int] = {}
        numbered = (self._as_article(item, n, fields, seen_ids) for n, item in enumerate(articles, start=1))
        index = CorpusIndex(threshold=self.corpus_threshold) if self.corpus_duplicates else None
        written_records = iter(written) if written is not None else None
        for item in itertools.islice(numbered, skip):
            if written_records is not None and written_with_error(item.id, next(written_records, None)):
                continue
            if index is not None and isinstance(item, Article):
                analysis = self._prepare_safely(item)
                if isinstance(analysis, Analysis):
                    _add_to_corpus(index, Report(id=item.id, signals={}, analysis=analysis))
        chunks = iter(lambda: list(itertools.islice(numbered, self.chunk_size)), [])
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(HostPool(self, self.workers)) if self.workers else None
            staged = pool.prepare(chunks) if pool else (self._prepare_chunk(chunk) for chunk in chunks)
            if self.prefetch:
                staged = _prefetch(staged, depth=1)
            embedded = (self._embed(prepared) for prepared in staged)
            if self.prefetch:
                embedded = _prefetch(embedded, depth=1)
            finished = pool.finish(embedded) if pool else map(self.finish_many, embedded)
            for reports in finished:
                for report in reports:
                    if index is not None and report.error is None and report.analysis is not None:
                        _add_to_corpus(index, report)
                    yield report

    def score_frame(self, frame, *, text: str = "text", title: str = "title", id: str = "id"):
        """Score a pandas DataFrame; returns one row per input row with the report's columns."""
        import pandas as pd

        fields = FieldNames(text=text, title=title, id=id)
        records = frame.to_dict(orient="records")
        rows = [r.to_dict() for r in self.score_many(records, fields)]
        return pd.DataFrame(rows, index=frame.index)

    # -- pipeline ---------------------------------------------------------------------------
    def _as_article(self, item: ArticleLike, n: int, fields: FieldNames, seen: dict[str, int]):
        if not isinstance(item, Article | RecordError):
            item = to_article(item, f"record-{n}", fields)
        return renamed_repeat(item, seen)

    def _prepare_safely(self, item: Article) -> Analysis | Report:
        try:
            return self.prepare(item)
        except ImportError:
            raise  # a broken installation is not a problem of this record: stop with the real cause
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
            return Report.failed(item.id, f"record {item.id!r}: analysis failed ({exc!r})", item.source)

    def _prepare_chunk(self, chunk: list[Article | RecordError]) -> list[Analysis | Report]:
        """Host work for one chunk (no model): what :meth:`score_many` overlaps with embedding."""
        return [
            Report.failed(item.id, item.message, item.source)
            if isinstance(item, RecordError)
            else self._prepare_safely(item)
            for item in chunk
        ]

    def _embed(self, prepared: list[Analysis | Report]) -> list[Analysis | Report]:
        """Attach the vectors of its units to every analysis of one chunk (one model call)."""
        analyses = [p for p in prepared if isinstance(p, Analysis)]
        texts = [t for a in analyses for t in a.texts_to_embed()]
        vectors = self.embedder.embed(texts)
        offset = 0
        for analysis in analyses:
            n = len(analysis.texts_to_embed())
            analysis.attach_vectors(vectors[offset : offset + n])
            offset += n
        return prepared

    def finish_many(self, prepared: list[Analysis | Report]) -> list[Report]:
        """Finish the analyses of one batch (vectors attached), each compared with the batch's other
        articles (corpus-aware drift evidence, see :mod:`coherence.detectors.topics`)."""
        analyses = [p for p in prepared if isinstance(p, Analysis)]
        corpus = None
        if self.drift_detector.corpus_weight > 0:  # opt-in; nothing to compute when it is off
            corpus = self.drift_detector.corpus([a.paragraph_vectors for a in analyses])
        position = {id(a): i for i, a in enumerate(analyses)}
        return [p if isinstance(p, Report) else self._finish_safely(p, corpus, position[id(p)]) for p in prepared]

    def prepare(self, article: Article) -> Analysis | Report:
        """Everything that needs no embedding: artifacts, headline, repeats, content units."""
        warnings = []
        for key in ("_decoding", "_id_warning"):
            if key in article.meta:
                warnings.append(article.meta[key])
        text = article.text
        if not has_words(text):
            return Report.failed(article.id, f"record {article.id!r}: text has no words", article.source)
        if len(text) > self.max_chars:
            warnings.append(f"text has {len(text)} characters; only the first {self.max_chars} were analysed")
            text = text[: self.max_chars]
        flags = self.artifact_detector.detect(text, article.title)
        if self.boilerplate_detector is not None:
            flagged = {(f.start, f.end) for f in flags}
            boilerplate = self.boilerplate_detector.detect(text, article.source)
            flags = sorted([*flags, *(f for f in boilerplate if (f.start, f.end) not in flagged)], key=_position)
        line_spans = {(s.start, s.end) for s in split_lines(text)}
        artifact_lines = [Span(f.start, f.end) for f in flags if (f.start, f.end) in line_spans]
        headline = self.headline_detector.find(text, article.title, skip=artifact_lines)
        flags += self.headline_detector.repeats(text, headline, skip=artifact_lines)
        repeated_headlines = [(f.start, f.end) for f in flags if f.kind == "duplicate_headline"]
        flags += [f for f in self.repeat_detector.detect(text) if (f.start, f.end) not in repeated_headlines]
        excluded = [Span(f.start, f.end) for f in flags if _removes_content(f, text)]
        if headline is not None and headline.field == "text":
            excluded.append(Span(headline.start, headline.end))
        units = content_units(text, excluded)
        visible = sum(len(s) for s in split_lines(text)) or 1
        furniture = _covered_chars([(f.start, f.end) for f in flags if f.kind == "artifact"]) / visible
        language = self.language_detector.assess(text)
        language_flags = self.language_detector.detect(text, furniture_fraction=furniture, assessment=language)
        warnings += [f"{f.reason}" for f in language_flags]
        flags += language_flags
        return Analysis(article, text, headline, flags, units, warnings, language=language)

    def _finish_safely(self, analysis: Analysis, corpus: CorpusTopics | None = None, index: int = 0) -> Report:
        try:
            return self.finish(analysis, corpus.others(index) if corpus is not None else None)
        except ImportError:
            raise
        except Exception as exc:  # noqa: BLE001
            a = analysis.article
            return Report.failed(a.id, f"record {a.id!r}: scoring failed ({exc!r})", a.source)

    def detect_drift(self, analysis: Analysis, corpus_vectors: np.ndarray | None = None):
        """The drift detector's result (a :class:`~coherence.detectors.drift.DriftResult`) for one analysis."""
        units, text = analysis.units, analysis.text
        return self.drift_detector.detect(
            analysis.paragraph_vectors,
            analysis.sentence_vectors,
            units.sentence_paragraph,
            paragraph_weights=np.array([len(p) for p in units.paragraphs], dtype=float),
            paragraph_words=np.array([len(t.split()) for t in units.paragraph_texts]),
            sentence_words=np.array([len(t.split()) for t in units.sentence_texts(text)]),
            headline_vector=analysis.headline_vector,
            sentence_texts=units.sentence_texts(text),
            corpus_vectors=corpus_vectors,
        )

    def finish(self, analysis: Analysis, corpus_vectors: np.ndarray | None = None) -> Report:
        """Drift, headline similarity, signals and the quality score, from attached vectors.

        ``corpus_vectors``: paragraph vectors of the other articles of the batch, if any (see
        :meth:`finish_many`).
        """
        units, text = analysis.units, analysis.text
        drift = analysis.drift = self.detect_drift(analysis, corpus_vectors)
        flags = list(analysis.flags)
        for o in drift.offtopic_paragraphs:
            span = units.paragraphs[o.index]
            flags.append(Flag("offtopic", span.start, span.end, o.score, o.reason))
        for o in drift.offtopic_sentences:
            span = units.sentences[o.index]
            flags.append(Flag("offtopic", span.start, span.end, o.score, o.reason))
        flags.sort(key=lambda f: (f.field != "title", f.start, f.end))
        signals = self._signals(analysis, flags)
        warnings = list(analysis.warnings)
        if is_scoreable(signals):
            quality, contributions = self.quality_model.score(signals)
            clean_quality = self.quality_model.after_cleaning(contributions)
        else:
            quality, contributions, clean_quality = None, {}, None
            warnings.append("quality not scored: the quality model is made for English prose (see the flags)")
        report = Report(
            id=analysis.article.id,
            quality=quality,
            keep=quality is not None and quality >= self.threshold,
            clean_quality=clean_quality,
            signals=signals,
            flags=flags,
            headline=analysis.headline.to_dict() if analysis.headline else None,
            segments=self._segments(analysis),
            contributions=contributions,
            warnings=warnings,
            source=analysis.article.source,
        )
        if self.include_clean_text:
            report.extra["clean_text"] = clean(text, flags).text
        report.analysis = analysis
        return report

    def _segments(self, analysis: Analysis) -> list[dict[str, int]]:
        drift, units = analysis.drift, analysis.units
        spans = units.paragraphs if drift.segment_unit == "paragraph" else units.sentences
        starts = drift.segment_starts
        out = []
        for i, first in enumerate(starts):
            last = (starts[i + 1] if i + 1 < len(starts) else len(spans)) - 1
            out.append({"start": spans[first].start, "end": spans[last].end})
        return out

    def _signals(self, analysis: Analysis, flags: list[Flag]) -> dict[str, float]:
        text, units, drift = analysis.text, analysis.units, analysis.drift
        visible = sum(len(s) for s in split_lines(text)) or 1
        content = sum(len(p) for p in units.paragraphs) or 1

        def covered(kind: str) -> int:
            return _covered_chars([(f.start, f.end) for f in flags if f.kind == kind and f.field == "text"])

        last_line = last_content_line(text, units)
        headline_similarity = float("nan")
        if analysis.headline_vector is not None and drift.topic is not None:
            headline_similarity = self.drift_detector.headline_similarity(analysis.headline_vector, drift)
        return {
            "headline_similarity": headline_similarity,
            "offtopic_fraction": covered("offtopic") / content,
            "artifact_fraction": covered("artifact") / visible,
            "duplicate_headline": float(len([f for f in flags if f.kind == "duplicate_headline"])),
            "duplicate_text_fraction": covered("duplicate_text") / visible,
            "content_words": float(sum(len(t.split()) for t in units.paragraph_texts)),
            "paragraphs": float(len(units.paragraphs)),
            "sentences": float(len(units.sentences)),
            "segments": float(len(drift.segment_starts)),
            "min_topic_similarity": float(drift.paragraph_topic_similarity.min())
            if len(units.paragraphs)
            else float("nan"),
            "mean_neighbour_similarity": boundary_cohesion(analysis.sentence_vectors, units.sentence_paragraph),
            "artifact_lines": float(len([f for f in flags if f.kind == "artifact"])),
            "offtopic_units": float(len([f for f in flags if f.kind == "offtopic"])),
            "ends_mid_sentence": ends_mid_sentence(
                last_line, len(units.paragraph_texts[-1].split()) if units.paragraph_texts else 0
            ),
            "min_sentence_similarity": float(drift.sentence_topic_similarity.min())
            if len(units.sentences)
            else float("nan"),
            "lead_headline_gap": _lead_headline_gap(analysis.sentence_vectors, analysis.headline_vector),
            "paragraph_order_z": self.paragraph_order.z_score(
                analysis.sentence_vectors, units.sentence_paragraph, analysis.headline_vector
            ),
            "paragraph_position_corr": self.paragraph_position.order_correlation(analysis.paragraph_vectors),
            "max_sentence_evidence": _nanmax(drift.sentence_evidence),
            "max_paragraph_evidence": _nanmax(drift.paragraph_evidence),
            "ends_open": ends_open(last_line),
            **self.story_introductions.signals(units.paragraph_texts),
            "sentence_splice_logit": self.sentence_fit.max_logit(
                self.sentence_fit.inputs(drift, units.sentence_texts(text))
            ),
            "paragraph_splice_logit": self.paragraph_fit.max_logit(
                self.paragraph_fit.inputs(
                    drift, analysis.paragraph_vectors, analysis.headline_vector, units.paragraph_texts
                )
            ),
            **self._text_signals(text, flags, analysis.language),
        }

    def _text_signals(self, text: str, flags: list[Flag], language: LanguageResult | None) -> dict[str, float]:
        """Language, non-text and the Gopher / C4 / FineWeb document heuristics."""
        language = language or self.language_detector.assess(text)
        return {
            "non_english": float(any(f.kind == "non_english" for f in flags)),
            "non_text": float(any(f.kind == "non_text" for f in flags)),
            "english_stopword_ratio": language.english_ratio,
            "letter_fraction": language.letter_fraction,
            "boilerplate_lines": float(len([f for f in flags if f.reason.startswith("recurs in ")])),
            **self.heuristics.signals(text),
        }


def _position(flag: Flag) -> tuple[int, int]:
    return flag.start, flag.end


class WrittenMismatch(ValueError):
    """The records an interrupted run wrote are not the first records of this input."""


def written_with_error(record_id: str | None, record: dict[str, Any] | None) -> bool:
    """Whether an interrupted run's report ``record`` for input record ``record_id`` is an error (then
    that run did not index it); :class:`WrittenMismatch` when they are not the same record (``None``:
    the input or the output ended)."""
    if record_id is None or record is None or record.get("id") != record_id:
        got = "nothing" if record_id is None else repr(record_id)
        found = "nothing" if record is None else repr(record.get("id"))
        raise WrittenMismatch(f"the input has {got} where the output has {found}")
    return record.get("error") is not None


def _add_to_corpus(index: CorpusIndex, report: Report) -> None:
    """Index one scored article; fill its ``corpus`` record, flags and signals."""
    analysis = report.analysis
    headline = analysis.headline
    match = index.add(
        report.id,
        analysis.text,
        headline.text if headline else None,
        headline_field=headline.field if headline else "title",
        headline_start=headline.start if headline else None,
    )
    report.corpus = match.to_dict()
    if match.flags:
        report.flags = sorted([*report.flags, *match.flags], key=lambda f: (f.field != "title", f.start, f.end))
    report.signals["duplicate_article"] = float(bool(match.duplicate_of or match.near_duplicate_of))
    report.signals["headline_shared_with"] = float(match.headline_shared_with)


def _removes_content(flag: Flag, text: str) -> bool:
    """Whether a flagged span is left out of the content units.

    Whole lines and line tails (a glued share widget) are; mojibake and entities inside a line
    of prose are not: that prose is still the article, only wrongly encoded.
    """
    if flag.category == "encoding":
        return False
    line_end = text.find("\n", flag.start)
    line_end = len(text) if line_end < 0 else line_end
    return not text[flag.end : line_end].strip()


def _nanmax(values) -> float:
    """The largest non-NaN value (drift evidence: how strongly the most suspect unit stands out)."""
    values = np.asarray([] if values is None else values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.max()) if len(values) else float("nan")


def _lead_headline_gap(sentence_vectors, headline_vector) -> float:
    """How much better the best-matching sentence fits the headline than the first one does.

    News puts the story's gist first; a large gap hints at a lead that is missing or out of place.
    """
    if headline_vector is None or sentence_vectors is None or len(sentence_vectors) == 0:
        return float("nan")
    similarity = sentence_vectors @ headline_vector
    return float(similarity.max() - similarity[0])


def _covered_chars(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total

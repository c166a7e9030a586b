"""Does the article end where its last sentence ends? The cut-off signals ``ends_mid_sentence`` and ``ends_open``.

Both are judged on the last *content* line: artifact lines and spans (a share or comments widget,
a glued share label) are already left out of the content units, and what is left is read as follows.

- A line that starts in lower case continues the line before it (a hard-wrapped sentence), so the
  two are read as one.
- A short tag glued after a finished sentence (a site name, a domain, ``Via: Some Paper``, a video
  code) is set aside: ``... the minister said. Site Name`` ends on the full stop, not mid-sentence.
- A last line that follows another unpunctuated line of the same block (a list of names, a set of
  headings) is a list item, not a cut sentence.
- A line that ends on decoration (``***``, ``###``) was ended on purpose.

Everything else is unchanged from the first rule: a last paragraph of 10 words or more whose last
line stops without closing punctuation stops mid-sentence; a last line of 3 words or more that stops
on a lower-case word, a comma or a dash stops open.
"""

from __future__ import annotations

import re

from coherence.units import Span, Units

#: Characters that end a sentence.
TERMINAL = ".!?…"
#: Characters that may follow the end of a sentence and still close it (quotes, brackets; an
#: opening curly quote too, which sloppy typing puts at the end of a quotation).
CLOSERS = "\"'”’“‘)»]"
#: Characters after which a text stops open (a phrase is unfinished).
OPEN_ENDS = ",-–—"
#: Decoration a line may end on (on purpose: a cut text does not).
DECORATION = "*#~=_|•·"
#: A glued tag has at most this many words.
TAG_WORDS = 3
#: English function words: a sentence (and so a cut one) starts on them, a site name or a code rarely does.
_FUNCTION_WORD_LIST = """a an the this that these those some any each every other another such no not all
    both many more most much few several i me my we us our you your he him his she her it its they them
    their who whom whose
    which what where when why how and but or nor so yet for if as than then though although because while
    until unless since after before once of in on at to by from with without into onto over under about
    above below between among through during against across after along around near off up down out
    is are was were be been being am do does did has have had will would shall should can could may might
    must there here also only even just still perhaps however meanwhile mr mrs ms dr i'm i've i'd i'll
    it's he's she's we're they're don't didn't"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
#: The end of a sentence: terminal marks, closers, then the end, a space, or anything but a
#: lower-case letter or digit (``said./site.com``, ``presidency.S``; not ``example.com``, ``3.5``).
_SENTENCE_END = re.compile(rf"[{re.escape(TERMINAL)}]+[{re.escape(CLOSERS)}]*(?=$|\s|[^a-z0-9{re.escape(TERMINAL)}])")


def last_content_line(text: str, units: Units) -> str:
    """The article's last content line, as a reader would judge its end (see the module docstring).

    Empty when the article has no content, or when its last line is a list item.
    """
    if not units.sentences:
        return ""
    block = units.paragraphs[-1]
    pieces = _content_lines(text, units, block)
    line = pieces[-1]
    i = len(pieces) - 1
    while i > 0 and line[:1].islower():  # a hard-wrapped sentence: read its lines as one
        i -= 1
        line = pieces[i] + " " + line
    if i > 0 and not _closed(pieces[i - 1]) and not _closed(line):
        return ""  # two unpunctuated lines in a row: a list or headings, not a cut sentence
    return line


def _content_lines(text: str, units: Units, block: Span) -> list[str]:
    """The content of each line of ``block`` (its sentences joined), in order."""
    lines: dict[int, list[str]] = {}
    for sentence in units.sentences:
        if block.start <= sentence.start < block.end:
            line_start = text.rfind("\n", 0, sentence.start) + 1
            lines.setdefault(line_start, []).append(sentence.text(text))
    return [" ".join(parts) for _, parts in sorted(lines.items())]


def _closed(line: str) -> bool:
    line = line.rstrip()
    return bool(line) and (line[-1] in TERMINAL + CLOSERS + DECORATION + ":;")


def without_glued_tag(line: str) -> str:
    """``line`` without a short tag glued after its last finished sentence: a site name, a domain
    or handle, a code (at most :data:`TAG_WORDS` words, the last not a lower-case word)."""
    line = line.rstrip()
    ends = list(_SENTENCE_END.finditer(line))
    if not ends or ends[-1].end() == len(line):
        return line
    tail = line[ends[-1].end() :].strip(" \t-–—/|:")
    return line[: ends[-1].end()] if tail and _is_tag(tail) else line


def _is_tag(tail: str) -> bool:
    """A name, domain or code rather than the start of a sentence: at most :data:`TAG_WORDS` words,
    none of them an English stop word (a leading "The" aside), not ending on a lower-case word or
    an open mark. A cut sentence starts on the words a tag lacks ("They", "But", "In ...")."""
    words = tail.split()
    if len(words) > TAG_WORDS or _is_lower_word(words[-1]) or tail[-1] in OPEN_ENDS:
        return False
    if len(words) > 1 and words[0] == "The":
        words = words[1:]
    return not any(re.sub(r"^\W+|\W+$", "", w).lower().replace("’", "'") in FUNCTION_WORDS for w in words)


def _is_lower_word(word: str) -> bool:
    """A plain lower-case word (not a domain, handle or address, which are written in lower case)."""
    return word[:1].islower() and not re.search(r"[./@]", word.rstrip(".,;:!?"))


def ends_mid_sentence(line: str, paragraph_words: int | None = None) -> float:
    """1.0 when ``line`` (the last content line) stops without closing punctuation and its paragraph
    (``paragraph_words``; the line's own words when not given) is prose of 10 words or more: a cut-off
    text. Short last paragraphs (credits, scores) do not count."""
    line = without_glued_tag(line)
    words = len(line.split()) if paragraph_words is None else paragraph_words
    return float(bool(line) and words >= 10 and not _closed(line))


def ends_open(line: str) -> float:
    """1.0 when ``line`` (the last content line, 3 words or more) stops without closing punctuation
    on a lower-case word, a comma or a dash: cut off mid-phrase. Credits and names end capitalised."""
    line = without_glued_tag(line)
    words = line.split()
    if len(words) < 3 or _closed(line):
        return 0.0
    return float(_is_lower_word(words[-1]) or line[-1] in OPEN_ENDS)

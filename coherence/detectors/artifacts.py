"""Scraping artifacts: lines (or parts of lines) that are page furniture, not article prose.

Each line is matched against category patterns (``_RULES``, first match wins); line features then
decide whether and how a match counts:

- length: lines longer than ``long_line_chars`` are prose, so only rules that may match inside prose
  (leaked markup, disclaimers, sales pitches) apply to them;
- final punctuation and address: a sentence of 12+ words that merely mentions cookies, signing up or a
  missing page is reported speech, unless it talks to the reader ("you", "our", "us");
- position: some forms only count near the top (a bare ``Firstname SURNAME`` under the headline);
- neighbours: the line above a ``— Name (@handle) date`` signature is a tweet body; a run of short
  unpunctuated lines at an edge of the text or next to other furniture is a menu.

Inside a line only the artifact part is flagged: a glued widget or ``Via: Site`` tail, an HTML tag
or entity in prose, mojibake (the characters ftfy would change). Lines recurring across a source's
articles are :mod:`coherence.detectors.boilerplate`'s job (batch mode).
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass

import ftfy

from coherence.flags import Flag
from coherence.units import Span, split_lines

_I = re.IGNORECASE
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
_SOCIAL = r"(?:facebook|twitter|whatsapp|linkedin|reddit|pinterest|tumblr|telegram|pocket|skype|email|print)"


@dataclass(frozen=True)
class _Rule:
    category: str
    pattern: re.Pattern
    score: float
    reason: str
    whole_line: bool = True  # False: the rule may match inside long prose lines
    top_only: bool = False  # True: only among the first lines of the text
    case_sensitive: bool = False
    per_match: bool = False  # True: flag each match inside a line of prose, not the whole line


def _rule(
    category: str,
    pattern: str,
    score: float,
    reason: str,
    whole_line: bool = True,
    top_only: bool = False,
    case_sensitive: bool = False,
    per_match: bool = False,
) -> _Rule:
    flags = 0 if case_sensitive else _I
    compiled = re.compile(pattern, flags)
    return _Rule(category, compiled, score, reason, whole_line, top_only, case_sensitive, per_match)


_RULES: tuple[_Rule, ...] = (
    _rule(
        "other",
        r"^((poll|video|audio|image|media|content|comments?) (is )?loading\s*(\.\.\.|…)?|play video|video player|watch video)$",
        0.95,
        "media placeholder",
    ),
    _rule(
        "share_widget",
        r"^((like this|share this( story| article)?|share|save|save & share|tweet|pin it|follow|like|like loading|loading)\s*[:.…&]*\s*)+$",
        0.99,
        "share-widget label",
    ),
    _rule(
        "share_widget",
        rf"click to (share|email|print)|^share (on|to|via) {_SOCIAL}|\(opens in new window\)",
        0.97,
        "share-button text",
    ),
    _rule(
        "share_widget",
        rf"^({_SOCIAL}|share|tweet|comments?)(\s*[|/·•,]?\s*({_SOCIAL}|share|tweet|comments?))+$",
        0.95,
        "row of share buttons",
    ),
    _rule(
        "share_widget",
        rf"^[\d.,]+\s*[km]?\s*(shares?|likes?|comments?|views?)\b(\s*({_SOCIAL}|share( this( story| article| post)?)?|tweet|google|pinterest|digg|stumbleupon|delicious|[a-z]+))*\s*$",
        0.95,
        "share counter",
    ),
    _rule(
        "share_widget",
        r"\b(like and share|share this (article|story|post|page)|please (like|share)|leave a comment|follow us on|like (us|our page) on)\b|^\W*follow\b.{0,40}\bon (twitter|facebook|instagram|linkedin)\b|^\W*follow @\w+",
        0.92,
        "engagement prompt",
    ),
    _rule("byline", r"^(posted|written|reported|published|words|story|authored|submitted) by\b", 0.95, "byline"),
    _rule("byline", r"^posted (on|in)\b.{0,60}\bby\s+\S+$", 0.93, "byline"),
    _rule(
        "byline",
        rf"^{_DATE}\s*[—–|-]\s*[A-Z][\w.'’-]+(\s[A-Z][\w.'’-]+){{1,3}}$",
        0.92,
        "date and author line",
        case_sensitive=False,
    ),
    _rule(
        "byline",
        r"^(with (files|reporting|additional reporting) from|with (news )?wire services|(additional )?reporting by)\b|\bcan be reached at\b\W*$|^[\w.+-]+@[\w-]+\.[\w.]+\W*$",
        0.92,
        "contributor credit",
    ),
    _rule(
        "byline",
        r"^(By|BY|by)\s+[A-Z][\w.'’-]+(\s+([A-Z][\w.'’-]+|and|&|de|van|von|al)){0,6}\s*($|[|,/•·:–—-])",
        0.93,
        "byline",
        case_sensitive=True,
    ),
    _rule(
        "byline",
        r"^[A-Z][a-z]+(\s[A-Z]\.)?\s(Mc|Mac|O')?[A-Z]{2,}[A-Z'’-]*$",
        0.9,
        "author name on its own line under the headline",
        top_only=True,
        case_sensitive=True,
    ),
    _rule(
        "byline",
        r"\b(contributed (reporting )?to this (report|story|article)|(additional )?reporting by [A-Z][\w.'’-]+.*(editing|writing) by)\b",
        0.93,
        "contributor credit",
    ),
    _rule("byline", r"\|\s*by\s+[A-Z][\w.'-]+", 0.92, "byline in a metadata line"),
    _rule("byline", r"^(author|reporter|editor|contributor)s?\s*:", 0.92, "byline"),
    _rule(
        "dateline",
        rf"^(published|updated|posted|last (updated?|modified)|date)(\s+(on|at))?\s*:?\s*.*{_DATE}",
        0.96,
        "publication date line",
    ),
    _rule(
        "dateline",
        rf"^((mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?{_DATE}(\s*(at\s*)?\d{{1,2}}:\d{{2}}\s*(am|pm)?\s*\w*)?$",
        0.95,
        "date on its own line",
    ),
    _rule(
        "dateline",
        r"^[A-Z][A-Z .'’-]+(,\s*[A-Z][A-Za-z .]+)?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(,\s+\d{4})?\s*(\([^)]*\))?\s*[-–—:]+$",
        0.93,
        "wire dateline on its own line",
        case_sensitive=True,
    ),
    _rule(
        "navigation",
        r"^(filed under|tags?|categories|category|posted in|topics)\s*:",
        0.92,
        "category or tag list",
    ),
    _rule(
        "navigation",
        r"^(home|menu|search|skip to (main )?content|back to top|next article|previous article|next post|previous post|toggle navigation|main menu|site ?map|sign in|log ?in|register)\s*[:»>]?$",
        0.96,
        "navigation link",
    ),
    _rule(
        "navigation",
        r"^(?!.*\b(privacy|terms|cookies?)\b)([\w&'’-]+(\s[\w&'’-]+){0,2}\s*(\||»|›|>|/|•)\s*){2,}[\w&'’-]+(\s[\w&'’-]+){0,2}$",
        0.93,
        "menu of short links",
    ),
    _rule(
        "subscription",
        r"\b(subscribe|sign up|signup|newsletter|log ?in to|register (now|for free)|become a (member|subscriber)|support our journalism|donate (now|today))\b",
        0.9,
        "subscription or membership prompt",
    ),
    _rule(
        "advertisement",
        r"\b(adsense|adblade|taboola|outbrain|revcontent)\b|^your ads will be inserted|^×\s*\S",
        0.92,
        "ad network or pop-up",
    ),
    _rule(
        "advertisement",
        r"\b(click here to (get|claim|download|order|receive|learn|find out|grab|buy)|get your free|(request|claim|download|order) (your|a) free|free (info kit|report|trial|e-?book|guide|gift)\b.{0,40}\b(click|order|today|now))",
        0.92,
        "sales pitch",
        whole_line=False,
    ),
    _rule(
        "advertisement",
        r"^(advertisements?|advertising|sponsored( content)?|promoted( stories)?|ad|ads by \w+|around the web|(story|article) continue[sd]? below( advertisement)?|continue reading( below)?)\s*[:→»>.…]*$",
        0.97,
        "advertisement marker",
    ),
    _rule(
        "legal",
        r"\b(we use cookies|this (site|website) uses cookies|cookie policy|privacy policy|terms (of|and) (use|service|conditions)|all rights reserved)\b",
        0.93,
        "cookie, privacy or copyright notice",
    ),
    _rule("legal", r"^(copyright|©|\(c\))\s*.*\d{4}", 0.95, "copyright line"),
    _rule(
        "legal",
        r"\b(the views expressed (in this|here|are)|(do|does) not necessarily (reflect|represent) the (views|opinions?)|commenting policy|comment policy)\b",
        0.92,
        "site disclaimer",
        whole_line=False,
    ),
    _rule(
        "legal",
        r"\b(is|are) not responsible for the content of (external|third|linked|other)",
        0.93,
        "external-links disclaimer",
        whole_line=False,
    ),
    _rule(
        "caption",
        r"^(featured |top |header |lead )?(image|photo|picture|photograph|video|graphic)s?\s*(via|by|credit|courtesy|source)\s*:",
        0.94,
        "image caption or credit",
    ),
    _rule(
        "caption",
        r"^(featured |top |header |lead )?(image|photo|picture|photograph|graphic)\s*:\s*[^.!?]{0,80}$",
        0.93,
        "image caption or credit",
    ),
    _rule(
        "caption",
        r"^(getty images|reuters|associated press|ap photo|afp|shutterstock|splash news)$",
        0.93,
        "photo credit",
    ),
    _rule(
        "caption",
        r"^\s*[\[(][^\])]{0,60}\b(image|photo|picture|via|credit|getty|reuters|ap|afp|screengrab|screenshot)\b[^\])]{0,40}[\])]\W*$|\((photo |image )?credit:|^(image |photo )?courtesy( of)?\b[^.!?]{0,60}$|\b(original )?photo by\b.{0,60}\b(via|cc|flickr)\b|\(cc[ -]by|\bscreenshot (courtesy|via)\b",
        0.92,
        "image credit",
    ),
    _rule(
        "caption",
        r"^.{0,100}\b(via ap photo|getty images|/reuters|/ap|/afp|ap photo)\)?\.?$",
        0.9,
        "image credit at the end of a short line",
    ),
    _rule(
        "source_attribution",
        r"^\s*\[[\w&'’.-]+(\s[\w&'’-]+){0,2}\]\s*$|^source\s*-",
        0.9,
        "bracketed source",
    ),
    _rule(
        "related_links",
        r"^(photos|videos|pictures|gallery|slideshow|video)\s*:\s*\S|^(view|see) (the )?(gallery|photos?|video|more)\b|^click (below|here) to see\b|^related(?=[A-Z])|^read more\s*(@|at|on|here)\b|^(also by|more (articles|stories|posts) (by|from)|(most )?recent (articles|posts) by)\b",
        0.9,
        "link to a gallery or video",
    ),
    _rule(
        "caption",
        r"^(featured |top )?(image|photo|picture)s?\s+(via|by|courtesy of|credit)\b",
        0.94,
        "image credit",
    ),
    _rule(
        "caption",
        r"(\(|\[)?(photo|image|picture)s?\s*(credit)?\s*:\s*[^)\]]*(getty|reuters|ap|afp|epa|shutterstock|wikimedia|flickr)",
        0.93,
        "image credit",
    ),
    _rule(
        "caption",
        r"^[^.!?]{0,120}(getty images|/reuters|/ap\b|/afp|ap photo|shutterstock|wikimedia commons)\)?\.?$",
        0.9,
        "image credit",
    ),
    _rule(
        "caption",
        r"\((photo|image|picture)?[^()]{0,80}(getty images|reuters|ap photo|/ap|afp|epa|shutterstock|associated press|wikimedia)[^()]{0,40}\)\.?$",
        0.92,
        "caption ending in a photo credit",
    ),
    _rule(
        "related_links",
        r"^(related( articles| stories| posts| coverage| video)?|read more|read next|read this|read also|also read|see also|more from|more on|recommended|you (may|might) also like|trending( now)?|popular( now)?|further reading|more|watch|watch video|listen)\b\s*:",
        0.92,
        "related-links block",
    ),
    _rule(
        "related_links",
        r"^(related( articles| stories| posts| coverage)?|read more|more stories|recommended for you|you (may|might) also like|trending now|further reading)\s*»?$",
        0.93,
        "related-links header",
    ),
    _rule(
        "related_links",
        r"^\s*([^\s.!?]+\s+){3,}[^.!?]*\s\d{1,2}:\d{2}$",
        0.9,
        "video playlist item (title and duration)",
    ),
    _rule("source_attribution", r"appeared first on\b", 0.97, "syndication footer"),
    _rule(
        "source_attribution",
        r"\b(originally (published|appeared|posted) (at|on|in|by)|(was|is) (re)?published (here )?with permission|republished from|this (article|story|post|column) (first|originally) (appeared|ran|was published))\b",
        0.93,
        "re-poster credit",
    ),
    _rule(
        "source_attribution",
        r"^([\w.&'’ -]{1,40}\s[–—:-]\s*)?(https?://|www\.)\S+$",
        0.92,
        "bare source link",
    ),
    _rule(
        "source_attribution",
        r"^((video|image|photo|article) )?(source|sources|via|h/t|hat tip|originally (published|appeared) (on|at|in))(\s*:\s*(\S.*)?$|\s+(https?://|www\.|@))",
        0.9,
        "source attribution line",
    ),
    _rule(
        "social_embed",
        r"pic\.twitter\.com/|\(@\w{1,15}\)\s+" + _MONTH + r"\s+\d{1,2},\s+\d{4}|twitter\.com/\w+/status",
        0.96,
        "embedded social-media post",
    ),
    _rule(
        "social_embed",
        r"^[—–-]\s*[^()]{1,60}\(@\w{1,15}\)\s*" + _MONTH + r"\s+\d{1,2},\s+\d{4}",
        0.97,
        "embedded tweet signature",
    ),
    _rule(
        "byline",
        r"^((the )?associated press|reuters|agence france[- ]presse|afp|ap|bloomberg|dpa|xinhua)(\s*(,|and|&)\s*((the )?associated press|reuters|agence france[- ]presse|afp|ap|bloomberg|dpa|xinhua))*\.?$",
        0.9,
        "wire service credit",
    ),
    _rule(
        "social_embed",
        r"^(a post shared by|a (photo|video) (posted|shared) by|view this post on instagram|embedded video)\b",
        0.96,
        "embedded social-media post",
    ),
    _rule(
        "markup",
        r"</?(div|span|p|a|img|script|style|iframe|br|strong|em|ul|li|table|td|tr)\b[^>]*>",
        0.95,
        "leaked HTML",
        whole_line=False,
        per_match=True,
    ),
    _rule(
        "markup",
        r"(\bfunction\s*[\w$]*\s*\([\w$\s,]*\)\s*\{|\bvar\s+\w+\s*=|document\.(write|getElementById|createElement)|window\.\w+|\w+\.push\(\[|\}\)\(\);|<!--|-->|\{\s*[\w-]+\s*:\s*[^}]+;\s*\})",
        0.95,
        "leaked JavaScript or CSS",
        whole_line=False,
    ),
    _rule(
        "error_page",
        r"\b(page not found|404 error|error 404|is down for maintenance|access denied|enable javascript|javascript is disabled|this page (is|isn't|cannot be|can't be) (available|found|displayed)|sorry, (the|this) page)\b",
        0.93,
        "error page text",
    ),
)

_SENTENCE_MARKS = (".", "!", "?", ":", ";", ",", '"', "”", "’", ")")
_TWEET_SIGNATURE = re.compile(r"^[—–-]\s*[^()]{1,60}\(@\w{1,15}\)\s*" + _MONTH + r"\s+\d{1,2},\s+\d{4}", _I)
_ENTITY = re.compile(r"&(#\d{2,5}|#x[0-9a-f]{2,4}|[a-z]{2,8});|(?<![&\w])#(39|34|8217|8220|8221|8230|160);", _I)
_TAIL = re.compile(
    rf"(?<=[.!?\"”'’)])\s+((share this|like this|like loading\.*|related|share|tweet)\s*:?|click to share on {_SOCIAL}.*|\(opens in new window\).*|(via|source|h/t)\s*:\s*[^.!?]{{2,60}})\s*$",
    _I,
)


class ArtifactDetector:
    """Flags scraping artifacts line by line, with a category and a score.

    Parameters
    ----------
    min_score:
        Lines scoring below this are not flagged.
    long_line_chars:
        Lines longer than this are treated as prose: only rules that may match inside prose
        (leaked markup) and glued tails can flag them.
    top_lines:
        How many lines count as the top of the text (where a bare author name is a byline).
    min_link_run:
        Consecutive short unpunctuated lines (no blank line between) that make a list of links.
    """

    def __init__(
        self, *, min_score: float = 0.5, long_line_chars: int = 160, top_lines: int = 5, min_link_run: int = 4
    ) -> None:
        self.min_score = min_score
        self.long_line_chars = long_line_chars
        self.top_lines = top_lines
        self.min_link_run = min_link_run

    def detect(self, text: str) -> list[Flag]:
        """Artifact flags for ``text``, in order of position."""
        flags: list[Flag] = []
        lines = split_lines(text)
        for index, span in enumerate(lines):
            flags.extend(self._line_flags(text, span, top=index < self.top_lines))
        flags = _with_tweet_bodies(text, lines, flags)
        flags += self._link_lists(text, lines, flags)
        return sorted((f for f in flags if f.score >= self.min_score), key=lambda f: (f.start, f.end))

    def _link_lists(self, text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
        """Runs of at least ``min_link_run`` short unpunctuated lines with no blank line between
        them, at an edge of the text or next to other page furniture: a menu, one link per line.
        (A list inside the prose, such as names in a story, has prose around it.)"""
        flagged = {(f.start, f.end) for f in flags if f.kind == "artifact"}
        menu_items = {(f.start, f.end) for f in flags if f.category == "navigation"}
        is_link = [
            ((s.start, s.end) not in flagged or (s.start, s.end) in menu_items)
            and len(s.text(text).split()) <= 4
            and not s.text(text).endswith(_SENTENCE_MARKS)
            and any(c.isalpha() for c in s.text(text))
            for s in lines
        ]
        out: list[Flag] = []
        i = 0
        while i < len(lines):
            j = i
            while (
                j + 1 < len(lines)
                and is_link[i]
                and is_link[j + 1]
                and text[lines[j].end : lines[j + 1].start].count("\n") == 1
            ):
                j += 1
            if is_link[i] and j - i + 1 >= self.min_link_run:
                before = i == 0 or (lines[i - 1].start, lines[i - 1].end) in flagged
                after = j == len(lines) - 1 or (lines[j + 1].start, lines[j + 1].end) in flagged
                if before or after:
                    for s in lines[i : j + 1]:
                        if (s.start, s.end) in flagged:
                            continue
                        flagged.add((s.start, s.end))
                        out.append(
                            Flag("artifact", s.start, s.end, 0.85, "list of short links, one per line", "navigation")
                        )
            i = j + 1
        return out

    def _line_flags(self, text: str, span: Span, *, top: bool) -> list[Flag]:
        line = span.text(text)
        is_long = len(line) > self.long_line_chars
        for rule in _RULES:
            if (is_long and rule.whole_line) or (rule.top_only and not top):
                continue
            if rule.pattern.search(line):
                score = rule.score * _prose_discount(line, rule)
                if rule.per_match and _has_prose_outside(line, rule.pattern):
                    return [
                        Flag(
                            "artifact",
                            span.start + m.start(),
                            span.start + m.end(),
                            score,
                            rule.reason,
                            rule.category,
                        )
                        for m in rule.pattern.finditer(line)
                    ]
                return [Flag("artifact", span.start, span.end, score, rule.reason, rule.category)]
        flags = [
            Flag("artifact", span.start + a, span.start + b, 0.9, "mojibake (wrongly decoded text)", "encoding")
            for a, b in mojibake_spans(line)
        ]
        tail = _TAIL.search(line)
        if tail:
            start = span.start + tail.start(1)
            flags.append(
                Flag(
                    "artifact",
                    start,
                    span.end,
                    0.95,
                    "share widget glued to the end of a line",
                    "share_widget",
                )
            )
        for m in _ENTITY.finditer(line):
            flags.append(
                Flag(
                    "artifact",
                    span.start + m.start(),
                    span.start + m.end(),
                    0.9,
                    "leaked HTML entity",
                    "markup",
                )
            )
        return flags


def _has_prose_outside(line: str, pattern: re.Pattern) -> bool:
    """Whether ``line`` still has several words once every match of ``pattern`` is removed."""
    return len(pattern.sub(" ", line).split()) >= 4


def mojibake_spans(line: str) -> list[tuple[int, int]]:
    """Offsets of the wrongly decoded pieces of ``line`` (where ftfy would change it)."""
    if not ftfy.badness.is_bad(line):
        return []
    fixed = ftfy.fix_encoding(line)
    if fixed == line:
        return []
    matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    return [(a0, a1) for op, a0, a1, _, _ in matcher.get_opcodes() if op != "equal" and a1 > a0]


def _with_tweet_bodies(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """An embedded tweet's body is the line right above its ``— Name (@handle) date`` line."""
    signatures = {(s.start, s.end) for s in lines if _TWEET_SIGNATURE.search(s.text(text))}
    flagged = {(f.start, f.end) for f in flags}
    out = list(flags)
    for before, span in itertools.pairwise(lines):
        is_body = (span.start, span.end) in signatures and (before.start, before.end) not in flagged
        if is_body and len(before) <= 400:
            out.append(Flag("artifact", before.start, before.end, 0.9, "body of an embedded tweet", "social_embed"))
    return out


_PERSONAL = re.compile(r"\b(you|your|our|us)\b", _I)


def _prose_discount(line: str, rule: _Rule) -> float:
    """Lower the score of a pattern hit on a line that reads like a sentence of prose.

    Prose mentioning cookies, signing up or a missing page is reported speech; a prompt talks to
    the reader ("you", "our", "us").
    """
    if not rule.whole_line or rule.category not in {"subscription", "legal", "error_page", "related_links"}:
        return 1.0
    words = len(line.split())
    ends_like_sentence = line.rstrip().endswith((".", "!", "?", '"', "”"))
    if words >= 18 and ends_like_sentence:
        return 0.45
    if words >= 12 and ends_like_sentence and not _PERSONAL.search(line):
        return 0.45
    return 1.0

"""Scraping artifacts: lines (or parts of lines) that are page furniture, not article prose.

Each line is matched against category patterns (``_RULES``, first match wins); line features then
decide whether and how a match counts:

- length: lines longer than ``long_line_chars`` (unless a long link) are prose, so only rules that may match inside prose
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
from collections import Counter
from dataclasses import dataclass

import ftfy
import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coherence.detectors.line_features import (
    FURNITURE_WORDS,
    SENTENCE_END,
    covers_half,
    is_prose,
    line_features,
    touches,
)
from coherence.detectors.line_model import DEFAULT_LINE_MODEL, load_line_model
from coherence.flags import Flag
from coherence.units import Span, split_lines

_I = re.IGNORECASE
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+\d{{4}})"
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
    bottom_only: bool = False  # True: only among the last lines of the text
    not_in_prose: bool = False  # True: not on a paragraph of prose (40+ words ending like a sentence)


def _rule(
    category: str,
    pattern: str,
    score: float,
    reason: str,
    whole_line: bool = True,
    top_only: bool = False,
    case_sensitive: bool = False,
    per_match: bool = False,
    bottom_only: bool = False,
    not_in_prose: bool = False,
) -> _Rule:
    flags = 0 if case_sensitive else _I
    compiled = re.compile(pattern, flags)
    return _Rule(
        category, compiled, score, reason, whole_line, top_only, case_sensitive, per_match, bottom_only, not_in_prose
    )


_RULES: tuple[_Rule, ...] = (
    _rule(
        "other",
        r"^((poll|video|audio|image|media|content|comments?) (is )?loading\s*(\.\.\.|…)?|play video|video player|watch video)"
        r"(\s+(watch next|watch this video again|watch video))*$",
        0.95,
        "media placeholder",
    ),
    _rule(
        "share_widget",
        r"^((like this|share this( story| article)?|share|save|save & share|tweet|pin it|follow|like|like loading|loading|comments?|\d+ comments?)\s*[:.…&»]*\s*)+$",
        0.99,
        "share-widget label",
    ),
    _rule(
        "share_widget",
        rf"click to (share|email|print)|^share (this )?(on|to|via) {_SOCIAL}|\(opens in new window\)",
        0.97,
        "share-button text",
    ),
    _rule(
        "share_widget",
        rf"^share( this| it)?\s*:\s*({_SOCIAL}|google)(\s*[,|/]?\s*({_SOCIAL}|google|more))*$",
        0.95,
        "share-widget label",
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
        r"\b(like and share|share this (article|story|post|page)|please (like|share)|(leave|add) (us )?a comment|let us know (your thoughts|what you think)|follow us on|like (us|our page) on|share (it|them|your thoughts) in the comments|not (currently )?accepting comments|comments are (now )?closed)\b|^\W*follow\b.{0,40}\bon (twitter|facebook|instagram|linkedin)\b|^\W*follow @\w+",
        0.92,
        "engagement prompt",
    ),
    _rule(
        "byline",
        r"^(posted|written|reported|published|words|story|authored|submitted|uploaded|compiled) by\b",
        0.95,
        "byline",
    ),
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
        r"^(with (files|reporting|additional reporting) from|with (news )?wire services|(additional )?reporting by)\b|^contributing\s*:\s*\S|\bcan be reached at\b\W*$|^[\w.+-]+@[\w-]+\.[\w.]+(\s+follow\b[^.!?]{0,40}@\w+)?\W*$",
        0.92,
        "contributor credit",
    ),
    _rule(
        "byline",
        r"^(By|BY|by):?\s+[A-Z][\w.'’-]+(\s+([A-Z][\w.'’-]+|and|&|de|van|von|al)){0,6}(\s+[\d.,]+[kKmM]?){0,3}\s*($|[|,/•·:–—-])",
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
    _rule("byline", r"[|/]\s*by:?\s+[A-Z][\w.'-]+", 0.92, "byline in a metadata line"),
    _rule(
        "byline",
        r"^[^.!?]{0,60}\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm)\b[^.!?]*$",
        0.9,
        "author, time and category header",
        top_only=True,
    ),
    _rule(
        "byline",
        r"^(twitter|facebook|skype|e-?mail|instagram|gab|website|contact)\s*:\s*\S+$",
        0.9,
        "author contact line",
        bottom_only=True,
    ),
    _rule(
        "byline",
        r"^(?!(He|She|It|They|We|This|That|There|His|Her)\s)([A-Z][\w.'’-]+\s){1,3}(is|was) (a|an|the|([A-Z][\w.-]*\s){0,2}[A-Z][\w.-]*['’]s)\s(?:[^.]|\.(?=\w)){0,120}\b(writer|journalist|editor|author|columnist|contributor|reporter|correspondent|blogger|professor|fellow|candidate|analyst|host|founder)\b",
        0.9,
        "author bio at the end",
        whole_line=False,
        bottom_only=True,
        case_sensitive=True,
    ),
    _rule(
        "byline",
        r"^(?!(He|She|It|They|We|This|That|There|His|Her)\s)([A-Z][\w.'’-]+\s){1,3}(writes|blogs|reports) (from|about|for|on)\b",
        0.9,
        "author bio at the end",
        whole_line=False,
        bottom_only=True,
        case_sensitive=True,
    ),
    _rule("byline", r"^(author|reporter|editor|contributor)s?\s*:", 0.92, "byline"),
    _rule(
        "byline",
        r"^[—–-]\s*[A-Z][a-z]+(\s[A-Z][a-z'’-]+){1,2}$",
        0.9,
        "author sign-off at the end",
        bottom_only=True,
        case_sensitive=True,
    ),
    _rule(
        "dateline",
        rf"^(published|updated|posted|last (updated?|modified)|date)(\s+(on|at))?\s*:?\s*.*{_DATE}",
        0.96,
        "publication date line",
    ),
    _rule(
        "dateline",
        rf"^(published|updated|posted|last updated)\s*:?\s*(on\s+)?({_MONTH}\s+\d{{1,2}},?\s+)?(at\s+)?\d{{1,2}}:\d{{2}}\s*([ap]\.?m\.?)?[\w. ]{{0,12}}$",
        0.95,
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
        r"\b(adsense|adblade|taboola|outbrain|revcontent|teads|inread)\b|^your ads will be inserted|^(إعلان|publicité|anzeige|werbung|publicidad)$",
        0.92,
        "ad network or pop-up",
    ),
    _rule("advertisement", r"^×\s*\S", 0.92, "pop-up (closing ×) before its text", whole_line=False),
    _rule(
        "advertisement",
        r"×\s[^×\n]{5,600}?\b(buy (it )?now|shop now|order now|add to (cart|basket|bag))\b[^\w\s]*",
        0.92,
        "product widget (closing ×, product text, buy button) inside a line",
        whole_line=False,
        per_match=True,
    ),
    _rule(
        "advertisement",
        r"^([$£€]\s?\d[\d.,]*\s*)?(buy (it )?now|shop now|order now|add to (cart|basket|bag))\W*$",
        0.9,
        "shop button",
    ),
    _rule("advertisement", r"^headline\s*:\s*\S", 0.9, "promo ticker (Headline: ...)"),
    _rule(
        "other",
        r"\bof readers think this (story|article|post) is\b|\badd your two cents\b",
        0.93,
        "poll or rating widget",
        whole_line=False,
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
        r"^(advertisements?|advertising|sponsored( content| links)?|promoted( stories)?|ad|ads by \w+|around the web|(story|article)? ?continue[sd]? below( advertisement)?|continue reading( below)?|advertisements?\s*[-–—:|]\s*(the )?(story|article|content) continues( below)?|continue reading below the (ad|advert|advertisement)|continue reading the main story|featured resource|presented by [\w .&'’-]{1,40}|learn more)\s*[:→»>.…]*$",
        0.97,
        "advertisement marker",
    ),
    _rule(
        "legal",
        r"\b(we use cookies|this (site|website) uses cookies|cookie policy|privacy policy|terms (of|and) (use|service|conditions)|all rights reserved)\b",
        0.93,
        "cookie, privacy or copyright notice",
    ),
    _rule("legal", r"^(copyright|©|\(c\))\s*.*\d{4}|^copyright\s*(©|\(c\))\s*\S[^.!?]{0,60}$", 0.95, "copyright line"),
    _rule(
        "legal",
        r"\b(may be (freely )?(reproduced|republished|reprinted)|(share|republish) (and|or) republish|republish our (reports|articles|content))\b",
        0.92,
        "republishing notice",
        whole_line=False,
    ),
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
        r"^(featured |top |header |lead )?(image|photo|picture|photograph|graphic)\s*:\s*[^.!?]{0,80}$|^featured (image|photo)\b[^.!?]{0,80}$",
        0.93,
        "image caption or credit",
    ),
    _rule(
        "caption",
        r"^(getty images|reuters|associated press|ap photo|afp|shutterstock|splash news|rex features|rex|alamy|corbis|wireimage|filmmagic|backgrid|pa images|pa wire|epa|invision/ap)$",
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
        r"^.{0,100}\b(via ap photo|getty images|/reuters|/ap|/afp|ap photo)\)?\.?$"
        r"|^(?-i:[^.!?]{0,120}\s(Photo|Picture|Image)s?: [^.!?]{1,40})$",
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
        r"^(photos|videos|pictures|gallery|slideshow|video)\s*:\s*\S|^(view|see) (the |all )?(gallery|photos?|video|more)\b|^click (below|here) to see\b|(?-i:^Related(?=[A-Z]))|^read more\s*(@|\b(at|on|here)\b)|^(to )?read more (posts|articles|stories)\b|^(also by|more (articles|stories|posts) (by|from)|(most )?recent (articles|posts) by)\b",
        0.9,
        "link to a gallery or video",
    ),
    _rule("caption", r"^((image|photo|picture) )?credits?\s*:\s*\S[^.!?]{0,100}$", 0.9, "image credit"),
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
        "caption",
        r"\((photo|image|picture|photograph|video)\s*(credit)?\s*:\s*[^()]{1,60}\)\s*$|^.{0,300}\|\s*(getty( images)?|ap photo|reuters|afp|epa)\b|^(ap|afp|epa|reuters|getty images) photo\b",
        0.92,
        "photo credit",
        whole_line=False,
    ),
    _rule(
        "caption",
        r"^(from left|left to right|pictured( above| below)?)\s*[:,]",
        0.9,
        "photo caption",
        whole_line=False,
    ),
    _rule(
        "caption",
        r"\((left|right|center|centre|pictured|inset|file photo)\)",
        0.9,
        "photo caption",
        whole_line=False,
        not_in_prose=True,  # "... the teacher (right) says she was ...", in a paragraph that ends like one
    ),
    _rule(
        "caption",
        r"^(?P<label>\w+(\s\w+){0,3})\s+(?P=label)$",
        0.9,
        "image label printed twice",
        case_sensitive=True,
    ),
    _rule(
        "related_links",
        r"^(related( articles| stories| posts| coverage| video| roundup)?|read|read more|read next|read this|read also|also read|see also|more from|more on|recommended|you (may|might) also like|trending( now)?|popular( now)?|further reading|more|watch|watch video|listen|latest|news|also|don'?t miss|must read|top stories|editor'?s picks?)\b\s*:",
        0.92,
        "related-links block",
    ),
    _rule(
        "related_links",
        r"^(related( articles| stories| posts| coverage| links)?|see all related|read more|read next|read this|read also|also read|up next|more stories|see also|recommended for you|you (may|might) also like|trending now|further reading|continue reading)\s*[»→>.…]*$|^((older|more|other|latest|recent) (articles|stories|posts) (by|from)|for (the )?(entire|full|complete) (article|story)|(click|see) (here )?for (the )?(full|entire|complete) (article|story)|read the (full|entire|rest of the) (article|story))\b[^.!?]{0,60}[.!]?$"
        r"|^(?-i:(Analysis|Opinion|Commentary) (?=[A-Z])[^.!?:]{10,150})$",
        0.93,
        "related-links header",
    ),
    _rule(
        "related_links",
        r"^(?=.*\s\d{1,2}:\d{2}$)\s*([^\s.!?]+\s+){3,}[^.!?]*\s\d{1,2}:\d{2}$",
        0.9,
        "video playlist item (title and duration)",
    ),
    _rule("source_attribution", r"appeared first on\b", 0.97, "syndication footer"),
    _rule(
        "source_attribution",
        r"\b(originally (published|appeared|posted) (at|on|in|by)|(was|is) (re)?published (here )?with permission|republished from|this (article|story|post|column) (first|originally) (appeared|ran|was published))\b|^\W*reprinted with permission\b|^contributed by\b|^click (here )?for more (from|at|on)\b",
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
        r"^((video|image|photo|article) )?(source|sources|via|h/t|hat tip|originally (published|appeared) (on|at|in))(\s*:\s*(\S.*)?$|\s+(https?://|www\.|@)|\s*$)"
        r"|^(h/t|hat tip)\s+[^.!?]{1,60}$|^via\s+[^.!?:]{2,40}$",
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
        "social_embed",
        r"(pic\.twitter\.com/\w+|https?://t\.co/\w+)\s*[—–-]\s*[^()]{1,60}\(@\w{1,15}\)\s*"
        + _MONTH
        + r"\s+\d{1,2},\s+\d{4}\W*$",
        0.95,
        "embedded tweet with its signature",
        whole_line=False,
    ),
    _rule(
        "byline",
        r"^((the )?associated press|reuters|agence france[- ]presse|afp|ap|bloomberg|dpa|xinhua)(\s*(,|and|&)\s*((the )?associated press|reuters|agence france[- ]presse|afp|ap|bloomberg|dpa|xinhua))*\.?$",
        0.9,
        "wire service credit",
    ),
    _rule(
        "social_embed",
        r"^[\d,.]+[km]?\s+([\d,.]+[km]?\s+)?retweets?\s+[\d,.]+[km]?\s+([\d,.]+[km]?\s+)?likes?$",
        0.93,
        "counters of an embedded tweet",
    ),
    _rule(
        "social_embed",
        r"^(a post shared by|a (photo|video) (posted|shared) by|view (this post )?on instagram|embedded video)\b",
        0.96,
        "embedded social-media post",
    ),
    _rule(
        "advertisement",
        r"^\W+a message from\b[^.!?]{0,80}:|^\W*(sponsored by|paid for by|presented by)\b[^.!?]{0,80}:",
        0.92,
        "sponsored message",
        whole_line=False,
    ),
    _rule(
        "subscription",
        r"^\W*(subscribe|sign up)\b[^.!?]{0,40}\b(to|for)\b",
        0.9,
        "subscription prompt",
        whole_line=False,
    ),
    _rule(
        "advertisement",
        r"^(story |article )?continued below\s*(\.\.\.|…)?",
        0.95,
        "advertisement marker glued to a paragraph",
        whole_line=False,
        per_match=True,
    ),
    _rule(
        "share_widget",
        r"(?<=[.!?\x22”] )[^.!?]{0,80}\b(let us know (your thoughts|what you think)|leave (us )?a comment|tell us (what you think|your thoughts|in the comments))\b[^.!?]*[.!?]*\s*$",
        0.92,
        "comment prompt glued to the end of a paragraph",
        whole_line=False,
        per_match=True,
    ),
    _rule(
        "source_attribution",
        r"^(https?://|www\.)\S*/(?=[A-Z][a-z]+\s)",
        0.9,
        "source link glued to the start of the text",
        whole_line=False,
        per_match=True,
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
        r"(\bfunction\s*[\w$]*\s*\([\w$\s,]*\)\s*\{|\bvar\s+\w+\s*=|document\.(write|getElementById|createElement)|window\.\w+|\w+\.push\(\[|\}\)\(\);|<!--|-->|\{\s*[\w-]+\s*:\s*[^}]+;\s*\}|^[\w$]+(\.[\w$]+)*\([^()]{0,80}\);$)",
        0.95,
        "leaked JavaScript or CSS",
        whole_line=False,
    ),
    _rule(
        "source_attribution",
        r"^(this|the above) (piece|article|post|story|column|report) (was|has been|is) (originally |first )?(produced|contributed|written|posted|published|provided)\b[^.!?]{0,40}\bby\b[^!?]{0,120}$|^(delivered|provided|syndicated) (to you )?by\b[^.!?]{0,60}$|^\W*(h/t|hat tip)\b[^.!?]{1,60}\W*$",
        0.92,
        "re-poster credit",
    ),
    _rule(
        "related_links",
        r"^read more\s*:.{0,300}(https?://|www\.)\S+\s*$|^read (more|the rest|the full (article|story)) (in|at|on) the (full|original|complete) (article|story|post)\b[^!?]{0,30}$|\bclick here to (watch|see|view|play) the (video|photos?|gallery|slideshow)\b"
        r"|(?-i:^Related(?=[A-Z])|^.{0,200}\b(VIEW|SEE) (GRAPHIC|GALLERY|PHOTOS|VIDEO)\W*$)|^just watched\b.{0,300}\breplay\b",
        0.9,
        "link to the full story or a video",
        whole_line=False,
    ),
    _rule(
        "other",
        r"^(close|close (dialog|window|popup|pop-up|this ad))$|^\W*scroll down for (videos?|more|the videos?)\W*$|^(w+\.)?(youtube|soundcloud|vimeo|instagram|dailymotion)\.com$",
        0.92,
        "pop-up or media widget text",
    ),
    _rule(
        "other",
        r"^[\w-]*_[\w-]*_[\w-]*_[\w-]*(\.(jpe?g|png|gif|webp))?$",
        0.9,
        "image file name (media placeholder)",
    ),
    _rule(
        "caption",
        r"^\((l|r|left|right|top|bottom|above|below|inset)\)\s+\S|^\(?(representational|representative|illustrative|file|stock) (image|photo|picture)\)?\W|^(image|media) (caption|copyright)\b",
        0.9,
        "photo caption",
        whole_line=False,
    ),
    _rule(
        "source_attribution",
        r"^\W*(original (story|article|post|report) (by|from|at)\b|see more at\s*:\s*(https?://|www\.))",
        0.92,
        "re-poster credit",
    ),
    _rule(
        "source_attribution",
        r"^[\w.&'’ \[\]()-]{1,40}\s*[–—:|-]\s*(https?://|www\.)[\w.-]+\.[a-z]{2,6}(/[\w.-]*)?/?$"
        r"|^(https?://|www\.)[\w.-]+\.[a-z]{2,6}/?\s*[–—:|-]\s*[^.!?:/]{1,60}$"
        r"|^[»›>•-]?\s*(www\.)?[\w-]+(\.[\w-]+)*\.(com|org|net|co\.uk|info|news|gov|tv|us|ca|io|cn|de|fr|ru|in|au|ie|nz|eu)$",
        0.9,
        "link to the source site (or a bare domain)",
    ),
    _rule(
        "markup",
        r"\{%[^%]{1,200}%\}|\{\{[^{}]{1,200}\}\}|/\*[^*]{1,200}\*/",
        0.92,
        "leaked template or CSS code",
        whole_line=False,
    ),
    _rule(
        "legal",
        r"\b(cannot|can't|can not|do not|does not|don't) make any (warranties|warranty|representations)\b|\bmakes? no (representations|warranties)\b",
        0.92,
        "site disclaimer",
        whole_line=False,
    ),
    _rule(
        "byline",
        r"\bcan be reached at\s*:?\s*(\[email[^\]]*\]|[\w.+-]+@[\w-]+\.[\w.]+)\W*$",
        0.92,
        "contributor contact",
    ),
    _rule(
        "advertisement",
        r"\b(write|submit) an op-?ed for\b|\bguidelines (on|for) (submissions?|contributors)\b|\bsubmission guidelines\b",
        0.9,
        "writer recruitment (house promo)",
    ),
    # Generic families mined from unlabelled non-test records (session 5): the author's contact or
    # follow line, wire editing credits, calls to action addressed to the reader at the end.
    _rule(
        "byline",
        r"^\W*(contact|e-?mail|reach|write to|follow)\s+(him|her|them|(?-i:[A-Z][\w.'’-]+(\s[A-Z][\w.'’-]+){0,2}))\s*(at|on|:|via|@)\s*\S"
        r"|\b(reach|contact|e-?mail|follow|write to) (this|the) ((post|article|story)['’]?s? (author|writer|reporter|columnist)"
        r"|(author|writer|reporter|columnist)s? (of|on) (this|the) (post|article|story))\b",
        0.9,
        "author contact line",
        bottom_only=True,
    ),
    _rule(
        "byline",
        r"^\W*((additional )?(reporting|writing|editing|compiled|translated|research|production) by\s(?-i:[A-Z][\w.'’-]+(\s([A-Z][\w.'’-]+|and|&|de|van|von|al|in))*)(;|,|\band\b)?\s*){1,4}\W*$",
        0.92,
        "wire credit (writing and editing by)",
    ),
    _rule(
        "share_widget",
        r"(^|[.!?]\s+)(please |and |so |also |(be|make) sure (to|you) |don['’]?t forget to |for more( \w+)?, )?"
        r"(share|like|follow|check out|check back|join|find us|comment|tell us|click|connect with|keep up with|stay up[- ]to[- ]date|use #\w+)\b"
        r"[^.!?]{0,80}\b(facebook|twitter|google\+|pinterest|instagram|youtube|friends|family|button|links? below|comments?|bellow)\b"
        r"|\bif you (haven['’]?t|have not|like[d]?|enjoyed)\b[^.!?]{0,60}\b(our|this) (facebook|twitter|instagram|youtube|page|article|post)\b",
        0.9,
        "call to action at the end (share, follow, comment)",
        bottom_only=True,
    ),
    _rule(
        "navigation",
        r"^this (entry|post|article) was (posted|filed) (in|under)\b|\bbookmark the permalink\b",
        0.93,
        "post footer (categories and tags)",
    ),
    _rule(
        "caption",
        r"^\[(image|photo|picture|pic|video|graphic)s?\b[^\]]{1,160}\]$",
        0.92,
        "bracketed image label",
    ),
    _rule(
        "source_attribution",
        r"^\W*(republished|reposted|reproduced|used) with permission\b",
        0.92,
        "re-poster credit",
    ),
    _rule(
        "advertisement",
        r"\bclick here now\W*$|^(to read more, )?(pick up|order|grab|buy|get) (a|your) (free )?copy of\b",
        0.9,
        "house promo",
        bottom_only=True,
    ),
    _rule(
        "caption",
        r"^(?!(\S+\s+){5})(?-i:[A-Z][\w.&'’-]*(\s[A-Z][\w.&'’-]*){0,2}\s?/\s?[A-Z][\w.&'’-]*(\s[A-Z][\w.&'’-]*){0,2})$",
        0.9,
        "photo credit (agency/photographer)",
    ),
    _rule(
        "byline",
        r"^(reporting|reportering|writing) (for|from) (?-i:[A-Z][\w.'’&-]*(\s[A-Z][\w.'’&-]*){0,4})$",
        0.9,
        "reporter sign-off",
        bottom_only=True,
    ),
    _rule(
        "source_attribution",
        r"^from (?-i:(the )?[A-Z][\w.'’&-]*(\s[A-Z][\w.'’&-]*){0,4})$",
        0.9,
        "re-poster credit (From Site)",
        bottom_only=True,
    ),
    _rule(
        "other",
        r"^(see|spot(ted)?|found) an? (error|typo|mistake)\b[^.]{0,60}$|^modal trigger$|^\$\w+$",
        0.9,
        "correction prompt or page-template leftover",
    ),
    _rule(
        "source_attribution",
        r"^(?!(He|She|It|They|We|This|That|There)\s)(?-i:[A-Z][\w.'’-]*(\s[A-Z][\w.'’-]*){0,4}) (is|was) (an?|the) ([\w-]+ ){0,3}"
        r"(news (agency|site|outlet|organi[sz]ation|service|website|network)|website|web ?site|web publication|publication"
        r"|magazine|blog|newspaper|media (company|outlet|organi[sz]ation))\b",
        0.9,
        "the source outlet's 'about' blurb at the end",
        whole_line=False,
        bottom_only=True,
    ),
    _rule(
        "source_attribution",
        r"^(?-i:[A-Z][\w’'.&-]*(\s[\w’'.&-]+){0,5}\s(Blog|News|Times|Post|Report|Daily|Gazette|Journal|Tribune|Herald|Magazine))$",
        0.88,
        "name of the source outlet or blog at the end",
        bottom_only=True,
    ),
    _rule(
        "navigation",
        r"^(home|news|front page)\s*[»›>/|]\s*\S[^.!?]{0,40}\s*[»›>/|]\s*\S",
        0.92,
        "breadcrumb trail",
    ),
    _rule(
        "related_links",
        r"^(?-i:[A-Z]{4,12}) \| (?-i:[A-Z‘'\"“#\d])[^|]{10,150}$|^•\s[^•]{5,80}\s•\s[^•]{5,80}",
        0.9,
        "labelled or bulleted link to another story (ANALYSIS | ..., • ... • ...)",
    ),
    _rule(
        "other",
        r"^[a-z0-9]+(-[a-z0-9]+){2,}(\.(jpe?g|png|gif|webp))?$",
        0.88,
        "image file name (media placeholder)",
        case_sensitive=True,
    ),
    _rule(
        "byline",
        r"^(?!(He|She|It|They|We|This|That|There|His|Her)\s)(?-i:[A-Z][\w.'’-]+\s){1,3}(writes|reports) (for|from|about) [^.!?]{2,80}$",
        0.88,
        "author tagline under the headline",
        top_only=True,
    ),
    _rule(
        "legal",
        r"^\W*(copyright|©)\b[^.!?]{0,60}$",
        0.9,
        "copyright line",
    ),
    _rule(
        "caption",
        r"^(art|artwork|illustration|graphic|photo|photos|image|images|photography) by\b[^.!?]{0,100}$",
        0.9,
        "illustration or photo credit",
    ),
    _rule(
        "related_links",
        r"^related\s+\w+\s*:",
        0.9,
        "related-links label",
    ),
    # Generic families from dev batch 7 (session 6): prompts to follow a link elsewhere, reader polls at
    # the end, an image's file name as hyphen-joined words, the author's "X for <outlet>" tagline.
    _rule(
        "related_links",
        r"^(on (a|your) (mobile|phone|tablet)( device)?\?\s*)?click here to (watch|see|view|play|listen)\b[^!?]{0,40}$"
        r"|^(watch|see|view|listen to|read|check out)\s[^.!?:]{0,80}\bhere\s*[,.!]?$",
        0.9,
        "prompt to follow a link elsewhere",
    ),
    _rule(
        "share_widget",
        r"^\W*what do you think\b[^.!?]{0,60}\?\W*$|^\W*(tell|let) us (what you think|in the comments)\b",
        0.9,
        "engagement prompt at the end",
        bottom_only=True,
    ),
    _rule(
        "caption",
        r"^[A-Za-z0-9]+(-[A-Za-z0-9]+){3,}(\.(jpe?g|png|gif|webp))?$",
        0.9,
        "image file name (hyphen-joined words)",
    ),
    _rule(
        "byline",
        r"^(report|writ|contribut|correspond)\w* (for|at) (?-i:(the )?[A-Z][\w.'’&-]*)(\s(?-i:[A-Z][\w.'’&-]*)){0,4}\W*$",
        0.9,
        "author tagline at the end (X for <outlet>)",
        bottom_only=True,
    ),
    _rule(
        "error_page",
        r"\b(page not found|404 error|error 404|is down for maintenance|access denied|enable javascript|javascript is disabled|this page (is|isn't|cannot be|can't be) (available|found|displayed)|sorry, (the|this) page)\b",
        0.93,
        "error page text",
    ),
)

_MAX_LINK_LINE_WORDS = 12  # a line this short in words is not prose however long its links make it
_SPEECH = re.compile(r"[.!?][\"'”’]?\s+[\"'“‘]?[A-Z]|[\"“”]")  # more than one sentence, or a quotation
_FIXTURE = re.compile(r"\s(v|vs)\.?\s")  # "Chelsea v Birmingham": a list of fixtures, not headlines
_SENTENCE_MARKS = (".", "!", "?", ":", ";", ",", '"', "”", "’", ")")
_TWEET_SIGNATURE = re.compile(r"^[—–-]\s*[^()]{1,60}\(@\w{1,15}\)\s*" + _MONTH + r"\s+\d{1,2},\s+\d{4}", _I)
_ENTITY = re.compile(r"&(#\d{2,5}|#x[0-9a-f]{2,4}|[a-z]{2,8});|(?<![&\w])#(39|34|8217|8220|8221|8230|160);", _I)
_TAIL = re.compile(
    rf"(?<=[.!?\"”'’)])(\s+((share this|like this|like loading\.*|related|share|tweet)\s*:?|click to share on {_SOCIAL}.*|\(opens in new window\).*|(via|source|h/t)\s*:\s*[^.!?]{{2,60}})|\s*(?P<more>[—–]\s*more\s*(…|\.\.\.)))\s*$",
    _I,
)


class ArtifactDetector:
    """Flags scraping artifacts line by line, with a category and a score.

    Parameters
    ----------
    min_score:
        Lines scoring below this are not flagged.
    long_line_chars:
        Lines longer than this (and of more than 12 words: not a long link) are treated as prose: only rules that may match inside prose
        (leaked markup) and glued tails can flag them.
    top_lines:
        How many lines count as the top of the text (where a bare author name is a byline).
    bottom_lines:
        How many lines count as the end of the text (where an author bio or contact line is a byline).
    min_link_run:
        Consecutive short unpunctuated lines (no blank line between) that make a list of links.
    min_headline_run:
        Headline-like lines (capitalised, no final punctuation) ending the text after prose that make a
        list of related stories.
    min_caption_words, max_caption_words:
        Word range of an unpunctuated line between two paragraphs of prose that is flagged as a photo
        caption (or, in Title Case, a related story's headline).
    line_model:
        Path of a learned line model (JSON, :mod:`coherence.detectors.line_model`) that flags lines no
        rule flagged when their probability reaches ``line_threshold``; ``None``: rules only.
    line_threshold:
        Probability from which the line model flags a line; ``None``: the threshold stored with the
        model (chosen by cross-validation on the dev labels).
    """

    def __init__(
        self,
        *,
        min_score: float = 0.5,
        long_line_chars: int = 160,
        top_lines: int = 5,
        bottom_lines: int = 3,
        min_link_run: int = 4,
        min_headline_run: int = 3,
        min_caption_words: int = 8,
        max_caption_words: int = 22,
        line_model: str | None = DEFAULT_LINE_MODEL,
        line_threshold: float | None = None,
    ) -> None:
        self.min_score = min_score
        self.long_line_chars = long_line_chars
        self.top_lines = top_lines
        self.bottom_lines = bottom_lines
        self.min_link_run = min_link_run
        self.min_headline_run = min_headline_run
        self.min_caption_words = min_caption_words
        self.max_caption_words = max_caption_words
        self.line_model = line_model
        self.line_threshold = line_threshold

    def detect(self, text: str, title: str | None = None) -> list[Flag]:
        """Artifact flags for ``text``, in order of position. ``title``, the record's title where there is
        one, tells a non-article page (an index page's title, another story's headline as the body)."""
        lines = split_lines(text)
        flags, cues = self._rule_flags(text, lines)
        flags += non_article_page(text, lines, flags, title)
        if self.line_model is not None:
            flags += self._learned_flags(text, lines, flags, cues)
        return sorted(flags, key=lambda f: (f.start, f.end))

    def line_features(self, text: str) -> tuple[list[Span], list[Flag], np.ndarray]:
        """The lines of ``text``, the rules' flags and the line model's feature rows (for training). The
        title-based page rules are left out: where they fire they flag every line, so the model never
        judges a line of such a page."""
        lines = split_lines(text)
        flags, cues = self._rule_flags(text, lines)
        return lines, flags, _features(text, lines, flags, cues)

    def _rule_flags(self, text: str, lines: list[Span]) -> tuple[list[Flag], list[str | None]]:
        """The rules' flags, and for each line the category of the first rule whose pattern matches it
        whatever its position and length conditions (``None``: no pattern matches)."""
        flags: list[Flag] = []
        cues: list[str | None] = []
        for index, span in enumerate(lines):
            bottom = index >= len(lines) - self.bottom_lines
            line_flags, cue = self._line_flags(text, span, top=index < self.top_lines, bottom=bottom)
            flags.extend(line_flags)
            cues.append(cue)
        flags = _without_reference_links(text, lines, _with_tweet_bodies(text, lines, flags))
        flags = _without_email_headers(text, lines, flags)
        flags += _contact_runs(text, lines, flags)
        flags += _after_labels(text, lines, flags)
        flags += _share_buttons(text, lines, flags)
        flags += _captions_above_share_rows(text, lines, flags)
        flags += self._link_lists(text, lines, flags)
        flags += self._trailing_headlines(text, lines, flags)
        flags += self._lines_between_prose(text, lines, flags)
        flags += _labelled_captions(text, lines, flags)
        flags += _name_headlines(text, lines, flags)
        flags += _lower_case_labels(text, lines, flags)
        flags += _headline_runs_between_prose(text, lines, flags, self.top_lines)
        flags += _bare_name_bylines(text, lines, flags)
        flags += _credit_block_at_end(text, lines, flags)
        flags += _present_tense_captions(text, lines, flags)
        flags += _captions_beside_credits(text, lines, flags)
        return [f for f in flags if f.score >= self.min_score], cues

    def _learned_flags(self, text: str, lines: list[Span], flags: list[Flag], cues: list[str | None]) -> list[Flag]:
        """Lines no rule flag touches whose learned probability reaches the threshold."""
        model = load_line_model(self.line_model)
        threshold = model.threshold if self.line_threshold is None else self.line_threshold
        features = _features(text, lines, flags, cues)
        if not len(features):
            return []
        texts = [s.text(text) for s in lines]
        probs = model.predict_proba(features, texts)
        out = []
        quoted = _email_header_lines(text, lines)
        for i, span in enumerate(lines):
            if probs[i] < threshold or touches(flags, span) or (span.start, span.end) in quoted:
                continue
            top = ", ".join(f"{name} {value:+.1f}" for name, value in model.top_features(features[i], texts[i]))
            reason = f"learned line model: p={probs[i]:.2f} (top features: {top})"
            category = _learned_category(texts[i], cues[i])
            out.append(Flag("artifact", span.start, span.end, float(probs[i]), reason, category))
        return out

    def _lines_between_prose(self, text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
        """An unpunctuated line of ``min_caption_words`` to ``max_caption_words`` words between two
        paragraphs of prose, which it neither ends nor leads into: a photo caption (or, in Title Case,
        the headline of a related story). Subheadings are shorter; a hard-wrapped line is followed by
        a lower-case continuation; a line with a quotation or of several sentences is prose that lost
        its final full stop. Between short one-sentence paragraphs (8+ words, tabloid style) the line must
        also not be Title Case, start with a conjunction or carry a reporting verb (``said``, ``told``)."""
        out = []
        for before, span, after in zip(lines, lines[1:], lines[2:], strict=False):
            line, nxt = span.text(text), after.text(text)
            if touches(flags, span) or not self.min_caption_words <= len(line.split()) <= self.max_caption_words:
                continue
            if line.endswith(_SENTENCE_MARKS + ("'", "-", "–", "—", "…", "»")) or _SPEECH.search(line):
                continue
            if not (line[0].isupper() or line[0] in "(\"“‘'"):
                continue
            if not (nxt[0].isupper() or nxt[0] in "\"“‘'"):
                continue
            if not (is_prose(before.text(text)) and is_prose(nxt)):
                # between short one-sentence paragraphs (tabloid style): not a sentence that lost its full
                # stop (no reporting verb, no leading conjunction), and not a Title-Case subheading
                if not (_is_sentence(before.text(text)) and _is_sentence(nxt)) or _title_case(line):
                    continue
                if _REPORTING.search(line) or line.split()[0] in _CONJUNCTIONS:
                    continue
            if _title_case(line):
                reason, category = "headline-like line between paragraphs (related story)", "related_links"
            else:
                reason, category = "unpunctuated line between paragraphs (photo caption)", "caption"
            out.append(Flag("artifact", span.start, span.end, 0.8, reason, category))
        return out

    def _trailing_headlines(self, text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
        """A run of at least ``min_headline_run`` headline-like lines (3-16 words, capitalised, no
        final punctuation) that ends the text after a line of prose: a list of related stories."""
        flagged = {(f.start, f.end) for f in flags if f.kind == "artifact"}
        run: list[Span] = []
        for span in reversed(lines):
            line = span.text(text)
            words = line.split()
            if (span.start, span.end) in flagged or not (3 <= len(words) <= 16 and line[0].isupper()):
                break
            if line.endswith(_SENTENCE_MARKS) or _FIXTURE.search(line):
                break
            run.append(span)
        if len(run) < self.min_headline_run or len(run) == len(lines):
            return []
        before = lines[len(lines) - len(run) - 1].text(text)
        if not before.endswith((".", "!", "?", '"', "”", ")")):
            return []
        reason = "list of headline-like lines at the end (related stories)"
        return [Flag("artifact", s.start, s.end, 0.85, reason, "related_links") for s in run]

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

    def _line_flags(self, text: str, span: Span, *, top: bool, bottom: bool) -> tuple[list[Flag], str | None]:
        line = span.text(text)
        is_long = len(line) > self.long_line_chars and len(line.split()) > _MAX_LINK_LINE_WORDS
        cue = None
        for rule in _RULES:
            blocked = (is_long and rule.whole_line) or (rule.top_only and not top) or (rule.bottom_only and not bottom)
            blocked = blocked or (rule.not_in_prose and _is_prose_paragraph(line))
            if blocked and cue is not None:
                continue
            if rule.pattern.search(line):
                cue = cue or rule.category
                if blocked:
                    continue
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
                    ], cue
                return [Flag("artifact", span.start, span.end, score, rule.reason, rule.category)], cue
        flags = [
            Flag("artifact", span.start + a, span.start + b, 0.9, "mojibake (wrongly decoded text)", "encoding")
            for a, b in mojibake_spans(line)
        ]
        tail = _TAIL.search(line)
        if tail and tail.group("more"):
            start = span.start + tail.start("more")
            flags.append(Flag("artifact", start, span.end, 0.9, "read-more link glued to the end", "related_links"))
        elif tail:
            start = span.start + tail.start(2)
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
        return flags, cue


_PARAGRAPH_END = (".", "!", "?", '"', "”", "…", "[…]", "[...]")  # "[…]": an excerpt cut short


def _is_prose_paragraph(line: str) -> bool:
    """A paragraph of 40+ words ending like a sentence (or cut off with ``[…]``): prose that may mention a
    photo ("(right)"), never a caption (captions are shorter, or end without a full stop)."""
    return len(line.split()) >= 40 and line.rstrip().endswith(_PARAGRAPH_END)


_INDEX_TITLE = re.compile(
    r"^(home|homepage|home page|contributors|authors?|archives?|index|search results?|categories|tags?)$"
    r"|\barchives?(\s*[-|–—:]\s*[^-|–—:]{1,60})?$|^stories in the\b.*\bcategor(y|ies)\W*$"
    r"|^(category|tag|author|archives?)\s*:|^posts? (by|tagged)\b|\bnews, articles and information\W*$",
    _I,
)
_ERROR_HEAD = re.compile(r"^(error|o+ps|whoops)\b[^.!?]{0,30}\W*$", _I)
_READ_MORE_END = re.compile(r"(\bread more\W*|\[(…|\.\.\.)\])$", _I)  # "[…]": an excerpt linking to the rest
_HEADLINE_END = (".", ",", ";", ":", '"', "”", "'", "’", "…")


def non_article_page(text: str, lines: list[Span], flags: list[Flag], title: str | None) -> list[Flag]:
    """Flags for every line not yet flagged when the record is not an article: a short page (at most 60
    words) that opens with an error heading (``ERROR``, ``Oops``) or has error text (``Error 404``), an index or archive page (its title: ``X Archives``,
    ``X news, articles and information``, ``Contributors``, ``Stories in the "Health" category``), or a body that is one headline or teaser
    (``... Read more`` or ``... […]``) of another story, sharing no content word with ``title``."""
    free = [s for s in lines if not touches(flags, s)]
    if not free:
        return []
    reason, category = None, "other"
    error_text = _ERROR_HEAD.match(lines[0].text(text)) or any(f.category == "error_page" for f in flags)
    if error_text and len(text.split()) <= 60:
        reason, category = "error page (short page with an error heading or error text)", "error_page"
    elif title and _INDEX_TITLE.search(title.strip()):
        reason = "non-article page (index or archive page, by its title)"
    elif title and len(lines) == 1 and _other_story(lines[0].text(text), title):
        reason = "non-article page (a headline or teaser of another story than the title)"
        if _READ_MORE_END.search(lines[0].text(text)):
            category = "related_links"  # a teaser linking to the other story
    if reason is None:
        return []
    return [Flag("artifact", s.start, s.end, 0.85, reason, category) for s in free]


def _other_story(line: str, title: str) -> bool:
    """Whether a one-line body is another story's headline (Title Case, no final full stop) or teaser
    (ending in ``Read more`` or ``[…]``) that shares no content word with the record's title."""
    if _content_words(line) & _content_words(title):
        return False
    headline = len(line.split()) <= 30 and _title_case(line) and not line.endswith(_HEADLINE_END)
    return headline or (len(line.split()) <= 120 and _READ_MORE_END.search(line) is not None)


def _content_words(line: str) -> set[str]:
    """The line's words of 3+ letters that are not stop words, case folded and cut to 5 letters."""
    folded = (w.casefold() for w in _WORDS.findall(line) if len(w) >= 3)
    return {w[:5] for w in folded if w not in ENGLISH_STOP_WORDS}


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


_LABEL_LINE = re.compile(
    r"^(related( articles| stories| posts| coverage| reading)?|read (more|also|next|this)|see also|also read|more|"
    r"recommended|(image|media|photo|video) caption)\s*:?\s*$",
    _I,
)
_NETWORK_ONLY = re.compile(rf"^({_SOCIAL}|google\+?|more|\d+)$", _I)
_REFERENCE_HEADER = re.compile(r"\b(for more information|more info|references|further information)\b[^.!?]*:\s*$", _I)


def _after_labels(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """The line right under a bare ``Related:`` / ``Image caption`` label: the caption (at most 30
    words), or the related story's headline (at most 20 words, no final full stop: not prose)."""
    out = []
    for i, (label, span) in enumerate(itertools.pairwise(lines)):
        match = _LABEL_LINE.match(label.text(text))
        line = span.text(text)
        if match is None or touches(flags, span):
            continue
        category = "caption" if "caption" in match.group(0).casefold() else "related_links"
        if len(line.split()) > (30 if category == "caption" else 20) or (category != "caption" and line.endswith(".")):
            continue
        out.append(
            Flag("artifact", span.start, span.end, 0.85, "line under a related-links or caption label", category)
        )
        if category == "related_links":
            out += _headline_run(text, lines[i + 2 : i + 2 + _MAX_RELATED_RUN], flags)
    return out


_MAX_RELATED_RUN = 8  # headlines listed under one Related label


def _is_headline_like(line: str) -> bool:
    """3-20 words, capitalised, no final sentence punctuation: another story's headline in a list."""
    return 3 <= len(line.split()) <= 20 and line[:1].isupper() and not line.rstrip().endswith(SENTENCE_END)


def _headline_run(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """The headline-like lines that continue a list of related stories (up to the first other line)."""
    out = []
    for span in lines:
        line = span.text(text)
        if touches(flags, span) or not _is_headline_like(line) or _FIXTURE.search(line):
            break
        out.append(
            Flag("artifact", span.start, span.end, 0.85, "headline in a list under a Related label", "related_links")
        )
    return out


_CAPTION_LABEL = re.compile(r"^(?P<label>[A-Z][a-z'’-]+(\s[a-z'’-]+){0,2}):\s+(?P<rest>[A-Z]\S*(\s+\S+){5,})$")
_AGENCY_CREDIT = re.compile(r"\.?\s*\([A-Z][A-Za-z/ ]{1,20}\)$")  # a trailing photo-agency credit, ``. (CEN)``
_SPEECH_VERBS = frozenset(
    [
        "said",
        "says",
        "say",
        "added",
        "adds",
        "wrote",
        "writes",
        "told",
        "tells",
        "asked",
        "asks",
        "replied",
        "replies",
        "explained",
        "explains",
        "tweeted",
        "tweets",
        "posted",
        "posts",
        "captioned",
        "captions",
        "continued",
        "continues",
        "stated",
        "states",
        "reads",
        "read",
    ]
)


def _labelled_captions(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A tabloid photo caption, ``Vigilant: A police officer patrols the hallway ...``: a label of 1-3
    words in sentence case (not a speaker's name or an ALL-CAPS tag), a colon, then a description of 6+
    words in sentence case with no final punctuation before an agency credit such as ``(CEN)`` (at most
    45 words, not starting with a quotation, not a list in parentheses, no ellipsis, address or handle),
    neither the first nor the last line. A label ending in a verb of saying (``She said:``) introduces a
    quotation and is prose."""
    out = []
    for span in lines[1:-1]:
        line = span.text(text)
        match = _CAPTION_LABEL.match(line)
        if match is None or touches(flags, span) or len(line.split()) > 45 or _EMAIL_HEADER.match(line):
            continue
        label, rest = match.group("label"), _AGENCY_CREDIT.sub("", match.group("rest"))
        if label.split()[-1].casefold() in _SPEECH_VERBS or rest.endswith(_SENTENCE_MARKS + ("'", "‘", "…", "-")):
            continue
        if _title_case(rest) or rest.count("(") >= 2 or any(c in rest for c in ("<", "@", "...", "…")):
            continue
        out.append(Flag("artifact", span.start, span.end, 0.85, "photo caption (label: description)", "caption"))
    return out


_NAME_LABEL = re.compile(
    r"^(?P<label>[A-Z][a-z][\w'’.-]*(\s[A-Z][\w'’.-]+){0,2}):\s+(?P<rest>[^\s\"“‘']\S*(\s+\S+){3,15})$"
)


_STAFF = re.compile(r"\b(correspondent|editor|reporter|news|staff)\b", _I)  # "Analysis: X, BBC News" names a writer


def _name_headlines(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A related story's headline in the ``Name: claim`` form (``Trump: reports of ... 'ridiculous'``)
    between two paragraphs of prose: a label of 1-3 capitalised words (a name, not an ALL-CAPS speaker),
    a colon, then 4-16 words that do not start with a quotation and end with no sentence punctuation
    (a closing scare quote is allowed when the line opens it)."""
    out = []
    for before, span, after in zip(lines, lines[1:], lines[2:], strict=False):
        line = span.text(text)
        match = _NAME_LABEL.match(line)
        if match is None or touches(flags, span) or _EMAIL_HEADER.match(line):
            continue
        rest = match.group("rest").rstrip("’'")
        quoted = rest != match.group("rest") and ("‘" in rest or " '" in rest)
        if rest != match.group("rest") and not quoted or rest.endswith(_SENTENCE_MARKS + ("…", "-")):
            continue
        if match.group("label").split()[-1].casefold() in _SPEECH_VERBS or _STAFF.search(rest):
            continue
        if is_prose(before.text(text)) and is_prose(after.text(text)):
            out.append(
                Flag(
                    "artifact", span.start, span.end, 0.8, "headline of a related story (Name: claim)", "related_links"
                )
            )
    return out


_REPORTING = re.compile(r"\b(said|says|told|tells|according|added|reported|claimed|wrote)\b", _I)
_CONJUNCTIONS = frozenset(["And", "But", "So", "Or", "For", "Yet", "Then", "However,", "Because"])


def _is_sentence(line: str) -> bool:
    """A paragraph of prose, however short: 8+ words ending like a sentence (tabloids write one-sentence
    paragraphs, so :func:`is_prose`'s 15 words miss the prose around their captions)."""
    return len(line.split()) >= 8 and line.rstrip().endswith(SENTENCE_END)


_LOWER_LABEL = re.compile(r"^[a-z0-9][a-z0-9'’ -]*[a-z0-9]$")  # no capital, no punctuation


def _lower_case_labels(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A line of 2-8 words with no capital letter and no punctuation, after a line that ends a sentence
    and before a capitalised one: an image's alt text or file keywords (``banksy paris charlie hebdo``).
    A hard-wrapped line follows a line cut mid-sentence; the headline (first line) is left alone."""
    out = []
    for before, span, after in zip(lines, lines[1:], lines[2:], strict=False):
        line = span.text(text)
        if touches(flags, span) or not 2 <= len(line.split()) <= 8 or not _LOWER_LABEL.match(line):
            continue
        if not before.text(text).rstrip().endswith(_SENTENCE_MARKS) or not after.text(text)[:1].isupper():
            continue
        out.append(Flag("artifact", span.start, span.end, 0.8, "lower-case label (image alt text)", "caption"))
    return out


_PERSON = r"[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s(?:Mc|Mac|O['’]|De|Van|Von)?[A-Z][a-z'’-]+){1,2}"
_OUTLET = r"(?:[Tt]he\s)?[A-Z][\w.&'’-]*(?:\s(?:[A-Z&][\w.&'’-]*|of|for|and)){0,4}"
_BARE_NAME = re.compile(rf"^(?P<name>{_PERSON})(?P<outlet>\s*(?:,|\||[–—-]|for)\s*{_OUTLET})?$")
_INITIAL = re.compile(r"\s[A-Z]\.\s")


def _is_bare_name(line: str, *, strict: bool = False) -> bool:
    """A person's name of 2-3 capitalised words (optionally ``, Outlet``) with no stop word in the name;
    ``strict``: only with an outlet or a middle initial (``Jane Doe, The Courier``, ``Jane Q. Doe``)."""
    match = _BARE_NAME.match(line.strip())
    if match is None or any(w.casefold() in _NAME_STOP for w in match.group("name").split()):
        return False
    return not strict or bool(match.group("outlet") or _INITIAL.search(match.group("name")))


_NAME_STOP = frozenset(ENGLISH_STOP_WORDS) | {"news", "video", "photo", "home", "share", "read", "click", "follow"}


def _bare_name_bylines(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A bare author name on its own line: as the last unflagged line of the text after a line that ends a
    sentence (``Jane Doe``, ``Jane Doe, The Daily Planet``), or right under an unflagged headline before a
    sentence with an outlet or a middle initial (a two-word dek under a headline looks like a bare name).
    A subheading sits elsewhere or has lower-case or stop words."""
    out = []
    flagged = [touches(flags, s) for s in lines]
    for i, span in enumerate(lines):
        line = span.text(text)
        if flagged[i] or i == 0 or not _is_bare_name(line):
            continue
        before = lines[i - 1].text(text).rstrip()
        at_end = all(flagged[i + 1 :]) and before.endswith(SENTENCE_END)
        at_top = i == 1 and not flagged[0] and not before.endswith(SENTENCE_END) and _is_bare_name(line, strict=True)
        at_top = at_top and len(lines) > 2 and _is_sentence(lines[2].text(text))
        if at_end or at_top:
            out.append(Flag("artifact", span.start, span.end, 0.85, "bare author name on its own line", "byline"))
    return out


def _headline_runs_between_prose(text: str, lines: list[Span], flags: list[Flag], top_lines: int) -> list[Flag]:
    """Two to eight consecutive Title-Case headline-like lines (4-16 words, no final punctuation, not a
    table row) between paragraphs that end sentences, below the top of the text: other stories' headlines
    (a subheading is one line; a headline and its dek sit at the top; a table runs longer)."""
    out: list[Flag] = []
    i = top_lines
    while i < len(lines) - 1:
        j = i
        while j < len(lines) - 1 and _is_run_headline(lines[j].text(text)) and not touches(flags, lines[j]):
            j += 1
        if (
            2 <= j - i <= _MAX_RELATED_RUN
            and _is_sentence(lines[i - 1].text(text))
            and _is_sentence(lines[j].text(text))
        ):
            reason = "run of other stories' headlines between paragraphs"
            out += [Flag("artifact", s.start, s.end, 0.8, reason, "related_links") for s in lines[i:j]]
        i = j + 1 if j > i else i + 1
    return out


_NUMBER = re.compile(r"\d[\d,.]*%?")


def _is_run_headline(line: str) -> bool:
    """A Title-Case line of 4-16 words, no final punctuation and at most one number (not a table row)."""
    words = line.split()
    if not 4 <= len(words) <= 16 or not line[:1].isupper() or line.endswith(_SENTENCE_MARKS):
        return False
    return _title_case(line) and len(_NUMBER.findall(line)) <= 1


_CREDIT_HEADER = re.compile(
    r"^(contacts?( and sources?)?|sources?( and contacts?)?|credits?|media contacts?)\s*:?\s*$", _I
)
_MAX_CREDIT_BLOCK = 6  # lines under a closing credits header
_MAX_CREDIT_WORDS = 15


def _credit_block_at_end(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """Every line under a bare ``Sources:`` / ``Contacts and sources:`` / ``Credits:`` header that closes
    the text (at most six short lines, none a paragraph of prose): the re-posted piece's credits."""
    for i in range(max(0, len(lines) - _MAX_CREDIT_BLOCK - 1), len(lines) - 1):
        if not _CREDIT_HEADER.match(lines[i].text(text).strip()):
            continue
        block = lines[i + 1 :]
        if any(len(s.text(text).split()) > _MAX_CREDIT_WORDS or _is_sentence(s.text(text)) for s in block):
            return []
        reason = "line under a closing sources or credits header"
        return [
            Flag("artifact", s.start, s.end, 0.85, reason, "source_attribution") for s in block if not touches(flags, s)
        ]
    return []


# Session 8: families written from the conventions of news pages before they were measured (see
# docs/benchmarks/artifacts.md, "Session 8"): a caption describes the pictured scene in the present tense;
# a caption sits next to the photo's credit.
_SCENE_VERBS_SINGULAR = (
    r"speaks|looks on|gestures|poses|arrives|smiles|walks|attends|addresses|holds|stands|sits|greets|shakes hands"
    r"|celebrates|reacts|gathers|marches|listens|departs|delivers|visits|kneels|hugs|carries|waits|prepares"
    r"|participates|takes part|sings|performs|prays|mourns|inspects|embraces|salutes|patrols|clashes|chants"
    r"|receives|is seen|is pictured|is shown|is photographed|is escorted|is greeted|is surrounded"
)
_SCENE_VERBS_PLURAL = (
    r"speak|look on|gesture|pose|arrive|wave|smile|walk|attend|hold|stand|sit|greet|shake hands|celebrate|react"
    r"|gather|march|listen|leave|protest|rally|wait|watch|carry|kneel|hug|take part|participate|sing|perform|line up"
    r"|queue|patrol|clash|chant|pray|mourn|inspect|embrace|salute|are seen|are pictured|are shown|are photographed"
    r"|are escorted"
)
_SCENE_VERB = re.compile(rf"\s(?P<verb>{_SCENE_VERBS_SINGULAR}|{_SCENE_VERBS_PLURAL})\b")
_PLURAL_SCENE_VERB = re.compile(rf"^(?:{_SCENE_VERBS_PLURAL})$")
_SCENE_CUE = re.compile(
    r"\b(during|as|at|outside|inside|in front of|after|before|near|next to|alongside|with)\b|\bon \d"
    r"|\bon (monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|feb|march|april|may|june|july|aug|sept?"
    r"|oct|nov|dec)|\bin (?-i:[A-Z])",
    _I,
)
_NOT_A_SCENE_SUBJECT = re.compile(  # a modal, auxiliary, relative or pronoun before the verb: prose, not a caption
    r"\b(will|would|to|can|could|may|might|should|must|did|does|do|has|have|had|was|were|who|that|which|not|never"
    r"|i|we|you|they|he|she|it)\b",
    _I,
)
_COLLECTIVE_NOUNS = frozenset(
    ["police", "people", "children", "men", "women", "crowd", "staff", "troops", "fans", "family"]
)
_CAPTION_SPEECH = re.compile(r"\b(said|says|told|tells|according|added|claimed|wrote|stated|announced|insisted)\b", _I)
_QUOTE_MARK = re.compile(r"[\"“”]")


def is_present_tense_caption(line: str) -> bool:
    """A photo caption's sentence: 4-35 words, capitalised, no quotation or verb of saying, whose verb (after
    a subject of at most eight words with no modal, auxiliary or pronoun) is a verb of a pictured scene in
    the present tense (``speaks``, ``looks on``, ``is seen``; ``gather`` after a plural subject), followed by
    a scene cue (``during``, ``at``, ``outside``, ``on Monday``, ``in <Place>``). News prose is in the past
    tense; a headline in the present tense rarely says where and when."""
    if not 4 <= len(line.split()) <= 35 or not line[:1].isupper() or _QUOTE_MARK.search(line):
        return False
    if _CAPTION_SPEECH.search(line) or _SPEECH.search(line.rstrip(".")):
        return False
    match = _SCENE_VERB.search(" " + line)
    if match is None:
        return False
    subject = (" " + line)[: match.start()].strip()
    if not subject or len(subject.split()) > 8 or _NOT_A_SCENE_SUBJECT.search(subject):
        return False
    last = subject.split()[-1].casefold()
    plural = (
        (last.endswith("s") and not last.endswith(("'s", "’s"))) or last.endswith("men") or last in _COLLECTIVE_NOUNS
    )
    plural = plural or " and " in subject
    if _PLURAL_SCENE_VERB.match(match.group("verb")) and not plural:
        return False
    return bool(_SCENE_CUE.search(line[match.end() - 1 :]))


def _present_tense_captions(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A present-tense scene description with no final punctuation (:func:`is_present_tense_caption`), below
    the first line: a photo caption. With a final full stop the same shape is too often live commentary or
    a present-tense lead (bbc sport, celebrity news), so it is left alone."""
    out = []
    for span in lines[1:]:
        line = span.text(text)
        if touches(flags, span) or line.endswith(SENTENCE_END + (",", ";", ":")):
            continue
        if is_present_tense_caption(line):
            out.append(Flag("artifact", span.start, span.end, 0.8, "present-tense photo caption", "caption"))
    return out


def _captions_beside_credits(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A short unpunctuated line (3-30 words, one sentence, no verb of saying, quotation, question or colon at
    the end) right above or below a line the rules flag as a photo credit, below the first line: the photo's caption
    (or its alt text)."""
    credits = [
        any("credit" in f.reason and f.category == "caption" for f in flags if covers_half([f], s)) for s in lines
    ]
    out = []
    for i, span in enumerate(lines):
        line = span.text(text)
        if i == 0 or credits[i] or touches(flags, span) or not 3 <= len(line.split()) <= 30:
            continue
        if (
            line.endswith(SENTENCE_END + (",", ";", ":", "?"))
            or _CAPTION_SPEECH.search(line)
            or _SPEECH.search(line)  # a quotation, or more than one sentence: prose
        ):
            continue
        if credits[i - 1] or (i + 1 < len(lines) and credits[i + 1]):
            out.append(Flag("artifact", span.start, span.end, 0.8, "caption beside its photo credit", "caption"))
    return out


_CONTACT = re.compile(r"^(twitter|facebook|skype|e-?mail|instagram|gab|website|contact)\s*:\s*\S+$", _I)
_EMAIL_HEADER = re.compile(r"^(from|to|subject|sent|cc|date)\s*:", _I)


def _contact_runs(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """Author contact lines (``Email: x@y``, ``Twitter: @x``) above a flagged one: the contact block of
    several authors at the end, longer than the bottom lines where a contact line counts on its own."""
    contact = {(f.start, f.end) for f in flags if f.reason == "author contact line"}
    out = []
    for span, after in reversed(list(itertools.pairwise(lines))):
        if (after.start, after.end) in contact and _CONTACT.match(span.text(text)) and not touches(flags, span):
            contact.add((span.start, span.end))
            out.append(Flag("artifact", span.start, span.end, 0.9, "author contact line", "byline"))
    return out


def _email_header_lines(text: str, lines: list[Span]) -> set[tuple[int, int]]:
    """The lines of a quoted e-mail header: ``From:``, ``To:``, ``Subject:``, ``Sent:`` lines and a ``Date``
    line next to one of them."""
    headers = {(s.start, s.end) for s in lines if _EMAIL_HEADER.match(s.text(text))}
    quoted = set()
    for k, span in enumerate(lines):
        near = [n for n in lines[max(k - 1, 0) : k + 2] if n is not span and (n.start, n.end) in headers]
        if near and _EMAIL_HEADER.match(span.text(text)):
            quoted.add((span.start, span.end))
    return quoted


def _without_email_headers(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """Drop flags on the lines of a quoted e-mail header (``Date: ...`` is no publication date there): the
    article quotes the e-mail."""
    quoted = _email_header_lines(text, lines)
    return [f for f in flags if (f.start, f.end) not in quoted]


def _share_buttons(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """Lines that are only a network name (``Facebook``, ``Google``, a counter) right after a share widget."""
    share = {(f.start, f.end) for f in flags if f.category == "share_widget" and f.kind == "artifact"}
    out = []
    for before, span in itertools.pairwise(lines):
        if (before.start, before.end) in share and _NETWORK_ONLY.match(span.text(text)) and not touches(flags, span):
            share.add((span.start, span.end))
            out.append(Flag("artifact", span.start, span.end, 0.9, "share button after a share widget", "share_widget"))
    return out


def _captions_above_share_rows(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """A short line (at most 30 words, not the first) right above a row of share buttons: the caption of
    the photo the buttons belong to (``Caption`` / ``Facebook Twitter Pinterest``)."""
    rows = {(f.start, f.end) for f in flags if f.reason == "row of share buttons"}
    out = []
    for k, (above, span) in enumerate(itertools.pairwise(lines)):
        short = len(above.text(text).split()) <= 30
        if k > 0 and short and (span.start, span.end) in rows and not touches(flags, above):
            out.append(
                Flag("artifact", above.start, above.end, 0.85, "caption above a row of share buttons", "caption")
            )
    return out


def _without_reference_links(text: str, lines: list[Span], flags: list[Flag]) -> list[Flag]:
    """Drop "bare source link" flags on a list of links under a "For more information:" header: the
    article's own references."""
    references: set[tuple[int, int]] = set()
    in_list = False
    for span in lines:
        line = span.text(text)
        if _REFERENCE_HEADER.search(line):
            in_list = True
        elif in_list and _BARE_LINK.match(line):
            references.add((span.start, span.end))
        else:
            in_list = False
    return [f for f in flags if not ((f.start, f.end) in references and f.reason == "bare source link")]


_BARE_LINK = re.compile(r"^\W*(https?://|www\.)\S+$", _I)


def _title_case(line: str) -> bool:
    """Whether at least 80% of the line's words of 4+ letters are capitalised (a headline in Title Case)."""
    words = [w for w in _WORDS.findall(line) if len(w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _features(text: str, lines: list[Span], flags: list[Flag], cues: list[str | None]) -> np.ndarray:
    hits = [cue is not None and not covers_half(flags, s) for s, cue in zip(lines, cues, strict=True)]
    return line_features(text, lines, flags, hits)


_LINK = re.compile(r"https?://|www\.", _I)
_WORDS = re.compile(r"[^\W\d_]+")


def guess_category(line: str) -> str:
    """The artifact category a line most likely has, whatever its position or length: that of the first
    rule whose pattern matches it, else the one its furniture words suggest (see ``_learned_category``)."""
    cue = next((rule.category for rule in _RULES if rule.pattern.search(line)), None)
    return _learned_category(line, cue)


def _learned_category(line: str, cue: str | None) -> str:
    """A category for a line only the model flagged: that of a rule whose pattern matches it (kept from
    flagging by its position or length), else the one its furniture words suggest most often
    (``Photos``: caption), else ``source_attribution`` for a link, else by its shape: a headline in Title
    Case (3-20 words, no final full stop) is a related story's, an unpunctuated line of 4-40 words is a
    photo caption, anything else ``other``."""
    if cue is not None:
        return cue
    votes = Counter(FURNITURE_WORDS[w] for w in map(str.casefold, _WORDS.findall(line)) if w in FURNITURE_WORDS)
    if votes:
        return votes.most_common(1)[0][0]
    if _LINK.search(line):
        return "source_attribution"
    words = len(line.split())
    if 3 <= words <= 20 and _title_case(line) and not line.endswith("."):
        return "related_links"
    if 4 <= words <= 40 and not line.endswith(_SENTENCE_MARKS):
        return "caption"
    return "other"


_PERSONAL = re.compile(r"\b(you|your|our|us)\b", _I)
_COPYRIGHT_START = re.compile(r"^\W*(©|\(c\)|copyright\b)", _I)


def _prose_discount(line: str, rule: _Rule) -> float:
    """Lower the score of a pattern hit on a line that reads like a sentence of prose.

    Prose mentioning cookies, signing up or a missing page is reported speech; a prompt talks to
    the reader ("you", "our", "us").
    """
    if not rule.whole_line or rule.category not in {"subscription", "legal", "error_page", "related_links"}:
        return 1.0
    if _COPYRIGHT_START.match(line):  # a line that opens with the notice is the notice, not speech about it
        return 1.0
    words = len(line.split())
    ends_like_sentence = line.rstrip().endswith((".", "!", "?", '"', "”"))
    if words >= 18 and ends_like_sentence:
        return 0.45
    if words >= 12 and ends_like_sentence and not _PERSONAL.search(line):
        return 0.45
    return 1.0

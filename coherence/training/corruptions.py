"""Defects generated from clean articles: the training (and benchmark) data of the quality model.

Each corruption takes a clean article (a dict with ``text``, ``title`` and ``topic``), a random
generator and a pool of other articles to borrow from, and returns a damaged copy. The artifact
lines are written from templates of our own (with invented names), not copied from any site.

=====================  =========================================================================
defect                 what is done to the article
=====================  =========================================================================
splice_block           1-3 consecutive paragraphs of another article inserted at start/middle/end
splice_sentence        one sentence of another article inserted inside a paragraph
artifacts              1-6 scraped leftovers (share widgets, bylines, menus, cookie notes, ...)
repeated_headline      the headline printed again at the top of the body (maybe with a site name)
repeated_paragraph     one paragraph printed twice
truncation             the text cut off mid-sentence at 35-75% of its length
shuffled               the paragraphs in a random order
wrong_headline         the headline of another article
=====================  =========================================================================
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

from coherence.units import split_paragraphs, split_sentences, uses_blank_lines

Article = dict[str, Any]

# --- invented material for artifact lines -------------------------------------------------------
_SITES = [
    "The Morning Courier",
    "Riverside Gazette",
    "DailyPulse",
    "NewsHarbor",
    "The Civic Ledger",
    "Brightwater Times",
    "Metro Wire Online",
    "The Northern Post",
    "Scoop Junction",
    "PolicyBeat",
]
_DOMAINS = [
    "morningcourier.example",
    "riversidegazette.example",
    "dailypulse.example",
    "newsharbor.example",
    "civicledger.example",
    "brightwatertimes.example",
]
_PEOPLE = [
    "Dana Whitfield",
    "Marcus Oyelaran",
    "Priya Castellanos",
    "Tom Brandvold",
    "Ines Maartens",
    "Leo Fairbanks",
    "Aisha Romero",
    "Guy Pellerin",
    "Nora Stjernholm",
    "Kwame Adebayo",
]
_SECTIONS = ["Politics", "World", "Business", "Tech", "Entertainment", "Health", "Sport", "Opinion"]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_TEASERS = [
    "Ten things nobody tells you about saving for retirement",
    "Watch: the moment a seal steals a fisherman's lunch",
    "Why economists are suddenly worried about coffee prices",
    "This simple trick could cut your energy bill in half",
    "Local bakery wins national award for its sourdough",
    "Scientists finally explain why cats ignore their owners",
]


def _date(rng: random.Random) -> str:
    return f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2012, 2019)}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} {rng.choice(['AM', 'PM'])}"


def _artifact_line(rng: random.Random, title: str) -> str:
    site, person, domain = rng.choice(_SITES), rng.choice(_PEOPLE), rng.choice(_DOMAINS)
    templates: list[Callable[[], str]] = [
        lambda: "Share this:",
        lambda: "Like this: Like Loading... Related",
        lambda: "Share on Facebook Share on Twitter Share on WhatsApp Email",
        lambda: f"Click to share on {rng.choice(['Twitter', 'Facebook', 'Reddit'])} (Opens in new window)",
        lambda: f"{rng.randint(2, 900)} shares",
        lambda: f"By {person} | {_date(rng)} | {rng.choice(_SECTIONS)}",
        lambda: f"Posted by {person} on {_date(rng)} at {_time(rng)}",
        lambda: f"{person}, {rng.choice(['Staff Writer', 'Senior Correspondent', 'Contributor'])}",
        lambda: f"Published {_date(rng)} Updated {_date(rng)}",
        lambda: f"Home | {' | '.join(rng.sample(_SECTIONS, 5))} | Contact",
        lambda: f"Home > {rng.choice(_SECTIONS)} > {title[:40]}",
        lambda: "Skip to main content",
        lambda: "Subscribe to our newsletter for the latest updates delivered to your inbox.",
        lambda: f"Sign up for the {site} daily briefing. Enter your email address",
        lambda: "Advertisement",
        lambda: "ADVERTISEMENT - CONTINUE READING BELOW",
        lambda: "We use cookies to improve your experience. By continuing you agree to our use of cookies.",
        lambda: f"Copyright {rng.randint(2012, 2019)} {site}. All rights reserved.",
        lambda: "This material may not be published, broadcast, rewritten or redistributed.",
        lambda: f"Image credit: {person}/{rng.choice(['Reuters', 'AP', 'Getty Images', 'Shutterstock'])}",
        lambda: f"Featured image via {rng.choice(['Flickr', 'Wikimedia Commons', 'screenshot'])}",
        lambda: f"Related: {rng.choice(_TEASERS)}",
        lambda: f"You may also like: {rng.choice(_TEASERS)}",
        lambda: f"The post {title} appeared first on {site}.",
        lambda: f"Source: https://www.{domain}/{rng.choice(_SECTIONS).lower()}/{rng.randint(10000, 99999)}",
        lambda: f"Read more at https://{domain}/news/{rng.randint(100, 9999)}",
        lambda: "Leave a Reply Cancel reply",
        lambda: f"{rng.randint(0, 300)} Comments",
        lambda: "Tags: " + ", ".join(rng.sample(_SECTIONS, 3)),
        lambda: "var _gaq = _gaq || []; _gaq.push(['_trackPageview']);",
        lambda: '<div class="share-buttons"><a href="#">Tweet</a></div>',
        lambda: f"Follow {site} on Twitter @{site.replace(' ', '')}",
    ]
    return rng.choice(templates)()


# --- paragraph helpers ----------------------------------------------------------------------------
def paragraphs(text: str) -> list[str]:
    return [s.text(text) for s in split_paragraphs(text)]


def _join(pars: Sequence[str], like: str) -> str:
    return ("\n\n" if uses_blank_lines(like) else "\n").join(pars)


def _sentences(text: str) -> list[str]:
    out = []
    for p in split_paragraphs(text):
        out += [s.text(text) for s in split_sentences(text, p)]
    return out


def _donor(article: Article, pool: Sequence[Article], rng: random.Random, same_topic: bool | None) -> Article:
    others = [a for a in pool if a["id"] != article["id"]]
    if same_topic is not None:
        matching = [a for a in others if (a.get("topic") == article.get("topic")) == same_topic]
        others = matching or others
    return rng.choice(others)


# --- the corruptions --------------------------------------------------------------------------------
def splice_block(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    pars = paragraphs(article["text"])
    donor = paragraphs(_donor(article, pool, rng, same_topic=rng.random() < 0.3)["text"])
    n = min(rng.randint(1, 3), max(1, len(donor) - 1), max(1, len(pars) // 2))
    first = rng.randrange(0, max(1, len(donor) - n + 1))
    block = donor[first : first + n]
    at = rng.choice([0, len(pars)] + [rng.randint(1, max(1, len(pars) - 1))] * 2)
    return {**article, "text": _join(pars[:at] + block + pars[at:], article["text"])}


def splice_sentence(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    pars = paragraphs(article["text"])
    donor_text = _donor(article, pool, rng, same_topic=False)["text"]
    donor = [s for s in _sentences(donor_text) if len(s.split()) >= 10]
    if not donor:
        return splice_block(article, rng, pool)
    target = rng.randrange(len(pars))
    sents = _sentences(pars[target]) or [pars[target]]
    at = rng.randint(0, len(sents))
    pars[target] = " ".join(sents[:at] + [rng.choice(donor)] + sents[at:])
    return {**article, "text": _join(pars, article["text"])}


def artifacts(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    pars = paragraphs(article["text"])
    title = article.get("title") or pars[0][:60]
    n = rng.randint(1, 6)
    for _ in range(n):
        line = _artifact_line(rng, title)
        where = rng.random()
        if where < 0.35:
            pars.insert(0, line)
        elif where < 0.75:
            pars.append(line)
        elif where < 0.9:
            pars.insert(rng.randint(1, len(pars)), line)
        else:  # glued to the end of a paragraph, as scraped share tails often are
            i = rng.randrange(len(pars))
            pars[i] = pars[i] + " " + rng.choice(["Share this:", "Like this:", "Share this article"])
    return {**article, "text": _join(pars, article["text"])}


def repeated_headline(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    title = article.get("title")
    if not title:
        return artifacts(article, rng, pool)
    line = title if rng.random() < 0.6 else f"{title} {rng.choice(['-', '|', '–'])} {rng.choice(_SITES)}"
    lines = [line, line] if rng.random() < 0.3 else [line]
    if rng.random() < 0.3:
        lines.insert(0, _date(rng))
    pars = paragraphs(article["text"])
    return {**article, "text": _join(lines + pars, article["text"])}


def repeated_paragraph(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    pars = paragraphs(article["text"])
    i = rng.randrange(len(pars))
    at = rng.randint(i + 1, len(pars))
    return {**article, "text": _join(pars[:at] + [pars[i]] + pars[at:], article["text"])}


def truncation(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    text = article["text"].rstrip()
    cut = int(len(text) * rng.uniform(0.35, 0.75))
    while cut < len(text) and not text[cut].isspace():
        cut += 1
    head = text[:cut].rstrip()
    head = re.sub(r"[.!?\"'”’)]+$", "", head).rstrip()  # end mid-sentence, not on a full stop
    return {**article, "text": head}


def shuffled(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    pars = paragraphs(article["text"])
    if len(pars) < 3:
        return splice_block(article, rng, pool)
    order = list(range(len(pars)))
    while order == sorted(order):
        rng.shuffle(order)
    return {**article, "text": _join([pars[i] for i in order], article["text"])}


def wrong_headline(article: Article, rng: random.Random, pool: Sequence[Article]) -> Article:
    donor = _donor(article, pool, rng, same_topic=rng.random() < 0.3)
    return {**article, "title": donor.get("title") or article.get("title")}


CORRUPTIONS: dict[str, Callable[[Article, random.Random, Sequence[Article]], Article]] = {
    "splice_block": splice_block,
    "splice_sentence": splice_sentence,
    "artifacts": artifacts,
    "repeated_headline": repeated_headline,
    "repeated_paragraph": repeated_paragraph,
    "truncation": truncation,
    "shuffled": shuffled,
    "wrong_headline": wrong_headline,
}


def corrupt(
    article: Article, rng: random.Random, pool: Sequence[Article], kinds: Sequence[str] | None = None
) -> Article:
    """A damaged copy of ``article`` with one defect (a quarter of the time, two), named in ``defect``."""
    names = list(kinds or CORRUPTIONS)
    chosen = rng.sample(names, 2 if rng.random() < 0.25 and len(names) > 1 else 1)
    out = dict(article)
    for name in chosen:
        out = CORRUPTIONS[name](out, rng, pool)
    out["defect"] = "+".join(chosen)
    return out


def build_set(
    articles: Sequence[Article], seed: int, corrupted_per_article: int = 1, id_prefix: str = ""
) -> list[Article]:
    """Every article clean (``defect`` None, ``label`` 1) plus damaged copies (``label`` 0)."""
    rng = random.Random(seed)
    out = []
    for a in articles:
        out.append({**a, "id": f"{id_prefix}{a['id']}", "defect": None, "label": 1})
        for k in range(corrupted_per_article):
            bad = corrupt(a, rng, articles)
            out.append({**bad, "id": f"{id_prefix}{a['id']}~{k}", "label": 0})
    return out

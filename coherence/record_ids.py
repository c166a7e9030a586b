"""Repeated record ids: every command renames the second ``a`` to ``a#2`` (with a warning).

``coherence score``, ``filter``, ``clean`` and ``duplicates`` all read ids through
:func:`unique_ids` (the scorer through :func:`renamed_repeat`), so a record has the same id in
each command's output and ``filter --scores`` can pair records with their scores by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from coherence.article import Article, RecordError

#: The key in :attr:`Article.meta` holding the warning about a renamed id.
ID_WARNING = "_id_warning"


def renamed_repeat(item: Article | RecordError, seen: dict[str, int]) -> Article | RecordError:
    """``item``, renamed ``id#N`` (N: its occurrence) when ``seen`` already has its id.

    ``seen`` counts the ids so far and is updated. A new name that is itself taken gets the next
    free N, so the ids that come out are unique. The warning goes into ``meta`` (an Article) or
    the message (a RecordError).
    """
    renamed, warning = _rename(item, seen)
    if warning is None:
        return item
    if isinstance(item, RecordError):
        return RecordError(renamed, f"{item.message}; {warning}", item.source)
    return Article(renamed, item.text, item.title, item.url, item.source, {**item.meta, ID_WARNING: warning})


def unique_ids(
    items: Iterable[Article | RecordError], warn: Callable[[str], None] | None = None
) -> Iterator[Article | RecordError]:
    """The records of ``items`` in order, repeated ids renamed as :func:`renamed_repeat` does;
    ``warn`` (if given) is called with the warning of each renamed record."""
    seen: dict[str, int] = {}
    for item in items:
        renamed = renamed_repeat(item, seen)
        if warn is not None and renamed is not item:
            warn(f"duplicate id {item.id!r}; reported as {renamed.id!r}")
        yield renamed


def _rename(item: Article | RecordError, seen: dict[str, int]) -> tuple[str, str | None]:
    occurrence = seen.get(item.id, 0) + 1
    seen[item.id] = occurrence
    if occurrence == 1:
        return item.id, None
    suffix = occurrence
    while f"{item.id}#{suffix}" in seen:
        suffix += 1
    renamed = f"{item.id}#{suffix}"
    seen[renamed] = 1
    return renamed, f"duplicate id {item.id!r} (occurrence {occurrence}); reported as {renamed!r}"

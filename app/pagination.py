"""A page of a long list: the rows shown, the total from one COUNT, and the page links to draw.

Every long list (caseloads, triage, referrals, the audit log, the directory) shows at most one
page, so its cost is what it shows, not how long the service has run. `paginate` runs exactly two
statements whatever the page: one COUNT over the filtered select (ordering dropped), then the
rows of the page asked for with LIMIT/OFFSET (plus whatever `selectinload` options the select
carries, a fixed number more). A page beyond the end is answered with the last page, flagged so
the page can say so; a page number that is not a whole number is page 1 (`page_arg`).

`templates/macros/pagination.html` draws a `Page` with the NHS.UK pagination component.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import request
from sqlalchemy import Select, func, select

from app.converters import MAX_ID, whole_number
from app.extensions import db

T = TypeVar("T")

# Page numbers drawn either side of the current one; the first and last are always drawn.
NEIGHBOURS = 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    asked_for: int  # the page in the URL; more than `page` when it was beyond the end
    more: bool = False  # the list goes on past `total` rows, where counting stopped (count_limit)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def beyond_end(self) -> bool:
        """The URL asked for a page after the last one (so the last page is shown instead)."""
        return self.asked_for > self.page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first_shown(self) -> int:
        """The position in the whole list of the first row shown (1-based; 0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def numbers(self) -> list[int | None]:
        """The page numbers to link, None where an ellipsis stands for the ones left out:
        page 6 of 20 gives [1, None, 5, 6, 7, None, 20]; a gap of one page is drawn, not elided."""
        wanted = {1, self.pages} | set(range(self.page - NEIGHBOURS, self.page + NEIGHBOURS + 1))
        shown: list[int | None] = []
        previous = 0
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if number - previous == 2:
                shown.append(number - 1)
            elif number - previous > 2:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown


def count_of(statement: Select, *, limit: int | None = None) -> int:
    """The number of rows `statement` would give, in one COUNT (its ordering dropped). With
    `limit`, counting stops after limit + 1 rows, read in the statement's order (so along its
    index): the cost of a count on a log that grows without end stays bounded."""
    counted = statement.order_by(None) if limit is None else statement.limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0


def paginate(statement: Select, *, page: int, per_page: int, scalars: bool = True, total: int | None = None,
             count_limit: int | None = None) -> Page:
    """The `page`-th page of `statement` (which must be ordered, ending in a unique column so the
    pages never overlap). Beyond the end gives the last page; below 1 gives the first. Pass
    `total` when the caller already counted; `scalars=False` keeps rows of several columns.
    With `count_limit`, only the first `count_limit` rows are counted and paged (`more` says
    the list goes on; the caller offers filters to reach the rest)."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    more = False
    if total is None:
        total = count_of(statement, limit=count_limit)
        if count_limit is not None and total > count_limit:
            total, more = count_limit, True
    asked_for = max(1, page)
    last = max(1, -(-total // per_page))
    page = min(asked_for, last)
    if total == 0:
        items: list = []
    else:
        offset = (page - 1) * per_page
        limited = statement.limit(min(per_page, total - offset)).offset(offset)  # never past a count limit
        items = list(db.session.scalars(limited).all() if scalars else db.session.execute(limited).all())
    return Page(items=items, total=total, page=page, per_page=per_page, asked_for=asked_for, more=more)


def page_arg(name: str = "page") -> int:
    """The page number in the query string: a whole number from 1, else page 1 (never an error)."""
    return whole_number(request.args.get(name), low=1, high=MAX_ID) or 1


# url_for's own keywords: a query string naming them must not steer the link (or break it).
_NOT_ARGS = {"endpoint", "values", "page"}


def link_args(args, *, keep: tuple[str, ...] | None = None) -> dict:
    """The query string to keep in every page link (filters, sort, search): `keep`'s names if
    given, else every name; never empty values, the page itself, or url_for's own keywords
    (`_external`, `_anchor`...). `args` is `request.args` or any mapping; repeated keys keep
    every value."""
    kept: dict = {}
    getlist = getattr(args, "getlist", None)
    for key in args:
        if key in _NOT_ARGS or key.startswith("_") or (keep is not None and key not in keep):
            continue
        values = [v for v in (getlist(key) if getlist else [args[key]]) if v not in (None, "")]
        if values:
            kept[key] = values if len(values) > 1 else values[0]
    return kept

"""One page of a long list, as the administration's lists show them."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from workspace.extensions import db

PER_PAGE = 50


@dataclass
class Page:
    items: list[Any]
    total: int  # rows matching, on every page
    page: int
    pages: int


def paginate(query: Select, page: int, per_page: int = PER_PAGE) -> Page:
    """Page `page` of the ordered `query` (a page past the end gives the last one)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    items = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page))
    return Page(list(items), total, page, pages)


def escaped(text: str) -> str:
    """Words for a LIKE pattern, with its wildcards taken as characters."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

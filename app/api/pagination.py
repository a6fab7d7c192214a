"""Pages of a query, in the envelope the contract fixes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def paginate(session: Session, query: Select[Any], page: int, per_page: int) -> dict[str, Any]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return {"items": list(items), "page": page, "per_page": per_page, "total": total}

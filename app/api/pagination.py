"""Page arguments, sort orders and the paginated list envelope: {"items", "page", "per_page",
"total"}."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields, validate

from app.api.fields import Text
from app.extensions import db

MAX_PER_PAGE = 200


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    q = Text(load_default="", validate=validate.Length(max=200))


def sort_arg(columns: Collection[str], default: str) -> fields.String:
    """The `sort` query argument: a key of `columns`, `-key` for descending (an enum in the
    OpenAPI document); anything else is a 422 naming `sort`."""
    choices = [s for name in columns for s in (name, f"-{name}")]
    return Text(
        load_default=default,
        validate=validate.OneOf(choices),
        metadata={
            "description": f"Sort by {', '.join(columns)}; a leading `-` sorts descending. "
            f"Default `{default}`."
        },
    )


def sorted_by(stmt: Any, sort: str, columns: Mapping[str, Any], tiebreak: Any) -> Any:
    """`stmt` ordered by the `sort` argument, then by `tiebreak` so pages never overlap;
    rows without a value come last in both directions."""
    column = columns[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    return stmt.order_by(None).order_by(order.nulls_last(), tiebreak)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The list envelope around `item_schema`, named for the OpenAPI document."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
        },
        name=name,
    )


def json_page(items: list[dict[str, Any]], *, page: int, per_page: int, total: int) -> Response:
    """The list envelope, encoded by json.dumps: Flask's provider sorts keys and checks types
    item by item, a cost that grows with the page while adding nothing to ready-made dicts."""
    body = {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": -(-total // per_page) if total else 0,
    }
    return Response(json.dumps(body, separators=(",", ":")), mimetype="application/json")


def paginate(stmt: Any, args: dict[str, Any], dump: Any) -> Response:
    """Run the list query for one page; `dump` turns the rows into JSON-ready dicts."""
    page = db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False)
    return jsonify(
        {
            "items": dump(page.items),
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total or 0,
            "pages": page.pages,
        }
    )

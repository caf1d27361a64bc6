"""/api/v1/catalog-items: the priced items; technicians read them without prices."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.api.auth import current_user, roles
from app.api.common import ID_PATH, IDEMPOTENCY_PARAM, resource
from app.api.idempotency import respond
from app.api.pagination import page_schema, paginate, sort_arg, sorted_by
from app.api.schemas import (
    CatalogItemInSchema,
    CatalogItemPatchSchema,
    CatalogItemSchema,
    CatalogListArgs,
)
from app.catalog.models import CatalogItem
from app.catalog.services import ITEM_SORTS, create_item, get_item, search_items, update_item

blp = resource("catalog-items", "/api/v1/catalog-items", "Catalog: labour rates, parts, fees.")
WRITE = ("admin", "dispatcher", "bookkeeper")
CatalogPage = page_schema(CatalogItemSchema, "CatalogItemPage")


class CatalogSortedListArgs(CatalogListArgs):
    sort = sort_arg(ITEM_SORTS, "name")


def _schema(many: bool = False) -> CatalogItemSchema:
    """Technicians see no money (ARCHITECTURE §8): the price is left out for them."""
    if current_user().sees_money:
        return CatalogItemSchema(many=many)
    return CatalogItemSchema(many=many, exclude=("price",))


@blp.route("", methods=["POST"])
@roles(*WRITE)
@blp.arguments(CatalogItemInSchema())
@blp.response(201, CatalogItemSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def create(data: dict[str, Any]) -> Any:
    """Create a catalog item."""
    return respond(201, _schema(), lambda: create_item(current_user(), **data))


@blp.route("", methods=["GET"])
@roles("admin", "technician", "dispatcher", "bookkeeper")
@blp.arguments(CatalogSortedListArgs(), location="query")
@blp.response(200, CatalogPage)
def index(args: dict[str, Any]) -> Any:
    """List active items; `q` searches name and SKU or matches a barcode."""
    stmt = sorted_by(
        search_items(args["q"], args.get("kind")), args["sort"], ITEM_SORTS, CatalogItem.id
    )
    return paginate(stmt, args, _schema(many=True).dump)


@blp.route(f"/{ID_PATH.format('item_id')}", methods=["GET"])
@roles("admin", "technician", "dispatcher", "bookkeeper")
@blp.response(200, CatalogItemSchema)
def show(item_id: int) -> Any:
    """Read one item."""
    return jsonify(_schema().dump(get_item(item_id)))


@blp.route(f"/{ID_PATH.format('item_id')}", methods=["PATCH"])
@roles(*WRITE)
@blp.arguments(CatalogItemPatchSchema())
@blp.response(200, CatalogItemSchema)
def patch(data: dict[str, Any], item_id: int) -> Any:
    """Change some of an item's fields."""
    item = update_item(current_user(), item_id, **data)
    return jsonify(_schema().dump(item))

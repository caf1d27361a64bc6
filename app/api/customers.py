"""/api/v1/customers: create, list, read and change customers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.api.auth import current_user, roles
from app.api.common import ID_PATH, IDEMPOTENCY_PARAM, resource
from app.api.idempotency import respond
from app.api.pagination import page_schema, paginate, sorted_by
from app.api.schemas import (
    CustomerInSchema,
    CustomerListArgs,
    CustomerPatchSchema,
    CustomerSchema,
)
from app.core.errors import ValidationFailed
from app.customers.models import Customer
from app.customers.services import create_customer, get_customer, list_customers, update_customer

blp = resource("customers", "/api/v1/customers", "Customers: billing details and terms.")
READ = ("admin", "dispatcher", "bookkeeper")
WRITE = ("admin", "dispatcher", "bookkeeper")
SORTS = {"name": Customer.name, "id": Customer.id, "created": Customer.created_at}
CustomerPage = page_schema(CustomerSchema, "CustomerPage")


ADDRESS_FIELDS = ("street", "city", "postal_code", "country")


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """The API's nested address as the service's flat fields."""
    values = dict(data)
    values.update(values.pop("address", None) or {})
    return values


def _saving(change: Callable[[dict[str, Any]], Customer], data: dict[str, Any]) -> Customer:
    """Run `change` on the flat fields; a refusal names address fields as the body does."""
    try:
        return change(_values(data))
    except ValidationFailed as refused:
        named = {
            (f"address.{field}" if field in ADDRESS_FIELDS else field): messages
            for field, messages in refused.fields.items()
        }
        raise ValidationFailed(named) from None


@blp.route("", methods=["POST"])
@roles(*WRITE)
@blp.arguments(CustomerInSchema())
@blp.response(201, CustomerSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def create(data: dict[str, Any]) -> Any:
    """Create a customer."""
    return respond(
        201,
        CustomerSchema(),
        lambda: _saving(lambda values: create_customer(current_user(), **values), data),
    )


@blp.route("", methods=["GET"])
@roles(*READ)
@blp.arguments(CustomerListArgs(), location="query")
@blp.response(200, CustomerPage)
def index(args: dict[str, Any]) -> Any:
    """List customers; `q` searches name, e-mail and VAT id."""
    stmt = sorted_by(list_customers(args["q"]), args["sort"], SORTS, Customer.id)
    return paginate(stmt, args, CustomerSchema(many=True).dump)


@blp.route(f"/{ID_PATH.format('customer_id')}", methods=["GET"])
@roles(*READ)
@blp.response(200, CustomerSchema)
def show(customer_id: int) -> Any:
    """Read one customer."""
    return get_customer(customer_id)


@blp.route(f"/{ID_PATH.format('customer_id')}", methods=["PATCH"])
@roles(*WRITE)
@blp.arguments(CustomerPatchSchema())
@blp.response(200, CustomerSchema)
def patch(data: dict[str, Any], customer_id: int) -> Any:
    """Change some of a customer's fields."""
    return _saving(lambda values: update_customer(current_user(), customer_id, **values), data)

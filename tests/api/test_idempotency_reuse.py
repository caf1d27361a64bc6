"""An Idempotency-Key reused for another request: the refusal names what may differ."""

from __future__ import annotations

from app.api.models import IdempotencyKey
from app.customers.models import Customer
from tests.api.conftest import count

PAYMENT = {"amount": "50.00", "date": "2026-06-14", "method": "bank_transfer", "reference": "T1"}


def test_same_key_on_another_path_is_422_naming_path_not_only_body(books, posted_invoice):
    headers = {"Idempotency-Key": "shared-key"}
    books.post(f"/api/v1/invoices/{posted_invoice['id']}/payments", PAYMENT, headers=headers)
    before = (count(Customer), count(IdempotencyKey))
    response = books.post("/api/v1/customers", {"name": "Other Ltd"}, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "path" in error["message"]
    assert error["fields"]["Idempotency-Key"] == [
        "Already used for a different request (method, path or body)."
    ]
    assert (count(Customer), count(IdempotencyKey)) == before

"""Report sums run over many documents, so they may pass the 12 digits one document can have;
each still matches the pattern the OpenAPI document gives it."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.factories import line

BIG_LINES = [line("Plant hire", "1", "999999999.99", "0")] * 500  # 499,999,999,995.00


def test_report_sums_beyond_one_document_match_their_documented_patterns(books, customer):
    for _ in range(3):
        draft = books.post(
            "/api/v1/invoices", {"customer_id": customer.id, "lines": BIG_LINES}
        ).json
        assert books.post(f"/api/v1/invoices/{draft['id']}/post").status_code == 200
    schemas = books.get("/api/v1/openapi.json").json["components"]["schemas"]

    balance = books.get("/api/v1/reports/trial-balance").json
    aging = books.get("/api/v1/reports/ar-aging").json

    assert Decimal(balance["total_debit"]) > Decimal("999999999999.99")
    assert_matches(schemas["TrialBalance"], balance, "total_debit", "total_credit")
    for row in balance["rows"]:
        assert_matches(schemas["TrialBalanceRow"], row, "debit", "credit", "balance")
    for row in aging["rows"]:
        assert_matches(schemas["AgingRow"], row, "unapplied", "total")
        assert_values_match(schemas["AgingRow"], "buckets", row["buckets"].values())
    assert_values_match(schemas["Aging"], "totals", aging["totals"].values())


def assert_matches(schema: dict, body: dict, *names: str) -> None:
    for name in names:
        assert re.fullmatch(schema["properties"][name]["pattern"], body[name]), (name, body)


def assert_values_match(schema: dict, name: str, values) -> None:
    pattern = schema["properties"][name]["additionalProperties"]["pattern"]
    for value in values:
        assert re.fullmatch(pattern, value), (name, value)

"""One-time form tokens: claimed once, refused the second time, malformed ones refused."""

from __future__ import annotations

from app.core.form_tokens import claim_form_token, new_form_token


def test_claim_token_twice_second_refused(session):
    token = new_form_token()
    assert claim_form_token(token, "payment") is True
    assert claim_form_token(token, "payment") is False


def test_claim_malformed_token_refused(session):
    assert claim_form_token("short", "payment") is False
    assert claim_form_token("x" * 20 + "<script>", "payment") is False

"""Numbers typed into URLs and search boxes: digits that are not ASCII digits (`²`, `٣`) or
too long for an id are no number, and `%` or `_` in a search is a character to find."""

from __future__ import annotations

import pytest

from app.core.search import typed_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("²", None),
        ("٣", None),
        ("0", None),
        ("2147483648", None),
        ("99999999999999999999", None),
        ("-3", None),
        ("", None),
    ],
)
def test_typed_id_takes_only_ascii_digits_within_the_id_range(text, expected):
    assert typed_id(text) == expected


@pytest.mark.parametrize("page", ["²", "٣", "99999999999999999999"])
def test_a_list_page_number_that_is_no_number_shows_the_first_page(as_role, world, page):
    response = as_role("bookkeeper").get(f"/invoices?page={page}&per_page={page}")
    assert response.status_code == 200
    assert "Total of 2 matching" in response.get_data(as_text=True)


def test_user_search_takes_percent_and_underscore_literally(as_role, users):
    admin = as_role("admin")
    everyone = admin.get("/admin/users").get_data(as_text=True)
    assert users["bookkeeper"].email in everyone

    for wildcard in ("%", "_"):
        html = admin.get(f"/admin/users?q={wildcard}").get_data(as_text=True)
        assert users["bookkeeper"].email not in html


def test_a_nul_character_in_a_form_is_refused_naming_the_field_and_saves_nothing(as_role):
    from sqlalchemy import func, select

    from app.customers.models import Customer
    from app.extensions import db

    before = db.session.scalar(select(func.count()).select_from(Customer))
    response = as_role("dispatcher").post(
        "/customers/new", data={"name": "Acme\x00Ltd", "country": "IE"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“name” contains a NUL character" in html
    assert "nothing was saved" in html
    assert db.session.scalar(select(func.count()).select_from(Customer)) == before


def test_a_nul_character_in_a_search_is_refused_naming_it(as_role):
    response = as_role("bookkeeper").get("/customers", query_string={"q": "a\x00b"})
    assert response.status_code == 400
    assert "“q” contains a NUL character" in response.get_data(as_text=True)

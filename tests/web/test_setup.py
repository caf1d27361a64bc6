"""First run without demo data: the admin is sent to set up the company, chart and series."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounting.models import Account
from app.company.models import Company
from app.company.services import get_company


def _remove_company(session):
    session.delete(get_company())
    session.flush()


def test_admin_without_company_is_sent_to_setup(as_role, session):
    _remove_company(session)
    response = as_role("admin").get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/setup")


def test_setup_bad_currency_refused_beside_field_and_writes_nothing(as_role, session):
    _remove_company(session)
    response = as_role("admin").post(
        "/setup",
        data={
            "name": "New Co",
            "country": "IE",
            "currency": "EURO",
            "locale": "en_IE",
            "timezone": "Europe/Dublin",
        },
    )
    assert response.status_code == 422
    assert 'id="currency-error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Company)) == 0


def test_setup_creates_company_with_chart(as_role, session):
    _remove_company(session)
    response = as_role("admin").post(
        "/setup",
        data={
            "name": "New Co",
            "country": "de",
            "currency": "eur",
            "locale": "de_DE",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    company = get_company()
    assert (company.name, company.country, company.currency) == ("New Co", "DE", "EUR")
    assert (
        session.scalar(
            select(func.count()).select_from(Account).where(Account.role == "receivable")
        )
        == 1
    )


def test_page_needing_company_sends_admin_to_setup(as_role, session):
    _remove_company(session)
    response = as_role("admin").get("/settings/bank")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/setup")

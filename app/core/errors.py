"""Named domain errors. HTML turns them into form errors, JSON into a 4xx error body."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal a user can cause. `status` is the HTTP status the API uses."""

    code = "domain_error"
    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class ValidationFailed(DomainError):
    """Several field errors collected before anything is written."""

    code = "validation_failed"
    status = 422

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        first = next(iter(fields.items()), ("", [""]))
        super().__init__(message or f"{first[0]}: {first[1][0]}")
        self._fields = fields

    @property
    def fields(self) -> dict[str, list[str]]:
        return self._fields


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class InvalidTransition(DomainError):
    """An action the document's or order's current state does not allow."""

    code = "invalid_state"
    status = 409


class InvoiceNotDraft(InvalidTransition):
    code = "invoice_not_draft"


class PeriodLocked(DomainError):
    code = "period_locked"
    status = 409


class UnbalancedEntry(DomainError):
    code = "unbalanced_entry"
    status = 500  # never caused by a user: a bug in a posting rule


class OverAllocation(DomainError):
    code = "over_allocation"
    status = 422


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Errors:
    """Collects field errors so a use case can report all of them at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)

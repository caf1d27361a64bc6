"""Settings forms: which fields each settings section edits and how form text becomes values."""

from __future__ import annotations

import re
from typing import Any

from app.core.money import InvalidNumber, to_decimal

SECTIONS = {
    "company": (
        "Company",
        [
            "name",
            "street",
            "postal_code",
            "city",
            "country",
            "email",
            "phone",
            "website",
            "vat_id",
            "registration_number",
        ],
    ),
    "invoicing": (
        "Invoicing and VAT",
        [
            "vat_registered",
            "default_vat_rate",
            "default_payment_terms_days",
            "currency",
            "locale",
            "timezone",
            "terms_url",
            "invoice_footer",
        ],
    ),
    "bank": ("Bank details", ["bank_name", "iban", "bic"]),
    "time": (
        "Billable time",
        ["time_rounding_minutes", "time_rounding_scope", "minimum_billable_minutes"],
    ),
}
CHECKBOXES = {"vat_registered"}
WHOLE_NUMBERS = {
    "default_payment_terms_days": (0, 365),
    "time_rounding_minutes": (1, 60),
    "minimum_billable_minutes": (0, 600),
}
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def parse_section(section: str, form: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Form text to typed values; type errors are reported here, business rules by the service."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in SECTIONS[section][1]:
        raw = form.get(name, "")
        if name in CHECKBOXES:
            values[name] = raw == "1"
        elif name in WHOLE_NUMBERS:
            low, high = WHOLE_NUMBERS[name]
            text = raw.strip()
            if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
                errors[name] = [f"Enter a whole number from {low} to {high}."]
            else:
                values[name] = int(text)
        elif name == "default_vat_rate":
            try:
                rate = to_decimal(raw, places=2)
            except InvalidNumber as exc:
                errors[name] = [f"VAT rate {exc}."]
                continue
            if not 0 <= rate <= 100:
                errors[name] = ["Enter a rate from 0 to 100, e.g. 23."]
            else:
                values[name] = rate
        elif name in ("currency", "country") or name in ("iban", "bic"):
            values[name] = raw.strip().upper()
        else:
            values[name] = raw.strip()
    if (
        section == "company"
        and values.get("country")
        and not re.fullmatch(r"[A-Z]{2}", values["country"])
    ):
        errors["country"] = ["Enter a two-letter country code, e.g. IE."]
    return values, errors


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def colour_error(colour: str) -> str | None:
    """White text sits on the brand colour, so it must reach WCAG's 4.5:1 contrast."""
    if not HEX_COLOUR.match(colour):
        return "Enter a colour as #rrggbb, e.g. #1f4e79."
    contrast = 1.05 / (_luminance(colour) + 0.05)
    if contrast < 4.5:
        return (
            f"Pick a darker colour: white text on it reaches only {contrast:.1f}:1 (4.5:1 needed)."
        )
    return None


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
MAX_LOGO_BYTES = 1024 * 1024


def logo_kind(data: bytes) -> str | None:
    """PNG or JPEG by their first bytes (SVG is refused: it can carry scripts)."""
    for magic, kind in LOGO_TYPES.items():
        if data.startswith(magic):
            return kind
    return None

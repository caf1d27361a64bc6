"""ISO 3166-1 alpha-2 country codes, from the CLDR territory list that Babel ships.

CLDR also names regions that are not ISO 3166-1 countries; they are left out so an address
or a VAT country is always one an e-invoice validator accepts.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

# CLDR territories without an ISO 3166-1 alpha-2 assignment: exceptionally reserved codes
# (AC, CP, CQ, DG, EA, IC, TA), groupings (EU, EZ, UN, QO), user-assigned codes (XA, XB, XK)
# and "unknown region" (ZZ).
NOT_ISO_3166_1 = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isascii() and code.isalpha() and code not in NOT_ISO_3166_1
    )


def is_country_code(code: str) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-2 code, written in capitals."""
    return code in country_codes()

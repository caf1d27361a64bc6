"""Company settings: identity, bank details, currency and locale, VAT status, terms, lock date."""

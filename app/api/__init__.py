"""The JSON API v1: token auth, errors, pagination, idempotency and one blueprint per resource."""

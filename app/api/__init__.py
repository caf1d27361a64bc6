"""REST API v1: token auth, errors, pagination, idempotency, OpenAPI."""

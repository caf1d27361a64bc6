"""Users, roles, password hashing and (later) API tokens."""

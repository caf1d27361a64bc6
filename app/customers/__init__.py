"""Customers: who is billed, where, and on what payment terms."""

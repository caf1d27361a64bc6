"""Shared kernel: money, database helpers, numbering, clock, errors, state tables."""

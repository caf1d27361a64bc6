"""Scheduled work, run in one dedicated process (`flask jobs run`)."""

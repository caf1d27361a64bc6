"""Catalog: labour rates, call-out fees, parts and services with their prices and VAT rates."""

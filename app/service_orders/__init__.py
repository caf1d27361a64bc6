"""Service orders: visits, time entries, parts, reports, signatures, invoicing of work."""

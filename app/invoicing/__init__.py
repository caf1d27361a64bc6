"""Documents: invoice, credit-note and proforma drafts, their lines and totals."""

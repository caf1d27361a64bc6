"""The ledger: posting, numbers, journal entries, payments, credit notes, lock date, reports."""

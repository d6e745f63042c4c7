"""The enterprise portal's continuing-education pages (role `enterprise`), scoped to the user's employer:
the ledger (ledger.py), recording by form (recording.py) and by spreadsheet (sheets.py), and the yearly
compliance list (compliance.py)."""

"""The only home of SQL: the interface in api.py, and one folder per backend behind it."""

"""The CSV import: read a file we did not write, check every row, write it as one command."""

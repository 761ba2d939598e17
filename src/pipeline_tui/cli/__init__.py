"""The `pipeline` command line: the Typer app, its sub-commands and how it prints."""

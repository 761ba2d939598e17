"""CLI sub-commands, one module per group; cli.py composes them."""

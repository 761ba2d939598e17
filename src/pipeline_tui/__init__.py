"""pipeline-tui: a local-first sales pipeline manager for the terminal."""

__version__ = "0.1.0"

"""Run the CLI with ``python -m pipeline_tui``."""

from pipeline_tui.cli.app import main

main()

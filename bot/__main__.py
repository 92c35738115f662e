"""`python -m bot` runs the orchestrator CLI."""

from bot.cli import main

main()

"""The Discord adapter (discord.py): DMs, mentions, slash commands and persistent buttons.

Only translation lives here; every rule is in ``core``. Entry point: ``bot.discord.surface.DiscordSurface``.
"""

"""A loopback fake of Discord (REST + Gateway) that the real, unmodified discord.py client logs in to."""

from tests.discord.fake.server import FakeDiscord

__all__ = ["FakeDiscord"]

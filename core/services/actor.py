"""Who is acting: the user (and so the workspace) and the surface the request came through."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.models import Surface, User, utcnow


@dataclass(frozen=True)
class Actor:
    """Every service call takes one; its workspace is the only one the call can touch."""

    user: User
    surface: Surface = Surface.command
    # The moment of the turn this actor acts in: one `now` for everything one message does, so a due
    # phrase, an overdue check and an audit time never disagree near midnight. None: the machine's clock.
    at: datetime | None = None

    @property
    def workspace_id(self) -> str:
        return self.user.workspace_id

    @property
    def user_id(self) -> str:
        return self.user.id

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.user.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            # A bad zone stored by an older version must not make every command fail.
            return ZoneInfo("UTC")

    def instant(self) -> datetime:
        """The turn's moment (or the current one) in UTC: what stamps such as completed_at record."""
        return self.at or utcnow()

    def now(self) -> datetime:
        """The turn's moment (or the current one) in the user's timezone."""
        return self.instant().astimezone(self.zone)

    def today(self) -> date:
        """Today's date where the user is."""
        return self.now().date()

    def via(self, surface: Surface) -> Actor:
        """The same user acting through another surface."""
        return replace(self, surface=surface)

    def at_moment(self, moment: datetime) -> Actor:
        """The same user, with every service call of this turn seeing ``moment`` as now."""
        return replace(self, at=moment)

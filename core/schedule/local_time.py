"""Wall-clock times in a person's zone turned into UTC moments, correctly across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_of(name: str | None) -> ZoneInfo:
    """The zone called ``name``; UTC for a missing or unknown one (a stored bad zone must not stop sends)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment when the clocks in ``zone`` show ``at`` on ``day``.

    A time that does not exist that day (the hour skipped when DST starts) is the moment just after the
    gap, so "2:30" on a spring-forward night is 3:30 local; a time that happens twice (autumn) is the first.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    local = naive.replace(tzinfo=zone, fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != naive:  # inside a spring-forward gap
        later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
        # fold=1 reads the wall time with the offset from before the gap: that lands after it.
        return max(moment, later)
    return moment


def local_day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment ``day`` begins in ``zone``."""
    return local_instant(day, time(0, 0), zone)


def local_day_end(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment ``day`` ends (the next day begins) in ``zone``."""
    return local_day_start(day + timedelta(days=1), zone)

"""Token usage from AgentLog rows: today's total for budgets, and the `orchestrator usage` summary."""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.models import AgentLog, utcnow
from core.store import Store

OFFLINE_PROVIDER = "offline"  # what AgentLog.provider says when no LLM answered (core/agent/router.OFFLINE)


def start_of_day(now: datetime | None = None) -> datetime:
    """Midnight UTC of ``now``'s day: budgets reset then."""
    current = now or utcnow()
    return datetime.combine(current.date(), time(0), tzinfo=current.tzinfo)


async def tokens_today(store: Store, workspace_id: str, now: datetime | None = None) -> int:
    """Input + output tokens the workspace's agent runs used since midnight UTC."""
    logs = await store.agent_logs.list(workspace_id, since=start_of_day(now))
    return sum(log.input_tokens + log.output_tokens for log in logs)


class TokenMeter:
    """Tokens each workspace used today, for budgets: read from the AgentLogs at most every ``ttl`` seconds
    and counted in-process in between, so a turn doesn't rescan the day's logs. Other replicas' usage shows
    up at the next refresh."""

    def __init__(
        self, store: Store, ttl: float = 60.0, monotonic: Callable[[], float] = clock.monotonic
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._monotonic = monotonic
        self._seen: dict[str, tuple[date, float, int]] = {}  # workspace → (UTC day, read at, tokens)

    async def used(self, workspace_id: str) -> int:
        """Tokens used since midnight UTC."""
        day = utcnow().date()
        cached = self._seen.get(workspace_id)
        if cached is None or cached[0] != day or self._monotonic() - cached[1] > self._ttl:
            cached = (day, self._monotonic(), await tokens_today(self._store, workspace_id))
            self._seen[workspace_id] = cached
        return cached[2]

    def add(self, workspace_id: str, tokens: int) -> None:
        """Count a run that just finished (its AgentLog is already written)."""
        if workspace_id in self._seen:
            day, read_at, used = self._seen[workspace_id]
            self._seen[workspace_id] = (day, read_at, used + tokens)


@dataclass(frozen=True)
class UsageLine:
    workspace_id: str
    provider: str
    model: str
    runs: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    avg_latency_ms: float
    errors: int


def summarize(logs: Sequence[AgentLog]) -> list[UsageLine]:
    """One line per workspace, provider and model; most expensive first."""
    groups: dict[tuple[str, str, str], list[AgentLog]] = {}
    for log in logs:
        groups.setdefault((log.workspace_id, log.provider, log.model), []).append(log)
    lines = [
        UsageLine(
            workspace_id=ws,
            provider=provider,
            model=model,
            runs=len(rows),
            input_tokens=sum(r.input_tokens for r in rows),
            output_tokens=sum(r.output_tokens for r in rows),
            cost_usd=round(sum(r.cost_usd for r in rows), 6),
            avg_latency_ms=sum(r.latency_ms for r in rows) / len(rows),
            errors=sum(1 for r in rows if r.error),
        )
        for (ws, provider, model), rows in groups.items()
    ]
    return sorted(lines, key=lambda line: (-line.cost_usd, line.workspace_id, line.provider, line.model))


async def usage_since(store: Store, days: int, workspace_id: str | None = None) -> list[UsageLine]:
    """The summary of the last ``days`` days, for one workspace or all."""
    since = utcnow() - timedelta(days=days)
    return summarize(await store.agent_logs.list(workspace_id, since=since))


@dataclass(frozen=True)
class OfflineShare:
    """How many free-form turns were answered without an LLM (the offline parser and model) out of all."""

    turns: int
    offline: int

    @property
    def share(self) -> float:
        return self.offline / self.turns if self.turns else 0.0

    def describe(self) -> str:
        if not self.turns:
            return "No free-form turns yet."
        return f"Answered without an LLM: {self.offline} of {self.turns} free-form turns ({self.share:.0%})."


def offline_share(logs: Sequence[AgentLog]) -> OfflineShare:
    """The share of agent runs the offline parser or model answered (provider ``offline``), tokens-free."""
    return OfflineShare(len(logs), sum(1 for log in logs if log.provider == OFFLINE_PROVIDER))


@dataclass(frozen=True)
class UsageReport:
    lines: list[UsageLine]
    offline: OfflineShare


async def usage_report(store: Store, days: int, workspace_id: str | None = None) -> UsageReport:
    """The summary lines and the offline share of the last ``days`` days, from one read of the logs."""
    logs = await store.agent_logs.list(workspace_id, since=utcnow() - timedelta(days=days))
    return UsageReport(summarize(logs), offline_share(logs))

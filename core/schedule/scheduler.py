"""The scheduler: every tick, claim what is due, say it once, and set each schedule's next run.

One tick:
1. ``next_run`` (one cheap read): nothing due → done.
2. ``claim_due`` leases the due rows to this scheduler, so replicas never take the same row.
3. Each row is checked against its task, person and quiet hours, and becomes a notice, a skip or a move.
4. ``begin_many`` writes a receipt per (schedule, occurrence) before anything is sent. A receipt already
   there means another run got this far: sent → nothing to do; still ``sending`` → that run died mid-send,
   so the platform is asked whether the message landed (``Notifier.landed``) before sending again.
5. Notices are sent with bounded concurrency; a person with several late reminders gets one catch-up.
6. Receipts and schedules are written back in one commit each (``update_many``, ``release_many``).
A failed send keeps its occurrence and is tried again later with backoff; after ``max_attempts`` it is
given up. Nothing here sleeps on a wall clock: time comes from the injected ``Clock``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.clock import Clock
from core.models import Delivery, DeliveryStatus, Schedule, ScheduleKind, User, delivery_key, new_id
from core.schedule.chart_series import chart_series, project_tasks
from core.schedule.compose import catch_up_notice, destination, reminder_notice
from core.schedule.context import WorkspaceContext, load_context
from core.schedule.digests import compose_digest
from core.schedule.instants import DefaultReminder, before_due, next_rule_run
from core.schedule.local_time import zone_of
from core.schedule.notify import DeliveryError, Notice, Notifier
from core.schedule.quiet import quiet_for
from core.schedule.reminders import default_next, owner_id
from core.schedule.reports import summarize
from core.store import Store

log = logging.getLogger(__name__)

TASK_KINDS = (ScheduleKind.reminder, ScheduleKind.due)
ELSEWHERE = timedelta(minutes=1)  # how long a row this process can't deliver is left for one that can


@dataclass
class TickReport:
    """What one tick did (``orchestrator reminders run-due`` prints it)."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    moved: int = 0  # rescheduled without sending: quiet hours, a due date that changed
    retrying: int = 0
    failed: int = 0
    caught_up: int = 0  # reminders folded into catch-up messages
    recovered: int = 0  # found already delivered by a scheduler that died before its receipt
    lost: int = 0  # leases that ran out before we finished (another scheduler took the row)
    next_run: datetime | None = None
    lines: list[str] = field(default_factory=list)  # dry run: what would be said


@dataclass
class _Item:
    row: Schedule
    ctx: WorkspaceContext
    person: User | None
    key: str = ""
    notice: Notice | None = None
    late: bool = False
    changes: dict[str, Any] | None = None  # set: release with these, nothing to send
    status: DeliveryStatus | None = None  # a receipt to write for a skip (an empty digest)


ChartMaker = (
    Any  # (store, ctx, project, now, zone) -> ChartData | None: injected so core stays matplotlib-free
)


class Scheduler:
    """Claims and sends due schedules; one per process (``serve``, the console, the CLI)."""

    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        clock: Clock,
        *,
        holder: str | None = None,
        lease: timedelta = timedelta(minutes=5),
        batch: int = 1000,
        concurrency: int = 32,
        late_after: timedelta = timedelta(minutes=15),
        max_attempts: int = 5,
        retry_base: timedelta = timedelta(seconds=30),
        chart_days: int = 14,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.holder = holder or f"scheduler-{new_id()[:12]}"
        self.lease = lease
        self.batch = batch
        self.late_after = late_after
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.chart_days = chart_days
        self._sending = asyncio.Semaphore(concurrency)

    # -- one tick ----------------------------------------------------------------------------------------

    async def tick(self, *, dry_run: bool = False) -> TickReport:
        """Send everything due now (or, with ``dry_run``, only say what would be sent, changing nothing)."""
        now = self.clock.now()
        report = TickReport(next_run=await self.store.schedules.next_run())
        if report.next_run is None or report.next_run > now:
            return report
        if dry_run:
            return await self._dry(now, report)
        rows = await self.store.schedules.claim_due(now, self.holder, now + self.lease, limit=self.batch)
        report.claimed = len(rows)
        if not rows:
            return report
        items = await self._plan(rows, now)
        await self._deliver(items, now, report)
        report.next_run = await self.store.schedules.next_run()
        return report

    async def _dry(self, now: datetime, report: TickReport) -> TickReport:
        for workspace in await self.store.workspaces.list():
            for row in await self.store.schedules.list(workspace.id, limit=10_000):
                if row.next_run_at is not None and row.next_run_at <= now:
                    leased = row.lease_until is not None and row.lease_until > now
                    who = row.channel_id or row.user_id or "?"
                    note = " (leased by another scheduler)" if leased else ""
                    report.lines.append(f"{workspace.id}: {row.kind.value} {row.id} → {who}{note}")
        report.claimed = len(report.lines)
        return report

    # -- deciding what each row says ---------------------------------------------------------------------

    async def _plan(self, rows: Sequence[Schedule], now: datetime) -> list[_Item]:
        by_ws: dict[str, list[Schedule]] = defaultdict(list)
        for row in rows:
            by_ws[row.workspace_id].append(row)
        contexts = await asyncio.gather(
            *(load_context(self.store, ws, [r.task_id for r in rs if r.task_id]) for ws, rs in by_ws.items())
        )
        items: list[_Item] = []
        for ctx in contexts:
            for row in by_ws[ctx.workspace_id]:
                item = _Item(row, ctx, ctx.person(row.user_id))
                try:
                    await self._decide(item, now)
                except Exception as exc:  # one broken row must not stop the others
                    log.exception("schedule %s could not be prepared", row.id)
                    item.changes = self._retry(row, now, None, f"could not prepare: {type(exc).__name__}")
                items.append(item)
        return items

    async def _decide(self, item: _Item, now: datetime) -> None:
        row, ctx, person = item.row, item.ctx, item.person
        occurrence = row.occurrence_at or row.next_run_at or now
        item.key = delivery_key(row.id, occurrence)
        item.late = now - occurrence > self.late_after
        if row.kind is not ScheduleKind.report and person is None:
            item.changes = {"next_run_at": None, "last_error": "the person is no longer in the workspace"}
            return
        if row.kind in TASK_KINDS:
            await self._decide_task(item, now, occurrence)
            return
        if person is not None and row.kind is ScheduleKind.digest:
            quiet = quiet_for(person, ctx.workspace)
            zone = zone_of(person.timezone)
            if quiet is not None and quiet.contains(now.astimezone(zone)):
                item.changes = {"next_run_at": quiet.defer(now, zone)}  # same occurrence, later
                return
            reply = await compose_digest(self.store, ctx, person, now)
            if reply is None:
                item.status = DeliveryStatus.skipped
                item.changes = self._advance(item, now)
                return
            item.notice = Notice(item.key, row.workspace_id, row.kind, destination(row, ctx, person), reply)
            return
        if row.kind is ScheduleKind.report:
            project = ctx.projects.get(row.project_id or "")
            if project is None or project.deleted_at is not None or not row.channel_id:
                item.changes = {"next_run_at": None, "last_error": "the project or channel is gone"}
                return
            tasks = await project_tasks(self.store, row.workspace_id, project.id)
            reply = summarize(project, tasks, ctx, now, row.timezone)
            zone = zone_of(row.timezone)
            last_day = now.astimezone(zone).date()
            chart = chart_series(tasks, name=project.name, last_day=last_day, zone=zone, days=self.chart_days)
            to = destination(row, ctx, person)
            item.notice = Notice(item.key, row.workspace_id, row.kind, to, reply, chart=chart)

    async def _decide_task(self, item: _Item, now: datetime, occurrence: datetime) -> None:
        row, ctx, person = item.row, item.ctx, item.person
        assert person is not None
        task = ctx.tasks.get(row.task_id or "")
        if task is None or not task.is_open:
            item.changes = {"next_run_at": None, "last_error": "the task is closed or gone"}
            return
        zone = zone_of(person.timezone)
        quiet = quiet_for(person, ctx.workspace)
        # The task may have moved since the row was written: speak only at the moment it still calls for.
        if row.kind is ScheduleKind.due:
            if owner_id(task) != person.id:
                item.changes = {"next_run_at": None, "last_error": "the task has another owner"}
                return
            expected, _ = default_next(task, person, ctx.workspace, occurrence - timedelta(seconds=1))
        elif row.offset_minutes is not None:
            expected = before_due(task, zone, row.offset_minutes, quiet)
        else:
            expected = occurrence
        if expected is None:
            item.changes = {"next_run_at": None}
            return
        if expected != occurrence and expected > now:
            item.changes = {"next_run_at": expected, "occurrence_at": expected, "attempts": 0}
            return
        if not row.explicit and quiet is not None and quiet.contains(now.astimezone(zone)):
            item.changes = {"next_run_at": quiet.defer(now, zone)}
            return
        item.notice = reminder_notice(row, item.key, task, person, ctx, now, late=item.late)

    # -- after an occurrence is said -----------------------------------------------------------------------

    def _advance(self, item: _Item, now: datetime) -> dict[str, Any]:
        """The row's next occurrence after this one (missed ones are skipped, not replayed)."""
        row = item.row
        occurrence = row.occurrence_at or now
        after = max(now, occurrence)
        nxt: datetime | None = None
        if row.kind is ScheduleKind.due and item.person is not None:
            task = item.ctx.tasks.get(row.task_id or "")
            if task is not None:
                nxt, _ = default_next(task, item.person, item.ctx.workspace, after)
        elif row.kind in (ScheduleKind.digest, ScheduleKind.report) and row.rule:
            # A digest follows its person when they move zones; a report keeps the zone it was set up in.
            zone = item.person.timezone if row.kind is ScheduleKind.digest and item.person else row.timezone
            nxt = next_rule_run(row.rule, zone_of(zone), after)
            if zone != row.timezone:
                return {
                    "next_run_at": nxt,
                    "occurrence_at": nxt,
                    "attempts": 0,
                    "last_error": None,
                    "timezone": zone,
                }
        return {"next_run_at": nxt, "occurrence_at": nxt, "attempts": 0, "last_error": None}

    def _retry(self, row: Schedule, now: datetime, retry_after: float | None, error: str) -> dict[str, Any]:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            return {}  # the caller gives the occurrence up
        wait = self.retry_base * (2 ** (attempts - 1))
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        wait = min(wait, timedelta(minutes=30))
        return {"next_run_at": now + wait, "attempts": attempts, "last_error": error[:300]}

    # -- saying it -----------------------------------------------------------------------------------------

    async def _deliver(self, items: list[_Item], now: datetime, report: TickReport) -> None:
        releases: list[tuple[str, str, dict[str, Any]]] = []
        receipts: list[tuple[str, str, dict[str, Any]]] = []
        to_send = [i for i in items if i.notice is not None and self.notifier.handles(i.notice.to.platform)]
        skips = [i for i in items if i.notice is None]
        sending = {id(i) for i in to_send}
        for item in items:
            if item.notice is not None and id(item) not in sending:
                # Another process speaks on that platform (`serve`, while a console is open): its row.
                releases.append((item.row.workspace_id, item.row.id, {"next_run_at": now + ELSEWHERE}))
        fresh: list[Delivery] = []
        for item in to_send + [i for i in skips if i.status is not None]:
            status = (
                DeliveryStatus.sending if item.notice is not None else (item.status or DeliveryStatus.skipped)
            )
            fresh.append(
                Delivery(
                    id=item.key,
                    workspace_id=item.row.workspace_id,
                    schedule_id=item.row.id,
                    occurrence_at=item.row.occurrence_at or now,
                    user_id=item.row.user_id,
                    status=status,
                    holder=self.holder,
                )
            )
        existing = {d.id: d for d in await self.store.deliveries.begin_many(fresh)} if fresh else {}
        for item in skips:
            changes = item.changes or {}
            if item.status is not None:
                report.skipped += 1
            elif changes.get("next_run_at") is not None:
                report.moved += 1
            else:
                report.skipped += 1
            releases.append((item.row.workspace_id, item.row.id, changes))
        ready: list[_Item] = []
        for item in to_send:
            earlier = existing.get(item.key)
            if earlier is None:
                ready.append(item)
            elif earlier.status is DeliveryStatus.sending:
                assert item.notice is not None
                ref = await self._landed(item.notice)
                if ref is None:
                    ready.append(item)
                else:  # a scheduler died between sending and writing its receipt
                    report.recovered += 1
                    receipts.append(
                        (item.row.workspace_id, item.key, {"status": DeliveryStatus.sent, "message_ref": ref})
                    )
                    releases.append((item.row.workspace_id, item.row.id, self._sent(item, now)))
            else:  # already said (or given up) by an earlier run: only the schedule is behind
                releases.append((item.row.workspace_id, item.row.id, self._advance(item, now)))
        # At most ``concurrency`` sends at once (the semaphore in _send_group); the platform's own limits are
        # the notifier's business.
        await asyncio.gather(
            *(self._send_group(group, now, report, receipts, releases) for group in self._groups(ready))
        )
        if receipts:
            await self.store.deliveries.update_many(receipts)
        if releases:
            written = await self.store.schedules.release_many(self.holder, releases)
            report.lost += len({r[1] for r in releases} - written)

    def _groups(self, ready: list[_Item]) -> list[list[_Item]]:
        """Late task reminders of one person become one group (one catch-up message); the rest go alone."""
        late: dict[tuple[str, str], list[_Item]] = defaultdict(list)
        groups: list[list[_Item]] = []
        for item in ready:
            if item.late and item.row.kind in TASK_KINDS and item.person is not None:
                late[(item.row.workspace_id, item.person.id)].append(item)
            else:
                groups.append([item])
        groups.extend(late.values())
        return groups

    async def _send_group(
        self,
        group: list[_Item],
        now: datetime,
        report: TickReport,
        receipts: list[tuple[str, str, dict[str, Any]]],
        releases: list[tuple[str, str, dict[str, Any]]],
    ) -> None:
        if len(group) == 1:
            notice = group[0].notice
        else:
            first = group[0]
            assert first.person is not None
            tasks = [first.ctx.tasks[i.row.task_id or ""] for i in group]
            notice = catch_up_notice(first.person, first.ctx, tasks, [i.key for i in group], now)
            report.caught_up += len(group)
            if (ref := await self._landed(notice)) is not None:
                for item in group:
                    receipts.append(
                        (item.row.workspace_id, item.key, {"status": DeliveryStatus.sent, "message_ref": ref})
                    )
                    releases.append((item.row.workspace_id, item.row.id, self._sent(item, now)))
                report.recovered += len(group)
                return
        assert notice is not None
        outcome: str | DeliveryError
        try:
            async with self._sending:
                outcome = await self.notifier.send(notice)
        except DeliveryError as exc:
            outcome = exc
        except Exception as exc:  # a bug or an unmapped library error: retried like a transient failure
            log.exception("sending %s failed", notice.delivery_id)
            outcome = DeliveryError(f"unexpected {type(exc).__name__}")
        for item in group:
            ws, key = item.row.workspace_id, item.key
            if isinstance(outcome, str):
                report.sent += 1 if len(group) == 1 else 0
                receipts.append(
                    (ws, key, {"status": DeliveryStatus.sent, "message_ref": outcome, "updated_at": now})
                )
                releases.append((ws, item.row.id, self._sent(item, now)))
                continue
            retry = (
                {} if outcome.permanent else self._retry(item.row, now, outcome.retry_after, outcome.message)
            )
            if retry:
                report.retrying += 1
                receipts.append(
                    (ws, key, {"error": outcome.message[:300], "attempts": item.row.attempts + 1})
                )
                releases.append((ws, item.row.id, retry))
            else:
                report.failed += 1
                log.warning("gave up on %s: %s", key, outcome.message)
                receipts.append((ws, key, {"status": DeliveryStatus.failed, "error": outcome.message[:300]}))
                releases.append(
                    (ws, item.row.id, {**self._advance(item, now), "last_error": outcome.message[:300]})
                )
        if isinstance(outcome, str) and len(group) > 1:
            report.sent += 1

    def _sent(self, item: _Item, now: datetime) -> dict[str, Any]:
        return {**self._advance(item, now), "last_sent_at": now}

    async def _landed(self, notice: Notice) -> str | None:
        try:
            return await self.notifier.landed(notice)
        except Exception:  # can't tell: sending again risks a duplicate less than never sending risks silence
            log.warning("could not check whether %s landed", notice.delivery_id, exc_info=True)
            return None


def default_rule_text(ctx: WorkspaceContext) -> str:
    """How the workspace's default reminder reads ("9:00 on the due day, and at the due time")."""
    rule = DefaultReminder.of(ctx.workspace)
    if not rule.enabled:
        return "off"
    parts = [f"{rule.morning:%H:%M} on the due day"] if rule.morning else []
    if rule.at_due_time:
        parts.append("at the due time")
    return ", and ".join(parts) or "off"

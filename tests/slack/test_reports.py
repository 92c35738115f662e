"""`/project report` on Slack: the command stores the schedule for the channel Slack named, and the scheduler
posts the week's summary there with the chart uploaded by files upload v2."""

from __future__ import annotations

import json

from core.clock import FixedClock
from core.models import ScheduleKind
from core.schedule.scheduler import Scheduler
from core.store import Store
from tests.chart_png import chart_png_arrived
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, dm_event
from tests.slack.helpers import WORKSPACE


async def test_project_report_goes_to_the_named_channel_with_its_chart(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    for i, text in enumerate(("project add Launch", "add Write plan #Launch", "done T-1")):
        await slack.event(dm_event(text, ts=f"1700000{i:03d}.000100"))
        await fake.wait_for("chat.postMessage", i + 1)
    # With should_escape, Slack hands a picked channel over as <#C…|name>.
    await slack.command("report #Launch weekly fri 16:00 in <#C0LAUNCH|launch-team>", command="/project")
    [answer] = await fake.wait_for("response_url")
    assert "I'll post Launch's report every friday 4pm" in answer.params["text"]
    [row] = await store.schedules.list(WORKSPACE, kinds=[ScheduleKind.report])
    assert row.channel_id == "C0LAUNCH" and row.next_run_at is not None

    assert slack.surface is not None
    notifier = slack.surface.notifier()
    assert notifier is not None
    report = await Scheduler(store, notifier, FixedClock(row.next_run_at)).tick()
    assert report.sent == 1
    [post] = fake.posted_to("C0LAUNCH")
    assert "Launch: the week to" in post["text"] and "Done this week: 1" in post["text"]
    [done] = fake.of("files.completeUploadExternal")
    assert done.params["channel_id"] == "C0LAUNCH"
    [file] = json.loads(str(done.params["files"]))
    await chart_png_arrived(fake.uploads[file["id"]])

"""`project chart` on Slack: the summary answer, and the PNG uploaded with files upload v2 where it goes."""

from __future__ import annotations

import json

from tests.chart_png import chart_png_arrived
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, dm_event, mention_event


async def _launch_with_work(slack: SlackHarness, fake: FakeSlack) -> None:
    """Through DMs: a project with two tasks, one of them done (all today)."""
    for i, text in enumerate(
        ("project add Launch", "add Write plan #Launch", "add Book venue #Launch", "done T-1")
    ):
        await slack.event(dm_event(text, ts=f"1700000{i:03d}.000100"))
        await fake.wait_for("chat.postMessage", i + 1)


def _uploaded(fake: FakeSlack) -> tuple[dict[str, object], bytes]:
    """The one completed upload and its bytes, checked to be the ones sent to its upload_url."""
    [asked] = fake.of("files.getUploadURLExternal")
    [sent] = fake.of("upload")
    [done] = fake.of("files.completeUploadExternal")
    [file] = json.loads(str(done.params["files"]))
    assert file["id"] == sent.params["file_id"]
    png = fake.uploads[file["id"]]
    assert int(asked.params["length"]) == len(png) == sent.params["length"]
    assert str(asked.params["filename"]).endswith(".png") and file["title"] == "Launch: last 14 days"
    return done.params, png


async def test_a_dm_gets_the_summary_then_the_chart_in_the_dm(slack: SlackHarness, fake: FakeSlack) -> None:
    await _launch_with_work(slack, fake)
    await slack.event(dm_event("project chart #Launch", ts="1700000100.000100"))
    done = await fake.wait_for("files.completeUploadExternal")
    answer = fake.of("chat.postMessage")[4]
    assert answer.params["channel"] == "D1"
    assert answer.params["text"].startswith("Launch, last 14 days: 2 created, 1 done, 1 open.")
    # The upload's three steps, in order, after the answer.
    order = [c.method for c in fake.calls if c.method != "users.info"]
    assert order[-3:] == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    params, png = _uploaded(fake)
    assert params["channel_id"] == "D1" and not params.get("thread_ts")
    assert done[0].token is not None
    await chart_png_arrived(png)


async def test_a_mention_gets_the_chart_in_its_thread(slack: SlackHarness, fake: FakeSlack) -> None:
    await _launch_with_work(slack, fake)
    await slack.event(mention_event("project chart Launch", ts="1700000200.000300"))
    await fake.wait_for("files.completeUploadExternal")
    params, png = _uploaded(fake)
    assert (params["channel_id"], params["thread_ts"]) == ("C1", "1700000200.000300")
    await chart_png_arrived(png)


async def test_a_private_slash_command_sends_the_chart_to_the_dm(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _launch_with_work(slack, fake)
    await slack.command("chart #Launch", command="/project")
    [answer] = await fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "Launch, last 14 days: 2 created, 1 done, 1 open." in answer.params["text"]
    assert "The chart is in our DM." in json.dumps(answer.params["blocks"])
    [opened] = fake.of("conversations.open")
    assert opened.params["users"] == "U1"
    params, png = _uploaded(fake)
    assert params["channel_id"] == "DU1"  # files can't be ephemeral: never the channel it was typed in
    await chart_png_arrived(png)


async def test_a_shared_slash_command_posts_the_chart_in_the_channel(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _launch_with_work(slack, fake)
    await slack.command("chart Launch 30 days --share", command="/project")
    [answer] = await fake.wait_for("response_url")
    assert answer.params["response_type"] == "in_channel"
    assert "Launch, last 30 days:" in answer.params["text"]
    assert not fake.of("conversations.open")
    [done] = fake.of("files.completeUploadExternal")
    assert done.params["channel_id"] == "C1"
    await chart_png_arrived(fake.uploads[json.loads(str(done.params["files"]))[0]["id"]])


async def test_an_unknown_project_gets_no_upload(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.command("chart Nope", command="/project")
    [answer] = await fake.wait_for("response_url")
    assert "Nope" in answer.params["text"]
    assert not fake.of("files.getUploadURLExternal") and not fake.uploads


async def test_a_channel_the_app_is_not_in_gets_the_chart_in_the_dm(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _launch_with_work(slack, fake)
    fake.post_errors["C1"] = "not_in_channel"
    await slack.command("chart Launch --share", command="/project")
    [answer] = await fake.wait_for("response_url")
    assert "I can't post here, so the chart is in our DM." in json.dumps(answer.params["blocks"])
    refused, done = fake.of("files.completeUploadExternal")
    assert (refused.params["channel_id"], done.params["channel_id"]) == ("C1", "DU1")
    await chart_png_arrived(fake.uploads[json.loads(str(done.params["files"]))[0]["id"]])

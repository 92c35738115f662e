"""Charts into Slack: the PNG drawn in a thread, uploaded with files upload v2 (getUploadURLExternal, the
bytes to the returned URL, completeUploadExternal sharing it in a channel or thread).

Slack has no ephemeral files: a chart meant for one person goes to their DM with the app.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import chart_png, summary
from core.schedule.chart_data import ChartData

log = logging.getLogger(__name__)


async def upload_chart(
    client: AsyncWebClient,
    channel: str,
    data: ChartData,
    *,
    thread_ts: str | None = None,
    comment: str | None = None,
) -> str:
    """Draw ``data`` and share the PNG in ``channel`` (a C…/D…/G… id; in the thread ``thread_ts`` when
    given); returns the file id. Raises SlackApiError (e.g. ``not_in_channel``) or SlackRequestError."""
    return await _upload(client, channel, await chart_png(data), data, thread_ts=thread_ts, comment=comment)


async def _upload(
    client: AsyncWebClient,
    channel: str,
    png: bytes,
    data: ChartData,
    *,
    thread_ts: str | None = None,
    comment: str | None = None,
) -> str:
    response = await client.files_upload_v2(
        channel=channel,
        thread_ts=thread_ts,
        file=png,
        filename=data.file_name,
        title=data.title,
        alt_txt=f"{data.title}: {summary(data)}",
        initial_comment=comment,
    )
    file = response.get("file") or {}
    return str(file.get("id", ""))


async def dm_channel(client: AsyncWebClient, user_id: str) -> str:
    """The id of the app's DM with ``user_id`` (conversations.open: files need a channel id, not a user)."""
    response = await client.conversations_open(users=user_id)
    channel = response.get("channel") or {}
    return str(channel["id"])


async def place_chart(
    client: AsyncWebClient,
    data: ChartData,
    *,
    user_id: str,
    channel: str | None,
    thread_ts: str | None = None,
) -> str:
    """Share the chart in ``channel`` (the thread too), or in the person's DM when there is none or the app
    can't post there; a note for the reply saying where it went ("" when it is right under it), or why not."""
    try:
        png = await chart_png(data)
    except Exception:  # a drawing bug must not take the answer down with it
        log.exception("drawing the chart %r failed", data.title)
        return "I couldn't draw the chart this time."
    if channel is not None:
        try:
            await _upload(client, channel, png, data, thread_ts=thread_ts)
            return ""
        except SlackApiError as exc:
            log.warning("chart upload to %s failed: %s", channel, exc.response.get("error"))
        except SlackRequestError as exc:
            log.warning("chart upload to %s failed: %s", channel, exc)
            return "I couldn't upload the chart just now; please try again."
    try:
        dm = await dm_channel(client, user_id)
        if dm == channel:
            return "I couldn't upload the chart just now; please try again."
        await _upload(client, dm, png, data, comment=data.title)
    except (SlackApiError, SlackRequestError, KeyError) as exc:
        log.warning("chart upload to the DM of %s failed: %s", user_id, exc)
        return "I couldn't upload the chart here; invite me to the channel, or DM me the command."
    return "The chart is in our DM." if channel is None else "I can't post here, so the chart is in our DM."

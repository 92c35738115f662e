"""A 40,000-character Slack `/task add` (Slack allows that much) while another user asks for their list.

Before the fix it held the event loop for 24 s: the other user's ack missed Slack's 3 s deadline. Now the long
text is refused before any parsing, with a short message, and nothing is written.
"""

from __future__ import annotations

import asyncio
import re

from core.services.validation import MAX_MESSAGE
from core.store import Store
from tests.loop_guard import loop_guard, warm_start  # noqa: F401  (autouse: no test may block the loop)
from tests.slack.conftest import fake, slack  # noqa: F401  (the real bolt app over a real Delta store)
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.helpers import all_tasks

SLACK_ACK_DEADLINE = 3.0  # Slack's own limit, not a tighter timing claim of ours
LONG = "add " + "'a " * 13_332  # the repro: 40,000 characters of unclosed apostrophes


async def test_a_40k_add_is_refused_while_another_user_is_answered(
    slack: SlackHarness,  # noqa: F811
    fake: FakeSlack,  # noqa: F811
    store: Store,
) -> None:
    assert len(LONG) == 40_000
    await slack.command("add Existing task", user="U2")
    await fake.wait_for("response_url")

    long_cmd = asyncio.create_task(slack.command(LONG, user="U1"))
    listing = asyncio.create_task(slack.command("list", user="U2"))
    other = await asyncio.wait_for(listing, SLACK_ACK_DEADLINE)  # the other user's ack arrived in time
    assert (other.status, other.text) == (200, "")
    refused = await asyncio.wait_for(long_cmd, SLACK_ACK_DEADLINE)
    assert refused.status == 200

    answers = {c.path: c.params["text"] for c in await fake.wait_for("response_url", 3)}
    [list_answer] = [t for p, t in answers.items() if p.endswith(f"cmd-{listing_id(answers, 'Existing')}")]
    assert "Existing task" in list_answer
    [refusal] = [t for t in answers.values() if "I read at most" in t]
    # 40,000 and the command's own prefix, as the surface hands it over.
    assert re.search(rf"That message is 40,0\d\d characters; I read at most {MAX_MESSAGE:,}\.", refusal)
    assert len(refusal) < 300  # short: the user's text is not echoed back

    assert [t.title for t in await all_tasks(store)] == ["Existing task"]  # nothing written


def listing_id(answers: dict[str, str], title: str) -> str:
    """The command number of the answer that lists ``title`` (not the one that created it)."""
    return next(p.rsplit("-", 1)[1] for p, t in answers.items() if title in t and "Created" not in t)

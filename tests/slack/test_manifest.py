"""manifest.yml matches the code: every declared command, event and shortcut has a bolt listener, and the
scopes are exactly what the code's Web API calls and events need."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack import modals
from bot.slack.surface import EVENTS_PATH, SlackSurface
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import settings_for

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())

# Scopes each Web API method the adapter calls needs (https://api.slack.com/methods).
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_getPermalink": set(),
    # did a scheduled message land: reading its metadata back in a DM or a (private) channel or thread
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
    "conversations_open": {"im:write"},
    "files_upload_v2": {"files:write"},  # files.getUploadURLExternal and files.completeUploadExternal
    "users_info": {"users:read", "users:read.email"},  # email needs the second one
    "views_open": set(),
    "views_publish": set(),
}
EVENT_SCOPES = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "app_home_opened": set(),
    "user_change": {"users:read"},
}


@pytest.fixture
def app(fake: FakeSlack, store: Store) -> AsyncApp:
    services = Services(store)
    return SlackSurface(ConversationHandler(services), services, settings_for(fake)).app


async def handled(app: AsyncApp, body: str, content_type: str) -> bool:
    request = AsyncBoltRequest(body=body, headers={"content-type": [content_type]})
    response = BoltResponse(status=404)
    listeners = app._async_listeners  # bolt keeps them here; matching is what dispatch would do
    return any([await listener.async_matches(req=request, resp=response) for listener in listeners])


def event_body(event: dict[str, Any]) -> str:
    return json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event})


async def test_every_slash_command_has_a_listener(app: AsyncApp) -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == ["/task", "/project"]
    for command in commands:
        body = urlencode({"command": command, "text": "help", "team_id": "T1", "user_id": "U1"})
        assert await handled(app, body, "application/x-www-form-urlencoded"), command
    assert not await handled(app, urlencode({"command": "/nope"}), "application/x-www-form-urlencoded")


async def test_every_event_has_a_listener(app: AsyncApp) -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == ["app_home_opened", "app_mention", "message.im", "user_change"]
    for name in events:
        # message.im is delivered as a `message` event with channel_type "im".
        event = {"type": "message", "channel_type": "im"} if name == "message.im" else {"type": name}
        assert await handled(app, event_body(event), "application/json"), name
    assert not await handled(app, event_body({"type": "reaction_added"}), "application/json")


async def test_every_shortcut_and_the_modal_have_listeners(app: AsyncApp) -> None:
    shortcuts = MANIFEST["features"]["shortcuts"]
    assert [s["type"] for s in shortcuts] == ["message"]
    for shortcut in shortcuts:
        payload = {"type": "message_action", "callback_id": shortcut["callback_id"], "team": {"id": "T1"}}
        body = urlencode({"payload": json.dumps(payload)})
        assert await handled(app, body, "application/x-www-form-urlencoded"), shortcut["callback_id"]
    view = {"type": "view_submission", "view": {"type": "modal", "callback_id": modals.CALLBACK_ID}}
    assert await handled(app, urlencode({"payload": json.dumps(view)}), "application/x-www-form-urlencoded")


def test_scopes_are_exactly_what_the_code_uses() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "bot" / "slack").glob("*.py"))
    called = set(re.findall(r"client\.(\w+)\(", source))
    assert called == set(METHOD_SCOPES), "a new Web API call needs its scope in manifest.yml and here"
    needed = {"commands"}  # slash commands and shortcuts
    for method in called:
        needed |= METHOD_SCOPES[method]
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        needed |= EVENT_SCOPES[event]
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_features_and_urls_match_the_adapter() -> None:
    settings = MANIFEST["settings"]
    features = MANIFEST["features"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["bot_user"]["display_name"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    urls += [c["url"] for c in features["slash_commands"]]
    assert all(u == f"https://orchestrator.example.com{EVENTS_PATH}" for u in urls)
    assert all(c["usage_hint"] and c["should_escape"] is True for c in features["slash_commands"])

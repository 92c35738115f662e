"""`connect motion <key>` (admins, in private) and `sync motion` as chat commands."""

from __future__ import annotations

from collections.abc import Mapping

from core.conversation.messages import ReplyKind
from core.integrations import IntegrationClient
from core.models import Integration, Role
from core.secrets import SecretBox
from core.services import Actor, Services
from core.sync import SyncService
from core.sync.chat import SyncCommands
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS, all_tasks, make_client


def commands(services: Services, motion: MotionFake, box: SecretBox) -> SyncCommands:
    def factory(row: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
        return make_client(motion, api_key_override=credentials["api_key"])

    return SyncCommands(SyncService(services, box, factory))


async def test_an_admin_connects_in_private_then_syncs(
    services: Services, motion: MotionFake, box: SecretBox, alice: Actor
) -> None:
    chat = commands(services, motion, box)
    motion.add_task("From Motion")
    in_channel = await chat.handle(alice, f"/orchestrator connect motion {motion.api_key}", private=False)
    assert in_channel is not None and in_channel.ephemeral and "revoke it" in in_channel.text
    assert motion.api_key not in in_channel.text
    assert await services.store.integrations.list(WS) == []  # a key seen by others is not kept

    connected = await chat.handle(alice, f"connect motion {motion.api_key}", private=True)
    assert connected is not None and connected.kind is ReplyKind.success and connected.ephemeral
    assert "Alice Motion" in connected.text and motion.api_key not in connected.text

    synced = await chat.handle(alice, "/sync motion", private=False)
    assert synced is not None and synced.text.startswith("Motion sync done (both): 1 pulled")
    assert [t.title for t in await all_tasks(services.store)] == ["From Motion"]
    assert await chat.handle(alice, "add Something else", private=False) is None


async def test_members_cannot_connect_and_unknown_trackers_are_named(
    services: Services, motion: MotionFake, box: SecretBox, alice: Actor
) -> None:
    chat = commands(services, motion, box)
    bob = Actor(await services.users.ensure_user(WS, "Bob", role=Role.member))
    refused = await chat.handle(bob, "connect motion abcdefghijkl", private=True)
    assert refused is not None and refused.kind is ReplyKind.error and "admin" in refused.text
    unknown = await chat.handle(alice, "/sync jira", private=False)
    assert unknown is not None and "Unknown integration `jira`" in unknown.text
    not_connected = await chat.handle(alice, "/sync motion", private=False)
    assert not_connected is not None and "isn't connected" in not_connected.text


async def test_the_conversation_handler_answers_sync_commands_before_anything_else(
    services: Services, motion: MotionFake, box: SecretBox
) -> None:
    from core.conversation.handler import ConversationHandler
    from core.conversation.messages import IncomingMessage
    from core.models import Platform

    handler = ConversationHandler(services, pre_commands=[commands(services, motion, box)])

    def msg(text: str, *, dm: bool) -> IncomingMessage:
        return IncomingMessage(
            platform=Platform.slack,
            workspace_id=WS,
            user_id="U1",
            user_name="alice",
            text=text,
            channel_id="D1" if dm else "C1",
            is_dm=dm,
        )

    await handler.handle(msg("list", dm=True))  # alice becomes the workspace's first user: its admin
    public = await handler.handle(msg(f"connect motion {motion.api_key}", dm=False))
    assert public.ephemeral and motion.api_key not in public.text
    private = await handler.handle(msg(f"connect motion {motion.api_key}", dm=True))
    assert private.kind is ReplyKind.success
    assert (await handler.handle(msg("add Still quick-add", dm=True))).tasks
    for conv_id in ("slack:dm:U1", "slack:C1:"):
        conv = await services.store.conversations.get(WS, conv_id)
        assert conv is None or motion.api_key not in conv.model_dump_json()

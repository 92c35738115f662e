"""DMs and mentions: translate, act once through the unit of work, answer in the same channel as a reply."""

from __future__ import annotations

import asyncio
import logging
import weakref

import discord

from bot.discord.context import DiscordContext
from bot.discord.outgoing import Outgoing, deliver
from bot.discord.translate import from_message, mentions_bot
from core.conversation.failures import failure_reply
from core.conversation.messages import Reply, ReplyKind
from core.errors import OrchestratorError

log = logging.getLogger(__name__)

_ANSWERED = (discord.MessageType.default, discord.MessageType.reply)
NO_CONTENT = (
    "Discord sent me your mention without its text: the **Message Content Intent** is off for this bot. "
    "An admin can turn it on in the Developer Portal (Bot → Privileged Gateway Intents) and restart me. "
    "Meanwhile slash commands work: try `/task add` or `/task list`."
)
EMPTY = (
    "Hi! Tell me what to do, e.g. `add Order badges fri`, or use `/task`. Say `help` for everything I know."
)


class MessageFlow:
    """The client's ``on_message``."""

    def __init__(self, ctx: DiscordContext, client: discord.Client) -> None:
        self.ctx = ctx
        self.client = client
        # discord.py runs each on_message as its own task; one lock per channel keeps a conversation in
        # order ("delete T-3" must be answered before the "yes" that follows it).
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def wants(self, message: discord.Message) -> bool:
        """DMs from people, and guild messages that mention the bot."""
        me = self.client.user
        if me is None or message.author.bot or message.author.id == me.id:
            return False
        if message.type not in _ANSWERED:
            return False
        return message.guild is None or mentions_bot(message, me.id)

    async def on_message(self, message: discord.Message) -> None:
        if not self.wants(message):
            return
        lock = self._locks.get(message.channel.id)
        if lock is None:
            lock = self._locks[message.channel.id] = asyncio.Lock()
        async with lock:
            await self._on_message(message)

    async def _on_message(self, message: discord.Message) -> None:
        guild = message.guild
        try:
            scope = await self.ctx.directory.scope(guild.id if guild else None, message.author)
        except OrchestratorError as exc:
            await self._send(message, Outgoing.of(failure_reply(exc, "a message"), None))
            return
        if not await self.ctx.claim(scope, f"discord:message:{message.id}"):
            log.info("ignoring a replayed message %s", message.id)
            return
        if guild is not None:
            self.ctx.directory.remember_member(guild.id, message.author.id)
        me = self.client.user
        assert me is not None  # wants() checked it
        # The people it names get User rows from the core, after the author (the first person seen in a
        # workspace becomes its admin, not someone they named); strangers to the server are left out.
        people = await self.ctx.members(scope, list(message.mentions), me.id)
        msg = from_message(
            message, workspace=scope.workspace_id, workspace_name=scope.name, bot_id=me.id, people=people
        )
        if msg.text:
            reply = await self.ctx.handler.handle(msg)
        elif not self.ctx.message_content and guild is not None:
            log.warning(
                "a mention in guild %s arrived without text: enable the Message Content Intent", guild.id
            )
            reply = Reply(NO_CONTENT, kind=ReplyKind.info)
        else:
            reply = Reply(EMPTY, kind=ReplyKind.info)
        await self._send(message, await Outgoing.drawn(reply, scope.workspace_id))

    async def _send(self, message: discord.Message, out: Outgoing) -> None:
        async def send() -> None:
            if out.view is not None:
                await message.reply(
                    out.content, embeds=out.embeds, view=out.view, files=out.files(), mention_author=False
                )
            else:
                await message.reply(out.content, embeds=out.embeds, files=out.files(), mention_author=False)

        try:
            await deliver(send)
        except discord.HTTPException as exc:
            # e.g. no permission to write in that channel: nothing to tell anyone there.
            log.warning("could not answer message %s: %s %s", message.id, exc.status, exc.text)

"""The console adapter: the same conversation as Slack or Discord, in a terminal.

On a TTY it is an interactive chat with rich formatting; otherwise it reads one message per line from stdin,
prints each reply as plain text and returns at end of input.

Piped input is read as bytes and decoded here with replacement: a line with invalid UTF-8 becomes text with
U+FFFD in it (core/text_input.py) instead of stopping the chat or carrying lone surrogates into the store.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console

from bot.charts import chart_png
from bot.render_text import plain, rich_renderable
from core.conversation.messages import IncomingMessage, Reply
from core.models import Platform
from core.text_input import clean_text, decode_input

PROMPT = "you> "
EXIT_WORDS = {"exit", "quit", ":q"}


class MessageHandler(Protocol):
    async def handle(self, message: IncomingMessage) -> Reply: ...


class ConsoleAdapter:
    """Translates terminal lines into IncomingMessages and Replies into text."""

    def __init__(
        self,
        handler: MessageHandler,
        *,
        workspace: str,
        user: str,
        timezone: str,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        charts_dir: Path | None = None,
    ) -> None:
        self._handler = handler
        self._workspace = workspace
        self._user = user
        self._tz = timezone
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._count = 0
        # `project chart` PNGs: a terminal can't show them, so they are saved where a viewer can open them.
        self._charts = charts_dir or Path(tempfile.gettempdir()) / "orchestrator-charts"
        self._console: Console | None = None  # set while an interactive chat runs

    def show(self, reply: Reply) -> None:
        """Print something the assistant says by itself (a due reminder) between the user's turns."""
        if self._console is not None:
            self._console.print()
            self._console.print(rich_renderable(reply))
            self._console.print(PROMPT, end="", markup=False, highlight=False)
            return
        self._out.write(plain(reply) + "\n")
        self._out.flush()

    def message(self, text: str) -> IncomingMessage:
        """The IncomingMessage for one typed line."""
        self._count += 1
        return IncomingMessage(
            platform=Platform.console,
            workspace_id=self._workspace,
            workspace_name=self._workspace,
            user_id=self._user,
            user_name=self._user,
            text=clean_text(text),
            channel_id="terminal",
            is_dm=True,
            timezone=self._tz,
            event_id=f"console-{self._count}",
        )

    async def run(self) -> int:
        """Chat until end of input (or `exit` on a TTY); returns the process exit code."""
        if self._in.isatty() and self._out.isatty():
            return await self._interactive()
        return await self._piped()

    async def _piped(self) -> int:
        _tolerate_unencodable(self._out)
        while True:
            line = await asyncio.to_thread(self._read_line)
            if not line:
                return 0
            text = line.strip()
            if not text:
                continue
            reply = await self._handler.handle(self.message(text))
            self._out.write(plain(reply) + "\n")
            if (saved := await self.save_chart(reply)) is not None:
                self._out.write(f"Chart saved to {saved}\n")
            self._out.flush()

    def _read_line(self) -> str:
        """One line of the pipe, decoded with replacement (``""`` at end of input)."""
        raw = getattr(self._in, "buffer", None)
        if isinstance(raw, io.BufferedIOBase):
            # Bytes, not the text layer: its decoder is strict (the chat dies) or surrogateescape (lone
            # surrogates), depending on the locale.
            return decode_input(raw.readline(), getattr(self._in, "encoding", None) or "utf-8")
        return self._in.readline()

    async def _interactive(self) -> int:
        _tolerate_unencodable(self._in)
        _tolerate_unencodable(self._out)
        console = Console(file=self._out)
        self._console = console
        console.print(
            f"[bold]Tasks Orchestrator[/bold] — workspace [cyan]{self._workspace}[/cyan], "
            f"you are [cyan]{self._user}[/cyan] ({self._tz}). Type [bold]help[/bold], or [bold]exit[/bold]."
        )
        while True:
            try:
                text = (await asyncio.to_thread(console.input, PROMPT)).strip()
            except (EOFError, KeyboardInterrupt):
                console.print()
                return 0
            if not text:
                continue
            if text.lower() in EXIT_WORDS:
                return 0
            reply = await self._handler.handle(self.message(text))
            console.print(rich_renderable(reply))
            if (saved := await self.save_chart(reply)) is not None:
                console.print(f"Chart saved to {saved}", markup=False, highlight=False)

    async def save_chart(self, reply: Reply) -> Path | None:
        """Draw the reply's chart into the charts folder; its path, or None when the reply has none."""
        if reply.chart is None:
            return None
        png = await chart_png(reply.chart)
        path = self._charts / reply.chart.file_name

        def write() -> None:
            self._charts.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)

        await asyncio.to_thread(write)
        return path


def _tolerate_unencodable(stream: TextIO) -> None:
    """Let a standard stream replace what its encoding can't carry (an ASCII locale) instead of raising."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        try:
            stream.reconfigure(errors="replace")
        except ValueError:  # some streams refuse once read from; the input is cleaned after anyway
            pass

"""Idle memory of `orchestrator serve` with Slack and Discord vs a bare bolt + bare discord.py process.

    .venv/bin/python bench/rss.py [--settle 3] [--runs 3]

Both processes run against the same loopback fake Discord (REST + Gateway, from the tests) and stay idle
once connected; Slack runs in HTTP mode (it connects nowhere until a request comes). `serve` (this checkout's
code: ``python -m bot serve``) uses a Delta store in a temporary folder and no LLM key. The baseline is a
process that imports slack_bolt and discord.py, builds an `AsyncApp` behind an aiohttp route, and logs a
`discord.Client` in to the same fake. Each run starts both processes in turn, waits until the Discord session
is READY and ``--settle`` seconds more, then reads VmRSS from /proc. The figure is the median over ``--runs``;
the ratio is serve ÷ bare. Lines either process writes to stderr at start are counted and shown: a normal
start prints none.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.discord.fake.server import FakeDiscord  # noqa: E402

SLACK_TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
READY = "ready"

# The baseline: what any bolt + discord.py bot needs, and nothing of ours.
BARE = """
import asyncio, os, sys
import discord, yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

async def main():
    app = AsyncApp(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])
    async def handle(request):
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))
    http = web.Application()
    http.router.add_post("/slack/events", handle)
    runner = web.AppRunner(http)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    Route.BASE = os.environ["DISCORD_API_URL"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    client = discord.Client(intents=discord.Intents.default())
    ready = asyncio.Event()

    @client.event
    async def on_ready():
        ready.set()
    await client.login(os.environ["DISCORD_BOT_TOKEN"])
    task = asyncio.create_task(client.connect())
    await ready.wait()
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


# The yardstick: a process that only imports the big libraries (no app built, nothing connected).
IMPORTS_ONLY = """
import deltalake, pyarrow, slack_bolt.app.async_app, discord, pydantic, sqlalchemy, time
print("ready", flush=True)
time.sleep(3600)
"""


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def environment(fake: FakeDiscord, data: Path) -> dict[str, str]:
    """The child's environment: this one without LLM keys or other bot settings, plus the bench's."""
    drop = (
        "SLACK_",
        "DISCORD_",
        "ORCHESTRATOR_",
        "ANTHROPIC_",
        "OPENAI_",
        "GEMINI_",
        "XAI_",
        "OLLAMA_",
        "LOCAL_LLM_",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never called while idle
        DISCORD_BOT_TOKEN=fake.token,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        ORCHESTRATOR_STORAGE_URL=str(data),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),  # this checkout's code, whatever the venv's editable install points at
    )
    return env


async def measure(
    argv: list[str], env: dict[str, str], cwd: Path, fake: FakeDiscord, settle: float, *, discord: bool = True
) -> tuple[int, list[str]]:
    """Start ``argv``, wait for its ready line and Discord session, let it settle: (RSS KiB, stderr lines)."""
    sessions = len(fake.gateway.connections)
    proc = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        async with asyncio.timeout(60):
            while True:
                line = (await proc.stdout.readline()).decode()
                if not line:
                    err = (await proc.stderr.read()).decode()
                    raise RuntimeError(f"{argv[0]} exited before it was ready:\n{err}")
                if line.startswith(("serving on", READY)):
                    break
            if discord:
                await fake.wait_for(lambda: len(fake.gateway.connections) > sessions or None, within=60)
        await asyncio.sleep(settle)
        rss = rss_kib(proc.pid)
    finally:
        proc.terminate()
        _, err = await proc.communicate()
    warnings = [line for line in err.decode().splitlines() if line.strip()]
    return rss, warnings


async def main(settle: float, runs: int) -> None:
    fake = FakeDiscord(token="bench-discord-token")
    await fake.start()
    serve_rss: list[int] = []
    bare_rss: list[int] = []
    imports_rss: list[int] = []
    serve_warnings: list[str] = []
    bare_warnings: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = environment(fake, folder / "data")
            serve = [sys.executable, "-m", "bot", "serve", "--port", "0"]
            for _ in range(runs):
                rss, lines = await measure(serve, env, folder, fake, settle)
                serve_rss.append(rss)
                serve_warnings = lines
                rss, lines = await measure([sys.executable, "-c", BARE], env, folder, fake, settle)
                bare_rss.append(rss)
                bare_warnings = lines
                rss, _ = await measure(
                    [sys.executable, "-c", IMPORTS_ONLY], env, folder, fake, settle, discord=False
                )
                imports_rss.append(rss)
    finally:
        await fake.stop()
    ours, bare = statistics.median(serve_rss) / 1024, statistics.median(bare_rss) / 1024
    print(
        f"orchestrator serve (Slack HTTP + Discord, Delta, no LLM key): {ours:6.1f} MB RSS idle  {serve_rss}"
    )
    print(
        f"bare bolt + discord.py:                                        {bare:6.1f} MB RSS idle  {bare_rss}"
    )
    imports = statistics.median(imports_rss) / 1024
    print(f"imports only (deltalake, pyarrow, bolt, discord.py, pydantic, SQLAlchemy): {imports:6.1f} MB")
    print(f"ratio serve / bare: {ours / bare:.2f}x   (median of {runs} runs, {settle:g} s after READY)")
    print(f"stderr lines at start: serve {len(serve_warnings)}, bare {len(bare_warnings)}")
    for line in serve_warnings:
        print(f"  serve: {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait after READY")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.settle, args.runs))

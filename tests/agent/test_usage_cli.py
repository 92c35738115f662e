"""AgentLog summaries and the `orchestrator models` / `orchestrator usage` commands."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from core.agent.usage import TokenMeter, offline_share, summarize, tokens_today
from core.models import AgentLog, utcnow
from storage.factory import open_store


def log(ws: str, provider: str, model: str, tokens: tuple[int, int], cost: float, **kw: object) -> AgentLog:
    return AgentLog(
        workspace_id=ws,
        provider=provider,
        model=model,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        cost_usd=cost,
        latency_ms=100.0,
        **kw,  # type: ignore[arg-type]
    )


def test_summarize_groups_by_workspace_provider_and_model() -> None:
    lines = summarize(
        [
            log("a", "openai", "gpt-4.1-mini", (100, 10), 0.001),
            log("a", "openai", "gpt-4.1-mini", (300, 30), 0.003, error="openai: HTTP 500"),
            log("a", "offline", "offline", (0, 0), 0.0),
            log("b", "anthropic", "claude-haiku-4-5", (50, 5), 0.01),
        ]
    )
    assert [(x.workspace_id, x.provider, x.runs) for x in lines] == [
        ("b", "anthropic", 1),
        ("a", "openai", 2),
        ("a", "offline", 1),
    ]
    openai = lines[1]
    assert (openai.input_tokens, openai.output_tokens, openai.cost_usd, openai.errors) == (400, 40, 0.004, 1)


async def test_tokens_today_counts_only_this_workspace_since_midnight(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "data"))
    await store.open()
    try:
        await store.agent_logs.add(log("a", "openai", "m", (100, 20), 0.0))
        await store.agent_logs.add(
            log("a", "openai", "m", (999, 999), 0.0, created_at=utcnow() - timedelta(days=2))
        )
        await store.agent_logs.add(log("b", "openai", "m", (5, 5), 0.0))
        assert await tokens_today(store, "a") == 120
    finally:
        await store.close()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"

    async def seed() -> None:
        store = open_store(str(data))
        await store.open()
        try:
            await store.agent_logs.add(log("local", "openai", "gpt-4.1-mini", (1200, 300), 0.00096))
            await store.agent_logs.add(log("team", "anthropic", "claude-haiku-4-5", (50, 5), 0.000075))
            for _ in range(2):  # turns the offline parser answered: no tokens
                await store.agent_logs.add(log("local", "offline", "offline", (0, 0), 0.0))
            old = utcnow() - timedelta(days=30)
            await store.agent_logs.add(log("local", "xai", "grok-4", (10, 10), 1.0, created_at=old))
        finally:
            await store.close()

    asyncio.run(seed())
    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", str(data))
    return data


def test_usage_command(seeded: Path) -> None:
    result = CliRunner().invoke(app, ["usage", "--days", "7"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (
        "gpt-4.1-mini" in result.output and "1,200" in result.output and "claude-haiku-4-5" in result.output
    )
    assert "grok-4" not in result.output  # older than 7 days
    assert "Answered without an LLM: 2 of 4 free-form turns (50%)." in result.output
    one = CliRunner().invoke(app, ["usage", "--workspace", "team"], env={"COLUMNS": "200"})
    assert "claude-haiku-4-5" in one.output and "gpt-4.1-mini" not in one.output
    assert "Answered without an LLM: 0 of 1 free-form turns (0%)." in one.output


def test_offline_share_counts_runs_no_llm_answered() -> None:
    share = offline_share(
        [
            log("a", "offline", "offline", (0, 0), 0.0),
            log("a", "openai", "gpt-4.1-mini", (100, 10), 0.001),
            log("a", "offline", "offline", (0, 0), 0.0),
            log("b", "offline", "offline", (0, 0), 0.0),
        ]
    )
    assert (share.turns, share.offline, share.share) == (4, 3, 0.75)
    assert share.describe() == "Answered without an LLM: 3 of 4 free-form turns (75%)."
    assert offline_share([]).describe() == "No free-form turns yet."


def test_models_command_shows_availability_not_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "XAI_API_KEY",
        "OLLAMA_BASE_URL",
        "ORCHESTRATOR_PROVIDERS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-print-me")
    result = CliRunner().invoke(app, ["models"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "sk-do-not-print-me" not in result.output
    assert "no: set ANTHROPIC_API_KEY" in result.output and "OLLAMA_BASE_URL" in result.output
    quick = next(line for line in result.output.splitlines() if "quick_tasks" in line)
    assert "openai:gpt-4.1-mini" in quick  # the model that answers now


def test_a_broken_providers_file_is_a_clear_cli_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("providers: {}\nrules: {quick_tasks: [nobody]}\n")
    monkeypatch.setenv("ORCHESTRATOR_PROVIDERS", str(bad))
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 2 and "unknown provider `nobody`" in result.output


async def test_token_meter_reads_the_logs_once_per_ttl(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "data"))
    await store.open()
    now = [0.0]
    try:
        meter = TokenMeter(store, ttl=60, monotonic=lambda: now[0])
        await store.agent_logs.add(log("a", "openai", "m", (100, 20), 0.0))
        assert await meter.used("a") == 120
        meter.add("a", 30)  # this process's next run, counted without a read
        await store.agent_logs.add(log("a", "openai", "m", (30, 0), 0.0))
        await store.agent_logs.add(log("a", "openai", "m", (500, 0), 0.0))  # another replica's run
        assert await meter.used("a") == 150
        now[0] = 61
        assert await meter.used("a") == 650
    finally:
        await store.close()

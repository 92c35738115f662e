"""`orchestrator integrations …`: connect, list, configure, test and remove trackers (Motion first)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.integration_clients import sync_service
from bot.wiring import Runtime, configure_logging, runtime
from core.errors import ConfigurationError, OrchestratorError
from core.models import LOCAL_WORKSPACE, ConflictPolicy, SyncDirection
from core.settings import Settings
from core.sync import SyncService

integrations_app = typer.Typer(
    help="Trackers kept in sync with the tasks (Motion, Linear, GitLab, Notion).", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")

KINDS = "motion, linear, gitlab or notion"
LocalWorkspace = Annotated[str, typer.Option("--local-workspace", "-W", help="Workspace id here.")]


def say(text: str, style: str) -> None:
    """A message on stderr, unwrapped (paths stay copyable) and never read as markup."""
    err.print(text, style=style, markup=False, soft_wrap=True)


def run_with_sync(work: Callable[[Runtime, SyncService], Awaitable[T]], *, create_key: bool = False) -> T:
    """Open the store, build the SyncService and run ``work``; errors become a red line and exit code 2."""
    settings = Settings()
    configure_logging(settings)

    async def main() -> T:
        async with runtime(settings) as rt:
            sync = sync_service(rt, create_key=create_key, say=lambda text: say(text, "yellow"))
            if sync is None:
                raise ConfigurationError(
                    "No secret key yet, so no integration is stored.",
                    hint="Connect one first: `orchestrator integrations add motion --api-key …`.",
                )
            return await work(rt, sync)

    try:
        return asyncio.run(main())
    except OrchestratorError as exc:
        say(str(exc), "red")
        raise typer.Exit(code=2) from None


@integrations_app.command("add")
def add(
    kind: Annotated[str, typer.Argument(help=KINDS)],
    api_key: Annotated[
        str,
        typer.Option(
            "--api-key", envvar="MOTION_API_KEY", prompt=True, hide_input=True, help="The API key or token."
        ),
    ],
    base_url: Annotated[
        str | None, typer.Option(help="API base URL (self-managed GitLab: https://<host>/api/v4; proxies).")
    ] = None,
    workspace: Annotated[
        str | None,
        typer.Option(
            help="Motion workspace, Linear team (key/name), GitLab project (group/name), Notion database id."
        ),
    ] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA zone for due dates (default UTC).")] = None,
    requests_per_minute: Annotated[
        int | None, typer.Option(min=1, help="The account's rate limit (Motion: 12, teams up to 120).")
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            help="Linear signing secret or GitLab secret token for /webhooks/<type> (kept encrypted)."
        ),
    ] = None,
    prop: Annotated[
        list[str] | None,
        typer.Option("--property", help="Notion property name per field, e.g. --property status=State."),
    ] = None,
    local_workspace: LocalWorkspace = LOCAL_WORKSPACE,
) -> None:
    """Connect a tracker; the key is stored encrypted (Fernet) and never shown again."""
    properties = parse_properties(prop or [])

    async def work(rt: Runtime, sync: SyncService) -> str:
        integration = await sync.connect(
            local_workspace,
            kind,
            api_key=api_key,
            base_url=base_url,
            options={
                "workspace": workspace,
                "timezone": timezone,
                "requests_per_minute": requests_per_minute,
                "properties": properties or None,
            },
            webhook_secret=webhook_secret,
        )
        return integration.type.value

    name = run_with_sync(work, create_key=True)
    out.print(f"Connected {name}. Check the key with `orchestrator integrations test {name}`.")


def parse_properties(items: list[str]) -> dict[str, str]:
    """``field=Property Name`` pairs (Notion) as a dict; a malformed one stops with a plain message."""
    out: dict[str, str] = {}
    for item in items:
        field, sep, name = item.partition("=")
        if not sep or not field.strip() or not name.strip():
            say(f"`--property {item}` should look like `status=State`.", "red")
            raise typer.Exit(code=2)
        out[field.strip().lower()] = name.strip()
    return out


@integrations_app.command("list")
def list_(local_workspace: LocalWorkspace = LOCAL_WORKSPACE) -> None:
    """Connected trackers with their sync settings and last run (never their credentials)."""

    async def work(rt: Runtime, sync: SyncService) -> Table:
        table = Table("type", "base URL", "workspace", "enabled", "direction", "policy", "every", "last sync")
        for i in await sync.list(local_workspace):
            last = f"{i.last_sync_at:%Y-%m-%d %H:%M} {i.last_sync_status}" if i.last_sync_at else "never"
            table.add_row(
                i.type.value,
                i.base_url or "(default)",
                str(i.options.get("workspace") or "(first)"),
                "yes" if i.enabled else "no",
                i.sync_direction.value,
                i.conflict_policy.value,
                f"{i.sync_interval_minutes} min",
                last,
            )
        return table

    out.print(run_with_sync(work))


@integrations_app.command("set")
def set_(
    kind: Annotated[str, typer.Argument(help=KINDS)],
    direction: Annotated[SyncDirection | None, typer.Option(help="pull, push or both.")] = None,
    policy: Annotated[ConflictPolicy | None, typer.Option(help="How conflicts are settled.")] = None,
    interval: Annotated[int | None, typer.Option(min=1, help="Minutes between scheduled syncs.")] = None,
    enabled: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Scheduled syncs on/off.")
    ] = None,
    local_workspace: LocalWorkspace = LOCAL_WORKSPACE,
) -> None:
    """Change the sync direction, conflict policy, interval or enabled flag."""
    changes = {
        k: v
        for k, v in {
            "sync_direction": direction,
            "conflict_policy": policy,
            "sync_interval_minutes": interval,
            "enabled": enabled,
        }.items()
        if v is not None
    }
    if not changes:
        err.print("[red]Nothing to change.[/red] Try `--direction pull` or `--policy local_wins`.")
        raise typer.Exit(code=2)

    async def work(rt: Runtime, sync: SyncService) -> str:
        i = await sync.update_settings(local_workspace, kind, **changes)
        every = f"every {i.sync_interval_minutes} min"
        return f"{i.type.value}: {i.sync_direction.value}, {i.conflict_policy.value}, {every}"

    out.print(run_with_sync(work))


@integrations_app.command("test")
def test(
    kind: Annotated[str, typer.Argument(help=KINDS)], local_workspace: LocalWorkspace = LOCAL_WORKSPACE
) -> None:
    """Call the tracker with the stored key (Motion: GET /users/me) and say whose key it is."""

    async def work(rt: Runtime, sync: SyncService) -> str:
        me = await sync.test(local_workspace, kind)
        return f"{me.name}{f' <{me.email}>' if me.email else ''}"

    who = run_with_sync(work)
    out.print(f"The {kind} key works: it belongs to {who}.")


@integrations_app.command("remove")
def remove(
    kind: Annotated[str, typer.Argument(help=KINDS)], local_workspace: LocalWorkspace = LOCAL_WORKSPACE
) -> None:
    """Forget a tracker and its credentials (tasks keep their links, so re-adding resumes the sync)."""

    async def work(rt: Runtime, sync: SyncService) -> bool:
        return await sync.remove(local_workspace, kind)

    removed = run_with_sync(work)
    out.print(f"Removed {kind}." if removed else f"{kind} wasn't connected.")


@integrations_app.command("webhook-token")
def webhook_token(
    kind: Annotated[str, typer.Argument(help=KINDS)],
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Print it (it is a secret: your terminal only).")
    ] = False,
    local_workspace: LocalWorkspace = LOCAL_WORKSPACE,
) -> None:
    """Whether a webhook secret is stored; with --reveal, print it (Notion asks for the token it sent)."""

    async def work(rt: Runtime, sync: SyncService) -> str | None:
        return sync.credentials(await sync.get(local_workspace, kind)).get("webhook_secret")

    secret = run_with_sync(work)
    if not secret:
        out.print(f"No webhook secret stored for {kind} yet.")
    elif reveal:
        out.print(secret, markup=False, highlight=False)
    else:
        out.print(f"A webhook secret is stored for {kind}; `--reveal` prints it.")

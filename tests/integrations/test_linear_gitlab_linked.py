"""One task linked to two trackers at once: a change made in one reaches the other through the local copy."""

from __future__ import annotations

from core.models import Integration, TaskStatus
from core.secrets import SecretBox
from core.services import Services
from tests.fakes.gitlab_server import PROJECT_PATH, GitLabFake
from tests.fakes.linear_server import LinearFake
from tests.integrations import tracker_kits as sc
from tests.integrations.tracker_kits import WINDOW, gitlab_kit, linear_kit


async def test_linear_change_reaches_gitlab_and_back(services: Services, box: SecretBox) -> None:
    async with LinearFake(window=WINDOW) as linear, GitLabFake(window=WINDOW) as gitlab:
        lk, gk = linear_kit(linear), gitlab_kit(gitlab)
        lrow: Integration = await sc.add_integration(services, box, lk)
        grow: Integration = await sc.add_integration(services, box, gk, workspace=PROJECT_PATH)
        issue = linear.add_issue("Shared work", priority=2, description="Both trackers")

        assert (await sc.run_sync(services, lk, lrow)).created == 1  # Linear → local
        pushed = await sc.run_sync(services, gk, grow)  # local → GitLab
        assert (pushed.status, pushed.created) == ("ok", 1)
        task = (await sc.all_tasks(services.store))[0]
        assert task.external_ids["linear"] == issue["id"]
        iid = int(task.external_ids["gitlab"])
        assert gitlab.issues[iid]["title"] == "Shared work"
        assert "priority::high" in gitlab.issues[iid]["labels"]
        assert gitlab.issues[iid]["description"].startswith("Both trackers")

        # Renamed in Linear: Linear → local → GitLab.
        linear.edit_issue(issue["id"], title="Shared work, renamed")
        assert (await sc.run_sync(services, lk, lrow)).pulled == 1
        assert (await sc.run_sync(services, gk, grow)).pushed == 1
        assert gitlab.issues[iid]["title"] == "Shared work, renamed"

        # Closed in GitLab: GitLab → local → Linear.
        gitlab.edit_issue(iid, state_event="close")
        assert (await sc.run_sync(services, gk, grow)).pulled == 1
        assert (await sc.run_sync(services, lk, lrow)).pushed == 1
        assert linear.issues[issue["id"]]["state"]["type"] == "completed"
        local = (await sc.all_tasks(services.store))[0]
        assert local.status is TaskStatus.completed and local.completed_at is not None

        # Settled: neither side has anything left to send.
        for kit, row in ((lk, lrow), (gk, grow)):
            quiet = await sc.run_sync(services, kit, row)
            assert (quiet.pulled, quiet.pushed) == (0, 0)
        assert len(linear.issues) == 1 and len(gitlab.issues) == 1

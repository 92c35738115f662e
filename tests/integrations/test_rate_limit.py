"""Motion allows 12 requests a minute (scaled here): the client keeps to it, and copes when told off."""

from __future__ import annotations

from core.models import Integration
from core.services import Actor, Services
from integrations.http import RateLimit
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import all_tasks, run_sync


async def test_no_request_goes_past_the_rate_limit(
    services: Services, integration: Integration, alice: Actor
) -> None:
    async with MotionFake(window=1.0) as fake:  # 12 requests per second standing for 12 per minute
        for i in range(200):
            fake.add_task(f"remote {i}")
        for i in range(5):
            await services.tasks.create(alice, f"local {i}")
        log = await run_sync(services, fake, integration)
        assert log.status == "ok"
        assert fake.stats.count() == 3 + 10 + 5  # more than one window's worth
        assert fake.stats.rate_limited == 0
        assert fake.stats.max_in_window(fake.window) <= 12


async def test_a_client_told_to_slow_down_waits_as_asked_and_finishes(
    services: Services, motion: MotionFake, integration: Integration
) -> None:
    for i in range(300):
        motion.add_task(f"remote {i}")
    # A limiter far above Motion's limit (as if configured for a team plan by mistake).
    log = await run_sync(services, motion, integration, rate=RateLimit(100_000, 1.0))
    assert log.status == "ok"
    assert motion.stats.rate_limited > 0  # the fake answered 429 + Retry-After …
    assert len(await all_tasks(services.store)) == 300  # … and every page was still read
    assert motion.stats.max_in_window(motion.window) <= 12

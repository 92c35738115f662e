"""The loop guard counts work on the loop and stalls that matter, not a busy machine's waits."""

from __future__ import annotations

import asyncio
import time

from tests.loop_guard import WAIT_LIMIT, LoopGuard


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def test_work_on_the_loop_is_a_block_and_a_short_wait_is_not() -> None:
    loop = asyncio.get_running_loop()
    guard = LoopGuard(limit=0.1)
    handle = asyncio.Handle(lambda: None, (), loop)
    guard.run(lambda h: _busy(0.15), handle)
    assert len(guard.blocks) == 1 and guard.blocks[0].seconds >= 0.15
    guard.run(lambda h: time.sleep(0.15), handle)  # waited, did nothing: what a loaded CI box looks like
    assert len(guard.blocks) == 1
    guard.run(lambda h: time.sleep(WAIT_LIMIT + 0.05), handle)  # but a stall a user would notice counts
    assert len(guard.blocks) == 2

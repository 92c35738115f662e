"""Every test here fails if the event loop is blocked longer than the guard's limit (tests/loop_guard.py)."""

from tests.loop_guard import loop_guard, pytest_runtest_call, warm_start  # noqa: F401  (autouse)

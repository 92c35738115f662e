"""The loop guard's hook, for the reliability tests that install the guard (test_long_message.py)."""

from tests.loop_guard import pytest_runtest_call  # noqa: F401  (arms the guard while a test runs)

"""Reliability: hostile input, crashes (kill -9) and maintenance takeover, bounded in time."""

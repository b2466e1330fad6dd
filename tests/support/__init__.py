"""Helpers shared by the test suite (no kiosk imports at module level)."""

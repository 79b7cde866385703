"""Helpers shared by the test suites (importable by CLI subprocesses too)."""

"""Fixtures of the core tests."""

from tests.cli_harness import cli as cli  # the `yuantus` command on the test database

"""Run `yuantus` for the fuzz tests: python -m tests.fuzz.server ARGS (cheap argon2 profile)."""

from __future__ import annotations

import sys

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from yuantus.core import security


def main(argv: list[str]) -> None:
    """Start the CLI with the given arguments, hashing passwords with the cheapest profile."""
    # the fuzzer logs in and creates users by the hundred: production argon2 would eat its time
    security.use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    from yuantus.cli import app

    app(argv)


if __name__ == "__main__":
    main(sys.argv[1:])

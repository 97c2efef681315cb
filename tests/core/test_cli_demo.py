"""`yuantus demo` shows a progress bar, one step per domain with demo data; both databases."""

from __future__ import annotations

import re

from tests.cli_harness import Cli
from yuantus.demo import demo_domains


def test_demo_shows_its_progress_and_the_logins(cli: Cli) -> None:
    steps = len(demo_domains())
    assert steps >= 5
    r = cli("demo")
    assert r.exit_code == 0, r.output
    first = r.output.splitlines()[0]
    assert re.match(rf"demo data .* {steps}/{steps} ", first), first
    assert "engineer    password engineer-demo-pw" in r.output

"""Run one benchmark: python -m bench <name> [args]; the names are in BENCHMARKS."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "jobs",
    "bom",
    "bom_import",
    "bom_caps",
    "reads",
    "breakage",
    "events",
    "docpack",
    "search",
    "consumption",
    "login_storm",
    "api",
    "web_bom",
    "doc_sync",
    "sync_summary",
)


def main(argv: list[str]) -> int:
    """Dispatch to bench.<name>.main(args)."""
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m bench {{{'|'.join(BENCHMARKS)}}} [args]")
        return 2
    module = importlib.import_module(f"bench.{argv[0]}")
    result: int = module.main(argv[1:])
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

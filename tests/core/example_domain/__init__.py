"""A tiny test-only domain that plugs in through its manifest alone (docs/architecture.md)."""

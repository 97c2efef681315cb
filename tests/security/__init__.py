"""Adversarial regression tests: one file per finding of the hardening review (issue 20)."""

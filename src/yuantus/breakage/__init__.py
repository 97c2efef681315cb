"""Breakage incidents: field and production failures logged against the exact product revision."""

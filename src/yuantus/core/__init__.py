"""Shared infrastructure: settings, database, errors, security, HTTP dependencies."""

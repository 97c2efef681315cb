"""Workflow custom actions: rules that run on ECO and item transitions, with run records."""

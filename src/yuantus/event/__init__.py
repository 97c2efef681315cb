"""Domain events: an append-only log written with each change, and signed webhooks."""

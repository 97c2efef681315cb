"""Engineering change orders: stages, approvals, apply."""

"""Users, roles, API tokens and the /auth endpoints."""

"""ORM models of the file domain."""

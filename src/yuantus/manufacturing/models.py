"""ORM models of the manufacturing domain."""

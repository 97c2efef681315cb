"""ORM models of the bom domain."""

"""ORM models of the item domain."""

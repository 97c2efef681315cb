"""ORM models of the eco domain."""

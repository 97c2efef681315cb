"""ORM models of the job domain."""

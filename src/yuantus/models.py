"""Every ORM model on Base.metadata (Alembic, tests): the tables of every loaded domain."""

from yuantus.domains import load_domains

# the domain list names each domain's models module; loading it registers the tables
load_domains()

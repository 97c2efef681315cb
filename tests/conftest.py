"""Test harness: every database test runs on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import yuantus.models  # noqa: F401 - full metadata for truncation
from tests.documented_errors import check_documented_errors
from yuantus.app import create_app
from yuantus.core import migrate, security
from yuantus.core.db import Base, Database
from yuantus.core.security import create_access_token
from yuantus.core.settings import Settings
from yuantus.domains import load_domains
from yuantus.identity.demo import DEMO_ROLES, demo_password
from yuantus.identity.models import User

# the CLIs print rich tables sized to the terminal; an xdist worker has none (80 columns
# would cut the cells the CLI tests read)
os.environ["COLUMNS"] = "200"

PG_ENV = "YUANTUS_TEST_POSTGRES_URL"
JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789"
ENCRYPTION_KEY = Fernet.generate_key().decode()

security.use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))

# test-only domains, loaded through their manifests by this process and (via
# YUANTUS_EXTRA_DOMAINS) by every worker subprocess the tests start
TEST_DOMAINS = (
    "tests.job.tasks_for_tests",
    "tests.core.example_domain.manifest",
    "tests.eco_activity.tasks_for_tests",
)
load_domains(TEST_DOMAINS)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    """In CI, PostgreSQL is required: fail instead of silently testing SQLite only."""
    if os.environ.get("CI") == "true" and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set")


def _pg_admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    base = os.environ[PG_ENV]
    name = f"yuantus_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(_pg_admin_url(base), autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(drivername="postgresql+psycopg", database=name)
    yield url.render_as_string(hide_password=False)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="session")
def _sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'yuantus.db'}"


@pytest.fixture(scope="session", params=_backends())
def backend_url(request: pytest.FixtureRequest) -> str:
    """The database URL of the backend under test (each backend migrated once)."""
    url: str = request.getfixturevalue(
        "_pg_url" if request.param == "postgresql" else "_sqlite_url"
    )
    return url


_migrated: dict[str, Database] = {}


def make_settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    """Settings for a test service."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "jwt_secret": JWT_SECRET,
        "encryption_keys": [ENCRYPTION_KEY],
        "db_pool_size": 20,
        "db_max_overflow": 20,
        "extra_domains": list(TEST_DOMAINS),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def truncate_all(engine: Engine) -> None:
    """Empty every table (the schema stays)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # a connection a previous test leaked must fail this test, not hang the run
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            # the audit log refuses TRUNCATE unless the session asks for it (its migration)
            conn.execute(text("SET LOCAL yuantus.allow_audit_truncate = 'on'"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def settings(backend_url: str, tmp_path: Path) -> Settings:
    """Test settings on the backend under test, with a private data dir."""
    return make_settings(tmp_path / "data", backend_url)


@pytest.fixture
def database(settings: Settings, backend_url: str) -> Database:
    """The migrated database of the backend under test, emptied before each test."""
    db = _migrated.get(backend_url)
    if db is None:
        db = Database(settings)
        migrate.upgrade(db.engine)
        _migrated[backend_url] = db
    db.settings = settings
    truncate_all(db.engine)
    return db


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session for service-level tests; the test commits when it needs to."""
    with database.session() as s:
        yield s
        s.rollback()


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    """The application on the test database; an undeclared 4xx answer fails the test."""
    return check_documented_errors(create_app(settings, database=database))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An anonymous HTTP client."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def users(database: Database) -> dict[str, User]:
    """The demo users, one per role (password: <name>-demo-pw)."""
    from yuantus.identity import service

    out: dict[str, User] = {}
    with database.scope() as s:
        for username, roles in DEMO_ROLES.items():
            out[username] = service.create_user(s, username, demo_password(username), roles=roles)
    return out


def bearer(user: User) -> dict[str, str]:
    """Authorization header with a fresh access token for the user."""
    token, _ = create_access_token(user.id, JWT_SECRET, 60)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def as_user(app: FastAPI, users: dict[str, User]) -> Iterator[Callable[[str], TestClient]]:
    """A factory of HTTP clients signed in as a demo user: as_user("engineer")."""
    clients: dict[str, TestClient] = {}

    def factory(username: str) -> TestClient:
        if username not in clients:
            clients[username] = TestClient(app, headers=bearer(users[username]))
        return clients[username]

    yield factory
    for c in clients.values():
        c.close()


# an argon2 hash, an API token or a JWT: none may ever reach a log record (issue 20, finding 8)
_SECRET_IN_LOG = re.compile(r"\$argon2|ytk_[\w-]{8,}|eyJ[\w-]+\.eyJ[\w-]+\.")


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test whose captured log records (setup and call) show a secret."""
    yield
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            text_ = record.getMessage()
            if record.exc_info:
                text_ += logging.Formatter().formatException(record.exc_info)
            assert not _SECRET_IN_LOG.search(text_), f"secret in a log record: {record.name}"

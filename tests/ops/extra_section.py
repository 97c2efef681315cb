"""A capability that exists only for the tests: its manifest alone adds an ops section."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.manifest import DomainManifest
from yuantus.core.ops_section import Measure, OpsSection
from yuantus.identity.models import User


def ops_section(session: Session, window_days: int) -> OpsSection:
    """How many users exist, watched against a threshold of 2."""
    users = session.scalar(select(func.count()).select_from(User)) or 0
    return OpsSection(
        figures={"users": users, "window_days": window_days},
        measures={"users": Measure(float(users), 2.0, "users in the test database")},
    )


def plain_section(_session: Session, window_days: int) -> dict[str, int]:
    """A hook may answer a plain mapping: figures only."""
    return {"days": window_days}


MANIFEST = DomainManifest(name="ops_extra_test", ops_section="tests.ops.extra_section:ops_section")
PLAIN = DomainManifest(name="ops_plain_test", ops_section="tests.ops.extra_section:plain_section")

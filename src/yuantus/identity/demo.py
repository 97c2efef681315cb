"""Demo users, one per role, with known passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from yuantus.identity import service
from yuantus.identity.models import ROLES

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

# the engineer submits parts, the approver releases them (four eyes) and signs ECOs
DEMO_ROLES = {
    "admin": ["admin"],
    "engineer": ["engineer"],
    "approver": ["approver"],
    "production": ["production"],
    "quality": ["quality"],
    "viewer": ["viewer"],
    # what another site's API token acts as: the doc-sync inbound endpoints only
    "sync": ["sync"],
}


def demo_password(username: str) -> str:
    """The demo password of a demo user."""
    return f"{username}-demo-pw"


def load(session: Session, ctx: DemoContext) -> None:
    """Create the demo users that do not exist yet."""
    assert set(DEMO_ROLES) == set(ROLES)
    for username, roles in DEMO_ROLES.items():
        user = service.get_by_username(session, username)
        if user is None:
            user = service.create_user(
                session,
                username,
                demo_password(username),
                full_name=f"Demo {username.title()}",
                email=f"{username}@demo.yuantus.example",
                roles=roles,
            )
            ctx.report.append(f"  {username:<11} password {demo_password(username)}")
        else:
            ctx.report.append(f"  {username:<11} (exists; password unchanged)")
        ctx.users[username] = user

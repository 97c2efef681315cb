"""`yuantus user ...` and `yuantus token ...`: the same rules and audit as the API."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.orm import Session

from yuantus.audit.service import console_actor
from yuantus.core.console import EXIT_USAGE, console, database, fail, refusals, validated, when
from yuantus.core.console import table as make_table
from yuantus.core.db import utcnow
from yuantus.core.pagination import PageParams
from yuantus.identity import service
from yuantus.identity.models import ROLES, ApiToken, User
from yuantus.identity.schemas import ApiTokenCreate, UserCreate, UserUpdate

user_app = typer.Typer(help="Users: create, list, activate, deactivate, roles, password.")
token_app = typer.Typer(help="API tokens: create, list, revoke.")
user_app.info.no_args_is_help = True
token_app.info.no_args_is_help = True

Password = Annotated[
    str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="8-256 chars.")
]


def _user(session: Session, username: str) -> User:
    """The user of a username, or exit 1."""
    user = service.get_by_username(session, username)
    if user is None:
        fail(f"no user {username}")
    return user


@user_app.command("create")
def user_create(
    username: str,
    password: Password,
    role: Annotated[
        list[str] | None, typer.Option("--role", help=f"Repeat for roles: {', '.join(ROLES)}.")
    ] = None,
    email: str | None = None,
    full_name: str | None = None,
) -> None:
    """Create a user (refused like POST /users: short passwords, bad names, unknown roles)."""
    body = validated(
        UserCreate,
        {
            "username": username,
            "password": password,
            "roles": role or [],
            "email": email,
            "full_name": full_name,
        },
    )
    with refusals(), database().scope() as session:
        user = service.create_user(
            session,
            body.username,
            body.password,
            email=body.email,
            full_name=body.full_name,
            roles=body.roles,
            actor=console_actor(),
        )
        console.print(f"created {user.username} ({', '.join(user.roles) or 'no roles'})")


@user_app.command("list")
def user_list() -> None:
    """List users."""
    table = make_table(
        "username", "roles", "active", "email", "full name", wrap=("email", "full name")
    )
    with database().scope() as session:
        users, _ = service.list_users(session, PageParams(limit=10_000))
        for u in users:
            table.add_row(
                u.username,
                ", ".join(u.roles) or "-",
                "yes" if u.is_active else "no",
                u.email or "",
                u.full_name or "",
            )
    console.print(table)


def _update(username: str, done: str, **changes: object) -> None:
    """Apply a PATCH /users-like change to a user as the console operator."""
    body = validated(UserUpdate, changes)
    with refusals(), database().scope() as session:
        user = _user(session, username)
        service.update_user(
            session, user, actor=console_actor(), **body.model_dump(exclude_unset=True)
        )
        console.print(f"{username}: {done} (roles: {', '.join(user.roles) or 'none'})")


@user_app.command("set-password")
def user_set_password(username: str, password: Password) -> None:
    """Set a user's password."""
    _update(username, "password changed", password=password)


@user_app.command("deactivate")
def user_deactivate(username: str) -> None:
    """Deactivate a user: their access and API tokens stop working at once."""
    _update(username, "deactivated", is_active=False)


@user_app.command("activate")
def user_activate(username: str) -> None:
    """Activate a deactivated user again."""
    _update(username, "activated", is_active=True)


@user_app.command("set-roles")
def user_set_roles(
    username: str,
    roles: Annotated[list[str] | None, typer.Argument(help=f"Roles: {', '.join(ROLES)}.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Take every role away.")] = False,
) -> None:
    """Replace a user's roles, e.g. `yuantus user set-roles wang engineer approver`."""
    if not roles and not clear:
        fail("name the roles, or --clear to take every role away", EXIT_USAGE)
    if roles and clear:
        fail("give roles or --clear, not both", EXIT_USAGE)
    _update(username, "roles set", roles=roles or [])


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The token's owner.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_in_days: Annotated[
        int | None, typer.Option(help="Lifetime; default YUANTUS_API_TOKEN_DEFAULT_DAYS.")
    ] = None,
    never_expires: Annotated[
        bool, typer.Option("--never-expires", help="No expiry (only when asked).")
    ] = False,
) -> None:
    """Create an API token and print it once."""
    body = validated(
        ApiTokenCreate,
        {"name": name, "expires_in_days": expires_in_days, "never_expires": never_expires},
    )
    db = database()
    with refusals(), db.scope() as session:
        owner = _user(session, user)
        days = body.days(db.settings.api_token_default_days)
        _, secret = service.create_api_token(session, owner, body.name, days, actor=console_actor())
    print(secret)


def _token_state(row: ApiToken) -> str:
    """active, revoked or expired."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= utcnow():
        return "expired"
    return "active"


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    active: Annotated[bool, typer.Option("--active", help="Only usable tokens.")] = False,
) -> None:
    """List API tokens (never their secrets), newest first."""
    table = make_table(
        "id", "user", "name", "prefix", "created", "expires", "last used", "state", wrap=("name",)
    )
    with database().scope() as session:
        owner = _user(session, user) if user is not None else None
        for row in service.all_api_tokens(session, owner):
            state = _token_state(row)
            if active and state != "active":
                continue
            table.add_row(
                row.id,
                row.user.username,
                row.name,
                row.token_prefix,
                when(row.created_at),
                when(row.expires_at, "never"),
                when(row.last_used_at, "-"),
                state,
            )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id or its prefix (ytk_...).")],
) -> None:
    """Revoke an API token; it stops working at once."""
    with refusals(), database().scope() as session:
        row = service.revoke_api_token_by_console(session, token, actor=console_actor())
        console.print(f"revoked token {row.name} ({row.token_prefix}) of {row.user.username}")

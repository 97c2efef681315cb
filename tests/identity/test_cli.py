"""`yuantus user|token ...`: the API's input rules, audit rows, tables; on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.cli_harness import Cli
from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database, utcnow
from yuantus.identity import service
from yuantus.identity.models import ApiToken, User


def _user(database: Database, username: str) -> User:
    with database.scope() as s:
        user = service.get_by_username(s, username)
        assert user is not None
        s.expunge(user)
        return user


def _actions(database: Database, object_id: str) -> list[tuple[str, str]]:
    with database.scope() as s:
        rows = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == object_id)
            .order_by(AuditEvent.created_at)
        ).all()
        return [(r.action, r.actor_name or "") for r in rows]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--password", "Zq7!"], "password: password must have at least 8 characters"),
        (["--password", "x" * 257], "password: password must have at most 256 characters"),
        (["--password", "         "], "password: password must not be only whitespace"),
        (["--password", "longenough", "--role", "wizard"], "roles.0: Input should be 'admin'"),
        (["--password", "longenough", "--email", "nope"], "email: value is not a valid email"),
    ],
)
def test_user_create_refuses_what_the_api_refuses(
    cli: Cli, database: Database, args: list[str], problem: str
) -> None:
    r = cli("user", "create", "wang", *args)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("invalid input: "), r.output
    assert problem in r.output
    assert "Zq7!" not in r.output
    assert "x" * 50 not in r.output
    with database.scope() as s:
        assert service.get_by_username(s, "wang") is None


def test_user_create_refuses_a_bad_username(cli: Cli) -> None:
    r = cli("user", "create", "wang li", "--password", "longenough")
    assert r.exit_code == 2
    assert "username: username may contain only letters, digits and . @ _ -" in r.output


def test_set_password_follows_the_same_rule(cli: Cli, database: Database) -> None:
    assert cli("user", "create", "wang", "--password", "longenough").exit_code == 0
    r = cli("user", "set-password", "wang", "--password", "short")
    assert r.exit_code == 2
    assert "password must have at least 8 characters" in r.output
    assert cli("user", "set-password", "nobody", "--password", "longenough").exit_code == 1
    ok = cli("user", "set-password", "wang", "--password", "evenlonger")
    assert ok.exit_code == 0, ok.output
    with database.scope() as s:
        assert service.authenticate(s, "wang", "evenlonger").username == "wang"


def test_deactivate_activate_and_set_roles_are_audited(cli: Cli, database: Database) -> None:
    assert cli("user", "create", "wang", "--password", "longenough").exit_code == 0
    r = cli("user", "set-roles", "wang", "engineer", "approver")
    assert r.exit_code == 0, r.output
    assert "wang: roles set (roles: engineer, approver)" in r.output
    assert _user(database, "wang").roles == ["engineer", "approver"]
    r = cli("user", "deactivate", "wang")
    assert (r.exit_code, _user(database, "wang").is_active) == (0, False)
    r = cli("user", "activate", "wang")
    assert (r.exit_code, _user(database, "wang").is_active) == (0, True)
    assert cli("user", "set-roles", "wang", "--clear").exit_code == 0
    assert _user(database, "wang").roles == []
    actions = _actions(database, _user(database, "wang").id)
    assert [a for a, _ in actions] == [
        "created",
        "roles_changed",
        "deactivated",
        "activated",
        "roles_changed",
    ]
    assert all(actor.startswith("cli:") for _, actor in actions)
    listed = cli("user", "list")
    assert "wang" in listed.output


def test_set_roles_refusals(cli: Cli) -> None:
    assert (
        cli("user", "create", "boss", "--password", "longenough", "--role", "admin").exit_code == 0
    )
    assert cli("user", "set-roles", "boss").exit_code == 2
    assert cli("user", "set-roles", "boss", "viewer", "--clear").exit_code == 2
    wrong = cli("user", "set-roles", "boss", "wizard")
    assert wrong.exit_code == 2
    assert "roles.0" in wrong.output
    last = cli("user", "deactivate", "boss")
    assert last.exit_code == 1
    assert "last active admin" in last.output
    assert cli("user", "deactivate", "ghost").exit_code == 1


def test_token_create_expires_by_default_and_never_only_when_asked(
    cli: Cli, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        cli("user", "create", "wang", "--password", "longenough", "--role", "viewer").exit_code == 0
    )
    before = utcnow()
    default = cli("token", "create", "--user", "wang", "--name", "ci")
    assert default.exit_code == 0, default.output
    forever = cli("token", "create", "--user", "wang", "--name", "forever", "--never-expires")
    days = cli("token", "create", "--user", "wang", "--name", "week", "--expires-in-days", "7")
    monkeypatch.setenv("YUANTUS_API_TOKEN_DEFAULT_DAYS", "30")
    month = cli("token", "create", "--user", "wang", "--name", "month")
    both = cli("token", "create", "--user", "wang", "--never-expires", "--expires-in-days", "7")
    assert both.exit_code == 2
    assert "not both" in both.output
    with database.scope() as s:
        rows = {t.name: t for t in s.scalars(select(ApiToken))}
    assert set(rows) == {"ci", "forever", "week", "month"}
    assert rows["forever"].expires_at is None
    for name, expected in (("ci", 90), ("week", 7), ("month", 30)):
        expires = rows[name].expires_at
        assert expires is not None
        assert timedelta(days=expected) <= expires - before < timedelta(days=expected, minutes=5)
    assert {default.output.strip()[:12], forever.output.strip()[:12]} == {
        rows["ci"].token_prefix,
        rows["forever"].token_prefix,
    }
    assert days.exit_code == month.exit_code == 0


def test_token_list_and_revoke(cli: Cli, database: Database) -> None:
    for name in ("wang", "li"):
        assert (
            cli("user", "create", name, "--password", "longenough", "--role", "viewer").exit_code
            == 0
        )
    secret = cli("token", "create", "--user", "wang", "--name", "ci").output.strip()
    cli("token", "create", "--user", "li", "--name", "plant-2", "--never-expires")
    with database.scope() as s:
        ci = s.scalars(select(ApiToken).where(ApiToken.name == "ci")).one()
        ci_id, ci_prefix = ci.id, ci.token_prefix
    listed = cli("token", "list")
    assert listed.exit_code == 0, listed.output
    assert ci_id in listed.output
    assert ci_prefix in listed.output
    assert "plant-2" in listed.output
    assert "never" in listed.output
    assert secret not in listed.output
    only = cli("token", "list", "--user", "li")
    assert "plant-2" in only.output
    assert "ci " not in only.output
    # by prefix; the pasted secret of a revoked token is refused without being repeated
    r = cli("token", "revoke", ci_prefix)
    assert r.exit_code == 0, r.output
    assert f"revoked token ci ({ci_prefix}) of wang" in r.output
    again = cli("token", "revoke", secret)
    assert again.exit_code == 1
    assert "already revoked" in again.output
    assert secret not in again.output
    assert cli("token", "revoke", "ytk_nosuchtoken-at-all").exit_code == 1
    assert "revoked" in cli("token", "list", "--user", "wang").output
    assert "ci" not in cli("token", "list", "--active").output.replace("cli", "")
    assert [a for a, _ in _actions(database, ci_id)] == ["created", "revoked"]


def test_start_refuses_a_configured_admin_password_the_rules_refuse(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_ADMIN_PASSWORD", "Zq7!")
    r = cli("start", "--port", "1")
    assert r.exit_code == 2
    assert "YUANTUS_ADMIN_PASSWORD: password must have at least 8 characters" in r.output
    assert "Zq7!" not in r.output

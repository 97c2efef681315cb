"""/auth and /users endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from yuantus.core.deps import DatabaseDep, SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.security import EPOCH_CLAIM, create_access_token
from yuantus.identity import login as login_service
from yuantus.identity import service, throttle
from yuantus.identity.deps import CurrentUser, SignedInUser, require_role
from yuantus.identity.models import User
from yuantus.identity.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    LoginRequest,
    TokenAnswer,
    UserCreate,
    UserRead,
    UserUpdate,
)
from yuantus.identity.sorts import TokenSort, UserSort

router = APIRouter(route_class=TransactionalRoute, tags=["identity"])
AdminUser = Annotated[User, Depends(require_role("admin"))]


@router.post(
    "/auth/login",
    response_model=TokenAnswer,
    responses={
        401: {"description": "Wrong username or password, or an inactive user."},
        429: {
            "description": "Too many failed logins for the username or the client address; "
            "retry after the `Retry-After` header's seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    },
)
async def login(
    body: LoginRequest, request: Request, database: DatabaseDep, settings: SettingsDep
) -> TokenAnswer:
    """Exchange a username and password for a bearer access token (throttled, see docs/auth.md)."""
    address = request.client.host if request.client else None
    account = await login_service.login(
        database, body.username, body.password, address, throttle.Policy.of(settings)
    )
    token, ttl = create_access_token(
        account.id,
        settings.secrets.jwt_secret,
        settings.jwt_ttl_minutes,
        **{EPOCH_CLAIM: account.credentials_epoch},
    )
    return TokenAnswer(access_token=token, expires_in=ttl)


@router.get("/auth/me", response_model=UserRead)
def me(user: SignedInUser) -> User:
    """The signed-in user; the one answer a user without roles gets (to see what it lacks)."""
    return user


@router.post("/auth/tokens", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(
    body: ApiTokenCreate, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> ApiTokenCreated:
    """Create an API token for the signed-in user; the secret is shown only here.

    It expires after `expires_in_days`, by default YUANTUS_API_TOKEN_DEFAULT_DAYS; only
    `never_expires: true` makes one without expiry.
    """
    days = body.days(settings.api_token_default_days)
    row, secret = service.create_api_token(session, user, body.name, days, actor=user)
    return ApiTokenCreated(**ApiTokenRead.model_validate(row).model_dump(), token=secret)


@router.get("/auth/tokens", response_model=Page[ApiTokenRead])
def list_tokens(
    session: SessionDep, user: CurrentUser, page: PageDep, sort: TokenSort
) -> Page[ApiTokenRead]:
    """The signed-in user's API tokens."""
    rows, total = service.list_api_tokens(session, user, page, sort)
    return Page.of([ApiTokenRead.model_validate(r) for r in rows], total, page)


@router.delete("/auth/tokens/{token_id}", response_model=ApiTokenRead)
def revoke_token(token_id: str, session: SessionDep, user: CurrentUser) -> ApiTokenRead:
    """Revoke an API token; it stops working at once."""
    return ApiTokenRead.model_validate(service.revoke_api_token(session, user, token_id))


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> User:
    """Create a user (admin)."""
    return service.create_user(
        session,
        body.username,
        body.password,
        email=body.email,
        full_name=body.full_name,
        roles=body.roles,
        actor=admin,
    )


@router.get("/users", response_model=Page[UserRead])
def list_users(
    session: SessionDep, _admin: AdminUser, page: PageDep, sort: UserSort
) -> Page[UserRead]:
    """All users (admin)."""
    rows, total = service.list_users(session, page, sort)
    return Page.of([UserRead.model_validate(r) for r in rows], total, page)


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: str, session: SessionDep, _admin: AdminUser) -> User:
    """One user (admin)."""
    return service.get_user(session, user_id)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: str, body: UserUpdate, session: SessionDep, admin: AdminUser) -> User:
    """Change a user's roles, active flag, password or contact (admin)."""
    user = service.get_user(session, user_id)
    changes = body.model_dump(exclude_unset=True)
    return service.update_user(session, user, actor=admin, **changes)


@router.get("/users/{user_id}/tokens", response_model=Page[ApiTokenRead])
def list_user_tokens(
    user_id: str, session: SessionDep, _admin: AdminUser, page: PageDep, sort: TokenSort
) -> Page[ApiTokenRead]:
    """A user's API tokens, revoked and expired ones included (admin)."""
    owner = service.get_user(session, user_id)
    rows, total = service.list_api_tokens(session, owner, page, sort)
    return Page.of([ApiTokenRead.model_validate(r) for r in rows], total, page)


@router.delete("/users/{user_id}/tokens/{token_id}", response_model=ApiTokenRead)
def revoke_user_token(
    user_id: str, token_id: str, session: SessionDep, admin: AdminUser
) -> ApiTokenRead:
    """Revoke one of a user's API tokens (admin); it stops working at once."""
    owner = service.get_user(session, user_id)
    row = service.revoke_user_token(session, owner, token_id, actor=admin)
    return ApiTokenRead.model_validate(row)

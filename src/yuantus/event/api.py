"""HTTP endpoints of the event log and the webhooks (webhooks are admin-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime
from sqlalchemy import select

from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep, paginate
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.event import service, views
from yuantus.event.models import Event, WebhookDelivery, WebhookSubscription
from yuantus.event.schemas import (
    DeliveryRead,
    EventRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User

router = APIRouter(route_class=TransactionalRoute, tags=["events"])
Admin = Annotated[User, Depends(require_role("admin"))]
EventSort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": Event.created_at, "type": Event.type},
        default="-created_at",
        tiebreak=Event.id,
    ),
]
WebhookSort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": WebhookSubscription.created_at, "url": WebhookSubscription.url},
        default="created_at",
        tiebreak=WebhookSubscription.id,
    ),
]
DeliverySort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": WebhookDelivery.created_at, "state": WebhookDelivery.state},
        default="-created_at",
        tiebreak=WebhookDelivery.id,
    ),
]


@router.get("/events", response_model=Page[EventRead])
def list_events(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: EventSort,
    type: Annotated[
        str | None, Query(max_length=64, description="a type or a pattern: `eco.*`, `*.released`")
    ] = None,
    object_type: Annotated[str | None, Query(max_length=32, description="ECO, ITEM, ...")] = None,
    object_id: Annotated[str | None, Query(max_length=64, description="the object's id")] = None,
    since: Annotated[AwareDatetime | None, Query(description="at or after (ISO 8601)")] = None,
) -> Page[EventRead]:
    """The event log, newest first by default."""
    conds = service.event_conditions(type, object_type, object_id, since)
    rows, total = service.list_events(session, conds, sort, page)
    return Page.of([EventRead.model_validate(r) for r in rows], total, page)


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: WebhookCreate, session: SessionDep, settings: SettingsDep, user: Admin
) -> WebhookCreated:
    """Subscribe a URL to event types; a generated secret is answered here only."""
    secret = body.secret.get_secret_value() if body.secret is not None else None
    sub, generated = service.create_subscription(
        session,
        settings,
        url=body.url,
        event_types=body.event_types,
        secret=secret,
        description=body.description,
        is_active=body.is_active,
        user=user,
    )
    return views.created(session, sub, generated)


@router.get("/webhooks", response_model=Page[WebhookRead])
def list_webhooks(
    session: SessionDep, _admin: Admin, page: PageDep, sort: WebhookSort
) -> Page[WebhookRead]:
    """Every subscription."""
    rows, total = paginate(session, sort.apply(select(WebhookSubscription)), page)
    return Page.of([views.webhook(session, r) for r in rows], total, page)


@router.get("/webhooks/{webhook_id}", response_model=WebhookRead)
def get_webhook(webhook_id: str, session: SessionDep, _admin: Admin) -> WebhookRead:
    """One subscription."""
    return views.webhook(session, service.get_subscription(session, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookRead)
def update_webhook(
    webhook_id: str, body: WebhookUpdate, session: SessionDep, settings: SettingsDep, _admin: Admin
) -> WebhookRead:
    """Change the URL, the patterns, the secret, the description or is_active."""
    changes = body.model_dump(exclude_unset=True)
    if body.secret is not None:
        changes["secret"] = body.secret.get_secret_value()
    sub = service.get_subscription(session, webhook_id)
    return views.webhook(session, service.update_subscription(session, settings, sub, changes))


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: str, session: SessionDep, _admin: Admin) -> Response:
    """Remove a subscription and its delivery records."""
    session.delete(service.get_subscription(session, webhook_id))
    session.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=Page[DeliveryRead])
def list_deliveries(
    webhook_id: str, session: SessionDep, _admin: Admin, page: PageDep, sort: DeliverySort
) -> Page[DeliveryRead]:
    """A subscription's deliveries, newest first: attempts, answers, the next try."""
    sub = service.get_subscription(session, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id)
    rows, total = paginate(session, sort.apply(query), page)
    return Page.of(views.deliveries(session, rows), total, page)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
)
def redeliver(
    webhook_id: str, delivery_id: str, session: SessionDep, _admin: Admin
) -> DeliveryRead:
    """Send a delivery's event again (a new delivery pointing at the old one)."""
    delivery = service.redeliver(
        session, service.get_subscription(session, webhook_id), delivery_id
    )
    return views.deliveries(session, [delivery])[0]


@router.post(
    "/webhooks/{webhook_id}/test", response_model=DeliveryRead, status_code=status.HTTP_202_ACCEPTED
)
def test_webhook(webhook_id: str, session: SessionDep, user: Admin) -> DeliveryRead:
    """Send a `webhook.test` event to this subscription only."""
    sub = service.get_subscription(session, webhook_id)
    event = service.emit(
        session, "webhook.test", payload={"message": "test from Yuantus"}, actor=user, only=sub
    )
    delivery = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
    ).one()
    return views.deliveries(session, [delivery])[0]

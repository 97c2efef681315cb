"""The helpdesk sync: post the incident, signed, and keep the ticket it answers."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from yuantus.breakage import codes
from yuantus.breakage.config import HelpdeskSettings
from yuantus.breakage.models import BreakageIncident
from yuantus.core.db import utcnow
from yuantus.core.errors import YuantusError
from yuantus.core.signing import signed_headers
from yuantus.job.registry import JobFatalError

# one pooled client per process: a client per request would build a TLS context each time
_client = httpx.Client(headers={"user-agent": "Yuantus"}, follow_redirects=False)


class HelpdeskUnavailable(YuantusError):
    """A network error, a 5xx or a 429: the queue retries with backoff."""

    status_code = 502


class HelpdeskRefused(JobFatalError, YuantusError):
    """A 4xx or an answer without a ticket: retrying does not help."""

    status_code = 502


def _remember_error(incident_id: str, error: str) -> Any:
    """An after-rollback write keeping the last sync error on the incident."""

    def write(session: Session) -> None:
        session.execute(
            update(BreakageIncident)
            .where(BreakageIncident.id == incident_id)
            .values(helpdesk_last_error=error[:2000])
        )

    return write


def event_body(incident: BreakageIncident) -> bytes:
    """The JSON the helpdesk receives: the incident and the ticket it already has, if any."""
    event = {
        "type": "breakage.incident",
        "timestamp": utcnow().isoformat(),
        "data": {
            "id": incident.id,
            "number": incident.number,
            "state": incident.status,
            "severity": incident.severity,
            "responsibility": incident.responsibility,
            "product_number": incident.product_number,
            "component_number": incident.component_number,
            "batch_code": incident.batch_code,
            "customer": incident.customer,
            "description": incident.description,
            "failure_mode": incident.failure_mode,
            "quantity": incident.quantity,
            "occurred_at": incident.occurred_at.isoformat(),
            "ticket_id": incident.helpdesk_ticket_id,
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


def sync_local(incident: BreakageIncident) -> dict[str, Any]:
    """No helpdesk configured: the built-in stub assigns a local ticket, and says so."""
    incident.helpdesk_ticket_id = incident.helpdesk_ticket_id or f"LOCAL-{incident.number}"
    incident.helpdesk_status = incident.status
    incident.helpdesk_mode = "local"
    incident.helpdesk_last_error = None
    incident.helpdesk_synced_at = utcnow()
    return {
        "mode": "local",
        "ticket_id": incident.helpdesk_ticket_id,
        "note": "no helpdesk URL is configured (YUANTUS_HELPDESK_URL): local stub ticket",
    }


def sync_remote(
    incident: BreakageIncident, config: HelpdeskSettings, message_id: str
) -> dict[str, Any]:
    """POST the signed incident; store the ticket id and status the helpdesk answers."""
    if config.secret is None:
        raise HelpdeskRefused(
            "YUANTUS_HELPDESK_SECRET is not set: incidents are only sent signed",
            code=codes.HELPDESK_REFUSED,
        )
    body = event_body(incident)
    headers = signed_headers(config.secret.get_secret_value(), message_id, body)
    started = time.perf_counter()
    try:
        response = _client.post(
            config.url or "",
            content=body,
            headers={**headers, "content-type": "application/json"},
            timeout=config.timeout_s,
        )
    except httpx.HTTPError as exc:
        error = f"helpdesk unreachable: {type(exc).__name__}: {exc}"
        raise HelpdeskUnavailable(error, code=codes.HELPDESK_UNAVAILABLE).persist_after_rollback(
            _remember_error(incident.id, error)
        ) from exc
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    status = response.status_code
    if status >= 500 or status == 429:
        error = f"helpdesk answered {status}"
        raise HelpdeskUnavailable(error, code=codes.HELPDESK_UNAVAILABLE).persist_after_rollback(
            _remember_error(incident.id, error)
        )
    ticket, state = _ticket_of(response)
    if status >= 400 or ticket is None:
        error = f"helpdesk answered {status}" + ("" if status >= 400 else " without a ticket_id")
        raise HelpdeskRefused(error, code=codes.HELPDESK_REFUSED).persist_after_rollback(
            _remember_error(incident.id, error)
        )
    incident.helpdesk_ticket_id = ticket
    incident.helpdesk_status = state
    incident.helpdesk_mode = "remote"
    incident.helpdesk_last_error = None
    incident.helpdesk_synced_at = utcnow()
    return {"mode": "remote", "ticket_id": ticket, "status_code": status, "elapsed_ms": elapsed_ms}


def _ticket_of(response: httpx.Response) -> tuple[str | None, str | None]:
    """The ticket id (`ticket_id` or `id`) and status of a helpdesk answer, if it has them."""
    try:
        data = response.json()
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    ticket = data.get("ticket_id", data.get("id"))
    state = data.get("status")
    return (str(ticket) if ticket is not None else None), (str(state) if state else None)

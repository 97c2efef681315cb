"""The ECO's actions behind `POST/GET /eco/{id}/transitions`: one table, one dispatcher.

new-revision is not here: it creates the target revision (like an item's revise), so it
keeps its own endpoint; it also takes a draft ECO to progress (docs/glossary.md).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core import transitions
from yuantus.core.errors import Unprocessable
from yuantus.core.transitions import AllowedAction, Rule, TransitionOptions
from yuantus.eco import effectivity
from yuantus.eco import stages as stage_service
from yuantus.eco.apply import _missing_for_apply, action_apply, action_cancel
from yuantus.eco.approvals import approve, may_decide, reject
from yuantus.eco.flow import move_to_stage
from yuantus.eco.history import record_event
from yuantus.eco.models import Eco
from yuantus.identity.models import User

# states in which the flow goes on (flow.ensure_open); a closed ECO takes nothing
OPEN_STATES = ("draft", "progress", "approved")
# who may decide is the current stage's approval_roles; the table's roles name the default
DECIDERS = ("approver",)

# action -> from states, to state (None: it depends on the stage or the approvals), roles
ECO_TRANSITIONS: dict[str, Rule] = {
    "move": Rule(OPEN_STATES, None, ("engineer",)),
    "approve": Rule(OPEN_STATES, None, DECIDERS),
    "reject": Rule(OPEN_STATES, None, DECIDERS),
    "apply": Rule(OPEN_STATES, "done", ("engineer",)),
    "cancel": Rule((*OPEN_STATES, "conflict", "scheduled"), "canceled", ("engineer",)),
}
# the actions whose roles are the stage's, checked by the approvals module
_DECISIONS = frozenset({"approve", "reject"})


def ensure_action_role(action: str, user: User) -> None:
    """422 unknown_action, 403 role_required for an action whose roles do not depend on the ECO.

    Runs before the ECO is looked up: a forbidden role gets 403 whatever the id. approve and
    reject are for the current stage's approval roles, so they are checked on the ECO.
    """
    rule = transitions.rule_for("an ECO", ECO_TRANSITIONS, action)
    if action not in _DECISIONS:
        transitions.ensure_role(action, rule, user)


def take(
    session: Session,
    eco: Eco,
    action: str,
    user: User,
    *,
    stage_id: str | None = None,
    comment: str | None = None,
) -> Eco:
    """Run one action on the ECO; 422 unknown_action, 403 role_required, 409 from the flow."""
    ensure_action_role(action, user)
    if action == "approve":
        return approve(session, eco, user, comment)
    if action == "reject":
        return reject(session, eco, user, comment)
    if action == "move":
        if stage_id is None:
            raise Unprocessable(
                "move needs the stage_id to move the ECO to",
                code=ec.VALIDATION_FAILED,
                context={"action": action, "field": "stage_id"},
            )
        eco = move_to_stage(session, eco, stage_service.get_stage(session, stage_id), user)
    elif action == "apply":
        eco = action_apply(session, eco, user)
    else:
        eco = action_cancel(session, eco, user)
    if comment:
        # a decision keeps its own comment; the other actions' comments go to the history
        record_event(
            session, eco, "action_comment", user.id, to_value=action, data={"comment": comment}
        )
    return eco


def options(session: Session, eco: Eco, user: User) -> TransitionOptions:
    """The actions the user may take on the ECO now, by the checks `take` runs."""
    actions = []
    for name, rule in ECO_TRANSITIONS.items():
        if eco.state not in rule.from_states:
            continue
        roles = list(eco.stage.approval_roles or ["admin"]) if name in _DECISIONS else None
        if roles is not None:
            if not may_decide(session, eco, user):
                continue
        elif not user.has_role(*rule.roles):
            continue
        to_state = rule.to_state
        if name == "apply":
            if _missing_for_apply(session, eco):
                continue
            to_state = "done" if effectivity.switch_time(eco) is None else "scheduled"
        actions.append(
            AllowedAction(
                action=name, to_state=to_state, roles=roles if roles else list(rule.roles)
            )
        )
    return TransitionOptions(state=eco.state, actions=actions)

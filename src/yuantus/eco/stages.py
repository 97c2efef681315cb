"""ECO stages: the default set, admin management and ordering helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import Conflict, Unprocessable
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco import codes
from yuantus.eco.models import APPROVAL_TYPES, EcoStage

# the same set migration 0005_eco inserts; used again when a database was emptied
DEFAULT_STAGES: tuple[dict[str, Any], ...] = (
    {"name": "New", "sequence": 10},
    {
        "name": "Engineering Review",
        "sequence": 20,
        "approval_type": "mandatory",
        "approval_roles": ["approver"],
        "min_approvals": 1,
        "auto_progress": True,
        "description": "An approver signs the change off.",
    },
    {"name": "Ready to Apply", "sequence": 30, "allow_apply": True},
    {"name": "Done", "sequence": 40, "is_final": True, "fold": True},
)

STAGE_FIELDS = (
    "name",
    "sequence",
    "approval_type",
    "approval_roles",
    "min_approvals",
    "allow_apply",
    "is_final",
    "fold",
    "auto_progress",
    "description",
    "activity_templates",
)


def ensure_default_stages(session: Session) -> None:
    """Insert the default stages when no stage exists at all (idempotent, race-safe)."""
    if session.scalar(select(EcoStage.id).limit(1)) is not None:
        return
    try:
        with session.begin_nested():
            for values in DEFAULT_STAGES:
                session.add(EcoStage(id=new_id(), **_with_defaults(values)))
            session.flush()
    except IntegrityError:
        # a concurrent caller inserted them first; theirs are as good as ours
        pass


def _with_defaults(values: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "approval_type": "none",
        "approval_roles": [],
        "min_approvals": 0,
        "allow_apply": False,
        "is_final": False,
        "fold": False,
        "auto_progress": False,
        "description": None,
        "activity_templates": [],
    }
    base.update(values)
    return base


def get_stage(session: Session, stage_id: str) -> EcoStage:
    """A stage by id; 404 eco_stage_not_found."""
    return get_or_404(session, EcoStage, stage_id, codes.ECO_STAGE_NOT_FOUND)


def ordered_stages(session: Session) -> list[EcoStage]:
    """Every stage in process order."""
    return list(session.scalars(select(EcoStage).order_by(EcoStage.sequence, EcoStage.name)))


def list_stages(
    session: Session, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[EcoStage], int]:
    """A page of stages in process order."""
    return paginate(
        session, select(EcoStage).order_by(EcoStage.sequence, EcoStage.name), page, sort
    )


def first_stage(session: Session) -> EcoStage:
    """The stage a new ECO starts in: the first one that is not final."""
    for stage in ordered_stages(session):
        if not stage.is_final:
            return stage
    raise Conflict(
        "no ECO stage is configured; an admin must create one",
        code=codes.NO_ECO_STAGE,
    )


def next_stage(session: Session, stage: EcoStage) -> EcoStage | None:
    """The stage after this one in process order, if any."""
    stages = ordered_stages(session)
    index = next(i for i, s in enumerate(stages) if s.id == stage.id)
    return stages[index + 1] if index + 1 < len(stages) else None


def final_stage(session: Session) -> EcoStage | None:
    """The first final stage (where applied ECOs rest), if one is configured."""
    return next((s for s in ordered_stages(session) if s.is_final), None)


def is_after(session: Session, stage: EcoStage, other: EcoStage) -> bool:
    """True when stage comes after other in process order."""
    ids = [s.id for s in ordered_stages(session)]
    return ids.index(stage.id) > ids.index(other.id)


TEMPLATE_DEFAULTS: dict[str, Any] = {
    "is_blocking": True,
    "depends_on": [],
    "assignee_role": None,
    "due_in_days": None,
    "description": None,
}


def _full_templates(values: dict[str, Any]) -> dict[str, Any]:
    """Templates with every field present (a PATCH body leaves the unset ones out)."""
    if values.get("activity_templates") is not None:
        values["activity_templates"] = [
            {**TEMPLATE_DEFAULTS, **t} for t in values["activity_templates"]
        ]
    return values


def create_stage(session: Session, **values: Any) -> EcoStage:
    """A new stage (admin); 409 eco_stage_name_taken, 422 on an inconsistent approval rule."""
    values = _full_templates(values)
    stage = EcoStage(id=new_id(), **_with_defaults(values))
    _check_rule(stage)
    _ensure_name_free(session, stage.name, None)
    session.add(stage)
    _flush_or_taken(session, stage.name)
    return stage


def update_stage(session: Session, stage: EcoStage, **changes: Any) -> EcoStage:
    """Change a stage's fields (admin); the same rules as create_stage."""
    unknown = set(changes) - set(STAGE_FIELDS)
    if unknown:
        raise Unprocessable(
            f"unknown stage fields: {', '.join(sorted(unknown))}",
            code=ec.UNKNOWN_FIELDS,
            context={"fields": sorted(unknown)},
        )
    changes = _full_templates(changes)
    if "name" in changes and changes["name"] != stage.name:
        _ensure_name_free(session, changes["name"], stage.id)
    # validate on a copy so a refused change leaves the row (and the session) untouched
    probe = EcoStage(**{f: changes.get(f, getattr(stage, f)) for f in STAGE_FIELDS})
    _check_rule(probe)
    for field_name, value in changes.items():
        setattr(stage, field_name, value)
    stage.updated_at = utcnow()
    _flush_or_taken(session, stage.name)
    return stage


def _check_rule(stage: EcoStage) -> None:
    """A mandatory stage names who approves and how many; other kinds ask for no minimum."""
    if stage.approval_type not in APPROVAL_TYPES:
        raise Unprocessable(
            f"unknown approval_type {stage.approval_type!r}",
            code=codes.INVALID_STAGE,
            context={"allowed": list(APPROVAL_TYPES)},
        )
    if stage.approval_type == "mandatory" and (stage.min_approvals < 1 or not stage.approval_roles):
        raise Unprocessable(
            "a mandatory stage needs min_approvals >= 1 and at least one approval role",
            code=codes.INVALID_STAGE,
            context={"min_approvals": stage.min_approvals, "approval_roles": stage.approval_roles},
        )
    if stage.approval_type != "mandatory" and stage.min_approvals:
        raise Unprocessable(
            "min_approvals only applies to a mandatory stage",
            code=codes.INVALID_STAGE,
            context={"approval_type": stage.approval_type, "min_approvals": stage.min_approvals},
        )
    if stage.is_final and stage.approval_type != "none":
        raise Unprocessable(
            "a final stage takes no approvals",
            code=codes.INVALID_STAGE,
            context={"name": stage.name},
        )
    _check_templates(stage)


def _check_templates(stage: EcoStage) -> None:
    """Template names are unique, depend on templates of the stage and form no cycle."""
    templates = stage.activity_templates or []
    if templates and stage.is_final:
        raise _bad_templates("a final stage takes no activity templates", {"name": stage.name})
    names = [t["name"] for t in templates]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _bad_templates("activity template names repeat", {"repeated": repeated})
    unknown = sorted({d for t in templates for d in t["depends_on"] if d not in names})
    if unknown:
        raise _bad_templates(
            "activity templates depend on templates the stage does not have", {"unknown": unknown}
        )
    graph = {t["name"]: list(t["depends_on"]) for t in templates}
    cycle = find_cycle(graph)
    if cycle:
        raise _bad_templates(
            "activity templates depend on each other in a cycle: " + " -> ".join(cycle),
            {"path": cycle},
        )


def find_cycle(graph: dict[str, list[str]], start: str | None = None) -> list[str] | None:
    """A cycle of a dependency graph (node -> what it depends on), first node repeated last.

    The search begins at `start` (e.g. the node just changed), so the cycle reads from it.
    """
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in on_path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        on_path.add(node)
        for dependency in graph.get(node, []):
            found = visit(dependency)
            if found:
                return found
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for node in [*([start] if start is not None else []), *sorted(graph)]:
        found = visit(node)
        if found:
            return found
    return None


def _bad_templates(message: str, context: dict[str, Any]) -> Unprocessable:
    return Unprocessable(message, code=codes.INVALID_ACTIVITY_TEMPLATES, context=context)


def _ensure_name_free(session: Session, name: str, own_id: str | None) -> None:
    existing = session.scalar(select(EcoStage.id).where(EcoStage.name == name))
    if existing is not None and existing != own_id:
        raise _name_taken(name)


def _flush_or_taken(session: Session, name: str) -> None:
    flush_or_conflict(session, _name_taken(name))


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"an ECO stage named {name!r} exists",
        code=codes.ECO_STAGE_NAME_TAKEN,
        context={"name": name},
    )

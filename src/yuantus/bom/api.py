"""HTTP endpoints of the bom domain: lines, explosion, where-used, compare and delta."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from yuantus.bom import delta, exporting, importing, service, sheets
from yuantus.bom.compare import COMPARE_MODES, LINE_KEYS, compare_by_ids
from yuantus.bom.compare_schemas import BomCompare, DeltaApplied, DeltaPreview
from yuantus.bom.limits import TOO_LARGE_RESPONSE, StructureLimitsDep
from yuantus.bom.schemas import (
    BomImportRead,
    BomLineCreate,
    BomLineRead,
    BomLineUpdate,
    BomTreeRead,
    CreatedPartRead,
    DeltaApply,
    FlatBom,
    FlatRowRead,
    ImportErrorRead,
    ImportLineRead,
    ItemRef,
    RevisionRuleRead,
    TreeNodeRead,
    WhereUsed,
    WhereUsedRead,
)
from yuantus.core import decimals
from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import MAX_OFFSET
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item.deps import RuleDep

router = APIRouter(route_class=TransactionalRoute, tags=["bom"])
Engineer = Annotated[User, Depends(require_role("engineer"))]
Levels = Annotated[int, Query(description="depth to explode; -1 = unlimited")]

# NOTE: the /bom/compare... routes are declared before the /bom/{item_id}/... ones

# --- compare and delta ---------------------------------------------------------------------


class CompareQuery:
    """The compare query string, shared by compare, preview and export."""

    def __init__(
        self,
        left_id: Annotated[str, Query(description="left (before) revision id")],
        right_id: Annotated[str, Query(description="right (after) revision id")],
        levels: Levels = -1,
        compare_mode: Annotated[
            str | None, Query(description=f"one of {', '.join(COMPARE_MODES)}")
        ] = None,
        line_key: Annotated[str, Query(description=f"one of {', '.join(LINE_KEYS)}")] = (
            "child_config"
        ),
        rule: RuleDep = None,
        *,
        limits: StructureLimitsDep,
    ) -> None:
        self.left_id, self.right_id, self.levels = left_id, right_id, levels
        self.compare_mode, self.line_key, self.rule = compare_mode, line_key, rule
        self.limits = limits

    def run(self, session: Session) -> dict[str, Any]:
        """The compare result."""
        return compare_by_ids(
            session,
            self.left_id,
            self.right_id,
            levels=self.levels,
            compare_mode=self.compare_mode,
            line_key=self.line_key,
            rule=self.rule,
            limits=self.limits,
        )


CompareDep = Annotated[CompareQuery, Depends()]


def _json(result: dict[str, Any]) -> dict[str, Any]:
    """Quantities as canonical decimal text (FastAPI would turn a Decimal into a float)."""
    out: dict[str, Any] = decimals.jsonable(result)
    return out


@router.get(
    "/bom/compare",
    response_model=BomCompare,
    response_model_exclude_unset=True,
    responses=TOO_LARGE_RESPONSE,
)
def compare(q: CompareDep, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    """Compare the exploded BOMs of two revisions: summary, added, removed, changed lines."""
    return _json(q.run(session))


@router.get(
    "/bom/compare/delta/preview",
    response_model=DeltaPreview,
    response_model_exclude_unset=True,
    responses=TOO_LARGE_RESPONSE,
)
def delta_preview(q: CompareDep, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    """The compare as ordered add/remove/update operations with severity and risk."""
    return _json(delta.preview_by_ids(session, q.run))


@router.get(
    "/bom/compare/delta/export",
    response_class=Response,
    responses={
        200: {
            "description": "bom-delta-preview.json, .csv or .md as an attachment",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/DeltaPreview"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
            },
        },
        **TOO_LARGE_RESPONSE,
    },
)
def delta_export(
    q: CompareDep,
    session: SessionDep,
    _user: CurrentUser,
    export_format: Annotated[str, Query(description="json, csv or md")] = "json",
) -> Response:
    """Download the delta preview as bom-delta-preview.json, .csv or .md."""
    content, media_type, filename = delta.export_by_query(session, q.run, export_format)
    return Response(
        content=content.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/bom/compare/delta/apply",
    response_model=DeltaApplied,
    response_model_exclude_unset=True,
    responses=TOO_LARGE_RESPONSE,
)
def delta_apply(
    body: DeltaApply, session: SessionDep, user: Engineer, limits: StructureLimitsDep
) -> dict[str, Any]:
    """Apply delta operations to an editable revision in one transaction (409 on a mismatch)."""
    # unset fields stay absent: a value not sent is not checked (a `before`, a line value)
    operations = [op.model_dump(exclude_unset=True) for op in body.operations]
    return _json(delta.apply_delta_by_id(session, body.target_id, operations, user, limits))


# --- lines ---------------------------------------------------------------------------------


@router.post(
    "/bom/{parent_id}/children", response_model=BomLineRead, status_code=status.HTTP_201_CREATED
)
def add_child(parent_id: str, body: BomLineCreate, session: SessionDep, user: Engineer) -> Any:
    """Add a line to an editable parent revision: a quantity of a child item."""
    return service.create_line(session, parent_id, **body.model_dump(exclude_unset=True), user=user)


@router.get("/bom/lines/{line_id}", response_model=BomLineRead)
def get_line(line_id: str, session: SessionDep, _user: CurrentUser) -> Any:
    """One BOM line."""
    return service.get_line(session, line_id)


@router.patch("/bom/lines/{line_id}", response_model=BomLineRead)
def update_line(line_id: str, body: BomLineUpdate, session: SessionDep, user: Engineer) -> Any:
    """Change a line of an editable parent revision."""
    changes = body.model_dump(exclude_unset=True)
    return service.update_line_by_id(session, line_id, user=user, **changes)


@router.delete("/bom/lines/{line_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_line(line_id: str, session: SessionDep, user: Engineer) -> Response:
    """Remove a line from an editable parent revision."""
    service.delete_line_by_id(session, line_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/bom/{item_id}/tree", response_model=BomTreeRead, responses=TOO_LARGE_RESPONSE)
def tree(
    item_id: str,
    session: SessionDep,
    _user: CurrentUser,
    rule: RuleDep,
    limits: StructureLimitsDep,
    levels: Levels = -1,
) -> BomTreeRead:
    """The nested multi-level BOM of a revision, children resolved under the revision rule."""
    used, root = service.tree_for(session, item_id, levels, rule, limits)
    node = TreeNodeRead.model_validate(root)
    return BomTreeRead(**dict(node), rule=RevisionRuleRead(**used.describe()))


@router.get(
    "/bom/{item_id}/flat",
    response_model=FlatBom,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                sheets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "the rows as JSON, or a CSV/XLSX download (`format`)",
        },
        **TOO_LARGE_RESPONSE,
    },
)
def flat(
    item_id: str,
    session: SessionDep,
    _user: CurrentUser,
    rule: RuleDep,
    limits: StructureLimitsDep,
    levels: Levels = -1,
    limit: Annotated[int | None, Query(ge=1, description="rows per page; all when omitted")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
    fmt: Annotated[
        Literal["json", "csv", "xlsx"],
        Query(alias="format", description="json (default), or a csv/xlsx download"),
    ] = "json",
) -> Any:
    """The exploded BOM as rows in depth-first order, with extended quantities.

    A page is built alone (`total` is counted from the lines, not by building every row);
    413 when the rows asked for are over the limit, or the structure too deep.
    """
    item, used, page, total = service.flat_for(
        session, item_id, levels, rule, limits, offset=offset, limit=limit
    )
    if fmt != "json":
        content, media_type, filename = exporting.export_flat(item, page, fmt)
        return Response(
            content=content,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return FlatBom(
        item=ItemRef.model_validate(item),
        rule=RevisionRuleRead(**used.describe()),
        items=[FlatRowRead.model_validate(r) for r in page],
        total=total,
    )


@router.get("/bom/{item_id}/where-used", response_model=WhereUsed)
def where_used(
    item_id: str, session: SessionDep, _user: CurrentUser, rule: RuleDep, levels: Levels = -1
) -> WhereUsed:
    """The parent revisions (under the rule; latest by default) using the item, up to the roots."""
    item, used, rows = service.where_used_for(session, item_id, levels, rule)
    return WhereUsed(
        item=ItemRef.model_validate(item),
        rule=RevisionRuleRead(**used.describe()),
        items=[WhereUsedRead.model_validate(r) for r in rows],
        total=len(rows),
    )


@router.post(
    "/bom/{item_id}/import", response_model=BomImportRead, status_code=status.HTTP_201_CREATED
)
def import_bom(
    item_id: str,
    file: UploadFile,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    user: Engineer,
    dry_run: Annotated[
        bool, Query(description="answer the lines and errors; write nothing (200)")
    ] = False,
    create_missing: Annotated[
        bool, Query(description="create unknown child numbers as Draft Parts")
    ] = False,
) -> BomImportRead:
    """Import a CSV or XLSX sheet as the BOM lines of a Draft revision, all or nothing."""
    content = importing.read_upload(file.file, settings.bom_import_max_bytes)
    result = importing.import_bom(
        session,
        item_id,
        content,
        file.filename,
        dry_run=dry_run,
        create_missing=create_missing,
        user=user,
        max_rows=settings.bom_import_max_rows,
    )
    if dry_run:
        response.status_code = status.HTTP_200_OK
    return BomImportRead(
        item=ItemRef.model_validate(result.item),
        dry_run=result.dry_run,
        format=result.format,
        filename=result.filename,
        rows=result.rows,
        lines=[ImportLineRead.model_validate(line) for line in result.lines],
        created_parts=[CreatedPartRead.model_validate(p) for p in result.created_parts],
        errors=[ImportErrorRead.model_validate(e) for e in result.errors],
    )

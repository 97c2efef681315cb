"""Schemathesis hooks: positive examples reach existing objects through the ids the server knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, HookContext
from schemathesis.schemas import BaseSchema

from tests.fuzz.live import ROLES, LiveServer


@dataclass
class Current:
    """The server under test (the schema is built once, at collection; servers come and go)."""

    server: LiveServer | None = None


CURRENT = Current()


def install(schema: BaseSchema) -> None:
    """Register the hooks on this schema only (not globally)."""

    def flatmap_case(context: HookContext, case: Case[Any]) -> st.SearchStrategy[Case[Any]]:
        """A drawn role signs the case; a positive one may take ids of objects that exist."""
        server = CURRENT.server
        if server is None:
            return st.just(case)
        # drawn, not hashed: the role is part of the example, so a replay signs in the same way
        role = st.sampled_from([r for r in ROLES if r in server.tokens])
        known = {n: server.ids[n] for n in case.path_parameters or {} if n in server.ids}
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if not known or negative:
            return role.map(lambda r: _signed(case, server, r))
        # random ids only ever reach the 404: about half the positive cases name existing objects
        ids: st.SearchStrategy[dict[str, Any]] = st.one_of(
            st.just({}), st.fixed_dictionaries({n: st.sampled_from(v) for n, v in known.items()})
        )
        return st.tuples(role, ids).map(
            lambda pair: _with_ids(_signed(case, server, pair[0]), pair[1])
        )

    schema.hook(flatmap_case)


def _signed(case: Case[Any], server: LiveServer, role: str) -> Case[Any]:
    if case.headers is None:
        case.headers = CaseInsensitiveDict()
    # the operation goes in too: /metrics takes the scrape token, not a user's
    case.headers.update(server.headers(role, case.operation.label))
    return case


def _with_ids(case: Case[Any], ids: dict[str, Any]) -> Case[Any]:
    case.path_parameters = {**(case.path_parameters or {}), **ids}
    return case

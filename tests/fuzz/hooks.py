"""Schemathesis hooks: positive examples reach existing objects through the ids the server knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.schemas import BaseSchema

from tests.fuzz.live import LiveServer


@dataclass
class Current:
    """The server under test (the schema is built once, at collection; servers come and go)."""

    server: LiveServer | None = None


CURRENT = Current()


def install(schema: BaseSchema) -> None:
    """Register the hooks on this schema only (not globally)."""

    def flatmap_case(context: HookContext, case: Case[Any]) -> st.SearchStrategy[Case[Any]]:
        """A positive case keeps its random ids, or takes ids of objects that exist."""
        ids = CURRENT.server.ids if CURRENT.server else {}
        known = {n: ids[n] for n in case.path_parameters or {} if n in ids}
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if not known or negative:
            return st.just(case)
        chosen = st.fixed_dictionaries({n: st.sampled_from(v) for n, v in known.items()})
        # mostly existing objects: a random id only ever reaches the 404
        return st.one_of(st.just(case), chosen.map(lambda picked: _with_ids(case, picked)))

    schema.hook(flatmap_case)


def _with_ids(case: Case[Any], ids: dict[str, Any]) -> Case[Any]:
    case.path_parameters = {**(case.path_parameters or {}), **ids}
    return case

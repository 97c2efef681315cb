"""Schemathesis against a live server on each backend, as every role (issue 20: fuzzing in CI).

Each operation of the OpenAPI gets positive and negative examples (seeded, bounded in
budget.py). An example fails on a 5xx, an undeclared status, an answer that does not match
its declared schema or content type, or a success for input the schema forbids.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case, GenerationMode
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    NegativeDataRejectionConfig,
)
from schemathesis.core import NotSet

from tests.conftest import make_settings
from tests.fuzz import budget, hooks
from tests.fuzz.exclusions import excluded_checks
from tests.fuzz.live import ROLES, LiveServer
from yuantus.app import create_app


def _openapi() -> dict[str, Any]:
    """The document the server serves (the live one is compared with it below)."""
    # an in-memory database: building the document must leave no file behind
    app = create_app(make_settings(Path("unused"), "sqlite://", extra_domains=[]))
    document: dict[str, Any] = app.openapi()
    return document


DOCUMENT = _openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.update(request_timeout=budget.REQUEST_TIMEOUT)
schema.config.seed = budget.SEED
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=budget.MAX_EXAMPLES,
    deterministic=True,
    # the role's bearer token goes in per example: a generated Authorization header would
    # replace it and turn most examples into a 401
    with_security_parameters=False,
    # a failure is reported as found: shrinking it can take minutes a CI run does not have
    no_shrink=True,
    database="none",
)
schema.config.checks.update(included_check_names=budget.CHECKS)
# refusing oversize input (413: the JSON body or `properties` caps) is a rejection too
schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
    expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
)
# every operation with every other HTTP method: a 405 from the router, 7 % of the requests
schema.config.phases.coverage.unexpected_methods = set()
hooks.install(schema)


# per server: operation -> (phase, status) -> requests, for the coverage test at the end
TALLY: dict[str, dict[str, Counter[tuple[str, int]]]] = defaultdict(lambda: defaultdict(Counter))


def role_of(case: Case[Any]) -> str:
    """The role an example runs as: a function of its input, so a replay runs as the same one."""
    # no body is a sentinel whose repr holds its memory address: it would draw a new role per run
    body = "" if isinstance(case.body, NotSet) else repr(case.body)
    key = f"{case.operation.label}|{case.path_parameters}|{case.query}|{body}"
    return ROLES[zlib.crc32(key.encode("utf-8", "surrogatepass")) % len(ROLES)]


@pytest.mark.fuzz
def test_live_server_serves_the_fuzzed_document(fuzz_server: LiveServer) -> None:
    """The examples are built from the document the live server itself publishes."""
    assert httpx.get(f"{fuzz_server.url}/openapi.json", timeout=30).json() == DOCUMENT


@pytest.mark.fuzz
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case: Case[Any], fuzz_server: LiveServer) -> None:
    """The example's answer is declared, well formed, and no 5xx."""
    phase = case.meta.phase.name.value if case.meta else "?"
    answer = None
    try:
        answer = case.call_and_validate(
            base_url=fuzz_server.url,
            # the fuzzing phase draws a role (hooks.py); the other phases' cases get one here
            headers=None
            if "Authorization" in (case.headers or {})
            else fuzz_server.headers(role_of(case), case.operation.label),
            excluded_checks=excluded_checks(case.operation.label),
        )
    finally:
        status = answer.status_code if answer is not None else 0
        TALLY[fuzz_server.url][case.operation.label][(phase, status)] += 1


@pytest.mark.fuzz
def test_every_operation_was_exercised(fuzz_server: LiveServer) -> None:
    """Each operation got requests, and some of them got past authentication."""
    tally = TALLY[fuzz_server.url]
    labels = [f"{m.upper()} {p}" for p, ops in DOCUMENT["paths"].items() for m in ops]
    figures = {k: {f"{p}:{s}": n for (p, s), n in v.items()} for k, v in tally.items()}
    (fuzz_server.log.parent / "tally.json").write_text(json.dumps(figures, indent=1))
    missing = [label for label in labels if not tally[label]]
    assert not missing, f"operations the run did not exercise: {missing}"
    # an operation only ever refused at the door was not fuzzed at all
    stuck = [label for label in labels if all(s in (0, 401, 403) for _, s in tally[label])]
    refused = {label: figures[label] for label in stuck}
    assert not stuck, f"operations no example got past authentication: {refused}"

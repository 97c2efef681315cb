"""The activity graph: a diamond completed in every order, cycles, exception and recovery."""

from __future__ import annotations

from itertools import permutations

import pytest
from fastapi.testclient import TestClient

from tests.eco_activity.conftest import (
    ACT,
    Client,
    Json,
    add,
    error,
    finish,
    move,
    ok,
    open_eco,
)

# a -> b, a -> c, b + c -> d: what each waits for
DIAMOND = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}


def diamond(client: TestClient, eco_id: str) -> dict[str, Json]:
    """The four activities of the diamond, activated."""
    made: dict[str, Json] = {}
    for name, deps in DIAMOND.items():
        made[name] = add(client, eco_id, name, *(made[d]["id"] for d in deps))
        ok(move(client, made[name]["id"], "active"))
    return made


@pytest.mark.parametrize("order", [("a", "b", "c", "d"), ("a", "c", "b", "d")])
def test_the_diamond_completes_in_each_legal_order(
    as_user: Client, product: str, order: tuple[str, ...]
) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    acts = diamond(eng, eco_id)
    assert acts["d"]["depends_on"] == [acts["b"]["id"], acts["c"]["id"]]
    for name in order:
        done = ok(move(eng, acts[name]["id"], "completed"))
        assert done["state"] == "completed"
        assert done["closed_by_name"] == "engineer"
        assert done["closed_at"] is not None
    assert ok(eng.get(f"{ACT}/{eco_id}/blockers"))["items"] == []


def test_every_illegal_order_is_refused_at_the_first_activity_that_waits(
    as_user: Client, product: str
) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    legal = {("a", "b", "c", "d"), ("a", "c", "b", "d")}
    for order in permutations("abcd"):
        acts = diamond(eng, eco_id)
        done: set[str] = set()
        for name in order:
            response = move(eng, acts[name]["id"], "completed")
            waiting = [d for d in DIAMOND[name] if d not in done]
            if waiting:
                detail = error(response, 409, "activity_blocked")
                assert detail["context"]["dependencies"] == [
                    {"activity_id": acts[d]["id"], "name": d, "state": "active"} for d in waiting
                ], order
                # the refused activity stays active; finish it once its dependencies are done
                assert ok(eng.get(f"{ACT}/activity/{acts[name]['id']}"))["state"] == "active"
                break
            ok(response)
            done.add(name)
        assert (len(done) == 4) == (order in legal), order
        for a in acts.values():  # close the round so its leftovers do not block the next
            if ok(eng.get(f"{ACT}/activity/{a['id']}"))["state"] == "active":
                ok(move(eng, a["id"], "canceled"))


def test_a_refused_completion_names_only_the_unmet_dependencies(
    as_user: Client, product: str
) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    acts = diamond(eng, eco_id)
    ok(move(eng, acts["a"]["id"], "completed"))
    ok(move(eng, acts["b"]["id"], "completed"))
    detail = error(move(eng, acts["d"]["id"], "completed"), 409, "activity_blocked")
    assert detail["message"] == "activity d waits for: c"
    assert detail["context"] == {
        "activity_id": acts["d"]["id"],
        "dependencies": [{"activity_id": acts["c"]["id"], "name": "c", "state": "active"}],
    }


def test_a_cycle_is_refused_with_its_path_and_nothing_changes(
    as_user: Client, product: str
) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    a = add(eng, eco_id, "a")
    b = add(eng, eco_id, "b", a["id"])
    c = add(eng, eco_id, "c", b["id"])
    url = f"{ACT}/activity/{a['id']}"
    detail = error(eng.patch(url, json={"depends_on_activity_ids": [c["id"]]}), 409)
    assert detail["code"] == "activity_cycle"
    assert detail["context"] == {
        "path": [a["id"], c["id"], b["id"], a["id"]],
        "names": ["a", "c", "b", "a"],
    }
    assert detail["message"] == "the dependencies would form a cycle: a -> c -> b -> a"
    itself = error(eng.patch(url, json={"depends_on_activity_ids": [a["id"]]}), 409)
    assert itself["context"]["path"] == [a["id"], a["id"]]
    assert ok(eng.get(url))["depends_on"] == []
    # an acyclic change goes through: d waits for a and b (b already waits for a)
    d = add(eng, eco_id, "d")
    body = {"depends_on_activity_ids": [b["id"]]}
    changed = ok(eng.patch(f"{ACT}/activity/{d['id']}", json=body))
    assert changed["depends_on"] == [b["id"]]


def test_dependencies_must_exist_and_belong_to_the_same_eco(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    first = open_eco(eng, product, "first")
    second = open_eco(eng, product, "second", target=False)
    theirs = add(eng, second, "theirs")
    body = {"eco_id": first, "name": "x", "depends_on_activity_ids": [theirs["id"], "nope"]}
    detail = error(eng.post(ACT, json=body), 422, "invalid_dependency")
    assert detail["context"] == {"missing": ["nope"], "other_eco": [theirs["id"]]}
    assert ok(eng.get(f"{ACT}/{first}"))["total"] == 0
    error(eng.post(ACT, json={"eco_id": "nope", "name": "x"}), 404, "eco_not_found")


def test_exception_and_recovery(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    fai = add(eng, eco_id, "Sign first article")
    bad = error(move(eng, fai["id"], "completed"), 409, "invalid_transition")
    assert bad["context"]["allowed"] == ["active", "canceled"]
    ok(move(eng, fai["id"], "active"))
    failed = ok(move(eng, fai["id"], "exception", "bore 0.2 mm oversize"))
    assert failed["state"] == "exception"
    [blocker] = ok(eng.get(f"{ACT}/{eco_id}/blockers"))["items"]
    assert (blocker["name"], blocker["state"], blocker["reason"]) == (
        "Sign first article",
        "exception",
        "exception",
    )
    # from exception only back to active (or cancel): it cannot be completed as it is
    bad = error(move(eng, fai["id"], "completed"), 409, "invalid_transition")
    assert bad["context"]["allowed"] == ["active", "canceled"]
    ok(move(eng, fai["id"], "active", "second article machined"))
    assert ok(move(eng, fai["id"], "completed"))["state"] == "completed"
    assert ok(eng.get(f"{ACT}/{eco_id}/blockers"))["total"] == 0


def test_completed_and_canceled_are_final(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    done = add(eng, eco_id, "done")
    finish(eng, done["id"])
    gone = add(eng, eco_id, "gone")
    ok(move(eng, gone["id"], "canceled", "not needed"))
    for activity, state in ((done, "completed"), (gone, "canceled")):
        detail = error(move(eng, activity["id"], "active"), 409, "invalid_transition")
        assert detail["context"] == {
            "activity_id": activity["id"],
            "state": state,
            "to_status": "active",
            "allowed": [],
        }
        edit = error(eng.patch(f"{ACT}/activity/{activity['id']}", json={"name": "x"}), 409)
        assert edit["code"] == "activity_closed"
    # a canceled blocking activity no longer blocks
    assert ok(eng.get(f"{ACT}/{eco_id}/blockers"))["total"] == 0


def test_the_unified_transitions_shape(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    a = add(eng, eco_id, "a")
    b = add(eng, eco_id, "b", a["id"])
    url = f"{ACT}/activity/{b['id']}/transitions"
    roles = ["admin", "engineer"]
    assert ok(eng.get(url)) == {
        "state": "pending",
        "actions": [
            {"action": "active", "to_state": "active", "roles": roles},
            {"action": "canceled", "to_state": "canceled", "roles": roles},
        ],
    }
    ok(eng.post(url, json={"action": "active", "comment": "started"}))
    # completed is not offered while a is open
    assert [x["action"] for x in ok(eng.get(url))["actions"]] == ["exception", "canceled"]
    finish(eng, a["id"])
    assert [x["action"] for x in ok(eng.get(url))["actions"]] == [
        "completed",
        "exception",
        "canceled",
    ]
    done = ok(eng.post(url, json={"action": "completed"}))
    assert done["state"] == "completed"
    assert ok(eng.get(url)) == {"state": "completed", "actions": []}
    error(eng.post(url, json={"action": "active"}), 409, "invalid_transition")
    bad = eng.post(f"{ACT}/activity/{b['id']}/transition", json={"to_status": "done"})
    assert bad.status_code == 422

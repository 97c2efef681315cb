"""Service and database rules behind the API: the one-primary index, quantity checks, versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.manufacturing.conftest import make_part
from yuantus.core.db import Database
from yuantus.core.errors import Conflict, InvalidState, Unprocessable
from yuantus.manufacturing import routing_service, workcenter_service, workorder_service
from yuantus.manufacturing.models import Routing, WorkOrder

# make_part releases through the demo engineer and approver (four eyes)
pytestmark = pytest.mark.usefixtures("users")


def test_database_refuses_a_second_primary_routing_per_product(
    database: Database, session: Session
) -> None:
    product = make_part(database, "P-1")
    other = make_part(database, "P-2")
    for code, config in (("A", product), ("B", other)):
        session.add(
            Routing(
                product_config_id=config["config_id"], routing_code=code, name=code, is_primary=True
            )
        )
    session.flush()
    # non-primary routings are not limited
    session.add(Routing(product_config_id=product["config_id"], routing_code="C", name="C"))
    session.flush()
    session.add(
        Routing(product_config_id=product["config_id"], routing_code="D", name="D", is_primary=True)
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_database_refuses_a_non_positive_quantity(database: Database, session: Session) -> None:
    product = make_part(database, "P-1")
    session.add(
        WorkOrder(
            number="WO-X",
            product_config_id=product["config_id"],
            product_item_id=product["id"],
            quantity=Decimal(0),
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_service_refuses_quantity_zero_and_a_second_primary(
    database: Database, session: Session
) -> None:
    product = make_part(database, "P-1")
    with pytest.raises(Unprocessable):
        workorder_service.create(session, product["id"], 0)
    routing_service.create(session, product["id"], "RT-1", "one", is_primary=True)
    with pytest.raises(Conflict) as err:
        routing_service.create(session, product["id"], "RT-2", "two", is_primary=True)
    assert err.value.code == "primary_routing_exists"


def test_release_moves_the_primary_flag_to_the_new_version(
    database: Database, session: Session
) -> None:
    product = make_part(database, "P-1")
    center = workcenter_service.create(session, "WC", "bench")
    v1 = routing_service.create(session, product["id"], "RT-1", "one", is_primary=True)
    routing_service.add_operation(session, v1, 10, "cut", center.id, run_time=Decimal(3))
    routing_service.release(session, v1)
    v2 = routing_service.new_version(session, v1)
    with pytest.raises(InvalidState):
        routing_service.update(session, v1, name="renamed")
    routing_service.update_operation(
        session, v2, routing_service.list_operations(session, v2)[0].id, run_time=Decimal(4)
    )
    routing_service.release(session, v2)
    assert (v1.state, v1.is_primary, v2.state, v2.is_primary) == (
        "obsolete",
        False,
        "released",
        True,
    )
    assert routing_service.primary_for(session, v2.product_config_id) is v2
    assert [o.run_time for o in routing_service.list_operations(session, v1)] == [Decimal(3)]
    assert [o.run_time for o in routing_service.list_operations(session, v2)] == [Decimal(4)]

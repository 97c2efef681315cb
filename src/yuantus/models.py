"""Imports every ORM model so Base.metadata is complete (Alembic, tests)."""

from yuantus.audit import models as audit_models
from yuantus.bom import models as bom_models
from yuantus.core import sequences
from yuantus.eco import models as eco_models
from yuantus.file import models as file_models
from yuantus.identity import models as identity_models
from yuantus.item import models as item_models
from yuantus.job import models as job_models
from yuantus.manufacturing import models as manufacturing_models

__all__ = [
    "audit_models",
    "bom_models",
    "eco_models",
    "file_models",
    "identity_models",
    "item_models",
    "job_models",
    "manufacturing_models",
    "sequences",
]

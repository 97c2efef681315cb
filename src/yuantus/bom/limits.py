"""How much structure one call may produce (issue 20, finding 6): rows and depth, 413 past them.

A BOM that reuses sub-assemblies explodes to far more rows than it has lines (a 36-line
BOM doubling at each level is 524,286 rows), so the rows are counted from the loaded lines
before any is built, and a call that would produce more than the cap is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from yuantus.bom import codes
from yuantus.core.deps import SettingsDep
from yuantus.core.errors import PayloadTooLarge
from yuantus.core.settings import Settings


@dataclass(frozen=True, slots=True)
class StructureLimits:
    """The rows one explosion, compare or materials call may produce, and the levels deep."""

    max_rows: int
    max_depth: int

    @classmethod
    def of(cls, settings: Settings) -> StructureLimits:
        """YUANTUS_MAX_STRUCTURE_ROWS and YUANTUS_MAX_BOM_DEPTH."""
        return cls(settings.max_structure_rows, settings.max_bom_depth)

    def check_rows(self, rows: int, **context: Any) -> None:
        """413 structure_too_large when `rows` is over the cap."""
        if rows > self.max_rows:
            raise PayloadTooLarge(
                f"the answer would hold {rows:,} rows, over the limit of {self.max_rows:,} "
                "(YUANTUS_MAX_STRUCTURE_ROWS); ask fewer levels or a page (limit)",
                code=codes.STRUCTURE_TOO_LARGE,
                context={"rows": rows, "max_rows": self.max_rows, **context},
            )

    def check_depth(self, depth: int, levels: int) -> None:
        """413 structure_too_deep when the structure goes deeper than the cap."""
        if depth > self.max_depth:
            raise PayloadTooLarge(
                f"the structure goes deeper than {self.max_depth} levels "
                "(YUANTUS_MAX_BOM_DEPTH); ask at most that many levels",
                code=codes.STRUCTURE_TOO_DEEP,
                context={"max_depth": self.max_depth, "levels": levels},
            )


# the settings' defaults: for callers without settings (demo data, other domains' services)
DEFAULT_LIMITS = StructureLimits(
    Settings.model_fields["max_structure_rows"].default,
    Settings.model_fields["max_bom_depth"].default,
)


def structure_limits(settings: SettingsDep) -> StructureLimits:
    """The service's structure limits (a request dependency)."""
    return StructureLimits.of(settings)


StructureLimitsDep = Annotated[StructureLimits, Depends(structure_limits)]

# the 413 answer of every route that explodes a structure (core/openapi.py documents it)
TOO_LARGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    413: {
        "description": "The answer would be larger than YUANTUS_MAX_STRUCTURE_ROWS rows "
        "(`structure_too_large`) or the structure deeper than YUANTUS_MAX_BOM_DEPTH "
        "(`structure_too_deep`)."
    }
}

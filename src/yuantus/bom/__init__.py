"""BOM lines, explosion, where-used, compare and delta."""

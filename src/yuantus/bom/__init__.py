"""BOM lines, explosion, where-used, compare, delta."""

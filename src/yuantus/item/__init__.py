"""Part and Document items, revisions and lifecycle."""

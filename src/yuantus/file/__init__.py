"""File objects, item-file links and storage backends."""

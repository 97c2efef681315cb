"""Work centers, routings, operations and work orders."""

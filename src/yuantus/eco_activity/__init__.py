"""P0-B ECO activity gates: a dependency graph of work per ECO that holds the ECO flow."""

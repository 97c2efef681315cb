"""The fuzz run's bounds: seeded, so a CI run is reproducible, and short enough for CI."""

from __future__ import annotations

# a fixed seed with derandomized generation: the same examples on every run
SEED = 20_020
# per operation and backend; ~148 operations x 2 modes keep a backend under 3 minutes on 2 cores
MAX_EXAMPLES = 12
# a request the server cannot answer in this long fails the example instead of the run
REQUEST_TIMEOUT = 10.0

# what an example's answer must satisfy
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
]

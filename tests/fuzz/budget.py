"""The fuzz run's bounds: seeded, so a CI run is reproducible, and short enough for CI."""

from __future__ import annotations

# a fixed seed with derandomized generation: the same examples on every run
SEED = 20_020
# fuzzing-phase examples per operation and backend; the coverage phase (boundary and invalid
# values, ~80 % of the requests) is bounded by the schema itself
MAX_EXAMPLES = 10
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

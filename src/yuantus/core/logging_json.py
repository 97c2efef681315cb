"""Log lines as text (development) or one JSON object per line (production log shippers)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from yuantus.core.context import request_id_var

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# the structured fields a log call may pass with extra={...}; nothing else of a record is
# copied, so an accidental extra (a request body, a row) never reaches the log
FIELDS = (
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "user",
    "client",
    "task_type",
    "job_id",
    "attempt",
    "outcome",
    "worker_id",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, known fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # a record formatted later (a buffering handler) carries the id it was logged with
        request_id = record.__dict__.get("request_id") or request_id_var.get()
        if request_id != "-":
            out["request_id"] = request_id
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The plain line, with the structured fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The classic line plus ` key=value` for each known field the record carries."""
        line = super().format(record)
        extras = [
            f"{name}={record.__dict__[name]}"
            for name in FIELDS
            if record.__dict__.get(name) is not None and f"{name}=" not in record.getMessage()
        ]
        return f"{line} {' '.join(extras)}" if extras else line


def formatter(fmt: LogFormat) -> logging.Formatter:
    """The formatter of a YUANTUS_LOG_FORMAT value."""
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure(fmt: LogFormat) -> None:
    """Put the format on the root logger's console handlers (a JSON one is added if none).

    Capture handlers (pytest's, a log shipper's) are subclasses and keep their own format.
    """
    root = logging.getLogger()
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    if not consoles and fmt == "json":
        consoles = [logging.StreamHandler()]
        root.addHandler(consoles[0])
    for handler in consoles:
        handler.setFormatter(formatter(fmt))


def setup_json_process(level: str) -> None:
    """A process without its own logging setup (a worker) logs JSON lines at the level."""
    logging.basicConfig(level=level)
    configure("json")

"""A document pack streamed as a zip: peak memory while 500 MB of files go out.

python -m bench docpack [--megabytes 500] [--files 50]

Documents with large files are stored (local storage) and linked to a routing; a real
`yuantus start` process serves them. The baseline downloads every file plainly
(GET /files/{id}/content), then the zip of the same files is pulled; both are discarded as
they arrive. The server's peak RSS (VmHWM) is read from /proc after each.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import BENCH_KEY, bench_settings
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.security import create_access_token
from yuantus.core.settings import Settings
from yuantus.domains import load_domains
from yuantus.file import service as file_service
from yuantus.file.storage import get_storage
from yuantus.identity import service as identity
from yuantus.item import service as items
from yuantus.manufacturing import routing_service, workcenter_service
from yuantus.workorder_doc import service as packs
from yuantus.workorder_doc.schemas import LinkWrite

ROOT = Path(__file__).resolve().parent.parent
JWT_SECRET = "bench-secret-" + "x" * 32


def _setup(db: Database, megabytes: int, files: int) -> tuple[str, list[str], int]:
    """The routing id, the stored file ids and the total bytes stored."""
    storage = get_storage(db.settings)
    size = megabytes * 1024 * 1024 // files
    total = 0
    file_ids: list[str] = []
    with db.scope() as s:
        eng = identity.create_user(s, "eng", "engineer-pw-123", roles=["engineer"])
        approver = identity.create_user(s, "appr", "approver-pw-123", roles=["approver"])
        product = items.create(s, "Part", "Pump", item_number="PUMP", user=eng)
        items.transition(s, product, "submit", eng)
        items.transition(s, product, "release", approver)
        center = workcenter_service.create(s, "WC", "Cell")
        routing = routing_service.create(s, product.id, "RT", "Make", is_primary=True)
        routing_service.add_operation(s, routing, 10, "Do", center.id)
        for index in range(files):
            doc = items.create(
                s, "Document", f"Doc {index}", item_number=f"D-{index:03d}", user=eng
            )
            with tempfile.TemporaryFile() as blob:
                chunk = hashlib.sha256(str(index).encode()).digest() * 32768  # 1 MiB
                left = size
                while left > 0:
                    blob.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
                blob.seek(0)
                link = file_service.upload_to_item(
                    s,
                    storage,
                    doc.id,
                    filename=f"D-{index:03d}.bin",
                    content_type="application/octet-stream",
                    stream=blob,
                    role="attachment",
                    user=eng,
                    max_bytes=None,
                )
            file_ids.append(link.file_id)
            total += size
            items.transition(s, doc, "submit", eng)
            items.transition(s, doc, "release", approver)
            packs.upsert_link(s, LinkWrite(routing_id=routing.id, document_item_id=doc.id), eng)
        return routing.id, file_ids, total


def _server(settings_url: str, data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`yuantus start` in its own process, answering /health."""
    env = dict(
        os.environ,
        YUANTUS_DATABASE_URL=settings_url,
        YUANTUS_DATA_DIR=str(data_dir),
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS=BENCH_KEY,
        YUANTUS_LOG_LEVEL="WARNING",
    )
    cmd = [sys.executable, "-m", "bench.server", "start", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not answer /health within 60 s")


def _memory(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _pull(client: httpx.Client, url: str, **params: str) -> int:
    """Download a URL, discarding it as it arrives; the bytes received."""
    received = 0
    with client.stream("GET", url, params=params) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(1 << 16):
            received += len(chunk)
    return received


def main(argv: list[str]) -> int:
    """Store the documents, start the server, pull plain downloads then the zip."""
    parser = argparse.ArgumentParser(prog="python -m bench docpack")
    parser.add_argument("--megabytes", type=int, default=500)
    parser.add_argument("--files", type=int, default=50)
    args = parser.parse_args(argv)
    load_domains()
    mb = 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'pack.db'}"
        settings = bench_settings(url, Path(tmp)).model_copy(update={"jwt_secret": JWT_SECRET})
        db = Database(settings)
        migrate.upgrade(db.engine)
        routing_id, file_ids, total = _setup(db, args.megabytes, args.files)
        db.dispose()
        port = _free_port()
        proc = _server(url, Path(tmp), port, Path(tmp) / "server.log")
        try:
            token = _token(settings)
            base = f"http://127.0.0.1:{port}/api/v1"
            with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
                _pull(client, f"{base}/files/{file_ids[0]}/content")  # warm the server up
                idle, _ = _memory(proc.pid)
                started = time.perf_counter()
                plain = sum(_pull(client, f"{base}/files/{f}/content") for f in file_ids)
                plain_s = time.perf_counter() - started
                _, after_plain = _memory(proc.pid)
                started = time.perf_counter()
                zipped = _pull(client, f"{base}/workorder-docs/export", routing_id=routing_id)
                zip_s = time.perf_counter() - started
                _, after_zip = _memory(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(
            f"stored: {total / mb:.0f} MB in {args.files} documents; server RSS idle {idle:.0f} MB"
        )
        print(
            f"baseline: {plain / mb:.0f} MB of plain downloads in {plain_s:.1f} s "
            f"({plain / mb / plain_s:.0f} MB/s), peak RSS {after_plain:.0f} MB"
        )
        print(
            f"zip pack: {zipped / mb:.0f} MB in {zip_s:.1f} s ({zipped / mb / zip_s:.0f} MB/s, "
            f"{zip_s / plain_s:.2f}x the baseline time), peak RSS {after_zip:.0f} MB, "
            f"{after_zip - idle:.0f} MB above idle"
        )
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _token(settings: Settings) -> str:
    db = Database(settings)
    try:
        with db.scope() as s:
            user = identity.get_by_username(s, "eng")
            assert user is not None
            token, _ = create_access_token(user.id, JWT_SECRET, 60)
            return token
    finally:
        db.dispose()

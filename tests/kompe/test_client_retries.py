"""The client rides out a server restart: reads are tried again on refused and dropped
connections; an upload is never sent twice."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kompe.client import ApiError, Client


class Api(BaseHTTPRequestHandler):
    """Answers every GET with the next of `answers` (the last one forever); the first
    `drop` requests get their connection closed without an answer."""

    answers: list[dict]
    drop = 0
    requests: list[str]

    def _handle(self):
        type(self).requests.append(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if type(self).drop > 0:
            type(self).drop -= 1
            self.close_connection = True
            return  # no status line: the client sees the connection dropped
        answers = type(self).answers
        body = json.dumps(answers.pop(0) if len(answers) > 1 else answers[0]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


def serve(port: int, answers: list[dict], drop: int = 0):
    handler = type("Handler", (Api,), {"answers": answers, "drop": drop, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_waiting_for_a_score_survives_a_server_restart():
    port = free_port()
    old, _ = serve(port, [{"id": 7, "status": "queued"}])
    client = Client(f"http://127.0.0.1:{port}", token="t", sleep=lambda seconds: None)
    assert client.submission(7)["status"] == "queued"
    old.shutdown()
    old.server_close()  # the old server is gone: connections are refused

    def start_the_new_one():
        time.sleep(1.5)
        serve(port, [{"id": 7, "status": "scored", "public_score": 1.0}])

    threading.Thread(target=start_the_new_one, daemon=True).start()
    started = time.monotonic()
    assert client.wait(7, timeout=30)["status"] == "scored"
    assert time.monotonic() - started < 10


def test_a_read_whose_connection_drops_is_tried_again():
    port = free_port()
    server, handler = serve(port, [{"id": 7, "status": "scored"}], drop=2)
    try:
        client = Client(f"http://127.0.0.1:{port}", token="t")
        assert client.submission(7)["status"] == "scored"
        assert handler.requests == ["GET"] * 3
    finally:
        server.shutdown()
        server.server_close()


def test_an_upload_whose_connection_drops_is_not_sent_again(tmp_path):
    port = free_port()
    server, handler = serve(port, [{"id": 7, "status": "queued"}], drop=1)
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,label\n")
    try:
        client = Client(f"http://127.0.0.1:{port}", token="t")
        with pytest.raises(ApiError, match="Cannot reach"):
            client.submit("animals", path)
        assert handler.requests == ["POST"]
    finally:
        server.shutdown()
        server.server_close()

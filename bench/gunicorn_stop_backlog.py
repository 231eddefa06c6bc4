"""What gunicorn does, on SIGTERM, with a connection still waiting in its listen backlog.

Run: .venv/bin/python bench/gunicorn_stop_backlog.py [--preload]
A plain WSGI app (no Django) under gunicorn with 2 sync workers; 3 uploads each send
their headers and half their body (two are taken by the workers, the third waits in the
backlog), then the master gets SIGTERM, then the uploads send the rest. Printed: each
upload's answer. Measured 2026-11-30 with gunicorn 23.0.0 and 27.0.1, with and without
--preload: the two taken uploads answer 200 (drained), the third is reset
(ConnectionResetError): the master closes its listening socket at SIGTERM, and what waits
in the backlog is dropped. So a compose drain test with as many uploads as workers (it had
3 and 3) loses one whenever a worker is busy elsewhere at that moment — the container's
/healthz probe every 10 s holds a worker for up to the broker ping's timeout — whatever
the config file. tests/deploy/test_compose_stack.py therefore runs one worker more than
it has uploads (WEB_CONCURRENCY, read by gunicorn.conf.py).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = '''
def application(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%d bytes" % len(body)]
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "backlog_app.py").write_text(APP)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "backlog_app:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "10",
             "--config", os.devnull] + (["--preload"] if args.preload else []),
            cwd=folder, stderr=subprocess.DEVNULL)
        time.sleep(3)
        body = b"x" * 2000
        uploads = []
        for _ in range(3):
            upload = socket.create_connection(("127.0.0.1", port))
            upload.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n"
                           + body[:1000])
            uploads.append(upload)
            time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        time.sleep(1)
        for number, upload in enumerate(uploads, 1):
            try:
                upload.sendall(body[1000:])
                upload.settimeout(15)
                answer = upload.recv(1000).split(b"\r\n")[0].decode() or "closed, no answer"
            except OSError as error:
                answer = repr(error)
            print(f"upload {number}: {answer}")
        server.wait(30)


if __name__ == "__main__":
    main()

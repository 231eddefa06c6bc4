"""The embedded broker (kombu's filesystem transport) hands workers whole messages only."""

import multiprocessing
import os
import subprocess
import sys
import time
from queue import Empty

from django.conf import settings
from kombu import Connection

from config import broker


def _connection(folder) -> Connection:
    return Connection(transport=broker.Transport, transport_options={
        "data_folder_in": str(folder), "data_folder_out": str(folder),
        "control_folder": str(folder / "control"), "store_processed": False})


def test_a_message_sent_is_received_whole(tmp_path):
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("kompe")
        queue.put({"submission": 12, "label": "あ"})
        message = queue.get(timeout=2)
        assert message.payload == {"submission": 12, "label": "あ"}
        message.ack()
        queue.close()


def test_a_message_being_written_has_a_name_no_worker_takes(tmp_path, monkeypatch):
    seen_while_writing = []
    replace = os.replace

    def look_then_replace(source, destination):
        seen_while_writing.extend(os.listdir(tmp_path))
        replace(source, destination)

    monkeypatch.setattr(broker.os, "replace", look_then_replace)
    with _connection(tmp_path) as connection:
        connection.default_channel._put("kompe", {"submission": 12})
    assert seen_while_writing and not [name for name in seen_while_writing
                                       if ".kompe.msg" in name]
    [written] = os.listdir(tmp_path)
    assert written.endswith(".kompe.msg")


def test_the_demo_uses_this_transport_for_its_filesystem_broker(tmp_path):
    code = ("import django; django.setup(); from config.celery import app; "
            "print(app.connection_for_write().get_transport_cls().__module__)")
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"CELERY_BROKER_URL", "SECRET_KEY"}}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=settings.BASE_DIR, timeout=120, env={
                                **environment, "DJANGO_SETTINGS_MODULE": "config.settings",
                                "DEBUG": "1", "KOMPE_VAR_DIR": str(tmp_path)})
    assert result.stdout.strip().splitlines()[-1] == "config.broker", result.stderr


def _take_all(folder, count: int, answers) -> None:
    """A worker's side in its own process: take `count` messages, count the broken ones."""
    broken = taken = 0
    with _connection(folder) as connection:
        channel = connection.default_channel
        deadline = time.monotonic() + 60
        while taken < count and time.monotonic() < deadline:
            try:
                channel._get("kompe")
            except Empty:
                continue
            except ValueError:  # kombu's own transport: a half-written message
                broken += 1
            taken += 1
    answers.put((taken, broken))


def test_a_worker_reading_while_another_process_sends_never_gets_a_broken_message(tmp_path):
    count = 1000
    answers = multiprocessing.get_context("fork").Queue()
    worker = multiprocessing.get_context("fork").Process(
        target=_take_all, args=(tmp_path, count, answers))
    worker.start()
    with _connection(tmp_path) as connection:
        for number in range(count):
            connection.default_channel._put("kompe", {"n": number, "pad": "x" * 20_000})
    worker.join(timeout=90)
    assert answers.get(timeout=5) == (count, 0)

"""The embedded broker (kombu's filesystem transport) hands workers whole messages only."""

import os
import subprocess
import sys

from django.conf import settings
from kombu import Connection

from config import broker


def _connection(folder) -> Connection:
    return Connection(transport=broker.Transport, transport_options={
        "data_folder_in": str(folder), "data_folder_out": str(folder),
        "store_processed": False})


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

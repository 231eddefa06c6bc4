"""kombu's filesystem transport (the embedded broker of `make demo`), sending whole
messages only.

kombu's own `_put` creates the message file under its final name and then writes into it;
a worker polling meanwhile (every 0.1 s here) may move that file away and read it empty,
and the worker then stops on a JSONDecodeError, taking `rundemo`'s web server with it.
Here a message is written under a name no worker reads and renamed into the queue, which
on one file system is atomic: a worker sees a whole message or none.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# Workers take files whose names contain ".<queue>.msg"; this suffix is never one.
PARTIAL_SUFFIX = ".partial"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # kombu's naming (milliseconds first), so that workers keep taking messages in order.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f"{uuid.uuid4()}{PARTIAL_SUFFIX}")
        try:
            with open(partial, "wb") as message:
                message.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel

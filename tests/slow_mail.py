"""A file e-mail backend whose first send hangs, so a test can kill the worker in the middle of it.

The first call writes its process id to `sending.pid` and sleeps; any later call (the task
redelivered to a new worker process) sends at once.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        marker = Path(self.file_path) / "sending.pid"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(60)
        return super().send_messages(email_messages)

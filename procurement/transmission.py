"""Sending issued e-invoices: an outbox with a transmission status and a pluggable sender.

Every issued invoice and credit note is in the outbox with status *created*; a sender
transmits it and the status becomes *sent* (with the sender's reference) or *failed* (with
the error, retried by a beat sweep). The sender is chosen by ``EINVOICE_SENDER`` (a dotted
path). Today's default, :class:`FolderSender`, writes the UBL XML to ``EINVOICE_OUTBOX_DIR``,
where an operator or an access point's client picks it up. It does not pretend to send over
Peppol: a Peppol access point (an AS4 client or a provider's API) is plugged in by writing a
class with the same ``send`` method and pointing ``EINVOICE_SENDER`` at it.
"""

import os
import tempfile
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class TransmissionError(Exception):
    """The sender could not deliver the document; the message is stored and the send retried."""


class EInvoiceSender(Protocol):
    name: str

    def send(self, *, filename: str, xml: bytes, receiver_endpoint: str) -> str:
        """Deliver one UBL document; return a reference (path, message id). Raise TransmissionError."""


class FolderSender:
    """Writes each document to a folder (atomically, so a reader never sees half a file)."""

    name = "folder"

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder or settings.EINVOICE_OUTBOX_DIR)

    def send(self, *, filename: str, xml: bytes, receiver_endpoint: str) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / filename
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".tmp-", delete=False) as handle:
                handle.write(xml)
                temporary = Path(handle.name)
            temporary.replace(target)
        except OSError as exc:
            raise TransmissionError(f"{self.folder}: {exc.strerror or exc}") from exc
        return str(target)


def sender_get() -> EInvoiceSender:
    return import_string(settings.EINVOICE_SENDER)()

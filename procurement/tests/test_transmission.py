"""The e-invoice outbox: every issued document is transmitted by the configured sender, with a status."""

from decimal import Decimal

import pytest
from lxml import etree

from procurement import services, tasks
from procurement.models import Invoice
from procurement.tests.conftest import draft_for
from procurement.transmission import FolderSender, TransmissionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EINVOICE_OUTBOX_DIR = str(tmp_path / "outbox")
    return tmp_path / "outbox"


def _placed(m, capture):
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    with capture(execute=True):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=3),
            location=m.location,
            po_number="PO-OUT",
            person_reference="ANJE",
        )


def test_an_issued_invoice_is_written_to_the_outbox_folder_and_marked_sent(
    outbox, municipality, django_capture_on_commit_callbacks, ubl_checker
):
    bulk_order = _placed(municipality, django_capture_on_commit_callbacks)

    invoice = Invoice.objects.get(bulk_order=bulk_order, kind=Invoice.Kind.INVOICE)

    written = outbox / f"faktura-{invoice.number}.xml"
    assert invoice.transmission_status == Invoice.Transmission.SENT
    assert invoice.transmission_reference == f"folder: {written}"
    assert written.read_bytes() == invoice.xml.encode()
    assert ubl_checker.xsd_errors(written.read_bytes()) == []


def test_the_credit_note_goes_the_same_way(outbox, municipality, django_capture_on_commit_callbacks):
    bulk_order = _placed(municipality, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_cancel(bulk_order=bulk_order, user=municipality.approver)

    credit_note = Invoice.objects.get(bulk_order=bulk_order, kind=Invoice.Kind.CREDIT_NOTE)
    assert credit_note.transmission_status == Invoice.Transmission.SENT
    root = etree.fromstring((outbox / f"kreditnota-{credit_note.number}.xml").read_bytes())
    assert etree.QName(root).localname == "CreditNote"


class BrokenAccessPoint:
    name = "access-point"

    def send(self, *, filename, xml, receiver_endpoint):
        raise TransmissionError("connection refused")


def test_a_failed_send_is_recorded_and_the_sweep_sends_it_later(
    outbox, settings, municipality, django_capture_on_commit_callbacks
):
    settings.EINVOICE_SENDER = "procurement.tests.test_transmission.BrokenAccessPoint"
    bulk_order = _placed(municipality, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(bulk_order=bulk_order, kind=Invoice.Kind.INVOICE)
    assert invoice.transmission_status == Invoice.Transmission.FAILED
    assert invoice.transmission_error == "access-point: connection refused"
    assert not outbox.exists()

    settings.EINVOICE_SENDER = "procurement.transmission.FolderSender"
    assert tasks.invoices_transmit_sweep() == 1

    invoice.refresh_from_db()
    assert invoice.transmission_status == Invoice.Transmission.SENT and invoice.transmission_attempts == 2
    assert tasks.invoices_transmit_sweep() == 0  # a sent document is never sent again


def test_an_unwritable_folder_is_a_transmission_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    with pytest.raises(TransmissionError):
        FolderSender(folder=blocker / "outbox").send(
            filename="x.xml", xml=b"<x/>", receiver_endpoint="0088:1"
        )

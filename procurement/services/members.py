"""Members of an organisation: invitations, roles and admins, languages, EAN locations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Invitation, Membership, Organisation, OrganisationLocation
from ..notifications import active_language
from .errors import ProcurementError


def invitation_send(
    *, organisation: Organisation, email: str, role: str, invited_by, base_url: str, is_admin: bool = False
) -> Invitation:
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        role=role,
        is_admin=is_admin,
        invited_by=invited_by,
    )
    link = base_url.rstrip("/") + reverse("procurement:invitation-accept", kwargs={"token": invitation.token})
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("procurement/emails/invitation.txt", {"invitation": invitation, "link": link})
        subject = _("Invitation to order for %(organisation)s") % {"organisation": organisation.name}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ProcurementError(_("This invitation has already been used."))
    if user.email.lower() != invitation.email.lower():
        raise ProcurementError(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.update_or_create(
        organisation=invitation.organisation,
        user=user,
        defaults={
            "role": invitation.role,
            "is_admin": invitation.is_admin,
            "language": active_language(),
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _last_admin_check(*, membership: Membership, by) -> None:
    """An organisation admin cannot leave the organisation without one (staff can)."""
    if by.is_staff or not membership.is_admin:
        return
    others = Membership.objects.filter(organisation=membership.organisation, is_admin=True).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ProcurementError(
            _("The organisation must keep at least one admin: make another member admin first.")
        )


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_admin: bool, by) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ProcurementError(_("Unknown role."))
    if membership.is_admin and not is_admin:
        _last_admin_check(membership=membership, by=by)
    membership.role, membership.is_admin = role, is_admin
    membership.save(update_fields=["role", "is_admin"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _last_admin_check(membership=membership, by=by)
    membership.delete()


def membership_language_set(*, membership: Membership, language: str) -> Membership:
    """The member's own choice of language for the e-mails to them; ordering no longer changes it."""
    if language not in dict(settings.LANGUAGES):
        raise ProcurementError(_("Unknown language."))
    membership.language, membership.language_chosen = language, True
    membership.save(update_fields=["language", "language_chosen"])
    return membership


def location_add(*, organisation: Organisation, ean: str, unit_name: str) -> OrganisationLocation:
    """A new EAN number; the model checks the GS1 check digit, this says when it is taken."""
    ean = "".join((ean or "").split())
    location = OrganisationLocation(organisation=organisation, ean=ean, unit_name=(unit_name or "").strip())
    try:
        location.full_clean()
    except ValidationError as exc:
        if "ean" in exc.message_dict and OrganisationLocation.objects.filter(ean=ean).exists():
            raise ProcurementError(_("EAN number %(ean)s is already registered.") % {"ean": ean})
        raise ProcurementError([m for messages in exc.message_dict.values() for m in messages])
    location.save()
    return location


def location_remove(*, location: OrganisationLocation) -> None:
    """An EAN number that orders were invoiced to stays: those invoices refer to it."""
    if location.bulk_orders.exists():
        raise ProcurementError(
            _("EAN number %(ean)s has orders and cannot be removed.") % {"ean": location.ean}
        )
    location.delete()

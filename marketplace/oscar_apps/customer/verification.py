"""E-mail verification of new buyer accounts (issue 11 point 13).

A registered account stays inactive until its owner opens the signed link mailed to the
address; until then the buyer can still check out as a guest with that address. The token
is Django's password-reset token with its own salt, over the account's state, so it stops
working once used (the account is active then) and after PASSWORD_RESET_TIMEOUT.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from marketplace.site_url import site_url

LOGIN_BACKEND = "marketplace.layout.auth_backends.EmailBackend"


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "marketplace.oscar_apps.customer.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def email_verification_link(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("customer:email-verify", kwargs={"uidb64": uidb64, "token": token})
    return site_url(path)


def email_verification_send(user) -> None:
    """Mail the link in the language of the page the buyer registered on."""
    context = {"user": user, "link": email_verification_link(user), "shop": settings.OSCAR_SHOP_NAME}
    subject = render_to_string("customer/email/verify_subject.txt", context).strip()
    body = render_to_string("customer/email/verify_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def email_verify(request, uidb64, token):
    """The link from the e-mail: activate the account once and log its owner in."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not email_verification_token.check_token(user, token):
        messages.error(
            request, _("This confirmation link is invalid or has expired. Log in, or register again.")
        )
        return redirect("customer:login")
    user.is_active = True
    user.save(update_fields=["is_active"])
    auth_login(request, user, backend=LOGIN_BACKEND)
    messages.success(request, _("Your e-mail address is confirmed and you are logged in."))
    return redirect("customer:summary")

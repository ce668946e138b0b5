"""The invitation link's token: Django's password-reset token under a salt of its own. The
invitation (hubs/invitations.py) makes the link; the accounts app's activation page takes it.

Like a reset token it is signed (nothing is stored), expires after PASSWORD_RESET_TIMEOUT and
works once: it hashes the password and the last login, which setting the password changes.
The own salt keeps the two links apart: a reset token does not open the invitation page."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    # The salt keeps the name of the module this class was first written in: changing it would
    # void every invitation link already sent.
    key_salt = "yorozu.accounts.tokens.ActivationTokenGenerator"


activation_token = ActivationTokenGenerator()


def activation_url(user) -> str:
    """The full address of the page where `user` sets their first password."""
    path = reverse("accounts:activate", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": activation_token.make_token(user)})
    return settings.SITE_URL.rstrip("/") + path


def link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from hubs.models import Appointment
from yorozu.core import fiscal


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ResetForm(PasswordResetForm):
    """"Forgot password" that also reaches a person invited who never set a password.

    Django skips accounts without a usable password, which elsewhere mark accounts that log in
    some other way. Here they are people proposed as coordinators: once an appointment of
    theirs is approved and not over, a reset link is how they get in when the invitation was
    lost or has expired. Before approval, and for deactivated accounts, nothing is sent."""

    def get_users(self, email):
        today = fiscal.today()
        appointed = Appointment.objects.filter(user=OuterRef("pk"), ends_on__gte=today,
                                               status=Appointment.Status.APPROVED)
        users = (get_user_model().objects.filter(email__iexact=email, is_active=True)
                 .annotate(appointed=Exists(appointed)))
        return (user for user in users
                if (user.has_usable_password() or user.appointed)
                and _same_email(email, user.email))


def _same_email(a: str, b: str) -> bool:
    # As Django's own form compares: iexact in the database can match other Unicode forms.
    return (unicodedata.normalize("NFKC", a).casefold()
            == unicodedata.normalize("NFKC", b).casefold())

"""The page an invitation's link opens: a new member of staff sets their first password.

Django's PasswordResetConfirmView does the work: opening the link only moves the token into
the session and redirects to a tokenless address (a mail scanner that fetches the link uses up
nothing); the token is checked again when the form is posted, and setting the password
invalidates it (hubs/tokens.py)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from hubs.tokens import activation_token


class ActivationView(auth_views.PasswordResetConfirmView):
    token_generator = activation_token
    template_name = "registration/activation.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _(
            "Your password is set. Log in with your email address and the new password."))
        return response

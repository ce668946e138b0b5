from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Emails are matched without regard to case: people type them both ways.
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may do comes from their appointments (hubs.Appointment),
    never from fields here; is_staff only opens the Django admin for system administrators."""

    email = models.EmailField(_("email address"), unique=True)
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("system administrator"),
        default=False,
        help_text=_("Can log in to the Django admin. Grants no access to hub data."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The Tokyo date on which group memberships were last rebuilt from appointments.
    access_synced_on = models.DateField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["family_name", "given_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["family_name_kana", "family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name_of(self.family_name, self.given_name, self.email)

    # The columns name_of reads, in its order: what a list reads of a person it names.
    NAME_FIELDS = ("family_name", "given_name", "email")

    @staticmethod
    def name_of(family_name: str, given_name: str, email: str) -> str:
        """A person as every list and select names them: the full name, family name first
        (get_full_name), else the email. From the three columns alone, for a select of many
        people read as values."""
        return f"{family_name} {given_name}".strip() or email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        # Japanese order: family name first.
        return f"{self.family_name} {self.given_name}".strip()

    def get_short_name(self):
        return self.family_name

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hubs"
    verbose_name = _("Hubs")

    def ready(self):
        from . import rls, signals  # noqa: F401 - rls listens for new connections

        # After migrate and after every test flush: the 47 hubs are reference data the
        # application cannot run without, and role permissions follow the code.
        post_migrate.connect(signals.load_reference_data, sender=self)
        # Row-level security follows the models, so it is put in place after every migrate.
        post_migrate.connect(signals.install_hub_wall, sender=self)

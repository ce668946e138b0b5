from django.apps import AppConfig


class YorozuConfig(AppConfig):
    """The project layer as an app, so that it can hold management commands (seed_demo)."""

    name = "yorozu"
    verbose_name = "Yorozu"

    def ready(self):
        # Before any URLconf is imported (URLs are loaded after every app is ready), so that
        # each app's urls.py can use `<jis:...>` without importing who defines it.
        from yorozu.core import converters

        converters.register()

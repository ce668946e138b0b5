"""Path converters of the URLs. Registered once, by the project app (yorozu/apps.py), before
any URLconf that uses them is imported."""

from django.urls import register_converter


class PrefectureCode:
    """`<jis:jis_code>`: a hub by its prefecture's two-digit JIS X 0401 code."""

    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{value}"


def register() -> None:
    register_converter(PrefectureCode, "jis")

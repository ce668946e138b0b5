"""Sections that apps above consultations add to the client page (evaluation.outcomes: the
firm's financial figures and milestones). Consultations must not import those apps, so each
registers a section from its AppConfig.ready(), as the satisfaction survey listens for cases
that end.

A section is a callable `(*, request, client) -> dict | None`: the dict has "template" (drawn
by templates/consultations/client_detail.html with the dict as `section`) and whatever that
template reads; None leaves it out (a role that may not see it)."""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def client_section_register(section: Callable) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def client_sections(*, request, client) -> list[dict]:
    """The sections of `client`'s page as `request`'s user sees them, in registration order."""
    found = (section(request=request, client=client) for section in _SECTIONS)
    return [section for section in found if section is not None]

"""Comparing two rendered pages, for "another hub's record reads exactly like a missing one"."""

import re

# Per-request noise: the CSRF token, the language switch's return address (the path the user
# typed, so it tells them nothing new), and the seconds the login has left.
NOISE = re.compile(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"|data-session-remaining="\d+"')


def page_text(response) -> str:
    """The page without its per-request noise."""
    return NOISE.sub("", response.content.decode())


def same_page(a, b) -> bool:
    return page_text(a) == page_text(b)

"""Comparing two rendered pages, for "another hub's record reads exactly like a missing one"."""

import re

# Per-request noise: the CSRF token, the language switch's return address (the path the user
# typed, so it tells them nothing new), and the seconds the login has left.
NOISE = re.compile(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"|data-session-remaining="\d+"')


def same_page(a, b) -> bool:
    return NOISE.sub("", a.content.decode()) == NOISE.sub("", b.content.decode())

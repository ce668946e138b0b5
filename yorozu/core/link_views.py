"""The public pages of a single-use link (yorozu/core/links.py), written once for every kind:
the referral links (/r/), the satisfaction survey (/s/c/) and the agency survey (/s/a/).

The emailed address shows a page with one button and uses nothing up, because mail security
scanners fetch every link before people do; the button's POST claims the link and redirects
to the kind's visit page, so the token leaves the address bar. A wrong, used, expired or
over-long token answers the same 404 as any missing page: a guesser learns nothing. No
account is needed (login_not_required), nothing is kept by a shared computer's browser
(never_cache: Cache-Control no-store), and each address may try only so many links
(django-ratelimit, counted per kind in the shared cache)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from .links import LinkKind

OPEN_RATE = "20/h"  # links tried per address: a guesser's budget
VISIT_RATE = "60/h"  # answers posted per address


def link_open_view(kind: LinkKind, *, template: str, visit: str,
                   context: Callable[[str], dict | None] | None = None):
    """The view of the emailed address. `visit` is the URL name of the visit page;
    `context(token)` adds to the page, or answers 404 with None (a closed survey, say)."""

    @login_not_required
    @never_cache
    @ratelimit(group=f"link_open:{kind.label}", key="ip", rate=OPEN_RATE, block=True)
    def view(request, token):
        extra = context(token) if context else {}
        if extra is None:
            raise Http404
        if request.method == "POST":
            if not kind.open(token, request.session):
                raise Http404
            return redirect(visit)
        if not kind.usable(token):
            raise Http404
        return render(request, template, extra)

    return view


def link_visit_view(kind: LinkKind, *, queryset: Callable | None = None):
    """Decorates `page(request, row)`, the visit page: it runs only while the visitor's visit
    lasts, with the link's row (from `queryset()` if given); otherwise 404."""

    def decorator(page):
        # wraps: the rate limit counts under the page's own name.
        @login_not_required
        @never_cache
        @ratelimit(key="ip", rate=VISIT_RATE, method="POST", block=True)
        @wraps(page)
        def view(request):
            row = kind.visit(request.session, queryset() if queryset else None)
            if row is None:
                raise Http404
            return page(request, row)

        return view

    return decorator

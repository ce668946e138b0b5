"""{% open_requests hub year %}: the improvement requests of the hub's published evaluations
of years before `year` that are not done yet. The annual plan (its draft and its page) and the
hearing's evidence pack show them, so that what the last evaluation asked carries into the
next year (PDCA). Two queries (the requests, their actions)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("evaluation/assessments/_open_requests.html", takes_context=True)
def open_requests(context, hub, year, heading_level=2):
    found = selectors.open_requests(user=context["request"].user, before_year=year)
    rows = list(found.filter(hub=hub))
    return {"open_requests": rows, "heading": f"h{heading_level}", "hub": hub}

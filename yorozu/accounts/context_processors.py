from .middleware import seconds_left, warning_seconds


def session_timer(request):
    """What base.html puts on <body> for static/js/session.js: the seconds this login has left
    (from the server, so the warning matches the real idle logout) and when to warn."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_timer": {"remaining": seconds_left(request.session),
                              "warning": warning_seconds()}}

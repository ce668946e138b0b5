def axes_username(request, credentials):
    """The username django-axes counts failures against: the email as the user would be found,
    so that 'A@x.jp' and 'a@x.jp ' share one counter."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return raw.strip().lower()

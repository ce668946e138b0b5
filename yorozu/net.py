"""The visitor's address, for the per-address limits (link pages, login lockout).

Behind the TLS proxy every connection comes from the proxy, so REMOTE_ADDR alone would put
the whole country behind one counter. The proxy appends the address it saw to
X-Forwarded-For, but anyone can send that header too: it is believed only from the proxies
in TRUSTED_PROXIES, and only its part that those proxies wrote."""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str:
    """The right-most address in X-Forwarded-For that no trusted proxy holds: each trusted
    proxy appends the address it received the request from, so what lies left of the first
    untrusted one was written by the visitor and proves nothing."""
    address = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(address, networks):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not written by a proxy of ours: keep the last address one of them vouched for
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address

"""Webhook URLs must not reach inside the server's network (SSRF).

A URL is refused when its host resolves to any private, loopback, link-local, multicast,
reserved or unspecified address, unless the site admin allows private targets
(``WORKSPACE_WEBHOOKS_ALLOW_PRIVATE=1``). The check runs when the webhook is saved and again
before every delivery (a DNS record may change in between).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _


class UnsafeUrl(ValueError):
    """The message says why (French, shown next to the field)."""


def private_allowed() -> bool:
    value = current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", "0")
    return str(value).lower() in ("1", "true", "yes", "on")


def _forbidden(ip: ipaddress._BaseAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise UnsafeUrl(_("Le nom d'hôte ne peut pas être résolu.")) from None
    return sorted({info[4][0] for info in infos})


def check_url(url: str) -> str:
    """Return ``url`` if it may receive webhooks, else raise :class:`UnsafeUrl`."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl(_("Adresse invalide.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(_("L'adresse doit commencer par https:// (ou http://)."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("L'adresse ne doit pas contenir d'identifiants."))
    if private_allowed():
        return url
    for address in resolve(parts.hostname, port):
        ip = ipaddress.ip_address(address.split("%")[0])
        if _forbidden(ip):
            raise UnsafeUrl(
                _(
                    "Adresse refusée : %(host)s désigne un réseau privé ou local (%(ip)s).",
                    host=parts.hostname,
                    ip=address,
                )
            )
    return url

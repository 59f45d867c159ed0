"""Where an endpoint may point: HTTPS to a public address. Private, loopback and
link-local addresses (the platform's own network, cloud metadata) are refused unless
allow-listed, so a registered URL cannot make the notifier reach inside."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from sharik.errors import Invalid

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


async def check_url(url: str, *, allowed: tuple[Network, ...]) -> None:
    """Invalid unless `url` is https (or http to an allow-listed address) and every
    address its host resolves to is public or allow-listed."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Invalid("the endpoint must be an https URL", details=[{"field": "url"}])
    if parts.username or parts.password:
        raise Invalid("the URL may not carry credentials", details=[{"field": "url"}])
    addresses = await resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise Invalid(f"{parts.hostname} does not resolve", details=[{"field": "url"}])
    for address in addresses:
        listed = any(address in network for network in allowed)
        if not listed and not address.is_global:
            raise Invalid(f"{parts.hostname} resolves to a non-public address ({address})", details=[{"field": "url"}])
        if parts.scheme == "http" and not listed:
            raise Invalid("the endpoint must be an https URL", details=[{"field": "url"}])


async def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return [ipaddress.ip_address(info[4][0]) for info in infos]

"""SSRF guard for links that users give SpaceClip (docs/SECURITY.md, items 21-22).

A link is accepted only when every part of it is safe to fetch from the server:

* scheme ``http`` or ``https``; no user name or password in the link;
* port 80, 443 or an unprivileged port (1024-65535). Other privileged ports (22, 25, 110, ...) are
  refused: they only ever serve other protocols, and an HTTP request smuggled to them is a classic
  cross-protocol attack;
* the host, written the normal way. Numeric IPv4 hosts are parsed the way the C resolver's
  ``inet_aton`` reads them (``2130706433``, ``0x7f000001``, ``0177.0.0.1`` and ``127.1`` all mean
  ``127.0.0.1``); any form other than the plain dotted quad is refused, and the message says
  "private network" when the address it stands for is private;
* every address the host resolves to is publicly routable. Refused: loopback, private (10/8,
  172.16/12, 192.168/16), link-local (169.254/16 with the cloud metadata address, fe80::/10),
  carrier-grade NAT (100.64/10), unspecified, multicast, reserved, unique-local (fc00::/7),
  site-local, and anything else Python's :mod:`ipaddress` does not call global. IPv6 forms that
  carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4
  ``2002::/16``) are judged by the IPv4 address inside; deprecated IPv4-compatible ``::a.b.c.d`` is
  refused outright. If *any* resolved address is refused, the whole host is.

:meth:`UrlGuard.resolve` returns the vetted ``getaddrinfo`` entries so that a caller connects to
exactly the addresses that were checked (no second DNS lookup, so DNS rebinding between check and
connect is not possible). :mod:`spaceclip.services.ingest.ytdlp_guard` does that for every request
yt-dlp makes, redirects included.

``Settings.allow_private_urls`` (``SPACECLIP_ALLOW_PRIVATE_URLS``, tests only, off by default)
permits loopback addresses *only* (127.0.0.0/8 and ``::1`` written plainly); every other refusal
stays. Tests that need one more loopback server to count as "public" (a redirector) pass its exact
``host:port`` in ``allowed_endpoints``; that is a constructor argument, never a setting.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spaceclip.config import Settings
from spaceclip.errors import HostNotFound, PrivateAddressRefused, UrlRefused

log = logging.getLogger(__name__)

__all__ = [
    "AddrInfo",
    "IPAddress",
    "UrlGuard",
    "VettedUrl",
    "connect_vetted",
    "forbidden_reason",
    "parse_numeric_ipv4",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]
Resolver = Callable[..., Sequence[AddrInfo]]

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_CHARS = 4096
FIRST_UNPRIVILEGED_PORT = 1024


_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPAT = ipaddress.ip_network("::/96")
_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")
# Letters, digits, hyphen, underscore (seen in real CDN names) and dots; anything else in a host
# (percent escapes, zone ids, spaces) is refused rather than handed to a resolver.
_HOSTNAME = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?\.?$")


@dataclass(frozen=True)
class VettedUrl:
    """A link that passed the guard.

    Attributes:
        url: the link as given (already checked; yt-dlp may normalise it further).
        scheme: ``http`` or ``https``.
        host: lower-case host name or canonical IP text, IDNA-encoded, without brackets.
        port: the explicit port or the scheme's default.
        addresses: the vetted addresses (empty when checked without resolving a host name).
    """

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


def parse_numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` the way ``inet_aton`` does, or return None when it is not numeric.

    One to four dot-separated parts, each decimal, octal (leading ``0``) or hex (``0x``); the last
    part fills the remaining bytes (``127.1`` is ``127.0.0.1``, ``2130706433`` is one 32-bit number).

    Args:
        host: a host name without brackets; one trailing dot is ignored.

    Returns:
        The address, or None when some label is not a number (a host name for DNS).

    Raises:
        UrlRefused: every label is numeric but the whole is not a valid address (``1.2.3.4.5``,
            ``08``, ``256.1.1.1``): no resolver should be asked to guess.
    """
    text = host[:-1] if host.endswith(".") else host
    labels = text.split(".")
    if not text or not all(_NUMERIC_LABEL.match(label) for label in labels):
        return None
    malformed = UrlRefused(
        "This link's server address is not a valid IP address. Check the link and try again.",
        detail=f"host {host!r}",
    )
    if len(labels) > 4:
        raise malformed
    values: list[int] = []
    for label in labels:
        try:
            if label[:2].lower() == "0x":
                values.append(int(label[2:] or "0", 16))
            elif len(label) > 1 and label.startswith("0"):
                values.append(int(label[1:], 8))
            else:
                values.append(int(label, 10))
        except ValueError:
            raise malformed from None
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        raise malformed
    number = last
    for i, value in enumerate(head):
        number |= value << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr.sixtofour is not None:
        return addr.sixtofour
    return None


def forbidden_reason(addr: IPAddress) -> str | None:
    """Why ``addr`` must not be fetched from the server, or None when it is publicly routable.

    Args:
        addr: an IPv4 or IPv6 address.

    Returns:
        A short reason ("loopback", "private", "link-local", ...) or None.
    """
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            return "scoped IPv6"
        embedded = _embedded_ipv4(addr)
        if embedded is not None:
            inner = forbidden_reason(embedded)
            return f"{inner} (inside an IPv6 address)" if inner else None
        if addr in _IPV4_COMPAT and not (addr.is_unspecified or addr.is_loopback):
            return "IPv4-compatible IPv6 (deprecated)"
        if addr in _NAT64_LOCAL:
            return "private (local NAT64)"
        if addr in _UNIQUE_LOCAL:
            return "unique-local"
        if addr.is_site_local:
            return "site-local"
    checks: tuple[tuple[bool, str], ...] = (
        (addr.is_unspecified, "unspecified"),
        (addr.is_loopback, "loopback"),
        (addr.is_link_local, "link-local"),
        (addr.is_multicast, "multicast"),
        (isinstance(addr, ipaddress.IPv4Address) and addr in _CGNAT, "carrier-grade NAT"),
        (addr.is_reserved, "reserved"),
        (addr.is_private, "private"),
        (not addr.is_global, "not publicly routable"),
    )
    return next((reason for hit, reason in checks if hit), None)


def _is_plain_loopback(addr: IPAddress) -> bool:
    """127.0.0.0/8 or ::1 written as such (not wrapped in another IPv6 form)."""
    if isinstance(addr, ipaddress.IPv4Address):
        return addr.is_loopback
    return addr == ipaddress.IPv6Address("::1")


def _endpoint_key(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class UrlGuard:
    """Checks links and resolves hosts to vetted addresses.

    Args:
        allow_loopback: permit 127.0.0.0/8 and ``::1`` (``Settings.allow_private_urls``; tests only).
        allowed_endpoints: exact ``host:port`` strings (``127.0.0.1:8123``, ``[::1]:8123``) treated as
            public whatever they resolve to. For tests that need a stand-in for a public server;
            never filled from configuration.
        resolver: ``socket.getaddrinfo`` or a stand-in with the same signature.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        allowed_endpoints: Iterable[str] = (),
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.allowed_endpoints = frozenset(e.strip().lower() for e in allowed_endpoints)
        self._resolver = resolver

    @classmethod
    def from_settings(cls, settings: Settings, *, allowed_endpoints: Iterable[str] = ()) -> UrlGuard:
        """The guard configured by ``settings`` (loopback only with ``allow_private_urls``)."""
        return cls(allow_loopback=settings.allow_private_urls, allowed_endpoints=allowed_endpoints)

    def check_url(self, url: str, *, resolve: bool = True) -> VettedUrl:
        """Check a link before anything is fetched from it.

        Args:
            url: the link as the user (or a redirect) gave it.
            resolve: also resolve a host name and vet every address. Without it only the syntax,
                port and IP-literal hosts are checked; the connection must then go through
                :meth:`resolve`.

        Returns:
            The vetted link.

        Raises:
            UrlRefused: with a message for the user (:class:`PrivateAddressRefused` for non-public
                addresses, :class:`HostNotFound` when the name does not resolve).
        """
        scheme, host, port = self._split(url)
        literal = self._literal_address(host)
        if literal is not None:
            self._vet_address(literal, host, port)
            return VettedUrl(url, scheme, str(literal), port, (literal,))
        addresses: tuple[IPAddress, ...] = ()
        if resolve:
            infos = self.resolve(host, port)
            addresses = tuple(ipaddress.ip_address(info[4][0]) for info in infos)
        return VettedUrl(url, scheme, host, port, addresses)

    def resolve(self, host: str, port: int) -> list[AddrInfo]:
        """Resolve ``host`` and return its ``getaddrinfo`` entries, all of them vetted.

        Connect to these (and only these) to reach the host: no second lookup can swap in another
        address.

        Args:
            host: a host name or IP literal (brackets allowed), as an HTTP client holds it.
            port: the TCP port.

        Raises:
            UrlRefused: refused address or malformed host; :class:`HostNotFound` if it does not resolve.
        """
        host = self._normalise_host(host.strip("[]") if host.startswith("[") else host)
        self._check_port(port, host)
        literal = self._literal_address(host)
        if literal is not None:
            self._vet_address(literal, host, port)
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            sockaddr: tuple[Any, ...] = (str(literal), port) if literal.version == 4 else (str(literal), port, 0, 0)
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        try:
            infos = list(self._resolver(host, port, type=socket.SOCK_STREAM))
        except (socket.gaierror, UnicodeError) as exc:
            raise HostNotFound(
                "SpaceClip could not find the server for this link (its name does not resolve). "
                "Check the link for typos and try again.",
                detail=f"{host}: {exc}",
            ) from None
        if not infos:
            raise HostNotFound(
                "SpaceClip could not find the server for this link. Check the link and try again.",
                detail=f"{host}: no addresses",
            )
        for info in infos:
            self._vet_address(ipaddress.ip_address(info[4][0]), host, port)
        log.debug("resolved %s:%s to %s", host, port, [info[4][0] for info in infos])
        return infos

    # -- parts ---------------------------------------------------------------------------------

    def _split(self, url: str) -> tuple[str, str, int]:
        if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
            raise UrlRefused("This link is empty or too long. Paste the page's web address and try again.")
        if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
            raise UrlRefused(
                "This link contains spaces or control characters. Paste the web address exactly as "
                "your browser shows it."
            )
        try:
            parts = urllib.parse.urlsplit(url)
            port_given = parts.port
        except ValueError as exc:
            raise UrlRefused("This link is not a valid web address. Check it and try again.", detail=str(exc)) from None
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise UrlRefused(
                "SpaceClip only imports http:// and https:// links. Paste the page's web address, or upload the file.",
                detail=f"scheme {scheme!r}",
            )
        if "@" in parts.netloc or parts.username is not None or parts.password is not None:
            raise UrlRefused(
                "Links with a user name or password in them are not accepted. Remove the "
                "'name:password@' part, or download the file yourself and upload it."
            )
        raw_host = parts.hostname
        if not raw_host:
            raise UrlRefused("This link has no server name. Check it and try again.")
        host = self._normalise_host(raw_host)
        port = port_given if port_given is not None else DEFAULT_PORTS[scheme]
        self._check_port(port, host)
        return scheme, host, port

    @staticmethod
    def _normalise_host(host: str) -> str:
        host = host.lower()
        if ":" in host:  # IPv6 literal; zone ids ("%eth0") and other extras are refused
            try:
                return str(ipaddress.IPv6Address(host))
            except ValueError:
                raise UrlRefused(
                    "This link's server address is not a valid IP address. Check the link and try again.",
                    detail=f"host {host!r}",
                ) from None
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise UrlRefused(
                    "This link's server name is not valid. Check the link and try again.",
                    detail=f"host {host!r}",
                ) from None
        if not _HOSTNAME.match(host) or ".." in host:
            raise UrlRefused(
                "This link's server name is not valid. Check the link and try again.",
                detail=f"host {host!r}",
            )
        return host

    def _check_port(self, port: int, host: str) -> None:
        if not 0 < port < 65536:
            raise UrlRefused("This link's port number is not valid. Check the link and try again.")
        if port in DEFAULT_PORTS.values() or port >= FIRST_UNPRIVILEGED_PORT:
            return
        if _endpoint_key(host, port) in self.allowed_endpoints:
            return
        raise UrlRefused(
            f"This link uses network port {port}, which SpaceClip refuses for safety (only 80, 443 "
            "and ports from 1024 up are allowed). Use the site's normal address or upload the file.",
            detail=f"{host}:{port}",
        )

    @staticmethod
    def _literal_address(host: str) -> IPAddress | None:
        """The address written in ``host``; refuses IPv4 written in any but the dotted-quad form."""
        if ":" in host:
            return ipaddress.IPv6Address(host)
        numeric = parse_numeric_ipv4(host)
        if numeric is None:
            return None
        if host != str(numeric):
            if forbidden_reason(numeric) is not None:
                raise PrivateAddressRefused(detail=f"{host!r} means {numeric}")
            raise UrlRefused(
                "This link writes its server address in an unusual numeric form, which SpaceClip "
                "refuses for safety. Use the site's normal name or address.",
                detail=f"{host!r} means {numeric}",
            )
        return numeric

    def _vet_address(self, addr: IPAddress, host: str, port: int) -> None:
        if _endpoint_key(host, port) in self.allowed_endpoints:
            return
        reason = forbidden_reason(addr)
        if reason is None:
            return
        if self.allow_loopback and _is_plain_loopback(addr):
            return
        log.info("refused %s:%s (%s, %s)", host, port, addr, reason)
        raise PrivateAddressRefused(detail=f"{host} -> {addr}: {reason}")


def connect_vetted(infos: list[AddrInfo], timeout: Any, source_address: tuple[str, int] | None) -> socket.socket:
    """Connect to the first vetted address that answers (like ``socket.create_connection``).

    Args:
        infos: what :meth:`UrlGuard.resolve` returned, so no second lookup can swap the address.
    """
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError("no address to connect to")

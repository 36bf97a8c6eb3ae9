"""The SSRF guard's rules as tables: numeric host forms, address classes, whole links.

No request leaves the process here: hosts are IP literals or ``localhost`` (resolved from
/etc/hosts). The end-to-end matrix with a canary server is in ``test_download.py``.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from spaceclip.config import Settings
from spaceclip.errors import PRIVATE_NETWORK_MESSAGE, HostNotFound, PrivateAddressRefused, UrlRefused
from spaceclip.services.ingest.urlguard import AddrInfo, UrlGuard, forbidden_reason, parse_numeric_ipv4
from tests.ingest import PRIVATE_RANGE_LINKS


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("10.0.0.1.", "10.0.0.1"),
        ("3232235777", "192.168.1.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("8.8.8.8", "8.8.8.8"),
        ("example.com", None),
        ("127.0.0.1.example.com", None),
        ("0x7f.example", None),
        ("cafe", None),
    ],
)
def test_parse_numeric_ipv4_reads_like_inet_aton(host: str, expected: str | None) -> None:
    parsed = parse_numeric_ipv4(host)
    assert (str(parsed) if parsed is not None else None) == expected


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "08", "0x1ffffffff", "1.2.65536", "4294967296"])
def test_parse_numeric_ipv4_refuses_malformed_numbers(host: str) -> None:
    with pytest.raises(UrlRefused):
        parse_numeric_ipv4(host)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("fc00::1", "unique-local"),
        ("fd12::1", "unique-local"),
        ("fec0::1", "site-local"),
        ("::ffff:127.0.0.1", "loopback (inside an IPv6 address)"),
        ("::ffff:10.1.2.3", "private (inside an IPv6 address)"),
        ("64:ff9b::7f00:1", "loopback (inside an IPv6 address)"),
        ("64:ff9b::a9fe:a9fe", "link-local (inside an IPv6 address)"),
        ("2002:7f00:1::1", "loopback (inside an IPv6 address)"),
        ("2002:c0a8:101::1", "private (inside an IPv6 address)"),
        ("::127.0.0.1", "IPv4-compatible IPv6 (deprecated)"),
        ("64:ff9b:1::1", "private (local NAT64)"),
        ("192.0.2.1", "private"),  # documentation range (TEST-NET-1)
        ("198.18.0.1", "private"),  # benchmarking range
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),
    ],
)
def test_forbidden_reason(address: str, reason: str | None) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


# Every one of these must be refused by the default guard without any network traffic.
REFUSED_LINKS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/video.mp4",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://[::1]/",
    *PRIVATE_RANGE_LINKS,
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::1]/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://0/",
    "https://127.0.0.1:443/",
    "file:///etc/passwd",
    "ftp://ftp.example.com/file.mp4",
    "gopher://127.0.0.1:6379/_INFO",
    "dict://127.0.0.1:11211/",
    "javascript:alert(1)",
    "http://user:pass@example.com/",
    "http://example.com@127.0.0.1/",
    "http://example.com:22/",
    "http://example.com:25/",
    "http://8.8.8.8:0/",
    "http://[::1%25lo]/",
    "http://exa mple.com/",
    "http://example.com/\r\nHost: evil",
    "//example.com/video",
    "example.com/video",
    "",
]


@pytest.mark.parametrize("url", REFUSED_LINKS)
def test_default_guard_refuses(url: str) -> None:
    with pytest.raises(UrlRefused):
        UrlGuard().check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://127.1/",
        "http://0x7f000001/",
    ],
)
def test_private_addresses_get_the_private_network_message(url: str) -> None:
    with pytest.raises(PrivateAddressRefused) as caught:
        UrlGuard().check_url(url)
    assert caught.value.user_message == PRIVATE_NETWORK_MESSAGE


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/a.mp4", True),
        ("http://127.9.9.9/", True),
        ("http://localhost:9999/", True),
        ("http://[::1]:8000/", True),
        ("http://10.0.0.1/", False),
        ("http://192.168.1.1/", False),
        ("http://169.254.169.254/", False),
        ("http://100.64.0.1/", False),
        ("http://[fd12::1]/", False),
        ("http://[::ffff:127.0.0.1]/", False),  # only plainly written loopback
        ("http://2130706433/", False),  # odd forms stay refused
        ("http://127.1/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_allow_private_urls_permits_loopback_only(url: str, allowed: bool) -> None:
    settings = Settings(allow_private_urls=True, _env_file=None)
    guard = UrlGuard.from_settings(settings)
    if allowed:
        vetted = guard.check_url(url)
        assert all(a.is_loopback for a in vetted.addresses)
    else:
        with pytest.raises(UrlRefused):
            guard.check_url(url)


def test_setting_is_off_by_default() -> None:
    settings = Settings(_env_file=None)
    assert settings.allow_private_urls is False
    with pytest.raises(PrivateAddressRefused):
        UrlGuard.from_settings(settings).check_url("http://127.0.0.1:8000/")


def test_allowed_endpoint_is_exact_host_and_port() -> None:
    guard = UrlGuard(allowed_endpoints=["127.0.0.1:8123"])
    assert guard.check_url("http://127.0.0.1:8123/x").port == 8123
    for other in ("http://127.0.0.1:8124/", "http://localhost:8123/", "http://127.0.0.2:8123/"):
        with pytest.raises(PrivateAddressRefused):
            guard.check_url(other)


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("https://www.youtube.com/watch?v=abc", "www.youtube.com", 443),
        ("HTTP://Example.COM:8080/a", "example.com", 8080),
        ("http://8.8.8.8/a.mp4", "8.8.8.8", 80),
        ("https://[2606:4700:4700::1111]/", "2606:4700:4700::1111", 443),
        ("https://x.com/i/spaces/1YqKDqWqdPLsV", "x.com", 443),
        ("http://bücher.example/", "xn--bcher-kva.example", 80),
    ],
)
def test_public_links_pass_the_syntax_check(url: str, host: str, port: int) -> None:
    vetted = UrlGuard().check_url(url, resolve=False)
    assert (vetted.host, vetted.port) == (host, port)


def _resolver(*answers: str):
    """A getaddrinfo stand-in answering fixed addresses (real DNS is not reachable in tests)."""

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port) if ":" not in a else (a, port, 0, 0),
            )
            for a in answers
        ]

    return resolve


def test_any_private_answer_refuses_the_whole_host() -> None:
    mixed = UrlGuard(resolver=_resolver("93.184.216.34", "10.0.0.5"))
    with pytest.raises(PrivateAddressRefused):
        mixed.check_url("https://media.example.com/a.mp4")
    public = UrlGuard(resolver=_resolver("93.184.216.34", "2606:2800:220:1::1"))
    infos = public.resolve("media.example.com", 443)
    assert [i[4][0] for i in infos] == ["93.184.216.34", "2606:2800:220:1::1"]


def test_unresolvable_host_has_its_own_message() -> None:
    def fail(*args: object, **kwargs: object) -> list[AddrInfo]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(HostNotFound) as caught:
        UrlGuard(resolver=fail).check_url("https://no-such-host.invalid/")
    assert "could not find the server" in caught.value.user_message


def test_resolve_handles_bracketed_and_literal_hosts() -> None:
    guard = UrlGuard(allow_loopback=True)
    assert guard.resolve("[::1]", 8000)[0][4][:2] == ("::1", 8000)
    assert guard.resolve("127.0.0.1", 8000)[0][4] == ("127.0.0.1", 8000)
    with pytest.raises(UrlRefused):
        guard.resolve("2130706433", 8000)

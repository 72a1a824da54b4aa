"""HTTPS through the address guard: TLS runs over the checked connection and verifies the URL's name.

A throwaway CA and server certificate are made with ``cryptography`` for each test session.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509  # installed with prefect; a missing one is an error, not a skip
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID  # noqa: E402

from claimtrack.settings import FetchSettings
from sources import Fetcher
from sources.addresses import GuardedBackend
from tests.sources.faultserver import HTML, FaultServer


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(CA cert, server cert, server key) files; the server cert names tls.example and 127.0.0.1."""
    out = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("claimtrack test CA"))
        .issuer_name(_name("claimtrack test CA")).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name("tls.example")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("tls.example"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = out / "ca.pem", out / "server.pem", out / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture
def tls_server(pki: tuple[Path, Path, Path]) -> Iterator[FaultServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki[1], pki[2])
    with FaultServer(ssl_context=context) as server:
        yield server


def _client_context(pki: tuple[Path, Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(pki[0]))


def _settings(server: FaultServer, *extra: str) -> FetchSettings:
    return FetchSettings(host_delay=0.0, retries=1, backoff=0.01, connect_timeout=2.0,
                         read_timeout=2.0, page_deadline=5.0, allow_hosts=(server.host, *extra))


async def test_https_fetch_through_the_guard(tls_server: FaultServer,
                                             pki: tuple[Path, Path, Path]) -> None:
    async with Fetcher(_settings(tls_server), ssl_context=_client_context(pki)) as fetcher:
        result = await fetcher.fetch(tls_server.url("/ok"))
    assert (result.status, result.reason, result.body) == ("fetched", "ok", HTML)
    assert result.final_url is not None and result.final_url.startswith("https://")


async def test_certificate_checked_against_the_url_name_not_the_address(
    tls_server: FaultServer, pki: tuple[Path, Path, Path]
) -> None:
    """We connect to the checked address, but TLS still verifies the hostname in the URL."""

    async def to_loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    port = tls_server.port
    allow = (f"tls.example:{port}", f"wrong.example:{port}")
    for name, expected in (("tls.example", "ok"), ("wrong.example", "tls_error")):
        backend = GuardedBackend(allow, resolver=to_loopback)
        settings = replace(_settings(tls_server, *allow), respect_robots=False)
        async with Fetcher(settings, backend=backend,
                           ssl_context=_client_context(pki)) as fetcher:
            result = await fetcher.fetch(f"https://{name}:{port}/ok")
        assert result.reason == expected, name
        assert backend.connected == [("127.0.0.1", port)]


async def test_untrusted_certificate_is_a_terminal_tls_error(tls_server: FaultServer) -> None:
    async with Fetcher(_settings(tls_server)) as fetcher:  # certifi's CAs: ours is unknown
        result = await fetcher.fetch(tls_server.url("/ok"))
    assert (result.status, result.reason, result.attempts) == ("failed", "tls_error", 1)
    async with Fetcher(replace(_settings(tls_server), respect_robots=False)) as fetcher:
        result = await fetcher.fetch(tls_server.url("/ok"))
    assert (result.status, result.reason, result.attempts) == ("failed", "tls_error", 1)

# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The command line: start-up line, signals, argument errors, TLS and a path prefix."""

import datetime
import ipaddress
import signal
import socket
import subprocess
import sys

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "vss_emulator", *args], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_line_and_exits_cleanly_on_a_signal(start_emulator, sig):
    emulator = start_emulator()
    assert emulator.get("/v2/image").status_code == 200

    status = emulator.stop(sig)

    assert status == 0
    assert emulator.url.startswith("http://127.0.0.1:")


def test_help_documents_options_and_every_fault():
    result = run_cli("--help")

    assert result.returncode == 0
    for text in ("--page-cap", "--request-delay", "--extra-images", "--tls-cert", "--log-file", "--otp"):
        assert text in result.stdout
    for fault in (
        "429:",
        "502",
        "slow:S",
        "html:STATUS",
        "badjson",
        "nodata",
        "reset",
        "short-total",
        "repeat-page",
    ):
        assert fault in result.stdout
    assert "pagecap:N" in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--fault", "teapot"), "unknown fault 'teapot'"),
        (("--fault", "429:x"), "count must be"),
        (("--tls-cert", "cert.pem"), "--tls-cert and --tls-key go together"),
        (("--extra-images", "/nonexistent/images.yml"), "cannot read /nonexistent/images.yml"),
        (("--page-cap", "0"), "not a positive integer"),
        (("--path-prefix", "vss"), "must start with '/'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, fragment):
    result = run_cli(*args)

    assert result.returncode == 2
    assert fragment in result.stderr
    assert result.stdout == ""


def test_bad_extra_images_file_is_refused(tmp_path):
    path = tmp_path / "extra.yml"
    path.write_text("- name: only-a-name.ova\n", encoding="utf-8")

    result = run_cli("--extra-images", str(path))

    assert result.returncode == 2
    assert "needs a non-empty string name and path" in result.stderr


def test_a_port_in_use_exits_1():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        result = run_cli("--port", str(holder.getsockname()[1]))

    assert result.returncode == 1
    assert "cannot listen" in result.stderr


def test_path_prefix_serves_the_api_under_it_only(start_emulator):
    emulator = start_emulator("--path-prefix", "/gateway/vss")

    body = emulator.get("/v2/image", params={"expand": 1, "per_page": 5}).json()
    outside = requests.get(emulator.url.replace("/gateway/vss", "") + "/v2/image", timeout=10)

    assert emulator.url.endswith("/gateway/vss")
    assert body["_links"]["api"] == f"{emulator.url}/v2/"
    assert body["meta"]["pages"]["next_url"] == f"{emulator.url}/v2/image?page=2&per_page=5"
    assert outside.status_code == 404
    assert emulator.stats()["by_route"] == {"GET /v2/image": 1}


def write_certificates(folder):
    """A throwaway CA and a certificate for 127.0.0.1 signed by it; the paths of CA, cert and key."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vss-emulator test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    ca_path, cert_path, key_path = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, cert_path, key_path


def test_tls_serves_https_with_the_given_certificate(start_emulator, tmp_path):
    ca_path, cert_path, key_path = write_certificates(tmp_path)
    emulator = start_emulator("--tls-cert", str(cert_path), "--tls-key", str(key_path))

    trusted = emulator.get("/v2/image", verify=str(ca_path))

    assert emulator.url.startswith("https://127.0.0.1:")
    assert trusted.status_code == 200
    assert len(trusted.json()["data"]) == 12
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{emulator.url}/v2/ping", timeout=10)

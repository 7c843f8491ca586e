"""Certificates for a TLS redis-server in tests: a CA, a server certificate for 127.0.0.1, a client one."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TlsFiles:
    """The CA certificate, and the server's and a client's certificate and key (PEM files)."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def openssl_missing() -> str | None:
    """Say why certificates cannot be made here (no openssl), or None."""
    return None if shutil.which("openssl") else "openssl is not installed: no certificates for a TLS Redis"


def make_tls_files(folder: Path) -> TlsFiles:
    """Write a throw-away CA and the certificates it signs into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca = folder / "ca.key", folder / "ca.crt"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
             "-subj", "/CN=scaletg test CA")
    files = TlsFiles(ca, folder / "server.crt", folder / "server.key", folder / "client.crt", folder / "client.key")
    _signed(folder, "server", files.server_cert, files.server_key, ca, ca_key, "subjectAltName=IP:127.0.0.1")
    _signed(folder, "client", files.client_cert, files.client_key, ca, ca_key, "extendedKeyUsage=clientAuth")
    return files


def _signed(folder: Path, name: str, cert: Path, key: Path, ca: Path, ca_key: Path, extension: str) -> None:
    request = folder / f"{name}.csr"
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", f"/CN={name}")
    extensions = folder / f"{name}.ext"
    extensions.write_text(extension + "\n")
    _openssl("x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
             "-days", "2", "-extfile", extensions)


def _openssl(*args: object) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)

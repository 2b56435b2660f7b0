"""PAdES signatures on certificate PDFs (pyHanko), and their validation.

The institution's key and certificate come from a PKCS#12 file
(settings.CERTIFICATE_SIGNING_P12_PATH / _PASSWORD), so a ministry can sign with its accredited
certificate. Without one, a development environment (DEBUG, the test settings, or
CERTIFICATE_ALLOW_DEV_KEY=1) generates once a self-signed key under
settings.CERTIFICATE_DEV_KEY_DIR and certificates signed with it say so. A production server
without a key refuses to issue: never an unsigned certificate.
"""

import asyncio
import datetime
import hashlib
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import structlog
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = structlog.get_logger(__name__)

DEV_KEY_COMMON_NAME = "Relevo – clave de desarrollo"
DEV_KEY_FILE = "pdf-signing-dev-p256.p12"
DEV_KEY_PASSWORD = b"relevo-dev-key"
SIGNATURE_FIELD = "FirmaRelevo"

_lock = threading.Lock()


class SigningKeyUnavailable(ImproperlyConfigured):
    """No usable signing key: issuance stops rather than produce an unsigned certificate."""


class PdfSigningKey:
    """A loaded signing key. Loading a PKCS#12 file is slow (key derivation), so each process
    keeps the loaded key until the file changes."""

    def __init__(self, *, p12: bytes, password: bytes | None, is_dev_key: bool):
        from pyhanko.sign import signers

        self.is_dev_key = is_dev_key
        self.signer = signers.SimpleSigner.load_pkcs12_data(
            p12, other_certs=[], passphrase=password
        )
        self.certificate_sha256 = hashlib.sha256(self.signer.signing_cert.dump()).hexdigest()


_loaded: dict[tuple, PdfSigningKey] = {}


def _load(path: Path, password: bytes | None, *, is_dev_key: bool) -> PdfSigningKey:
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size, password, is_dev_key)
    key = _loaded.get(cache_key)
    if key is None:
        key = PdfSigningKey(p12=path.read_bytes(), password=password, is_dev_key=is_dev_key)
        _loaded.clear()
        _loaded[cache_key] = key
    return key


def dev_key_allowed() -> bool:
    explicit = getattr(settings, "CERTIFICATE_ALLOW_DEV_KEY", None)
    if explicit is not None:
        return bool(explicit)
    # The test settings module counts as development (pytest-django turns DEBUG off).
    return bool(settings.DEBUG) or os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".test")


def _generate_dev_p12() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_KEY_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Relevo (desarrollo)"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"relevo-dev", key, cert, None, serialization.BestAvailableEncryption(DEV_KEY_PASSWORD)
    )


def _dev_key() -> PdfSigningKey:
    directory = Path(settings.CERTIFICATE_DEV_KEY_DIR)
    path = directory / DEV_KEY_FILE
    with _lock:
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(_generate_dev_p12())
            tmp.chmod(0o600)
            tmp.replace(path)
            logger.warning("certificate_dev_key_generated", path=str(path))
    return _load(path, DEV_KEY_PASSWORD, is_dev_key=True)


def signing_key() -> PdfSigningKey:
    """The key that signs certificates now, or SigningKeyUnavailable saying what to configure."""
    p12_path = settings.CERTIFICATE_SIGNING_P12_PATH
    if p12_path:
        password = settings.CERTIFICATE_SIGNING_P12_PASSWORD
        try:
            return _load(Path(p12_path), password.encode() if password else None, is_dev_key=False)
        except (OSError, ValueError) as exc:
            raise SigningKeyUnavailable(
                f"CERTIFICATE_SIGNING_P12_PATH={p12_path} cannot be read with the configured "
                f"password ({exc.__class__.__name__}). Certificates are not issued until it can."
            ) from exc
    if dev_key_allowed():
        return _dev_key()
    raise SigningKeyUnavailable(
        "No signing key: set CERTIFICATE_SIGNING_P12_PATH and CERTIFICATE_SIGNING_P12_PASSWORD "
        "to the institution's PKCS#12 file. Certificates are not issued (never unsigned)."
    )


def _outside_event_loop(func, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which cannot run in a thread that already
    has an event loop (an ASGI request, Playwright's sync API in tests): use a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, key: PdfSigningKey, reason: str, location: str = "") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )
    out = _outside_event_loop(
        signers.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=key.signer
    )
    return out.getvalue()


@dataclass(frozen=True)
class PdfSignatureCheck:
    """The result of checking an uploaded PDF: signed, untouched since signing, and by whom."""

    valid: bool
    signer_certificate_sha256: str = ""
    signer_name: str = ""
    problem: str = ""


def check_pdf_signature(data: bytes) -> PdfSignatureCheck:
    """Cryptographic check of the PDF's last signature: the signed bytes are intact and cover
    the whole file. Trust in the signer is decided by the caller (the fingerprint must be the
    one recorded for the matching certificate)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        return PdfSignatureCheck(valid=False, problem=f"unreadable: {exc.__class__.__name__}")
    if not signatures:
        return PdfSignatureCheck(valid=False, problem="unsigned")
    embedded = signatures[-1]
    try:
        cert = embedded.signer_cert
        status = _outside_event_loop(
            validate_pdf_signature,
            embedded,
            ValidationContext(trust_roots=[cert]),
            skip_diff=True,
        )
    except Exception as exc:  # any parsing failure of hostile input is "invalid"
        return PdfSignatureCheck(valid=False, problem=f"invalid: {exc.__class__.__name__}")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    ok = bool(
        status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )
    return PdfSignatureCheck(
        valid=ok,
        signer_certificate_sha256=fingerprint,
        signer_name=cert.subject.human_friendly,
        problem="" if ok else "digest or coverage mismatch",
    )

"""PAdES signatures on certificate PDFs (pyHanko), and their validation.

The institution's key and certificate come from a PKCS#12 file
(settings.CERTIFICATE_SIGNING_P12_PATH / _PASSWORD), so a ministry can sign with its accredited
certificate. Without one, a development environment (DEBUG, the test settings, or
CERTIFICATE_ALLOW_DEV_KEY=1) generates once a self-signed key under
settings.CERTIFICATE_DEV_KEY_DIR and certificates signed with it say so. A production server
without a key refuses to issue: never an unsigned certificate.

Signatures are PAdES B-LTA: an RFC 3161 signature timestamp from the TSA at
settings.CERTIFICATE_TSA_URL, the validation data of the signer and of the TSA (certificates,
and CRL/OCSP answers when reachable) in the document security store (DSS), then a document
timestamp over all of it, so a certificate stays verifiable after the signing certificate
expires. Without a TSA, development uses a local test TSA (pyHanko's DummyTimeStamper, with a
generated key next to the development signing key) so that tests and the demo exercise the
same path; production refuses to sign (checks.py warns at `check --deploy`). An unreachable
TSA raises TimestampAuthorityUnreachable, an OSError: the issuing task retries and the
certificate stays pending.
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
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = structlog.get_logger(__name__)

DEV_KEY_COMMON_NAME = "Relevo – clave de desarrollo"
DEV_KEY_FILE = "pdf-signing-dev-rsa2048.p12"
DEV_KEY_PASSWORD = b"relevo-dev-key"
DEV_TSA_COMMON_NAME = "Relevo – autoridad de sellado de tiempo de prueba"
DEV_TSA_FILE = "tsa-dev-rsa2048.p12"
SIGNATURE_FIELD = "FirmaRelevo"
TIMESTAMP_FIELD = "SelloRelevo"

_lock = threading.Lock()


class SigningKeyUnavailable(ImproperlyConfigured):
    """No usable signing key: issuance stops rather than produce an unsigned certificate."""


class TimestampUnavailable(SigningKeyUnavailable):
    """No timestamp authority configured outside development: no certificate is signed."""


class TimestampAuthorityUnreachable(OSError):
    """The TSA did not answer (or answered an error): an OSError so that the issuing task
    retries with backoff, and the certificate stays pending meanwhile."""


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


# One entry per file path: the signing key and the development TSA's key are both in use
# at every signature, so a single-entry cache reloaded both, twice per certificate.
_loaded: dict[str, tuple[tuple, PdfSigningKey]] = {}


def _load(path: Path, password: bytes | None, *, is_dev_key: bool) -> PdfSigningKey:
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size, password, is_dev_key)
    entry = _loaded.get(str(path))
    if entry is None or entry[0] != version:
        key = PdfSigningKey(p12=path.read_bytes(), password=password, is_dev_key=is_dev_key)
        _loaded[str(path)] = (version, key)
        return key
    return entry[1]


def dev_key_allowed() -> bool:
    explicit = getattr(settings, "CERTIFICATE_ALLOW_DEV_KEY", None)
    if explicit is not None:
        return bool(explicit)
    # The test settings module counts as development (pytest-django turns DEBUG off).
    return bool(settings.DEBUG) or os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".test")


def _generate_dev_p12(*, tsa: bool = False) -> bytes:
    # RSA: pyHanko's test TSA signs with RSA only, and an ECDSA P-256 signature makes pyHanko
    # declare ISO/TS 32002, i.e. PDF 2.0, which a PDF/A-3 file cannot be. (Accredited
    # Ecuadorian signing certificates are RSA too; a production P-256 key has the same issue.)
    key = rsa.generate_private_key(65537, 2048)
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME, DEV_TSA_COMMON_NAME if tsa else DEV_KEY_COMMON_NAME
            ),
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
    )
    if tsa:
        # RFC 3161: a TSA certificate has the (only, critical) timeStamping extended usage.
        cert = cert.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = cert.sign(key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        b"relevo-dev", key, cert, None, serialization.BestAvailableEncryption(DEV_KEY_PASSWORD)
    )


def _dev_p12_path(filename: str, *, tsa: bool = False) -> Path:
    directory = Path(settings.CERTIFICATE_DEV_KEY_DIR)
    path = directory / filename
    with _lock:
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(_generate_dev_p12(tsa=tsa))
            tmp.chmod(0o600)
            tmp.replace(path)
            logger.warning("certificate_dev_key_generated", path=str(path))
    return path


def _dev_key() -> PdfSigningKey:
    return _load(_dev_p12_path(DEV_KEY_FILE), DEV_KEY_PASSWORD, is_dev_key=True)


def _dev_tsa_key() -> PdfSigningKey:
    return _load(_dev_p12_path(DEV_TSA_FILE, tsa=True), DEV_KEY_PASSWORD, is_dev_key=True)


def _pem_or_der_certificates(data: bytes) -> list:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _type, _h, der in pem.unarmor(data, True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots() -> list:
    """The certificates an uploaded PDF's signatures and timestamps must chain to: the ones
    in settings.CERTIFICATE_TRUST_ROOTS (the institution's published signing certificates or
    their CA, and the TSA's root), the current signing certificate with the chain in its
    PKCS#12 file, and in development the development key and test TSA."""
    roots = []
    for path in settings.CERTIFICATE_TRUST_ROOTS:
        try:
            roots.extend(_pem_or_der_certificates(Path(path).read_bytes()))
        except (OSError, ValueError) as exc:
            logger.error("certificate_trust_root_unreadable", path=str(path), error=str(exc))
    try:
        key = signing_key()
    except SigningKeyUnavailable:
        key = None
    if key is not None:
        roots.append(key.signer.signing_cert)
        roots.extend(key.signer.cert_registry)
    if dev_key_allowed() and not settings.CERTIFICATE_TSA_URL:
        roots.append(_dev_tsa_key().signer.signing_cert)
    unique = {cert.sha256: cert for cert in roots}
    return list(unique.values())


def timestamper():
    """The TSA client for signature and document timestamps."""
    url = settings.CERTIFICATE_TSA_URL
    if url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        username = settings.CERTIFICATE_TSA_USERNAME
        auth = (username, settings.CERTIFICATE_TSA_PASSWORD) if username else None
        return RequestsHTTPTimeStamper(url, auth=auth, timeout=settings.CERTIFICATE_TSA_TIMEOUT)
    if dev_key_allowed():
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        tsa = _dev_tsa_key()
        return DummyTimeStamper(tsa_cert=tsa.signer.signing_cert, tsa_key=tsa.signer.signing_key)
    raise TimestampUnavailable(
        "No timestamp authority: set CERTIFICATE_TSA_URL (and CERTIFICATE_TSA_USERNAME / "
        "_PASSWORD if it needs them). Certificates are not signed without a timestamp."
    )


def _validation_context():
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=trust_roots(),
        allow_fetching=settings.CERTIFICATE_FETCH_REVOCATION_INFO,
        revocation_mode="soft-fail",
    )


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
    """PAdES B-LTA: signature with a signature timestamp, validation data in the DSS, and a
    document timestamp (pyHanko's use_pades_lta)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        embed_validation_info=True,
        use_pades_lta=True,
        timestamp_field_name=TIMESTAMP_FIELD,
        validation_context=_validation_context(),
    )
    try:
        out = _outside_event_loop(
            signers.sign_pdf,
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            metadata,
            signer=key.signer,
            timestamper=timestamper(),
        )
    except (TimestampRequestError, ConnectionError, TimeoutError) as exc:
        raise TimestampAuthorityUnreachable(f"timestamp authority: {exc}") from exc
    return out.getvalue()


@dataclass(frozen=True)
class PdfSignatureCheck:
    """The result of checking an uploaded PDF: every signature and timestamp intact and
    trusted, nothing but validation data added after the signature, and by whom and when."""

    valid: bool
    signer_certificate_sha256: str = ""
    signer_name: str = ""
    problem: str = ""
    signing_time: datetime.datetime | None = None
    signatures: int = 0
    long_term: bool = False


def check_pdf_signature(data: bytes) -> PdfSignatureCheck:
    """Validate every signature and document timestamp of the PDF against trust_roots()
    (never against the certificate the file itself carries). Each covers its whole revision
    and may only have been followed by validation data (DSS) and timestamps (pyHanko's
    difference analysis). The caller also compares the signer with the one recorded."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        return PdfSignatureCheck(valid=False, problem=f"unreadable: {exc.__class__.__name__}")
    regular = [s for s in signatures if s.sig_object.get("/Type") != "/DocTimeStamp"]
    if not regular:
        return PdfSignatureCheck(valid=False, problem="unsigned")
    context = _validation_context()
    statuses = []
    try:
        for embedded in signatures:
            if embedded in regular:
                status = _outside_event_loop(validate_pdf_signature, embedded, context)
            else:
                status = _outside_event_loop(validate_pdf_timestamp, embedded, context)
            statuses.append((embedded, status))
    except Exception as exc:  # any parsing failure of hostile input is "invalid"
        return PdfSignatureCheck(valid=False, problem=f"invalid: {exc.__class__.__name__}")
    problems = []
    for embedded, status in statuses:
        if not (status.intact and status.valid and status.trusted):
            problems.append(f"{embedded.field_name}: not intact, valid and trusted")
        level = status.modification_level
        if level is None or level > ModificationLevel.LTA_UPDATES:
            problems.append(f"{embedded.field_name}: modified after signing")
        if status.coverage not in (
            SignatureCoverageLevel.ENTIRE_FILE,
            SignatureCoverageLevel.ENTIRE_REVISION,
        ):
            problems.append(f"{embedded.field_name}: covers part of its revision only")
    if not data.rstrip().endswith(b"%%EOF"):
        # Anything after the last revision is outside every signature and every revision.
        problems.append("bytes after the last revision")
    first, first_status = statuses[signatures.index(regular[0])]
    cert = first.signer_cert
    timestamp = getattr(first_status, "timestamp_validity", None)
    return PdfSignatureCheck(
        valid=not problems,
        signer_certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        signer_name=cert.subject.human_friendly,
        problem="; ".join(problems),
        signing_time=timestamp.timestamp if timestamp is not None else None,
        signatures=len(statuses),
        long_term="/DSS" in reader.root and len(statuses) > len(regular),
    )


def long_term_validation(data: bytes):
    """pyHanko's AdES long-term (LTA) validation of the PDF's signature, using only what the
    file carries (no fetching: the point of B-LTA) and the configured trust roots. Returns
    pyHanko's AdESLTAValidationResult (ades_subindic AdESPassed.OK when it validates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    # Revocation is checked when the certificates name a CRL/OCSP service and the DSS holds
    # its answer; the development certificates name none.
    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=trust_roots()),
        revinfo_policy=CertRevTrustPolicy(
            RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule)
        ),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    reader = PdfFileReader(io.BytesIO(data))
    embedded = reader.embedded_regular_signatures[0]
    return _outside_event_loop(asyncio.run, ades_lta_validation(embedded, spec))

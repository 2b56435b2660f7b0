"""PAdES signatures on certificate PDFs (pyHanko), and their validation.

The institution's key and certificate come from a PKCS#12 file
(settings.CERTIFICATE_SIGNING_P12_PATH / _PASSWORD) or from a PKCS#11 token, a cryptographic
card or HSM (settings.CERTIFICATE_SIGNING_PKCS11_*: module, token label, key and certificate
labels, PIN from the environment or a file), so a ministry can sign with its accredited
certificate, where the key never leaves the token. Without either, a development environment
(DEBUG, the test settings, or CERTIFICATE_ALLOW_DEV_KEY=1) generates once a self-signed key
under settings.CERTIFICATE_DEV_KEY_DIR and certificates signed with it say so. A production server
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

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

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


class SigningDeviceUnavailable(OSError):
    """The PKCS#11 token did not answer (unplugged card, HSM out of reach): an OSError so that
    the issuing task retries with backoff, and the certificate stays pending meanwhile."""


class PdfSigningKey:
    """A loaded signing key: pyHanko's signer, and whether it is the development key.

    Loading a PKCS#12 file is slow (key derivation), so each process keeps the loaded key
    until the file changes. A PKCS#11 key keeps its logged-in session for the life of the
    process; `lock` is then set, because a PKCS#11 session takes one call at a time."""

    def __init__(self, *, signer: Signer, is_dev_key: bool, lock: threading.Lock | None = None):
        self.signer = signer
        self.is_dev_key = is_dev_key
        self.lock = lock
        self.certificate_sha256 = hashlib.sha256(signer.signing_cert.dump()).hexdigest()

    @classmethod
    def from_pkcs12(cls, *, p12: bytes, password: bytes | None, is_dev_key: bool) -> PdfSigningKey:
        from pyhanko.sign import signers

        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=password)
        return cls(signer=signer, is_dev_key=is_dev_key)


# One entry per file path: the signing key and the development TSA's key are both in use
# at every signature, so a single-entry cache reloaded both, twice per certificate.
_loaded: dict[str, tuple[tuple, PdfSigningKey]] = {}


def _load(path: Path, password: bytes | None, *, is_dev_key: bool) -> PdfSigningKey:
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size, password, is_dev_key)
    entry = _loaded.get(str(path))
    if entry is None or entry[0] != version:
        key = PdfSigningKey.from_pkcs12(
            p12=path.read_bytes(), password=password, is_dev_key=is_dev_key
        )
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
    if settings.CERTIFICATE_SIGNING_PKCS11_MODULE:
        # Web processes never log in to the token (it may be plugged into the worker's node
        # only, and a login with a wrong PIN counts towards locking it): the token's
        # certificate comes from CERTIFICATE_TRUST_ROOTS, or from a signing worker's session.
        pid = os.getpid()
        key = next((k for (owner, _config), k in _pkcs11_keys.items() if owner == pid), None)
    else:
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


@dataclass(frozen=True)
class Pkcs11Config:
    """Where the signing key lives on a PKCS#11 token (settings.CERTIFICATE_SIGNING_PKCS11_*)."""

    module: str
    token_label: str
    key_label: str
    cert_label: str
    pin: str


def pkcs11_config() -> Pkcs11Config | None:
    """The configured token, or None when no PKCS#11 module is set. Raises
    SigningKeyUnavailable when the module is set but the rest is missing or unreadable
    (checks.py reports the same at `check --deploy`)."""
    module = settings.CERTIFICATE_SIGNING_PKCS11_MODULE
    if not module:
        return None
    problems = pkcs11_problems()
    if problems:
        raise SigningKeyUnavailable(
            "PKCS#11 signing is half configured: " + "; ".join(problems) + ". "
            "Certificates are not issued until it is complete."
        )
    pin = settings.CERTIFICATE_SIGNING_PKCS11_PIN
    if settings.CERTIFICATE_SIGNING_PKCS11_PIN_FILE:
        # A file (systemd credential, Docker secret) keeps the PIN out of the environment.
        pin = Path(settings.CERTIFICATE_SIGNING_PKCS11_PIN_FILE).read_text().strip()
    key_label = settings.CERTIFICATE_SIGNING_PKCS11_KEY_LABEL
    return Pkcs11Config(
        module=module,
        token_label=settings.CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL,
        key_label=key_label,
        cert_label=settings.CERTIFICATE_SIGNING_PKCS11_CERT_LABEL or key_label,
        pin=pin,
    )


def pkcs11_problems() -> list[str]:
    """What is missing from the PKCS#11 settings, in words (empty when complete or unused)."""
    if not settings.CERTIFICATE_SIGNING_PKCS11_MODULE:
        others = [
            name
            for name in ("TOKEN_LABEL", "KEY_LABEL", "CERT_LABEL", "PIN", "PIN_FILE")
            if getattr(settings, f"CERTIFICATE_SIGNING_PKCS11_{name}")
        ]
        if others:
            names = ", ".join(f"CERTIFICATE_SIGNING_PKCS11_{n}" for n in others)
            return [f"{names} set without CERTIFICATE_SIGNING_PKCS11_MODULE (ignored)"]
        return []
    problems = []
    module = Path(settings.CERTIFICATE_SIGNING_PKCS11_MODULE)
    if not module.is_file():
        problems.append(f"CERTIFICATE_SIGNING_PKCS11_MODULE={module} is not a file")
    if not settings.CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL:
        problems.append("CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL is not set")
    if not settings.CERTIFICATE_SIGNING_PKCS11_KEY_LABEL:
        problems.append("CERTIFICATE_SIGNING_PKCS11_KEY_LABEL is not set")
    pin_file = settings.CERTIFICATE_SIGNING_PKCS11_PIN_FILE
    if pin_file and settings.CERTIFICATE_SIGNING_PKCS11_PIN:
        problems.append("both CERTIFICATE_SIGNING_PKCS11_PIN and _PIN_FILE are set: use one")
    elif pin_file:
        try:
            if not Path(pin_file).read_text().strip():
                problems.append(f"CERTIFICATE_SIGNING_PKCS11_PIN_FILE={pin_file} is empty")
        except OSError as exc:
            problems.append(
                f"CERTIFICATE_SIGNING_PKCS11_PIN_FILE={pin_file} cannot be read "
                f"({exc.__class__.__name__})"
            )
    elif not settings.CERTIFICATE_SIGNING_PKCS11_PIN:
        problems.append("neither CERTIFICATE_SIGNING_PKCS11_PIN nor _PIN_FILE is set")
    if settings.CERTIFICATE_SIGNING_P12_PATH:
        problems.append(
            "CERTIFICATE_SIGNING_P12_PATH is set too: the token signs, the file is unused"
        )
    if not settings.CERTIFICATE_TRUST_ROOTS:
        problems.append(
            "CERTIFICATE_TRUST_ROOTS is empty: /verificar/documento/ has no certificate to check "
            "the token's signatures against (web processes never log in to the token)"
        )
    return problems


# One logged-in session per process and configuration. The process id is part of the key: a
# session opened before a fork (a Celery prefork worker) is not valid in the child.
_pkcs11_keys: dict[tuple, PdfSigningKey] = {}


def _refused_pin_cache_key(config: Pkcs11Config) -> str:
    digest = hashlib.sha256(repr((config.module, config.token_label, config.pin)).encode())
    return f"certificates:pkcs11-pin-refused:{digest.hexdigest()}"


def _pkcs11_key(config: Pkcs11Config) -> PdfSigningKey:
    from django.core.cache import cache

    cache_key = (os.getpid(), config)
    with _lock:
        key = _pkcs11_keys.get(cache_key)
        if key is not None:
            return key
        from pkcs11 import exceptions as p11_errors
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as hanko_pkcs11

        refused = _refused_pin_cache_key(config)
        if cache.get(refused):
            # A token locks itself after a few wrong PINs, and the outbox sweep and every
            # worker process would try again: a refused PIN is tried once, in the whole
            # installation (the shared cache), until the PIN setting changes.
            raise SigningKeyUnavailable(
                f"The PIN of PKCS#11 token {config.token_label!r} was refused before; it is "
                "not tried again (the token would lock). Configure the right PIN."
            )
        try:
            session = hanko_pkcs11.open_pkcs11_session(
                config.module,
                token_criteria=TokenCriteria(label=config.token_label),
                user_pin=config.pin,
            )
        except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange) as exc:
            cache.set(refused, True, timeout=None)
            raise SigningKeyUnavailable(
                f"The PIN of PKCS#11 token {config.token_label!r} was refused "
                f"({exc.__class__.__name__}). Certificates are not issued until it is fixed."
            ) from exc
        except (p11_errors.PKCS11Error, OSError) as exc:
            raise SigningDeviceUnavailable(
                f"PKCS#11 token {config.token_label!r} via {config.module}: "
                f"{exc.__class__.__name__} {exc}"
            ) from exc
        signer = hanko_pkcs11.PKCS11Signer(
            session, cert_label=config.cert_label, key_label=config.key_label
        )
        try:
            # Load the certificate and the key handle now: a wrong label fails here, named.
            _outside_event_loop(asyncio.run, signer.ensure_objects_loaded())
        except p11_errors.PKCS11Error as exc:
            session.close()
            raise SigningKeyUnavailable(
                f"PKCS#11 token {config.token_label!r} has no usable key {config.key_label!r} "
                f"with certificate {config.cert_label!r} ({exc.__class__.__name__}: {exc})."
            ) from exc
        key = PdfSigningKey(signer=signer, is_dev_key=False, lock=threading.Lock())
        _pkcs11_keys[cache_key] = key
        return key


def _forget_pkcs11_key(key: PdfSigningKey) -> None:
    """Drop a key whose session failed, so the next attempt (the task's retry) logs in anew."""
    with _lock:
        for cache_key, cached in list(_pkcs11_keys.items()):
            if cached is key:
                del _pkcs11_keys[cache_key]
                try:
                    key.signer.pkcs11_session.close()
                except Exception:  # the session is already gone with its device
                    logger.info("pkcs11_session_close_failed")


def signing_key() -> PdfSigningKey:
    """The key that signs certificates now, or SigningKeyUnavailable saying what to configure."""
    config = pkcs11_config()
    if config is not None:
        return _pkcs11_key(config)
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
        "to the institution's PKCS#12 file, or CERTIFICATE_SIGNING_PKCS11_* to its token. "
        "Certificates are not issued (never unsigned)."
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

    def _sign():
        return _outside_event_loop(
            signers.sign_pdf,
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            metadata,
            signer=key.signer,
            timestamper=timestamper(),
        )

    try:
        if key.lock is None:
            out = _sign()
        else:
            from pkcs11 import exceptions as p11_errors

            try:
                # The lock spans the TSA call too: signing is serialised per process, which
                # the one-certificate-at-a-time issuing tasks never notice.
                with key.lock:
                    out = _sign()
            except p11_errors.PKCS11Error as exc:
                _forget_pkcs11_key(key)
                raise SigningDeviceUnavailable(
                    f"PKCS#11 signature failed: {exc.__class__.__name__} {exc}"
                ) from exc
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

"""Open Badges 3.0: each certificate as a signed AchievementCredential (a W3C VC).

Proof format: an embedded Data Integrity proof, cryptosuite ``eddsa-rdfc-2022`` (Ed25519),
one of the two the specification allows, produced and checked by openbadgeslib. The issuer
profile lives at ``/verificar/emisor/`` and every public key ever used, as a Multikey, at
``/verificar/emisor/claves/``; the proof's verificationMethod points there.

Private keys are kept in the database (shared by every web node and worker), encrypted with a
key derived from SECRET_KEY. If SECRET_KEY changes, the old key cannot be decrypted any more:
it is retired (still published) and a new one is created.
"""

import base64
import hashlib
from datetime import datetime, time
from decimal import Decimal

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3LdpSigner,
    OB3LdpVerifier,
    OpenBadgeCredential,
    Result,
    ResultDescription,
    multikey_from_pem,
)

from .models import Certificate, CertificateSettings, CredentialSigningKey


def issuer_id() -> str:
    return f"{settings.SITE_URL}/verificar/emisor/"


def keys_url() -> str:
    return f"{settings.SITE_URL}/verificar/emisor/claves/"


def verification_method_id(key: CredentialSigningKey) -> str:
    return f"{keys_url()}#{key.key_id}"


def achievement_id(course_id: int) -> str:
    return f"{settings.SITE_URL}/verificar/emisor/logros/{course_id}/"


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"relevo-credential-keys:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _create_key() -> CredentialSigningKey:
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    count = CredentialSigningKey.objects.count()
    now = timezone.now()
    return CredentialSigningKey.objects.create(
        key_id=f"key-{now:%Y%m%d}-{count + 1}",
        public_key_pem=public_pem.decode(),
        private_key_encrypted=_fernet().encrypt(private_pem).decode(),
        created_at=now,
    )


def _private_pem(key: CredentialSigningKey) -> bytes | None:
    if not key.private_key_encrypted:
        return None
    try:
        return _fernet().decrypt(key.private_key_encrypted.encode())
    except InvalidToken:
        return None


@transaction.atomic
def credential_key_rotate() -> CredentialSigningKey:
    """Retire the active key (it stays published) and start signing with a new one."""
    CredentialSigningKey.objects.select_for_update().filter(retired_at__isnull=True).update(
        retired_at=timezone.now(), private_key_encrypted=""
    )
    return _create_key()


def active_key() -> tuple[CredentialSigningKey, bytes]:
    key = CredentialSigningKey.objects.filter(retired_at__isnull=True).order_by("-pk").first()
    pem = _private_pem(key) if key else None
    if key is None or pem is None:
        key = credential_key_rotate()
        pem = _private_pem(key)
    return key, pem


def issuer_profile() -> dict:
    template = CertificateSettings.load()
    return Issuer(id=issuer_id(), name=template.institution, url=settings.SITE_URL + "/").to_dict()


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def build_credential(certificate: Certificate) -> OpenBadgeCredential:
    template = CertificateSettings.load()
    hours = Decimal(certificate.hours).normalize()
    results = []
    result_descriptions = []
    if certificate.score is not None:
        description = ResultDescription(
            id=f"{achievement_id(certificate.course_id)}#puntaje",
            name="Puntaje de la evaluación final",
            result_type="Percent",
        )
        result_descriptions.append(description)
        results.append(Result(value=f"{certificate.score:.2f}", result_description=description.id))
    achievement = Achievement(
        id=achievement_id(certificate.course_id),
        name=certificate.course_title,
        description=f"{certificate.course_title} ({hours:f} h)",
        criteria_narrative="Completar todas las lecciones y evaluaciones requeridas del curso.",
        achievement_type="CertificateOfCompletion",
        result_descriptions=result_descriptions,
    )
    salt = certificate.uuid.hex[:16]
    return OpenBadgeCredential(
        id=f"urn:uuid:{certificate.uuid}",
        issuer=Issuer(id=issuer_id(), name=template.institution, url=settings.SITE_URL + "/"),
        recipient_id=None,
        identifiers=[IdentityObject.create(certificate.learner.email, salt=salt)],
        achievement=achievement,
        name=certificate.course_title,
        issuance_date=certificate.issued_at,
        expiration_date=_end_of_day(certificate.expires_on) if certificate.expires_on else None,
        results=results,
    )


def sign_credential(certificate: Certificate) -> tuple[dict, CredentialSigningKey]:
    key, private_pem = active_key()
    signer = OB3LdpSigner(private_pem, verification_method=verification_method_id(key))
    return signer.sign(build_credential(certificate)), key


def verify_credential(document: dict) -> OpenBadgeCredential:
    """Check the proof against the published key it names. Raises OB3VerificationError."""
    from openbadgeslib.ob3 import OB3VerificationError

    method = (document.get("proof") or {}).get("verificationMethod", "")
    key_id = method.partition("#")[2]
    key = CredentialSigningKey.objects.filter(key_id=key_id).first()
    if key is None or method != verification_method_id(key):
        raise OB3VerificationError("unknown verification method")
    return OB3LdpVerifier(pubkey_pem=key.public_key_pem.encode()).verify(document)


def keys_document() -> dict:
    """Every key ever used, as Multikey verification methods of the issuer (a controlled
    identifier document), with when each was created and retired."""
    methods = []
    for key in CredentialSigningKey.objects.order_by("created_at"):
        methods.append(
            {
                "id": verification_method_id(key),
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": multikey_from_pem(key.public_key_pem.encode()),
                "created": key.created_at.isoformat(),
                # Retired keys signed older credentials: still trusted, no longer used.
                "retired": key.retired_at.isoformat() if key.retired_at else None,
            }
        )
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": keys_url(),
        "controller": issuer_id(),
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }

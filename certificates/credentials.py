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
import copy
import hashlib
from datetime import UTC, datetime, time, timedelta
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
    OB3VerificationError,
    OpenBadgeCredential,
    Result,
    ResultDescription,
    multikey_from_pem,
)
from openbadgeslib.ob3.ldp import add_data_integrity_proof
from openbadgeslib.ob3.status import decode_encoded_list, set_indices

from . import status_list
from .models import Certificate, CertificateSettings, CredentialSigningKey, CredentialStatusList

#: The contexts of every public JSON-LD document (VC Data Model 2.0 first, as the July 2024
#: build of the official schema and the VC 2.0 proof require).
OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]

#: Kinds of achievement, in the path of their ids (signed into every credential, so stable):
#: courses today; programmes and sessions get their own segment when they give credentials.
ACHIEVEMENT_KINDS = {"course": "curso"}

CRITERIA_NARRATIVE = "Completar todas las lecciones y evaluaciones requeridas del curso."


class InvalidCredentialDates(ValueError):
    """A credential whose validity would end before it starts (VC Data Model 2.0 forbids it)."""


def issuer_id() -> str:
    return f"{settings.SITE_URL}/verificar/emisor/"


def keys_url() -> str:
    return f"{settings.SITE_URL}/verificar/emisor/claves/"


def verification_method_id(key: CredentialSigningKey) -> str:
    return f"{keys_url()}#{key.key_id}"


def achievement_id(course_id: int, *, kind: str = "course") -> str:
    return f"{settings.SITE_URL}/verificar/emisor/logros/{ACHIEVEMENT_KINDS[kind]}/{course_id}/"


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


def _issuer() -> Issuer:
    template = CertificateSettings.load()
    return Issuer(id=issuer_id(), name=template.institution, url=settings.SITE_URL + "/")


def issuer_profile() -> dict:
    """The issuer's Profile as a JSON-LD document. Its keys are not listed here (no term of
    the OB 3.0 contexts holds them, so JSON-LD expansion would drop them): every proof names
    its key in the controlled identifier document at keys_url()."""
    return {"@context": list(OB3_CONTEXTS), **_issuer().to_dict()}


def achievement_document(*, course_id: int, title: str, hours) -> dict:
    """The Achievement a course's credentials name, as a JSON-LD document (the same object
    the credentials embed, with its creator)."""
    return {"@context": list(OB3_CONTEXTS), **_achievement(course_id, title, hours, [])}


def _achievement(course_id: int, title: str, hours, result_descriptions) -> dict:
    hours = Decimal(hours).normalize()
    achievement = Achievement(
        id=achievement_id(course_id),
        name=title,
        description=f"{title} ({hours:f} h)",
        criteria_narrative=CRITERIA_NARRATIVE,
        achievement_type="CertificateOfCompletion",
        result_descriptions=result_descriptions,
    ).to_dict()
    achievement["creator"] = _issuer().to_dict()
    return achievement


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class _RelevoCredential(OpenBadgeCredential):
    """The library's credential plus what it does not map: awardedDate and the Achievement's
    creator (both defined by the OB 3.0 context, so covered by the proof)."""

    awarded_date: datetime | None = None
    achievement_dict: dict | None = None

    def to_vc(self) -> dict:
        document = super().to_vc()
        if self.awarded_date is not None:
            document["awardedDate"] = self.awarded_date.isoformat().replace("+00:00", "Z")
        if self.achievement_dict is not None:
            document["credentialSubject"]["achievement"] = self.achievement_dict
        return document


def _start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def credential_dates(certificate: Certificate) -> tuple[datetime, datetime | None]:
    """validFrom and validUntil: the window the certificate certifies, from the start of the
    completion day to the end of the expiry day. Not the issue time: a late issue or a reissue
    (a name correction) of an expired certificate then says what the certificate says (valid
    from its completion, expired since its expiry day) instead of ending before it starts,
    which VC Data Model 2.0 forbids, or renewing a validity the training no longer has. The
    moment of issue is the proof's `created`."""
    valid_from = _start_of_day(certificate.completed_on)
    valid_until = _end_of_day(certificate.expires_on) if certificate.expires_on else None
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidCredentialDates("validUntil would not be after validFrom")
    return valid_from, valid_until


def build_credential(certificate: Certificate) -> OpenBadgeCredential:
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
    achievement_dict = _achievement(
        certificate.course_id, certificate.course_title, certificate.hours, result_descriptions
    )
    salt = certificate.uuid.hex[:16]
    valid_from, valid_until = credential_dates(certificate)
    credential = _RelevoCredential(
        id=f"urn:uuid:{certificate.uuid}",
        issuer=_issuer(),
        recipient_id=None,
        identifiers=[IdentityObject.create(certificate.learner.email, salt=salt)],
        achievement=Achievement(
            id=achievement_dict["id"],
            name=achievement_dict["name"],
            description=achievement_dict["description"],
            criteria_narrative=CRITERIA_NARRATIVE,
        ),
        name=certificate.course_title,
        issuance_date=valid_from,
        expiration_date=valid_until,
        results=results,
        credential_status=[status_list.status_entry_for(certificate)],
    )
    credential.awarded_date = valid_from.astimezone(UTC)
    credential.achievement_dict = achievement_dict
    return credential


def sign_credential(certificate: Certificate) -> tuple[dict, CredentialSigningKey]:
    """Sign the certificate's credential. The proof is an array (a proof set of one), as the
    July 2024 build of the official schema requires."""
    key, private_pem = active_key()
    signer = OB3LdpSigner(private_pem, verification_method=verification_method_id(key))
    signed = signer.sign(build_credential(certificate))
    signed["proof"] = [signed["proof"]]
    return signed, key


def _proofs(document: dict) -> list:
    raw = document.get("proof") if isinstance(document, dict) else None
    if isinstance(raw, list):
        return raw
    return [raw] if raw is not None else []


def verify_credential(document: dict) -> OpenBadgeCredential:
    """Check the proof (one object, or an array holding one Data Integrity proof) against the
    published key it names. Raises OB3VerificationError."""
    proofs = [p for p in _proofs(document) if isinstance(p, dict)]
    if len(proofs) != 1:
        raise OB3VerificationError("expected exactly one proof")
    method = proofs[0].get("verificationMethod")
    if not isinstance(method, str):
        raise OB3VerificationError("unknown verification method")
    key_id = method.partition("#")[2]
    key = CredentialSigningKey.objects.filter(key_id=key_id).first()
    if key is None or method != verification_method_id(key):
        raise OB3VerificationError("unknown verification method")
    return OB3LdpVerifier(pubkey_pem=key.public_key_pem.encode()).verify(copy.deepcopy(document))


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


def _sign_document(document: dict) -> dict:
    """A Data Integrity proof (eddsa-rdfc-2022, as an array) on any VC 2.0 document the
    pinned contexts fully define, with the active key."""
    key, private_pem = active_key()
    signed = add_data_integrity_proof(document, private_pem, verification_method_id(key))
    signed["proof"] = [signed["proof"]]
    return signed


def status_list_publish(*, number: int) -> CredentialStatusList:
    """Build and sign status list `number` from the certificates' current statuses and store
    it. Call it inside the transaction that changes a status: the published bit flips when
    that transaction commits, never before and never without it."""
    now = timezone.now().replace(microsecond=0)
    document = status_list.build_list(
        number=number,
        issuer=issuer_id(),
        issued=now,
        valid_until=now + timedelta(days=status_list.LIST_VALIDITY_DAYS),
    )
    row, _created = CredentialStatusList.objects.select_for_update().get_or_create(number=number)
    row.credential = _sign_document(document)
    row.updated_at = now
    row.save(update_fields=["credential", "updated_at"])
    return row


def status_list_for_certificate(certificate: Certificate) -> None:
    """Re-publish the list holding the certificate's bit (nothing when it has none)."""
    if certificate.status_list_index is not None:
        status_list_publish(number=status_list.split_index(certificate.status_list_index)[0])


def status_list_document(number: int) -> dict | None:
    """The signed list as published; re-signed first when its validity is running out.
    None for a list no certificate uses."""
    if number < 0:
        return None
    low = number * status_list.LIST_SIZE_BITS
    row = CredentialStatusList.objects.filter(number=number).first()
    fresh_after = timezone.now() - timedelta(days=status_list.LIST_VALIDITY_DAYS - 1)
    if row is not None and row.updated_at > fresh_after:
        return row.credential
    in_use = Certificate.objects.filter(
        status_list_index__gte=low, status_list_index__lt=low + status_list.LIST_SIZE_BITS
    ).exists()
    if row is None and not in_use:
        return None
    with transaction.atomic():
        return status_list_publish(number=number).credential


def credential_status_state(document: dict) -> str:
    """What the status list says of a credential: "revoked", "in_force" or "unknown"."""
    entries = document.get("credentialStatus") if isinstance(document, dict) else None
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("statusPurpose") != status_list.PURPOSE:
            continue
        url = entry.get("statusListCredential", "")
        prefix = f"{settings.SITE_URL}/verificar/estado/"
        number = url.removeprefix(prefix).rstrip("/")
        if not url.startswith(prefix) or not number.isdigit():
            return "unknown"
        listed = status_list_document(int(number))
        if listed is None:
            return "unknown"
        positions = set_indices(decode_encoded_list(listed["credentialSubject"]["encodedList"]))
        return "revoked" if int(entry.get("statusListIndex", -1)) in positions else "in_force"
    return "unknown"

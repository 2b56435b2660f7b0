import copy
import datetime
import json
import os
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from openbadgeslib.ob3 import OB3VerificationError

from certificates import credentials
from certificates.models import CredentialSigningKey

pytestmark = pytest.mark.django_db

SUBSET_SCHEMA = Path(credentials.__file__).parent / "schemas" / "relevo_ob3_subset.schema.json"


def _validate(document, schema_path):
    schema = json.loads(Path(schema_path).read_text())
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_credential_is_a_signed_open_badges_achievement_credential(certificate):
    document = certificate.credential
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == "https://relevo.example.gob.ec/verificar/emisor/"
    assert document["credentialSubject"]["achievement"]["name"] == certificate.course_title
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    verified = credentials.verify_credential(document)
    assert verified.achievement.name == certificate.course_title
    _validate(document, SUBSET_SCHEMA)


def test_a_credential_with_an_expiry_and_a_score_validates(learner, issue):
    from decimal import Decimal

    from certificates.services import certificate_rerender
    from tests.certificates.factories import make_course

    certificate = issue(learner, make_course(validity_months=24))
    certificate.score = Decimal("92.5")
    certificate.save(update_fields=["score"])
    certificate_rerender(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    document = certificate.credential
    valid_until = datetime.datetime.fromisoformat(document["validUntil"])
    assert timezone.localtime(valid_until).date() == certificate.expires_on
    assert document["credentialSubject"]["result"][0]["value"] == "92.50"
    credentials.verify_credential(document)
    _validate(document, SUBSET_SCHEMA)


@pytest.mark.skipif(
    not os.environ.get("OB3_OFFICIAL_SCHEMA"),
    reason="set OB3_OFFICIAL_SCHEMA to a copy of 1EdTech's ob_v3p0_achievementcredential_schema.json "
    "(not bundled by any installed package; no network here)",
)
def test_the_credential_validates_against_the_official_schema(certificate):
    _validate(certificate.credential, os.environ["OB3_OFFICIAL_SCHEMA"])


def test_an_edited_credential_does_not_verify(certificate):
    forged = copy.deepcopy(certificate.credential)
    forged["credentialSubject"]["achievement"]["name"] = "Otro curso"
    with pytest.raises(OB3VerificationError):
        credentials.verify_credential(forged)
    unknown_key = copy.deepcopy(certificate.credential)
    unknown_key["proof"]["verificationMethod"] += "x"
    with pytest.raises(OB3VerificationError):
        credentials.verify_credential(unknown_key)


def test_rotated_keys_stay_published_and_old_credentials_keep_verifying(
    learner, certificate, issue, client
):
    old_key = certificate.credential_key
    new_key = credentials.credential_key_rotate()
    newer = issue(learner)
    assert newer.credential_key == new_key
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and old_key.private_key_encrypted == ""
    credentials.verify_credential(certificate.credential)
    credentials.verify_credential(newer.credential)

    keys = client.get("/verificar/emisor/claves/").json()
    ids = [m["id"] for m in keys["verificationMethod"]]
    assert ids == [
        credentials.verification_method_id(old_key),
        credentials.verification_method_id(new_key),
    ]
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in keys["verificationMethod"])
    assert keys["verificationMethod"][0]["retired"] is not None


def test_a_changed_secret_key_retires_the_undecryptable_key(certificate, settings):
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    key, _pem = credentials.active_key()
    assert key != certificate.credential_key
    assert CredentialSigningKey.objects.filter(retired_at__isnull=True).count() == 1


def test_the_issuer_profile_is_published(client, certificate):
    response = client.get("/verificar/emisor/")
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == "https://relevo.example.gob.ec/verificar/emisor/"
    assert "Profile" in profile["type"]
    assert profile["verificationMethod"] == "https://relevo.example.gob.ec/verificar/emisor/claves/"
    achievement = client.get(f"/verificar/emisor/logros/{certificate.course_id}/").json()
    assert achievement["name"] == certificate.course_title
    assert client.get("/verificar/emisor/logros/999999/").status_code == 404

"""Certificates signed with a key on a PKCS#11 token (SoftHSM2 stands in for the card or HSM
an accredited signing certificate lives on)."""

import datetime
import hashlib
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from certificates import checks, signing

pytestmark = pytest.mark.django_db

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "relevo-prueba"
KEY_LABEL = "firma-institucional"
USER_PIN = "482913"
SIGNER_NAME = "Relevo – firma en token de prueba"

needs_softhsm = pytest.mark.skipif(
    not (Path(SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")),
    reason="softhsm2 is not installed (.ci/run installs it)",
)


def der_serial(number: int) -> bytes:
    from asn1crypto.core import Integer

    return Integer(number).dump()


def _key_and_certificate():
    key = rsa.generate_private_key(65537, 2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(  # what pyHanko asks of a signing certificate, as accredited ones have
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
    return key, cert


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A SoftHSM2 token holding an RSA key (sensitive, not extractable) and its certificate.
    SoftHSM reads SOFTHSM2_CONF when the module is first loaded, so the token directory is
    one per test process; the token is created before python-pkcs11 loads the module."""
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            *("softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL),
            *("--so-pin", "12345678", "--pin", USER_PIN),
        ],
        check=True,
        capture_output=True,
    )
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key

    key, cert = _key_and_certificate()
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der_cert = cert.public_bytes(serialization.Encoding.DER)
    lib = pkcs11.lib(SOFTHSM_MODULE)
    with lib.get_token(token_label=TOKEN_LABEL).open(rw=True, user_pin=USER_PIN) as session:
        attributes = decode_rsa_private_key(der_key)
        attributes.update(
            {
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: b"\x01",
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
            }
        )
        session.create_object(attributes)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: b"\x01",
                Attribute.VALUE: der_cert,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.ISSUER: cert.issuer.public_bytes(),
                Attribute.SERIAL_NUMBER: der_serial(cert.serial_number),
            }
        )
    pem = directory / "token-certificate.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return hashlib.sha256(der_cert).hexdigest(), pem


@pytest.fixture
def on_token(settings, token):
    fingerprint, pem = token
    settings.CERTIFICATE_TRUST_ROOTS = [str(pem)]  # what /verificar/documento/ trusts
    settings.CERTIFICATE_SIGNING_PKCS11_MODULE = SOFTHSM_MODULE
    settings.CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL = TOKEN_LABEL
    settings.CERTIFICATE_SIGNING_PKCS11_KEY_LABEL = KEY_LABEL
    settings.CERTIFICATE_SIGNING_PKCS11_PIN = USER_PIN
    yield fingerprint
    # Log out between tests: PKCS#11 shares one login across an application's sessions.
    for key in list(signing._pkcs11_keys.values()):
        signing._forget_pkcs11_key(key)


@needs_softhsm
def test_a_certificate_signed_on_the_token_validates_as_pades_b_lta(on_token, learner, issue):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.ades import AdESPassed

    certificate = issue(learner)
    assert not certificate.signed_with_dev_key
    assert certificate.signer_certificate_sha256 == on_token
    with certificate.pdf.open("rb") as handle:
        data = handle.read()

    check = signing.check_pdf_signature(data)
    assert check.valid, check.problem
    assert check.signer_name.endswith(SIGNER_NAME)
    assert check.signer_certificate_sha256 == on_token
    assert check.long_term and check.signing_time is not None

    result = signing.long_term_validation(data)
    assert result.ades_subindic == AdESPassed.OK
    assert result.api_status.timestamp_validity.trusted  # the test TSA, as without a token
    kinds = [s.sig_object.get("/Type") for s in PdfFileReader(BytesIO(data)).embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]

    # The same logged-in session signs the next certificate.
    sessions = dict(signing._pkcs11_keys)
    again = issue(learner)
    assert again.signer_certificate_sha256 == on_token
    assert signing._pkcs11_keys == sessions


@needs_softhsm
def test_the_upload_check_trusts_the_token_without_logging_in(on_token, learner, issue, settings):
    """A web process checks an uploaded PDF against CERTIFICATE_TRUST_ROOTS: it never opens a
    session on the token (which may sit on the worker's node only)."""
    certificate = issue(learner)
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    for key in list(signing._pkcs11_keys.values()):
        signing._forget_pkcs11_key(key)  # as in a web process: no session
    check = signing.check_pdf_signature(data)
    assert check.valid, check.problem
    assert signing._pkcs11_keys == {}  # no login happened
    settings.CERTIFICATE_TRUST_ROOTS = []
    assert not signing.check_pdf_signature(data).valid  # nothing says the token is ours


@needs_softhsm
def test_the_key_never_leaves_the_token(on_token):
    from pkcs11 import Attribute, ObjectClass

    session = signing.signing_key().signer.pkcs11_session
    key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=KEY_LABEL)
    assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]


@needs_softhsm
def test_a_wrong_pin_or_label_issues_nothing_and_is_not_retried(
    on_token, learner, settings, monkeypatch
):
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from tests.certificates.factories import completed_enrolment, make_course

    enrolment = completed_enrolment(learner, make_course())
    settings.CERTIFICATE_SIGNING_PKCS11_PIN = "000000"
    with pytest.raises(signing.SigningKeyUnavailable, match="PIN") as caught:
        certificate_issue(enrolment_id=enrolment.pk)
    # Not an OSError: the task does not retry (a token locks itself after a few wrong PINs).
    assert not isinstance(caught.value, OSError)
    # Nor does the outbox sweep's next attempt, in any process: the refused PIN is not tried.
    from pyhanko.sign import pkcs11 as hanko_pkcs11

    logins = []
    monkeypatch.setattr(
        hanko_pkcs11, "open_pkcs11_session", lambda *a, **kw: logins.append(kw) or 1 / 0
    )
    with pytest.raises(signing.SigningKeyUnavailable, match="not tried again"):
        certificate_issue(enrolment_id=enrolment.pk)
    assert logins == []
    monkeypatch.undo()
    settings.CERTIFICATE_SIGNING_PKCS11_PIN = USER_PIN
    settings.CERTIFICATE_SIGNING_PKCS11_KEY_LABEL = "otra-clave"
    with pytest.raises(signing.SigningKeyUnavailable, match="otra-clave"):
        certificate_issue(enrolment_id=enrolment.pk)
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


@needs_softhsm
def test_a_missing_token_is_retried_later(on_token, settings):
    settings.CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL = "token-desconectado"
    with pytest.raises(signing.SigningDeviceUnavailable) as caught:
        signing.signing_key()
    assert isinstance(caught.value, OSError)  # the issuing task's autoretry_for


def test_a_half_configured_token_warns_at_deploy_check_and_signs_nothing(settings, tmp_path):
    assert checks.pkcs11_token_configured() == []  # nothing configured: nothing to say
    settings.CERTIFICATE_TRUST_ROOTS = [str(tmp_path / "ca-firma.pem")]

    settings.CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL = TOKEN_LABEL
    [warning] = checks.pkcs11_token_configured()
    assert warning.id == "certificates.W003"
    assert "without CERTIFICATE_SIGNING_PKCS11_MODULE" in warning.msg

    module = tmp_path / "libvendor-pkcs11.so"
    module.write_bytes(b"")
    settings.CERTIFICATE_SIGNING_PKCS11_MODULE = str(module)
    [warning] = checks.pkcs11_token_configured()
    assert "_KEY_LABEL is not set" in warning.msg and "_PIN nor _PIN_FILE" in warning.msg
    with pytest.raises(signing.SigningKeyUnavailable, match="half configured"):
        signing.signing_key()  # never the development key instead

    settings.CERTIFICATE_SIGNING_PKCS11_KEY_LABEL = KEY_LABEL
    settings.CERTIFICATE_SIGNING_PKCS11_PIN_FILE = str(tmp_path / "absent-pin")
    [warning] = checks.pkcs11_token_configured()
    assert "cannot be read" in warning.msg

    pin_file = tmp_path / "pin"
    pin_file.write_text(USER_PIN + "\n")
    settings.CERTIFICATE_SIGNING_PKCS11_PIN_FILE = str(pin_file)
    assert checks.pkcs11_token_configured() == []
    assert signing.pkcs11_config().pin == USER_PIN  # the file's trailing newline is no digit

    settings.CERTIFICATE_SIGNING_P12_PATH = "/etc/relevo/firma.p12"
    [warning] = checks.pkcs11_token_configured()
    assert "the token signs, the file is unused" in warning.msg

    settings.CERTIFICATE_SIGNING_P12_PATH = ""
    settings.CERTIFICATE_TRUST_ROOTS = []
    [warning] = checks.pkcs11_token_configured()
    assert "CERTIFICATE_TRUST_ROOTS is empty" in warning.msg

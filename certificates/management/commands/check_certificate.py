import io
import json
from pathlib import Path

import jsonschema
from django.core.management.base import BaseCommand, CommandError
from openbadgeslib.ob3 import OB3VerificationError
from pyhanko.pdf_utils.reader import PdfFileReader

from certificates import credentials, selectors, signing

SUBSET_SCHEMA = Path(credentials.__file__).parent / "schemas" / "relevo_ob3_subset.schema.json"


class Command(BaseCommand):
    help = (
        "Check one certificate as an outside verifier would: its Open Badges credential "
        "(schema shapes, Data Integrity proof, status list) and its PDF (every signature, "
        "PAdES long-term validation, PDF/A claim). Optionally against a copy of 1EdTech's "
        "official schema (--schema)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--schema", help="a JSON Schema file to validate the credential with")

    def handle(self, *args, code, schema=None, **options):
        certificate = selectors.certificate_for_code(code)
        if certificate is None:
            raise CommandError(f"no certificate {code}")
        out = self.stdout.write
        out(f"Certificate {certificate.code}: {selectors.verification_state(certificate)}")
        document = certificate.credential
        if document:
            for path in [SUBSET_SCHEMA, *([Path(schema)] if schema else [])]:
                validator = jsonschema.Draft201909Validator(
                    json.loads(path.read_text()),
                    format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER,
                )
                errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
                out(f"  schema {path.name}: {errors or 'valid'}")
            try:
                credentials.verify_credential(document)
                out("  proof (eddsa-rdfc-2022): verified")
            except OB3VerificationError as exc:
                out(f"  proof: NOT verified ({exc})")
            out(f"  status list: {credentials.credential_status_state(document)}")
            out(f"  validFrom {document['validFrom']}  validUntil {document.get('validUntil')}")
        if certificate.pdf:
            with certificate.pdf.open("rb") as handle:
                data = handle.read()
            check = signing.check_pdf_signature(data)
            out(
                f"  PDF signatures: {'valid' if check.valid else 'INVALID ' + check.problem} "
                f"({check.signatures} signatures and timestamps, signed {check.signing_time}, "
                f"DSS and document timestamp: {check.long_term})"
            )
            result = signing.long_term_validation(data)
            out(f"  PAdES long-term validation (pyHanko AdES): {result.ades_subindic}")
            xmp = _xmp(data)
            claim = 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
            out(f"  PDF/A-3b claim in the XMP metadata: {claim}")


def _xmp(data: bytes) -> str:
    root = PdfFileReader(io.BytesIO(data)).root
    return root["/Metadata"].get_object().data.decode() if "/Metadata" in root else ""

from django.core.management.base import BaseCommand

from certificates.credentials import credential_key_rotate


class Command(BaseCommand):
    help = (
        "Start signing Open Badges credentials with a new Ed25519 key. The old key is retired "
        "but stays published at /verificar/emisor/claves/, so credentials it signed still verify."
    )

    def handle(self, *args, **options):
        key = credential_key_rotate()
        self.stdout.write(self.style.SUCCESS(f"New credential signing key: {key.key_id}"))

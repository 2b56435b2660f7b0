"""Demo accounts, one per role. Called by `manage.py seed_demo`; idempotent."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import Role

DEMO_PASSWORD = "relevo-demo"  # noqa: S105 (documented demo credential, DEBUG only)

DEMO_ACCOUNTS = [
    # email, first name, last name, roles
    ("funcionario@relevo.demo", "María", "Andrade", [Role.LEARNER]),
    ("capacitador@relevo.demo", "Jorge", "Salazar", [Role.LEARNER, Role.TRAINER]),
    ("revisor@relevo.demo", "Lucía", "Cevallos", [Role.LEARNER, Role.REVIEWER]),
    ("custodio@relevo.demo", "Andrés", "Paredes", [Role.LEARNER, Role.CUSTODIAN]),
    ("talento@relevo.demo", "Gabriela", "Mora", [Role.LEARNER, Role.HR]),
    ("admin@relevo.demo", "Patricio", "Vega", [Role.ADMIN]),
]


def demo_user(email: str):
    return get_user_model().objects.get(email=email)


def ensure_account(
    email: str, first_name: str, last_name: str, roles=(), *, password=DEMO_PASSWORD
):
    """Create (or leave as is) an account with a verified e-mail and the given roles."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, "language": "es"}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    wanted = set(Group.objects.filter(name__in=[str(r) for r in roles]))
    missing = wanted - set(user.groups.all())
    if missing:
        user.groups.add(*missing)
    return user


def seed(stdout) -> list[str]:
    lines = []
    for email, first, last, roles in DEMO_ACCOUNTS:
        user = ensure_account(email, first, last, roles)
        if Role.ADMIN in roles and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        lines.append(f"  {email:<28} {DEMO_PASSWORD}   {', '.join(str(r) for r in roles)}")
    stdout.write("Demo accounts (password: relevo-demo):")
    for line in lines:
        stdout.write(line)
    return lines

"""The ministry's organisation (from the seeds), about 60 staff, the EGSI requirement with every
compliance state represented, and a coverage rule. Idempotent."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from certificates.api import certificate_issue
from core.api import DEMO_ACCOUNTS, Role, demo_account_ensure
from courses.api import CoursePage, Enrolment, EnrolmentSource, EnrolmentStatus, live_courses

from .models import CoverageRule, OrgUnit, Requirement, StaffProfile
from .selectors import coverage_forecast

# (code, name, kind, parent code)
ORGANISATION = [
    ("mremh", "Ministerio de Relaciones Exteriores y Movilidad Humana", "institution", None),
    ("ssmc", "Subsecretaría de Servicios Migratorios y Consulares", "undersecretariat", "mremh"),
    ("dsm", "Dirección de Servicios Migratorios", "directorate", "ssmc"),
    ("dap", "Dirección de Apostillas y Legalizaciones", "directorate", "ssmc"),
    ("dgai", "Dirección de Gestión Administrativa", "directorate", "mremh"),
    ("dti", "Dirección de Tecnologías de la Información y Comunicación", "directorate", "mremh"),
    ("dti-inf", "Unidad de Infraestructura y Seguridad de la Información", "unit", "dti"),
    ("dti-des", "Unidad de Desarrollo e Interoperabilidad", "unit", "dti"),
    ("dath", "Dirección de Administración del Talento Humano", "directorate", "mremh"),
    ("dpge", "Dirección de Planificación y Gestión Estratégica", "directorate", "mremh"),
]

# employee id, e-mail, first, last, unit, position
STAFF = [
    (
        "1712345601",
        "funcionario@relevo.demo",
        "María",
        "Andrade",
        "dsm",
        "Analista de servicios migratorios",
    ),
    (
        "1712345602",
        "capacitador@relevo.demo",
        "Jorge",
        "Salazar",
        "dath",
        "Especialista de capacitación",
    ),
    ("1712345603", "revisor@relevo.demo", "Lucía", "Cevallos", "dpge", "Analista de calidad"),
    (
        "1712345604",
        "custodio@relevo.demo",
        "Andrés",
        "Paredes",
        "dti-des",
        "Ingeniero de interoperabilidad",
    ),
    ("1712345605", "talento@relevo.demo", "Gabriela", "Mora", "dath", "Analista de talento humano"),
    ("1712345606", "admin@relevo.demo", "Patricio", "Vega", "dti", "Director de tecnologías"),
    (
        "1712345607",
        "carlos.benitez@relevo.demo",
        "Carlos",
        "Benítez",
        "dti-inf",
        "Oficial de seguridad de la información",
    ),
    (
        "1712345608",
        "ana.guerrero@relevo.demo",
        "Ana",
        "Guerrero",
        "dti-inf",
        "Administradora de infraestructura",
    ),
    ("1712345609", "diego.rivas@relevo.demo", "Diego", "Rivas", "dti-des", "Desarrollador"),
    (
        "1712345610",
        "sofia.naranjo@relevo.demo",
        "Sofía",
        "Naranjo",
        "dti-des",
        "Arquitecta de software",
    ),
    (
        "1712345611",
        "luis.ortega@relevo.demo",
        "Luis",
        "Ortega",
        "dsm",
        "Analista de movilidad humana",
    ),
    (
        "1712345612",
        "paola.cordero@relevo.demo",
        "Paola",
        "Cordero",
        "dsm",
        "Asistente de servicios migratorios",
    ),
    (
        "1712345613",
        "fernando.mejia@relevo.demo",
        "Fernando",
        "Mejía",
        "dsm",
        "Director de servicios migratorios",
    ),
    (
        "1712345614",
        "veronica.lopez@relevo.demo",
        "Verónica",
        "López",
        "dap",
        "Analista de apostillas",
    ),
    (
        "1712345615",
        "ricardo.villacis@relevo.demo",
        "Ricardo",
        "Villacís",
        "dap",
        "Director de apostillas",
    ),
    (
        "1712345616",
        "daniela.proano@relevo.demo",
        "Daniela",
        "Proaño",
        "dap",
        "Asistente de legalizaciones",
    ),
    (
        "1712345617",
        "marco.espinoza@relevo.demo",
        "Marco",
        "Espinoza",
        "dgai",
        "Analista administrativo",
    ),
    ("1712345618", "carmen.ruiz@relevo.demo", "Carmen", "Ruiz", "dgai", "Directora administrativa"),
    (
        "1712345619",
        "javier.toapanta@relevo.demo",
        "Javier",
        "Toapanta",
        "dti-inf",
        "Técnico de soporte",
    ),
    (
        "1712345620",
        "elena.vaca@relevo.demo",
        "Elena",
        "Vaca",
        "dti",
        "Analista de gobierno electrónico",
    ),
    (
        "1712345621",
        "pablo.herrera@relevo.demo",
        "Pablo",
        "Herrera",
        "dath",
        "Director de talento humano",
    ),
    (
        "1712345622",
        "isabel.montalvo@relevo.demo",
        "Isabel",
        "Montalvo",
        "dpge",
        "Directora de planificación",
    ),
    (
        "1712345623",
        "tomas.aguirre@relevo.demo",
        "Tomás",
        "Aguirre",
        "ssmc",
        "Subsecretario de servicios migratorios",
    ),
    ("1712345624", "rosa.chiriboga@relevo.demo", "Rosa", "Chiriboga", "ssmc", "Asesora"),
    (
        "1712345625",
        "miguel.quishpe@relevo.demo",
        "Miguel",
        "Quishpe",
        "dsm",
        "Analista de datos migratorios",
    ),
    (
        "1712345626",
        "natalia.robles@relevo.demo",
        "Natalia",
        "Robles",
        "dap",
        "Analista de legalizaciones",
    ),
    ("1712345627", "esteban.ponce@relevo.demo", "Esteban", "Ponce", "dti-des", "Desarrollador"),
    (
        "1712345628",
        "valeria.suarez@relevo.demo",
        "Valeria",
        "Suárez",
        "dti-inf",
        "Administradora de bases de datos",
    ),
    ("1712345629", "hugo.calderon@relevo.demo", "Hugo", "Calderón", "mremh", "Coordinador general"),
    (
        "1712345630",
        "teresa.jaramillo@relevo.demo",
        "Teresa",
        "Jaramillo",
        "dgai",
        "Asistente administrativa",
    ),
]
HEADS = {
    "dsm": "1712345613",
    "dap": "1712345615",
    "dgai": "1712345618",
    "dti": "1712345606",
    "dath": "1712345621",
    "dpge": "1712345622",
    "ssmc": "1712345623",
    "mremh": "1712345629",
}


def seed(stdout) -> None:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent_code in ORGANISATION:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            if parent_code is None:
                unit = OrgUnit.add_root(code=code, name=name, kind=kind)
            else:
                # Fetched afresh: a sorted insert shifts the paths of siblings in memory.
                parent = OrgUnit.objects.get(code=parent_code)
                unit = parent.add_child(code=code, name=name, kind=kind)
        units[code] = unit
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=units)}
    role_accounts = {email: roles for email, _f, _l, roles in DEMO_ACCOUNTS}
    profiles = {}
    for employee_id, email, first, last, unit_code, position in STAFF:
        user = demo_account_ensure(
            email=email,
            first_name=first,
            last_name=last,
            roles=role_accounts.get(email, [Role.LEARNER]),
        )
        profile, _ = StaffProfile.objects.get_or_create(
            employee_id=employee_id,
            defaults={"user": user, "unit": units[unit_code], "position": position},
        )
        profiles[employee_id] = profile
    for unit_code, employee_id in HEADS.items():
        unit = units[unit_code]
        if unit.head_id is None:
            unit.head = profiles[employee_id]
            unit.save(update_fields=["head"])
    for profile in profiles.values():
        if profile.manager_id is None:
            unit = OrgUnit.objects.get(pk=profile.unit_id)
            head = unit.head
            if head is not None and head.pk == profile.pk:
                parent = unit.get_parent()
                head = parent.head if parent else None
            if head is not None and head.pk != profile.pk:
                profile.manager = head
                profile.save(update_fields=["manager"])
    for employee_id, email, first, last, unit_code, position in EXTRA_STAFF:
        user = demo_account_ensure(
            email=email, first_name=first, last_name=last, roles=[Role.LEARNER]
        )
        profile, created = StaffProfile.objects.get_or_create(
            employee_id=employee_id,
            defaults={"user": user, "unit": units[unit_code], "position": position},
        )
        if created:
            unit = OrgUnit.objects.get(pk=profile.unit_id)
            if unit.head_id and unit.head_id != profile.pk:
                profile.manager_id = unit.head_id
                profile.save(update_fields=["manager"])
        profiles[employee_id] = profile
    leaving = profiles["1712345660"]
    if leaving.status == StaffProfile.Status.ACTIVE:
        leaving.status = StaffProfile.Status.LEAVING
        leaving.end_date = timezone.localdate() + timedelta(days=45)
        leaving.save(update_fields=["status", "end_date"])
    stdout.write(f"Organisation: {len(units)} units, {len(profiles)} staff.")
    _seed_egsi(stdout, units, profiles)


FIRST = [
    "Adriana",
    "Bernardo",
    "Cecilia",
    "Darío",
    "Estefanía",
    "Francisco",
    "Gloria",
    "Héctor",
    "Inés",
    "Julián",
    "Karina",
    "Leonardo",
    "Mónica",
    "Nicolás",
    "Olga",
    "Pedro",
    "Ruth",
    "Santiago",
    "Tatiana",
    "Ulises",
    "Ximena",
    "Wilson",
    "Yolanda",
    "Zoila",
    "Álvaro",
    "Beatriz",
    "César",
    "Diana",
    "Edison",
    "Fabiola",
]
LAST = [
    "Almeida",
    "Bravo",
    "Carrión",
    "Delgado",
    "Enríquez",
    "Flores",
    "Gallardo",
    "Hidalgo",
    "Iturralde",
    "Jácome",
    "Lasso",
    "Moreno",
    "Noboa",
    "Ordóñez",
    "Pazmiño",
    "Quintana",
    "Reyes",
    "Sánchez",
    "Tapia",
    "Unda",
    "Vásconez",
    "Yépez",
    "Zambrano",
    "Arias",
    "Bustos",
    "Castro",
    "Dávila",
    "Espín",
    "Fuentes",
    "Granda",
]
EXTRA_UNITS = ["dsm", "dap", "dgai", "dti-inf", "dti-des", "dath", "dpge", "dsm", "dap", "dti"]
POSITIONS = ["Analista", "Asistente administrativo", "Técnico", "Especialista", "Secretaria"]


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


EXTRA_STAFF = [
    (
        f"17123456{31 + i:02d}",
        f"{_ascii(FIRST[i])}.{_ascii(LAST[i])}@relevo.demo",
        FIRST[i],
        LAST[i],
        EXTRA_UNITS[i % len(EXTRA_UNITS)],
        POSITIONS[i % len(POSITIONS)],
    )
    for i in range(30)
]


def _egsi_course() -> CoursePage | None:
    return (
        live_courses()
        .filter(Q(slug__icontains="seguridad") | Q(title__icontains="EGSI"))
        .order_by("pk")
        .first()
    )


def _issue(enrolment) -> None:
    """A real certificate for a past demo completion: signed credential now, PDF rendered and
    signed at its first download (dozens of PDFs would cost the seeding minutes). No e-mail:
    these completions are history."""
    certificate_issue(enrolment_id=enrolment.pk, notify=False, render_pdf=False)


def _seed_egsi(stdout, units, profiles) -> None:
    course = _egsi_course()
    if course is None:
        stdout.write(
            "Note: no EGSI course (slug with 'seguridad') yet; the EGSI requirement was skipped."
        )
        return
    today = timezone.localdate()
    hr_officer = StaffProfile.objects.filter(user__email="talento@relevo.demo").first()
    requirement, _created = Requirement.objects.get_or_create(
        course=course,
        scope=Requirement.Scope.EVERYONE,
        defaults={
            "validity_months": 12,
            "due_days": 30,
            "created_at": timezone.now() - timedelta(days=400),
            "created_by": hr_officer.user if hr_officer else None,
        },
    )
    # Every compliance state, by position in the staff list (stable across runs).
    ordered = sorted(profiles.values(), key=lambda p: p.employee_id)
    states = {"compliant": 0, "expiring": 0, "expired": 0, "pending": 0, "overdue": 0}
    for index, profile in enumerate(ordered):
        if profile.user.email == "funcionario@relevo.demo":
            kind = "pending"  # the demo learner sees the assignment in Mi aprendizaje
        else:
            kind = ["compliant", "compliant", "expiring", "expired", "pending", "overdue"][
                index % 6
            ]
        states[kind] += 1
        if Enrolment.objects.filter(learner=profile.user, course=course).exists():
            continue
        if kind in ("compliant", "expiring", "expired"):
            months_ago = {"compliant": 2 + index % 8, "expiring": 12, "expired": 14}[kind]
            completed = today - relativedelta(months=months_ago)
            if kind == "expiring":
                completed += timedelta(days=10 + index % 15)
            moment = timezone.make_aware(
                timezone.datetime.combine(completed, timezone.datetime.min.time())
            ) + timedelta(hours=10)
            enrolment = Enrolment.objects.create(
                learner=profile.user,
                course=course,
                source=EnrolmentSource.ASSIGNED,
                due_date=completed,
                status=EnrolmentStatus.COMPLETED,
                progress_percent=100,
                enrolled_at=moment - timedelta(days=7),
                completed_at=moment,
            )
            _issue(enrolment)
        else:
            due = today + timedelta(days=20) if kind == "pending" else today - timedelta(days=12)
            Enrolment.objects.create(
                learner=profile.user,
                course=course,
                source=EnrolmentSource.ASSIGNED,
                due_date=due,
                enrolled_at=timezone.now() - timedelta(days=30),
            )
    # "TIC must always keep N people with a valid EGSI certification": N is today's holders,
    # so the dashboard warns of the first expiry or departure in the next 90 days.
    rule, created = CoverageRule.objects.get_or_create(
        unit=units["dti"], course=course, defaults={"minimum": 1}
    )
    if created:
        rule.minimum = max(coverage_forecast(rule).holders_today, 1)
        rule.save(update_fields=["minimum"])
    stdout.write(
        f"EGSI requirement for everyone (12 months): {requirement.course.title}; "
        + ", ".join(f"{k} {v}" for k, v in states.items())
    )

# ruff: noqa: E501  (demo prose: long Markdown strings read better unwrapped)
"""Demo knowledge base: the ministry's systems (from the seeds), 22 Spanish articles with real
structure, some past their review date, and one system at risk because its second expert left.
Idempotent: what exists is left as is."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.api import CoursePage
from people.api import StaffProfile, StaffStatus, staff_profile_for_email

from .models import ArticlePage, KnowledgeIndexPage, SystemPage

H, M, L = "high", "medium", "low"

# slug, title, acronym, purpose, (C, I, A), owners, backups, course title keywords
SYSTEMS = [
    (
        "sniimh",
        "Sistema Nacional Integrado de Información sobre la Movilidad Humana",
        "SNIIMH",
        "Registra y consolida la información de las personas en movilidad humana (ecuatorianos en "
        "el exterior, retornados, extranjeros en el Ecuador) e intercambia datos con otras "
        "entidades del Estado según el Reglamento de la Ley Orgánica de Movilidad Humana.",
        (H, H, H),
        ["custodio@relevo.demo", "sofia.naranjo@relevo.demo"],
        ["valeria.suarez@relevo.demo"],
        ["movilidad"],
    ),
    (
        "apostilla-virtual",
        "Apostilla virtual",
        "APV",
        "Emite y verifica apostillas y legalizaciones electrónicas con firma electrónica, con tres "
        "niveles de apostilla según el alcance de la interoperabilidad con otras instituciones.",
        (M, H, H),
        ["diego.rivas@relevo.demo"],
        ["esteban.ponce@relevo.demo"],
        ["apostilla"],
    ),
    (
        "quipux",
        "Quipux – gestión documental",
        "QUIPUX",
        "Sistema de gestión documental del Estado: elaboración, firma electrónica, envío y archivo "
        "de comunicaciones oficiales sin papel.",
        (M, H, M),
        ["javier.toapanta@relevo.demo", "custodio@relevo.demo"],
        ["ana.guerrero@relevo.demo"],
        ["quipux", "documental"],
    ),
    (
        "bus-servicios-gubernamentales",
        "Bus de Servicios Gubernamentales (interoperabilidad)",
        "BSG",
        "Plataforma de interoperabilidad del Estado que expone y consume servicios web de otras "
        "entidades (Registro Civil, SRI, Policía) para simplificar trámites.",
        (H, H, H),
        ["custodio@relevo.demo"],
        ["diego.rivas@relevo.demo", "sofia.naranjo@relevo.demo"],
        ["interoperabilidad"],
    ),
    (
        "firma-electronica",
        "Firma electrónica",
        "FIRMA",
        "Firma electrónica de documentos y certificados con certificados de firma emitidos por "
        "entidades de certificación acreditadas; validación de firmas recibidas.",
        (H, H, M),
        ["carlos.benitez@relevo.demo"],
        ["ana.guerrero@relevo.demo"],
        ["firma", "seguridad"],
    ),
    (
        "datos-abiertos",
        "Portal de datos abiertos",
        "DATOS",
        "Publica conjuntos de datos abiertos del ministerio (estadísticas migratorias anonimizadas) "
        "según la guía de datos abiertos del Plan Nacional de Gobierno Electrónico.",
        (L, M, M),
        ["elena.vaca@relevo.demo"],
        ["miguel.quishpe@relevo.demo"],
        ["datos abiertos", "gobierno abierto"],
    ),
]
DEPENDENCIES = {
    "sniimh": ["bus-servicios-gubernamentales"],
    "apostilla-virtual": ["firma-electronica", "bus-servicios-gubernamentales"],
    "quipux": ["firma-electronica"],
    "datos-abiertos": ["sniimh"],
}
SERVICES = {
    "bus-servicios-gubernamentales": [
        ("provided", "Consulta de datos de identidad", "Registro Civil", "SOAP/WS-Security"),
        ("provided", "Consulta de RUC", "Servicio de Rentas Internas", "REST"),
    ],
    "sniimh": [
        ("consumed", "Consulta de datos de identidad", "Registro Civil (vía BSG)", "SOAP"),
        ("provided", "Registro de movimientos migratorios", "Ministerio del Interior", "REST"),
    ],
    "apostilla-virtual": [
        ("consumed", "Validación de firma", "Firma electrónica", "REST"),
        ("provided", "Verificación pública de apostillas", "Ciudadanía", "HTTPS"),
    ],
}
ENVIRONMENTS = {
    "sniimh": [
        ("production", "https://sniimh.cancilleria.gob.ec", "Centro de datos del ministerio")
    ],
    "apostilla-virtual": [
        ("production", "https://apostilla.cancilleria.gob.ec", "Centro de datos del ministerio"),
        ("test", "https://pruebas-apostilla.cancilleria.gob.ec", "Servidor de pruebas"),
    ],
    "bus-servicios-gubernamentales": [("production", "https://bsg.gob.ec", "MINTEL")],
}
PROVIDERS = {
    "bus-servicios-gubernamentales": [
        (
            "MINTEL – Subsecretaría de Gobierno Electrónico",
            "Convenio de interoperabilidad",
            "Mesa de ayuda BSG",
            "soporte.bsg@gobiernoelectronico.gob.ec",
        )
    ],
    "firma-electronica": [
        (
            "Entidad de certificación acreditada",
            "Contrato de certificados",
            "Soporte técnico",
            "soporte@ejemplo-ec.gob.ec",
        )
    ],
}


def _steps(*items):
    return "\n".join(f"{n}. {text}" for n, text in enumerate(items, 1))


# slug, title, kind, systems, owner, summary, body, stale, tags
ARTICLES = [
    (
        "sniimh-arquitectura",
        "Arquitectura del SNIIMH",
        "architecture",
        ["sniimh"],
        "sofia.naranjo@relevo.demo",
        "Por qué el SNIIMH intercambia datos solo a través del Bus de Servicios Gubernamentales.",
        "## Contexto\n\nEl Reglamento de la Ley Orgánica de Movilidad Humana exige compartir información entre instituciones del Estado sin perjuicio de los derechos de las personas en movilidad humana.\n\n## Decisión\n\nToda consulta a otras entidades pasa por el **Bus de Servicios Gubernamentales**; no hay conexiones directas a bases de datos externas.\n\n## Alternativas consideradas\n\n| Alternativa | Motivo de descarte |\n|---|---|\n| Réplica de bases de datos | Duplica datos personales |\n| Archivos planos por SFTP | Sin trazabilidad |\n\n## Consecuencias\n\n- Un único punto de auditoría.\n- Dependencia de la disponibilidad del BSG.\n\n## Estado y fecha\n\nAprobada por el comité de tecnología.",
        False,
        ["arquitectura", "interoperabilidad"],
    ),
    (
        "sniimh-respaldo",
        "Respaldo y restauración de la base del SNIIMH",
        "runbook",
        ["sniimh"],
        "valeria.suarez@relevo.demo",
        "Respaldo diario de la base de datos y prueba mensual de restauración.",
        "## Propósito\n\nGarantizar la disponibilidad de la información migratoria ante fallos.\n\n## Cuándo ejecutarlo\n\nEl respaldo corre cada noche a las 23:00; la restauración de prueba, el primer lunes de cada mes.\n\n## Pasos\n\n"
        + _steps(
            "Verifique el espacio libre en el almacenamiento de respaldos.",
            "Ejecute el respaldo:",
            "Copie el archivo al sitio alterno.",
        )
        + '\n\n```bash\npg_dump -Fc sniimh > /respaldos/sniimh-$(date +%F).dump\n```\n\n## Verificación\n\n!!! warning "Importante"\n    Un respaldo que no se ha restaurado nunca no es un respaldo.\n\n## Reversión\n\nRestaure el último respaldo válido con `pg_restore`.',
        False,
        ["respaldo", "base de datos"],
    ),
    (
        "sniimh-alta-usuarios",
        "Alta de usuarios consulares en el SNIIMH",
        "howto",
        ["sniimh"],
        "custodio@relevo.demo",
        "Cómo dar acceso a un funcionario consular nuevo.",
        "## Objetivo\n\nQue un funcionario consular pueda registrar trámites desde su consulado.\n\n## Antes de empezar\n\n- Solicitud firmada en Quipux por el jefe consular.\n- Cuenta institucional activa.\n\n## Pasos\n\n"
        + _steps(
            "Cree el usuario en el módulo de seguridad.",
            "Asigne el rol *Funcionario consular* y el consulado.",
            "Envíe las credenciales por el canal seguro.",
        )
        + "\n\n## Resultado\n\nEl funcionario accede con su cuenta institucional.",
        True,
        ["accesos"],
    ),
    (
        "sniimh-lentitud",
        "El SNIIMH responde lento en horas pico",
        "troubleshooting",
        ["sniimh"],
        "custodio@relevo.demo",
        "Diagnóstico de lentitud por consultas al BSG.",
        "## Síntoma\n\nLas pantallas de registro tardan más de 10 segundos entre las 09:00 y las 11:00.\n\n## Causas probables\n\n- Tiempo de respuesta del Registro Civil a través del BSG.\n- Índices faltantes tras una migración.\n\n## Diagnóstico\n\n```sql\nSELECT query, mean_exec_time FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10;\n```\n\n## Solución\n\nActive la caché de consultas de identidad (24 horas).\n\n## Prevención\n\nMonitoree el tiempo de respuesta del BSG.",
        False,
        ["rendimiento"],
    ),
    (
        "sniimh-glosario",
        "Glosario de movilidad humana",
        "glossary",
        ["sniimh"],
        "sofia.naranjo@relevo.demo",
        "Términos usados en el SNIIMH.",
        "## Términos\n\n| Término | Definición |\n|---|---|\n| Persona en movilidad humana | Quien se moviliza de un Estado a otro con intención de permanecer |\n| Retornado | Ecuatoriano que regresa al país |\n| Interoperabilidad | Compartir e intercambiar datos electrónicos entre sistemas del Estado |\n\n## Siglas\n\n- **SNIIMH**: Sistema Nacional Integrado de Información sobre la Movilidad Humana.\n- **BSG**: Bus de Servicios Gubernamentales.\n- **EGSI**: Esquema Gubernamental de Seguridad de la Información.",
        False,
        ["glosario"],
    ),
    (
        "apostilla-emision",
        "Emisión de una apostilla electrónica",
        "runbook",
        ["apostilla-virtual"],
        "diego.rivas@relevo.demo",
        "Procedimiento de emisión con firma electrónica.",
        "## Propósito\n\nEmitir apostillas con validez internacional sin papel.\n\n## Requisitos previos y accesos\n\n- Certificado de firma electrónica vigente del funcionario.\n- Documento público verificado.\n\n## Pasos\n\n"
        + _steps(
            "Busque la solicitud por número de trámite.",
            "Verifique la firma del documento de origen.",
            "Firme la apostilla con su certificado.",
            "Publique el código de verificación.",
        )
        + "\n\n## Verificación\n\nEl código debe abrir la apostilla en el portal de verificación.\n\n## Contactos y escalamiento\n\nDirección de Apostillas y Legalizaciones.",
        False,
        ["apostilla", "firma"],
    ),
    (
        "apostilla-niveles",
        "Los tres niveles de apostilla",
        "architecture",
        ["apostilla-virtual"],
        "diego.rivas@relevo.demo",
        "Niveles de apostilla según el alcance de interoperabilidad.",
        "## Contexto\n\nLa cooperación técnica EC-T1474 prevé tres niveles de apostilla según la interoperabilidad con otras instituciones.\n\n## Decisión\n\n| Nivel | Origen del documento | Verificación |\n|---|---|---|\n| 1 | Papel escaneado | Manual |\n| 2 | Documento firmado electrónicamente | Validación de firma |\n| 3 | Documento obtenido por interoperabilidad | Automática vía BSG |\n\n## Consecuencias\n\nEl nivel 3 depende de convenios con cada institución emisora.",
        True,
        ["apostilla", "arquitectura"],
    ),
    (
        "apostilla-firma-invalida",
        "La apostilla rechaza una firma válida",
        "troubleshooting",
        ["apostilla-virtual", "firma-electronica"],
        "diego.rivas@relevo.demo",
        "Cadena de certificados desactualizada.",
        "## Síntoma\n\nEl sistema rechaza documentos firmados con certificados vigentes.\n\n## Causas probables\n\n- Certificado raíz de la entidad de certificación no instalado.\n- Lista de revocación (CRL) caducada.\n\n## Diagnóstico\n\n```bash\nopenssl verify -CAfile cadena.pem certificado.pem\n```\n\n## Solución\n\nActualice el almacén de certificados raíz y la CRL.",
        True,
        ["firma", "certificados"],
    ),
    (
        "quipux-firma-lote",
        "Firmar oficios en lote en Quipux",
        "howto",
        ["quipux", "firma-electronica"],
        "javier.toapanta@relevo.demo",
        "Firma de varios documentos a la vez con token.",
        "## Objetivo\n\nFirmar electrónicamente varios oficios en una sola operación.\n\n## Antes de empezar\n\nConecte el token y verifique que el certificado está vigente.\n\n## Pasos\n\n"
        + _steps(
            "Abra la bandeja *Por firmar*.",
            "Seleccione los documentos.",
            "Pulse *Firmar* e ingrese el PIN del token.",
        )
        + '\n\n## Resultado\n\nLos documentos pasan a *Enviados*.\n\n!!! note "Dato"\n    Con la firma electrónica en Quipux se dejaron de imprimir 4,2 millones de comunicaciones en un año.',
        False,
        ["firma", "quipux"],
    ),
    (
        "quipux-configuracion-cliente",
        "Configuración del cliente de firma de Quipux",
        "runbook",
        ["quipux"],
        "javier.toapanta@relevo.demo",
        "Instalación y configuración del cliente de firma en estaciones de trabajo.",
        "## Propósito\n\nQue los funcionarios firmen desde su estación de trabajo.\n\n## Requisitos previos y accesos\n\n- Permisos de administrador local.\n- Controlador del token.\n\n## Pasos\n\n"
        + _steps(
            "Instale el controlador del token.",
            "Instale el cliente de firma.",
            "Configure la URL del servicio de Quipux.",
        )
        + "\n\n## Verificación\n\nFirme un documento de prueba.\n\n## Reversión\n\nDesinstale el cliente y restaure la configuración anterior.",
        True,
        ["configuración", "quipux"],
    ),
    (
        "quipux-traspaso-bandejas",
        "Traspaso de bandejas de Quipux cuando un funcionario se va",
        "handover",
        ["quipux"],
        "javier.toapanta@relevo.demo",
        "Qué hacer con los documentos pendientes de quien deja el puesto.",
        "## Qué entrego\n\nLa reasignación de documentos pendientes.\n\n## Tareas diarias y periódicas\n\n- Revisar reasignaciones solicitadas por Talento Humano.\n\n## Asuntos abiertos y trabajo pendiente\n\nDocumentos sin firmar del funcionario saliente.\n\n## Contactos clave\n\nDirección de Administración del Talento Humano.",
        False,
        ["traspaso", "quipux"],
    ),
    (
        "bsg-alta-servicio",
        "Alta de un nuevo servicio en el Bus de Servicios Gubernamentales",
        "runbook",
        ["bus-servicios-gubernamentales"],
        "custodio@relevo.demo",
        "Publicar o consumir un servicio web a través del BSG.",
        "## Propósito\n\nIntercambiar datos con otra entidad de forma segura y trazable.\n\n## Cuándo ejecutarlo\n\nCuando exista un convenio de interoperabilidad firmado.\n\n## Requisitos previos y accesos\n\n- Convenio firmado.\n- Certificado del servidor.\n\n## Pasos\n\n"
        + _steps(
            "Registre el servicio en la consola del BSG.",
            "Configure WS-Security con el certificado.",
            "Pruebe en el ambiente de pruebas.",
            "Solicite el paso a producción a MINTEL.",
        )
        + "\n\n## Verificación\n\n```bash\ncurl -s --cert servidor.pem https://bsg.gob.ec/servicio/estado\n```\n\n## Contactos y escalamiento\n\nMesa de ayuda del BSG (MINTEL).",
        False,
        ["interoperabilidad", "servicios web"],
    ),
    (
        "bsg-certificado-caducado",
        "El BSG rechaza las peticiones: certificado caducado",
        "troubleshooting",
        ["bus-servicios-gubernamentales"],
        "custodio@relevo.demo",
        "Renovación del certificado cliente del BSG.",
        "## Síntoma\n\nLas consultas devuelven `SSL handshake failed`.\n\n## Causas probables\n\nCertificado cliente caducado.\n\n## Diagnóstico\n\n```bash\nopenssl x509 -enddate -noout -in cliente.pem\n```\n\n## Solución\n\nSolicite un nuevo certificado y actualice el almacén de claves.\n\n## Prevención\n\nRecordatorio 30 días antes de la caducidad.",
        False,
        ["certificados", "interoperabilidad"],
    ),
    (
        "bsg-decision-rest",
        "Servicios REST en lugar de SOAP para nuevos consumos",
        "architecture",
        ["bus-servicios-gubernamentales"],
        "sofia.naranjo@relevo.demo",
        "Criterio para elegir protocolo en nuevos servicios.",
        "## Contexto\n\nEl BSG admite SOAP y REST.\n\n## Decisión\n\nLos servicios nuevos usan REST con JSON; los existentes en SOAP se mantienen.\n\n## Alternativas consideradas\n\nMigrar todo a REST (costoso, sin beneficio inmediato).\n\n## Consecuencias\n\nDos estilos conviven durante la transición.",
        False,
        ["arquitectura", "interoperabilidad"],
    ),
    (
        "firma-renovacion",
        "Renovación de certificados de firma electrónica",
        "runbook",
        ["firma-electronica"],
        "carlos.benitez@relevo.demo",
        "Renovar certificados de funcionarios antes de su caducidad.",
        "## Propósito\n\nEvitar que se detenga la firma de documentos.\n\n## Cuándo ejecutarlo\n\nCada mes, para los certificados que caducan en los 60 días siguientes.\n\n## Pasos\n\n"
        + _steps(
            "Genere el reporte de caducidades.",
            "Notifique a los funcionarios.",
            "Gestione la renovación con la entidad de certificación.",
        )
        + "\n\n## Verificación\n\nEl reporte no muestra certificados caducados.",
        True,
        ["certificados", "firma"],
    ),
    (
        "firma-validacion",
        "Cómo validar una firma electrónica recibida",
        "howto",
        ["firma-electronica"],
        "carlos.benitez@relevo.demo",
        "Validación de documentos firmados que llegan de otras entidades.",
        "## Objetivo\n\nComprobar la integridad y autoría de un documento firmado.\n\n## Pasos\n\n"
        + _steps(
            "Abra el documento en el validador institucional.",
            "Revise la cadena de confianza.",
            "Verifique que el certificado no esté revocado.",
        )
        + "\n\n## Resultado\n\nEl validador muestra *Firma válida*.\n\n## Véase también\n\nEGSI: controles criptográficos.",
        False,
        ["firma", "seguridad"],
    ),
    (
        "firma-egsi-riesgos",
        "Evaluación de riesgos EGSI de la firma electrónica",
        "architecture",
        ["firma-electronica"],
        "carlos.benitez@relevo.demo",
        "Riesgos sobre confidencialidad, integridad y disponibilidad del servicio de firma.",
        "## Contexto\n\nEl Acuerdo Ministerial 025-2019 obliga a evaluar los riesgos de los activos de información críticos.\n\n## Decisión\n\n| Activo | Confidencialidad | Integridad | Disponibilidad |\n|---|---|---|---|\n| Claves privadas | Alta | Alta | Media |\n| Servicio de validación | Baja | Alta | Alta |\n\n## Consecuencias\n\nLas claves privadas se guardan solo en tokens.",
        False,
        ["seguridad", "egsi"],
    ),
    (
        "datos-publicacion",
        "Publicación de un conjunto de datos abiertos",
        "runbook",
        ["datos-abiertos"],
        "elena.vaca@relevo.demo",
        "Pasos para publicar estadísticas migratorias anonimizadas.",
        "## Propósito\n\nCumplir la estrategia de datos abiertos del Plan Nacional de Gobierno Electrónico.\n\n## Pasos\n\n"
        + _steps(
            "Extraiga los datos del SNIIMH.",
            "Anonimice los datos personales.",
            "Valide el formato (CSV, UTF-8).",
            "Publique con su ficha de metadatos.",
        )
        + '\n\n## Verificación\n\n!!! danger "Datos personales"\n    Nunca publique nombres, cédulas ni pasaportes.',
        True,
        ["datos abiertos", "anonimización"],
    ),
    (
        "datos-anonimizacion",
        "Anonimización de estadísticas migratorias",
        "howto",
        ["datos-abiertos", "sniimh"],
        "miguel.quishpe@relevo.demo",
        "Técnicas de agregación para proteger datos personales.",
        "## Objetivo\n\nPublicar estadísticas sin permitir reidentificar personas.\n\n## Pasos\n\n"
        + _steps(
            "Agregue por provincia y mes.",
            "Suprima celdas con menos de 5 casos.",
            "Revise combinaciones raras de variables.",
        )
        + "\n\n## Resultado\n\nUn conjunto apto para publicación.",
        False,
        ["anonimización", "datos personales"],
    ),
    (
        "datos-glosario",
        "Glosario de datos abiertos",
        "glossary",
        ["datos-abiertos"],
        "elena.vaca@relevo.demo",
        "Términos de la política de datos abiertos.",
        "## Términos\n\n| Término | Definición |\n|---|---|\n| Dato abierto | Dato público, reutilizable, en formato abierto |\n| Metadatos | Descripción de un conjunto de datos |\n| LOTAIP | Ley Orgánica de Transparencia y Acceso a la Información Pública |\n\n## Siglas\n\n- **MINTEL**: Ministerio de Telecomunicaciones y de la Sociedad de la Información.",
        False,
        ["glosario", "datos abiertos"],
    ),
    (
        "traspaso-bsg-andres",
        "Nota de traspaso: Bus de Servicios Gubernamentales",
        "handover",
        ["bus-servicios-gubernamentales"],
        "custodio@relevo.demo",
        "Lo que debe saber quien reciba el BSG.",
        "## Qué entrego\n\nLa administración de los servicios del ministerio en el BSG.\n\n## Tareas diarias y periódicas\n\n- Revisar el tablero de errores cada mañana.\n- Renovar certificados cada año.\n\n## Accesos, credenciales y dónde se custodian\n\nEn la bóveda de contraseñas de la Dirección de TIC (nunca en este artículo).\n\n## Contactos clave\n\nMesa de ayuda del BSG (MINTEL).",
        False,
        ["traspaso"],
    ),
    (
        "continuidad-negocio",
        "Plan de continuidad: caída del centro de datos",
        "runbook",
        ["sniimh"],
        "ana.guerrero@relevo.demo",
        "Qué hacer si el centro de datos principal deja de operar.",
        "## Propósito\n\nRestablecer los servicios críticos en el sitio alterno.\n\n## Cuándo ejecutarlo\n\nCaída del centro de datos por más de 2 horas.\n\n## Pasos\n\n"
        + _steps(
            "Declare la contingencia con el director de TIC.",
            "Active las réplicas en el sitio alterno.",
            "Cambie los registros DNS.",
            "Comunique a los consulados.",
        )
        + "\n\n## Verificación\n\nLos servicios responden desde el sitio alterno.\n\n## Reversión\n\nRegrese al sitio principal en horario de baja demanda.",
        True,
        ["continuidad", "respaldo"],
    ),
]

STALE_DAYS_AGO = 260


def _profile(email: str) -> StaffProfile | None:
    return staff_profile_for_email(email=email)


def seed(stdout) -> None:
    index = KnowledgeIndexPage.objects.first()
    if index is None:
        stdout.write("Knowledge base: no index page (migrations not applied?).")
        return
    if not PageViewRestriction.objects.filter(page=index).exists():
        PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)

    # The second expert of the virtual apostille left the ministry.
    leaver = _profile("esteban.ponce@relevo.demo")
    if leaver is not None and leaver.status != StaffStatus.LEFT:
        StaffProfile.objects.filter(pk=leaver.pk).update(
            status=StaffStatus.LEFT, end_date=timezone.localdate() - timedelta(days=20)
        )
        type(leaver.user).objects.filter(pk=leaver.user_id).update(is_active=False)

    systems: dict[str, SystemPage] = {}
    created_systems = 0
    for slug, title, acronym, purpose, (c, i, a), owners, backups, course_words in SYSTEMS:
        system = SystemPage.objects.filter(slug=slug).first()
        if system is None:
            system = SystemPage(
                title=title,
                slug=slug,
                acronym=acronym,
                purpose=purpose,
                confidentiality=c,
                integrity=i,
                availability=a,
            )
            index.add_child(instance=system)
            system.owners.set([p for p in map(_profile, owners) if p])
            system.backups.set([p for p in map(_profile, backups) if p])
            courses = CoursePage.objects.none()
            for word in course_words:
                courses = courses | CoursePage.objects.filter(title__icontains=word)
            system.related_courses.set(list(courses.distinct()))
            for direction, name, counterpart, protocol in SERVICES.get(slug, []):
                system.interoperability_services.create(
                    direction=direction, name=name, counterpart=counterpart, protocol=protocol
                )
            for kind, url, hosting in ENVIRONMENTS.get(slug, []):
                system.environments.create(kind=kind, url=url, hosting=hosting)
            for name, contract, contact, email in PROVIDERS.get(slug, []):
                system.providers.create(
                    name=name, contract=contract, contact_name=contact, contact_email=email
                )
            owner = _profile(owners[0])
            system.save_revision(user=owner.user if owner else None).publish(
                skip_permission_checks=True
            )
            created_systems += 1
        systems[slug] = system
    for slug, deps in DEPENDENCIES.items():
        system = systems[slug]
        if not system.depends_on.exists():
            SystemPage.depends_on.through.objects.bulk_create(
                [
                    SystemPage.depends_on.through(
                        from_systempage_id=system.pk, to_systempage_id=systems[d].pk
                    )
                    for d in deps
                ]
            )

    created_articles = 0
    for slug, title, kind, system_slugs, owner_email, summary, body, stale, tags in ARTICLES:
        if ArticlePage.objects.filter(slug=slug).exists():
            continue
        owner = _profile(owner_email)
        article = ArticlePage(
            title=title, slug=slug, kind=kind, summary=summary, body=body, content_owner=owner
        )
        index.add_child(instance=article)
        article.systems.set([systems[s] for s in system_slugs])
        article.tags.add(*tags)
        article.save_revision(user=owner.user if owner else None).publish(
            skip_permission_checks=True
        )
        if stale:
            reviewed = timezone.now() - timedelta(days=STALE_DAYS_AGO)
            ArticlePage.objects.filter(pk=article.pk).update(
                last_reviewed_at=reviewed,
                last_reviewed_by=owner.user if owner else None,
                review_due_on=(reviewed + timedelta(days=article.review_interval_days)).date(),
            )
        created_articles += 1
    stdout.write(
        f"Knowledge base: {len(systems)} systems ({created_systems} new), "
        f"{ArticlePage.objects.count()} articles ({created_articles} new)."
    )

"""Spanish demo courses, written from the seed documents (see /work/shared/seeds):

- interoperability in the human-mobility sector: seed 000, §2.3-2.5 and §2.8;
- information security under the EGSI and risk management: seed 000 §2.6 and §3.2 c, seed 002
  strategy 7;
- open government and open data: seed 002 programme 1, seed 004.

Each lesson is a list of StreamField blocks: ("rich_text", html), ("callout", {...}),
("markdown", text).
"""

INTEROPERABILITY = {
    "slug": "interoperabilidad-movilidad-humana",
    "title": "Interoperabilidad en el sector de movilidad humana",
    "topic": "interoperabilidad",
    "level": "basic",
    "estimated_hours": 6,
    "summary": (
        "Qué es la interoperabilidad entre instituciones del Estado, por qué es clave para "
        "atender a las personas en movilidad humana y cómo se construye, paso a paso, el "
        "Sistema Nacional Integrado de Información sobre la Movilidad Humana."
    ),
    "objectives": (
        "<ul><li>Explicar la interoperabilidad con la definición del Reglamento de la Ley "
        "Orgánica de Movilidad Humana.</li><li>Reconocer los beneficios de los sistemas "
        "interoperables para el ciudadano y para las entidades.</li><li>Describir el papel del "
        "Bus de Servicios Gubernamentales y del Sistema de Intercambio de Información.</li>"
        "<li>Aplicar las lecciones aprendidas: gobernanza, madurez institucional y evolución "
        "continua.</li></ul>"
    ),
    "audience": (
        "Servidoras y servidores de la Subsecretaría de Servicios Migratorios y Consulares, de "
        "las oficinas consulares y de las áreas de tecnología que intercambian datos con otras "
        "entidades."
    ),
    "lessons": [
        (
            "Módulo 1: Fundamentos",
            "Qué es la interoperabilidad",
            [
                (
                    "rich_text",
                    "<p>La interoperabilidad es la capacidad de las instituciones del Estado de "
                    "compartir e intercambiar datos e información electrónica para simplificar "
                    "trámites, mejorar servicios y optimizar procesos. El Ministerio de "
                    "Telecomunicaciones y de la Sociedad de la Información la describe como "
                    "<em>fruto del esfuerzo mancomunado de todas las entidades "
                    "gubernamentales</em>: ninguna institución la logra por sí sola.</p>"
                    "<p>El artículo 3 del Reglamento de las Reformas de la Ley Orgánica de "
                    "Movilidad Humana la define como compartir e intercambiar información y "
                    "datos electrónicos a través de las tecnologías de la información y "
                    "comunicación entre los sistemas de varias instituciones del Estado, sin "
                    "perjuicio de los derechos de las personas en movilidad humana, con la "
                    "finalidad de automatizar trámites dirigidos al ciudadano y procesos "
                    "institucionales.</p>"
                    "<p>Esta definición tiene dos mitades que conviene no separar. La primera "
                    "es técnica: sistemas que se conectan y datos que viajan de forma "
                    "electrónica. La segunda es de derechos: el intercambio se hace "
                    "precautelando los principios de la Ley, es decir, protegiendo a las "
                    "personas cuya información se comparte. Un intercambio rápido que expone "
                    "datos sensibles no es interoperabilidad bien hecha.</p>"
                    "<p>En el día a día de una oficina consular, la interoperabilidad se nota "
                    "cuando el funcionario ya no pide al usuario un documento que otra entidad "
                    "del Estado tiene, cuando un dato se registra una sola vez y se reutiliza, "
                    "y cuando un trámite que antes exigía varias visitas se resuelve en "
                    "línea.</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "note",
                        "title": "Para recordar",
                        "text": "<p>Interoperar no es solo conectar sistemas: es transformar "
                        "procesos, personas y tecnologías.</p>",
                    },
                ),
            ],
        ),
        (
            "Módulo 1: Fundamentos",
            "Beneficios de los sistemas interoperables",
            [
                (
                    "rich_text",
                    "<p><strong>Agilidad y calidad de servicio.</strong> Con acceso a la "
                    "información en todo momento y por múltiples canales, los servicios de "
                    "entidades que interoperan dejan de tener errores y duplicaciones: los "
                    "datos se validan, se vuelven consistentes y las consultas y trámites "
                    "entre entidades, o hacia el ciudadano, se agilizan.</p>"
                    "<p><strong>Reducción de costos.</strong> Los procesos que se apoyan en "
                    "mecanismos electrónicos reducen sustancialmente los costos de "
                    "procesamiento y de atención, tanto para las entidades como para el "
                    "ciudadano, que se ahorra desplazamientos, copias y esperas.</p>"
                    "<p><strong>Visión integral y transparencia.</strong> La interoperabilidad "
                    "permite obtener registros y transacciones que trascienden la gestión "
                    "interna de cada entidad. Los datos que provienen de sistemas "
                    "interoperables tienen la ventaja de su veracidad en la fuente: no están "
                    "alterados, copiados ni duplicados, lo que hace más transparente su "
                    "manipulación, gestión y publicación.</p>"
                    "<p><strong>Mantenibilidad y evolución organizadas.</strong> El uso de "
                    "estándares, como el Bus de Servicios Gubernamentales, facilita el "
                    "mantenimiento de las aplicaciones, permite encontrar personal con "
                    "conocimientos en tecnologías estándar y hace que los sistemas respondan "
                    "de forma más simple a nuevas versiones y cambios. Todo ello es, además, "
                    "un elemento básico e indispensable de la estrategia de Gobierno en "
                    "línea.</p>",
                ),
                (
                    "markdown",
                    "### Ejercicio\n\nPiense en un trámite de su unidad y anote:\n\n"
                    "1. Qué datos pide hoy al usuario que ya tiene otra entidad.\n"
                    "2. Qué entidad es la fuente de cada dato.\n"
                    "3. Qué error o demora desaparecería si el dato llegara por el Bus.",
                ),
            ],
        ),
        (
            "Módulo 2: El sistema nacional",
            "El Sistema Nacional Integrado de Información sobre la Movilidad Humana",
            [
                (
                    "rich_text",
                    "<p>La interoperabilidad para el sector de la movilidad humana se ha "
                    "convertido en uno de los desafíos más importantes para el diseño de "
                    "políticas públicas. Requiere levantar información y procesar datos para "
                    "generar estadísticas que permitan definir acciones en favor de la "
                    "garantía irrestricta de los derechos de las personas en movilidad "
                    "humana.</p>"
                    "<p>Por eso el Estado ecuatoriano se ha trazado la tarea de implementar "
                    "un Sistema Nacional Integrado de Información sobre la Movilidad Humana "
                    "eficiente, efectivo y transparente, que permita implementar un Sistema de "
                    "Intercambio de Información (SII) interoperable. La cooperación técnica "
                    "que acompaña al Ministerio apoya el diseño de su arquitectura "
                    "empresarial, con énfasis en los planes estratégicos de tecnologías de la "
                    "información y en la continuidad del negocio.</p>"
                    "<p>Contar con sistemas interoperables exige transformar procesos, "
                    "personas y tecnologías. Esa transformación toma tiempo, pero puede "
                    "encararse por etapas que muestren resultados rápidamente: primero los "
                    "intercambios de mayor impacto para el ciudadano, después los que "
                    "dependen de acuerdos más complejos entre entidades.</p>"
                    "<p>Un ejemplo concreto es la apostilla virtual: la hoja de ruta prevé "
                    "tres niveles de apostilla según el alcance de la interoperabilidad con "
                    "otras instituciones públicas. Cuanto más datos se verifican en la fuente, "
                    "menos documentos en papel debe presentar el usuario.</p>",
                ),
            ],
        ),
        (
            "Módulo 2: El sistema nacional",
            "Lecciones aprendidas y gobernanza",
            [
                (
                    "rich_text",
                    "<p>La experiencia regional de interoperabilidad de plataformas públicas "
                    "deja varias lecciones. La primera: un sistema interoperable nacional no "
                    "es lo mismo que un sistema interoperable de un sector. Cada sector tiene "
                    "sus propios actores, datos y reglas, y el sistema de movilidad humana "
                    "debe diseñarse con esa especificidad.</p>"
                    "<p>La segunda: es importante nivelar la comprensión entre todos los "
                    "actores. Cuando una entidad entiende la interoperabilidad como un "
                    "proyecto informático y otra como un cambio de procesos, los acuerdos se "
                    "estancan. La capacitación compartida es parte del proyecto, no un "
                    "complemento.</p>"
                    "<p>La tercera: la interoperabilidad requiere identificar la madurez de "
                    "las instituciones participantes y cerrar sus brechas para poder "
                    "interconectarlas. Y la cuarta, quizá la más importante: los países "
                    "necesitan gobernanzas y liderazgos claros para que los sistemas sean "
                    "sostenibles.</p>"
                    "<p>Finalmente, los sistemas interoperables no solo se instalan y se "
                    "mantienen: son evolutivos y escalables en el tiempo. Quien opera un "
                    "intercambio de datos debe documentar lo que sabe, porque el sistema "
                    "seguirá cambiando cuando esa persona rote a otra función.</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "important",
                        "title": "Gobernanza",
                        "text": "<p>Antes de conectar un nuevo servicio, confirme quién es el "
                        "responsable del dato en la entidad fuente y quién lo es en el "
                        "Ministerio.</p>",
                    },
                ),
            ],
        ),
    ],
}

SECURITY = {
    "slug": "seguridad-informacion-egsi",
    "title": "Seguridad de la información con el EGSI y gestión de riesgos",
    "topic": "ciberseguridad",
    "level": "intermediate",
    "estimated_hours": 8,
    "summary": (
        "El Esquema Gubernamental de Seguridad de la Información (EGSI), la evaluación de "
        "riesgos sobre activos de información críticos y las medidas que protegen la "
        "confidencialidad, integridad y disponibilidad de los datos migratorios y consulares."
    ),
    "objectives": (
        "<ul><li>Explicar por qué la información migratoria y consular es sensible.</li>"
        "<li>Conocer las obligaciones del Acuerdo Ministerial 025-2019 (EGSI).</li>"
        "<li>Identificar activos de información y evaluar sus riesgos.</li><li>Proponer medidas "
        "preventivas y correctivas y reportar incidentes.</li></ul>"
    ),
    "audience": (
        "Todo el personal que maneja datos de personas en movilidad humana; de forma especial, "
        "los equipos de tecnología y los responsables de procesos."
    ),
    "lessons": [
        (
            "",
            "Por qué protegemos la información migratoria y consular",
            [
                (
                    "rich_text",
                    "<p>La información que recopila la Subsecretaría de Servicios Migratorios "
                    "y Consulares es altamente sensible y contiene datos confidenciales que "
                    "pueden estar sujetos a brechas de seguridad. Se trata de datos de "
                    "identidad, de situación migratoria y, en muchos casos, de personas en "
                    "condición de vulnerabilidad.</p>"
                    "<p>Cualquier contaminación o alteración de esa información puede poner en "
                    "riesgo el intercambio de datos con otras entidades del Estado y bloquear "
                    "procesos de registro, regularización y control de la atención consular de "
                    "población ecuatoriana y extranjera. El impacto llega directamente a la "
                    "planificación y gestión de los flujos migratorios.</p>"
                    "<p>Por eso los riesgos de ciberseguridad son un reto importante para "
                    "fortalecer la capacidad institucional. Mientras más interoperables son "
                    "los sistemas, más valiosa es la información que circula y más cuidadosa "
                    "debe ser su protección: la seguridad es la condición para poder "
                    "compartir.</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "warning",
                        "title": "Nunca",
                        "text": "<p>No envíe datos personales de usuarios por correo personal, "
                        "mensajería instantánea o memorias USB sin cifrar.</p>",
                    },
                ),
            ],
        ),
        (
            "",
            "El Esquema Gubernamental de Seguridad de la Información",
            [
                (
                    "rich_text",
                    "<p>El Acuerdo Ministerial 025-2019 del Ministerio de Telecomunicaciones y "
                    "de la Sociedad de la Información instauró el Esquema Gubernamental de "
                    "Seguridad de la Información (EGSI). Su objetivo es establecer un "
                    "conjunto de recomendaciones para la gestión de la seguridad de la "
                    "información y promover un proceso de mejora continua en las "
                    "instituciones de la Administración Pública.</p>"
                    "<p>El artículo 2 del acuerdo establece una obligación concreta: realizar "
                    "una evaluación de riesgos sobre los activos de información críticos y "
                    "diseñar un plan para el tratamiento de esos riesgos. La obligación "
                    "alcanza a las instituciones de la Administración Pública Central, "
                    "Institucional y que dependen de la Función Ejecutiva.</p>"
                    "<p>El EGSI no es un documento que se cumple una vez. Es un ciclo: "
                    "identificar, evaluar, tratar, verificar y mejorar. Cada cambio de "
                    "sistema, de proceso o de proveedor obliga a revisar los riesgos que ya "
                    "se habían evaluado.</p>"
                    "<p>El Plan Nacional de Gobierno Electrónico refuerza esta línea con su "
                    "estrategia 7, <em>Robustecer la ciberseguridad en la APC</em>: emitir un "
                    "modelo estandarizado de ciberseguridad, fortalecer el centro de respuesta "
                    "a incidentes, capacitar a los funcionarios en la implementación del "
                    "modelo y difundir sus beneficios a la ciudadanía.</p>",
                ),
            ],
        ),
        (
            "",
            "Activos de información y evaluación de riesgos",
            [
                (
                    "rich_text",
                    "<p>Un activo de información es todo aquello que guarda, procesa o "
                    "transmite información valiosa para la institución: bases de datos de "
                    "registro migratorio, el sistema de gestión consular, los servidores, los "
                    "expedientes en papel y también las personas que saben operar cada "
                    "sistema.</p>"
                    "<p>Cada activo se valora según tres propiedades. La "
                    "<strong>confidencialidad</strong>: que solo accedan quienes están "
                    "autorizados. La <strong>integridad</strong>: que la información sea "
                    "exacta y no haya sido alterada. La <strong>disponibilidad</strong>: que "
                    "esté accesible cuando el servicio la necesita, por ejemplo durante la "
                    "atención en un consulado.</p>"
                    "<p>El diagnóstico que prevé la cooperación técnica identifica las "
                    "vulnerabilidades que afectan a esas tres propiedades desde el enfoque de "
                    "la seguridad lógica y física, con pruebas alineadas a las mejores "
                    "prácticas y estándares de seguridad. El riesgo de cada activo combina la "
                    "probabilidad de que una amenaza explote una vulnerabilidad con el "
                    "impacto que tendría sobre el servicio.</p>",
                ),
                (
                    "markdown",
                    "| Activo | Confidencialidad | Integridad | Disponibilidad |\n"
                    "|---|---|---|---|\n"
                    "| Base de registro migratorio | Alta | Alta | Alta |\n"
                    "| Portal de citas consulares | Media | Media | Alta |\n"
                    "| Estadísticas publicadas | Baja | Alta | Media |",
                ),
            ],
        ),
        (
            "",
            "Tratamiento de riesgos, incidentes y mejora continua",
            [
                (
                    "rich_text",
                    "<p>Del diagnóstico salen recomendaciones de medidas y acciones "
                    "preventivas y correctivas que contribuyen a proteger la "
                    "confidencialidad, integridad y disponibilidad de la información. Para "
                    "cada riesgo se decide si se mitiga, se transfiere, se evita o se acepta, "
                    "y quién es responsable de hacerlo y en qué plazo.</p>"
                    "<p>Las medidas preventivas más frecuentes son sencillas: cuentas "
                    "personales con segundo factor de autenticación, permisos mínimos "
                    "necesarios, copias de respaldo verificadas, actualizaciones aplicadas a "
                    "tiempo y registro de quién accede a qué información.</p>"
                    "<p>Cuando ocurre un incidente, lo importante es reportarlo de inmediato "
                    "por el canal institucional, conservar la evidencia y no intentar "
                    "ocultarlo. El centro de respuesta a incidentes informáticos del país "
                    "coordina la respuesta cuando el incidente trasciende a la "
                    "institución.</p>"
                    "<p>Por último, la mejora continua: cada incidente, cada auditoría y cada "
                    "cambio de sistema alimenta una nueva evaluación de riesgos. La hoja de "
                    "ruta de seguridad informática del Ministerio se construye así, paso a "
                    "paso.</p>",
                ),
                (
                    "code",
                    {
                        "language": "text",
                        "code": "Reporte de incidente\n- Fecha y hora:\n- Sistema afectado:\n"
                        "- Qué se observó:\n- Quién lo detectó:\n- Acciones tomadas:",
                    },
                ),
            ],
        ),
    ],
}

OPEN_GOVERNMENT = {
    "slug": "gobierno-abierto-datos-abiertos",
    "title": "Gobierno abierto y datos abiertos",
    "topic": "gobierno-abierto",
    "level": "basic",
    "estimated_hours": 5,
    "summary": (
        "El programa de Gobierno Abierto del Plan Nacional de Gobierno Electrónico, la política "
        "de datos abiertos y las lecciones del primer Plan de Acción de Gobierno Abierto de "
        "Ecuador."
    ),
    "objectives": (
        "<ul><li>Explicar los pilares del gobierno abierto: transparencia, participación, "
        "colaboración y rendición de cuentas.</li><li>Conocer las estrategias del programa "
        "Gobierno Abierto.</li><li>Reconocer qué son datos abiertos y cómo se publican.</li>"
        "<li>Aplicar las lecciones aprendidas durante la pandemia.</li></ul>"
    ),
    "audience": "Todo el personal del Ministerio; no requiere conocimientos técnicos.",
    "lessons": [
        (
            "",
            "Qué es un gobierno abierto",
            [
                (
                    "rich_text",
                    "<p>El deber de un gobierno abierto es actuar con integridad y evitar la "
                    "corrupción por medio de la transparencia, la rendición de cuentas, la "
                    "participación y la construcción del país junto con la ciudadanía. No es "
                    "una tecnología: es una forma de gobernar.</p>"
                    "<p>El Plan Nacional de Gobierno Electrónico 2018-2021 organiza su acción "
                    "en tres programas: Gobierno Abierto, Gobierno Cercano y Gobierno Eficaz y "
                    "Eficiente. El objetivo del programa de Gobierno Abierto es incrementar la "
                    "participación y co-creación ciudadana por medios electrónicos para el "
                    "desarrollo de política pública, el mejoramiento de los servicios del "
                    "Estado y el fomento de la transparencia.</p>"
                    "<p>Para alcanzarlo plantea tres estrategias: potenciar la participación y "
                    "colaboración ciudadana por medios electrónicos, promover el uso de datos "
                    "abiertos gubernamentales en la ciudadanía e impulsar la protección de la "
                    "información y los datos personales.</p>",
                ),
            ],
        ),
        (
            "",
            "Participación ciudadana por medios electrónicos",
            [
                (
                    "rich_text",
                    "<p>La primera estrategia propone emitir una norma que estandarice los "
                    "instrumentos y la gestión de la participación electrónica en la "
                    "Administración Pública Central, incluir la gestión y creación de política "
                    "pública con participación ciudadana en la plataforma de Contacto "
                    "Ciudadano, e incentivar la colaboración ciudadana para mejorar los "
                    "servicios electrónicos.</p>"
                    "<p>También prevé capacitar y sensibilizar a las instituciones sobre la "
                    "participación electrónica: los funcionarios son quienes responden a las "
                    "propuestas ciudadanas y quienes deben convertirlas en mejoras "
                    "concretas.</p>"
                    "<p>El primer Plan de Acción de Gobierno Abierto de Ecuador, presentado "
                    "en diciembre de 2019 a la Alianza para el Gobierno Abierto, fue fruto de "
                    "un proceso de co-creación: se recibieron 335 propuestas ciudadanas por la "
                    "web y en talleres realizados en ocho ciudades, que se convirtieron en 10 "
                    "compromisos sobre datos abiertos, capacidades para la transparencia, "
                    "empoderamiento ciudadano e innovación pública.</p>",
                ),
            ],
        ),
        (
            "",
            "Datos abiertos: política, guía y portal",
            [
                (
                    "rich_text",
                    "<p>Los datos abiertos son datos que pueden ser utilizados, reutilizados y "
                    "redistribuidos libremente por cualquier persona, sujetos, cuando más, al "
                    "requisito de atribución y de compartirse de la misma manera en que "
                    "aparecen.</p>"
                    "<p>El primer compromiso del Plan de Acción fue elaborar de forma "
                    "colaborativa una política de datos abiertos y una guía para su "
                    "implementación, considerando estándares de gestión de datos abiertos y "
                    "de protección de datos personales. La Política de Datos Abiertos y su "
                    "guía se aprobaron en 2020; el segundo compromiso rediseñó el portal de "
                    "datos abiertos, con formatos estandarizados y accesibles.</p>"
                    "<p>Quienes implementaron el compromiso lo dicen con claridad: sería un "
                    "error considerar que la meta se cumplió al tener una política y una "
                    "guía. Ese es apenas el punto de partida. Lo fundamental es que los datos "
                    "sean de calidad y reutilizables, y que haya capacidades tanto en las "
                    "instituciones que publican como en la ciudadanía que los usa.</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "important",
                        "title": "Antes de publicar",
                        "text": "<p>Un conjunto de datos abiertos nunca debe permitir "
                        "identificar a una persona: anonimice y agregue antes de publicar.</p>",
                    },
                ),
            ],
        ),
        (
            "",
            "Lecciones del primer Plan de Acción",
            [
                (
                    "rich_text",
                    "<p>La pandemia obligó a reprogramar el plan hasta 2022 y a trasladar "
                    "casi todo a la virtualidad. El resultado sorprendió: los talleres "
                    "virtuales permitieron sumar participantes de varias ciudades e incluso "
                    "de otros países, y se emitieron certificados digitales de participación "
                    "firmados electrónicamente para motivar a la gente.</p>"
                    "<p>La virtualidad también tuvo límites. Es difícil sostener la "
                    "participación en talleres de dos o tres horas cada semana, y hubo un "
                    "desgaste evidente por la sobrecarga de actividades virtuales. La lección "
                    "es diseñar sesiones cortas, con objetivos claros y materiales que se "
                    "puedan consultar después.</p>"
                    "<p>Otra dificultad repetida fue la rotación de autoridades y de "
                    "responsables en varias instituciones, que interrumpió compromisos en "
                    "marcha. Cuando el conocimiento está solo en la cabeza de quien se va, el "
                    "compromiso se detiene: documentar y capacitar a más de una persona por "
                    "tema es la mejor defensa.</p>"
                    "<p>Por último, los compromisos se fortalecieron cuando trabajaron juntos "
                    "el sector público, la sociedad civil y la academia. La co-creación no es "
                    "un trámite: es la manera de que las políticas respondan a necesidades "
                    "reales.</p>",
                ),
            ],
        ),
    ],
}

COURSES = [INTEROPERABILITY, SECURITY, OPEN_GOVERNMENT]

TOPICS = [
    ("interoperabilidad", "Interoperabilidad"),
    ("ciberseguridad", "Ciberseguridad"),
    ("gobernanza-digital", "Gobernanza digital"),
    ("gobierno-abierto", "Gobierno abierto"),
    ("proteccion-de-datos", "Protección de datos"),
]

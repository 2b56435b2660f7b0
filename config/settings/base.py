"""Relevo settings: the single source of truth, read from the environment.

Every value comes from an environment variable (or a `.env` file beside `manage.py`) with a
default that is safe for the demo. With DEBUG off, insecure or missing values stop the process
at start-up with a message that says what to set (see `_refuse_insecure_production`).
`config.settings.test` only adjusts this module for the test suite.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.log_setup import logging_settings, structlog_configure

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEMO_SECRET_KEY = "relevo-demo-insecure-secret-key-do-not-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    # Relevo, bottom layer first (see DESIGN.md: imports run knowledge_base -> ... -> core).
    "core",
    "courses",
    "assessments",
    "certificates",
    "people",
    "knowledge_base",
    "quality",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "wagtailmarkdown",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    # Jobs, API, utilities
    "django_celery_beat",
    "django_filters",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "django_structlog",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]
if env.str("DATABASE_URL", default="").startswith(("postgres", "pgsql")):
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.BadInputMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RequireMFAMiddleware",
    "core.middleware.AdminAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that its process_exception answers first: an IdP down is a 503, not a 500.
    "core.saml.SAMLOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_shell",
            ],
        },
    }
]

# --- Data ---------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # A lost Redis must degrade to cache misses, never to 500s (core.cache).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "relevo",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After a cache failure every cache call answers its fallback at once for this long (core.cache).
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=5.0)

# Sessions are read from the cache and written through to the database: a signed-in request
# skips the session query, and a lost Redis only means reading the row again (core.cache).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Files --------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
# Behind nginx: private downloads answer with "X-Accel-Redirect: <prefix><path>" after the
# permission check and nginx sends the file from an `internal` location (deploy/nginx).
PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage (MinIO, Ceph, AWS): shared by every web node and worker.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Spreadsheet and text imports (core.uploads), checked before any parsing: a file's own size,
# what an XLSX expands to (all parts, and any one worksheet), how much one part may be
# compressed, and rows (CSV lines or worksheet rows).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES", default=60 * 1024 * 1024)
UPLOAD_MAX_SHEET_XML_BYTES = env.int("UPLOAD_MAX_SHEET_XML_BYTES", default=40 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=50_000)
# Published counts (open-data export, survey results) hide any group smaller than this.
PRIVACY_MIN_GROUP_SIZE = env.int("PRIVACY_MIN_GROUP_SIZE", default=5)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "odt",
    "ods",
    "odp",
    "docx",
    "xlsx",
    "pptx",
    "csv",
    "txt",
    "vtt",
    "zip",
    "png",
    "jpg",
]

# --- Languages and time -------------------------------------------------------------------

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
# locale_overrides completes and corrects installed apps' Spanish (manage.py i18n_gaps); first wins.
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "relevo_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env.str("TIME_ZONE", default="America/Guayaquil")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("es", "Español"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("es", "Español")]

# --- Accounts -----------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "/"
# One door: allauth signs everyone in (config/urls.py redirects the other login screens).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/cuenta/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Passwords are changed at /cuenta/password/change/ (rate-limited), not in Wagtail's account.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = True

ACCOUNT_ADAPTER = "core.accounts.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ALLOW_SIGNUP = env.bool("ACCOUNT_ALLOW_SIGNUP", default=False)
# Sign-in failures are limited by core.ratelimit (no shared lock, successes never counted,
# fails open without Redis): allauth's own `login` and `login_failed` limits are off.
ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT = env.str("LOGIN_FAILURES_PER_ACCOUNT", default="5/300s")
# A whole ministry may reach us through one NAT address: sized so that typos of a morning's
# 2,000 sign-ins never reach it, yet guessing from one address stays bounded (0 turns it off).
ACCOUNT_LOGIN_FAILURES_PER_ADDRESS = env.str("LOGIN_FAILURES_PER_ADDRESS", default="300/300s")
# How many proxies (nginx: 1) append to X-Forwarded-For: the client's address is the one they
# received the request from. 0 (the default) reads the socket's address (no proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "",
    "login": "",
    "reset_password": "60/m/ip,5/m/key",
    "signup": "20/m/ip",
    # Password checks of people already signed in, and Wagtail's shared page passwords.
    "reauthenticate": "5/m/user,20/h/user",
    "change_password": "5/m/user,20/h/user",
    "view_restriction_password": "10/m/ip,20/h/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Relevo] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Relevo"
# Wrong second-factor codes, per person and per session (core.mfa_forms): allauth's own count
# rides on `login_failed`, which is off above.
MFA_FAILURES_PER_ACCOUNT = env.str("MFA_FAILURES_PER_ACCOUNT", default="5/300s")
MFA_FORMS = {
    "authenticate": "core.mfa_forms.LimitedAuthenticateForm",
    "reauthenticate": "core.mfa_forms.LimitedReauthenticateForm",
}
# A "trusted browser" would skip the code without recording a second factor in the session,
# and core.middleware requires that record: keep it off.
MFA_TRUST_ENABLED = False
# Roles that must have a second factor before using the site (core.middleware.RequireMFAMiddleware).
MFA_REQUIRED_FOR_ROLES = env.list(
    "MFA_REQUIRED_FOR_ROLES",
    default=[] if DEBUG else ["Administrador", "Talento humano", "Calidad"],
)

SOCIALACCOUNT_ADAPTER = "core.accounts.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {}
# Who may come in through single sign-on (core.accounts.SocialAccountAdapter): "imported"
# (only people HR imported; anyone else is told to contact HR) or "open" (anyone the provider
# vouches for with a verified e-mail: a Funcionario account that HR then places in a unit).
SSO_ACCOUNT_POLICY = env.str("SSO_ACCOUNT_POLICY", default="open" if DEBUG else "imported")
if SSO_ACCOUNT_POLICY not in {"imported", "open"}:
    raise ImproperlyConfigured("SSO_ACCOUNT_POLICY must be 'imported' or 'open'.")
# acr/amr values that mean the provider itself asked for a second factor (requested as
# acr_values): then the local TOTP is not asked again.
SSO_MFA_VALUES = env.list("SSO_MFA_VALUES", default=[])
SSO_TIMEOUT_SECONDS = env.float("SSO_TIMEOUT_SECONDS", default=5.0)
SSO_DISCOVERY_CACHE_SECONDS = env.int("SSO_DISCOVERY_CACHE_SECONDS", default=60 * 60)
# Optional claim (OIDC) or attribute (SAML) whose value is a unit's code: it places a person
# who has no unit yet, with the employee id (cédula) of SSO_EMPLOYEE_ID_CLAIM, at sign-in. A
# person who has a unit is never moved by it (a different value is logged for HR).
SSO_UNIT_CLAIM = env.str("SSO_UNIT_CLAIM", default="")
SSO_EMPLOYEE_ID_CLAIM = env.str("SSO_EMPLOYEE_ID_CLAIM", default="")
# Origins the sign-in forms post to, beyond this site: allauth's SSO button is a form whose
# answer redirects to the provider, and CSP form-action also covers that redirect.
SSO_FORM_ACTION_ORIGINS = []
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
if env.str("OIDC_CLIENT_ID", default=""):
    # The ministry's identity provider (Keycloak, Azure AD, Gluu...): users are matched by
    # verified e-mail to the accounts HR created, so SSO needs no separate provisioning.
    _oidc_settings = {"server_url": OIDC_SERVER_URL}
    if SSO_MFA_VALUES:
        _oidc_settings["auth_params"] = {"acr_values": " ".join(SSO_MFA_VALUES)}
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="ministerio"),
                "name": env.str("OIDC_PROVIDER_NAME", default="Inicio de sesión institucional"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": _oidc_settings,
            }
        ],
    }
    _oidc_origin = urlsplit(OIDC_SERVER_URL)
    if _oidc_origin.scheme in {"http", "https"} and _oidc_origin.netloc:
        SSO_FORM_ACTION_ORIGINS.append(f"{_oidc_origin.scheme}://{_oidc_origin.netloc}")

# SAML 2.0 (core.saml, allauth's SAML provider): the IdP from its metadata URL, or from its
# entity id, SSO URL (HTTP-Redirect), optional SLO URL and signing certificate. Relevo's
# service provider lives at /cuenta/saml/<SAML_ORGANIZATION>/ (metadata/, acs/, sls/).
SAML_EMAIL_TRUSTED = env.bool("SAML_EMAIL_TRUSTED", default=False)
SAML_MFA_AUTHN_CONTEXTS = env.list("SAML_MFA_AUTHN_CONTEXTS", default=[])
SAML_ORGANIZATION = env.str("SAML_ORGANIZATION", default="institucion")
# allauth picks the provider class once per process, configured IdP or not (tests add one).
SOCIALACCOUNT_PROVIDERS["saml"] = {"provider_class": "core.saml.RelevoSAMLProvider"}
if env.str("SAML_IDP_ENTITY_ID", default=""):
    _saml_cert = env.str("SAML_IDP_X509CERT", default="")
    if not _saml_cert and env.str("SAML_IDP_X509CERT_FILE", default=""):
        _saml_cert = Path(env.str("SAML_IDP_X509CERT_FILE")).read_text()
    _saml_idp = {"entity_id": env.str("SAML_IDP_ENTITY_ID")}
    if env.str("SAML_IDP_METADATA_URL", default=""):
        _saml_idp["metadata_url"] = env.str("SAML_IDP_METADATA_URL")
        _saml_idp["metadata_request_timeout"] = env.float("SSO_TIMEOUT_SECONDS", default=5.0)
    else:
        if not (env.str("SAML_IDP_SSO_URL", default="") and _saml_cert):
            raise ImproperlyConfigured(
                "SAML needs SAML_IDP_METADATA_URL, or SAML_IDP_SSO_URL and SAML_IDP_X509CERT."
            )
        _saml_idp.update(sso_url=env.str("SAML_IDP_SSO_URL"), x509cert=_saml_cert)
        if env.str("SAML_IDP_SLO_URL", default=""):
            _saml_idp["slo_url"] = env.str("SAML_IDP_SLO_URL")

    def _saml_attribute(name: str, default: list[str]) -> list[str]:
        return env.list(f"SAML_ATTRIBUTE_{name}", default=default)

    _saml_mapping = {
        "email": _saml_attribute(
            "EMAIL",
            [
                "urn:oid:0.9.2342.19200300.100.1.3",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                "mail",
                "email",
            ],
        ),
        "first_name": _saml_attribute(
            "FIRST_NAME",
            [
                "urn:oid:2.5.4.42",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                "givenName",
            ],
        ),
        "last_name": _saml_attribute(
            "LAST_NAME",
            [
                "urn:oid:2.5.4.4",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                "sn",
            ],
        ),
    }
    for _key, _name in (("uid", "UID"), ("email_verified", "EMAIL_VERIFIED")):
        if _saml_attribute(_name, []):
            _saml_mapping[_key] = _saml_attribute(_name, [])
    _saml_settings = {
        "idp": _saml_idp,
        "attribute_mapping": _saml_mapping,
        "use_nameid_for_email": env.bool("SAML_NAMEID_IS_EMAIL", default=False),
        "advanced": {
            # The IdP signs its answers (python3-saml refuses an unsigned one); strict checks
            # destination, audience, issuer and validity times.
            "strict": True,
            "want_assertion_signed": env.bool("SAML_WANT_ASSERTION_SIGNED", default=False),
            "want_message_signed": env.bool("SAML_WANT_MESSAGE_SIGNED", default=False),
            "reject_idp_initiated_sso": True,
        },
    }
    if env.str("SAML_SP_ENTITY_ID", default=""):
        _saml_settings["sp"] = {"entity_id": env.str("SAML_SP_ENTITY_ID")}
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        **SOCIALACCOUNT_PROVIDERS["saml"],
        "APPS": [
            {
                "client_id": SAML_ORGANIZATION,
                "name": env.str("SAML_PROVIDER_NAME", default="Inicio de sesión institucional"),
                "settings": _saml_settings,
            }
        ],
    }
    for _saml_url in (
        env.str("SAML_IDP_SSO_URL", default=""),
        env.str("SAML_IDP_SLO_URL", default=""),
        env.str("SAML_IDP_METADATA_URL", default=""),
    ):
        _saml_origin = urlsplit(_saml_url)
        if _saml_origin.scheme in {"http", "https"} and _saml_origin.netloc:
            _origin = f"{_saml_origin.scheme}://{_saml_origin.netloc}"
            if _origin not in SSO_FORM_ACTION_ORIGINS:
                SSO_FORM_ACTION_ORIGINS.append(_origin)

# --- E-mail -------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Headers and the start of each message, not whole base64 attachments (core/mail.py).
    EMAIL_BACKEND = "core.mail.ShortConsoleEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Relevo <no-responder@relevo.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Every task's hard limit is at most this (tasks with long work set their own, lower, limit and
# split the work into chunks); the outbox sweep re-sends a started task not completed within
# its limit, so a killed worker's certificate comes back within a minute, not after the
# broker's visibility timeout.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# A task is acknowledged only once it has run, so a worker killed mid-task has it redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above every task's time limit: a slow task is never handed to a second worker while the
    # first still runs it (settings check below).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A broker outage must not stall a request: the outbox and notifications publish through
# core.outbox.broker_publish with these timeouts and no retry, and skip the broker for
# BROKER_BREAKER_SECONDS after a failure; the outbox sweep sends the message later.
BROKER_PUBLISH_TIMEOUT_SECONDS = env.float("BROKER_PUBLISH_TIMEOUT_SECONDS", default=1.0)
BROKER_BREAKER_SECONDS = env.float("BROKER_BREAKER_SECONDS", default=5.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# One queue name per deployment (or per test worker: tests/integration runs a real worker on
# its own queue so that parallel test processes never take each other's tasks).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Certificate tasks go to their own queue (config.celery.route_task: "certificates", or
# "<default queue>-certificates"), consumed by a worker of its own on exam days.
CELERY_TASK_ROUTES = ["config.celery.route_task"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job lives here, one entry each; each is also a management command (eager mode
# never fires beat).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # How often beat sends what the broker never received; the production-stack test shortens it.
    "core-outbox-sweep": {
        "task": "core.tasks.outbox_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    },
    "assessments-expire-attempts": {
        "task": "assessments.tasks.attempts_expire_overdue",
        "schedule": 60.0,
    },
    # Knowledge base: weekly review reminders (Mondays 07:00), daily overdue-handover reminders.
    "knowledge-base-review-reminders": {
        "task": "knowledge_base.tasks.send_review_reminders",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    "knowledge-base-handover-reminders": {
        "task": "knowledge_base.tasks.send_handover_reminders",
        "schedule": crontab(minute=30, hour=7),
    },
    # People (HR): the daily compliance job (assign, renew, remind) and HR's weekly digest.
    "people-daily-compliance": {
        "task": "people.tasks.daily_compliance",
        "schedule": crontab(hour=6, minute=15),
    },
    "people-weekly-digest": {
        "task": "people.tasks.weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    # Notifications (core.notifications): retries and rows never enqueued; digests hourly.
    "core-notifications-send-due": {"task": "core.tasks.notifications_send_due", "schedule": 60.0},
    "core-notifications-digest": {"task": "core.tasks.notifications_digest", "schedule": 3600.0},
    # Quality: this month's indicator values and the managers' follow-up surveys.
    "quality-daily": {
        "task": "quality.tasks.daily_quality",
        "schedule": crontab(hour=5, minute=30),
    },
    # Wagtail's go-live and expiry dates take effect only when publish_scheduled runs.
    "core-publish-scheduled": {"task": "core.tasks.publish_scheduled", "schedule": 60.0},
}

# --- Wagtail ------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Relevo"
# No Gravatar: an md5 of every staff e-mail would leave the intranet (and images break offline).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": env.str("SEARCH_CONFIG", default="spanish_unaccent")
        if IS_POSTGRES
        else None,
        "AUTO_UPDATE": True,
    }
}
# Very large sites: OpenSearch or Elasticsearch through Wagtail's own backends (SEARCH_BACKEND =
# opensearch2, opensearch3, elasticsearch8, elasticsearch9; install the matching client). The
# default stays PostgreSQL full-text search with the Spanish configuration (docs/deployment.md).
SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="database")
if SEARCH_BACKEND != "database":
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}",
        "URLS": env.list("SEARCH_URLS", default=["http://127.0.0.1:9200"]),
        "INDEX_PREFIX": env.str("SEARCH_INDEX_PREFIX", default="relevo_"),
        "TIMEOUT": env.int("SEARCH_TIMEOUT", default=5),
        "AUTO_UPDATE": True,
        # Spanish stemming and stop words for every field without its own analyzer.
        "INDEX_SETTINGS": {
            "settings": {"analysis": {"analyzer": {"default": {"type": "spanish"}}}}
        },
    }
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILMEDIA = {"MEDIA_MODEL": "wagtailmedia.Media"}
WAGTAILMARKDOWN = {"autodownload_fontawesome": False, "allowed_tags": [], "extensions": []}
# An approved workflow publishes even when the approver (a system owner) lacks publish rights.
WAGTAIL_FINISH_WORKFLOW_ACTION = "knowledge_base.workflows.publish_approved"

# --- Security -----------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)

CONTENT_SECURITY_POLICY = {
    # The Wagtail admin ships inline scripts and styles: it keeps its own, looser policy.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/", "/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            *SSO_FORM_ACTION_ORIGINS,
            *env.list("CSP_FORM_ACTION", default=[]),
        ],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging ------------------------------------------------------------------------------

LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
LOGGING = logging_settings(
    json=LOG_JSON,
    level=env.str("LOG_LEVEL", default="INFO"),
    request_level=env.str("REQUEST_LOG_LEVEL", default="WARNING"),
    debug=DEBUG,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
structlog_configure()

# --- Relevo -------------------------------------------------------------------------------

RELEVO_INSTITUTION_NAME = env.str(
    "RELEVO_INSTITUTION_NAME", default="Ministerio de Relaciones Exteriores y Movilidad Humana"
)
# Certificates: the institution's signing key (PKCS#12). Without it, DEBUG generates a
# development key on first use; production refuses to issue (never an unsigned certificate).
CERTIFICATE_SIGNING_P12_PATH = env.str("CERTIFICATE_SIGNING_P12_PATH", default="")
CERTIFICATE_SIGNING_P12_PASSWORD = env.str("CERTIFICATE_SIGNING_P12_PASSWORD", default="")
# Or on a PKCS#11 token (cryptographic card, HSM): the module (.so) of the token's vendor, the
# token's label, the labels of the key and of its certificate (default: the key's), and the
# user PIN from the environment or, better, a file readable by the service only.
CERTIFICATE_SIGNING_PKCS11_MODULE = env.str("CERTIFICATE_SIGNING_PKCS11_MODULE", default="")
CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL = env.str(
    "CERTIFICATE_SIGNING_PKCS11_TOKEN_LABEL", default=""
)
CERTIFICATE_SIGNING_PKCS11_KEY_LABEL = env.str("CERTIFICATE_SIGNING_PKCS11_KEY_LABEL", default="")
CERTIFICATE_SIGNING_PKCS11_CERT_LABEL = env.str("CERTIFICATE_SIGNING_PKCS11_CERT_LABEL", default="")
CERTIFICATE_SIGNING_PKCS11_PIN = env.str("CERTIFICATE_SIGNING_PKCS11_PIN", default="")
CERTIFICATE_SIGNING_PKCS11_PIN_FILE = env.str("CERTIFICATE_SIGNING_PKCS11_PIN_FILE", default="")
CERTIFICATE_DEV_KEY_DIR = Path(
    env.str("CERTIFICATE_DEV_KEY_DIR", default=str(BASE_DIR / "var" / "dev-keys"))
)
# Allow the self-signed development key outside DEBUG (never in production); unset = DEBUG or
# the test settings. Public verification requests per minute and address.
CERTIFICATE_ALLOW_DEV_KEY = env.bool("CERTIFICATE_ALLOW_DEV_KEY", default=None)
# PAdES timestamps (RFC 3161). Without a URL, development uses a local test TSA and production
# refuses to sign (warned at `check --deploy`). An unreachable TSA: issuance retries, pending.
CERTIFICATE_TSA_URL = env.str("CERTIFICATE_TSA_URL", default="")
CERTIFICATE_TSA_USERNAME = env.str("CERTIFICATE_TSA_USERNAME", default="")
CERTIFICATE_TSA_PASSWORD = env.str("CERTIFICATE_TSA_PASSWORD", default="")
CERTIFICATE_TSA_TIMEOUT = env.int("CERTIFICATE_TSA_TIMEOUT", default=10)
# PEM/DER files (comma-separated) an uploaded PDF's signatures must chain to: the institution's
# signing certificates, past and present, or their CA, and the TSA's root.
CERTIFICATE_TRUST_ROOTS = env.list("CERTIFICATE_TRUST_ROOTS", default=[])
# Fetch CRL/OCSP answers for the DSS when signing (soft-fail when unreachable).
CERTIFICATE_FETCH_REVOCATION_INFO = env.bool("CERTIFICATE_FETCH_REVOCATION_INFO", default=True)
CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE = env.int(
    "CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE", default=30
)
COMPLIANCE_EXPIRING_WINDOW_DAYS = env.int("COMPLIANCE_EXPIRING_WINDOW_DAYS", default=30)
HEALTHCHECK_TIMEOUT_SECONDS = env.float("HEALTHCHECK_TIMEOUT_SECONDS", default=1.0)
# /healthz: the worker ping is cached this long; beat is "down" when the outbox sweep it sends
# every OUTBOX_SWEEP_SECONDS has not run for this long; the outbox is "degraded" when its oldest
# pending message is older than this.
HEALTHCHECK_WORKER_CACHE_SECONDS = env.int("HEALTHCHECK_WORKER_CACHE_SECONDS", default=30)
HEALTHCHECK_BEAT_MAX_AGE_SECONDS = env.int("HEALTHCHECK_BEAT_MAX_AGE_SECONDS", default=180)
HEALTHCHECK_OUTBOX_MAX_AGE_SECONDS = env.int("HEALTHCHECK_OUTBOX_MAX_AGE_SECONDS", default=300)
# The benchmark's bare yardstick view (bench/urls.py): never enabled in a real deployment.
BENCHMARK_ENDPOINTS = env.bool("BENCHMARK_ENDPOINTS", default=False)


# Words and shapes of the keys that appear in this repository (docs/production.env.example,
# demo, tests, bench): public, so never a deployment's secret. tests/core/test_settings.py
# checks that every SECRET_KEY written in a tracked file is refused.
_PLACEHOLDER_SECRET_KEY_MARKERS = (
    "change-me",
    "changeme",
    "replace-me",
    "example",
    "insecure",
    "do-not-use",
    "test-only",
    "local-stack",
    "secret-key",
)


def secret_key_is_placeholder(key: str) -> bool:
    lowered = key.lower()
    return (
        key == DEMO_SECRET_KEY
        or len(key) < 50
        or any(marker in lowered for marker in _PLACEHOLDER_SECRET_KEY_MARKERS)
        or re.search(r"(.)\1{7,}", key) is not None  # "xxxxxxxx": padding, not randomness
        or len(set(key)) < 20
    )


def _refuse_insecure_production() -> None:
    """With DEBUG off, stop at start-up on values that would make the deployment unsafe."""
    if DEBUG:
        return
    problems = []
    if not SECRET_KEY:
        problems.append(
            "SECRET_KEY is not set: generate one with `python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    elif secret_key_is_placeholder(SECRET_KEY):
        problems.append(
            "SECRET_KEY is the demo key, a placeholder or a value published in the repository, "
            "or shorter than 50 characters: set a long random value."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names (not '*').")
    if problems:
        raise ImproperlyConfigured(
            "Relevo refuses to start with DEBUG off:\n  - "
            + "\n  - ".join(problems)
            + "\nSee docs/deployment.md for a production environment example."
        )


_refuse_insecure_production()

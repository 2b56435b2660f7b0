"""A real OpenID Connect provider for the SSO tests: django-oidc-provider in its own small
Django project, run in a subprocess on a free port by `tests/sso/conftest.py` (two Django
settings cannot live in one process)."""

"""Accounts for core's tests (the factories themselves live in tests/factories.py)."""

from tests.factories import PASSWORD, UserFactory, with_mfa

__all__ = ["PASSWORD", "UserFactory", "with_mfa"]

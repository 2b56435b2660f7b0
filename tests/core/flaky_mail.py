"""An e-mail backend that refuses chosen deliveries, like an SMTP server that drops."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """locmem, except that the deliveries numbered in `fail_on` (1-based, counted over the
    test) raise as a dropped SMTP connection would."""

    fail_on: set[int] = set()
    attempts = 0

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            FlakyBackend.attempts += 1
            if FlakyBackend.attempts in FlakyBackend.fail_on:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            sent += super().send_messages([message])
        return sent

"""The demo's console e-mail: headers, the start of the body and a list of attachments.

Django's console backend prints the whole MIME message, so a certificate e-mail fills the
terminal with a base64 PDF at the end of the first seed.
"""

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

BODY_CHARS = 500


def _attachment_line(attachment) -> str:
    if isinstance(attachment, tuple):  # (filename, content, mimetype), EmailAttachment too
        filename, content, mimetype = [*attachment, None, None, None][:3]
        size = len(content) if content is not None else 0
    else:  # a MIMEBase object
        filename = attachment.get_filename()
        mimetype = attachment.get_content_type()
        size = len(attachment.get_payload(decode=True) or b"")
    return (
        f"  - {filename or 'sin nombre'} ({mimetype or 'application/octet-stream'}, {size} bytes)"
    )


class ShortConsoleEmailBackend(ConsoleEmailBackend):
    def write_message(self, message):
        body = message.body or ""
        if len(body) > BODY_CHARS:
            body = (
                body[:BODY_CHARS].rstrip()
                + f"\n[… {len(message.body) - BODY_CHARS} more characters]"
            )
        lines = [
            f"Subject: {message.subject}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        if message.bcc:
            lines.append(f"Bcc: {', '.join(message.bcc)}")
        lines += ["", body]
        alternatives = [mimetype for _content, mimetype in getattr(message, "alternatives", [])]
        if alternatives:
            lines.append(f"[alternatives: {', '.join(alternatives)}]")
        if message.attachments:
            lines.append("Attachments:")
            lines += [_attachment_line(attachment) for attachment in message.attachments]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")

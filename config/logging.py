"""Log filters: no secret tokens in logs, and a 403 is one line, not a traceback.

Invitation, password-reset, personal assessment and workshop links carry their secret in the
path. Django's request logger ("Gone: /invite/<token>/"), runserver's log and gunicorn's access
log (config.gunicorn) would otherwise write working links into files that many people can read.
"""

import logging
import re

from django.core.exceptions import PermissionDenied

REDACTED = "[redacted]"
# A path starts a line, follows a space or quote (the request line, Django's messages) or a
# host (the Referer header, which carries the previous page's path).
_START = r"""(^|[\s"'(]|://[^/\s"']+)"""
_SEGMENT = r"""[^/\s?#"']+"""
_SECRET_PATHS = [
    re.compile(_START + rf"(/invite/){_SEGMENT}"),
    re.compile(_START + rf"(/a/){_SEGMENT}"),
    re.compile(_START + rf"(/join/){_SEGMENT}"),
]
# /accounts/password/reset/<uidb64>/<token>/ and its /<uidb64>/set-password/ step; the
# one-segment pages (sent/, done/) hold nothing secret.
_RESET = re.compile(_START + rf"(/accounts/password/reset/){_SEGMENT}/{_SEGMENT}")


def redact_tokens(text: str) -> str:
    """`text` with the secret part of every link that carries one replaced by [redacted]."""
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\1\2{REDACTED}", text)
    return _RESET.sub(rf"\1\2{REDACTED}/{REDACTED}", text)


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class PermissionDeniedFilter(logging.Filter):
    """A refused permission is expected (a role lacking an action), not a crash: log the line
    Django writes ("Forbidden (Permission denied): /path") without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True

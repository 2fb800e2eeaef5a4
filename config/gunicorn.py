"""gunicorn's access log without the secrets some links carry.

Started with `--logger-class config.gunicorn.RedactingLogger` (Makefile, bench/run.sh and the
README's deploy command). Every string in a log line goes through the same redaction as
Django's own logs: the request line, the path and the Referer header (which carries the
previous page, say an invitation link, on the next request).
"""

from gunicorn.glogging import Logger

from config.logging import redact_tokens


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }

"""Production: DEBUG off, HTTPS-only cookies and HSTS.

`make run` serves plain HTTP on the loopback interface for a local demo; it sets
MESH_PLAIN_HTTP=1, which turns off the HTTPS redirect and secure-only cookies. Behind a
TLS-terminating proxy, leave it unset.
"""

from .base import *  # noqa: F403
from .base import BEHIND_PROXY, env_bool, env_int

DEBUG = False
PLAIN_HTTP = env_bool("MESH_PLAIN_HTTP", False)

SECURE_SSL_REDIRECT = not PLAIN_HTTP
# Load balancers probe the workers over plain HTTP, behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not PLAIN_HTTP
CSRF_COOKIE_SECURE = not PLAIN_HTTP
SECURE_HSTS_SECONDS = 0 if PLAIN_HTTP else env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HSTS preload is a commitment to browsers' built-in lists that an operator must opt into with
# SECURE_HSTS_PRELOAD=1; it is not a default a self-hosted app can make for its users.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# On PostgreSQL, each worker borrows connections from a bounded pool. Under ASGI every request
# runs its sync code on a thread of its own, so a phase change that makes 200 pages fetch
# their board at once would otherwise open 200 connections and meet PostgreSQL's limit of 100
# ("too many clients"). With the pool a request waits its turn for a connection instead
# (up to DB_POOL_TIMEOUT seconds). Keep workers x DB_POOL_MAX under the server's limit.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (required with a pool)
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 1,
        "max_size": env_int("DB_POOL_MAX", 20),
        "timeout": env_int("DB_POOL_TIMEOUT", 20),
    }

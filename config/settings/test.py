import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
# Requests only enqueue: the dummy backend stores tasks without running them, and tests call
# the task function themselves (or run a worker against the live server's database).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

# Several runs against one PostgreSQL server each need a test database of their own
# (`TEST_DB_NAME=test_mesh_live pytest ...`); Django's default is "test_" + the database name.
if test_db_name := os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_db_name}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's shared in-memory database: browser tests run the live server, live
    # streams and the export worker in threads of their own, and in-memory SQLite locks whole
    # tables between threads ("database table is locked") where a file in WAL mode waits its
    # turn. One file per process, removed when the run ends.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"mesh-test-{os.getpid()}.sqlite3")
    }

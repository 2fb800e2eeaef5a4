"""A database cache whose `add` and `incr` are atomic and keep the key's expiry.

Django's DatabaseCache.incr reads the value and writes it back with `set`, which (a) lets two
workers read the same value and both write value + 1, and (b) resets the key's expiry to the
default timeout: a 15-minute sign-in lock ended 5 minutes after the last failure. Its `add`
over an expired row is a read followed by an UPDATE, so on PostgreSQL two workers can both
"add" the same key. Counters (kernel.throttle) need both to be exact.

Here `incr` locks the row (SELECT ... FOR UPDATE where the database has it; SQLite has no row
locks, but our SQLite connections open IMMEDIATE transactions, which take the database's write
lock up front, so writers queue) and updates only the value. `add` either inserts (a duplicate
key fails on the primary key) or takes over an expired row with one conditional UPDATE, so
exactly one of several concurrent callers wins. Redis (INCR, SET NX) and LocMem (one lock)
already behave like this.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, key_column = quote_name(self._table), quote_name("cache_key")
        value_column, expires_column = quote_name("value"), quote_name("expires")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Missing exactly when `get` says so (expires < now), to the microsecond.
        now = connection.ops.adapt_datetimefield_value(tz_now())
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_column} FROM {table} "  # noqa: S608 (names quoted, values bound)
                f"WHERE {key_column} = %s AND {expires_column} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 (our own table)
            new_value = value + delta
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s",  # noqa: S608
                [self._encode(new_value), key],
            )
        return new_value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, key_column = quote_name(self._table), quote_name("cache_key")
        value_column, expires_column = quote_name("value"), quote_name("expires")
        now = tz_now()
        expires = connection.ops.adapt_datetimefield_value(self._expiry(timeout))
        encoded = self._encode(value)
        with connection.cursor() as cursor:
            self._cull_if_full(db, cursor, now)
            try:
                with transaction.atomic(using=db):
                    # Only one UPDATE can match an expired row: the next one waits for it and
                    # then finds the row no longer expired.
                    cursor.execute(
                        f"UPDATE {table} SET {value_column} = %s, {expires_column} = %s "  # noqa: S608
                        f"WHERE {key_column} = %s AND {expires_column} < %s",
                        [encoded, expires, key, connection.ops.adapt_datetimefield_value(now)],
                    )
                    if cursor.rowcount == 1:
                        return True
                    cursor.execute(
                        f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608
                        "VALUES (%s, %s, %s)",
                        [key, encoded, expires],
                    )
            except IntegrityError:
                return False  # The key exists and has not expired.
            except DatabaseError:
                # As in Django's cache: a failed write is a miss, never an error page.
                return False
            return True

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _expiry(timeout: float | None) -> datetime:
        # As Django's DatabaseCache stores it: whole seconds, datetime.max for "never".
        if timeout is None:
            expiry = datetime.max
        else:
            expiry = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        return expiry.replace(microsecond=0)

    def _cull_if_full(self, db: str, cursor, now: datetime) -> None:
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")  # noqa: S608
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, now, count)

"""Locks on things that have no row of their own to lock: PostgreSQL's advisory locks, held until the end of
the transaction. SQLite lets one transaction write at a time, which is lock enough: there they do nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

# Beyond this many keys, one transaction takes the whole namespace instead (the server's table of locks
# is shared by every connection and has room for some thousands).
MANY_KEYS = 500


def lock_keys(namespace: int, keys: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Hold (namespace, key) for each key, taken in key order so that two transactions locking some of the
    same keys never wait for each other in a circle; with the namespace itself shared, so that
    `lock_namespace` waits for them. Keys are positive 32-bit integers."""
    keys = sorted(set(keys))
    if not keys or not uses_advisory_locks(using):
        return
    if len(keys) > MANY_KEYS:
        lock_namespace(namespace, using)
        return
    with connections[using].cursor() as cursor:  # one statement: the namespace first, then the keys
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s::integer, 0) UNION ALL"
            " SELECT pg_advisory_xact_lock(%s::integer, key)"
            " FROM (SELECT unnest(%s::integer[]) AS key ORDER BY 1) AS keys",
            [namespace, namespace, keys],
        )


def lock_namespace(namespace: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Hold every key of the namespace: wait for the transactions holding some, keep new ones waiting."""
    if uses_advisory_locks(using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, 0)", [namespace])


def uses_advisory_locks(using: str) -> bool:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("Advisory locks are held until the transaction ends: take them inside one.")
    return connection.vendor == "postgresql"

"""Case-insensitive text matching that also folds Danish letters on SQLite (issue 11 point 17).

SQLite's LIKE and UPPER() fold only ASCII, so under `make run` "ÆBLE" did not find "æblemost".
The `foldcontains` lookup (``title__foldcontains="ÆBLE"``) is ``icontains`` on PostgreSQL (whose
UPPER() knows æ, ø and å in a UTF-8 database) and, on SQLite, compares both sides through
``fk_fold()``: Python's ``str.casefold``, registered on every SQLite connection.
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.lookups import IContains

SQLITE_FOLD_FUNCTION = "fk_fold"


def text_fold(value):
    """The form both sides are compared in: Unicode case folding ("ÆBLE" and "æble" agree)."""
    return None if value is None else str(value).casefold()


def sqlite_fold_register(connection) -> None:
    connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, text_fold, deterministic=True)


def _on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        sqlite_fold_register(connection)


class FoldedContains(IContains):
    lookup_name = "foldcontains"

    def as_sql(self, compiler, connection):
        # Every other database: Django's icontains (its operator tables are keyed by that name).
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # process_rhs has turned the value into an escaped '%value%' pattern.
        sql = f"{SQLITE_FOLD_FUNCTION}({lhs_sql}) LIKE {SQLITE_FOLD_FUNCTION}({rhs_sql}) ESCAPE '\\'"
        return sql, (*lhs_params, *rhs_params)


def text_folding_install() -> None:
    CharField.register_lookup(FoldedContains)
    TextField.register_lookup(FoldedContains)
    connection_created.connect(_on_connection_created, dispatch_uid="marketplace-text-folding")

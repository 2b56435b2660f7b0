"""Small database functions compliance needs on both SQLite and PostgreSQL."""

from django.db.models import DateField, Func


class AddMonths(Func):
    """date + N calendar months, computed by the database."""

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"+{self.months} months"]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => %s))::date", [*params, self.months]

    def as_sql(self, compiler, connection, **extra):  # other backends: MySQL-like syntax
        sql, params = compiler.compile(self.source_expressions[0])
        return f"DATE_ADD({sql}, INTERVAL %s MONTH)", [*params, self.months]

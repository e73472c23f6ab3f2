"""The metric views as SQL for Spark or Trino, so a data team runs our definitions, not a copy.

`miner export DIR --dialect spark|trino` writes DIR/sql/DIALECT/: 00_tables.sql registers the
exported Parquet (core tables and settings) as tables of the schema `miner_parquet` and, over
each, a view of the warehouse's name and columns; then one file per metric view, numbered in the
order they must be created (a view reads those before it). Run them in name order.

sqlglot parses our DuckDB SQL and writes the target's. Before that, this module does what
sqlglot cannot know:
- DuckDB macros (queries/macros) are inlined: the other engines have none.
- `epoch()` of a timestamp difference is the difference of the epochs (sqlglot would hand an
  interval to unix_timestamp); `epoch()` and `epoch_us()` become the engine's exact functions.
- `list(x ORDER BY y)` keeps its order and its NULLs on Spark (collect_list has neither).
- `quantile_cont` is Spark's exact `percentile`, and on Trino (which has only an approximate
  one) the same interpolation written out.
- `greatest`/`least` skip NULLs on Trino too; `arg_min` skips rows whose value is NULL and
  sorts a tuple key's NULL fields last, as DuckDB does.
- `list_has_any` is `arrays_overlap`, and it and `list_contains` are false, not NULL, when
  nothing matches though a list holds a NULL.
- 'infinity'::timestamptz is the engines' last instant.
- Trino builds a struct as CAST(ROW(...) AS ROW(name type, ...)): the types come from the
  warehouse's columns (sqlglot's qualify and annotate_types).

On Spark, a view's rows are computed once into a table, as miner's rebuild does: Spark inlines
every WITH step at each use and plans the tree whole, which ran out of memory on our longest
views (see view_statements).
Spark output is checked by running every view on a local Spark against DuckDB's rows
(tests/test_transpile.py). Trino output is written by the same rules but not run by our tests
(there is no Trino here): its files say so."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from miner.errors import MinerError
from miner.sql_files import layer, sql_string

# where 00_tables.sql registers the Parquet files; the views keep the warehouse's names
FILES_SCHEMA = "miner_parquet"
# where Spark keeps a metric view's WITH steps while it computes the view's rows
STEPS_SCHEMA = "miner_steps"

_MACRO = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(.*)", re.S | re.I)


@dataclass(frozen=True)
class Macro:
    """A DuckDB macro: its parameters and its body, to be put in place of each call."""

    params: tuple[str, ...]
    body: exp.Expr


@cache
def macros() -> Mapping[str, Macro]:
    """queries/macros, parsed."""
    found: dict[str, Macro] = {}
    for f in layer("macros"):
        m = _MACRO.search(f.code)
        if m is None:
            raise MinerError(f"{f.path}: not a `create or replace macro NAME(...) as ...`")
        params = tuple(p.strip() for p in m.group(2).split(","))
        found[m.group(1).lower()] = Macro(params, sqlglot.parse_one(m.group(3), read="duckdb"))
    return found


def inline_macros(tree: exp.Expr) -> exp.Expr:
    """Every call of a macro replaced by its body, its parameters by the call's arguments. A
    parameter used as a table (`w.day`, with `w` given a join's alias) takes the argument's
    name as its table."""

    def call(node: exp.Expr) -> exp.Expr:
        if not isinstance(node, exp.Anonymous) or node.name.lower() not in macros():
            return node
        macro = macros()[node.name.lower()]
        if len(node.expressions) != len(macro.params):
            raise MinerError(
                f"{node.sql('duckdb')}: {node.name} takes {len(macro.params)} arguments"
            )
        args = {p.lower(): a for p, a in zip(macro.params, node.expressions, strict=True)}

        def put(n: exp.Expr) -> exp.Expr:
            if isinstance(n, exp.Column):
                if n.table.lower() in args:
                    alias = args[n.table.lower()]
                    if not isinstance(alias, exp.Column) or alias.table:
                        raise MinerError(
                            f"{node.sql('duckdb')}: {n.table} of {node.name} must name a table"
                        )
                    return exp.column(n.name, table=alias.name)
                if not n.table and n.name.lower() in args:
                    return exp.paren(args[n.name.lower()].copy())
            return n

        return exp.paren(inline_macros(macro.body.copy().transform(put)))

    return tree.transform(call)


def _epoch_seconds(value: exp.Expr, dialect: str) -> exp.Expr:
    """The seconds since 1970 of a timestamp, with its fraction, as a double."""
    if dialect == "spark":
        return _seconds(_unix_micros(value))
    # Trino's tables hold UTC instants without a zone: read them in UTC, not the session's
    utc = exp.Anonymous(this="with_timezone", expressions=[value, exp.Literal.string("UTC")])
    return exp.Anonymous(this="to_unixtime", expressions=[utc])


def _epoch(node: exp.Expr, dialect: str) -> exp.Expr:
    """DuckDB's epoch(): of an interval `a - b` between two instants, the difference of the two
    (exact in microseconds on Spark); of `t - INTERVAL ...`, of that instant."""
    arg = node.this
    while isinstance(arg, exp.Paren):
        arg = arg.this
    if isinstance(arg, exp.Sub) and not isinstance(arg.expression, exp.Interval):
        if dialect == "spark":
            micros = exp.Sub(this=_unix_micros(arg.this), expression=_unix_micros(arg.expression))
            return exp.paren(_seconds(micros))
        return exp.paren(
            exp.Sub(
                this=_epoch_seconds(arg.this, dialect),
                expression=_epoch_seconds(arg.expression, dialect),
            )
        )
    return _epoch_seconds(arg, dialect)


def _seconds(micros: exp.Expr) -> exp.Expr:
    """Microseconds (an integer) as seconds, a double."""
    return exp.Div(this=exp.cast(micros, "double"), expression=exp.Literal.number(1000000))


def _unix_micros(value: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this="unix_micros", expressions=[value])


def _epoch_us(node: exp.Anonymous, dialect: str) -> exp.Expr:
    (value,) = node.expressions
    if dialect == "spark":
        return _unix_micros(value)
    return exp.cast(
        exp.Round(
            this=exp.Mul(
                this=_epoch_seconds(value, dialect), expression=exp.Literal.number(1000000)
            )
        ),
        "bigint",
    )


def _ordered_list(node: exp.Expr, dialect: str) -> exp.Expr:
    """DuckDB's list(), with its FILTER if any: every value, NULLs included, in the ORDER BY's
    order (NULLs last unless it says otherwise), and NULL rather than an empty list when no row
    is collected. Spark's collect_list drops NULLs and keeps no order, so Spark collects
    structs of (key is NULL, key, ..., value), sorts them and takes the values; DISTINCT
    collects a set of them."""
    original, where = node, None
    if isinstance(node, exp.Filter):
        node, where = node.this, node.expression
    if dialect != "spark" or not isinstance(node, exp.ArrayAgg):
        return original
    if where is None and isinstance(node.parent, exp.Filter):
        return original  # rewritten with its FILTER, when the rewrite reaches that
    if isinstance(original.parent, exp.Window):
        raise MinerError(f"{original.sql('duckdb')}: list() over a window is not transpiled")
    inner = node.this
    distinct, order = False, None
    if isinstance(inner, exp.Distinct):
        distinct, inner = True, inner.expressions[0]
    if isinstance(inner, exp.Order):
        order, inner = inner, inner.this
    if isinstance(inner, exp.Distinct):  # list(DISTINCT x ORDER BY ...) parses either way
        distinct, inner = True, inner.expressions[0]
    ordered = list(order.expressions) if order is not None else []
    if any(o.args.get("desc") for o in ordered):
        raise MinerError(f"{node.sql('duckdb')}: a descending list order is not transpiled")
    if distinct and ordered and [o.this.sql() for o in ordered] != [inner.sql()]:
        raise MinerError(f"{node.sql('duckdb')}: DISTINCT with another ORDER BY key")
    fields: list[exp.Expr] = []
    for i, o in enumerate(ordered):
        # false sorts before true: NULL keys last, or first when the ORDER BY says so
        is_null = exp.Is(this=o.this.copy(), expression=exp.Null())
        flag = exp.Not(this=is_null) if o.args.get("nulls_first") else is_null
        fields.append(exp.alias_(flag, f"n{i}"))
        if not distinct:
            fields.append(exp.alias_(o.this.copy(), f"k{i}"))
    struct = exp.Struct(expressions=[*fields, exp.alias_(inner.copy(), "v")])
    collected: exp.Expr = (exp.ArrayUniqueAgg if distinct else exp.ArrayAgg)(this=struct)
    if where is not None:
        collected = exp.Filter(this=collected, expression=where)
    if ordered:
        collected = exp.ArraySort(this=collected)
    values = f"transform({collected.sql('spark')}, s -> s.v)"
    return sqlglot.parse_one(
        f"case when size({values}) = 0 then null else {values} end", read="spark"
    )


def _quantile(node: exp.PercentileCont, dialect: str) -> exp.Expr:
    """quantile_cont(x, q): Spark's percentile() is the same exact interpolation. Trino has
    only approx_percentile (a value of the set, never between two), so Trino interpolates by
    hand between the sorted values at 1 + q * (n - 1)."""
    if dialect == "spark":
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    value, q = node.this.sql("trino"), node.expression.sql("trino")
    values = f"array_sort(array_agg({value}) filter (where {value} is not null))"
    pos = f"(1 + ({q}) * (cardinality({values}) - 1))"
    low = f"element_at({values}, cast(floor({pos}) as bigint))"
    high = f"element_at({values}, cast(ceiling({pos}) as bigint))"
    return sqlglot.parse_one(
        f"if(cardinality({values}) = 0, null, {low} + ({pos} - floor({pos})) * ({high} - {low}))",
        read="trino",
    )


def _arg_min(node: exp.ArgMin | exp.ArgMax, dialect: str) -> exp.Expr:
    """arg_min(x, key) in DuckDB skips rows whose x is NULL, and orders a tuple key's NULL
    fields last; min_by() takes the key's row whatever its x, and Spark orders NULL fields
    first. So: a FILTER on x, and a flag before each field of a tuple key."""
    if isinstance(node.parent, exp.Filter):
        raise MinerError(f"{node.sql('duckdb')}: arg_min/arg_max with a FILTER is not transpiled")
    key = node.expression
    if isinstance(key, exp.Tuple):
        fields: list[exp.Expr] = []
        for field in key.expressions:
            fields += [exp.Is(this=field.copy(), expression=exp.Null()), field.copy()]
        key = exp.Tuple(expressions=fields)
    value = node.this
    chosen = type(node)(this=value.copy(), expression=key)
    where = exp.Where(this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
    return exp.Filter(this=chosen, expression=where)


def _greatest(node: exp.Greatest | exp.Least, dialect: str) -> exp.Expr:
    """greatest()/least() skip NULLs in DuckDB and Spark; Trino's return NULL if any is."""
    if dialect != "trino":
        return node
    name = "array_max" if isinstance(node, exp.Greatest) else "array_min"
    args = ", ".join(a.sql("trino") for a in [node.this, *node.expressions])
    return sqlglot.parse_one(f"{name}(filter(array[{args}], e -> e is not null))", read="trino")


def _membership(node: exp.ArrayOverlaps | exp.ArrayContains, dialect: str) -> exp.Expr:
    """list_has_any(a, b) and list_contains(a, x) are false in DuckDB when nothing matches,
    though a list holds a NULL; Spark's and Trino's arrays_overlap and array_contains are NULL
    then. Both are NULL only when an argument is. (sqlglot writes Postgres's `a && b` for
    list_has_any; both engines call it arrays_overlap.)"""
    a, b = node.this, node.expression
    call = (
        exp.Anonymous(this="arrays_overlap", expressions=[a.copy(), b.copy()])
        if isinstance(node, exp.ArrayOverlaps)
        else node.copy()
    )
    either_null = exp.or_(exp.Is(this=a.copy(), expression=exp.null()),
                          exp.Is(this=b.copy(), expression=exp.null()))  # fmt: skip
    return (
        exp.case()
        .when(either_null, exp.null())
        .else_(exp.Coalesce(this=call, expressions=[exp.false()]))
    )


def _infinity(node: exp.Cast, dialect: str) -> exp.Expr:
    """'infinity'::timestamptz (an open end, as in `coalesce(closed_at, 'infinity')`) is the
    last instant both engines hold; '-infinity' the first."""
    value = node.this
    if not (isinstance(value, exp.Literal) and value.is_string and node.to.is_type("timestamptz")):
        return node
    bound = {"infinity": "9999-12-31 23:59:59.999999", "-infinity": "0001-01-01 00:00:00"}
    if value.this not in bound:
        return node
    kind = "TIMESTAMP(6)" if dialect == "trino" else "timestamptz"
    return exp.cast(
        exp.Literal.string(bound[value.this]), exp.DataType.build(kind, dialect=dialect)
    )


def _any_value(node: exp.IgnoreNulls, dialect: str) -> exp.Expr:
    """any_value(x) ignores NULLs in DuckDB; Trino's arbitrary() does too, and takes no
    IGNORE NULLS."""
    return node.this if dialect == "trino" and isinstance(node.this, exp.AnyValue) else node


def _timestamp_type(node: exp.DataType, dialect: str) -> exp.Expr:
    """Trino's Hive tables hold our instants as TIMESTAMP(6) in UTC: casts say the same."""
    if dialect == "trino" and node.is_type("timestamptz"):
        return exp.DataType.build("TIMESTAMP(6)", dialect="trino")
    return node


_REWRITES: dict[type[exp.Expr], Callable[[exp.Expr, str], exp.Expr]] = {
    exp.TimeToUnix: _epoch,
    exp.ArrayAgg: _ordered_list,
    exp.Filter: _ordered_list,
    exp.PercentileCont: _quantile,  # type: ignore[dict-item]
    exp.ArrayOverlaps: _membership,  # type: ignore[dict-item]
    exp.ArrayContains: _membership,  # type: ignore[dict-item]
    exp.Greatest: _greatest,  # type: ignore[dict-item]
    exp.Least: _greatest,  # type: ignore[dict-item]
    exp.ArgMin: _arg_min,  # type: ignore[dict-item]
    exp.ArgMax: _arg_min,  # type: ignore[dict-item]
    exp.Cast: _infinity,  # type: ignore[dict-item]
    exp.IgnoreNulls: _any_value,  # type: ignore[dict-item]
    exp.DataType: _timestamp_type,  # type: ignore[dict-item]
}


def _translated(
    duckdb_sql: str, dialect: str, schema: Mapping[str, Mapping[str, str]] | None = None
) -> exp.Expr:
    tree = inline_macros(sqlglot.parse_one(duckdb_sql, read="duckdb"))
    # bottom up: a node's arguments are rewritten before it (epoch() inside a list(), say)
    for node in reversed(list(tree.walk(bfs=False))):
        if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
            done = _epoch_us(node, dialect)
        else:
            fn = _REWRITES.get(type(node))
            done = fn(node, dialect) if fn is not None else node
        if done is not node:
            if node is tree:
                tree = done
            else:
                node.replace(done)
    if dialect == "trino" and schema is not None:
        # Trino builds a struct as CAST(ROW(...) AS ROW(name type, ...)): sqlglot infers the
        # types once names are qualified, from the columns as the Trino tables type them
        types = MappingSchema(
            {t: {c: _trino_source_type(k) for c, k in cols.items()} for t, cols in schema.items()},
            dialect="duckdb",
        )
        tree = qualify(
            tree, schema=types, dialect="duckdb", quote_identifiers=False,
            validate_qualify_columns=False,
        )  # fmt: skip
        tree = annotate_types(tree, schema=types, dialect="duckdb")
    return tree


def _sql(tree: exp.Expr, dialect: str) -> str:
    return tree.sql(dialect=dialect, pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)


def to_dialect(
    duckdb_sql: str, dialect: str, schema: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """One DuckDB select as `dialect`'s SQL; `schema` (table -> column -> DuckDB type) types
    what Trino needs typed."""
    return _sql(_translated(duckdb_sql, dialect, schema), dialect)


def view_statements(
    name: str,
    duckdb_sql: str,
    dialect: str,
    on_read: bool,
    schema: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """The statements that make the metric view `name` on `dialect`.

    Trino, and on Spark a view computed on read (a filter of another): CREATE VIEW. Otherwise
    Spark computes the rows once, as miner's rebuild does: each WITH step becomes a table of
    STEPS_SCHEMA, then the view's rows a table `name`, then the steps go. Spark inlines every
    step at each use and plans the whole tree at once; for our longest views (review_wait's 20
    steps) that planning ran out of memory, where DuckDB computes a step used twice once."""
    tree = _translated(duckdb_sql, dialect, schema)
    if dialect != "spark" or on_read:
        return [f"CREATE OR REPLACE VIEW {name} AS\n{_sql(tree, dialect)}"]
    steps: dict[str, str] = {}

    def to_step(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and not node.db and node.name in steps:
            table = exp.to_table(steps[node.name])
            table.set(
                "alias", node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(node.name))
            )
            return table
        return node

    statements: list[str] = []
    for cte in tree.ctes if isinstance(tree, exp.Query) else []:
        step = f"{STEPS_SCHEMA}.{name}__{cte.alias}"
        body = cte.this.transform(to_step)
        statements += [
            f"DROP TABLE IF EXISTS {step}",
            f"CREATE TABLE {step} USING PARQUET AS\n{_sql(body, dialect)}",
        ]
        steps[cte.alias] = step
    final = tree.copy()
    final.set("with_", None)
    statements += [
        f"DROP TABLE IF EXISTS {name}",
        f"CREATE TABLE {name} USING PARQUET AS\n{_sql(final.transform(to_step), dialect)}",
        *(f"DROP TABLE {step}" for step in steps.values()),
    ]
    return statements


def _trino_source_type(duckdb_type: str) -> str:
    return duckdb_type.replace("HUGEINT", "BIGINT").replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMP")


def column_type(duckdb_type: str, dialect: str) -> str:
    """A warehouse column's type in `dialect` (as export writes it to Parquet)."""
    text = duckdb_type.replace("HUGEINT", "BIGINT").replace("JSON", "VARCHAR")
    if dialect == "trino":
        # Trino's Hive tables hold timestamps without a zone (our UTC instants), at the
        # catalog's hive.timestamp-precision
        text = _trino_source_type(text)
    return exp.DataType.build(text, dialect="duckdb").sql(dialect)


def table_ddl(
    name: str,
    columns: Sequence[tuple[str, str]],
    partitions: Sequence[str],
    location: str,
    dialect: str,
) -> list[str]:
    """Statements registering the Parquet folder `location` (hive-partitioned by `partitions`)
    as FILES_SCHEMA.name, and the view `name` over it with the warehouse's columns in order."""
    names = [c for c, _ in columns]
    typed = dict((c, column_type(t, dialect)) for c, t in columns)
    text = "STRING" if dialect == "spark" else "VARCHAR"
    # both engines want the partition columns last
    ordered = [(c, t) for c, t in typed.items() if c not in partitions]
    ordered += [(p, typed.get(p, text)) for p in partitions]

    def quote(column: str) -> str:
        return f"`{column}`" if dialect == "spark" else f'"{column}"'

    cols = ",\n  ".join(f"{quote(c)} {t}" for c, t in ordered)
    table = f"{FILES_SCHEMA}.{name}"
    # registered anew each time, as the files say now: a newer miner's export may have more
    # columns than the table an older one registered. The table is external (its LOCATION is
    # the export's folder): dropping it leaves the files
    drop = f"DROP TABLE IF EXISTS {table}"
    if dialect == "spark":
        statements = [
            drop,
            f"CREATE TABLE {table} (\n  {cols}\n) USING PARQUET"
            + (f"\nPARTITIONED BY ({', '.join(partitions)})" if partitions else "")
            + f"\nLOCATION '{sql_string(location)}'",
        ]
        if partitions:
            statements.append(f"MSCK REPAIR TABLE {table}")
    else:
        props = [f"external_location = '{sql_string(location)}'", "format = 'PARQUET'"]
        if partitions:
            props.append(f"partitioned_by = ARRAY[{', '.join(repr(p) for p in partitions)}]")
        statements = [
            drop,
            f"CREATE TABLE {table} (\n  {cols}\n) WITH (\n  {', '.join(props)}\n)",
        ]
        if partitions:
            statements.append(
                f"CALL system.sync_partition_metadata('{FILES_SCHEMA}', '{name}', 'FULL')"
            )
    listed = ", ".join(quote(c) for c in names)
    statements.append(f"CREATE OR REPLACE VIEW {name} AS SELECT {listed} FROM {table}")
    return statements

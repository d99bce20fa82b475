"""The filters test/clients/scan_planning_pyiceberg.py scans its tables with, through both catalogs.

On partition source columns (`region`, `ts`, `id`, `name`, and `d` after the spec change) and on others, of every
predicate PyIceberg builds, with literals of every type the table holds, and in PyIceberg's text syntax.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from pyiceberg.expressions import (
    AlwaysFalse,
    AlwaysTrue,
    And,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNaN,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Not,
    NotEqualTo,
    NotIn,
    NotNaN,
    NotNull,
    NotStartsWith,
    Or,
    StartsWith,
)

UTC = dt.timezone.utc
BIG = 9007199254740993  # 2^53 + 1: exact only as a 64-bit integer; a row of the table holds it too

D = dt.date
T = dt.datetime
DEC = decimal.Decimal

# Filters on partition source columns (region, ts, id, name, d after the spec change) and on others.
FILTERS = {
    "all": AlwaysTrue(),
    "none": AlwaysFalse(),
    "region = eu": EqualTo("region", "eu"),
    "region != eu": NotEqualTo("region", "eu"),
    "region is null": IsNull("region"),
    "region not null": NotNull("region"),
    "region in (us, apac)": In("region", ["us", "apac"]),
    "region not in (us, apac)": NotIn("region", ["us", "apac"]),
    "region = nowhere": EqualTo("region", "nowhere"),
    "id = 7": EqualTo("id", 7),
    "id < 20": LessThan("id", 20),
    "id <= 20": LessThanOrEqual("id", 20),
    "id > 300": GreaterThan("id", 300),
    "id >= 400": GreaterThanOrEqual("id", 400),
    "id in (3, 44, 201, 305, big)": In("id", [3, 44, 201, 305, BIG]),
    "id not in (1, 2, 3)": NotIn("id", [1, 2, 3]),
    "id = big": EqualTo("id", BIG),
    "id > 2^53": GreaterThan("id", 2**53),
    "i = -1": EqualTo("i", -1),
    # Literals beyond the int column's range: PyIceberg (like Java) decides these when binding, and sends them as is.
    "i < 2^40": LessThan("i", 2**40),
    "i = 2^40": EqualTo("i", 2**40),
    "i > -2^40": GreaterThan("i", -(2**40)),
    "i in (1, 2^40)": In("i", [1, 2**40]),
    "i not in (2^40, -2^40)": NotIn("i", [2**40, -(2**40)]),
    "id < 2^70": LessThan("id", 2**70),
    "i >= 8": GreaterThanOrEqual("i", 8),
    "name starts with al": StartsWith("name", "al"),
    "name not starts with al": NotStartsWith("name", "al"),
    "name starts with alp": StartsWith("name", "alp"),
    "name starts with b": StartsWith("name", "b"),
    "name = bet": EqualTo("name", "bet"),
    "name is null": IsNull("name"),
    "d = 2026-01-05 (date)": EqualTo("d", D(2026, 1, 5)),
    "d >= 2026-02-01 (string)": GreaterThanOrEqual("d", "2026-02-01"),
    "d in two dates": In("d", [D(2026, 1, 1), D(2026, 1, 31)]),
    "ts < 2026-01-03": LessThan("ts", T(2026, 1, 3)),
    "ts = 2026-01-02T01:30": EqualTo("ts", "2026-01-02T01:30:00"),
    "ts between days": And(GreaterThanOrEqual("ts", "2026-01-02T00:00:00"), LessThan("ts", "2026-01-04T00:00:00")),
    "tstz >= 2026-02-10 (aware)": GreaterThanOrEqual("tstz", T(2026, 2, 10, tzinfo=UTC)),
    "tstz < 2026-02-03T12:00+02:00": LessThan("tstz", T(2026, 2, 3, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    "amount = 12.50": EqualTo("amount", DEC("12.50")),
    "amount > 100.00": GreaterThan("amount", DEC("100.00")),
    "amount in (1.25, 2.50, 500.00)": In("amount", [DEC("1.25"), DEC("2.50"), DEC("500.00")]),
    "dbl is nan": IsNaN("dbl"),
    "dbl not nan": NotNaN("dbl"),
    "dbl is null": IsNull("dbl"),
    "dbl > 20.0": GreaterThan("dbl", 20.0),
    "dbl <= 3.5": LessThanOrEqual("dbl", 3.5),
    "flt is nan": IsNaN("flt"),
    "flt not nan": NotNaN("flt"),
    "flt = 2.5": EqualTo("flt", 2.5),
    "flt < 1.0": LessThan("flt", 1.0),
    "flag = true": EqualTo("flag", True),
    "flag = false": EqualTo("flag", False),
    "flag is null": IsNull("flag"),
    "uid = uuid 7": EqualTo("uid", uuid.UUID(int=7)),
    "uid in two uuids": In("uid", [uuid.UUID(int=8), uuid.UUID(int=402)]),
    "uid > uuid 300": GreaterThan("uid", uuid.UUID(int=300)),
    "bin = 0x0507": EqualTo("bin", b"\x05\x07"),
    "note not null": NotNull("note"),
    "note = x302": EqualTo("note", "x302"),
    "note is null": IsNull("note"),
    "note >= x400": GreaterThanOrEqual("note", "x400"),
    "and(region = us, id < 30)": And(EqualTo("region", "us"), LessThan("id", 30)),
    "or(region = eu, dbl is nan)": Or(EqualTo("region", "eu"), IsNaN("dbl")),
    "not(region = us)": Not(EqualTo("region", "us")),
    "not(and(id < 50, flag = true))": Not(And(LessThan("id", 50), EqualTo("flag", True))),
    "or(name is null, not(d < 2026-01-20))": Or(IsNull("name"), Not(LessThan("d", D(2026, 1, 20)))),
    "text: id > 5 and region = 'eu'": "id > 5 and region = 'eu'",
    "text: ts >= '2026-01-05T00:00:00' or name = 'alps'": "ts >= '2026-01-05T00:00:00' or name = 'alps'",
    "text: amount < 10.00 and flag = false": "amount < 10.00 and flag = false",
    "text: region is null or dbl is nan": "region is null or dbl is nan",
    "text: name like 'be%'": "name like 'be%'",
    "text: d between": "d >= '2026-01-10' and d <= '2026-01-12'",
    "text: id not in (1, 2, 200)": "id not in (1, 2, 200)",
}

import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';

const render = (sql: string) => compileWithSourceMap(sql, 't').sql;

describe("engine: dbt's modules in templates (datetime, re)", () => {
  it('dates, datetimes and timedeltas with Python arithmetic, formatting and comparison', () => {
    const dt = 'modules.datetime';
    assert.equal(render(`{{ ${dt}.date(2024, 3, 1) - ${dt}.timedelta(days=1) }}`), '2024-02-29');
    assert.equal(
      render(`{{ (${dt}.datetime(2024, 1, 31, 10, 30) + ${dt}.timedelta(hours=20)).strftime('%Y-%m-%d %H:%M') }}`),
      '2024-02-01 06:30',
    );
    assert.equal(render(`{{ (${dt}.date(2024, 3, 1) - ${dt}.date(2024, 1, 1)).days }}`), '60');
    assert.equal(
      render(`{{ ${dt}.date(2024, 3, 1).strftime('%a %A %d %b %B %Y, day %j, %%') }}`),
      'Fri Friday 01 Mar March 2024, day 061, %',
    );
    assert.equal(
      render(`{{ ${dt}.date(2024, 1, 31).replace(day=1) }} {{ ${dt}.date(2024, 1, 31).weekday() }}`),
      '2024-01-01 2',
    );
    assert.equal(
      render(`{{ ${dt}.timedelta(days=1, hours=2) }} {{ ${dt}.timedelta(weeks=1).total_seconds() }}`),
      '1 day, 2:00:00 604800',
    );
    assert.equal(render(`{{ ${dt}.date(2024, 1, 1) < ${dt}.date(2024, 1, 2) }}`), 'true');
    assert.equal(render(`{{ ${dt}.date.fromisoformat('2024-05-06').month }}`), '5');
    const today = new Date();
    const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    assert.equal(render(`{{ ${dt}.date.today() }}`), iso);
    assert.match(render(`{{ ${dt}.datetime.now() }}`), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // Numbers and strings keep their own + and -.
    assert.equal(render("{{ 1 + 2 }} {{ 'a' + 'b' }} {{ 5 - 3 }}"), '3 ab 2');
  });

  it("Python's regular expressions: match, search, sub with \\1, findall, split", () => {
    assert.equal(
      render("{{ modules.re.sub('([a-z]+)_id', '\\\\1_key', 'order_id, customer_id') }}"),
      'order_key, customer_key',
    );
    assert.equal(render("{{ modules.re.sub('a', 'b', 'aaa', count=2) }}"), 'bba');
    assert.equal(render("{{ modules.re.match('stg_(\\\\w+)', 'stg_orders').group(1) }}"), 'orders');
    assert.equal(render("{{ modules.re.match('orders', 'stg_orders') is none }}"), 'true');
    assert.equal(render("{{ modules.re.search('orders', 'stg_orders').start() }}"), '4');
    assert.equal(render("{{ modules.re.findall('[0-9]+', 'a1b22c333') | join(',') }}"), '1,22,333');
    assert.equal(render("{{ modules.re.split(',\\\\s*', 'a, b,c') | join('|') }}"), 'a|b|c');
  });
});

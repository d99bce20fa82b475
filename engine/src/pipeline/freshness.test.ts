import assert from 'node:assert/strict';
import { readPropertyFile } from './properties.ts';

const sources = (yaml: string) => readPropertyFile(`version: 2\nsources:\n${yaml}`, 'gold/s.yml', 'gold')!.sources;

describe("engine: dbt's source freshness settings", () => {
  it("takes the table's over its source's, in dbt's shape; freshness: null turns it off", () => {
    const [a, b, c] = sources(
      [
        '  - name: raw',
        '    loaded_at_field: _loaded_at',
        '    freshness: { warn_after: { count: 12, period: hour }, filter: "region = \'eu\'" }',
        '    tables:',
        '      - name: a',
        '      - name: b',
        '        loaded_at_field: updated_at',
        '        freshness: { error_after: { count: 30, period: minute } }',
        '      - name: c',
        '        freshness: null',
        '',
      ].join('\n'),
    );
    assert.deepEqual(a!.freshness, { loadedAtField: '_loaded_at', warnAfterMs: 43_200_000, filter: "region = 'eu'" });
    assert.deepEqual(b!.freshness, { loadedAtField: 'updated_at', errorAfterMs: 1_800_000 });
    assert.equal(c!.freshness, undefined);
  });

  it('refuses what it cannot check, at the table line', () => {
    const bad = (freshness: string, why: RegExp) =>
      assert.throws(
        () =>
          sources(
            `  - name: raw\n    loaded_at_field: t\n    tables:\n      - name: a\n        freshness: ${freshness}\n`,
          ),
        (err: Error & { data?: { line: number } }) => err.data?.line === 6 && why.test(err.message),
      );
    bad(
      '{ warn_after: { count: 1, period: week } }',
      /warn_after must be \{ count: <number>, period: minute \| hour \| day \}/,
    );
    bad('{ error_after: { count: 0, period: day } }', /error_after must be/);
    bad('{ warn_after: { count: 1, period: day }, tolerance: 1 }', /freshness\.tolerance is not supported/);
    bad('yes', /freshness must be a mapping/);
  });
});

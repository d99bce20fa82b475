/**
 * dbt's declared sources with the real CLI against a real server: `rat source freshness` (the newest
 * `loaded_at_field` of each source with a freshness, on the data branch, against `warn_after` / `error_after`; exit 1
 * on an error), and sources whose `schema` / `identifier` name another table than `<source>.<table>`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

describe("engine: dbt's declared sources, their freshness and names (real CLI, real server)", function () {
  this.timeout(600_000);
  // The events project writes bronze.events; a second project reads it as a source written elsewhere.
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n');
  let reader = '';
  const declare = (sources: string) => writeFileSync(path.join(reader, 'gold', 'schema.yml'), sources);
  const freshness = async (...args: string[]) => {
    const r = await p.rat('source', 'freshness', '--project', reader, '--branch', 'fresh', ...args);
    return { ...r, json: args.includes('--json') ? JSON.parse(r.stdout) : undefined };
  };

  before(async () => {
    const run = await p.rat('run', '--branch', 'fresh');
    assert.equal(run.code, 0, run.out);
    reader = mkdtempSync(path.join(os.tmpdir(), 'rat-reader-'));
    mkdirSync(path.join(reader, 'gold'));
    writeFileSync(path.join(reader, 'gold', 'n.sql'), "SELECT count(*) AS n FROM {{ source('bronze', 'events') }}\n");
  });
  after(() => rmSync(reader, { recursive: true, force: true }));

  it('passes a source loaded just now, fails one whose newest row is older than error_after, and says which', async () => {
    declare(
      [
        'version: 2',
        'sources:',
        '  - name: bronze',
        '    freshness: { warn_after: { count: 1, period: hour }, error_after: { count: 2, period: day } }',
        '    loaded_at_field: _ingested_at',
        '    tables:',
        '      - name: events',
        '      - name: missing',
        '',
      ].join('\n'),
    );
    const r = await freshness('--json');
    assert.equal(r.code, 1, r.out);
    const [events, missing] = r.json.sources;
    assert.deepEqual([events.source, events.status, events.loadedAtField], ['bronze.events', 'pass', '_ingested_at']);
    assert.ok(events.ageMs >= 0 && events.ageMs < 3_600_000, String(events.ageMs));
    assert.deepEqual(
      [missing.source, missing.status, missing.error],
      ['bronze.missing', 'error', 'bronze.missing is not on fresh'],
    );

    // The events' own time is from 2024: past error_after.
    declare(
      [
        'version: 2',
        'sources:',
        '  - name: bronze',
        '    tables:',
        '      - name: events',
        '        loaded_at_field: ts',
        '        freshness: { warn_after: { count: 12, period: hour }, error_after: { count: 1, period: day } }',
        '',
      ].join('\n'),
    );
    const stale = await freshness();
    assert.equal(stale.code, 1, stale.out);
    assert.match(
      stale.out,
      /✗ error bronze\.events: newest ts 2024-01-01T10:00:00\.000Z \(\d+d \d+h old; warn after 12h 0m, error after 1d 0h\)/,
    );
    // Only a warning: the command succeeds.
    declare(
      'version: 2\nsources:\n  - name: bronze\n    tables:\n      - name: events\n        loaded_at_field: ts\n        freshness: { warn_after: { count: 1, period: day } }\n',
    );
    const warned = await freshness();
    assert.equal(warned.code, 0, warned.out);
    assert.match(warned.out, /⚠ warn bronze\.events/);
  });

  it("without loaded_at_field, dates a source by the table's last write; refuses a filter then, at its line", async () => {
    const declareError = (extra: string) =>
      declare(
        `version: 2\nsources:\n  - name: bronze\n    tables:\n      - name: events\n        freshness: { error_after: { count: 1, period: hour }${extra} }\n`,
      );
    declareError('');
    const r = await freshness('--json');
    assert.equal(r.code, 0, r.out);
    const [events] = r.json.sources;
    assert.deepEqual([events.status, events.loadedAtField], ['pass', undefined]);
    assert.ok(events.ageMs >= 0 && events.ageMs < 3_600_000, String(events.ageMs));
    declareError(', filter: "id > 0"');
    const bad = await freshness('--json');
    assert.equal(bad.code, 1, bad.out);
    assert.equal(bad.json.error.code, 'PIPELINE_INVALID');
    assert.match(
      bad.json.error.message,
      /gold\/schema\.yml:5: source bronze\.events: freshness\.filter needs loaded_at_field/,
    );
  });

  it('reads a source by its dbt name when schema and identifier name another table, and selects it by that name', async () => {
    declare(
      [
        'version: 2',
        'sources:',
        '  - name: till',
        '    schema: bronze',
        '    tables:',
        '      - name: sales',
        '        identifier: events',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(reader, 'gold', 'n.sql'), "SELECT count(*) AS n FROM {{ source('till', 'sales') }}\n");
    const plan = await p.rat(
      'run',
      '--project',
      reader,
      '--branch',
      'fresh',
      '--dry-run',
      '--json',
      '-s',
      'source:till.sales+',
    );
    assert.equal(plan.code, 0, plan.out);
    assert.deepEqual(
      (JSON.parse(plan.stdout) as { steps: { id: string }[] }).steps.map((x) => x.id),
      ['gold.n'],
    );
    const r = await p.rat('run', '--project', reader, '--branch', 'fresh');
    assert.equal(r.code, 0, r.out);
    const [row] = await queryBranch(p.server, 'fresh', 'SELECT n FROM gold.n');
    assert.equal(Number(row!.n), 1);
    writeFileSync(path.join(reader, 'gold', 'n.sql'), "SELECT count(*) AS n FROM {{ source('bronze', 'events') }}\n");
  });
});

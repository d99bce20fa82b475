import assert from 'node:assert/strict';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { metThreshold, outcomeSql, testStatus, testThresholds, type TestThresholds } from './test-thresholds.ts';

const fail = (why: string): never => {
  throw new Error(why);
};

describe("engine: dbt's thresholds on a test's failures", function () {
  this.timeout(30_000);
  let sql: DuckDbRunner;
  before(async () => {
    sql = await DuckDbRunner.open();
    // Seven failing rows, two of them for key 1 (n_records as dbt_utils' tests give it).
    await sql.exec('CREATE TABLE failing AS SELECT i % 3 AS k, i AS n_records FROM range(7) AS r(i)');
  });
  after(() => sql.close());

  /** The status of the failing rows under thresholds, and the number of failures they count. */
  async function outcome(t: TestThresholds, severity?: 'warn') {
    const [row] = await sql.query(outcomeSql('SELECT * FROM failing -- a test may end in a comment', t));
    return {
      failures: Number(row!.failures),
      status: testStatus(severity, row!.should_warn === true, row!.should_error === true),
    };
  }

  it('reads the settings in their dbt spellings, and refuses what is not a comparison or an aggregate', () => {
    assert.deepEqual(testThresholds({ warn_if: '>10', error_if: ' == 0 ', fail_calc: ' sum(n) ', limit: 3 }, fail), {
      warnIf: '>10',
      errorIf: '=0',
      failCalc: 'sum(n)',
      limit: 3,
    });
    assert.deepEqual(testThresholds({ error_if: '<>-1.5' }, fail), { errorIf: '!=-1.5' });
    assert.deepEqual(testThresholds({ where: 'x' }, fail), {});
    assert.throws(() => testThresholds({ warn_if: 'lots' }, fail), /warn_if must compare the failures with a number/);
    assert.throws(() => testThresholds({ error_if: 10 }, fail), /error_if must compare/);
    assert.throws(() => testThresholds({ error_if: '> 1; DROP TABLE x' }, fail), /error_if must compare/);
    assert.throws(() => testThresholds({ fail_calc: 'count(*); DROP TABLE x' }, fail), /fail_calc must be an SQL/);
    assert.throws(() => testThresholds({ fail_calc: ' ' }, fail), /fail_calc must be an SQL/);
    assert.throws(() => testThresholds({ limit: 1.5 }, fail), /limit must be a whole number above 0/);
  });

  it('fails on any failing row unless told otherwise; a warn test only warns', async () => {
    assert.deepEqual(await outcome({}), { failures: 7, status: 'fail' });
    assert.deepEqual(await outcome({}, 'warn'), { failures: 7, status: 'warn' });
    const none = await sql.query(outcomeSql('SELECT * FROM failing WHERE false', {}));
    assert.equal(testStatus(undefined, none[0]!.should_warn === true, none[0]!.should_error === true), 'pass');
  });

  it('warns or fails by the comparisons, as dbt decides', async () => {
    // Seven failures: under error_if's bar they warn (warn_if stays != 0), over it they fail.
    assert.deepEqual(await outcome({ errorIf: '>10' }), { failures: 7, status: 'warn' });
    assert.deepEqual(await outcome({ errorIf: '>5' }), { failures: 7, status: 'fail' });
    assert.deepEqual(await outcome({ errorIf: '>10', warnIf: '>7' }), { failures: 7, status: 'pass' });
    // A warn test never fails, whatever error_if says.
    assert.deepEqual(await outcome({ errorIf: '>5' }, 'warn'), { failures: 7, status: 'warn' });
  });

  it('counts the failures with fail_calc, over at most limit rows', async () => {
    assert.deepEqual(await outcome({ failCalc: 'sum(n_records)' }), { failures: 21, status: 'fail' });
    assert.deepEqual(await outcome({ failCalc: 'count(DISTINCT k)', errorIf: '>3' }), { failures: 3, status: 'warn' });
    assert.deepEqual(await outcome({ limit: 2 }), { failures: 2, status: 'fail' });
    // A sum over no rows is NULL: it meets no comparison, so the test passes (as in dbt).
    const [row] = await sql.query(outcomeSql('SELECT * FROM failing WHERE false', { failCalc: 'sum(n_records)' }));
    assert.equal(row!.failures, null);
    assert.equal(testStatus(undefined, row!.should_warn === true, row!.should_error === true), 'pass');
  });

  it('names the threshold an outcome met, when the test set one', () => {
    assert.equal(metThreshold({ errorIf: '>5' }, 'fail'), 'configured to fail if >5');
    assert.equal(metThreshold({ warnIf: '>1' }, 'warn'), 'configured to warn if >1');
    assert.equal(metThreshold({ errorIf: '>5' }, 'warn'), 'configured to warn if !=0');
    assert.equal(metThreshold({ failCalc: 'sum(n)' }, 'fail'), 'configured to fail if !=0');
    assert.equal(metThreshold({ warnIf: '>1' }, 'pass'), undefined);
    assert.equal(metThreshold({ limit: 10 }, 'fail'), undefined);
  });
});

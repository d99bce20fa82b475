import assert from 'node:assert/strict';
import { celString, logFilterExpression } from './log-filter.ts';

describe('log selections as the server log filter', () => {
  it('is absent when nothing narrows the history, and one condition stands alone', () => {
    assert.equal(logFilterExpression({}), undefined);
    assert.equal(logFilterExpression({ author: 'ci' }), "commit.author.matches('ci')");
  });

  it('ANDs every condition, each in parentheses; keys match themselves and what is below them', () => {
    assert.equal(
      logFilterExpression({
        grep: '^fix',
        since: '2026-12-01T00:00:00.000Z',
        until: '2026-12-02T00:00:00.000Z',
        touching: ['sales', 'hr.people'],
        filter: "'run' in commit.properties",
      }),
      "(commit.message.matches('^fix')) && (timestamp(commit.commitTime) >= timestamp('2026-12-01T00:00:00.000Z')) && " +
        "(timestamp(commit.commitTime) <= timestamp('2026-12-02T00:00:00.000Z')) && " +
        "(operations.exists(op, op.key == 'sales' || op.key.startsWith('sales.') || op.key == 'hr.people' || op.key.startsWith('hr.people.'))) && " +
        "('run' in commit.properties)",
    );
  });

  it('quotes strings so that a quote or backslash in them stays text', () => {
    assert.equal(celString("o'brien\\x\n"), "'o\\'brien\\\\x\\n'");
    assert.equal(
      logFilterExpression({ author: "x') || true || ('" }),
      "commit.author.matches('x\\') || true || (\\'')",
    );
  });
});

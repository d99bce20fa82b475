import assert from 'node:assert/strict';
import type { LineageTable } from '@ratatouille/catalog-client';
import { around, lineageDot, lineageMermaid, lineageText } from './lineage-text.ts';

const t = (key: string, inputs: string[], readBy: string[], extra: Partial<LineageTable> = {}): LineageTable => ({
  key,
  elements: key.split('.'),
  model: key,
  modelFile: `${key.replace('.', '/')}.sql`,
  description: null,
  inputs,
  otherInputs: [],
  readBy,
  codeCommit: '0123456789abcdef',
  codeDirty: false,
  runId: 'r1',
  snapshotId: '1',
  writtenAt: 0,
  ...extra,
});

describe('rat lineage text', () => {
  const tables = [
    t('gold.rev', ['silver.a', 'silver.b'], []),
    t('silver.a', ['bronze.a'], ['gold.rev'], { codeDirty: true }),
    t('silver.b', [], ['gold.rev'], { model: null, modelFile: null }),
    t('bronze.a', [], ['silver.a'], {
      otherInputs: ['landing/a/*.csv'],
      modelFile: 'bronze/a.yml',
      description: 'Raw a',
    }),
    t('bronze.other', [], []),
  ];

  it('lists tables upstream first, each with where it came from and what reads it', () => {
    assert.equal(
      lineageText(tables),
      [
        'bronze.a  bronze/a.yml  run r1 code 0123456789ab',
        '  about    Raw a',
        '  from     landing/a/*.csv',
        '  read by  silver.a',
        'bronze.other  bronze/other.sql  run r1 code 0123456789ab',
        'silver.b  (no model wrote it)',
        '  read by  gold.rev',
        'silver.a  silver/a.sql  run r1 code 0123456789ab (uncommitted changes)',
        '  reads    bronze.a',
        '  read by  gold.rev',
        'gold.rev  gold/rev.sql  run r1 code 0123456789ab',
        '  reads    silver.a, silver.b',
        '',
      ].join('\n'),
    );
  });

  it('keeps what a table reads and what reads it, transitively, and nothing else', () => {
    assert.deepEqual(
      around(tables, 'silver.a')?.map((x) => x.key),
      ['gold.rev', 'silver.a', 'bronze.a'],
    );
    assert.deepEqual(
      around(tables, 'gold.rev')?.map((x) => x.key),
      ['gold.rev', 'silver.a', 'silver.b', 'bronze.a'],
    );
    assert.equal(around(tables, 'nope.x'), undefined);
  });

  it('draws the same as a Mermaid flowchart and as DOT, landing paths apart, quotes escaped', () => {
    const few = [
      t('bronze.a', [], ['silver.a'], { otherInputs: ['landing/"a"/*.csv'] }),
      t('silver.a', ['bronze.a'], []),
    ];
    assert.equal(
      lineageMermaid(few),
      [
        'flowchart LR',
        '  t0["bronze.a"]',
        '  t1["silver.a"]',
        '  l0(["landing/#quot;a#quot;/*.csv"])',
        '  l0 --> t0',
        '  t0 --> t1',
        '',
      ].join('\n'),
    );
    assert.equal(
      lineageDot(few),
      [
        'digraph lineage {',
        '  rankdir=LR;',
        '  "bronze.a" [shape=box];',
        '  "silver.a" [shape=box];',
        '  "landing/\\"a\\"/*.csv" [shape=note];',
        '  "landing/\\"a\\"/*.csv" -> "bronze.a";',
        '  "bronze.a" -> "silver.a";',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('survives a cycle in what the server answers', () => {
    const loop = [t('a.x', ['a.y'], ['a.y']), t('a.y', ['a.x'], ['a.x'])];
    assert.equal(
      lineageText(loop)
        .split('\n')
        .filter((l) => /^\S/.test(l)).length,
      2,
    );
    assert.equal(around(loop, 'a.x')?.length, 2);
  });
});

import assert from 'node:assert/strict';
import { planMerge, type ResolvedKey, type ThreeWay } from './merge-plan.ts';
import type { MergeBehavior } from '../types.ts';

interface V {
  id: string;
  loc: string;
}
const eq = (a: V, b: V) => a.id === b.id && a.loc === b.loc;
const k = (name: string) => ({ elements: ['ns', name] });
const v = (id: string, loc: string): V => ({ id, loc });

function plan(keys: ThreeWay<V>[], dflt: MergeBehavior = 'NORMAL', perKey = new Map<string, MergeBehavior>()) {
  return planMerge(keys, dflt, perKey, eq);
}

describe('merge plan', () => {
  it('applies source-only changes: update, create, delete', () => {
    const p = plan([
      { key: k('upd'), base: v('1', 'a'), source: v('1', 'b'), target: v('1', 'a') },
      { key: k('new'), base: undefined, source: v('2', 'x'), target: undefined },
      { key: k('del'), base: v('3', 'a'), source: undefined, target: v('3', 'a') },
      { key: k('same'), base: v('4', 'a'), source: v('4', 'a'), target: v('4', 'z') },
    ]);
    assert.equal(p.conflicts, 0);
    assert.deepEqual(
      p.changes.map((c) => [c.key.elements[1], c.value?.loc]),
      [
        ['upd', 'b'],
        ['new', 'x'],
        ['del', undefined],
      ],
    );
  });

  it('flags a key changed on both sides, unless both made the identical change', () => {
    const p = plan([
      { key: k('both'), base: v('1', 'a'), source: v('1', 'b'), target: v('1', 'c') },
      { key: k('identical'), base: v('2', 'a'), source: v('2', 'b'), target: v('2', 'b') },
    ]);
    assert.equal(p.conflicts, 1);
    assert.equal(p.details.find((d) => d.key.elements[1] === 'both')?.conflict?.conflictType, 'VALUE_DIFFERS');
    assert.equal(p.details.find((d) => d.key.elements[1] === 'identical')?.conflict, undefined);
    assert.deepEqual(p.changes, []);
  });

  it('treats delete-and-recreate with a new content id as a change of the key', () => {
    // Source dropped the table and created a new one (new id); target only appended to the old one.
    const p = plan([{ key: k('t'), base: v('old', 'a'), source: v('new', 'n'), target: v('old', 'b') }]);
    assert.equal(p.conflicts, 1);
    const clean = plan([{ key: k('t'), base: v('old', 'a'), source: v('new', 'n'), target: v('old', 'a') }]);
    assert.deepEqual(clean.changes, [{ key: k('t'), value: v('new', 'n') }]);
  });

  it('classifies create/create and delete/modify conflicts', () => {
    const p = plan([
      { key: k('cc'), base: undefined, source: v('1', 'a'), target: v('2', 'b') },
      { key: k('dm'), base: v('3', 'a'), source: undefined, target: v('3', 'b') },
    ]);
    assert.deepEqual(
      p.details.map((d) => d.conflict?.conflictType),
      ['KEY_EXISTS', 'KEY_DOES_NOT_EXIST'],
    );
  });

  it('honours FORCE and DROP, by default and per key', () => {
    const both: ThreeWay<V> = { key: k('t'), base: v('1', 'a'), source: v('1', 's'), target: v('1', 't') };
    assert.deepEqual(plan([both], 'FORCE').changes, [{ key: k('t'), value: v('1', 's') }]);
    assert.deepEqual(plan([both], 'DROP').changes, []);
    assert.equal(plan([both], 'DROP').conflicts, 0);
    const perKey = new Map<string, MergeBehavior>([['ns\u0000t', 'FORCE']]);
    assert.equal(plan([both], 'NORMAL', perKey).conflicts, 0);
  });

  it('uses a resolution only while the three values it was computed from still hold', () => {
    const both: ThreeWay<V> = { key: k('t'), base: v('1', 'a'), source: v('1', 's'), target: v('1', 't') };
    const answer: ResolvedKey<V> = {
      ...both,
      resolution: { kind: 'resolved', value: v('1', 'st'), summary: 'joined' },
    };
    const resolved = planMerge([both], 'NORMAL', new Map(), eq, new Map([['ns\u0000t', answer]]));
    assert.deepEqual(resolved.changes, [{ key: k('t'), value: v('1', 'st') }]);
    assert.deepEqual(
      [resolved.conflicts, resolved.details[0].outcome, resolved.consumed, resolved.stale],
      [0, 'RESOLVED', [answer], []],
    );
    const moved = { ...both, target: v('1', 't2') };
    const stale = planMerge([moved], 'NORMAL', new Map(), eq, new Map([['ns\u0000t', answer]]));
    assert.deepEqual([stale.conflicts, stale.stale, stale.consumed], [1, [k('t')], []]);
    const refusal: ResolvedKey<V> = {
      ...both,
      resolution: { kind: 'conflict', message: 'no', kinds: ['history-rewritten'] },
    };
    const refused = planMerge([both], 'NORMAL', new Map(), eq, new Map([['ns\u0000t', refusal]]));
    assert.deepEqual([refused.conflicts, refused.details[0].conflict?.conflictType], [1, 'VALUE_DIFFERS']);
    // The resolver's kinds reach the conflict entry; a plain conflict has none.
    assert.deepEqual(refused.details[0].conflict?.kinds, ['history-rewritten']);
    assert.equal(stale.details[0].conflict?.kinds, undefined);
  });

  it('never asks for a resolution of a creation or deletion on one side', () => {
    const created: ThreeWay<V> = { key: k('c'), base: undefined, source: v('1', 'a'), target: v('2', 'b') };
    const p = planMerge([created], 'NORMAL', new Map(), eq, new Map());
    assert.deepEqual([p.conflicts, p.stale], [1, []]);
  });
});

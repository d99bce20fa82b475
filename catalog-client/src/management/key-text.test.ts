import assert from 'node:assert/strict';
import { encodeKey, formatKeyText, parseKeyText } from './key-text.ts';

describe('content key text', () => {
  const cases: Array<[string[], string]> = [
    [['db', 't'], 'db.t'],
    [['a.b', 't'], '.a*.b.t'],
    [['a', 'b', 't'], 'a.b.t'],
    [['x/y', 'p%q', 'r\\s', 's*t'], '.x*{y.p*[q.r*}s.s**t'],
  ];
  for (const [elements, text] of cases) {
    it(`${JSON.stringify(elements)} ⇄ ${text}`, () => {
      assert.equal(formatKeyText({ elements }), text);
      assert.deepEqual(parseKeyText(text), { elements });
      assert.equal(encodeKey({ elements }), encodeURIComponent(text));
    });
  }
  it('keeps the namespace "a.b" and the path a, b apart', () => {
    assert.notEqual(formatKeyText({ elements: ['a.b'] }), formatKeyText({ elements: ['a', 'b'] }));
  });
  it('refuses an unknown escape', () => {
    assert.throws(() => parseKeyText('.a*x'));
  });
});

import assert from 'node:assert/strict';
import { parseJson, stringifyJson, stringifyJsonSlowly } from './json.ts';

describe('lossless JSON', () => {
  it('keeps 63-bit snapshot ids exact and round-trips them', () => {
    const text = '{"snapshot-id":3051729675574597004,"small":42,"neg":-9223372036854775807,"f":1.5,"e":1e3}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v['snapshot-id'], 3051729675574597004n);
    assert.equal(v['small'], 42);
    assert.equal(v['neg'], -9223372036854775807n);
    assert.equal(v['f'], 1.5);
    assert.equal(v['e'], 1000);
    assert.equal(
      stringifyJson(v),
      '{"snapshot-id":3051729675574597004,"small":42,"neg":-9223372036854775807,"f":1.5,"e":1000}',
    );
  });

  it('parses strings with escapes, unicode, nested values and "__proto__" keys like JSON.parse', () => {
    const text = '{"a":"x\\"y\\u00e9\\n","b":[true,false,null,{}],"__proto__":{"p":1},"ü":"日本"}';
    assert.deepEqual(parseJson(text), JSON.parse(text));
    assert.equal(Object.getPrototypeOf(parseJson(text)), Object.prototype);
  });

  it('refuses malformed JSON with a SyntaxError', () => {
    for (const bad of ['{', '{"a":}', '[1,]', '{"a":1} x', 'tru', '"abc']) {
      assert.throws(() => parseJson(bad), SyntaxError, bad);
    }
  });

  it('stringify drops undefined members and pretty-prints on request', () => {
    assert.equal(stringifyJson({ a: undefined, b: [1, undefined] }), '{"b":[1,null]}');
    assert.equal(stringifyJson({ a: [1] }, 2), '{\n  "a": [\n    1\n  ]\n}');
  });

  it('keeps digits inside strings, fractions and exponents as JSON.parse does', () => {
    const text =
      '{"s":"12345678901234567890","f":0.12345678901234567,"e":1e12345678901234567,"k":[-1234567890123456789]}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v['s'], '12345678901234567890');
    assert.equal(v['f'], JSON.parse('0.12345678901234567'));
    assert.equal(v['e'], Infinity);
    assert.deepEqual(v['k'], [-1234567890123456789n]);
    // 16 digits but safe: stays a number.
    assert.equal(parseJson('1234567890123456'), 1234567890123456);
  });

  it('reads strings of millions of characters or escapes without running out of stack', () => {
    const long = 'a'.repeat(12_000_000);
    const escapes = '\\n\\"'.repeat(1_000_000);
    const text = `{"long":"${long}","escapes":"${escapes}","id":3051729675574597004}`;
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v['long'], long);
    assert.equal(v['escapes'], '\n"'.repeat(1_000_000));
    assert.equal(v['id'], 3051729675574597004n, 'a long integer after them is still exact');
  });

  it('tells an escaped quote from a closing one by the backslashes before it', () => {
    // `\"` inside a string: the digits after it are still string content.
    assert.deepEqual(parseJson('["a\\"12345678901234567890"]'), ['a"12345678901234567890']);
    // `\\` closes the string after an escaped backslash: the integer after it is a number.
    assert.deepEqual(parseJson('["a\\\\",12345678901234567890]'), ['a\\', 12345678901234567890n]);
  });

  it('falls back to the exact reader and writer when a string holds the internal marker', () => {
    const text = '{"tricky":"\\u0000rat-int:5","id":3051729675574597004}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v['tricky'], '\u0000rat-int:5');
    assert.equal(v['id'], 3051729675574597004n);
    assert.equal(stringifyJson(v), stringifyJsonSlowly(v));
    assert.deepEqual(parseJson(stringifyJson(v)), v);
  });

  it('writes what the reference writer writes, pretty or not', () => {
    const value = { a: [1, 2.5, null, true, 'x"y'], b: { c: 9223372036854775807n, d: undefined }, e: [], f: {} };
    assert.equal(stringifyJson(value), stringifyJsonSlowly(value));
    assert.equal(stringifyJson(value, 2), stringifyJsonSlowly(value, 2));
  });
});

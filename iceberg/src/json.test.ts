import assert from 'node:assert/strict';
import { parseJson, stringifyJson } from './json.ts';

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
});

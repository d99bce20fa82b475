import assert from 'node:assert/strict';
import { LIMITS, assertKeyWithinLimits, assertPropertiesWithinLimits } from './limits.ts';
import { LimitExceededError } from './errors/index.ts';

const refused = (fn: () => void, limit: string) =>
  assert.throws(fn, (e) => e instanceof LimitExceededError && e.data['limit'] === limit);

describe('limits', () => {
  it('accepts keys and namespaces at the limits', () => {
    assertKeyWithinLimits(Array(LIMITS.keyElements).fill('a'));
    assertKeyWithinLimits(Array(LIMITS.namespaceDepth).fill('a'), 'namespace');
    assertKeyWithinLimits(['a'.repeat(LIMITS.nameLength), 'b'.repeat(LIMITS.keyLength - LIMITS.nameLength)]);
    assertKeyWithinLimits(['ünïcode', 'with space', 'a.b', 'a/b']);
  });

  it('refuses keys and namespaces beyond them', () => {
    refused(() => assertKeyWithinLimits(Array(LIMITS.keyElements + 1).fill('a')), 'keyElements');
    refused(() => assertKeyWithinLimits(Array(LIMITS.namespaceDepth + 1).fill('a'), 'namespace'), 'namespaceDepth');
    refused(() => assertKeyWithinLimits(Array(1000).fill('a'), 'namespace'), 'namespaceDepth');
    refused(() => assertKeyWithinLimits(['a'.repeat(LIMITS.nameLength + 1)]), 'nameLength');
    refused(() => assertKeyWithinLimits(['a'.repeat(250), 'b'.repeat(250), 'c']), 'keyLength');
    refused(() => assertKeyWithinLimits(['a', '']), 'nameLength');
    refused(() => assertKeyWithinLimits(['a\u0001b']), 'nameLength');
    refused(() => assertKeyWithinLimits([]), 'keyElements');
  });

  it('refuses property maps beyond the count, key and value limits', () => {
    assertPropertiesWithinLimits({ a: '1' }, ['b']);
    assertPropertiesWithinLimits(undefined);
    const many = Object.fromEntries(Array.from({ length: LIMITS.propertyCount + 1 }, (_, i) => [`k${i}`, 'v']));
    refused(() => assertPropertiesWithinLimits(many), 'propertyCount');
    refused(() => assertPropertiesWithinLimits({}, ['k'.repeat(LIMITS.propertyKeyLength + 1)]), 'propertyKeyLength');
    refused(
      () => assertPropertiesWithinLimits({ k: 'v'.repeat(LIMITS.propertyValueLength + 1) }),
      'propertyValueLength',
    );
  });
});

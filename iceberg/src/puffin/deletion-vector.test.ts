import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { decodeDeletionVector } from './deletion-vector.ts';

/* A writer of the formats, for the tests only: blobs built by hand as the Java library lays them out. */

const le = (bytes: number, n: number) => {
  const b = Buffer.alloc(bytes);
  if (bytes === 2) b.writeUInt16LE(n);
  else if (bytes === 4) b.writeUInt32LE(n);
  else b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** A 32-bit bitmap without run containers: an array container up to 4,096 values, a bitmap container above. */
function noRuns(containers: Array<{ key: number; values: number[] }>): Buffer {
  const bodies = containers.map(({ values }) => {
    if (values.length <= 4096) return Buffer.concat(values.map((v) => le(2, v)));
    const bits = Buffer.alloc(8192);
    for (const v of values) bits[v >> 3]! |= 1 << (v & 7);
    return bits;
  });
  const headerBytes = 8 + 4 * containers.length + 4 * containers.length;
  let offset = headerBytes;
  const offsets = bodies.map((b) => {
    const o = offset;
    offset += b.length;
    return le(4, o);
  });
  return Buffer.concat([
    le(4, 12346),
    le(4, containers.length),
    ...containers.flatMap(({ key, values }) => [le(2, key), le(2, values.length - 1)]),
    ...offsets,
    ...bodies,
  ]);
}

/** A 32-bit bitmap whose containers are all runs (`[start, length]`), with the offsets header from 4 containers on. */
function allRuns(containers: Array<{ key: number; runs: Array<[number, number]> }>): Buffer {
  const n = containers.length;
  const flags = Buffer.alloc(Math.ceil(n / 8), 0xff);
  const bodies = containers.map(({ runs }) =>
    Buffer.concat([le(2, runs.length), ...runs.flatMap(([s, l]) => [le(2, s), le(2, l - 1)])]),
  );
  const offsets = n >= 4 ? bodies.map(() => le(4, 0)) : [];
  return Buffer.concat([
    le(4, 12347 | ((n - 1) << 16)),
    flags,
    ...containers.flatMap(({ key, runs }) => [le(2, key), le(2, runs.reduce((c, [, l]) => c + l, 0) - 1)]),
    ...offsets,
    ...bodies,
  ]);
}

function blob(buckets: Array<{ high: number; bitmap: Buffer }>): Uint8Array {
  const vector = Buffer.concat([le(8, buckets.length), ...buckets.flatMap((b) => [le(4, b.high), b.bitmap])]);
  const body = Buffer.concat([Buffer.from([0xd1, 0xd3, 0x39, 0x64]), vector]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return new Uint8Array(Buffer.concat([length, body, crc]));
}

describe('decodeDeletionVector', () => {
  it('reads array containers across keys and buckets above 2^32', () => {
    const b = blob([
      {
        high: 0,
        bitmap: noRuns([
          { key: 0, values: [0, 3, 65535] },
          { key: 1, values: [4464] },
        ]),
      },
      { high: 1, bitmap: noRuns([{ key: 0, values: [7] }]) },
    ]);
    assert.deepEqual(decodeDeletionVector(b), [0, 3, 65535, 70000, 2 ** 32 + 7]);
  });

  it('reads a bitmap container (more than 4,096 values)', () => {
    const even = Array.from({ length: 5000 }, (_, i) => i * 2);
    assert.deepEqual(decodeDeletionVector(blob([{ high: 0, bitmap: noRuns([{ key: 2, values: even }]) }])), [
      ...even.map((v) => 2 * 65536 + v),
    ]);
  });

  it('reads run containers, with and without the offsets header', () => {
    const few = blob([
      {
        high: 0,
        bitmap: allRuns([
          {
            key: 0,
            runs: [
              [10, 3],
              [100, 1],
            ],
          },
        ]),
      },
    ]);
    assert.deepEqual(decodeDeletionVector(few), [10, 11, 12, 100]);
    const many = allRuns([0, 1, 2, 3].map((key) => ({ key, runs: [[5, 2]] as Array<[number, number]> })));
    assert.deepEqual(
      decodeDeletionVector(blob([{ high: 0, bitmap: many }])),
      [5, 6, 65541, 65542, 131077, 131078, 196613, 196614],
    );
  });

  it('refuses a blob that is not a deletion vector: magic, CRC, length, a bitmap cut short', () => {
    const good = blob([{ high: 0, bitmap: noRuns([{ key: 0, values: [1, 2] }]) }]);
    const badMagic = good.slice();
    badMagic[5] = 0;
    assert.throws(() => decodeDeletionVector(badMagic), /magic/);
    const badCrc = good.slice();
    badCrc[badCrc.length - 1]! ^= 1;
    assert.throws(() => decodeDeletionVector(badCrc), /CRC-32/);
    assert.throws(() => decodeDeletionVector(good.subarray(0, good.length - 2)), /says/);
    const cut = blob([{ high: 0, bitmap: noRuns([{ key: 0, values: [1, 2] }]).subarray(0, 14) }]);
    assert.throws(() => decodeDeletionVector(cut), /ends inside/);
  });
});

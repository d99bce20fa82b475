import { BadRequestError } from '../errors/index.ts';

/**
 * A parsed reference expression, as clients write it in URLs:
 * `main` (head), `main@<hash>` (a commit, read-only), `main*<ISO-8601 time>` (the head as of that time, read-only),
 * `@<hash>`, `DETACHED@<hash>` or a bare full hash (a detached commit).
 */
export type RefSpec =
  | { kind: 'head'; name: string }
  | { kind: 'hash'; name: string | null; hash: string }
  | { kind: 'time'; name: string; at: number };

const HASH = /^[0-9a-f]{8,64}$/;

/** Nessie's name for "no reference": `DETACHED@<hash>` is a bare commit (its clients write it; no ref may be named so). */
export const DETACHED = 'DETACHED';

/** @example parseRefSpec('main*2026-11-22T10:00:00Z') → { kind: 'time', name: 'main', at: 1795... } */
export function parseRefSpec(spec: string): RefSpec {
  if (spec.length === 0) throw new BadRequestError('Empty reference.');
  const at = spec.lastIndexOf('@');
  const star = spec.lastIndexOf('*');
  if (at >= 0 && at > star) {
    const name = spec.slice(0, at);
    const hash = spec.slice(at + 1).toLowerCase();
    if (!HASH.test(hash)) throw new BadRequestError(`"${spec}": "${hash}" is not a commit hash (8 to 64 hex digits).`);
    return { kind: 'hash', name: name.length > 0 && name !== DETACHED ? name : null, hash };
  }
  if (star >= 0) {
    const name = spec.slice(0, star);
    const time = spec.slice(star + 1);
    const ms = parseTimestamp(time);
    if (name.length === 0 || ms === undefined) {
      throw new BadRequestError(`"${spec}": use <ref>*<ISO-8601 timestamp>, e.g. main*2026-11-22T10:00:00Z.`);
    }
    return { kind: 'time', name, at: ms };
  }
  return { kind: 'head', name: spec };
}

function parseTimestamp(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

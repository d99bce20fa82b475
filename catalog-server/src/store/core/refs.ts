import { BadRequestError, NoSuchReferenceError, ReadOnlyReferenceError } from '../../errors/index.ts';
import { parseRefSpec } from '../ref-spec.ts';
import type { Reference, ReferenceType, ResolvedRef } from '../types.ts';
import { firstParentAsOf } from './first-parent.ts';
import type { ObjectReader } from './objects.ts';
import type { Persistence, RefRecord } from './persistence.ts';

/**
 * Ref lookups and ref-spec resolution. Always read from the database, never from a cache: with several servers on
 * one database a ref head may have moved on another server a moment ago, and serving it stale would hide (or, for a
 * write, overwrite) that commit.
 *
 * @example const refs = new Refs(persist, objects); await refs.resolve('main*2026-11-22T10:00:00Z')
 */
export class Refs {
  constructor(
    private readonly persist: Persistence,
    private readonly objects: ObjectReader,
  ) {}

  async get(name: string): Promise<RefRecord> {
    const ref = await this.persist.getRef(name);
    if (!ref) throw new NoSuchReferenceError(name);
    return ref;
  }

  /** The ref, checked to be of `type` when one is given (a 400 otherwise). */
  async ofType(name: string, type: ReferenceType | undefined): Promise<RefRecord> {
    const ref = await this.get(name);
    if (type && ref.type !== type) {
      throw new BadRequestError(`"${name}" is a ${ref.type.toLowerCase()}, not a ${type.toLowerCase()}.`);
    }
    return ref;
  }

  /** A branch; a tag is read-only. */
  async branch(name: string): Promise<RefRecord> {
    const ref = await this.get(name);
    if (ref.type !== 'BRANCH') throw new ReadOnlyReferenceError(name);
    return ref;
  }

  /** Resolves `main`, `main@<hash>`, `main*<timestamp>`, `@<hash>` or a bare hash (see ref-spec.ts). */
  async resolve(refSpec: string): Promise<ResolvedRef> {
    const spec = parseRefSpec(refSpec);
    if (spec.kind === 'head') {
      const ref = await this.persist.getRef(spec.name);
      if (ref) return { name: ref.name, type: ref.type, hash: ref.head, readOnly: ref.type === 'TAG' };
      if (/^[0-9a-f]{8,64}$/.test(spec.name)) {
        return { name: null, type: null, hash: await this.objects.resolveHash(spec.name), readOnly: true };
      }
      throw new NoSuchReferenceError(spec.name);
    }
    if (spec.kind === 'hash') {
      const ref = spec.name === null ? null : await this.get(spec.name);
      const hash = await this.objects.resolveHash(spec.hash);
      return { name: ref?.name ?? null, type: ref?.type ?? null, hash, readOnly: true };
    }
    const ref = await this.get(spec.name);
    // First-parent history: the head as the branch itself saw it at that time.
    const c = await firstParentAsOf(this.objects, ref.head, spec.at);
    return { name: ref.name, type: ref.type, hash: c.hash, readOnly: true };
  }
}

export function toReference(ref: RefRecord): Reference {
  return { type: ref.type, name: ref.name, hash: ref.head };
}

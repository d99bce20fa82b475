import { pathToFileURL } from 'node:url';

/**
 * Storage locations as the catalog compares them. A client may spell one location many ways (`FILE:///wh//a/./b/`,
 * `file:/wh/a/b`, `file:///wh/x/../a/b`, `file:///wh/a/%62`); confinement checks and stores one canonical form, so
 * what the catalog later reads, writes or deletes is exactly what was checked.
 */

/** Why a location string cannot be used at all (before any root is considered). */
export class MalformedLocationError extends Error {}

export interface ParsedLocation {
  /** Lower-case scheme family: `file` or `s3` (`s3a`/`s3n` compare as `s3`). */
  family: 'file' | 's3';
  /** The scheme as the location spells it, lower-cased (`s3a` stays `s3a` for Hadoop clients). */
  scheme: string;
  /** Bucket for S3, empty for files. */
  authority: string;
  /** Decoded path segments, with `.`, `..` and empty segments resolved away. */
  segments: string[];
  /** The canonical URI: `file:///a/b` (encoded as Node writes file URLs) or `s3://bucket/a/b`. */
  uri: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

/**
 * Parses and normalizes a location. Refuses relative paths, unknown schemes, malformed percent-encoding, control
 * characters, and `..` that climbs above the top of the path.
 *
 * @example parseLocation('FILE:///wh//db/./t/').uri // 'file:///wh/db/t'
 */
export function parseLocation(raw: string): ParsedLocation {
  if (typeof raw !== 'string' || raw.length === 0) throw new MalformedLocationError('it is empty');
  if (raw.length > 4096) throw new MalformedLocationError('it is longer than 4096 characters');
  let scheme: string;
  let rest: string;
  const m = SCHEME.exec(raw);
  if (m && m[1].length > 1) {
    scheme = m[1].toLowerCase();
    rest = m[2];
  } else if (raw.startsWith('/')) {
    scheme = 'file';
    rest = raw;
  } else {
    throw new MalformedLocationError('it is not an absolute URI (file:///path or s3://bucket/path)');
  }
  if (/[?#]/.test(rest)) throw new MalformedLocationError('it holds a query or fragment ("?" or "#")');
  let authority: string;
  let path: string;
  if (scheme === 'file') {
    // file:/p (Java), file:///p, file://localhost/p; any other host is another machine.
    const host = /^\/\/([^/]*)(\/.*)?$/s.exec(rest);
    if (host) {
      if (host[1] !== '' && host[1].toLowerCase() !== 'localhost') {
        throw new MalformedLocationError(`it names another host ("${host[1]}")`);
      }
      path = host[2] ?? '/';
    } else if (rest.startsWith('/')) {
      path = rest;
    } else {
      throw new MalformedLocationError('a file location needs an absolute path');
    }
    authority = '';
  } else if (scheme === 's3' || scheme === 's3a' || scheme === 's3n') {
    const b = /^\/\/([^/]+)(\/.*)?$/s.exec(rest);
    if (!b) throw new MalformedLocationError('an S3 location needs a bucket (s3://bucket/path)');
    authority = b[1].toLowerCase();
    path = b[2] ?? '/';
  } else {
    throw new MalformedLocationError(`the scheme "${scheme}" is not a storage this catalog serves`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new MalformedLocationError('it holds malformed percent-encoding');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new MalformedLocationError('it holds control characters');
  const segments: string[] = [];
  for (const s of decoded.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length === 0) throw new MalformedLocationError('".." climbs above the top of the path');
      segments.pop();
      continue;
    }
    segments.push(s);
  }
  const family = scheme === 'file' ? 'file' : 's3';
  const uri =
    family === 'file'
      ? pathToFileURL(`/${segments.join('/')}`).href.replace(/\/$/, segments.length === 0 ? '/' : '')
      : `${scheme}://${authority}${segments.length ? `/${segments.join('/')}` : ''}`;
  return { family, scheme, authority, segments, uri };
}

/** {@link parseLocation}, or undefined for a string that is not a usable location (legacy entries, odd metadata). */
export function tryParseLocation(raw: string): ParsedLocation | undefined {
  try {
    return parseLocation(raw);
  } catch {
    return undefined;
  }
}

/**
 * True when `inner` is `outer` itself (with `orEqual`) or lies below it, segment by segment: `s3://b/wh2` is not
 * inside `s3://b/wh`.
 *
 * @example isWithin(parseLocation('file:///wh/db/t'), parseLocation('file:///wh'), false) // true
 */
export function isWithin(inner: ParsedLocation, outer: ParsedLocation, orEqual: boolean): boolean {
  if (inner.family !== outer.family || inner.authority !== outer.authority) return false;
  if (inner.segments.length < outer.segments.length) return false;
  if (inner.segments.length === outer.segments.length && !orEqual) return false;
  return outer.segments.every((s, i) => inner.segments[i] === s);
}

/**
 * The key two spellings of one stored file share (`file:/wh/a` and `file:///wh/a`; `s3a://b/k` and `s3://b/k`), for
 * comparing what metadata references with what a listing finds. A string that is not a location keys as itself.
 *
 * @example locationKey('file:/wh/t/data/a.parquet') === locationKey('file:///wh/t/data/a.parquet') // true
 */
export function locationKey(location: string): string {
  const at = tryParseLocation(location);
  return at ? parsedLocationKey(at) : location;
}

/** {@link locationKey} of a location parsed already, or of the folder of its first `depth` segments. */
export function parsedLocationKey(at: ParsedLocation, depth = at.segments.length): string {
  return `${at.family}://${at.authority}/${at.segments.slice(0, depth).join('/')}`;
}

import { InvalidReferenceNameError } from '../errors/index.ts';

/**
 * Checks a branch or tag name against the rules git applies to ref names (git check-ref-format), so every data
 * branch can mirror a code branch one to one, and against the reference syntax of both APIs: `@` starts a hash
 * (`main@1a2b3c4d`), `*` a timestamp, `~` and `^` ancestors, `#` and `:` are reserved, so a name holding one could be
 * created but never addressed (read, written or deleted). Throws InvalidReferenceNameError naming the broken rule.
 *
 * @example assertValidReferenceName('feature/x') // ok; assertValidReferenceName('a..b') // throws
 */
export function assertValidReferenceName(name: string): void {
  const reason = referenceNameProblem(name);
  if (reason) throw new InvalidReferenceNameError(name, reason);
}

export function referenceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains control characters';
  if (/[ ~^:?*[\\]/.test(name)) return 'it contains one of the characters space ~ ^ : ? * [ \\';
  if (/[@#]/.test(name)) return 'it contains "@" or "#", which the reference syntax uses (name@hash)';
  if (name.includes('..')) return 'it contains ".."';
  // git refuses a branch named HEAD; Nessie reserves DETACHED for commits without a reference.
  if (name === 'HEAD' || name === 'DETACHED') return `"${name}" is reserved`;
  if (name.startsWith('/') || name.endsWith('/')) return 'it starts or ends with "/"';
  if (name.includes('//')) return 'it contains "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  if (name.startsWith('-')) return 'it starts with "-"';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its component "${part}" ends with ".lock"`;
  }
  if (/^[0-9a-f]{64}$/.test(name)) return 'it looks like a commit hash';
  return undefined;
}

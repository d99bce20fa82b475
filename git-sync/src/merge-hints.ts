/**
 * Pure. Branch names mentioned by git or a forge in a merge description: `merge feature`, `pull origin feature`,
 * `Merge branch 'feature' into 'main'`, `Merge pull request #12 from alice/feature/x`, Gitea's
 * `Merge pull request 'Title' (#3) from feature into main`, `merge feature: Fast-forward`.
 *
 * @example mergeHints('merge feature: Fast-forward') // ['feature']
 */
export function mergeHints(...texts: Array<string | undefined>): string[] {
  const out: string[] = [];
  for (const text of texts) {
    if (!text) continue;
    const first = text.split('\n')[0].trim();
    let m: RegExpExecArray | null;
    if ((m = /^(merge|pull)( [^:]*)?(?::.*)?$/.exec(first)) && m[2]) {
      // `GIT_REFLOG_ACTION` / reflog: the command line after `merge`; options dropped, the last name first.
      out.push(
        ...m[2]
          .trim()
          .split(/\s+/)
          .filter((t) => t && !t.startsWith('-'))
          .reverse(),
      );
    }
    if ((m = /^Merge (?:remote-tracking )?branch '([^']+)'/.exec(first))) out.push(m[1]);
    if ((m = /^Merge pull request #\d+ from [^/\s]+\/(\S+)/.exec(first))) out.push(m[1]);
    if ((m = /^Merge pull request '.*' \(#\d+\) from (\S+) into /.exec(first))) out.push(m[1]);
  }
  return out;
}

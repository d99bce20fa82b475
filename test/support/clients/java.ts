import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from './proc.ts';

async function majorVersionOf(javaBin: string): Promise<number | undefined> {
  const r = await runProcess(javaBin, ['-XshowSettings:properties', '-version']).catch(() => undefined);
  const m = r && /java\.specification\.version = (\d+)/.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

/**
 * Finds a JDK home whose major version is within [min, max]: `$JAVA_HOME` first, then the `java` on PATH,
 * then the folders of `/usr/lib/jvm`. Spark 4.1 wants 17 or 21; Nessie 0.99 wants 21+.
 *
 * @example const home = await findJavaHome(17, 21); spawn(..., { env: { JAVA_HOME: home } })
 */
export async function findJavaHome(min: number, max = Number.MAX_SAFE_INTEGER): Promise<string> {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const onPath = await runProcess('sh', ['-c', 'readlink -f "$(command -v java)"']).catch(() => undefined);
  if (onPath?.code === 0 && onPath.stdout.trim()) candidates.push(path.dirname(path.dirname(onPath.stdout.trim())));
  if (existsSync('/usr/lib/jvm')) {
    for (const d of readdirSync('/usr/lib/jvm').sort()) candidates.push(path.join('/usr/lib/jvm', d));
  }
  for (const home of candidates) {
    const bin = path.join(home, 'bin', 'java');
    if (!existsSync(bin)) continue;
    const v = await majorVersionOf(bin);
    if (v !== undefined && v >= min && v <= max) return home;
  }
  throw new Error(`No JDK with major version in [${min}, ${max}] found (looked at ${candidates.join(', ')})`);
}

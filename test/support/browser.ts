import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { withCacheLock } from './clients/cache.ts';

/** Debian's Chromium; Playwright's own browser download is not used (it needs a CDN the test machines cannot reach). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Makes sure headless Chromium is installed: when `/usr/bin/chromium` is missing, installs Debian's `chromium`
 * package with apt-get (tests run as root), once per machine behind the cache lock.
 *
 * @example const executablePath = await ensureChromium(); await chromium.launch({ executablePath });
 */
export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  await withCacheLock('chromium', async () => {
    if (existsSync(CHROMIUM_PATH)) return;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env });
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get install chromium did not provide ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

import { runChecked, runProcess, withCacheLock } from '../clients/index.ts';

/** The compose implementation the tests validate with: Debian's docker-compose 1.29, which needs no Docker engine. */
export const DOCKER_COMPOSE_PACKAGE = 'docker-compose';
export const DOCKER_COMPOSE_MAJOR_MINOR = '1.29';

async function installedVersion(): Promise<string | undefined> {
  try {
    const r = await runProcess('docker-compose', ['version', '--short']);
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined; // not on PATH
  }
}

let ensured: Promise<string> | undefined;

/**
 * Returns the `docker-compose` 1.29 command, installing Debian's package with apt-get on first use when it is missing
 * (needs root, as on the CI machines; `apt-get update` runs only if the package is unknown). A cache lock keeps
 * parallel test processes from running apt at the same time; apt's own lock is waited for, not fought.
 *
 * @example const bin = await ensureDockerCompose(); await runChecked(bin, ['config'])
 */
export function ensureDockerCompose(): Promise<string> {
  ensured ??= (async () => {
    const have = await installedVersion();
    if (have?.startsWith(DOCKER_COMPOSE_MAJOR_MINOR)) return 'docker-compose';
    if (have) {
      throw new Error(
        `docker-compose ${have} is on PATH, but the compose test pins ${DOCKER_COMPOSE_MAJOR_MINOR} (Debian's package).`,
      );
    }
    if (process.getuid?.() !== 0) {
      throw new Error(
        `docker-compose ${DOCKER_COMPOSE_MAJOR_MINOR} is missing and installing it needs root: ` +
          `sudo apt-get install -y --no-install-recommends ${DOCKER_COMPOSE_PACKAGE}`,
      );
    }
    await withCacheLock('apt-docker-compose', async () => {
      if (await installedVersion()) return;
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const apt = ['-y', '-q', '-o', 'DPkg::Lock::Timeout=600'];
      process.stderr.write(`[rat compose] installing Debian's ${DOCKER_COMPOSE_PACKAGE} with apt-get\n`);
      const known = await runProcess('apt-cache', ['show', DOCKER_COMPOSE_PACKAGE], { env });
      if (known.code !== 0) await runChecked('apt-get', [...apt, 'update'], { env, killAfterMs: 20 * 60_000 });
      await runChecked('apt-get', [...apt, 'install', '--no-install-recommends', DOCKER_COMPOSE_PACKAGE], {
        env,
        killAfterMs: 20 * 60_000,
      });
    });
    const now = await installedVersion();
    if (!now?.startsWith(DOCKER_COMPOSE_MAJOR_MINOR)) {
      throw new Error(`apt-get installed docker-compose ${now ?? '(none)'}, expected ${DOCKER_COMPOSE_MAJOR_MINOR}`);
    }
    return 'docker-compose';
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

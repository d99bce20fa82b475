import assert from 'node:assert/strict';
import type { ServerOptions } from '@ratatouille/catalog-server';
import { startTestServer, type TestServer } from '../server.ts';
import { runClientScript, type ClientRunResult } from './python.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { sparkClientSetup } from './spark.ts';
import { stepRaised, stepValue } from './steps.ts';

export interface ClientSession {
  readonly server: TestServer;
  readonly proxy: RecordingProxy;
  readonly result: ClientRunResult;
  /** The value a named step of the client script recorded (fails the test if the step failed). */
  step<T = any>(name: string): T;
  /** The exception class a named step expected and got. */
  raised(name: string): string;
  /** No request of the whole client session was answered 5xx (clients read 5xx as "commit state unknown"). */
  assertNoServerErrors(): void;
}

/**
 * Registers mocha hooks that start a fresh server behind a recording proxy and run one client script
 * (`test/clients/<script>`) against it, once for the enclosing `describe`; each `it` then checks recorded steps.
 *
 * @example const s = useClientSession('duckdb_suite.py'); it('reads', () => s.step('read the table'));
 */
export function useClientSession(
  script: string,
  opts: {
    spark?: boolean;
    /** Server options (e.g. an auth config) for the fresh server. */
    server?: Omit<ServerOptions, 'port' | 'host'>;
    /** More settings for the script, beside `baseUrl`. */
    config?: Record<string, unknown>;
  } = {},
): ClientSession {
  let server: TestServer | undefined;
  let proxy: RecordingProxy | undefined;
  let result: ClientRunResult | undefined;
  before(async function () {
    this.timeout(600_000);
    const spark = opts.spark ? await sparkClientSetup() : undefined;
    server = await startTestServer(opts.server);
    proxy = await startRecordingProxy(server.url);
    result = await runClientScript(
      script,
      { ...opts.config, baseUrl: proxy.url, ...(spark ? { sparkJar: spark.sparkJar } : {}) },
      spark ? { env: spark.env } : {},
    );
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });
  const started = <T>(v: T | undefined): T => {
    assert.ok(v, `the ${script} session did not start`);
    return v;
  };
  return {
    get server() {
      return started(server);
    },
    get proxy() {
      return started(proxy);
    },
    get result() {
      return started(result);
    },
    step: <T = any>(name: string) => stepValue<T>(started(result), name),
    raised: (name: string) => stepRaised(started(result), name),
    assertNoServerErrors() {
      const p = started(proxy);
      assert.ok(p.exchanges.length > 0);
      if (process.env.RAT_CLIENT_ECHO === '1') console.log(JSON.stringify(p.failures(400), null, 1));
      assert.deepEqual(p.failures(500), [], 'requests answered 5xx (clients read them as "commit state unknown")');
    },
  };
}

/**
 * Bundles the `rat` CLI with the workspace packages it imports into `cli/dist/<build>/` (run by `npm install` through
 * `prepare`, and by `npm test`). Git hooks start `rat` on every checkout, commit and merge: through tsx, which
 * compiles and resolves every module on each start, `rat hook post-commit` took 0.74–0.91 s; from the bundle about a
 * third of that (docs/performance-log.md, "Starting `rat`"). `bin/rat.js` uses the bundle while no source it was built
 * from has changed since (`cli/dist/current.json` lists them), and runs the sources through tsx otherwise, so an edit
 * is never hidden behind a stale bundle; it then starts this script in the background, so the next `rat` is fast.
 *
 * Only the workspace's own code and a few pure-JavaScript packages that every hook or run loads are bundled, with
 * what those packages import (but DuckDB's native binding); every other package (native modules, packages that read
 * files of their own) is imported from node_modules as before.
 * Each source's `import.meta.url` is its own file's URL in the bundle too, so paths taken from it (migrations, the web
 * UI, hook shims) stay what they are when running the sources.
 *
 * @example npx tsx cli/scripts/bundle.ts
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(CLI, '..');
const DIST = path.join(CLI, 'dist');

/**
 * Packages bundled with the workspace's code: pure JavaScript that every `rat hook` (or, DuckDB's API and the
 * templates' nunjucks, every `rat run`) loads and that is costly to resolve file by file (DuckDB's API is 182 files;
 * its native binding stays external). nunjucks is also the engine's alone, installed beside it and not at the root.
 */
const BUNDLED_PACKAGES = /^(zod|isomorphic-git|commander|avsc|js-yaml|nunjucks|@duckdb\/node-api)(\/|$)/;

/** What `bin/rat.js` reads to decide whether the bundle is current. */
export interface BundleManifest {
  /** The build's folder under `cli/dist/`. */
  dir: string;
  /** Its entry, relative to that folder; it exports `main(argv)` like `src/main.ts`. */
  entry: string;
  /** Epoch ms when the build started: a source modified later makes the bundle stale. */
  builtAt: number;
  /** Absolute paths of the workspace sources it was built from (node_modules is rebuilt by `npm install`). */
  inputs: string[];
}

const sourceUrls: esbuild.Plugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replace(/\bimport\.meta\.url\b/g, url), loader: 'ts' };
    });
  },
};

/**
 * The native parts of bundled packages: DuckDB's API loads its binding (a `.node` file in a per-platform package)
 * through this one, which stays in node_modules.
 */
const NATIVE_PACKAGES = /^@duckdb\/node-bindings/;

/** Optional packages a bundled package loads only for a feature the project does not use (nunjucks' file watching). */
const OPTIONAL_PACKAGES = /^(chokidar|fsevents)(\/|$)/;

const externalPackages: esbuild.Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('@ratatouille/') || BUNDLED_PACKAGES.test(args.path))
        return undefined;
      // What a bundled package imports is bundled with it (isomorphic-git's pako, sha.js and their helpers were 84
      // files that every hook resolved and compiled one by one), but for native code.
      const fromBundledPackage = args.importer.split(path.sep).includes('node_modules');
      if (fromBundledPackage && !NATIVE_PACKAGES.test(args.path) && !OPTIONAL_PACKAGES.test(args.path))
        return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Builds a new bundle, makes it current, and removes older builds except the one it replaces (a running `rat` may
 * still load chunks from it). */
export async function bundle(): Promise<BundleManifest> {
  const builtAt = Date.now();
  const dir = `build-${builtAt.toString(36)}-${process.pid}`;
  const result = await esbuild.build({
    entryPoints: { main: path.join(CLI, 'src', 'main.ts') },
    outdir: path.join(DIST, dir),
    // The metafile's input paths are relative to this (a background rebuild runs in the user's project).
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // Less to parse on every start (a hook: 0.29 -> 0.275 s, median of 10); names are kept, and the source maps
    // give stack traces their TypeScript lines (RAT_DEBUG=1).
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceUrls, externalPackages],
    // Bundled CommonJS packages call require() for Node's modules.
    banner: {
      js: "import { createRequire as __ratRequire } from 'node:module'; const require = __ratRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.split('/').includes('node_modules'))
    .map((f) => path.resolve(ROOT, f));
  const manifest: BundleManifest = { dir, entry: 'main.js', builtAt, inputs };
  const previous = currentDir();
  const tmp = path.join(DIST, `current.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, path.join(DIST, 'current.json'));
  for (const d of readdirSync(DIST)) {
    if (d.startsWith('build-') && d !== dir && d !== previous)
      rmSync(path.join(DIST, d), { recursive: true, force: true });
  }
  return manifest;
}

function currentDir(): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(DIST, 'current.json'), 'utf8')) as BundleManifest).dir;
  } catch {
    return undefined;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--lock <file>`: a background rebuild started by bin/rat.js, which made the lock file; removed when done.
  const lock = process.argv[2] === '--lock' ? process.argv[3] : undefined;
  try {
    mkdirSync(DIST, { recursive: true });
    const t = performance.now();
    const m = await bundle();
    console.log(
      `rat bundle: cli/dist/${m.dir} from ${m.inputs.length} sources in ${Math.round(performance.now() - t)} ms`,
    );
  } finally {
    if (lock) rmSync(lock, { force: true });
  }
}

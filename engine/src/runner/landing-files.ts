/**
 * Landing files as an ingest reads them: finding them (local globs, S3 prefixes downloaded to a temporary folder),
 * their content hash, their format, and the DuckDB reader for each (Excel converted to NDJSON first).
 */
import { createHash } from 'node:crypto';
import { promises as fs, createReadStream, readdirSync, statSync, type Dirent } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { lit } from '../sql/sql-runner.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { SourceConfig } from '../pipeline/model.ts';
import { downloadTo, isS3, storeFor } from '../iceberg/files.ts';

function globToRe(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether a local file is one of a source's landing files: its path matches the source's glob (relative to the
 * project folder, or absolute). An S3 source has no local files.
 *
 * @example isLandingFile('/repo/shop', 'landing/orders/*.csv', '/repo/shop/landing/orders/a.csv') // true
 */
export function isLandingFile(baseDir: string, pattern: string, file: string): boolean {
  if (isS3(pattern)) return false;
  const abs = path.resolve(baseDir, pattern);
  const f = path.resolve(file);
  // A plain path is a file, or a folder whose files are read (as listFiles does).
  if (!/[*?]/.test(pattern)) return f === abs || path.dirname(f) === abs;
  return globToRe(abs).test(f);
}

/** Files matching a glob (`landing/orders/*.csv`, `landing/**\/*.json`), sorted; a plain path matches itself. */
export function listFiles(baseDir: string, pattern: string): string[] {
  const abs = path.resolve(baseDir, pattern);
  if (!/[*?]/.test(pattern)) {
    try {
      return statSync(abs).isFile() ? [abs] : listFiles(baseDir, path.join(pattern, '*'));
    } catch {
      return [];
    }
  }
  const root = abs.slice(0, abs.search(/[*?]/)).replace(/[^/]*$/, '');
  const re = globToRe(abs);
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (re.test(p)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The landing files of a source, each as a local path DuckDB can read and the name the registry keeps: local globs
 * give paths relative to `baseDir`; an S3 glob (`s3://landing/orders/*.csv`, keys from the AWS_* variables) is
 * listed under its fixed prefix, matched on the whole URI and downloaded into `tmp`, named by its URI.
 */
export async function landingFiles(
  baseDir: string,
  pattern: string,
  tmp: string,
): Promise<{ abs: string; rel: string }[]> {
  if (!isS3(pattern)) return listFiles(baseDir, pattern).map((abs) => ({ abs, rel: path.relative(baseDir, abs) }));
  const glob = pattern.search(/[*?]/);
  const store = storeFor(pattern);
  let uris: string[];
  if (glob < 0) {
    // A plain URI: that object, or every object under it as a folder.
    const all = await store.list(pattern);
    uris = all.includes(pattern) ? [pattern] : await store.list(`${pattern.replace(/\/+$/, '')}/`);
  } else {
    const re = globToRe(pattern);
    uris = (await store.list(pattern.slice(0, glob).replace(/[^/]*$/, ''))).filter((u) => re.test(u));
  }
  const out: { abs: string; rel: string }[] = [];
  for (const [i, uri] of uris.entries()) {
    const abs = path.join(tmp, `landing-${i}-${path.posix.basename(uri)}`);
    await downloadTo(uri, abs);
    out.push({ abs, rel: uri });
  }
  return out;
}

/** The file's SHA-256, streamed: a landing file may be larger than the memory the engine may use. */
export async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), h);
  return h.digest('hex');
}

export function formatOf(file: string, parser?: string): SourceConfig['format'] {
  if (parser) return parser as SourceConfig['format'];
  const ext = path.extname(file).slice(1).toLowerCase();
  return (ext === 'jsonl' ? 'ndjson' : ext) as SourceConfig['format'];
}

export async function xlsxToNdjson(
  file: string,
  sheet: string | number | boolean | undefined,
  out: string,
): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = typeof sheet === 'string' ? wb.getWorksheet(sheet) : wb.worksheets[typeof sheet === 'number' ? sheet : 0];
  if (!ws) throw new EngineError('PIPELINE_INVALID', `No sheet ${String(sheet)} in ${file}`, { file });
  const lines: string[] = [];
  let header: string[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const values = (row.values as unknown[])
      .slice(1)
      .map((v) =>
        v && typeof v === 'object' && 'result' in (v as object)
          ? (v as { result: unknown }).result
          : v instanceof Date
            ? v.toISOString()
            : v,
      );
    if (n === 1) header = values.map(String);
    else lines.push(JSON.stringify(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null]))));
  });
  await fs.writeFile(out, lines.join('\n'));
}

export function readerSql(file: string, format: SourceConfig['format'], options: SourceConfig['options']): string {
  const opts = Object.entries(options)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? lit(v) : String(v)}`)
    .join(', ');
  const extra = opts ? `, ${opts}` : '';
  switch (format) {
    case 'csv':
      return `read_csv(${lit(file)}, auto_detect = true, header = true, store_rejects = true, rejects_table = '__rat_rejects', rejects_scan = '__rat_rejects_scan'${extra})`;
    case 'json':
      return `read_json(${lit(file)}, format = 'auto'${extra})`;
    case 'ndjson':
      return `read_json(${lit(file)}, format = 'newline_delimited'${extra})`;
    case 'parquet':
      return `read_parquet(${lit(file)}${extra})`;
    default:
      throw new EngineError('PIPELINE_INVALID', `Unknown source format ${format}`, { format });
  }
}

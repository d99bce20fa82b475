import { readFileSync } from 'node:fs';
import { LAYERS, PipelineError, type Layer } from './model.ts';
import { templatePieces, TemplateError } from './template.ts';
import { filesUnder } from './project-files.ts';

/** dbt's `snapshot-paths` default: files of `{% snapshot %}` blocks beside the layers. */
export const SNAPSHOTS_FOLDER = 'snapshots';

/** One `{% snapshot name %} … {% endsnapshot %}` block: its SELECT (with its `config()`), and where it is. */
export interface SnapshotBlock {
  name: string;
  sql: string;
  /** Line of the SELECT's first line in the file. */
  sqlLine: number;
  /** Line of the `{% snapshot %}` tag. */
  line: number;
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * The snapshot blocks of a file of `snapshots/` (dbt's legacy snapshots, still how most projects write them). Only
 * blocks, Jinja comments and blank text may be in the file; anything else, a block not closed or inside another, is
 * `PIPELINE_INVALID` at its line.
 *
 * @example snapshotBlocks("{% snapshot orders_history %}\nSELECT 1\n{% endsnapshot %}", 'snapshots/o.sql')[0].name // 'orders_history'
 */
export function snapshotBlocks(text: string, file: string): SnapshotBlock[] {
  const fail = (offset: number, why: string): never => {
    const line = lineAt(text, offset);
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  let pieces;
  try {
    pieces = templatePieces(text);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return fail(err.data.offset, err.message);
  }
  const blocks: SnapshotBlock[] = [];
  let open: { name: string; body: number; at: number } | undefined;
  for (const p of pieces) {
    const start = /^\s*snapshot\s+([A-Za-z_]\w*)\s*$/.exec(p.kind === 'statement' ? p.body : '');
    const end = p.kind === 'statement' && /^\s*endsnapshot\s*$/.test(p.body);
    if (start) {
      if (open) fail(p.start, `{% snapshot ${start[1]} %} inside {% snapshot ${open.name} %}`);
      // The tag itself, past the whitespace a `{%-` eats.
      open = { name: start[1]!, body: p.end, at: p.start + /^\s*/.exec(text.slice(p.start, p.end))![0].length };
    } else if (end) {
      if (!open) return fail(p.start, '{% endsnapshot %} without its {% snapshot %}');
      const sql = text.slice(open.body, p.start);
      blocks.push({ name: open.name, sql, sqlLine: lineAt(text, open.body), line: lineAt(text, open.at) });
      open = undefined;
    } else if (!open && p.kind !== 'comment' && text.slice(p.start, p.end).trim()) {
      fail(p.start, 'a snapshot file holds {% snapshot name %} … {% endsnapshot %} blocks only');
    }
  }
  if (open) fail(open.at, `{% snapshot ${open.name} %} without its {% endsnapshot %}`);
  return blocks;
}

/**
 * The layer a snapshot's table is written to: its `target_schema` (or `schema`) when that names a layer, else silver
 * (dbt projects often say `snapshots`, which is no layer here; a snapshot of raw data is what silver models read).
 *
 * @example snapshotLayer({ target_schema: 'gold' }) // 'gold'
 */
export function snapshotLayer(config: Record<string, unknown>): Layer {
  const named = config.target_schema ?? config.schema;
  return LAYERS.find((l) => l === named) ?? 'silver';
}

/** The snapshot files of a snapshots folder: every `.sql` file under it (sub-folders too), in a stable order. */
export function snapshotFiles(dir: string, folder: string): { file: string; text: string }[] {
  return filesUnder(dir, folder, /\.sql$/).map((f) => ({
    file: f.rel,
    text: readFileSync(f.full, 'utf8'),
  }));
}

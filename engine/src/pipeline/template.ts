import { EngineError } from '../errors/engine-error.ts';

/**
 * A model's SQL split into Jinja's pieces, with their places in the SQL as written: text, `{{ … }}` expressions,
 * `{# … #}` comments and `{% … %}` statements (`if`, `for`, `set`, `macro`…). `body` is what is between the
 * delimiters, without Jinja's whitespace-control dashes; `start`/`end` include the whitespace a dash eats.
 */
export type TemplatePiece =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'expression' | 'statement'; start: number; end: number; body: string }
  | { kind: 'comment'; start: number; end: number }
  /** A `{% raw %}` block from its tag to its `{% endraw %}`: `text` is the part between them, output as written. */
  | { kind: 'raw'; start: number; end: number; text: { start: number; end: number } };

/** A template the engine does not render; `offset` is where it is in the SQL. */
export class TemplateError extends EngineError<'PIPELINE_INVALID', { offset: number }> {
  constructor(message: string, offset: number) {
    super('PIPELINE_INVALID', message, { offset });
  }
}

const TAG_RE = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}|\{#[\s\S]*?#\}/g;

const END_RAW_RE = /\{%(-?)\s*endraw\s*(-?)%\}/g;

/**
 * Splits a model's SQL into template pieces. Jinja's whitespace control (`{%-`, `-%}`, `{{-`, `-}}`) is kept by
 * widening the tag over the whitespace it eats, so the text pieces are exactly what is rendered. A `{% raw %}`
 * block's text is one piece, not split (its `{{ }}` are output as written).
 *
 * @example templatePieces("a {% if is_incremental() %}b{% endif %}").map((p) => p.kind) // ['text', 'statement', 'text', 'statement']
 */
export function templatePieces(sql: string): TemplatePiece[] {
  const out: TemplatePiece[] = [];
  const tags = new RegExp(TAG_RE.source, 'g');
  let at = 0;
  for (let m = tags.exec(sql); m; m = tags.exec(sql)) {
    let start = m.index;
    let end = start + m[0].length;
    const inner = m[1] ?? m[2];
    if (inner?.startsWith('-')) while (start > at && /\s/.test(sql[start - 1]!)) start--;
    if (inner?.endsWith('-')) while (end < sql.length && /\s/.test(sql[end]!)) end++;
    if (start > at) out.push({ kind: 'text', start: at, end: start });
    at = end;
    if (inner === undefined) {
      out.push({ kind: 'comment', start, end });
      continue;
    }
    const body = inner.replace(/^-/, '').replace(/-$/, '');
    const kind = m[1] !== undefined ? 'expression' : 'statement';
    if (kind === 'statement' && /^\s*raw\s*$/.test(body)) {
      const raw = rawBlock(sql, start, end, m.index);
      out.push(raw);
      at = tags.lastIndex = raw.end;
      continue;
    }
    if (kind === 'statement' && /^\s*verbatim\b/.test(body)) {
      throw new TemplateError(`{% ${body.trim()} %} is not supported in a model's SQL (dbt writes {% raw %})`, m.index);
    }
    out.push({ kind, start, end, body });
  }
  if (at < sql.length) out.push({ kind: 'text', start: at, end: sql.length });
  return out;
}

/** The `{% raw %}` block whose opening tag spans `[start, end)`, up to its `{% endraw %}` and the whitespace it eats. */
function rawBlock(sql: string, start: number, end: number, tag: number): TemplatePiece & { kind: 'raw' } {
  const close = new RegExp(END_RAW_RE.source, 'g');
  close.lastIndex = end;
  const m = close.exec(sql);
  if (!m) throw new TemplateError('{% raw %} has no {% endraw %}', tag);
  let textEnd = m.index;
  let blockEnd = m.index + m[0].length;
  if (m[1]) while (textEnd > end && /\s/.test(sql[textEnd - 1]!)) textEnd--;
  if (m[2]) while (blockEnd < sql.length && /\s/.test(sql[blockEnd]!)) blockEnd++;
  return { kind: 'raw', start, end: blockEnd, text: { start: end, end: textEnd } };
}

import { EngineError } from '../errors/engine-error.ts';

/**
 * The part of dbt's Jinja a model may use, split into pieces with their places in the SQL as written: text,
 * `{{ … }}` expressions, `{# … #}` comments, and the one condition dbt models branch on, `{% if is_incremental() %}`
 * (with `not`, `{% else %}` and `{% endif %}`). Anything else between `{% %}` (loops, macros, `set`) is refused with
 * its place, rather than reaching DuckDB as text it cannot parse.
 */
export type TemplatePiece =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'expression'; start: number; end: number; body: string }
  | { kind: 'comment'; start: number; end: number }
  | { kind: 'if'; start: number; end: number; negated: boolean }
  | { kind: 'else' | 'endif'; start: number; end: number };

/** A template the engine does not render; `offset` is where it is in the SQL. */
export class TemplateError extends EngineError<'PIPELINE_INVALID', { offset: number }> {
  constructor(message: string, offset: number) {
    super('PIPELINE_INVALID', message, { offset });
  }
}

const TAG_RE = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}|\{#[\s\S]*?#\}/g;
const IF_RE = /^if\s+(not\s+)?is_incremental\(\s*\)$/;

/**
 * Splits a model's SQL into template pieces. Jinja's whitespace control (`{%-`, `-%}`, `{{-`, `-}}`) is kept by
 * widening the tag over the whitespace it eats, so the text pieces are exactly what is rendered.
 *
 * @example templatePieces("a {% if is_incremental() %}b{% endif %}").map((p) => p.kind) // ['text', 'if', 'text', 'endif']
 */
export function templatePieces(sql: string): TemplatePiece[] {
  const out: TemplatePiece[] = [];
  let at = 0;
  for (const m of sql.matchAll(TAG_RE)) {
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
    const body = inner.replace(/^-/, '').replace(/-$/, '').trim();
    if (m[1] !== undefined) {
      out.push({ kind: 'expression', start, end, body });
      continue;
    }
    const cond = IF_RE.exec(body);
    if (cond) out.push({ kind: 'if', start, end, negated: cond[1] !== undefined });
    else if (body === 'else' || body === 'endif') out.push({ kind: body, start, end });
    else {
      throw new TemplateError(
        `{% ${body} %} is not supported: a model's SQL may branch on {% if is_incremental() %} … {% else %} … {% endif %} only (no loops, macros or set)`,
        m.index,
      );
    }
  }
  if (at < sql.length) out.push({ kind: 'text', start: at, end: sql.length });
  return out;
}

/**
 * The pieces rendered when `is_incremental()` is `incremental`: the others (untaken branches and the tags themselves)
 * are dropped. Checks that every `if` has its `endif` and each has at most one `else`.
 */
export function renderedPieces(pieces: TemplatePiece[], incremental: boolean): TemplatePiece[] {
  // One entry per open `if`: whether its current branch renders, and whether it has had its `else`.
  const open: { taken: boolean; sawElse: boolean; at: number }[] = [];
  const rendering = () => open.every((o) => o.taken);
  const out: TemplatePiece[] = [];
  for (const p of pieces) {
    if (p.kind === 'if') open.push({ taken: p.negated !== incremental, sawElse: false, at: p.start });
    else if (p.kind === 'else') {
      const o = open.at(-1);
      if (!o || o.sawElse) throw new TemplateError('{% else %} without its {% if is_incremental() %}', p.start);
      o.taken = !o.taken;
      o.sawElse = true;
    } else if (p.kind === 'endif') {
      if (!open.pop()) throw new TemplateError('{% endif %} without its {% if is_incremental() %}', p.start);
    } else if (p.kind !== 'comment' && rendering()) out.push(p);
  }
  const unclosed = open.at(-1);
  if (unclosed) throw new TemplateError('{% if is_incremental() %} without its {% endif %}', unclosed.at);
  return out;
}

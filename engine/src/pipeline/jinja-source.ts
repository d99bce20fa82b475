import type { TemplatePiece } from './template.ts';

// The renderer marks where each piece of the written template starts in its output (private-use characters no
// SQL holds), then takes the marks out: `TEXT` before text copied as written (and after each of its line breaks,
// so that a loop's copies each map back), `OUTPUT` before an expression's value.
const TEXT = '\uE000';
const OUTPUT = '\uE002';
const END = '\uE001';
const MARK_RE = /([\uE000\uE002])(\d+)\uE001/g;
/** The template function each expression's value goes through (see `valueText`). */
export const TEXT_FN = '__rat_text';
/**
 * The same for a package's macros, where an undefined name renders empty, as in dbt (Jinja's default): packages rely
 * on it (`{{ select_gb_cols }}` set only when there are columns to group by). The project's own templates name it.
 */
export const LENIENT_TEXT_FN = '__rat_text_or_empty';

/** Where a piece of rendered text came from: from `at` on, the written template's `from` (copied as written, or not). */
export interface SourceSpan {
  at: number;
  from: number;
  verbatim: boolean;
}

/**
 * A marked template's output without its marks, and where each piece of it came from (see {@link nunjucksSource}).
 *
 * @example unmarked(out).text // the SQL as rendered
 */
export function unmarked(out: string): { text: string; spans: SourceSpan[] } {
  const spans: SourceSpan[] = [];
  let text = '';
  let last = 0;
  for (const m of out.matchAll(MARK_RE)) {
    text += out.slice(last, m.index);
    spans.push({ at: text.length, from: Number(m[2]), verbatim: m[1] === TEXT });
    last = m.index + m[0].length;
  }
  return { text: text + out.slice(last), spans };
}

/**
 * The nunjucks source of a written template: the same lines (so nunjucks' line numbers are the template's),
 * each expression's value through {@link valueText}, whitespace control already applied by the pieces, and with
 * `marked`, the marks of where each piece came from.
 */
export function nunjucksSource(sql: string, pieces: TemplatePiece[], marked: boolean, lenient = false): string {
  const keepLines = (s: string) => {
    const n = s.split('\n').length - 1;
    return n ? `{#${'\n'.repeat(n)}#}` : '';
  };
  const mark = (kind: string, offset: number) => (marked ? `${kind}${offset}${END}` : '');
  let out = '';
  const verbatim = (start: number, end: number) =>
    mark(TEXT, start) + sql.slice(start, end).replace(/\n/g, (nl, i: number) => nl + mark(TEXT, start + i + 1));
  for (const p of pieces) {
    const raw = sql.slice(p.start, p.end);
    if (p.kind === 'text') {
      out += verbatim(p.start, p.end);
      continue;
    }
    if (p.kind === 'raw') {
      // The tags' own lines are kept outside the block; its text is output as written, marks and all.
      out += keepLines(sql.slice(p.start, p.text.start));
      out += `{% raw %}${verbatim(p.text.start, p.text.end)}{% endraw %}`;
      out += keepLines(sql.slice(p.text.end, p.end));
      continue;
    }
    if (p.kind === 'comment') {
      out += keepLines(raw);
      continue;
    }
    out += keepLines(/^\s*/.exec(raw)![0]);
    if (p.kind === 'expression') {
      const text = lenient ? LENIENT_TEXT_FN : TEXT_FN;
      out += `${mark(OUTPUT, p.start)}{{ ${text}((${p.body}), ${JSON.stringify(p.body.trim())}) }}`;
    } else out += `{%${dbtStatement(p.body)}%}`;
    out += keepLines(/\s*$/.exec(raw)![0]);
  }
  return out;
}

/**
 * The statements dbt adds to Jinja, as nunjucks statements: a generic test is a macro named `test_<name>` (how dbt
 * itself defines them: `{% test positive(model) %}` … `{% endtest %}`), and `{% do x.append(1) %}` (Jinja's `do`
 * extension, which dbt enables) evaluates its expression for its effect.
 *
 * @example dbtStatement(' test positive(model, column_name) ') // ' macro test_positive(model, column_name) '
 */
function dbtStatement(body: string): string {
  return body
    .replace(/^(\s*)test(\s+)(?=[A-Za-z_])/, '$1macro$2test_')
    .replace(/^(\s*)endtest\b/, '$1endmacro')
    .replace(/^(\s*)do\s+([\s\S]*)$/, '$1set __rat_done = ($2)');
}

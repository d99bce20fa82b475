import yaml from 'js-yaml';
import { PipelineError } from './model.ts';
import { templatePieces, TemplateError, type TemplatePiece } from './template.ts';

const CALL_RE = /^config\s*\(([\s\S]*)\)$/;
const LITERAL_WORDS = new Set(['True', 'False', 'None', 'true', 'false', 'null']);

/**
 * The settings of dbt's `{{ config(materialized='incremental', unique_key=['id'], full_refresh=False) }}` in a
 * model's SQL, as the same mapping a YAML header gives (`{ materialized: 'incremental', … }`), merged over each other
 * when a file calls it more than once. Arguments are Python literals as dbt writes them: quoted strings, numbers,
 * `True`/`False`/`None`, lists and dicts; anything computed (a `var()`, `~`, a macro) is refused with its place.
 *
 * @example configSettings(templatePieces("{{ config(materialized='table') }} SELECT 1")) // { materialized: 'table' }
 */
export function configSettings(pieces: TemplatePiece[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pieces) {
    if (p.kind !== 'expression') continue;
    const call = CALL_RE.exec(p.body.trim());
    if (call) Object.assign(out, keywordArguments(call[1]!, p.start));
  }
  return out;
}

/**
 * Keyword arguments as a mapping: `a='x', b=[1, 2]` is read as the YAML flow mapping `{a: 'x', b: [1, 2]}` (Python's
 * literals are YAML's but for `None`, written as null, and `key=`), so js-yaml does the parsing.
 */
function keywordArguments(args: string, offset: number): Record<string, unknown> {
  let flow = '';
  let depth = 0;
  let quote = '';
  let atArgument = true;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      flow += c;
      if (c === '\\') flow += args[++i] ?? '';
      else if (c === quote) quote = '';
      continue;
    }
    if (atArgument && depth === 0) {
      const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(args.slice(i));
      if (kw) {
        flow += `${kw[1]}: `;
        i += kw[0].length - 1;
        atArgument = false;
        continue;
      }
      if (/\S/.test(c)) {
        throw new TemplateError(
          `config() takes keyword arguments only (config(materialized='incremental', unique_key='id'))`,
          offset,
        );
      }
    }
    const word = /\w/.test(args[i - 1] ?? '') ? undefined : /^[A-Za-z_]\w*/.exec(args.slice(i))?.[0];
    if (word) {
      // A bare name is a literal (Python's or YAML's spelling) or something computed, which is not read here.
      if (!LITERAL_WORDS.has(word)) {
        throw new TemplateError(
          `config() arguments must be literals: ${word} is computed (write the value itself, or set it in the model's header)`,
          offset,
        );
      }
      flow += word === 'None' ? 'null' : word;
      i += word.length - 1;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) atArgument = true;
    flow += c;
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(`{${flow.replace(/,\s*$/, '')}}`);
  } catch (err) {
    throw new TemplateError(
      `config(${args.trim()}) is not made of literals (strings, numbers, True/False/None, lists, dicts): ${(err as Error).message.split('\n')[0]}`,
      offset,
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * A SQL model's raw settings: its YAML header and its `{{ config(...) }}` calls together (a key both set, to
 * different values, is refused rather than one silently winning).
 */
export function sqlFileSettings(
  header: Record<string, unknown>,
  sql: string,
  where: (offset: number) => { file: string; line: number },
): Record<string, unknown> {
  try {
    const pieces = templatePieces(sql);
    const called = configSettings(pieces);
    for (const [k, v] of Object.entries(called)) {
      if (k in header && JSON.stringify(header[k]) !== JSON.stringify(v)) {
        const at = pieces.find((p) => p.kind === 'expression' && CALL_RE.test(p.body.trim()))!.start;
        throw new TemplateError(`${k} is set both in the header and in config(), to different values`, at);
      }
    }
    return { ...header, ...called };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const at = where(err.data.offset);
    throw new PipelineError('PIPELINE_INVALID', `${at.file}:${at.line}: ${err.message}`, at);
  }
}

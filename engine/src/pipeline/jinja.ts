import { EngineError } from '../errors/engine-error.ts';
import { templatePieces, TemplateError, type TemplatePiece } from './template.ts';
import { nunjucksSource, unmarked, type SourceSpan } from './jinja-source.ts';
import {
  compiledTemplate,
  packageNames,
  errorPlace,
  MacroFileError,
  MODEL_PATH,
  NO_MACROS,
  type MacroFile,
} from './jinja-environment.ts';
import { rendering, type RenderScope, type UnplacedError } from './jinja-render-state.ts';

/** A rendered template, and the way back from a position in it to the template as written. */
export interface Rendered {
  text: string;
  /** Whether rendering read `{{ this }}` (in the model or a macro it called). */
  readsSelf: boolean;
  /** What `log()` was given while rendering. */
  logs: string[];
  /** The settings `config(…)` was given while rendering. */
  configured: Record<string, unknown>;
  /** The offset in the template of `offset` in the text; inside a template's output, the template's start. */
  sourceOffset(offset: number): number;
}

const lineOffset = (text: string, line: number) => {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at;
};

const OPENS = /^\s*(if|for|macro|call|filter|set(?![^=]*=))\b/;
const CLOSES = /^\s*end(if|for|macro|call|filter|set)\b/;

/** Where the block a template leaves open starts (nunjucks says only that the file ended), if one is open. */
function unclosedBlock(pieces: TemplatePiece[]): number | undefined {
  const open: number[] = [];
  for (const p of pieces) {
    if (p.kind !== 'statement') continue;
    if (OPENS.test(p.body)) open.push(p.start);
    else if (CLOSES.test(p.body)) open.pop();
  }
  return open.at(-1);
}

/** A nunjucks error in a model's template as the engine's error at its place in the written SQL. */
function placed(err: unknown, sql: string, failure: UnplacedError | undefined): Error {
  if (err instanceof EngineError) return err;
  const at = errorPlace(err);
  if (at.path !== MODEL_PATH) return new MacroFileError(at.path, at.line, at.why);
  const open = /end of file/.test(at.why) ? unclosedBlock(templatePieces(sql)) : undefined;
  if (open !== undefined) return new TemplateError(`a block is not closed: ${at.why}`, open);
  const offset = lineOffset(sql, at.line);
  return failure ? failure.at(offset) : new TemplateError(at.why, offset);
}

/**
 * Renders a model's SQL as dbt's Jinja does (nunjucks, with Python's spellings): expressions, `if`, `for`, `set`,
 * macros of the model and of `macros`, with `scope`'s meaning of `ref()`, `source()`, `var()`, `this` and
 * `is_incremental()`. It remembers where each piece came from, so that an error DuckDB reports at a position of the
 * rendered SQL can be shown in the model file. A template it cannot render is a {@link TemplateError} at its place
 * (or a {@link MacroFileError} in a macro file); an error of the scope's functions is placed at the calling line.
 * `names` are variables of the template's own (a generic test's `model`).
 *
 * @example renderTemplate("SELECT {% for c in ['a', 'b'] %}{{ c }}{{ ', ' if not loop.last }}{% endfor %}", scope).text // 'SELECT a, b'
 */
export function renderTemplate(
  sql: string,
  scope: RenderScope,
  macros: readonly MacroFile[] = NO_MACROS,
  names: Record<string, unknown> = {},
): Rendered {
  const source = nunjucksSource(sql, templatePieces(sql), true);
  let readsSelf = false;
  let logs: string[] = [];
  let configured: Record<string, unknown> = {};
  const out = rendering(scope, (state) => {
    try {
      const own = scope.package === undefined ? {} : packageNames(macros, scope.package);
      const text = compiledTemplate(macros, source).render({ ...own, ...names });
      ({ readsSelf, logs, configured } = state);
      return text;
    } catch (err) {
      throw placed(err, sql, state.failure);
    }
  });
  const { text, spans } = unmarked(out);
  return {
    text,
    readsSelf,
    logs,
    configured,
    sourceOffset(offset) {
      let span: SourceSpan | undefined;
      for (const s of spans) {
        if (s.at > offset) break;
        span = s;
      }
      if (!span) return offset;
      return span.verbatim ? span.from + (offset - span.at) : span.from;
    },
  };
}

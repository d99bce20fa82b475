import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelSqlError } from '../errors/engine-error.ts';
import type { CompiledSql } from '../pipeline/compile.ts';
import type { Project, SqlModel } from '../pipeline/model.ts';
import { SqlError } from '../sql/sql-error.ts';

/**
 * Turns a SQL engine error raised while building a SQL model into a {@link ModelSqlError} that names the model file and
 * the line and column in it. The engine wraps a model's SELECT in its own statements (`DESCRIBE …`,
 * `CREATE TABLE … AS …`, `SELECT … FROM (…)`), so the blamed offset is first found inside the copy of the compiled
 * SELECT that the failed statement holds, then mapped back through the templates and past the file's header.
 * `fileText` is the model file as loaded (the SELECT is its tail); without it the line comes from `model.sqlLine`.
 * Any other error is returned as it is.
 *
 * @example throw modelSqlError(err, model, compileWithSourceMap(model.sql, model.id), readFileSync(path, 'utf8'))
 */
export function modelSqlError(err: unknown, model: SqlModel, compiled: CompiledSql, fileText?: string): unknown {
  if (!(err instanceof SqlError)) return err;
  const base = { model: model.id, file: model.file, detail: err.message };
  const inModel = err.position === undefined ? undefined : offsetInModel(err.sql, err.position, compiled.sql);
  if (inModel === undefined) return new ModelSqlError({ ...base, line: model.sqlLine });
  const source = fileText !== undefined && fileText.endsWith(model.sql) ? fileText : undefined;
  const text = source ?? model.sql;
  const offset = (source ? source.length - model.sql.length : 0) + compiled.sourceOffset(inModel);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).replace(/\r$/, '');
  const line = (source ? 1 : model.sqlLine) + countNewlines(text, lineStart);
  const column = offset - lineStart + 1;
  const gutter = String(line);
  const pad = lineText.slice(0, column - 1).replace(/[^\t]/g, ' ');
  const excerpt = `\n  ${gutter} | ${lineText}\n  ${' '.repeat(gutter.length)} | ${pad}^`;
  return new ModelSqlError({ ...base, line, column }, excerpt);
}

/** {@link modelSqlError} for a model of `project`, its file read from the project folder where it can be. */
export function projectModelSqlError(err: unknown, project: Project, model: SqlModel, compiled: CompiledSql): unknown {
  return modelSqlError(err, model, compiled, readText(path.join(project.dir, model.file)));
}

/** A file's text, or undefined when it cannot be read (a project built in memory, SQL given inline). */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The offset of `position` inside the copy of `model` that `statement` holds, if the position falls in one. */
function offsetInModel(statement: string, position: number, model: string): number | undefined {
  if (!model) return undefined;
  for (let at = statement.indexOf(model); at >= 0; at = statement.indexOf(model, at + 1)) {
    if (position >= at && position <= at + model.length) return position - at;
    if (at > position) break;
  }
  return undefined;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

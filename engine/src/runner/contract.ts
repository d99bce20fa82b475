import { ContractViolationError, type ContractMismatch } from '../errors/engine-error.ts';
import { PipelineError, type ContractColumn, type ModelContract } from '../pipeline/model.ts';
import { ident, type SqlColumn, type SqlRunner } from '../sql/sql-runner.ts';

/**
 * The differences between the columns a contract declares and those a result has, by name (order does not matter,
 * as in dbt), types compared as DuckDB spells them.
 *
 * @example contractMismatches([{ name: 'id', type: 'BIGINT' }], [{ name: 'id', type: 'INTEGER' }]) // [{ column: 'id', declared: 'BIGINT', actual: 'INTEGER' }]
 */
export function contractMismatches(declared: SqlColumn[], actual: SqlColumn[]): ContractMismatch[] {
  const have = new Map(actual.map((c) => [c.name, c.type]));
  const want = new Map(declared.map((c) => [c.name, c.type]));
  const out: ContractMismatch[] = [];
  for (const c of declared) {
    const type = have.get(c.name);
    if (type !== c.type)
      out.push({ column: c.name, declared: c.type, ...(type === undefined ? {} : { actual: type }) });
  }
  for (const c of actual) if (!want.has(c.name)) out.push({ column: c.name, actual: c.type });
  return out;
}

/**
 * The contract's types as DuckDB spells them (`int` → `INTEGER`, `varchar(10)` → `VARCHAR`, `numeric(10, 2)` →
 * `DECIMAL(10,2)`), from the description of a query that casts a NULL to each; a type DuckDB does not know is
 * `PIPELINE_INVALID` naming the column.
 */
async function declaredTypes(sql: SqlRunner, columns: ContractColumn[], file: string): Promise<SqlColumn[]> {
  const cast = (c: ContractColumn) => `CAST(NULL AS ${c.dataType}) AS ${ident(c.name)}`;
  try {
    return await sql.describe(`SELECT ${columns.map(cast).join(', ')}`);
  } catch {
    for (const c of columns) {
      await sql.describe(`SELECT ${cast(c)}`).catch((err: unknown) => {
        throw new PipelineError(
          'PIPELINE_INVALID',
          `${file}:1: the contract's data_type of ${c.name}, ${c.dataType}, is not a type: ${(err as Error).message.split('\n')[0]}`,
          { file, line: 1 },
        );
      });
    }
    throw new PipelineError('PIPELINE_INVALID', `${file}:1: the contract's data types cannot be read`, {
      file,
      line: 1,
    });
  }
}

/**
 * Holds a model's SELECT to its enforced contract before anything is written (dbt's preflight check): every
 * declared column with its type, and no other. Costs a description of the query, not a pass over its rows; the
 * contract's `not_null` columns are checked on the written files' statistics (see `writeTable`'s `notNull`).
 */
export async function checkContract(
  sql: SqlRunner,
  model: { id: string; file: string; contract: ModelContract },
  select: string,
): Promise<void> {
  const declared = await declaredTypes(sql, model.contract.columns, model.file);
  const mismatches = contractMismatches(declared, await sql.describe(select));
  if (mismatches.length) throw new ContractViolationError(model.id, { mismatches });
}

/** The contract's columns that must hold no null. */
export function notNullColumns(contract: ModelContract | undefined): string[] {
  return contract?.columns.filter((c) => c.notNull).map((c) => c.name) ?? [];
}

import { selectedAnalyses } from './analyses.ts';
import { sourcesRead } from './ephemeral.ts';
import { isSeed, testedSource, type Model, type Project, type TestedTable } from './model.ts';
import { plan, type SelectorState } from './planner.ts';
import { testIdentifier } from './stored-failures.ts';

/**
 * What `rat ls` lists, by dbt's resource types: `model`, `seed`, `snapshot`, `source` (a table written outside the
 * pipelines, dbt's), `test`, `analysis`, `exposure`, and rat's own `ingest` (a bronze source landing files).
 */
export const RESOURCE_TYPES = [
  'model',
  'seed',
  'snapshot',
  'ingest',
  'source',
  'test',
  'analysis',
  'exposure',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface Resource {
  type: ResourceType;
  /** A model's or source's table id; a test's, analysis's or exposure's name. */
  id: string;
  /** dbt's name: a model's name alone, a source's `source.table`, a test's dbt name. */
  name: string;
  file: string;
  /** A test's table: the model or source it tests. */
  tests?: string;
}

/** dbt's resource type of a model. */
function typeOf(m: Model): ResourceType {
  if (m.kind === 'source') return isSeed(m) ? 'seed' : 'ingest';
  return m.config.materialized === 'scd2' ? 'snapshot' : 'model';
}

/**
 * dbt's `ls`: the project's resources a selector picks (everything without one): the selected models (seeds,
 * snapshots, ingests) in build order, the data tests of those and of the sources they read, the analyses it names;
 * without a selector also every declared source and exposure.
 *
 * @example listResources(project, 'tag:nightly').map((r) => `${r.type} ${r.id}`)
 */
export function listResources(
  project: Project,
  selector?: string,
  o: { exclude?: string; state?: SelectorState } = {},
): Resource[] {
  const all = selector === undefined;
  const { analyses, models } = selectedAnalyses(project, selector);
  const p = all || models !== undefined ? plan(project, models, o) : undefined;
  const chosen = p ? [...p.ephemeral, ...p.steps] : [];
  const sources = all ? [...(project.external?.values() ?? [])] : sourcesRead(project, chosen);
  const tested: TestedTable[] = [...chosen, ...sources.map(testedSource)];
  return [
    ...chosen.map((m) => ({ type: typeOf(m), id: m.id, name: m.name, file: m.file })),
    ...tested.flatMap((t) =>
      t.config.tests.map((x) => {
        const name = testIdentifier(t, x);
        return { type: 'test' as const, id: name, name, file: (x.kind === 'sql' && x.file) || t.file, tests: t.id };
      }),
    ),
    ...(all ? sources : []).map((t) => ({ type: 'source' as const, id: t.id, name: t.name ?? t.id, file: t.file })),
    ...(all ? (project.analyses ?? []) : analyses).map((a) => ({
      type: 'analysis' as const,
      id: a.name,
      name: a.name,
      file: a.file,
    })),
    ...(all ? [...(project.exposures?.values() ?? [])] : []).map((e) => ({
      type: 'exposure' as const,
      id: e.name,
      name: e.name,
      file: e.file,
    })),
  ];
}

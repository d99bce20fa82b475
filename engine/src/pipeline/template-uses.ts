import type { Project } from './model.ts';

/*
 * Which models a change to the project's templates reaches, for `state:modified`: their SQL renders differently.
 */

const MACRO_DEF = /\{%-?\s*macro\s+([A-Za-z_]\w*)/g;
const calls = (text: string, name: string) => new RegExp(`\\b${name}\\s*\\(`).test(text);
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const macroNames = (text: string) => [...text.matchAll(MACRO_DEF)].map((d) => d[1]!);

/**
 * The SQL models that call one of the macros `names`, directly or through other macros (dbt's `state:modified`
 * follows a model's macros the same way).
 */
function modelsCallingMacroNames(project: Project, names: Iterable<string>): string[] {
  const defined = (project.macros ?? []).map((m) => ({
    ...m,
    names: macroNames(m.text),
  }));
  // Macro names whose output changed: those given, then every macro calling one, to a fixed point.
  const touched = new Set(names);
  for (let grew = true; grew;) {
    grew = false;
    for (const m of defined) {
      for (const name of m.names) {
        if (touched.has(name) || ![...touched].some((t) => calls(m.text, t))) continue;
        touched.add(name);
        grew = true;
      }
    }
  }
  return [...project.models.values()]
    .filter((m) => m.kind === 'sql' && [...touched].some((t) => calls(m.sql, t)))
    .map((m) => m.id);
}

/**
 * The SQL models that call a macro of the `changed` macro files, directly or through other macros.
 *
 * @example modelsCallingMacros(project, ['macros/money.sql']) // ['silver.orders']
 */
export function modelsCallingMacros(project: Project, changed: readonly string[]): string[] {
  const files = new Set(changed);
  const names = (project.macros ?? []).filter((m) => files.has(m.file)).flatMap((m) => macroNames(m.text));
  return modelsCallingMacroNames(project, names);
}

/**
 * The SQL models that read one of the run variables `names` (`var('name')`), in their SQL or through a macro they
 * call: a changed value in rat.yaml's `vars:` renders them differently.
 *
 * @example modelsUsingVars(project, ['start_date']) // ['silver.orders']
 */
export function modelsUsingVars(project: Project, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const re = new RegExp(`\\bvar\\(\\s*['"](?:${names.map(escaped).join('|')})['"]`);
  const macros = (project.macros ?? []).filter((m) => re.test(m.text));
  const viaMacros = modelsCallingMacroNames(
    project,
    macros.flatMap((m) => macroNames(m.text)),
  );
  const direct = [...project.models.values()].filter((m) => m.kind === 'sql' && re.test(m.sql)).map((m) => m.id);
  return [...new Set([...direct, ...viaMacros])].sort();
}

import path from 'node:path';
import type { DerivedRebuild, GitSyncIO, RebuildOutcome } from '@ratatouille/git-sync';

/**
 * The engine side of a merge-with-rebuild, for git-sync: the pipelines of the working tree (the merged code in
 * `pre-merge-commit`, HEAD after a merge) decide which conflicting tables are derived, and rebuild them with
 * everything downstream on the merge's temporary branch, data tests included. The engine (and DuckDB) is loaded only
 * when a merge actually needs it, so hooks stay fast.
 *
 * @example const io = await openGitSync({ fs }); io.rebuild = engineRebuild(io)
 */
export function engineRebuild(io: GitSyncIO): DerivedRebuild {
  const engine = () => import('@ratatouille/engine');
  const project = async (target?: string) => {
    const dir = path.resolve(io.projectDir ?? io.dir, io.config.pipelinesDir);
    return (await engine()).loadProject(dir, dir, {
      settings: io.config.models,
      dispatch: io.config.dispatch,
      dataTests: io.config.dataTests,
      vars: io.config.vars,
      target,
    });
  };
  return {
    async classify(tables, reingest = []) {
      const { APPEND_ONLY_TABLES, auditTables } = await engine();
      const loaded = await project();
      const models = loaded.models;
      // A table of stored test failures is rebuilt by running those tests again (its model's, or what reads its source).
      const audits = auditTables(loaded);
      // A source whose conflict is only an ingest of shared and other landing files is settled like a derived table:
      // the target's rows kept, the registries merged, the source step run again re-ingests the files the table lacks
      // (the registry-drift path). Not an upsert source: there a file whose rows are absent counts as replaced by
      // later keys, so it would not be read again.
      const settles = (t: string) => {
        const m = models.get(t);
        return m?.kind === 'source' && reingest.includes(t) && !m.config.uniqueKey?.length;
      };
      const derived = tables.filter((t) => models.get(t)?.kind === 'sql' || settles(t) || audits.has(t));
      const appendOnly = tables.filter((t) => APPEND_ONLY_TABLES.includes(t));
      const other = tables.filter((t) => !derived.includes(t) && !appendOnly.includes(t));
      return { derived, appendOnly, other };
    },
    async run(req): Promise<RebuildOutcome> {
      const { auditTables, failsRun, mergeAppendOnly, outcomeText, refreshedBySource, runPipeline } = await engine();
      const server = io.catalog.url;
      const from = `${req.source.name}@${req.source.hash}`;
      for (const table of req.appendOnly) {
        await mergeAppendOnly(server, { table, from, into: req.branch });
      }
      if (req.derived.length === 0) return { ok: true, rebuilt: [] };
      // A model the source refreshed in full is refreshed again: built incrementally on the target's version it
      // would keep the target's rows as the old SQL computed them (or fail on the refresh's new columns).
      const fullRefresh = await refreshedBySource(server, { from, into: req.branch, tables: req.derived });
      if (fullRefresh.length)
        io.report.info(`  ${fullRefresh.join(', ')}: refreshed in full on ${req.source.name}, so here too`);
      // A model that replaces time windows or partitions (dbt's microbatch, insert_overwrite) is refreshed in full:
      // an incremental run would build its lookback (or newest partitions) only, and which windows each branch
      // replaced is not recorded.
      const loaded = await project(req.branch);
      const audits = auditTables(loaded);
      const replacing = req.derived.filter((t) => {
        const c = loaded.models.get(t)?.config;
        return !fullRefresh.includes(t) && (c?.microbatch !== undefined || c?.replacePartitions === true);
      });
      if (replacing.length) {
        io.report.info(`  ${replacing.join(', ')}: replaced windows or partitions on both branches, refreshed in full`);
        fullRefresh.push(...replacing);
      }
      const report = await runPipeline({
        project: loaded,
        server,
        branch: req.branch,
        selector: [...new Set(req.derived.map((t) => `${audits.get(t) ?? t}+`))].join(' '),
        codeCommit: req.codeCommit,
        createBranch: false,
        fullRefresh,
        vars: io.config.vars,
        onEvent: (e) => {
          if (e.type === 'step-end') io.report.info(`  rebuilt ${e.step}${e.note ? ` (${e.note})` : ''}`);
        },
      });
      if (report.status === 'success') return { ok: true, rebuilt: report.steps.map((s) => s.step) };
      const failed = report.tests.filter(failsRun);
      const model = report.error?.step ?? failed[0]?.model ?? req.derived[0];
      const message =
        report.error?.message ??
        `data test(s) failed: ${failed
          .filter((t) => t.model === model)
          .map((t) => `${t.test} (${outcomeText(t)})`)
          .join(', ')}`;
      return { ok: false, model, message, keptBranch: report.keptRunBranch ? report.runBranch : undefined };
    },
  };
}

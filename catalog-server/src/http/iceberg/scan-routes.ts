import type { Request, Response, Router } from 'express';
import { fetchScanTasksRequest, planTableScanRequest, stringifyScanJson } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { fetchScanTasks, planById, planTableScan } from '../../service/scan/index.ts';
import { clientAccessOf } from '../../service/signing/client-access.ts';
import { accessOf } from '../auth/access.ts';
import { parseBody } from './json-io.ts';
import { namespaceOf, param, refOf } from './params.ts';

/**
 * Server-side scan planning: `POST …/tables/{table}/plan` plans a scan at once (every plan is complete when
 * answered, so a plan fetched or cancelled by id, `GET` / `DELETE …/plan/{plan-id}`, is not this catalog's), and
 * `POST …/tables/{table}/tasks` answers the plan tasks a plan of many manifests hands out.
 */
export function scanRoutes(r: Router, ctx: AppContext): void {
  r.post('/namespaces/:namespace/tables/:table/plan', async (req, res) => {
    const ns = namespaceOf(param(req, 'namespace'));
    const table = param(req, 'table');
    const access = {
      client: clientAccessOf(req.header('x-iceberg-access-delegation'), ns, table),
      caller: accessOf(req),
    };
    sendScanJson(res, await planTableScan(ctx, refOf(req), ns, table, parseBody(planTableScanRequest, req), access));
  });

  const byId = async (req: Request) =>
    planById(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'table'), param(req, 'planId'));
  r.get('/namespaces/:namespace/tables/:table/plan/:planId', byId);
  r.delete('/namespaces/:namespace/tables/:table/plan/:planId', byId);

  r.post('/namespaces/:namespace/tables/:table/tasks', async (req, res) => {
    const ns = namespaceOf(param(req, 'namespace'));
    const body = parseBody(fetchScanTasksRequest, req);
    sendScanJson(res, await fetchScanTasks(ctx, refOf(req), ns, param(req, 'table'), body));
  });
}

/** Scan answers carry doubles that Java reads only as floating-point literals (`2.0`, not `2`). */
function sendScanJson(res: Response, body: unknown): void {
  res.status(200).type('application/json').send(stringifyScanJson(body));
}

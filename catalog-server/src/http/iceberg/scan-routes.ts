import type { Response, Router } from 'express';
import { fetchScanTasksRequest, planTableScanRequest, stringifyScanJson } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { fetchScanTasks, planTableScan } from '../../service/scan/index.ts';
import { clientAccessOf } from '../../service/signing/client-access.ts';
import { accessOf } from '../auth/access.ts';
import { parseBody } from './json-io.ts';
import { namespaceOf, param, refOf } from './params.ts';

/**
 * Server-side scan planning: `POST …/tables/{table}/plan` plans a scan at once (every plan is complete when
 * answered, so there is no plan to fetch or cancel later), and `POST …/tables/{table}/tasks` answers the plan tasks a
 * plan of many manifests hands out.
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

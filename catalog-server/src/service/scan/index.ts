export { planTableScan, INLINE_MANIFESTS, type PlanTableScanResult } from './plan-table-scan.ts';
export { fetchScanTasks } from './fetch-scan-tasks.ts';
export { planById } from './plan-by-id.ts';

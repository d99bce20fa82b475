import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';

/** Iceberg REST catalog, mounted at /iceberg: `/iceberg/v1/...` (main) and `/iceberg/<ref>/v1/...`. */
export function icebergRouter(_ctx: AppContext): Router {
  return Router();
}

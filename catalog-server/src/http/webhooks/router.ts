import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';

/** Signed forge webhooks (GitHub, GitLab, Gitea) that merge data when a merge request lands. */
export function webhooksRouter(_ctx: AppContext): Router {
  return Router();
}

/**
 * Signed forge webhooks (GitHub, GitLab, Gitea): when a pull/merge request is merged on the forge, where no local git
 * hook runs, merge its data branch into the target's. `POST /webhooks/github|gitlab|gitea` (or `/webhooks`, which
 * detects the forge from its event header). Query `?prefix=data/&unprefixed=main` mirrors the repository's branch
 * mapping (default: one to one).
 *
 * A bad or missing signature is 401 and changes nothing. Each delivery is claimed by its id before anything is
 * merged, so a replayed delivery (or two copies racing) is a no-op; a failed one is released for the forge's retry.
 */
import express, { Router, type Request } from 'express';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, UnauthorizedError } from '../../errors/index.ts';
import { icebergMergeResolver } from '../../service/iceberg/index.ts';
import { mergeOnForgeEvent, type BranchMapping } from './merge-on-forge-event.ts';
import { parseMergeEvent } from './parse-merge-event.ts';
import { detectForge, verifySignature, type Forge } from './verify-signature.ts';

const FORGES: readonly Forge[] = ['github', 'gitlab', 'gitea'];

export function webhooksRouter(ctx: AppContext): Router {
  const router = Router();
  // The signature covers the exact bytes. The app's JSON parser may have run already (it keeps `rawBody`); for any
  // other content type (GitHub's form encoding) this parser keeps the body as a Buffer.
  router.use(express.raw({ type: () => true, limit: '25mb' }));

  const handle = async (req: Request, forge: Forge | undefined) => {
    if (!forge) throw new BadRequestError('Unknown forge: send X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event.');
    if (!ctx.webhookSecret) {
      throw new UnauthorizedError('Webhooks are disabled: set RAT_WEBHOOK_SECRET on the server and on the forge.');
    }
    const raw = rawBody(req);
    if (!verifySignature(forge, req.headers, raw, ctx.webhookSecret)) {
      throw new UnauthorizedError(
        `The ${forge} webhook signature does not verify: check the secret configured on the forge.`,
        { forge },
      );
    }
    const event = parseMergeEvent(forge, req.headers, parsePayload(req, raw), raw);
    if (event.kind === 'ping') return { status: 200, body: { status: 'pong' } };
    if (event.kind === 'ignored') return { status: 202, body: { status: 'ignored', reason: event.reason } };
    const links = ctx.codeLinks;
    if (links && !(await links.claimDelivery(forge, event.deliveryId))) {
      const previous = await links.getDelivery(forge, event.deliveryId);
      return {
        status: 200,
        body: { status: 'replayed', deliveryId: event.deliveryId, previous: previous?.result ?? null },
      };
    }
    try {
      const result = await mergeOnForgeEvent(
        { store: ctx.store, codeLinks: links, resolver: icebergMergeResolver(ctx) },
        forge,
        event.pr,
        mapping(req),
      );
      await links?.finishDelivery(forge, event.deliveryId, result);
      return { status: result.status === 'ignored' ? 202 : 200, body: { ...result, deliveryId: event.deliveryId } };
    } catch (err) {
      await links?.releaseDelivery(forge, event.deliveryId);
      throw err;
    }
  };

  router.post('/', async (req, res) => {
    const r = await handle(req, detectForge(req.headers));
    res.status(r.status).json(r.body);
  });
  for (const forge of FORGES) {
    router.post(`/${forge}`, async (req, res) => {
      const r = await handle(req, forge);
      res.status(r.status).json(r.body);
    });
  }
  return router;
}

function rawBody(req: Request): Buffer {
  const kept = (req as { rawBody?: Buffer }).rawBody;
  if (Buffer.isBuffer(kept)) return kept;
  if (Buffer.isBuffer(req.body)) return req.body;
  // The JSON was parsed without keeping the bytes: the signature cannot be checked, so it cannot pass.
  return Buffer.from(JSON.stringify(req.body ?? null));
}

function parsePayload(req: Request, raw: Buffer): unknown {
  if (!Buffer.isBuffer(req.body) && req.body && typeof req.body === 'object') return req.body;
  const text = raw.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (!payload) throw new BadRequestError('Form-encoded webhook without a "payload" field.');
    return JSON.parse(payload) as unknown;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('The webhook body is not JSON.');
  }
}

function mapping(req: Request): BranchMapping {
  const prefix = typeof req.query['prefix'] === 'string' ? req.query['prefix'] : '';
  const unprefixed =
    typeof req.query['unprefixed'] === 'string' ? req.query['unprefixed'].split(',').filter(Boolean) : ['main'];
  return { prefix, unprefixed };
}

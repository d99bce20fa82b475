/**
 * Signed forge webhooks (GitHub, GitLab, Gitea): when a pull/merge request is merged on the forge, where no local git
 * hook runs, merge its data branch into the target's. `POST /webhooks/github|gitlab|gitea` (or `/webhooks`, which
 * detects the forge from its event header). Query `?prefix=data/&unprefixed=main&map=master:main` mirrors the
 * `branches` section of the repository's rat.yaml (default: one to one), read by the same mapping git-sync uses.
 *
 * A bad or missing signature is 401 and changes nothing. The handler checks the signature and reads the event; the
 * merge itself (idempotent per delivery) is `mergeOnForgeEvent` of the lockstep service.
 */
import express, { Router, type Request } from 'express';
import type { BranchMapping } from '@ratatouille/iceberg/lockstep';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, UnauthorizedError } from '../../errors/index.ts';
import { mergeOnForgeEvent } from '../../service/lockstep/merge-on-forge-event.ts';
import { bodyDigest, parseMergeEvent } from './parse-merge-event.ts';
import { detectForge, verifySignature, type Forge } from './verify-signature.ts';

const FORGES: readonly Forge[] = ['github', 'gitlab', 'gitea'];

const webhooksDisabled = () =>
  new UnauthorizedError('Webhooks are disabled: set RAT_WEBHOOK_SECRET on the server and on the forge.');

export function webhooksRouter(ctx: AppContext): Router {
  const router = Router();
  // Anyone may call here without a token. With webhooks disabled nothing can verify, so the refusal comes before the
  // body (up to 25 MB) is read, and the connection is closed after it so the rest of the body is not read either.
  router.use((req, res, next) => {
    if (ctx.webhookSecret || req.method !== 'POST') return next();
    res.setHeader('Connection', 'close');
    next(webhooksDisabled());
  });
  // The signature covers the exact bytes. The app's JSON parser may have run already (it keeps `rawBody`); for any
  // other content type (GitHub's form encoding) this parser keeps the body as a Buffer.
  router.use(express.raw({ type: () => true, limit: '25mb' }));

  const handle = async (req: Request, forge: Forge | undefined) => {
    if (!forge) throw new BadRequestError('Unknown forge: send X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event.');
    // Refused before the body by the step above; checked again here for the secret's type.
    if (!ctx.webhookSecret) throw webhooksDisabled();
    const raw = rawBody(req);
    if (!verifySignature(forge, req.headers, raw, ctx.webhookSecret)) {
      throw new UnauthorizedError(
        `The ${forge} webhook signature does not verify: check the secret configured on the forge.`,
        { forge },
      );
    }
    const digest = bodyDigest(raw);
    const event = parseMergeEvent(forge, req.headers, parsePayload(req, raw), digest);
    if (event.kind === 'ping') return { status: 200, body: { status: 'pong' } };
    if (event.kind === 'ignored') return { status: 202, body: { status: 'ignored', reason: event.reason } };
    const result = await mergeOnForgeEvent(
      ctx,
      { forge, deliveryId: event.deliveryId, bodyDigest: digest, ...event.pr },
      mapping(req.query),
    );
    const status =
      result.status === 'ignored' || result.status === 'pending' || result.status === 'in-progress' ? 202 : 200;
    return { status, body: { ...result, deliveryId: event.deliveryId } };
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
  const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
  const json = form ? new URLSearchParams(text).get('payload') : text;
  if (json === null) throw new BadRequestError('Form-encoded webhook without a "payload" field.');
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new BadRequestError(form ? 'The webhook\'s "payload" field is not JSON.' : 'The webhook body is not JSON.');
  }
}

const branchName = z.string().min(1);
const mappingQuery = z.object({
  prefix: z.string().default(''),
  unprefixed: z
    .string()
    .default('main')
    .transform((v) => v.split(',').filter(Boolean)),
  // `code:data` pairs, comma-separated (`:` and `,` cannot occur in git branch names).
  map: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const map: Record<string, string> = {};
      for (const pair of v.split(',').filter(Boolean)) {
        const [code, data, ...extra] = pair.split(':');
        if (!branchName.safeParse(code).success || !branchName.safeParse(data).success || extra.length) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not code-branch:data-branch` });
          return z.NEVER;
        }
        map[code!] = data!;
      }
      return map;
    }),
});

/** The repository's `branches` mapping, from the webhook URL's query. */
function mapping(query: unknown): BranchMapping {
  const q = mappingQuery.safeParse(query);
  if (!q.success) throw new BadRequestError(`Bad branch mapping in the webhook URL: ${q.error.issues[0]?.message}`);
  return q.data;
}

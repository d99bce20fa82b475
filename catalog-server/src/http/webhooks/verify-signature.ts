import { createHmac, timingSafeEqual } from 'node:crypto';

export type Forge = 'github' | 'gitlab' | 'gitea';

type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Constant-time comparison of two strings (lengths may differ without leaking where). */
function safeEqual(a: string, b: string): boolean {
  const x = createHmac('sha256', 'cmp').update(a).digest();
  const y = createHmac('sha256', 'cmp').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * Verifies a forge's proof that it sent `raw` (the exact request body bytes). Pure.
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. Gitea: `X-Gitea-Signature: <hex>` (same
 * HMAC; newer Gitea also sends GitHub's header). GitLab signs nothing: it echoes the secret in `X-Gitlab-Token`.
 *
 * @example verifySignature('github', req.headers, rawBody, secret) // true | false
 */
export function verifySignature(forge: Forge, headers: Headers, raw: Buffer, secret: string): boolean {
  const hmac = () => createHmac('sha256', secret).update(raw).digest('hex');
  switch (forge) {
    case 'github': {
      const sig = header(headers, 'x-hub-signature-256');
      return !!sig && safeEqual(sig.toLowerCase(), `sha256=${hmac()}`);
    }
    case 'gitea': {
      const sig =
        header(headers, 'x-gitea-signature') ?? header(headers, 'x-hub-signature-256')?.replace(/^sha256=/, '');
      return !!sig && safeEqual(sig.toLowerCase(), hmac());
    }
    case 'gitlab': {
      const token = header(headers, 'x-gitlab-token');
      return !!token && safeEqual(token, secret);
    }
  }
}

/** Which forge sent a request, from its event header (for the auto-detecting `/webhooks` endpoint). */
export function detectForge(headers: Headers): Forge | undefined {
  if (header(headers, 'x-gitea-event')) return 'gitea';
  if (header(headers, 'x-gitlab-event')) return 'gitlab';
  if (header(headers, 'x-github-event')) return 'github';
  return undefined;
}

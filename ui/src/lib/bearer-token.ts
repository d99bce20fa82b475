/**
 * A pasted bearer token as it can go into an `Authorization` header. Tokens (RFC 6750's b64token, so every JWT) never
 * hold whitespace, but a token copied from a terminal that wrapped it, or from a chat, often carries line breaks,
 * spaces or invisible characters: whitespace is dropped, a leading `Bearer ` too. Anything else outside the token
 * alphabet is refused (undefined) rather than kept: the browser cannot send it in a header at all, so every request
 * would fail before reaching the catalog.
 *
 * @example bearerToken('Bearer eyJh\nbGc.x') // 'eyJhbGc.x'; bearerToken('tok\u2026') // undefined
 */
export function bearerToken(pasted: string): string | undefined {
  const token = pasted
    .trim()
    .replace(/^Bearer\s+/i, '')
    .replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '');
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? token : undefined;
}

import { RatError } from './rat-error.ts';

/**
 * The catalog will not sign this S3 request for a client (remote signing): it reaches outside the table's location,
 * is an operation the signer never signs (deletes, ACL changes, copies; reads of a table still being created), or the
 * table's warehouse does not sign.
 * `data.reason` names the rule; the message says what the client may do instead.
 */
export class SignRequestRefusedError extends RatError {
  readonly code = 'SIGN_REQUEST_REFUSED' as const;

  constructor(
    message: string,
    data: {
      reason: 'outside-location' | 'operation' | 'delete' | 'header' | 'endpoint' | 'not-enabled' | 'staged-read';
      [key: string]: unknown;
    },
  ) {
    super(message, data);
  }
}

import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { signS3Request } from '@ratatouille/catalog-client';
import {
  applySigned,
  toSignRequest,
  withUnsignedPayload,
  type SignableRequest,
  type TableSigner,
} from './s3-signing.ts';

/**
 * The S3 client settings for a table whose files the catalog signs (remote signing): the SDK's own `signer` hook,
 * given a signer that POSTs each request to the table's signer endpoint and applies the answer (the SDK calls it on
 * every attempt, so a retry is signed afresh). The catalog refuses signed streaming payloads and checksum trailers,
 * so checksums are computed and validated only where S3 requires them: uploads go as one `PutObject` with an
 * unsigned payload.
 *
 * @example new S3Client({ region, endpoint, ...remoteSigningConfig(signer, region) })
 */
export function remoteSigningConfig(signer: TableSigner, region: string): Partial<S3ClientConfig> {
  const requestSigner = {
    async sign(request: SignableRequest, options?: { signingRegion?: string }): Promise<SignableRequest> {
      const req = withUnsignedPayload(request);
      const ask = toSignRequest(req, options?.signingRegion ?? region);
      return applySigned(req, ask.uri, await signS3Request(signer.auth, signer.url, ask));
    },
  };
  return {
    signer: requestSigner as unknown as NonNullable<S3ClientConfig['signer']>,
    // The SDK resolves an identity before it calls a signer, even a custom one; these are never used to sign.
    credentials: { accessKeyId: 'remote-signing', secretAccessKey: 'remote-signing' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

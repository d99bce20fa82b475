import { isoTime } from '../lib/time-text.ts';
import { errorText } from '../api.ts';

export function Loading({ what }: { what?: string }) {
  return <p className="muted">Loading{what ? ` ${what}` : ''}…</p>;
}

export function ErrorBox({ error }: { error: unknown }) {
  return (
    <p className="error" role="alert">
      {errorText(error)}
    </p>
  );
}

/** A write action's state under its buttons (see `useAction`): "Working…" while a step runs, its failure after. */
export function StepStatus({ busy, error }: { busy: boolean; error?: string }) {
  return (
    <>
      {busy && <p className="muted">Working…</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

export function NotFound({ what }: { what: string }) {
  return <p className="error">Nothing here: {what}</p>;
}

/** Relative time for lists ("3 min ago"), with the exact time on hover. */
export function When({ iso }: { iso: string | number }) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <time>{isoTime(iso)}</time>;
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const text =
    s < 60
      ? `${s}s ago`
      : s < 3600
        ? `${Math.round(s / 60)} min ago`
        : s < 86400
          ? `${Math.round(s / 3600)} h ago`
          : d.toISOString().slice(0, 10);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {text}
    </time>
  );
}

export function Hash({ hash }: { hash: string }) {
  return (
    <code className="hash" title={hash}>
      {hash.slice(0, 10)}
    </code>
  );
}

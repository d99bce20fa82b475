/**
 * Client-side routing over the History API: pages are addressed by real paths (`/history/main`), which the server
 * answers with index.html, so links can be shared and reloaded.
 */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

/** Goes to `to` (a path with optional query) without reloading the page. */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** The current path and query, re-rendered on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((t) => t + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** An anchor that navigates in-app on a plain click and behaves like a normal link otherwise. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return <a {...props} onClick={onClick} />;
}

/** Path segment encoding for refs and keys (slashes in branch names stay inside one segment). */
export const seg = encodeURIComponent;

/** Types of current-bundle.js (plain JavaScript, so that bin/rat.js runs without a build step). */
export function currentBundle(dist?: URL): string | undefined;
export function rebuildInBackground(): void;

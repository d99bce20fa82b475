import type { RequestListener } from 'node:http';

/**
 * Java's Iceberg clients encode namespace and table names in paths with `URLEncoder` (`RESTUtil.encodeString`),
 * which writes a space as `+` and a literal plus as `%2B`; the reference server decodes them back with
 * `URLDecoder`. Route parameters decode `+` as itself, so a table `my table` created by PyIceberg (`%20`) would be
 * `my+table` to Spark. This rewrites `+` to `%20` in the part of an Iceberg path after `/v1/`, before any front end
 * reads it. The reference segment before `/v1/` keeps its `+` (git branch names may hold one, and clients put the
 * ref in the base URI as written), and the query is left alone (its parser already reads `+` as a space).
 *
 * @example icebergPlusAsSpace('/iceberg/dev/v1/namespaces/my+ns/tables/t') // '/iceberg/dev/v1/namespaces/my%20ns/tables/t'
 */
export function icebergPlusAsSpace(url: string): string {
  if (!url.startsWith('/iceberg/')) return url;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (!path.includes('+')) return url;
  const v1 = /^\/iceberg\/(?:[^/]+\/)?v1\//i.exec(path);
  if (!v1) return url;
  const rest = path.slice(v1[0].length).replaceAll('+', '%20');
  return path.slice(0, v1[0].length) + rest + (query < 0 ? '' : url.slice(query));
}

/** The listener with {@link icebergPlusAsSpace} applied to every request's URL first. */
export function plusAsSpace(next: RequestListener): RequestListener {
  return (req, res) => {
    if (req.url) req.url = icebergPlusAsSpace(req.url);
    next(req, res);
  };
}

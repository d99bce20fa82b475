import path from 'node:path';
import yaml from 'js-yaml';
import { InvalidProjectConfigError } from '../errors/index.ts';
import type { FsModule } from '../types.ts';
import { parseProjectConfig } from './parse-project-config.ts';
import { readProjectConfig } from './read-project-config.ts';

/**
 * Points an existing project config at another catalog, changing only the URL (comments and every other field of a
 * hand-edited `rat.yaml` stay as they are). Atomic: the new text is written aside and renamed over the file.
 * Returns the URL it had; `changed` is false when it already was `url`.
 *
 * @example await setCatalogUrl({ fs, dir }, 'http://catalog.internal:8181') // { previous: 'http://127.0.0.1:8181', changed: true, … }
 */
export async function setCatalogUrl(
  { fs, dir }: { fs: FsModule; dir: string },
  url: string,
): Promise<{ file: string; previous: string; changed: boolean }> {
  const cfg = await readProjectConfig({ fs, dir });
  const wanted = url.replace(/\/+$/, '');
  if (cfg.catalogUrl === wanted) return { file: cfg.file, previous: cfg.catalogUrl, changed: false };
  const text = await fs.promises.readFile(cfg.file, 'utf8');
  let next: string;
  if (cfg.file.endsWith('.json')) {
    const doc = JSON.parse(text) as Record<string, unknown>;
    doc['catalog'] = { url: wanted };
    next = `${JSON.stringify(doc, null, 2)}\n`;
  } else {
    const q = JSON.stringify(wanted);
    const nested = /^(catalog:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*?([ \t]+)url:[ \t]*)[^\r\n]*/m;
    const inline = /^catalog:[ \t]*[^\s#][^\r\n]*/m;
    if (nested.test(text)) next = text.replace(nested, (_m, head: string) => `${head}${q}`);
    else if (inline.test(text)) next = text.replace(inline, `catalog: ${q}`);
    else if (!/^catalog:/m.test(text)) next = `${text.replace(/\n?$/, '\n')}catalog:\n  url: ${q}\n`;
    else
      throw new InvalidProjectConfigError(
        path.basename(cfg.file),
        `cannot find catalog.url to change; set it to ${wanted} by hand`,
      );
  }
  // Checked before the file is touched: an edit that does not parse to the wanted URL is never written.
  const name = path.basename(cfg.file);
  const after = parseProjectConfig(name.endsWith('.json') ? JSON.parse(next) : yaml.load(next), name);
  if (after.catalogUrl !== wanted)
    throw new InvalidProjectConfigError(name, `cannot change catalog.url safely; set it to ${wanted} by hand`);
  const tmp = `${cfg.file}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, next);
  await fs.promises.rename(tmp, cfg.file);
  return { file: cfg.file, previous: cfg.catalogUrl, changed: true };
}

import { InvalidProjectConfigError } from '../errors/index.ts';
import type { FsModule } from '../types.ts';
import { DEFAULT_CATALOG_URL } from './default-project-config.ts';
import { configDocument, readConfigDocument } from './config-document.ts';
import { parseProjectConfig } from './parse-project-config.ts';

/**
 * Points an existing project config at another catalog, changing only the URL (comments and every other field of a
 * hand-edited `rat.yaml` stay as they are). Atomic: the new text is written aside and renamed over the file.
 * Returns the URL it had; `changed` is false when it already was `url`. The old URL is read as written, not
 * validated: this is how a file with a wrong one (`127.0.0.1:8181` without http://) is repaired, so refusing to read
 * it would leave `rat init --server` pointing at itself. The file as changed must be valid before it is written.
 *
 * @example await setCatalogUrl({ fs, dir }, 'http://catalog.internal:8181') // { previous: 'http://127.0.0.1:8181', changed: true, … }
 */
export async function setCatalogUrl(
  { fs, dir }: { fs: FsModule; dir: string },
  url: string,
): Promise<{ file: string; previous: string; changed: boolean }> {
  const cfg = await readWrittenCatalogUrl(fs, dir);
  const wanted = url.replace(/\/+$/, '');
  const text = cfg.text;
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
        cfg.file,
        'cannot find catalog.url to change',
        `Set "catalog.url" in ${cfg.file} to ${wanted} by hand`,
      );
  }
  // Checked before the file is touched: an edit that does not parse to the wanted URL is never written.
  const after = parseProjectConfig(configDocument(cfg.file, next), cfg.file);
  if (cfg.catalogUrl === wanted) return { file: cfg.file, previous: cfg.catalogUrl, changed: false };
  if (after.catalogUrl !== wanted)
    throw new InvalidProjectConfigError(
      cfg.file,
      'cannot change catalog.url safely',
      `Set "catalog.url" in ${cfg.file} to ${wanted} by hand`,
    );
  const tmp = `${cfg.file}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, next);
  await fs.promises.rename(tmp, cfg.file);
  return { file: cfg.file, previous: cfg.catalogUrl, changed: true };
}

/** The project config file, its text and the catalog URL as written there (the default when it names none). */
async function readWrittenCatalogUrl(
  fs: FsModule,
  dir: string,
): Promise<{ file: string; text: string; catalogUrl: string }> {
  const { file, text, doc } = await readConfigDocument(fs, dir);
  const catalog = (doc as { catalog?: unknown } | null)?.catalog;
  const written = typeof catalog === 'object' && catalog !== null ? (catalog as { url?: unknown }).url : catalog;
  const catalogUrl = typeof written === 'string' ? written.replace(/\/+$/, '') : DEFAULT_CATALOG_URL;
  return { file, text, catalogUrl };
}

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';

/**
 * Every relative link of the project's Markdown (README, docs, decisions, each package's README) names a file that
 * exists, and a link with a `#fragment` into a Markdown file names one of its headings as GitHub renders its anchor.
 * The docs cite each other's sections by anchor; a heading renamed or a section moved to another page (as the
 * performance log was) would otherwise leave links that open at the top of the wrong page.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' });
  // Results files are generated tables, kept as the bench wrote them.
  return out.split('\n').filter((f) => f && !f.startsWith('bench/results/'));
}

/** The text outside fenced code blocks, where a heading is a heading. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The text outside fenced code blocks and inline code spans, where a link is a link. */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

const anchorsByFile = new Map<string, Set<string>>();

function anchorsOf(file: string): Set<string> {
  let anchors = anchorsByFile.get(file);
  if (!anchors) {
    const slugger = new GithubSlugger();
    const markdown = readFileSync(file, 'utf8');
    anchors = new Set();
    for (const m of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
      // GitHub slugs the heading's rendered text: link targets and emphasis marks are not part of it.
      const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1');
      anchors.add(slugger.slug(text));
    }
    for (const m of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
    anchorsByFile.set(file, anchors);
  }
  return anchors;
}

/** Each broken relative link of one Markdown file, as `target: why`. */
function brokenLinks(rel: string): string[] {
  const file = path.join(ROOT, rel);
  const broken: string[] = [];
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
    const dest = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
    if (path.relative(ROOT, dest).startsWith('..')) {
      // Found here perhaps, but not in a clone of the repository, nor by a reader on the forge.
      broken.push(`${target}: outside the repository`);
      continue;
    }
    if (!existsSync(dest)) {
      broken.push(`${target}: no such file`);
      continue;
    }
    if (fragment && dest.endsWith('.md') && statSync(dest).isFile() && !anchorsOf(dest).has(fragment.toLowerCase())) {
      broken.push(`${target}: no heading with that anchor`);
    }
  }
  return broken;
}

/** The folders of the repository a document names files in, as `folder/…/file.ext` in a code span. */
const REPO_PATH =
  /`((?:test|catalog-server|catalog-client|iceberg|engine|cli|git-sync|hooks|bench|ui|docs|examples)\/[\w./-]+\.(?:ts|tsx|md|py|java|ya?ml|json|sh|mjs|js|sql))`/g;

/** Each file a document names by its path from the repository's root (or from the document) that does not exist. */
function missingNamedFiles(rel: string): string[] {
  const file = path.join(ROOT, rel);
  const missing: string[] = [];
  for (const m of withoutFences(readFileSync(file, 'utf8')).matchAll(REPO_PATH)) {
    const named = m[1]!;
    if (!existsSync(path.join(ROOT, named)) && !existsSync(path.resolve(path.dirname(file), named)))
      missing.push(named);
  }
  return missing;
}

describe('links between the project documents', () => {
  it('name files that exist and headings those files have', () => {
    const files = markdownFiles();
    assert.ok(files.includes('README.md') && files.includes('docs/performance.md'), 'the documents were listed');
    const problems = files.flatMap((f) => brokenLinks(f).map((b) => `${f}: ${b}`));
    assert.deepEqual(problems, []);
  });

  it('name files of the repository that exist (the performance log names files as they were then)', () => {
    const problems = markdownFiles()
      .filter((f) => f !== 'docs/performance-log.md')
      .flatMap((f) => missingNamedFiles(f).map((m) => `${f}: ${m}`));
    assert.deepEqual(problems, []);
  });

  it('slug headings as GitHub does, code spans included', () => {
    const perf = anchorsOf(path.join(ROOT, 'docs/performance.md'));
    assert.ok(perf.has('where-the-targets-stand'));
    assert.ok(!perf.has('measurements'), 'the measurements are in the performance log');
    assert.ok(anchorsOf(path.join(ROOT, 'docs/performance-log.md')).has('measurements'));
    assert.ok(anchorsOf(path.join(ROOT, 'docs/engine.md')).has('sources-bronzeyml'), '### Sources (`bronze/*.yml`)');
  });
});

import { PipelineError } from './model.ts';

/** A dbt docs block: `{% docs orders %}…{% enddocs %}` in a Markdown file, with where it is. */
export interface DocBlock {
  text: string;
  file: string;
  line: number;
}

const BLOCK_RE = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
const DOC_CALL_RE = /\{\{\s*doc\(\s*(['"])([^'"]+)\1\s*\)\s*\}\}/g;

/**
 * The docs blocks of Markdown files (dbt's), by name, their text trimmed; a name defined twice is `PIPELINE_INVALID`.
 *
 * @example docBlocks([{ file: 'silver/docs.md', text: '{% docs orders %}One row per order{% enddocs %}' }]).get('orders')?.text // 'One row per order'
 */
export function docBlocks(files: Array<{ file: string; text: string }>): Map<string, DocBlock> {
  const out = new Map<string, DocBlock>();
  for (const { file, text } of files) {
    for (const m of text.matchAll(BLOCK_RE)) {
      const line = text.slice(0, m.index).split('\n').length;
      const first = out.get(m[1]!);
      if (first) {
        throw new PipelineError(
          'PIPELINE_INVALID',
          `${file}:${line}: docs block ${m[1]} is defined twice (first at ${first.file}:${first.line})`,
          { file, line },
        );
      }
      out.set(m[1]!, { text: m[2]!.trim(), file, line });
    }
  }
  return out;
}

/**
 * A description with its `{{ doc('name') }}` calls replaced by the blocks' text; a block that does not exist is
 * `PIPELINE_INVALID` at `file:line`.
 *
 * @example withDocs("{{ doc('orders') }}", blocks, 'silver/schema.yml', 4) // 'One row per order'
 */
export function withDocs(description: string, blocks: Map<string, DocBlock>, file: string, line: number): string {
  return description.replace(DOC_CALL_RE, (_, _q: string, name: string) => {
    const block = blocks.get(name);
    if (!block) {
      throw new PipelineError(
        'PIPELINE_INVALID',
        `${file}:${line}: doc('${name}') names no docs block ({% docs ${name} %}…{% enddocs %} in a .md file of a layer folder)`,
        { file, line },
      );
    }
    return block.text;
  });
}

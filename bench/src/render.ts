/**
 * Renders a results JSON of `npm run bench` as the Markdown tables docs/performance.md shows.
 *
 * @example npx tsx bench/src/render.ts bench/results/<time>-full.json
 */
import { readFileSync } from 'node:fs';
import { RATIO_PAIRS, Recorder, type Figure, type Skipped } from './report.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/src/render.ts <results.json>');
const run = JSON.parse(readFileSync(file, 'utf8')) as {
  figures: Figure[];
  skipped: Skipped[];
  notes: string[];
  summary: { line: string };
};
const rec = new Recorder();
rec.figures.push(...run.figures);
rec.skipped.push(...run.skipped);
process.stdout.write(
  `${rec.markdown(RATIO_PAIRS)}\n` + `${run.notes.map((n) => `- ${n}`).join('\n')}\n\n\`${run.summary.line}\`\n`,
);

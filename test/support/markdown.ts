import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's documentation: the README, bench/README.md and every page under docs/. */
export function docFiles(): string[] {
  const pages = readdirSync('docs', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', 'bench/README.md', ...pages.sort()];
}

export const read = (file: string) => readFileSync(file, 'utf8');

export interface CodeBlock {
  lang: string;
  lines: string[];
  /** The HTML comment right above the fence, e.g. `docs-test: run`, or null. */
  marker: string | null;
}

/** The fenced code blocks of a page, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = lines[i]!.indexOf('```');
    const above = lines[i - 1]?.trim() ?? '';
    const marker = /^<!--\s*(.*?)\s*-->$/.exec(above)?.[1] ?? null;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    blocks.push({ lang: open[1]!, lines: body, marker });
  }
  return blocks;
}

/** The page without its fenced code blocks: prose, tables, inline code. */
export function prose(markdown: string): string {
  return markdown.replace(/^\s*```\w*\s*\n[\s\S]*?^\s*```\s*$/gm, '');
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = text!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Every `[text](target)` of a page outside code blocks. */
export function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** The rows of the first table after a heading, as arrays of cells (header and rule skipped). */
export function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return [];
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,6} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows = section.split('\n').filter((l) => l.startsWith('|'));
  return rows.slice(2).map((r) => r.slice(1, -1).split(' | ').map((c) => c.trim()));
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from '../src/common/project-root';

const SRC = join(projectRoot(), 'apps/api/src');

/** Every source file of the API (not tests, not the generated Prisma client). */
function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(name) ? [path] : [];
  });
}

/** The layer a file belongs to: `kernel`, `common`, `platform`, a domain folder, or `(root)` (composition). */
function layerOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split(sep);
  return rest.length === 0 ? '(root)' : first;
}

/** Layer → the layers its files import (relative imports inside `apps/api/src` only). */
function layerGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources()) {
    const from = layerOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(SRC + sep)) continue;
      const to = layerOf(target + '.ts');
      if (to !== from) targets.add(to);
    }
  }
  return graph;
}

/** Strongly connected sets of more than one layer: import loops between folders. */
function loops(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        set.push(w);
      } while (w !== v);
      if (set.length > 1) found.push(set.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * The layering of docs/architecture.md, checked on the import graph: the kernel imports nothing of
 * the app, common only the kernel, the platform no domain, and no two folders import each other,
 * however indirectly. (ESLint's no-cycle checks files; this checks folders.)
 */
describe('the layers of apps/api/src', () => {
  const graph = layerGraph();
  const importsOf = (layer: string) => [...(graph.get(layer) ?? [])].sort();

  it('keeps the kernel free of the app, common on the kernel, and the platform below every domain', () => {
    expect(importsOf('kernel')).toEqual([]);
    expect(importsOf('common')).toEqual(importsOf('common').filter((l) => l === 'kernel'));
    expect(importsOf('platform').filter((l) => !['common', 'kernel'].includes(l))).toEqual([]);
  });

  it('keeps sealing below every domain: crypto knows no table, no audit, no change feed', () => {
    expect(importsOf('crypto').filter((l) => !['common', 'kernel', 'platform'].includes(l))).toEqual([]);
    const crypto = sources(join(SRC, 'crypto')).map((f) => readFileSync(f, 'utf8'));
    expect(crypto.filter((text) => /\b(FROM|UPDATE)\s+(signing_keys|user_secrets)\b/.test(text))).toEqual([]);
    expect(crypto.filter((text) => /change-feed|audit/.test(text))).toEqual([]);
  });

  it('leaves the settings table to settings, and the cache bump after writes to the cache platform', () => {
    const outside = sources().filter((f) => !f.startsWith(join(SRC, 'settings') + sep) && /\bFROM settings\b/.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(SRC, f))).toEqual([]);
    const databaseInterceptors = sources(join(SRC, 'platform/database')).filter((f) => /ChangeFeed|LeavesPolicyUnchanged/.test(readFileSync(f, 'utf8')));
    expect(databaseInterceptors.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('has repositories throw domain errors, never HTTP problems', () => {
    const repositories = sources().filter((f) => f.endsWith('.repository.ts'));
    expect(repositories.length).toBeGreaterThan(10);
    expect(repositories.filter((f) => /ProblemError|kernel\/problem|platform\/http/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('opens transactions only through the one helper: no $transaction and no transaction client outside the database platform', () => {
    const outside = sources().filter((f) => !f.startsWith(join(SRC, 'platform/database') + sep));
    expect(outside.filter((f) => /\$transaction\(|TransactionClient|\bDb\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('uses no forwardRef: a lower module declares a port, a higher one provides it', () => {
    expect(sources().filter((f) => readFileSync(f, 'utf8').includes('forwardRef'))).toEqual([]);
  });

  it('has no import loop between folders', () => {
    expect(loops(graph)).toEqual([]);
  });

  it('sees a loop when there is one', () => {
    const looped = new Map([...graph].map(([k, v]) => [k, new Set(v)]));
    looped.get('kernel')!.add('audit');
    looped.set('audit', new Set([...(looped.get('audit') ?? []), 'kernel']));
    expect(loops(looped).length).toBeGreaterThan(0);
  });
});

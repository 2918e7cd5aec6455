import { repoRoot } from '@ddx/local-services';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

interface LockEntry {
  dev?: boolean;
  link?: boolean;
}

/**
 * A model of the api/worker runtime images' /app, built from this machine's
 * node_modules without a registry: every package `npm ci --omit=dev` would install
 * (lockfile entries not marked dev, at the same paths), hard-linked, then
 * docker/prod-deps-fixups.sh — exactly what the prod-deps stage runs — and the app's
 * dist folder beside it. Processes started from it can only load what the image has.
 */
export function buildProductionTree(apps: string[]): { dir: string; remove(): void } {
  const root = repoRoot();
  // Outside the repository, or require() would walk up into the full node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'ddx-deploy-prod-tree-'));
  for (let up = dirname(dir); ; up = dirname(up)) {
    if (existsSync(join(up, 'node_modules'))) throw new Error(`${up}/node_modules would leak into the production tree model`);
    if (dirname(up) === up) break;
  }
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev || entry.link) continue;
    const source = join(root, key);
    if (!existsSync(source)) continue; // optional, for another platform
    mirrorPackage(source, join(dir, key));
  }
  const fixups = spawnSync('sh', [join(root, 'docker', 'prod-deps-fixups.sh'), dir], { encoding: 'utf8' });
  if (fixups.status !== 0) throw new Error(`docker/prod-deps-fixups.sh failed: ${fixups.stderr}`);
  for (const app of apps) cpSync(join(root, 'dist', 'apps', app), join(dir, app), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The package's own files; its nested node_modules are separate lockfile entries. */
function mirrorPackage(source: string, target: string, nested = false): void {
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    if (name === 'node_modules' && !nested) continue;
    const from = join(source, name);
    const to = join(target, name);
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (stat.isDirectory()) mirrorPackage(from, to, true);
    else {
      try {
        linkSync(from, to); // cheap when the temp dir shares the repository's file system
      } catch {
        copyFileSync(from, to);
      }
    }
  }
}

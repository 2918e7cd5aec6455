import { NODE_FLAGS, PROCESS_ENV, repoRoot } from '@ddx/local-services';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small Dockerfile linter for docker/*.Dockerfile (hadolint is not available here):
 * the rules this deployment promises, checked on the parsed instructions.
 */

const root = repoRoot();
const dockerDir = join(root, 'docker');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    const start = i + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = `${line.trimEnd().slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) instructions.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start });
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [from, as, name] = ins.args.split(/\s+/);
      stages.push({ from: from as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (!stages.length && ins.keyword === 'ARG') {
      const [k, v] = ins.args.split('=');
      args[k as string] = v ?? '';
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return { args, stages };
}

/** A stage's base image with global ARG defaults substituted. */
function baseImage(stage: Stage, args: Record<string, string>): string {
  return stage.from.replace(/\$\{?([A-Z_]+)\}?/g, (_m, name: string) => args[name] ?? '');
}

/** Instructions of a stage and of every stage it is built FROM, oldest first. */
function lineage(stage: Stage, stages: Stage[]): Instruction[] {
  const parent = stages.find((s) => s.name && s.name === stage.from);
  return [...(parent ? lineage(parent, stages) : []), ...stage.instructions];
}

const dockerfiles = readdirSync(dockerDir).filter((f) => f.endsWith('.Dockerfile'));

describe('Dockerfiles', () => {
  it('exist for api, worker and web (plus the dev-only emulator and WebDAV server)', () => {
    expect(dockerfiles.sort()).toEqual(['api.Dockerfile', 'gdrive-emulator.Dockerfile', 'web.Dockerfile', 'webdav-dev.Dockerfile', 'worker.Dockerfile']);
  });

  describe.each(dockerfiles)('%s', (file) => {
    const text = readFileSync(join(dockerDir, file), 'utf8');
    const { args, stages } = parseDockerfile(text);
    const final = stages.at(-1) as Stage;
    const all = stages.flatMap((s) => s.instructions);

    it('is multi-stage, from small pinned official images', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      for (const stage of stages) {
        if (stages.some((s) => s.name === stage.from)) continue; // built on an earlier stage
        expect(baseImage(stage, args)).toMatch(/^(node:20-bookworm-slim|nginx:1\.27-alpine)$/);
      }
    });

    it('runs the final stage as a non-root user', () => {
      const users = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
      expect(users.length).toBeGreaterThan(0);
      expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    });

    it('declares a HEALTHCHECK in the final stage', () => {
      const checks = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
      expect(checks).toHaveLength(1);
      expect(checks[0]?.args).toMatch(/CMD \[/);
      // The scripts it runs are copied into the image.
      for (const script of (checks[0]?.args.match(/\/usr\/local\/lib\/ddx\/\S+?\.js/g) ?? [])) {
        expect(final.instructions.some((i) => i.keyword === 'COPY' && i.args.endsWith(script))).toBe(true);
      }
    });

    it('installs dependencies from the lockfile in their own layer, before the sources are copied', () => {
      for (const stage of stages) {
        const chain = lineage(stage, stages);
        const npmCi = chain.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
        const copyAll = chain.findIndex((i) => i.keyword === 'COPY' && /^(--\S+\s+)*\.\s+\.$/.test(i.args));
        if (copyAll === -1) continue;
        expect({ stage: stage.name, npmCiBeforeSources: npmCi !== -1 && npmCi < copyAll }).toEqual({ stage: stage.name, npmCiBeforeSources: true });
        const manifests = chain.findIndex((i) => i.keyword === 'COPY' && /package\.json/.test(i.args) && /package-lock\.json/.test(i.args));
        expect({ stage: stage.name, lockfileFirst: manifests !== -1 && manifests < npmCi }).toEqual({ stage: stage.name, lockfileFirst: true });
      }
      expect(all.filter((i) => i.keyword === 'RUN' && /\bnpm (install|i)\b/.test(i.args))).toEqual([]);
    });

    it('never downloads with ADD and never bakes secrets into ENV or ARG', () => {
      expect(all.filter((i) => i.keyword === 'ADD')).toEqual([]);
      const declared = [...Object.keys(args), ...all.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG').flatMap((i) => i.args.split(/\s+/).map((kv) => kv.split('=')[0]))];
      expect(declared.filter((name) => /SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$|CREDENTIAL/i.test(name ?? ''))).toEqual([]);
    });

    it('copies only files the build context contains (.dockerignore keeps them)', () => {
      const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
      for (const copy of all.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args.replace(/--\S+\s+/g, '').split(/\s+/).slice(0, -1);
        for (const source of sources) {
          if (source === '.') continue;
          expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
          const top = source.split('/')[0] as string;
          expect({ source, ignored: ignored.includes(top) || ignored.includes(source) }).toEqual({ source, ignored: false });
        }
      }
    });
  });

  it('api and worker start with the same Node flags and environment as every local launcher (NODE_FLAGS, PROCESS_ENV)', () => {
    for (const app of ['api', 'worker'] as const) {
      const { stages } = parseDockerfile(readFileSync(join(dockerDir, `${app}.Dockerfile`), 'utf8'));
      const cmd = (stages.at(-1) as Stage).instructions.filter((i) => i.keyword === 'CMD').at(-1);
      expect({ app, cmd: JSON.parse(cmd?.args ?? '[]') }).toEqual({ app, cmd: ['node', ...NODE_FLAGS[app], '/app/main.js'] });
      const envs = (stages.at(-1) as Stage).instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/));
      for (const [key, value] of Object.entries(PROCESS_ENV[app])) expect({ app, env: envs }).toEqual({ app, env: expect.arrayContaining([`${key}=${value}`]) });
    }
  });

  it('api and worker runtimes get production dependencies only', () => {
    for (const file of ['api.Dockerfile', 'worker.Dockerfile']) {
      const { stages } = parseDockerfile(readFileSync(join(dockerDir, file), 'utf8'));
      const final = stages.at(-1) as Stage;
      const fromStage = (final.instructions.find((i) => i.keyword === 'COPY' && /node_modules/.test(i.args))?.args.match(/--from=(\S+)/) ?? [])[1];
      const source = stages.find((s) => s.name === fromStage);
      expect({ file, prodOnly: source?.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)) }).toEqual({ file, prodOnly: true });
      expect({ file, fromBuildStage: source?.from }).toEqual({ file, fromBuildStage: expect.stringContaining('NODE_IMAGE') });
    }
  });
});

describe('.dockerignore', () => {
  const entries = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps local state, build output and secrets out of the build context', () => {
    for (const must of ['node_modules', 'dist', '.data', '.git', 'coverage', 'tools/ferretdb/ferretdb', '.env', '.nx', '.angular']) {
      expect(entries).toContain(must);
    }
    expect(entries).toContain('!.env.example');
  });
});

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectRoot } from '../../src/config/config.js';

/** No docker engine here: the compose file and Dockerfile are checked by structure. */
const root = projectRoot();
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const ServiceSchema = z
  .object({
    image: z.string().optional(),
    build: z.unknown().optional(),
    command: z.array(z.string()).optional(),
    environment: z.union([z.record(z.string(), z.string().nullable()), z.array(z.string())]).optional(),
    ports: z.array(z.string()).optional(),
    volumes: z.array(z.string()).optional(),
    depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
    healthcheck: z
      .object({ test: z.array(z.string()) })
      .passthrough()
      .optional(),
    hostname: z.string().optional(),
    entrypoint: z.array(z.string()).optional(),
    profiles: z.array(z.string()).optional(),
  })
  .passthrough();
const ComposeSchema = z.object({
  services: z.record(z.string(), ServiceSchema),
  volumes: z.record(z.string(), z.unknown()),
});

const compose = ComposeSchema.parse(parse(read('docker-compose.yml'), { merge: true }));
const svc = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
/** Environment as [name, value | undefined (passed through from the shell)]. */
const envOf = (name: string): Map<string, string | undefined> => {
  const env = svc(name).environment ?? {};
  if (Array.isArray(env))
    return new Map(
      env.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, undefined])),
    );
  return new Map(Object.entries(env).map(([k, v]) => [k, v ?? undefined]));
};

describe('docker-compose.yml', () => {
  it('has the services: postgresql, the schema job, temporal, the namespace job, temporal-ui, drover-worker and the optional drover-codec', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'drover-codec',
      'drover-worker',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
    ]);
    expect(svc('postgresql').image).toBe('postgres:16');
    // the server image of today's Temporal convention (auto-setup is deprecated), pinned, overridable
    expect(svc('temporal').image).toMatch(/^temporalio\/server:\$\{TEMPORAL_VERSION:-\d+\.\d+\.\d+\}$/);
    for (const job of ['temporal-schema', 'temporal-namespace'])
      expect(svc(job).image, job).toBe(svc('temporal').image?.replace('temporalio/server', 'temporalio/admin-tools'));
    expect(svc('temporal-ui').image).toMatch(/^temporalio\/ui:\$\{TEMPORAL_UI_VERSION:-\d+\.\d+\.\d+\}$/);
    expect(svc('drover-codec').profiles).toEqual(['codec']);
  });

  it('postgres has a volume and a health check; the schema job runs when it is healthy, the server after the schema job, the namespace job once the server is healthy', () => {
    expect(svc('postgresql').volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(svc('postgresql').healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(svc('temporal-schema').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(svc('temporal').depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(svc('temporal-namespace').depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const name of ['temporal-schema', 'temporal']) {
      const env = envOf(name);
      expect(env.get('DB'), name).toBe('postgres12');
      expect(env.get('POSTGRES_SEEDS'), name).toBe('postgresql');
      expect(env.get('POSTGRES_USER'), name).toBe('temporal');
    }
    expect(envOf('temporal').get('DYNAMIC_CONFIG_FILE_PATH')).toBe('config/dynamicconfig/development-sql.yaml');
    expect(svc('temporal').volumes).toContain('./deploy/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
    expect(read('deploy/dynamicconfig/development-sql.yaml')).toContain('limit.maxIDLength');
    // a check that works in the server image (it has nc, not the temporal CLI)
    expect(svc('temporal').healthcheck?.test).toEqual(['CMD', 'nc', '-z', '127.0.0.1', '7233']);
    expect(envOf('temporal-namespace').get('TEMPORAL_ADDRESS')).toBe('temporal:7233');
  });

  it('the jobs run the scripts under deploy/temporal, which exist, are POSIX sh and name the schema directories of the image', () => {
    const scripts = { 'temporal-schema': 'setup-schema.sh', 'temporal-namespace': 'create-namespace.sh' };
    for (const [job, script] of Object.entries(scripts)) {
      expect(svc(job).volumes, job).toEqual(['./deploy/temporal:/drover-deploy:ro']);
      expect(svc(job).entrypoint, job).toEqual(['/bin/sh', `/drover-deploy/${script}`]);
      expect(read(`deploy/temporal/${script}`).startsWith('#!/bin/sh\n'), script).toBe(true);
    }
    const schema = read('deploy/temporal/setup-schema.sh');
    expect(schema).toContain('/etc/temporal/schema/postgresql/v12');
    expect(schema).toMatch(/temporal:temporal temporal_visibility:visibility/);
    expect(read('deploy/temporal/create-namespace.sh')).toContain('operator namespace create');
  });

  it('publishes gRPC, the Web UI and the codec server on localhost only', () => {
    expect(svc('temporal').ports).toEqual(['127.0.0.1:7233:7233']);
    expect(svc('temporal-ui').ports).toEqual(['127.0.0.1:8080:8080']);
    expect(svc('drover-codec').ports).toEqual(['127.0.0.1:8888:8888']);
    expect(svc('postgresql').ports).toBeUndefined();
  });

  it('the Web UI talks to temporal:7233, allows its origin and can point at the codec server', () => {
    const env = envOf('temporal-ui');
    expect(env.get('TEMPORAL_ADDRESS')).toBe('temporal:7233');
    expect(env.get('TEMPORAL_CORS_ORIGINS')).toBe('http://localhost:8080');
    expect(env.has('TEMPORAL_CODEC_ENDPOINT')).toBe(true);
    expect(svc('temporal-ui').depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
  });

  it('the worker: built image, `drover worker`, fixed host id, its own volume, secrets passed through only', () => {
    const worker = svc('drover-worker');
    expect(worker.build).toBe('.');
    expect(worker.command).toEqual(['worker']);
    expect(worker.depends_on).toEqual({ 'temporal-namespace': { condition: 'service_completed_successfully' } });
    const env = envOf('drover-worker');
    expect(env.get('TEMPORAL_ADDRESS')).toBe('temporal:7233');
    expect(env.get('DROVER_HOST_ID')).toBe('drover-worker-1');
    expect(worker.hostname).toBe('drover-worker-1');
    expect(env.get('DROVER_HOME')).toBe('/var/lib/drover');
    expect(env.get('DROVER_WORKSPACE')).toBe('/var/lib/drover/workspace');
    expect(worker.volumes).toEqual(['drover-worker-1:/var/lib/drover']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['drover-worker-1', 'postgresql-data']);
    for (const secret of [
      'GITHUB_TOKEN',
      'ANTHROPIC_API_KEY',
      'DROVER_CODEC_KEY',
      'DROVER_CODEC_KEYS',
      'DROVER_WEBHOOK_URL',
    ]) {
      expect(env.has(secret), secret).toBe(true);
      expect(env.get(secret), `${secret} must pass through, not be inlined`).toBeUndefined();
    }
  });

  it('the codec server binds 0.0.0.0:8888 in its container, allows the Web UI origin, takes keys and token from the shell', () => {
    const codec = svc('drover-codec');
    expect(codec.command).toEqual([
      'codec-server',
      '--host',
      '0.0.0.0',
      '--port',
      '8888',
      '--cors-origin',
      'http://localhost:8080',
    ]);
    const env = envOf('drover-codec');
    for (const name of ['DROVER_CODEC_KEY', 'DROVER_CODEC_KEYS', 'DROVER_CODEC_AUTH_TOKEN'])
      expect(env.get(name)).toBeUndefined();
    expect(codec.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('inlines no secret value anywhere (only the throwaway local postgres default)', () => {
    const text = read('docker-compose.yml');
    expect(text).not.toMatch(/(sk-ant-|ghp_|github_pat_|xox[bp]-)/);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of envOf(name)) {
        if (/TOKEN|KEY|SECRET|WEBHOOK_URL/.test(key)) expect(value, `${name}.${key}`).toBeUndefined();
        if (/PASSWORD|PWD/.test(key)) expect(value, `${name}.${key}`).toBe('${POSTGRES_PASSWORD:-temporal}');
      }
      expect(s.environment === undefined || typeof s.environment === 'object').toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('is node:24-bookworm-slim with tmux, git and ps from apt, and npm ci of the lock file', () => {
    expect(instructions[0]).toBe('FROM node:24-bookworm-slim');
    const apt = instructions.find((line) => line.includes('apt-get install'));
    const packages = apt?.split(/\s+/).filter((word) => /^[a-z][a-z0-9.+-]*$/.test(word)) ?? [];
    expect(packages).toEqual(expect.arrayContaining(['tmux', 'git', 'procps', 'ca-certificates']));
    expect(instructions).toContain('COPY package.json package-lock.json ./');
    expect(instructions.some((line) => /^RUN npm ci\b/.test(line))).toBe(true);
  });

  it('installs the agent CLIs pinned in package.json as regular dependencies (npm ci --omit=dev keeps them)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    for (const cli of ['@anthropic-ai/claude-code', '@openai/codex', '@google/gemini-cli'])
      expect(pkg.dependencies[cli]).toMatch(/^\d+\.\d+\.\d+$/);
    // tsx (and its esbuild): bin/compiled-src.mjs compiles the sources with esbuild, tsx is the fallback and runs the bundle builder
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it('compiles the sources while node_modules is writable, before switching to the node user', () => {
    const compile = instructions.indexOf('RUN node bin/drover.mjs --version');
    expect(compile).toBeGreaterThan(instructions.indexOf('COPY src ./src'));
    expect(compile).toBeLessThan(instructions.indexOf('USER node'));
  });

  it('runs `bin/drover worker` (the launcher users run) as the unprivileged node user with state on a volume', () => {
    expect(instructions).toContain('ENTRYPOINT ["bin/drover"]');
    expect(instructions.at(-1)).toBe('CMD ["worker"]');
    expect(instructions).toContain('USER node');
    expect(instructions).toContain('VOLUME /var/lib/drover');
  });

  it('every COPY source exists and is not excluded by .dockerignore', () => {
    const ignored = new Set(
      read('.dockerignore')
        .split('\n')
        .map((l) => l.trim()),
    );
    const sources = instructions
      .filter((line) => line.startsWith('COPY '))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources).toEqual(['package.json', 'package-lock.json', 'bin', 'src', 'scenarios', 'tsconfig.json']);
    for (const source of sources) {
      expect(existsSync(path.join(root, source)), source).toBe(true);
      expect(ignored.has(source), source).toBe(false);
    }
  });

  it('.dockerignore keeps node_modules, local state, git and env files out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.drover', '.git', '.env', 'test']));
    for (const needed of ['bin', 'src', 'package.json', 'package-lock.json']) expect(ignored).not.toContain(needed);
  });
});

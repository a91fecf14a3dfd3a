import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { parseReadableLine } from '../src/testing/readable-log-line.parser';
import { expectStatusAnswer } from './support/status-contract';

const ROOT = resolve(__dirname, '..');
const BUNDLES = ['status', 'events'].map((entry) => join(ROOT, 'dist/lambda', entry, 'index.js'));

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** An address of this machine that is not loopback, when it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
}

/** What a child printed: stdout and stderr apart, and both in the order they came. */
interface Printed {
  output: string;
  stdout: string;
  stderr: string;
}

/** Keeps what `child` prints. */
function record(child: ChildProcess): Printed {
  const printed: Printed = { output: '', stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => {
      printed[stream] += chunk.toString();
      printed.output += chunk.toString();
    });
  }
  return printed;
}

/** Resolves once `child` has printed `text`; rejects if it exits first. */
function untilPrinted(child: ChildProcess, printed: Printed, text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      if (!printed.output.includes(text)) return;
      settle();
      resolvePromise();
    };
    const exited = (code: number | null) => {
      settle();
      reject(new Error(`exited with ${code} before printing ${JSON.stringify(text)}:\n${printed.output}`));
    };
    const settle = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', exited);
    check();
  });
}

/** Starts `command`, resolving once a line of its output contains `ready`. */
async function started(command: string, args: string[], env: NodeJS.ProcessEnv, ready: string) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const printed = record(child);
  await untilPrinted(child, printed, ready);
  return {
    child,
    output: () => printed.output,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    /** Resolves once it has printed `text`. */
    printed: (text: string) => untilPrinted(child, printed, text),
  };
}

/** Runs `command` to its end. */
async function ran(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = record(child);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, ...printed };
}

/** Waits until the child and whatever it started have exited, their output all read. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const closed = once(child, 'close');
  process.kill(-child.pid, 'SIGTERM'); // npm and the server it started
  await closed;
}

/** The environment of a developer's shell: no LOG_FORMAT, metrics not switched off as the tests' are. */
function developerEnv(variables: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOG_FORMAT, POWERTOOLS_METRICS_DISABLED, ...env } = process.env;
  return { ...env, ...variables };
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** GET `url`: its status, its answer checked against the contract; or the reason it failed. */
const get = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
    async (response) => {
      expectStatusAnswer(
        response.status,
        response.headers.get('content-type') ?? undefined,
        await response.text(),
      );
      return response.status;
    },
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
  );

/** The local servers as a developer starts them: `npm start` and `npm run start:aws`. */
describe('the local servers', () => {
  let child: ChildProcess | undefined;

  afterEach(() => stop(child));

  it('npm start listens on 127.0.0.1 only, unless HOST says otherwise', async () => {
    // Prepare: what `npm start` runs once build:local is done (npm test builds it).
    const port = await freePort();

    // Act
    const server = await started(
      process.execPath,
      ['build/local/local/start.js'],
      { ...process.env, PORT: String(port), HOST: '', POWERTOOLS_LOG_LEVEL: 'SILENT' },
      'Status service on local AWS',
    );
    child = server.child;

    // Assess
    expect(server.output()).toContain(`curl http://127.0.0.1:${port}/status`);
    expect(await get(`http://127.0.0.1:${port}/status`)).toBe(200);
    const other = nonLoopbackAddress();
    if (other !== undefined) expect(await get(`http://${other}:${port}/status`)).toBe('ECONNREFUSED');
  });

  it('npm start prints a banner, then one readable line per event: no JSON, no metric lines, no warning', async () => {
    // Prepare
    const port = await freePort();
    const server = await started(
      process.execPath,
      ['build/local/local/start.js'],
      developerEnv({ PORT: String(port), HOST: '', POWERTOOLS_LOG_LEVEL: 'INFO' }),
      'Ctrl-C stops the service',
    );
    child = server.child;

    // Act: the first GET /status heals linux-arm64, the demo's lost event
    expect(await get(`http://127.0.0.1:${port}/status`)).toBe(200);
    await server.printed('SSM runner config now uses the AMI');
    await stop(child);

    // Assess
    const stdout = server.stdout();
    expect(stdout).toContain(`Status service on local AWS: curl http://127.0.0.1:${port}/status`);
    expect(stdout).toContain('linux-arm64  building for 120 min');
    expect(stdout).toContain(`Node.js ${process.version}. Ctrl-C stops the service and the local AWS.`);
    expect(lines(server.output()).filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(stdout).not.toContain('"_aws"');
    expect(stdout).not.toContain('dependencies initialized');
    const events = lines(stdout).flatMap((line) => parseReadableLine(line) ?? []);
    expect(events).toContainEqual({
      time: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      level: 'INFO',
      message: 'Preset set ready with the new AMI',
      fields: { preset: 'linux-arm64', outcome: 'ready', amiId: 'ami-0a1b2c3d4e5f60002' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        message: 'GitHub accepts the App',
        fields: { outcome: 'connected', appSlug: 'spot-runner-local' },
      }),
    );
    expect(events.at(-1)).toMatchObject({ message: 'Stopping the service and the local AWS' });
    expect(server.stderr()).not.toContain('Warning');
  });

  it('npm start with LOG_FORMAT=json prints what the Lambda prints: Powertools JSON lines and EMF', async () => {
    // Prepare
    const port = await freePort();
    const server = await started(
      process.execPath,
      ['build/local/local/start.js'],
      developerEnv({ PORT: String(port), HOST: '', POWERTOOLS_LOG_LEVEL: 'INFO', LOG_FORMAT: 'json' }),
      'Status service on local AWS',
    );
    child = server.child;

    // Act
    expect(await get(`http://127.0.0.1:${port}/status`)).toBe(200);
    await server.printed('"PresetsCorrected"');
    await stop(child);

    // Assess: every line JSON, but the one that says where the service is
    const [plain, ...others] = lines(server.stdout()).filter((line) => !line.startsWith('{'));
    expect(plain).toBe(
      `Status service on local AWS: curl http://127.0.0.1:${port}/status (or open it in a browser)`,
    );
    expect(others).toEqual([]);
    const printed = lines(server.stdout())
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(printed).toContainEqual(
      expect.objectContaining({ level: 'INFO', context: 'InstanceLoader', service: 'spot-runner-status' }),
    );
    expect(printed).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Preset set ready with the new AMI',
        service: 'spot-runner-status',
        preset: 'linux-arm64',
        outcome: 'ready',
      }),
    );
    expect(printed).toContainEqual(
      expect.objectContaining({ _aws: expect.any(Object), TargetState: 'ready', PresetsCorrected: 1 }),
    );
    expect(server.stderr()).not.toContain('Warning');
  });

  it('a bad LOG_FORMAT stops npm start before it starts anything, naming the variable and its values', async () => {
    // Act
    const { code, stdout, stderr } = await ran(
      process.execPath,
      ['build/local/local/start.js'],
      developerEnv({ PORT: String(await freePort()), LOG_FORMAT: 'yaml' }),
    );

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe(
      'The local server could not start: Invalid configuration: LOG_FORMAT must be text (readable lines, ' +
        'the default) or json (the Lambda\'s JSON lines and metric lines); got "yaml"\n',
    );
    expect(stdout).toBe('');
  });

  it('npm run start:aws serves the real AWS endpoints it is given and leaves the production bundles alone', async () => {
    // Prepare
    const localAws = await LocalAws.start();
    try {
      await localAws.dynamoDb.put(
        localAws.tableName,
        amiRecord('linux-x64', { status: 'building', updatedAt: new Date().toISOString() }),
      );
      const bundlesBefore = BUNDLES.map((bundle) => statSync(bundle).mtimeMs);
      const port = await freePort();

      // Act
      const server = await started(
        'npm',
        ['run', 'start:aws'],
        {
          ...process.env,
          ...localAws.environment(),
          PORT: String(port),
          HOST: '',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
        'Status service listening',
      );
      child = server.child;

      // Assess
      expect(await get(`http://127.0.0.1:${port}/status`)).toBe(200);
      expect(BUNDLES.map((bundle) => statSync(bundle).mtimeMs)).toEqual(bundlesBefore);
      // Readable by default, as npm start
      expect(lines(server.stdout()).flatMap((line) => parseReadableLine(line) ?? [])).toContainEqual({
        time: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        level: 'INFO',
        message: `Status service listening on http://127.0.0.1:${port}/status`,
        fields: { host: '127.0.0.1', port: String(port) },
      });
      expect(server.output()).not.toContain('{"level"');
    } finally {
      await stop(child);
      await localAws.stop();
    }
  }, 180_000);
});

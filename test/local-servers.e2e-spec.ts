import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
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

/** Starts `command`, resolving once a line of its output contains `ready`. */
async function started(command: string, args: string[], env: NodeJS.ProcessEnv, ready: string) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  await new Promise<void>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolvePromise();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`)),
    );
  });
  return { child, output: () => output };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM'); // npm and the server it started
  await exited;
}

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
    } finally {
      await stop(child);
      await localAws.stop();
    }
  }, 180_000);
});

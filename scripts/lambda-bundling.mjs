// How a Lambda entry point becomes one self-contained file. The input is the ES module build
// of src/ (tsconfig.bundle.json): tsc keeps the decorator metadata Nest's dependency injection
// needs (esbuild alone would drop it), and ES module imports let esbuild drop what is never
// imported: most of the AWS SDK clients and of rxjs. A cold start is mostly V8 compiling the
// file, so every kilobyte left out is start-up time saved.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Packages that Nest and Express load at start-up for features this service never uses: file
 * uploads (multer), file-type sniffing, request bodies in other charsets (iconv-lite) or in
 * URL-encoded form and extended query strings (qs: Express's default query parser is Node's
 * querystring), and .env files (the configuration comes from the environment only). Each is
 * replaced by a stub that fails loudly if anything ever calls it.
 */
const UNUSED_AT_RUNTIME = ['multer', 'file-type', 'iconv-lite', 'qs', 'dotenv', 'dotenv-expand'];

const leaveOutUnused = {
  name: 'leave-out-unused',
  setup(bundle) {
    const unused = new RegExp(`^(${UNUSED_AT_RUNTIME.join('|')})(/.*)?$`);
    bundle.onResolve({ filter: unused }, ({ path }) => ({ path, namespace: 'left-out' }));
    bundle.onLoad({ filter: /.*/, namespace: 'left-out' }, ({ path }) => ({
      // A default import, or any property of it, is this function; `new` on it throws too.
      // (A named import of a stub is undefined: esbuild copies only a module's own keys.)
      contents: `function fail() { throw new Error(${JSON.stringify(path)} + ' is left out of this bundle'); }
module.exports = new Proxy(fail, { get: (target, key) => (key === '__esModule' ? false : fail) });`,
      loader: 'js',
    }));
  },
};

/**
 * Nest's fallback import of @nestjs/platform-express, for an application created without an
 * HTTP adapter; the service always passes its ExpressAdapter. Left in, that one dynamic
 * import makes esbuild wrap Nest, Express and rxjs (some 400 modules) in lazy initialisers,
 * so V8 parses their code twice at start-up: about 15 ms of a cold start.
 */
const noFallbackHttpAdapter = {
  name: 'no-fallback-http-adapter',
  setup(bundle) {
    bundle.onResolve({ filter: /^@nestjs\/platform-express$/ }, ({ path, kind }) =>
      kind === 'dynamic-import' ? { path, namespace: 'no-fallback-http-adapter' } : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'no-fallback-http-adapter' }, () => ({
      contents: `export class ExpressAdapter {
  constructor() { throw new Error('@nestjs/platform-express is left out of this bundle: pass an ExpressAdapter to NestFactory.create'); }
}`,
      loader: 'js',
    }));
  },
};

/**
 * rxjs as ES modules. Its package exports its CommonJS build to the `node` condition, which
 * esbuild cannot tree-shake (169 KiB); Nest uses a handful of its operators (18 KiB).
 */
const rxjsAsEsModules = {
  name: 'rxjs-as-es-modules',
  setup(bundle) {
    const esmBuild = require.resolve('rxjs/package.json').replace(/package\.json$/, 'dist/esm/');
    bundle.onResolve({ filter: /^rxjs(\/operators)?$/ }, ({ path }) => ({
      path: `${esmBuild}${path === 'rxjs' ? 'index.js' : 'operators/index.js'}`,
    }));
  },
};

/**
 * Express gives a response its charset from mime-db, the list of every known media type
 * (147 KiB, and a map built from it at start-up). The service answers JSON, and HTML for a
 * browser (the status page); these are those and the types Express itself can fall back on.
 */
const MEDIA_TYPES_ANSWERED = ['application/json', 'application/octet-stream', 'text/html', 'text/plain'];

const mediaTypesAnswered = {
  name: 'media-types-answered',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]mime-db[\\/]db\.json$/ }, async ({ path }) => {
      const database = JSON.parse(await readFile(path, 'utf8'));
      const answered = MEDIA_TYPES_ANSWERED.map((type) => {
        if (!database[type]) throw new Error(`${path} has no entry for ${type}`);
        return [type, database[type]];
      });
      return { contents: JSON.stringify(Object.fromEntries(answered)), loader: 'json' };
    });
  },
};

/**
 * Nest's two logger modules each build an Intl.DateTimeFormat as they load, for the console
 * logger this service replaces with its JSON logger. The first one built loads ICU's locale
 * data: about 14 ms of every cold start. Here each is built on its first use instead. The
 * build fails if Nest's code no longer reads as expected, so an upgrade cannot skip the
 * change silently.
 */
const NEST_LOGGER_MODULES = /[\\/]@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/;
const EAGER_FORMATTER = 'const dateTimeFormatter = new Intl.DateTimeFormat(';
const FORMATTER_USE = /dateTimeFormatter(?!\.format\()(?! = )/;
const FORMAT_ON_FIRST_USE = `
function formatOnFirstUse(locales, options) {
  let formatter;
  return { format: (date) => (formatter ??= new Intl.DateTimeFormat(locales, options)).format(date) };
}
`;

const nestFormattersOnFirstUse = {
  name: 'nest-formatters-on-first-use',
  setup(bundle) {
    let changed = 0;
    bundle.onStart(() => {
      changed = 0;
    });
    bundle.onLoad({ filter: NEST_LOGGER_MODULES }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (source.split(EAGER_FORMATTER).length !== 2 || FORMATTER_USE.test(source)) {
        throw new Error(
          `${path} no longer builds one formatter and only calls its format(): review this step`,
        );
      }
      changed++;
      const contents = source.replace(EAGER_FORMATTER, 'const dateTimeFormatter = formatOnFirstUse(');
      return { contents: contents + FORMAT_ON_FIRST_USE, loader: 'js' };
    });
    bundle.onEnd((result) => {
      if (result.errors.length === 0 && changed !== 2) {
        return { errors: [{ text: `expected Nest's 2 logger modules in the bundle, found ${changed}` }] };
      }
    });
  },
};

// Nest loads these lazily and runs without them; the service uses none of them.
const NEST_OPTIONAL = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  'class-transformer',
  'class-validator',
];

/** The esbuild options every Lambda bundle is built with, the benchmarks' baseline included. */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // The AWS SDK publishes ES modules under `module`: only those can be tree-shaken.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Bundles `entry` (an ES module of the tsconfig.bundle.json build) into `outfile`. */
export async function bundleLambda({ entry, outfile }) {
  return build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    // Nest names providers and modules in its messages and logs.
    keepNames: true,
    external: NEST_OPTIONAL,
    plugins: [
      leaveOutUnused,
      noFallbackHttpAdapter,
      rxjsAsEsModules,
      mediaTypesAnswered,
      nestFormattersOnFirstUse,
    ],
  });
}

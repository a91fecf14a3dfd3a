/**
 * The module graph (README, Module map), checked by `npm run lint`: no import cycle between
 * files or between folders, and each folder under src/ imports only the folders below it.
 * The unit specs (*.spec.ts) are left out: nothing imports one, so none is in a cycle, and
 * they may use local/ and testing/ as they need (through them, folders would seem to import
 * each other).
 */

/**
 * Which folder of src/ may import which (besides itself), bottom to top, and why. A folder
 * inside another (status/page/) is a layer of its own: a rule covers a folder's own files,
 * never its subfolders'. The entry points (src/*.ts) sit on top and may import every folder
 * but testing/; nothing in src/ imports testing/ (the specs' fixtures), local/, infra/,
 * test/ or bench/.
 * @type {Record<string, { imports: string[], why: string }>}
 */
const LAYERS = {
  config: { imports: [], why: 'the configuration, read once, is below everything.' },
  common: { imports: [], why: 'the helpers every layer uses (the clock, deadlines) are below everything.' },
  logging: { imports: ['common', 'config'], why: 'every module logs, so logging/ imports none of them.' },
  metrics: {
    imports: ['common', 'config', 'logging'],
    why: 'every path publishes metrics, so metrics/ imports none of them.',
  },
  readiness: {
    imports: ['metrics'],
    why: 'the port every readiness check implements and GET /status runs sits below both; it names the metric point a check reports, nothing else.',
  },
  'ami-state': {
    imports: ['common', 'config', 'logging'],
    why: 'the domain core names its ports (AmiRecordStore, RunnerConfigStore), never its adapters (aws/) or the paths that use it.',
  },
  aws: {
    imports: ['ami-state', 'common', 'config', 'logging'],
    why: "the adapters implement the domain's ports; they never import a module that uses them.",
  },
  github: {
    imports: ['aws', 'common', 'config', 'logging', 'metrics', 'readiness'],
    why: 'the GitHub App check reads its key through aws/, implements the readiness port (with its own metric) and knows nothing of the AMIs or of GET /status.',
  },
  runners: {
    imports: ['aws', 'common', 'config', 'logging', 'metrics', 'readiness'],
    why: 'runner activity reads the job records through aws/, implements the readiness port (with its own metric) and knows nothing of the AMIs or of GET /status.',
  },
  reconciliation: {
    imports: ['ami-state', 'aws', 'common', 'config', 'logging'],
    why: 'it heals the records through the domain core and the adapters, never through GET /status or the AMI update path.',
  },
  'ami-events': {
    imports: ['ami-state', 'aws', 'common', 'config', 'logging', 'metrics'],
    why: 'the AMI update path never depends on GET /status (status/) or on reconciliation/.',
  },
  'status/contract': {
    imports: ['ami-state', 'github', 'readiness', 'runners'],
    why: "the published contract of GET /status (its types) takes its lists from the domain's own and is below the page and the controller that both answer with it.",
  },
  'status/page': {
    imports: ['ami-state', 'common', 'github', 'runners', 'status/contract'],
    why: 'the page renders the report it is given: it never reads AWS, reconciles or builds the report itself.',
  },
  status: {
    imports: [
      'ami-state',
      'common',
      'config',
      'github',
      'logging',
      'metrics',
      'readiness',
      'reconciliation',
      'runners',
      'status/contract',
      'status/page',
    ],
    why: 'GET /status brings the feature modules together, its readiness checks through their port and one list (readiness-checks.ts); it never imports the AMI update path or an adapter.',
  },
  testing: {
    imports: ['ami-state', 'config', 'github', 'status/contract'],
    why: "the specs' fixtures build the domain's values.",
  },
};

/** The files directly in one of `folders` (each a path under src/), not in their subfolders. */
const filesOf = (/** @type {string[]} */ folders) => `^src/(${folders.join('|')})/[^/]+$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycle',
      severity: 'error',
      comment:
        'No two files import each other, even through others: a type both need moves down to the lower one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      scope: 'folder',
      comment:
        'No two folders import each other, even through others: a type both need moves down to the lower one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-tooling',
      severity: 'error',
      comment: 'src/ never imports local/ (tests and development only), infra/, test/ or bench/.',
      from: { path: '^src/' },
      to: { path: '^(local|infra|test|bench)/' },
    },
    {
      name: 'entry-points-not-to-testing',
      severity: 'error',
      comment: "The entry points (src/*.ts) never import testing/ (the specs' fixtures).",
      from: { path: '^src/[^/]+[.]ts$' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'layer-unknown',
      severity: 'error',
      comment: 'A new folder of src/ gets its place in LAYERS (.dependency-cruiser.cjs) and in the README.',
      from: { path: '^src/[^/]+/', pathNot: filesOf(Object.keys(LAYERS)) },
      to: { path: '^src/' },
    },
    ...Object.entries(LAYERS).map(([folder, { imports, why }]) => ({
      name: `layer-${folder}`,
      severity: 'error',
      comment:
        imports.length === 0
          ? `${folder}/ imports no other folder of src/: ${why}`
          : `${folder}/ may import ${imports.map((name) => `${name}/`).join(', ')} only: ${why}`,
      from: { path: filesOf([folder]) },
      to: { path: '^src/', pathNot: filesOf([folder, ...imports]) },
    })),
  ],
  options: {
    exclude: { path: '[.]spec[.]ts$' },
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through `import type` is a cycle all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

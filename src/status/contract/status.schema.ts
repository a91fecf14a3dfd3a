import Type, { type Static, type TInteger, type TSchema } from 'typebox';
import { AMI_ID, AMI_STATUSES } from '../../ami-state/ami-record';
import {
  PIPELINE_STATUSES,
  RECONCILIATION_OUTCOMES,
  SSM_CONFIG_OUTCOMES,
  UNRESOLVED_REASONS,
} from '../../ami-state/outcomes';
import { GITHUB_STATUS_MESSAGES, GITHUB_STATUSES } from '../../github/github-readiness';
import { FINDING_IDS, FINDING_SEVERITIES, PLATFORM_SUBJECTS } from '../../readiness/findings';
import { OUTCOME_STATUSES, RUNNER_STATUSES } from '../../runners/runner-activity';

/**
 * The published contract of GET /status, written once: the response types are derived from
 * it (`Static`), and `npm run schema` writes it to docs/status.schema.json. The runtime never
 * loads this module (the linter allows `import type` only): TypeBox stays out of the bundle.
 */

/** A string out of `values`, the domain's own list. */
const oneOf = <Values extends string[]>(values: readonly [...Values], description: string) =>
  Type.Enum(values, { type: 'string', description });

const nullable = <T extends TSchema>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description });

/** One count per name, in the order of `names`. */
function counts<Name extends string>(
  names: readonly Name[],
  describe: (name: Name) => string,
  description?: string,
) {
  const properties = Object.fromEntries(
    names.map((name) => [name, Type.Integer({ minimum: 0, description: describe(name) })]),
  ) as Record<Name, TInteger>;
  return Type.Object(properties, { additionalProperties: false, ...(description && { description }) });
}

/** The overall status is the response's own word, so its list lives here, with the wire format. */
const OverallStatusSchema = oneOf(
  ['ready', 'building', 'degraded'],
  'ready: every preset ready with an AMI; degraded: the GitHub App, no presets, a failed or invalid preset, a ready preset without an AMI, a pending runner config or a job stuck waiting; otherwise building.',
);

const PresetStatusValueSchema = oneOf(
  [...AMI_STATUSES, 'invalid'],
  "The record's status, or invalid for a record this service does not understand (the reason is logged).",
);

const PresetStatusSchema = Type.Object(
  {
    name: Type.String({
      description: "The preset's name; for an invalid record, a best-effort label (cut at 128 characters).",
    }),
    status: PresetStatusValueSchema,
    amiId: nullable(
      Type.String({ pattern: AMI_ID.source }),
      "The preset's AMI (ami- and 8 or 17 hex digits), or null when the record holds none.",
    ),
    updatedAt: nullable(
      Type.String(),
      'When the record was last written, as stored; null when an invalid record holds no such string.',
    ),
    runnerConfigPending: Type.Optional(
      Type.Literal(true, {
        description: "Present (true) while the preset's SSM runner config does not hold amiId yet.",
      }),
    ),
    failureReason: Type.Optional(
      Type.String({
        maxLength: 300,
        description:
          "With failed: why the build failed, from the image's state reason; every ARN is <arn>, every account id <account>, cut at 300 characters.",
      }),
    ),
    amiCreatedAt: nullable(
      Type.String(),
      'When the image of amiId was created (ISO-8601), or null when the record does not say.',
    ),
    pipeline: nullable(
      Type.Object(
        {
          status: oneOf(
            PIPELINE_STATUSES,
            'The Image Builder pipeline named for the preset: ENABLED, DISABLED, or not-found when there is none.',
          ),
          lastRunAt: nullable(Type.String(), 'When the pipeline last ran (ISO-8601), or null.'),
          nextRunAt: nullable(Type.String(), 'When its schedule runs it next (ISO-8601), or null.'),
        },
        { additionalProperties: false },
      ),
      "The preset's pipeline (kept per container for PIPELINE_CHECK_TTL_SECONDS), or null when it could not be checked.",
    ),
    healCount: Type.Integer({
      minimum: 0,
      description: 'How many times GET /status healed this record (a lost Image Builder event each time).',
    }),
    lastHealedAt: nullable(Type.String(), 'When GET /status last healed this record (ISO-8601), or null.'),
  },
  { additionalProperties: false, description: "One preset's AMI record, as it is after reconciliation." },
);

const ReconciliationReportSchema = Type.Object(
  {
    name: Type.String({ description: "The preset's name." }),
    outcome: oneOf(RECONCILIATION_OUTCOMES, 'What this request did for the preset.'),
    from: Type.Optional(oneOf(AMI_STATUSES, "With corrected: the record's status before.")),
    to: Type.Optional(oneOf(AMI_STATUSES, "With corrected: the record's status now.")),
    reason: Type.Optional(
      oneOf(UNRESOLVED_REASONS, 'With unresolved: why the preset was left as its record says.'),
    ),
    ssmConfig: Type.Optional(
      oneOf(SSM_CONFIG_OUTCOMES, "What became of the preset's SSM runner config, when it was written."),
    ),
    cached: Type.Boolean({
      description:
        'True when this request made no AWS call for the preset (an earlier or concurrent one did).',
    }),
  },
  { additionalProperties: false, description: 'What reconciliation did for one preset.' },
);

const FindingSchema = Type.Object(
  {
    id: oneOf(FINDING_IDS, 'The finding, a stable id (docs/response.md, Findings).'),
    severity: oneOf(
      FINDING_SEVERITIES,
      'critical: the platform cannot take jobs (status degraded); warning and info never change the status.',
    ),
    subject: Type.String({
      description: `What it is about: a preset's name, or one of ${PLATFORM_SUBJECTS.join(', ')}.`,
    }),
    summary: Type.String({ description: 'What is wrong, a fixed sentence with its figures.' }),
    action: Type.String({ description: 'What to do, a fixed sentence.' }),
  },
  {
    additionalProperties: false,
    description: 'One problem GET /status sees, with its cause and the next step.',
  },
);

const outcomeCounts = (description: string) =>
  counts(OUTCOME_STATUSES, (status) => `Job records whose status is ${status}.`, description);

const StatusReportSchema = Type.Object(
  {
    status: OverallStatusSchema,
    message: Type.String({
      description:
        'The status in words: presets by status, then runners; led by what is wrong with the GitHub App or the jobs.',
    }),
    configuration: Type.Object(
      {
        privateKeyConfigured: Type.Boolean({
          description:
            "Whether the GitHub App's private key is stored (not empty, not the deploy's placeholder).",
        }),
      },
      { additionalProperties: false, description: "The platform's configuration, in its own names." },
    ),
    github: Type.Object(
      {
        status: oneOf(GITHUB_STATUSES, 'What GitHub said of the App.'),
        message: oneOf(
          Object.values(GITHUB_STATUS_MESSAGES),
          "The status's fixed sentence: never GitHub's body, an error's text, the key or the JWT.",
        ),
        appSlug: Type.Optional(
          Type.String({ description: "The App's slug from GitHub's answer, with connected only." }),
        ),
        installations: nullable(
          Type.Object(
            {
              total: Type.Integer({
                minimum: 0,
                description: 'Every installation of the App, suspended or not.',
              }),
              suspended: Type.Integer({ minimum: 0, description: 'The installations suspended.' }),
            },
            { additionalProperties: false },
          ),
          "The App's installations (GET /app/installations, every page) with connected; null when the App is not connected or they could not be listed (a check-unavailable finding).",
        ),
        rateLimit: nullable(
          Type.Object(
            {
              remaining: Type.Integer({ minimum: 0, description: 'Requests left until resetAt.' }),
              limit: Type.Integer({ minimum: 0, description: 'Requests per hour.' }),
              resetAt: Type.String({ description: 'When the limit resets (ISO-8601).' }),
            },
            { additionalProperties: false },
          ),
          'The lowest core rate limit (the smallest share left) of at most 10 active installations, the most recently updated, each read with its own installation token; null when the App is not connected, has no active installation, the server has no rate limiting, or it could not be read (a check-unavailable finding).',
        ),
      },
      {
        additionalProperties: false,
        description: 'The GitHub App, checked with GitHub (cached per container).',
      },
    ),
    runners: nullable(
      counts(RUNNER_STATUSES, (status) => `Job records whose status is ${status} now.`),
      'The job records that are runners now, whatever their age; null when they cannot be counted.',
    ),
    recentActivity: nullable(
      Type.Object(
        {
          lastHour: outcomeCounts('Created within the last hour.'),
          last24Hours: outcomeCounts('Created within the last 24 hours.'),
        },
        { additionalProperties: false },
      ),
      'The job records that ended, by when they were created; null when they cannot be counted.',
    ),
    queue: nullable(
      Type.Object(
        {
          oldestPendingAgeSeconds: nullable(
            Type.Integer({ minimum: 0 }),
            'How long the oldest pending job has waited for a runner, in whole seconds; null when no job is pending.',
          ),
          oldestProvisioningAgeSeconds: nullable(
            Type.Integer({ minimum: 0 }),
            'How long the oldest provisioning job has waited since it was created, in whole seconds; null when no job is provisioning.',
          ),
        },
        { additionalProperties: false },
      ),
      'How long jobs wait, from the oldest record of each status by createdAt (kept with the runner counts); null when it cannot be read.',
    ),
    findings: Type.Array(FindingSchema, {
      description:
        'Every problem seen, by severity (critical first), then subject; every cause of degraded is a critical one.',
    }),
    presets: Type.Array(PresetStatusSchema, {
      description: 'Every AMI record of the state table, sorted by name.',
    }),
    reconciliation: Type.Object(
      {
        presets: Type.Array(ReconciliationReportSchema, {
          description:
            'One entry per stale preset, pending SSM update and drifted runner config, sorted by name.',
        }),
      },
      { additionalProperties: false, description: 'What this request reconciled.' },
    ),
  },
  { additionalProperties: false },
);

/** The JSON error bodies: always `{ status: "error", message }`, one fixed message per answer. */
const errorBody = (message: string, description: string) =>
  Type.Object(
    {
      status: Type.Literal('error', { description: 'Always error in an error body.' }),
      message: Type.Literal(message, {
        description: 'The fixed message: never an AWS error, an ARN or a stack.',
      }),
    },
    { additionalProperties: false, description },
  );

export type OverallStatus = Static<typeof OverallStatusSchema>;
export type PresetStatusValue = Static<typeof PresetStatusValueSchema>;
export type PresetStatus = Static<typeof PresetStatusSchema>;
export type ReconciliationReport = Static<typeof ReconciliationReportSchema>;
export type FindingReport = Static<typeof FindingSchema>;
export type PipelineReport = NonNullable<PresetStatus['pipeline']>;
/** The body of `GET /status`. Holds no ARNs, account ids or error text from AWS. */
export type StatusReport = Static<typeof StatusReportSchema>;

/** The whole document of docs/status.schema.json: the 200 body at the root, the errors in `$defs`. */
export function statusSchemaDocument() {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:spot-runner-status:status',
    title: 'GET /status',
    description:
      'The JSON answers of GET /status (the spot-runner status service): the 200 body at the root, the 503, 404 and 500 bodies in $defs.',
    ...StatusReportSchema,
    $defs: {
      ServiceUnavailable: errorBody(
        'AMI state is temporarily unavailable',
        'The 503 body: the state table is unreadable.',
      ),
      NotFound: errorBody('Not found', 'The 404 body: an unknown route.'),
      InternalError: errorBody(
        'Internal error',
        'The 500 body: an unexpected error, or a function that could not start.',
      ),
    },
  };
}

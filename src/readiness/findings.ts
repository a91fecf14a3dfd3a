/**
 * The findings of GET /status: each problem it sees, with its cause and the next step. One
 * table holds every finding's id, severity, summary and action, so the response, the page
 * and docs/response.md say the same; `findings.spec.ts` pins the ids. A summary is a fixed
 * sentence with figures filled in, never an upstream error's text (a failed build's reason
 * only, redacted: `failure-reason.ts`).
 */

/** Most urgent first: the order of the findings list. */
export const FINDING_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** The subjects that are not a preset (a preset's finding names the preset). */
export const PLATFORM_SUBJECTS = ['github-app', 'jobs', 'platform'] as const;
export type PlatformSubject = (typeof PLATFORM_SUBJECTS)[number];

/** The readiness checks a `check-unavailable` finding can name. */
export const CHECK_NAMES = [
  'pipelines',
  'runner-configs',
  'github-installations',
  'github-rate-limit',
  'jobs-waiting',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One finding as the response carries it. */
export interface Finding {
  id: FindingId;
  severity: FindingSeverity;
  /** A preset's name, or one of PLATFORM_SUBJECTS. */
  subject: string;
  summary: string;
  action: string;
}

/** A finding's summary: a fixed sentence, or one with the figures `facts` filled in. */
type Summary = (facts: never) => string;

interface Rule<S extends Summary = Summary> {
  severity: FindingSeverity;
  summary: S;
  action: string;
}

const rule =
  (severity: FindingSeverity) =>
  <S extends Summary>(summary: S, action: string): Rule<S> => ({ severity, summary, action });
const critical = rule('critical');
const warning = rule('warning');
const info = rule('info');

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Every finding, by id: critical ones make the status degraded; warnings and info never change it. */
export const FINDINGS = {
  'no-presets': critical(
    () => 'The state table holds no AMI record, so no runner can be launched.',
    'Check that STATE_TABLE_NAME names the platform’s table and that the deploy created the presets’ records.',
  ),
  'preset-failed': critical(
    (facts: { reason: string }) => `The preset’s last build failed: ${facts.reason}`,
    'Read the build’s log in EC2 Image Builder, fix the recipe or component, then run the preset’s pipeline again.',
  ),
  'preset-without-ami': critical(
    () => 'The preset is ready but its record holds no AMI, so its runners cannot be launched.',
    'Run the preset’s pipeline again; its AVAILABLE image sets the AMI.',
  ),
  'preset-invalid': critical(
    () => 'The preset’s AMI record is not understood; it is reported as invalid and never written.',
    'Find the "AMI record not understood" log line for this preset, then fix or delete the record.',
  ),
  'runner-config-pending': critical(
    () => 'The preset’s SSM runner config does not hold its AMI yet; runners still launch the old one.',
    'Nothing to do if it clears within minutes; otherwise look for ssm-update-failed in the status function’s logs and check its ssm:PutParameter permission.',
  ),
  'runner-config-missing': critical(
    () => 'The preset’s SSM runner config parameter does not exist, so its runners cannot be launched.',
    'Create the parameter <CONFIG_PREFIX>/<preset> with the preset’s runner config; this service never creates one.',
  ),
  'runner-config-invalid': critical(
    () => 'The preset’s SSM runner config is not a JSON object, so its AMI cannot be set in it.',
    'Put the preset’s runner config back into the parameter as a JSON object; this service only edits its ami field.',
  ),
  'github-not-configured': critical(
    () => 'The GitHub App is not configured: its App id or private key secret is not set.',
    'Deploy with the GitHub App’s id and the ARN of the secret that holds its private key.',
  ),
  'github-key-not-configured': critical(
    () =>
      'The GitHub App’s private key is not stored: its secret is empty or holds the deploy’s placeholder.',
    'Store the App’s PEM private key in the secret.',
  ),
  'github-auth-error': critical(
    () => 'GitHub refuses the App’s authentication, so no runner can be registered.',
    'Check that the stored private key belongs to the App id, and that the App still exists.',
  ),
  'github-unreachable': critical(
    () => 'GitHub could not be reached from the status function.',
    'Check the function’s network path to GitHub (NAT, proxy, firewall) and GitHub’s status page.',
  ),
  'github-error': critical(
    () => 'GitHub answered the App check with an error.',
    'Look for the GitHub check’s outcome in the status function’s logs, and at GitHub’s status page.',
  ),
  'github-app-not-installed': critical(
    (facts: { total: number; suspended: number }) =>
      facts.total === 0
        ? 'The GitHub App is installed nowhere, so no job can reach the platform.'
        : `Every installation of the GitHub App is suspended (${plural(facts.total, 'installation')}).`,
    'Install the App on the organisations or repositories that run jobs, or lift its suspension.',
  ),
  'github-rate-limit-exhausted': critical(
    (facts: { limit: number; resetAt: string }) =>
      `An installation of the GitHub App has 0 of ${facts.limit} API requests left until ${facts.resetAt}.`,
    'Wait for the reset, and look for what spends the App’s requests (retries, other tools sharing the App).',
  ),
  'jobs-stuck': critical(
    (facts: { minutes: number }) =>
      `The oldest pending job has waited ${plural(facts.minutes, 'minute')} for a runner.`,
    'Check the webhook side’s logs for launch errors (spot capacity, quotas, the preset’s AMI and runner config).',
  ),
  'pipeline-disabled': warning(
    () => 'The preset’s Image Builder pipeline is disabled, so it builds no new AMI.',
    'Enable the pipeline once the cause of its disabling (often repeated failures) is fixed.',
  ),
  'pipeline-not-found': warning(
    () => 'The preset has no Image Builder pipeline named for it, so it gets no new AMI.',
    'Check PIPELINE_NAME_PREFIX and that the deploy created the pipeline <prefix><preset>.',
  ),
  'ami-old': warning(
    (facts: { days: number }) =>
      `The preset’s AMI was built ${plural(facts.days, 'day')} ago; the runner in it may be too old for GitHub to assign jobs to.`,
    'Run the preset’s pipeline, or check its schedule.',
  ),
  'jobs-waiting': warning(
    (facts: { minutes: number }) =>
      `The oldest pending job has waited ${plural(facts.minutes, 'minute')} for a runner.`,
    'Watch it: if it keeps growing, check the webhook side’s logs for launch errors.',
  ),
  'github-app-partly-suspended': warning(
    (facts: { total: number; suspended: number }) =>
      `${plural(facts.suspended, 'installation')} of the GitHub App’s ${facts.total} ${facts.suspended === 1 ? 'is' : 'are'} suspended; ${facts.suspended === 1 ? 'its' : 'their'} jobs get no runner.`,
    'Lift the suspension where jobs should run.',
  ),
  'github-rate-limit-low': warning(
    (facts: { remaining: number; limit: number; resetAt: string }) =>
      `An installation of the GitHub App has ${facts.remaining} of ${facts.limit} API requests left until ${facts.resetAt}.`,
    'Look for what spends the App’s requests before they run out.',
  ),
  'check-unavailable': warning(
    (facts: { check: CheckName }) => `The ${facts.check} check could not run; what it watches is unknown.`,
    'Look for the check’s outcome in the status function’s logs; it runs again on a later request.',
  ),
  'event-lost-healed': info(
    (facts: { healCount: number; lastHealedAt: string }) =>
      `The preset was healed at ${facts.lastHealedAt} (${plural(facts.healCount, 'heal')} in all): an Image Builder event was lost.`,
    'Check the EventBridge rule to the AMI update function and its dead-letter queue.',
  ),
} satisfies Record<string, Rule>;

export type FindingId = keyof typeof FINDINGS;
export const FINDING_IDS = Object.keys(FINDINGS) as FindingId[];

/** The finding `id` about `subject`, its summary filled in with `facts` (none for a fixed one). */
export function finding<Id extends FindingId>(
  id: Id,
  subject: string,
  ...facts: Parameters<(typeof FINDINGS)[Id]['summary']>
): Finding {
  const { severity, summary, action } = FINDINGS[id] as Rule<(facts: unknown) => string>;
  return { id, severity, subject, summary: summary(facts[0]), action };
}

/** By severity (critical first), then by subject, then by id: the order of the response. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => FINDING_SEVERITIES.indexOf(f.severity);
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b) || text(a.subject, b.subject) || text(a.id, b.id));
}

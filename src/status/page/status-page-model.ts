import type { SsmConfigOutcome, UnresolvedReason } from '../../ami-state/outcomes';
import type { GitHubStatus } from '../../github/github-readiness';
import type { OutcomeStatus, RunnerStatus } from '../../runners/runner-activity';
import type {
  FindingReport,
  OverallStatus,
  PipelineReport,
  PresetStatus,
  PresetStatusValue,
  ReconciliationReport,
  StatusReport,
} from '../contract/status.schema';

/**
 * What the status page shows, as display values: every word and figure the template prints
 * comes from here, so the wording is decided (and tested) in plain functions, and the
 * template only lays it out. It holds nothing the JSON does not: the page is the same
 * response for people.
 */
export interface StatusPageModel {
  banner: { status: OverallStatus; badge: Badge; headline: string; message: string };
  checkedAt: Instant;
  /** What needs attention, most urgent first, as the response orders it; empty when nothing does. */
  findings: FindingRow[];
  presets: PresetRow[];
  reconciliation: ReconciliationRow[];
  github: {
    status: Badge;
    message: string;
    appSlug: string | null;
    privateKey: Badge;
  };
  /** null when the job records could not be counted, as in the JSON. */
  runners: { state: string; count: number }[] | null;
  recentActivity: { outcome: string; lastHour: number; last24Hours: number }[] | null;
}

/** How a badge is coloured; its text always says the same, so colour is never the only cue. */
export type Tone = 'good' | 'busy' | 'warn' | 'bad' | 'neutral';

export interface Badge {
  text: string;
  tone: Tone;
}

/** `datetime` for the `<time>` element, `text` for people. */
export interface Instant {
  datetime: string;
  text: string;
}

/** A stored time and how long ago (or how soon) it is; `datetime` is null when it is no date. */
export interface TimeAndAge {
  datetime: string | null;
  text: string;
  age: string;
}

export interface FindingRow {
  severity: Badge;
  /** The preset's name, or the part of the platform it is about, in words. */
  subject: string;
  summary: string;
  action: string;
}

export interface PresetRow {
  name: string;
  status: Badge;
  /** null when the preset has no AMI. */
  amiId: string | null;
  /** null when the record has no updatedAt. */
  updated: TimeAndAge | null;
  /** null when the pipeline could not be checked. */
  pipeline: PipelineCell | null;
  /** How old the AMI is ("12 d"); null when the record does not say when its image was built. */
  amiAge: { datetime: string | null; text: string } | null;
  /** When GET /status last healed the record, and how often in all; null when it never did. */
  lastHeal: (TimeAndAge & { count: string }) | null;
  runnerConfigPending: boolean;
}

export interface PipelineCell {
  status: Badge;
  /** For a pipeline that exists: its last run (null: never ran) and its next (null: no schedule). */
  runs: { last: TimeAndAge | null; next: TimeAndAge | null } | null;
}

export interface ReconciliationRow {
  name: string;
  outcome: Badge;
  /** What happened, in plain words. */
  summary: string;
  /** An earlier or concurrent request on the same container found this: no AWS call now. */
  cached: boolean;
}

const BANNERS: Readonly<Record<OverallStatus, Omit<StatusPageModel['banner'], 'status' | 'message'>>> = {
  ready: { badge: { text: 'Ready', tone: 'good' }, headline: 'The platform can take jobs' },
  building: {
    badge: { text: 'Building', tone: 'busy' },
    headline: 'Presets are building; nothing has failed',
  },
  degraded: { badge: { text: 'Degraded', tone: 'bad' }, headline: 'The platform needs attention' },
};

/** Critical is what makes the status degraded; info never needs more than a look. */
const SEVERITY_BADGES: Readonly<Record<FindingReport['severity'], Badge>> = {
  critical: { text: 'Critical', tone: 'bad' },
  warning: { text: 'Warning', tone: 'warn' },
  info: { text: 'Info', tone: 'neutral' },
};

/** The subjects that are no preset (readiness's PLATFORM_SUBJECTS; the spec keeps them in step), in words. */
const PLATFORM_SUBJECT_NAMES: Readonly<Record<string, string>> = {
  'github-app': 'GitHub App',
  jobs: 'Jobs',
  platform: 'Platform',
};

/** A disabled or missing pipeline builds no new AMI: the warnings `pipeline-*` say so. */
const PIPELINE_BADGES: Readonly<Record<PipelineReport['status'], Badge>> = {
  ENABLED: { text: 'Enabled', tone: 'good' },
  DISABLED: { text: 'Disabled', tone: 'warn' },
  'not-found': { text: 'Not found', tone: 'warn' },
};

const PRESET_BADGES: Readonly<Record<PresetStatusValue, Badge>> = {
  ready: { text: 'Ready', tone: 'good' },
  building: { text: 'Building', tone: 'busy' },
  failed: { text: 'Failed', tone: 'bad' },
  invalid: { text: 'Invalid record', tone: 'bad' },
};

const GITHUB_BADGES: Readonly<Record<GitHubStatus, Badge>> = {
  connected: { text: 'Connected', tone: 'good' },
  auth_error: { text: 'Authentication failed', tone: 'bad' },
  error: { text: 'Check failed', tone: 'bad' },
  unreachable: { text: 'Unreachable', tone: 'bad' },
  'not-configured': { text: 'Not configured', tone: 'bad' },
};

const RUNNER_STATE_NAMES: Readonly<Record<RunnerStatus, string>> = {
  pending: 'Pending',
  provisioning: 'Provisioning',
  running: 'Running',
};

const OUTCOME_NAMES: Readonly<Record<OutcomeStatus, string>> = {
  completed: 'Completed',
  failed: 'Failed',
  timeout: 'Timed out',
  interrupted: 'Interrupted',
};

/** What became of the runner config, as a sentence after the outcome's own. */
const SSM_CONFIG_WORDS: Readonly<Record<SsmConfigOutcome, string>> = {
  updated: 'Runner config: set to the AMI.',
  'already-set': 'Runner config: already had the AMI.',
  'ssm-parameter-missing': 'Runner config: the parameter does not exist, so the AMI could not be set.',
  'ssm-config-invalid': 'Runner config: not a JSON object, so the AMI could not be set.',
  'ssm-update-rejected': 'Runner config: SSM refused the new value (too long, or not allowed).',
  'ssm-update-failed': 'Runner config: the update failed; the next request tries again.',
  'deadline-exceeded':
    'Runner config: the request ran out of time before it was set; the next request tries again.',
};

const UNRESOLVED_WORDS: Readonly<Record<UnresolvedReason, string>> = {
  'pipeline-not-found': 'No Image Builder pipeline was found for this preset',
  'no-images': 'Its pipeline has no images yet',
  'no-ami-for-region': 'Its newest image has no AMI in this region',
  'unexpected-image-state': 'Its newest image is deprecated, disabled, deleted or in an unknown state',
  'image-undated': 'Its newest image has no creation date',
  'no-newer-image': 'Its pipeline shows no image newer than the one the record already reflects',
  'ssm-update-pending': 'The pending runner config update did not go through',
  'image-builder-error': 'Image Builder could not be asked; the next request tries again',
  'state-table-error': 'The state table could not be updated; the next request tries again',
  'deadline-exceeded': 'The request ran out of time; the next request tries again',
  superseded: 'Another writer changed the record first; its newer state is shown',
};

/** The status response as the page shows it, as of `now`. */
export function statusPageModel(report: StatusReport, now: Date): StatusPageModel {
  return {
    banner: { status: report.status, ...BANNERS[report.status], message: report.message },
    checkedAt: instant(now),
    findings: findingRows(report),
    presets: report.presets.map((preset) => presetRow(preset, now)),
    reconciliation: report.reconciliation.presets.map(reconciliationRow),
    github: {
      status: GITHUB_BADGES[report.github.status],
      message: report.github.message,
      appSlug: report.github.appSlug ?? null,
      privateKey: report.configuration.privateKeyConfigured
        ? { text: 'Stored', tone: 'good' }
        : { text: 'Not configured', tone: 'bad' },
    },
    runners: report.runners === null ? null : runnerRows(report.runners),
    recentActivity: report.recentActivity === null ? null : activityRows(report.recentActivity),
  };
}

/** Busiest state first, as the message names them. */
function runnerRows(runners: NonNullable<StatusReport['runners']>): StatusPageModel['runners'] {
  return (['running', 'provisioning', 'pending'] as const).map((state) => ({
    state: RUNNER_STATE_NAMES[state],
    count: runners[state],
  }));
}

function activityRows(
  activity: NonNullable<StatusReport['recentActivity']>,
): StatusPageModel['recentActivity'] {
  return (['completed', 'failed', 'timeout', 'interrupted'] as const).map((outcome) => ({
    outcome: OUTCOME_NAMES[outcome],
    lastHour: activity.lastHour[outcome],
    last24Hours: activity.last24Hours[outcome],
  }));
}

/** A preset's own name wins over a platform subject's word: a preset may be called `jobs`. */
function findingRows(report: StatusReport): FindingRow[] {
  const presetNames = new Set(report.presets.map((preset) => preset.name));
  return report.findings.map(({ severity, subject, summary, action }) => ({
    severity: SEVERITY_BADGES[severity],
    subject: presetNames.has(subject) ? subject : (PLATFORM_SUBJECT_NAMES[subject] ?? subject),
    summary,
    action,
  }));
}

function presetRow(preset: PresetStatus, now: Date): PresetRow {
  return {
    name: preset.name,
    status: PRESET_BADGES[preset.status],
    amiId: preset.amiId,
    updated: preset.updatedAt === null ? null : timeAndAge(preset.updatedAt, now),
    pipeline: preset.pipeline === null ? null : pipelineCell(preset.pipeline, now),
    amiAge: preset.amiCreatedAt === null ? null : amiAge(preset.amiCreatedAt, now),
    lastHeal:
      preset.lastHealedAt === null
        ? null
        : { ...timeAndAge(preset.lastHealedAt, now), count: plural(preset.healCount, 'heal') },
    runnerConfigPending: preset.runnerConfigPending === true,
  };
}

function pipelineCell({ status, lastRunAt, nextRunAt }: PipelineReport, now: Date): PipelineCell {
  return {
    status: PIPELINE_BADGES[status],
    runs:
      status === 'not-found'
        ? null
        : {
            last: lastRunAt === null ? null : timeAndAge(lastRunAt, now),
            next: nextRunAt === null ? null : timeAndAge(nextRunAt, now, whenText),
          },
  };
}

function amiAge(amiCreatedAt: string, now: Date): NonNullable<PresetRow['amiAge']> {
  const ms = Date.parse(amiCreatedAt);
  if (Number.isNaN(ms)) return { datetime: null, text: 'not a date' };
  const elapsedMs = now.getTime() - ms;
  return {
    datetime: new Date(ms).toISOString(),
    text: elapsedMs < -MINUTE_MS ? 'in the future' : durationText(Math.max(elapsedMs, 0)),
  };
}

/** A stored time as the page shows it; one that is no date (an invalid record's) is shown as stored. */
function timeAndAge(stored: string, now: Date, relative = ageText): TimeAndAge {
  const ms = Date.parse(stored);
  if (Number.isNaN(ms)) return { datetime: null, text: stored, age: 'not a date' };
  return { ...instant(new Date(ms)), age: relative(ms, now.getTime()) };
}

const plural = (count: number, one: string) => `${count} ${count === 1 ? one : `${one}s`}`;

/** `2026-11-23 12:00 UTC`: the same for every reader, wherever the service runs. */
export function instant(date: Date): Instant {
  const iso = date.toISOString();
  return { datetime: iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` };
}

const MINUTE_MS = 60_000;

/** "under 1 min", "5 min", "2 h", "3 d": whole units, rounded down. */
export function durationText(ms: number): string {
  const minutes = Math.floor(ms / MINUTE_MS);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "just now", "5 min ago", "2 h ago", "3 d ago": whole units, rounded down. */
export function ageText(thenMs: number, nowMs: number): string {
  const elapsedMs = nowMs - thenMs;
  if (elapsedMs < -MINUTE_MS) return 'in the future';
  if (elapsedMs < MINUTE_MS) return 'just now';
  return `${durationText(elapsedMs)} ago`;
}

/** ageText, or "in 6 d" for a time to come (a pipeline's next run). */
export function whenText(thenMs: number, nowMs: number): string {
  const aheadMs = thenMs - nowMs;
  return aheadMs < MINUTE_MS ? ageText(thenMs, nowMs) : `in ${durationText(aheadMs)}`;
}

function reconciliationRow(entry: ReconciliationReport): ReconciliationRow {
  return {
    name: entry.name,
    ...outcomeWords(entry),
    cached: entry.cached,
  };
}

/** The outcome's badge and what happened, in plain words. */
export function outcomeWords(entry: ReconciliationReport): Pick<ReconciliationRow, 'outcome' | 'summary'> {
  const [outcome, lead] = outcomeAndLead(entry);
  const ssm = entry.ssmConfig === undefined ? '' : ` ${SSM_CONFIG_WORDS[entry.ssmConfig]}`;
  return { outcome, summary: `${lead}.${ssm}` };
}

function outcomeAndLead(entry: ReconciliationReport): [Badge, string] {
  switch (entry.outcome) {
    case 'corrected':
      return entry.to === 'failed'
        ? [
            { text: 'Corrected', tone: 'bad' },
            'Was stuck building although its newest image failed: now failed',
          ]
        : [
            { text: 'Corrected', tone: 'good' },
            'Was stuck building although its newest image is available: now ready',
          ];
    case 'still-building':
      return [
        { text: 'Still building', tone: 'busy' },
        'Building for longer than the threshold, and its newest image is still being built',
      ];
    case 'ssm-update-completed':
      return [
        { text: 'Runner config updated', tone: 'good' },
        'A runner config update left pending earlier is done',
      ];
    case 'ssm-drift-repaired':
      return [
        { text: 'Runner config repaired', tone: 'good' },
        "Its runner config did not hold the preset's AMI",
      ];
    case 'unresolved':
      return [
        { text: 'Unresolved', tone: 'bad' },
        entry.reason === undefined ? 'Left as it is' : UNRESOLVED_WORDS[entry.reason],
      ];
  }
}

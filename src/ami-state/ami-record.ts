import { InvalidRecordReason } from './outcomes';
import { AMI_JOB_ID_PREFIX } from './state-table';

/** A status the rest of the platform writes into an AMI record (AMI_STATUSES). */
export type AmiStatus = (typeof AMI_STATUSES)[number];

/** An AMI record of the state table, as the rest of the platform writes it. */
export interface AmiRecord {
  jobId: string;
  presetName: string;
  status: AmiStatus;
  amiId: string | null;
  /** Exactly as stored: conditional writes compare it verbatim. */
  updatedAt: string;
  updatedAtMs: number;
  buildId?: string;
  errorMessage?: string;
  /**
   * When the image this record reflects was created (ISO-8601, normalised): a transition
   * from an image that is not newer is never applied.
   */
  imageCreatedAt?: string;
  /** Set with `ready`: the AMI the preset's SSM runner config must still be given. */
  ssmPendingAmiId?: string;
  /** Which write set that mark: a clear removes only the mark it read, never a newer one. */
  ssmPendingToken?: string;
  /** How many times GET /status healed the record (each a lost event); absent: never. */
  healCount?: number;
  /** When GET /status last healed it (ISO-8601, normalised). */
  healedAt?: string;
}

/** A record this service does not understand: reported, never reconciled, never written. */
export interface InvalidAmiRecord {
  /** Best-effort label for the report; not a trusted preset name. */
  name: string;
  reason: InvalidRecordReason;
  updatedAt: string | null;
}

export type ParsedAmiRecord =
  { kind: 'valid'; record: AmiRecord } | { kind: 'invalid'; invalid: InvalidAmiRecord };

const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ISO_8601_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** The statuses the rest of the platform writes into an AMI record. */
export const AMI_STATUSES = ['building', 'ready', 'failed'] as const;
/** EC2's image ids: `ami-` and 8 (older) or 17 hex digits. */
export const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const MAX_LABEL_LENGTH = 128;

export function amiJobId(presetName: string): string {
  return `${AMI_JOB_ID_PREFIX}${presetName}`;
}

/** Only such a value is ever written to a runner config or reported ready. */
export function isAmiId(value: unknown): value is string {
  return typeof value === 'string' && AMI_ID.test(value);
}

export function isPresetName(value: unknown): value is string {
  return typeof value === 'string' && PRESET_NAME.test(value);
}

/** Parses an ISO-8601 instant; returns undefined for anything else (including "yesterday"). */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_8601_INSTANT.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  // Date.parse rolls 2026-02-30 over to March 2nd: such a value is not an instant we accept.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const inRange =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
  const offsetInRange = offsetHour <= 23 && offsetMinute <= 59;
  return inRange && offsetInRange ? Date.parse(value) : undefined;
}

/** Whether `value` is an instant as `toISOString()` writes it: then text order is time order. */
export function isNormalisedInstant(value: string): boolean {
  const ms = parseInstant(value);
  return ms !== undefined && new Date(ms).toISOString() === value;
}

/** Turns a raw table item into an AMI record, or says why it is not one this service understands. */
export function parseAmiRecord(item: Record<string, unknown>): ParsedAmiRecord {
  const jobId = typeof item.jobId === 'string' ? item.jobId : undefined;
  const nameFromJobId = jobId?.startsWith(AMI_JOB_ID_PREFIX)
    ? jobId.slice(AMI_JOB_ID_PREFIX.length)
    : undefined;
  const presetName = item.presetName ?? nameFromJobId;
  const updatedAt = typeof item.updatedAt === 'string' ? item.updatedAt : null;
  const invalid = (reason: InvalidRecordReason): ParsedAmiRecord => ({
    kind: 'invalid',
    invalid: { name: labelFor(presetName, jobId), reason, updatedAt },
  });

  if (!isPresetName(presetName)) return invalid('invalid-preset-name');
  if (jobId !== amiJobId(presetName)) return invalid('preset-name-mismatch');
  if (typeof item.status !== 'string' || !(AMI_STATUSES as readonly string[]).includes(item.status)) {
    return invalid('invalid-status');
  }
  const updatedAtMs = parseInstant(item.updatedAt);
  if (updatedAt === null || updatedAtMs === undefined) return invalid('invalid-updated-at');
  const amiId = item.amiId ?? null;
  if (amiId !== null && !isAmiId(amiId)) return invalid('invalid-ami-id');
  if (item.ssmPendingAmiId !== undefined && !isAmiId(item.ssmPendingAmiId)) {
    return invalid('invalid-ssm-pending-ami-id');
  }
  const imageCreatedAt = item.imageCreatedAt;
  if (imageCreatedAt !== undefined && parseInstant(imageCreatedAt) === undefined) {
    return invalid('invalid-image-created-at');
  }
  const { healCount, healedAt } = item;
  if (healCount !== undefined && !(Number.isSafeInteger(healCount) && (healCount as number) >= 0)) {
    return invalid('invalid-heal-count');
  }
  if (healedAt !== undefined && parseInstant(healedAt) === undefined) return invalid('invalid-healed-at');

  return {
    kind: 'valid',
    record: {
      jobId,
      presetName,
      status: item.status as AmiStatus,
      amiId,
      updatedAt,
      updatedAtMs,
      ...(typeof item.buildId === 'string' && { buildId: item.buildId }),
      ...(typeof item.errorMessage === 'string' && { errorMessage: item.errorMessage }),
      ...(typeof imageCreatedAt === 'string' && { imageCreatedAt }),
      ...(typeof item.ssmPendingAmiId === 'string' && { ssmPendingAmiId: item.ssmPendingAmiId }),
      ...(typeof item.ssmPendingToken === 'string' && { ssmPendingToken: item.ssmPendingToken }),
      ...(typeof healCount === 'number' && { healCount }),
      ...(typeof healedAt === 'string' && { healedAt }),
    },
  };
}

function labelFor(presetName: unknown, jobId: string | undefined): string {
  const label = typeof presetName === 'string' && presetName !== '' ? presetName : (jobId ?? '(no jobId)');
  return label.length > MAX_LABEL_LENGTH ? `${label.slice(0, MAX_LABEL_LENGTH)}…` : label;
}

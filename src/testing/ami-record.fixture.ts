import { amiJobId, AmiRecord } from '../ami-state/ami-record';

export const FIXTURE_AMI_ID = 'ami-0123456789abcdef0';
export const FIXTURE_BUILD_ID =
  'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';

/**
 * An AMI record as the service parses it, for unit specs: `linux-x64`, building without an
 * AMI since 2026-11-23T11:00Z, unless `fields` say otherwise (the key and `updatedAtMs`
 * follow `presetName` and `updatedAt`).
 */
export function anAmiRecord(fields: Partial<AmiRecord> = {}): AmiRecord {
  const presetName = fields.presetName ?? 'linux-x64';
  const updatedAt = fields.updatedAt ?? '2026-11-23T11:00:00.000Z';
  return {
    jobId: amiJobId(presetName),
    presetName,
    status: 'building',
    amiId: null,
    ...fields,
    updatedAt,
    updatedAtMs: Date.parse(updatedAt),
  };
}

/** The same record as a transition wrote it ready, an hour later. */
export function aReadyAmiRecord(fields: Partial<AmiRecord> = {}): AmiRecord {
  return anAmiRecord({
    status: 'ready',
    amiId: FIXTURE_AMI_ID,
    updatedAt: '2026-11-23T12:00:00.000Z',
    buildId: FIXTURE_BUILD_ID,
    ...fields,
  });
}

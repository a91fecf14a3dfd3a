import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EVENT_IGNORED_REASONS,
  EVENT_OUTCOMES,
  EVENT_REJECTED_REASONS,
  IMAGE_UNRESOLVED_REASONS,
  INVALID_RECORD_REASONS,
  LOG_ONLY_OUTCOMES,
  PIPELINE_CHECK_OUTCOMES,
  PIPELINE_INVALID_REASONS,
  PIPELINE_STATUSES,
  RECONCILIATION_OUTCOMES,
  SSM_CONFIG_OUTCOMES,
  UNRESOLVED_REASONS,
} from './outcomes';

const VOCABULARY = {
  IMAGE_UNRESOLVED_REASONS,
  SSM_CONFIG_OUTCOMES,
  UNRESOLVED_REASONS,
  RECONCILIATION_OUTCOMES,
  INVALID_RECORD_REASONS,
  EVENT_REJECTED_REASONS,
  EVENT_IGNORED_REASONS,
  EVENT_OUTCOMES,
  PIPELINE_STATUSES,
  PIPELINE_CHECK_OUTCOMES,
  PIPELINE_INVALID_REASONS,
  LOG_ONLY_OUTCOMES,
};

const SRC = resolve(__dirname, '..');
/** The GitHub check and the runner activity name their own outcomes (GitHubStatus, …). */
const OWN_VOCABULARIES = ['github', 'runners', 'testing'];

/** Every `outcome: '<name>'` written literally in the service's code (specs aside). */
function literalOutcomes(): { file: string; name: string }[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) =>
      file.endsWith('.ts') &&
      !file.endsWith('.spec.ts') &&
      !OWN_VOCABULARIES.some((module) => file.startsWith(`${module}/`)),
  );
  return files.flatMap((file) =>
    [...readFileSync(join(SRC, file), 'utf8').matchAll(/outcome: '([a-z-]+)'/g)].map(([, name]) => ({
      file,
      name,
    })),
  );
}

describe('the AMI outcome vocabulary', () => {
  it('is pinned: a name changes only by a decision (and a line in docs/CHANGELOG.md)', () => {
    expect(VOCABULARY).toEqual({
      IMAGE_UNRESOLVED_REASONS: ['no-ami-for-region', 'unexpected-image-state', 'image-undated'],
      SSM_CONFIG_OUTCOMES: [
        'updated',
        'already-set',
        'ssm-parameter-missing',
        'ssm-config-invalid',
        'ssm-update-rejected',
        'ssm-update-failed',
        'deadline-exceeded',
      ],
      UNRESOLVED_REASONS: [
        'no-ami-for-region',
        'unexpected-image-state',
        'image-undated',
        'pipeline-not-found',
        'no-images',
        'no-newer-image',
        'ssm-update-pending',
        'image-builder-error',
        'state-table-error',
        'deadline-exceeded',
        'superseded',
      ],
      RECONCILIATION_OUTCOMES: [
        'corrected',
        'still-building',
        'ssm-update-completed',
        'ssm-drift-repaired',
        'unresolved',
      ],
      INVALID_RECORD_REASONS: [
        'invalid-preset-name',
        'preset-name-mismatch',
        'invalid-status',
        'invalid-updated-at',
        'invalid-ami-id',
        'invalid-ssm-pending-ami-id',
        'invalid-image-created-at',
        'invalid-heal-count',
        'invalid-healed-at',
      ],
      EVENT_REJECTED_REASONS: [
        'not-an-object',
        'wrong-source',
        'wrong-detail-type',
        'no-image-arn',
        'unknown-state',
      ],
      EVENT_IGNORED_REASONS: [
        'not-an-object',
        'wrong-source',
        'wrong-detail-type',
        'no-image-arn',
        'unknown-state',
        'image-not-found',
        'foreign-pipeline',
        'no-ami-record',
        'invalid-preset-name',
        'preset-name-mismatch',
        'invalid-status',
        'invalid-updated-at',
        'invalid-ami-id',
        'invalid-ssm-pending-ami-id',
        'invalid-image-created-at',
        'invalid-heal-count',
        'invalid-healed-at',
        'no-ami-for-region',
        'unexpected-image-state',
        'image-undated',
        'still-building',
        'no-newer-image',
        'superseded',
      ],
      EVENT_OUTCOMES: ['applied', 'ignored'],
      PIPELINE_STATUSES: ['ENABLED', 'DISABLED', 'not-found'],
      PIPELINE_CHECK_OUTCOMES: [
        'pipeline-disabled',
        'pipeline-not-found',
        'pipeline-invalid',
        'check-unavailable',
      ],
      PIPELINE_INVALID_REASONS: ['pipeline-status-unknown', 'invalid-date-last-run', 'invalid-date-next-run'],
      LOG_ONLY_OUTCOMES: [
        'ready',
        'failed',
        'invalid',
        'ssm-drift',
        'ssm-pending-again',
        'ssm-verify-failed',
        'ssm-verify-off',
        'state-table-unavailable',
        'internal-error',
        'startup-failed',
        'metrics-not-published',
      ],
    });
  });

  it('defines every outcome the code writes literally, in a log line or a result', () => {
    const known = new Set<string>(Object.values(VOCABULARY).flat());
    const found = literalOutcomes();

    expect(found.length).toBeGreaterThan(20);
    expect(found.filter(({ name }) => !known.has(name))).toEqual([]);
  });

  it.each(Object.entries(VOCABULARY))('%s names each fact once', (_list, names) => {
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([...RECONCILIATION_OUTCOMES, ...UNRESOLVED_REASONS, ...SSM_CONFIG_OUTCOMES])(
    'docs/response.md explains %s, which the response can carry',
    (name) => {
      const response = readFileSync(resolve(__dirname, '../../docs/response.md'), 'utf8');
      expect(response).toContain(`\`${name}\``);
    },
  );
});

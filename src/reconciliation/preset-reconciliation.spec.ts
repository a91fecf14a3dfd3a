import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { aReadyAmiRecord, anAmiRecord } from '../testing/ami-record.fixture';
import { applyReconciliations, PresetReconciliation } from './preset-reconciliation';

const building = (presetName: string) => anAmiRecord({ presetName });
const readyAsWritten = (presetName: string) => aReadyAmiRecord({ presetName });

const valid = (record: AmiRecord): ParsedAmiRecord => ({ kind: 'valid', record });

describe('applyReconciliations', () => {
  it('shows a corrected preset as the record written', () => {
    // Prepare
    const records = [valid(building('linux-x64'))];
    const written = readyAsWritten('linux-x64');
    const reconciliations: PresetReconciliation[] = [
      { presetName: 'linux-x64', kind: 'corrected', from: 'building', to: 'ready', record: written },
    ];

    // Act
    const applied = applyReconciliations(records, reconciliations);

    // Assess
    expect(applied).toEqual([{ kind: 'valid', record: written }]);
  });

  it('shows a superseded preset as the newer record another writer left', () => {
    // Prepare
    const records = [valid(building('linux-x64'))];
    const newer = valid({ ...readyAsWritten('linux-x64'), amiId: 'ami-0fffffffffffffff0' });
    const reconciliations: PresetReconciliation[] = [
      { presetName: 'linux-x64', kind: 'unresolved', reason: 'superseded', current: newer },
    ];

    // Act
    const applied = applyReconciliations(records, reconciliations);

    // Assess
    expect(applied).toEqual([newer]);
  });

  it('shows an invalid newer record when that is what another writer left', () => {
    // Prepare
    const records = [valid(building('linux-x64'))];
    const newer: ParsedAmiRecord = {
      kind: 'invalid',
      invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt: '2026-11-23T12:00:00.000Z' },
    };

    // Act
    const applied = applyReconciliations(records, [
      { presetName: 'linux-x64', kind: 'unresolved', reason: 'superseded', current: newer },
    ]);

    // Assess
    expect(applied).toEqual([newer]);
  });

  it('keeps the record as it was for a superseded preset whose newer record could not be read', () => {
    // Prepare
    const records = [valid(building('linux-x64'))];

    // Act
    const applied = applyReconciliations(records, [
      { presetName: 'linux-x64', kind: 'unresolved', reason: 'superseded' },
    ]);

    // Assess
    expect(applied).toEqual([valid(building('linux-x64'))]);
  });

  it('keeps the record as it was for a build still in progress or an unresolved preset', () => {
    // Prepare
    const records = [valid(building('linux-x64')), valid(building('arm64'))];
    const reconciliations: PresetReconciliation[] = [
      { presetName: 'linux-x64', kind: 'still-building' },
      { presetName: 'arm64', kind: 'unresolved', reason: 'pipeline-not-found' },
    ];

    // Act
    const applied = applyReconciliations(records, reconciliations);

    // Assess
    expect(applied).toEqual([valid(building('linux-x64')), valid(building('arm64'))]);
  });

  it('keeps records without a reconciliation and invalid records, in their order', () => {
    // Prepare
    const invalid: ParsedAmiRecord = {
      kind: 'invalid',
      invalid: { name: 'JOB#123', reason: 'invalid-preset-name', updatedAt: null },
    };
    const written = readyAsWritten('linux-x64');
    const records = [valid(building('windows-x64')), invalid, valid(building('linux-x64'))];

    // Act
    const applied = applyReconciliations(records, [
      { presetName: 'linux-x64', kind: 'corrected', from: 'building', to: 'ready', record: written },
    ]);

    // Assess
    expect(applied).toEqual([valid(building('windows-x64')), invalid, valid(written)]);
  });

  it('does not change the records it is given', () => {
    // Prepare
    const records = [valid(building('linux-x64'))];

    // Act
    applyReconciliations(records, [
      {
        presetName: 'linux-x64',
        kind: 'corrected',
        from: 'building',
        to: 'ready',
        record: readyAsWritten('linux-x64'),
      },
    ]);

    // Assess
    expect(records).toEqual([valid(building('linux-x64'))]);
  });
});

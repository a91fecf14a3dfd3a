import { Injectable } from '@nestjs/common';
import { amiJobId, ParsedAmiRecord } from '../ami-state/ami-record';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { AppLogger, describeError } from '../logging/app-logger';

/**
 * Reads every AMI record for a request: the recordType index, and by key each preset this
 * container has reported that the index read missed. Invalid records are logged here, once
 * a request, and reported as they are. Singleton: the presets it has seen live as long as
 * the container.
 */
@Injectable()
export class AmiRecordReader {
  /** Every preset this container has reported: one the index read misses is read by key. */
  private readonly seenPresets = new Set<string>();

  constructor(
    private readonly repository: AmiRecordStore,
    private readonly logger: AppLogger,
  ) {}

  /** Throws AmiStateUnavailableError when the index cannot be read within `deadline`. */
  async read(deadline: AbortSignal): Promise<ParsedAmiRecord[]> {
    // A hung table read ends at the deadline too (a 503), never at the Lambda's timeout; a
    // request without any budget still reads the table, and does nothing more.
    const listed = await this.repository.listAmiRecords(deadline.aborted ? undefined : deadline);
    const records = await this.withPresetsTheIndexMissed(listed, deadline);
    for (const parsed of records) {
      if (parsed.kind === 'invalid') {
        this.logger.warn('AMI record not understood; reported as invalid and left alone', {
          preset: parsed.invalid.name,
          outcome: 'invalid',
          reason: parsed.invalid.reason,
        });
      }
    }
    return records;
  }

  /**
   * The recordType index is eventually consistent (an update is a delete and a put there):
   * a preset this container has reported before that the read misses is read by key
   * (strongly consistent), and forgotten only if it is really gone.
   */
  private async withPresetsTheIndexMissed(
    listed: ParsedAmiRecord[],
    deadline: AbortSignal,
  ): Promise<ParsedAmiRecord[]> {
    const listedNames = new Set(
      listed.flatMap((parsed) => (parsed.kind === 'valid' ? [parsed.record.presetName] : [])),
    );
    const missed = [...this.seenPresets].filter((presetName) => !listedNames.has(presetName));
    const found = await Promise.all(
      missed.map(async (presetName) => {
        try {
          const record = await this.repository.findAmiRecord(amiJobId(presetName), deadline);
          if (record === undefined) this.seenPresets.delete(presetName);
          return record;
        } catch (error) {
          this.logger.warn('AMI record missing from the index read and unreadable by key; left out', {
            preset: presetName,
            outcome: 'state-table-error',
            error: describeError(error),
          });
          return undefined;
        }
      }),
    );
    const records = [...listed, ...found.flatMap((parsed) => (parsed === undefined ? [] : [parsed]))];
    for (const parsed of records) if (parsed.kind === 'valid') this.seenPresets.add(parsed.record.presetName);
    return records;
  }
}

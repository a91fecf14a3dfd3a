import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { requestDeadline } from '../common/request-deadline';
import { AppLogger } from '../logging/app-logger';
import { aReadyAmiRecord } from '../testing/ami-record.fixture';
import { strictMock } from '../testing/strict-mock';
import { AmiRecordReader } from './ami-record-reader.service';

const ready = aReadyAmiRecord();
const valid = (record: AmiRecord): ParsedAmiRecord => ({ kind: 'valid', record });

/** The reader over a visible mock of the record store. */
function newReader() {
  const repository = strictMock<AmiRecordStore>('AmiRecordStore');
  const logger = new AppLogger();
  return { reader: new AmiRecordReader(repository, logger), repository, logger };
}

describe(AmiRecordReader.name, () => {
  describe('read', () => {
    it('reads the AMI records within the request deadline, and without one when no time is left', async () => {
      const { reader, repository } = newReader();
      repository.listAmiRecords.mockResolvedValue([valid(ready)]);
      const deadline = requestDeadline(1_000);

      const records = await reader.read(deadline);
      await reader.read(requestDeadline(0));

      expect(records).toEqual([valid(ready)]);
      expect(repository.listAmiRecords.mock.calls).toEqual([[deadline], [undefined]]);
    });

    it('reports an invalid record as it is, with a warn log naming its preset and reason', async () => {
      const { reader, repository, logger } = newReader();
      const invalid: ParsedAmiRecord = {
        kind: 'invalid',
        invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt: '2026-11-23T10:00:00.000Z' },
      };
      repository.listAmiRecords.mockResolvedValue([invalid]);
      const warn = jest.spyOn(logger, 'warn');

      const records = await reader.read(requestDeadline(1_000));

      expect(records).toEqual([invalid]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'linux-x64', outcome: 'invalid', reason: 'invalid-status' }),
      );
    });

    describe('a preset the recordType index read misses (eventually consistent)', () => {
      it('is read by key with findAmiRecord and reported, once this container has seen it', async () => {
        const { reader, repository } = newReader();
        repository.listAmiRecords.mockResolvedValueOnce([valid(ready)]).mockResolvedValueOnce([]);
        repository.findAmiRecord.mockResolvedValue(valid(ready));
        await reader.read(requestDeadline(1_000));
        const readsByKeyAfterFirst = repository.findAmiRecord.mock.calls.length;
        const deadline = requestDeadline(1_000);

        const records = await reader.read(deadline);

        expect(readsByKeyAfterFirst).toBe(0);
        expect(repository.findAmiRecord).toHaveBeenCalledWith('AMI#linux-x64', deadline);
        expect(records).toEqual([valid(ready)]);
      });

      it('is dropped once the read by key says it is gone, and not read again', async () => {
        const { reader, repository } = newReader();
        repository.listAmiRecords.mockResolvedValueOnce([valid(ready)]).mockResolvedValue([]);
        repository.findAmiRecord.mockResolvedValue(undefined);
        await reader.read(requestDeadline(1_000));

        const gone = await reader.read(requestDeadline(1_000));
        const next = await reader.read(requestDeadline(1_000));

        expect(gone).toEqual([]);
        expect(next).toEqual([]);
        expect(repository.findAmiRecord).toHaveBeenCalledTimes(1);
      });

      it('is left out with a warn log when the read by key fails, and read again next request', async () => {
        const { reader, repository, logger } = newReader();
        repository.listAmiRecords.mockResolvedValueOnce([valid(ready)]).mockResolvedValue([]);
        repository.findAmiRecord
          .mockRejectedValueOnce(new Error('Throughput exceeds the current capacity'))
          .mockResolvedValue(valid(ready));
        await reader.read(requestDeadline(1_000));
        const warn = jest.spyOn(logger, 'warn');

        const failed = await reader.read(requestDeadline(1_000));
        const next = await reader.read(requestDeadline(1_000));

        expect(failed).toEqual([]);
        expect(warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ preset: 'linux-x64', outcome: 'state-table-error' }),
        );
        expect(next).toEqual([valid(ready)]);
      });
    });
  });
});

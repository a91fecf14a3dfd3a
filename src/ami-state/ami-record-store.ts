import { AmiRecord, ParsedAmiRecord } from './ami-record';
import { TransitionGuard } from './transition-guard';

/**
 * `applied`: the record changed as asked; `record` is the record as the store wrote it, so
 * no one describes a write twice. `superseded`: another writer changed it first.
 */
export type ConditionalWriteResult = { kind: 'applied'; record: AmiRecord } | { kind: 'superseded' };

export interface ReadyImage {
  amiId: string;
  buildId: string;
  imageCreatedAt: string;
}

export interface FailedImage {
  buildId: string;
  errorMessage: string;
  imageCreatedAt: string;
}

/**
 * The port to the AMI records of the state table, as the domain and its users need them
 * (aws/'s `AmiStateRepository` implements it): reads, and writes that each hold only under
 * their guard.
 */
export abstract class AmiRecordStore {
  /** Every AMI record; throws AmiStateUnavailableError when they cannot be read. */
  abstract listAmiRecords(abortSignal?: AbortSignal): Promise<ParsedAmiRecord[]>;

  /** The record as it is now (strongly consistent), or undefined when it is gone. */
  abstract findAmiRecord(jobId: string, abortSignal?: AbortSignal): Promise<ParsedAmiRecord | undefined>;

  /**
   * Sets the record ready with the image's AMI, and marks the SSM update as pending until
   * `clearSsmPendingIfCurrent` says the runner config holds that AMI.
   */
  abstract markReady(
    record: AmiRecord,
    image: ReadyImage,
    updatedAt: string,
    guard: TransitionGuard,
    pendingToken: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult>;

  /** Sets the record failed with the image's reason, keeping its AMI (and any pending SSM update). */
  abstract markFailed(
    record: AmiRecord,
    image: FailedImage,
    updatedAt: string,
    guard: TransitionGuard,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult>;

  /**
   * Clears the pending SSM update once the runner config holds `amiId`: only the very mark
   * `record` carries (its token), never a mark another writer set since.
   */
  abstract clearSsmPendingIfCurrent(
    record: AmiRecord,
    amiId: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult>;

  /** Marks the SSM update as pending for the record's current AMI, if it still is `amiId`. */
  abstract markSsmPendingIfAmi(
    record: AmiRecord,
    amiId: string,
    pendingToken: string,
    abortSignal?: AbortSignal,
  ): Promise<ConditionalWriteResult>;
}

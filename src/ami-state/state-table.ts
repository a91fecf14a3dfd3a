/**
 * The platform's state table as this service knows it, written once: the adapters (aws/)
 * query and write it by these names, the stack (infra/) creates or imports it with them, and
 * the local table (local/) is made from them. AMI records and the runner job records share it.
 */

/** The attributes the key, the indexes and this service's expressions name. */
export const STATE_TABLE_ATTRIBUTES = {
  /** The key: `AMI#<preset>` for an AMI record, the job's id for a runner job record. */
  jobId: 'jobId',
  /** `AMI` on an AMI record. */
  recordType: 'recordType',
  /** When an AMI record was last written. */
  updatedAt: 'updatedAt',
  /** An AMI record's status, or a runner job record's. */
  status: 'status',
  /** When a runner job record was created. */
  createdAt: 'createdAt',
} as const;

/** The table's partition key; it has no sort key. */
export const STATE_TABLE_KEY = STATE_TABLE_ATTRIBUTES.jobId;

/** The index that finds the AMI records: partition `recordType`, sort `updatedAt`. */
export const AMI_RECORDS_INDEX = {
  name: 'recordType-index',
  partitionKey: STATE_TABLE_ATTRIBUTES.recordType,
  sortKey: STATE_TABLE_ATTRIBUTES.updatedAt,
} as const;

/** The platform's index of runner job records: partition `status`, sort `createdAt`. */
export const JOB_STATUS_INDEX = {
  name: 'status-index',
  partitionKey: STATE_TABLE_ATTRIBUTES.status,
  sortKey: STATE_TABLE_ATTRIBUTES.createdAt,
} as const;

/** The `recordType` of an AMI record. */
export const AMI_RECORD_TYPE = 'AMI';

/** An AMI record's `jobId` is this prefix and its preset's name (`amiJobId`). */
export const AMI_JOB_ID_PREFIX = 'AMI#';

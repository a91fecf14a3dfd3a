import type { PresetStatus } from '../status/contract/status.schema';

/** What the response says of a preset beside its record's own fields, unless told otherwise. */
export const PRESET_DEFAULTS = {
  amiCreatedAt: null,
  pipeline: null,
  healCount: 0,
  lastHealedAt: null,
} as const;

/** A preset as the response reports it: the record's fields, nothing checked, never healed. */
export function aPresetStatus(
  fields: Pick<PresetStatus, 'name' | 'status' | 'amiId' | 'updatedAt'> & Partial<PresetStatus>,
): PresetStatus {
  return { ...PRESET_DEFAULTS, ...fields };
}

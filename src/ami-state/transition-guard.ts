/**
 * What a transition's write is conditional on. Both refuse an image that is not newer than
 * the one the record reflects (`imageCreatedAt`), so a duplicate or late event, or an older
 * finding, never moves a preset backwards.
 * - `unchanged-since-read`: reconciliation; also the status and updatedAt it read.
 * - `newer-image`: the AMI update events; the newest image wins whatever else changed.
 */
export type TransitionGuard = 'unchanged-since-read' | 'newer-image';

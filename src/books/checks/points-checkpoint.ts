import { finding, signed, type Finding } from '../findings.js';
import type { UserBooks } from '../user-books.js';

/** A checkpoint is the sum of its user's point entries created before its `upTo`: anything else misstates their points. */
export function checkpointMatchesEntries({ userId, user, checkpoint, tally }: UserBooks): Finding[] {
  if (!checkpoint) return [];
  const found: Finding[] = [];
  if (!user) found.push(finding('points-checkpoint', 'user', userId, `a points checkpoint exists for user ${userId}, who does not exist`));
  if (checkpoint.points !== tally.pointsBeforeCheckpoint || checkpoint.entries !== tally.entriesBeforeCheckpoint) {
    found.push(
      finding(
        'points-checkpoint',
        'user',
        userId,
        `points checkpoint up to ${checkpoint.upTo.toISOString()} says ${checkpoint.points} (${checkpoint.entries} entries); the entries before then sum to ${tally.pointsBeforeCheckpoint} (${tally.entriesBeforeCheckpoint} entries): off by ${signed(checkpoint.points - tally.pointsBeforeCheckpoint)}`,
        { expected: tally.pointsBeforeCheckpoint, actual: checkpoint.points },
      ),
    );
  }
  return found;
}

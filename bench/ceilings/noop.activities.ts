// The Temporal ceiling's "team" activity: receives the return like a real team's activity and does nothing with it.
import type { RefundRequest } from '../../domain';

export function createNoopActivities(team: string) {
  return {
    async noop(request: RefundRequest): Promise<{ returnId: string; team: string }> {
      return { returnId: request.returnId, team };
    },
  };
}

export type NoopActivities = ReturnType<typeof createNoopActivities>;

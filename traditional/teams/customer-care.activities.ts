// Customer Care's endpoint in the traditional model: once every other team's record stands, User Support asks it
// to tell the customer the result. The workflow knows when that is, so Customer Care needs no picture of its own.
import { type CustomerNotification, decideNotification, type SettledReturn } from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type CustomerCareColumn = 'verdict';
export type CustomerCareStore = TeamStore<CustomerNotification, CustomerCareColumn>;

export const CUSTOMER_CARE_TABLE: TeamTable<CustomerNotification, CustomerCareColumn> = {
  name: 'customer_notifications',
  recordId: (notification) => notification.notificationId,
  columns: { verdict: (notification) => notification.verdict },
  indexes: [['verdict']],
};

export function createCustomerCareActivities({ store, clock }: TeamDependencies<CustomerCareStore>) {
  return {
    // Exactly one notification per return: a retried call finds the one already sent.
    async notifyCustomer(settled: SettledReturn): Promise<CustomerNotification> {
      return store.recordOnce(settled.refund.returnId, clock().toISOString(), () => decideNotification(settled));
    },
  };
}

export type CustomerCareActivities = ReturnType<typeof createCustomerCareActivities>;

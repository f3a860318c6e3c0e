// How many replicas the event log gives a topic, and how many must hold an append, from the brokers the cluster
// names: the rule ensureTopics applies on every cluster, one broker or many.
import assert from 'node:assert/strict';
import { replicationFor } from '../../event-sourced/event-log';

describe('the replication of the topics the models create', () => {
  for (const [brokers, factor, minInSync] of [
    [1, 1, 1],
    // Most often three with one away: asking for three makes the broker refuse rather than under-replicate.
    [2, 3, 2],
    [3, 3, 2],
    [5, 3, 2],
  ] as const) {
    it(`should give ${factor} replica(s), ${minInSync} in sync to acknowledge, on a cluster of ${brokers}`, () => {
      assert.deepEqual(replicationFor(brokers), { factor, minInSync });
    });
  }

  it('should never ask for fewer than one replica, even of a cluster that names no broker', () => {
    assert.deepEqual(replicationFor(0), { factor: 1, minInSync: 1 });
  });
});

// What the fault suite reads of the teams' effects beyond the port's Model.effects: the negative control's second
// decisions (kept in a file of the suite's own), the scopes the hostile-input matrix ran without a model (a start
// script's), and team topics with records the suite wrote onto them itself. Each comes back in the port's shape,
// for the one checker (model/effects-check.ts).
import type { Config } from '../config';
import { type Team, TEAMS, perTeam } from '../domain';
import { decodeTeamEvent } from '../event-sourced/envelope';
import type { EventLog } from '../event-sourced/event-log';
import { topicsOf } from '../event-sourced/topics';
import type { Model, ModelName, StoredDecision, StoredEffects } from '../model/port';
import { readTeamRecords } from '../traditional/teams';
import { readDecidedAgain } from './edge/decided-again';

type Decisions = Record<Team, Map<string, StoredDecision[]>>;

function add(decisions: Map<string, StoredDecision[]>, returnId: string, decision: StoredDecision): void {
  const list = decisions.get(returnId);
  if (list) list.push(decision);
  else decisions.set(returnId, [decision]);
}

function copyDecisions(effects: StoredEffects): Decisions {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  for (const team of TEAMS)
    for (const [returnId, list] of effects.decisions[team]) decisions[team].set(returnId, [...list]);
  return decisions;
}

// The traditional negative control decides again what its table refuses to store twice: those second decisions
// count as the team's.
function withDecidedAgain(effects: StoredEffects, config: Pick<Config, 'dataDir' | 'scope'>): StoredEffects {
  const decisions = copyDecisions(effects);
  for (const team of TEAMS)
    for (const stored of readDecidedAgain(config, team)) add(decisions[team], stored.record.returnId, stored);
  return { ...effects, decisions };
}

// Everything the model's teams decided, by the port, and in the traditional model what the negative control
// decided again.
export async function faultEffects(model: Model): Promise<StoredEffects> {
  const effects = await model.effects();
  return model.name === 'traditional' ? withDecidedAgain(effects, model.config) : effects;
}

// When each team first stored its decision on each return, by the team's own clock (epoch ms).
export function recordedAt(effects: StoredEffects, team: Team): Map<string, number> {
  return new Map([...effects.decisions[team]].map(([returnId, [first]]) => [returnId, Date.parse(first.recordedAt)]));
}

// A traditional scope no model of the suite's ran (a start script's): each team's database as it is on disk.
export function readTraditionalScopeEffects(config: Pick<Config, 'dataDir' | 'scope'>): StoredEffects {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  for (const team of TEAMS)
    for (const stored of readTeamRecords(config, team)) add(decisions[team], stored.record.returnId, stored);
  const none = perTeam(() => 0);
  return withDecidedAgain({ model: 'traditional', decisions, copies: none, unreadable: { ...none } }, config);
}

// Every team topic of a scope from offset 0, each record read by the gate every reader uses, leaving out the raw
// values the suite wrote there itself (hostile input): never a decision of the team. A byte-identical record is
// one decision stored twice, counted as a copy.
export async function readTopicEffects(
  log: EventLog,
  scope: string,
  injectedValues: ReadonlySet<string> = new Set(),
): Promise<StoredEffects> {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  const copies = perTeam(() => 0);
  const unreadable = perTeam(() => 0);
  const topics = topicsOf(scope).teamEvents;
  for (const team of TEAMS) {
    const seenValues = new Set<string>();
    await log.readToEnd([topics[team]], (record) => {
      const value = record.value?.toString('utf8') ?? '';
      if (injectedValues.has(value)) return;
      const decoded = decodeTeamEvent(record, team);
      if (!decoded.ok) {
        unreadable[team]++;
        return;
      }
      if (seenValues.has(value)) {
        copies[team]++;
        return;
      }
      seenValues.add(value);
      add(decisions[team], decoded.envelope.returnId, {
        record: decoded.envelope.data,
        recordedAt: decoded.envelope.occurredAt,
      });
    });
  }
  return { model: 'event-sourced', decisions, copies, unreadable };
}

// Several scopes of one model as one: what the hostile-input matrix checks per model.
export function mergeEffects(model: ModelName, all: readonly StoredEffects[]): StoredEffects {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  const copies = perTeam(() => 0);
  const unreadable = perTeam(() => 0);
  for (const effects of all) {
    for (const team of TEAMS) {
      copies[team] += effects.copies[team];
      unreadable[team] += effects.unreadable[team];
      for (const [returnId, list] of effects.decisions[team])
        for (const decision of list) add(decisions[team], returnId, decision);
    }
  }
  return { model, decisions, copies, unreadable };
}

// What the fault suite reads of the teams' effects beyond the port's Model.effects: the negative control's second
// decisions (kept in a file of the suite's own), the scopes the hostile-input matrix ran without a model (a start
// script's), and several scopes merged. Team topics with records the suite wrote onto them itself are read by the
// model's own reader (event-sourced/model.ts readTeamTopicEffects), told what to ignore. Each comes back in the
// port's shape, for the one checker (model/effects-check.ts).
import type { Config } from '../config';
import { type Team, TEAMS, perTeam } from '../domain';
import type { Model, ModelName, StoredDecision, StoredEffects } from '../model/port';
import { readTeamDatabaseEffects, stepOfRecord } from '../traditional/model';
import { readTeamRecords } from '../traditional/teams';
import type { TeamStoreConfig } from '../traditional/team-store';
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
    for (const stored of readDecidedAgain(config, team)) {
      add(decisions[team], stored.record.returnId, { ...stored, step: stepOfRecord(stored.record) });
    }
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

// A traditional scope no model of the suite's ran (a start script's): each team's store as it is now.
export async function readTraditionalScopeEffects(config: TeamStoreConfig): Promise<StoredEffects> {
  return withDecidedAgain(await readTeamDatabaseEffects((team) => readTeamRecords(config, team)), config);
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

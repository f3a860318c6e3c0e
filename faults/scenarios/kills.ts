// Processes SIGKILLed at random moments while returns flow, in either model: the event-sourced team subscribers,
// the traditional team workers mid-activity, and User Support's workflow worker mid-run. The victim is started
// again at once; nothing may be lost or decided twice, and every return must complete.
import { type Team, TEAMS } from '../../domain';
import { TEAM_INPUTS } from '../../event-sourced/teams';
import { EffectsChecker } from '../../model/effects-check';
import type { ModelName, ModelRole } from '../../model/port';
import { driveReturns } from '../drive';
import { faultEffects } from '../effects';
import { describeKillRecovery, describeKills, type Kill, killAtRandomMoments, unexpectedExits } from '../inject';
import type { FaultModel } from '../open';
import { faultReturns, judge, type Scenario, type ScenarioContext, seconds, type Sizes, withModel } from '../scenario';
import {
  ANSWER_TIMEOUT_MS,
  type ChangeWindow,
  changeWindowEvidence,
  killEvidence,
  openScenarioModel,
  retriedActivities,
  type Settled,
  settleModel,
  variantOf,
} from './per-model';

// What the kills came to, in the model's own terms: the evidence that they landed while the victim held work.
interface KillFigures {
  readonly faults: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
  readonly problems: readonly string[];
}

interface KillsPlan {
  readonly id: string;
  readonly title: string;
  readonly model: ModelName;
  readonly label: string;
  readonly roles: readonly ModelRole[];
  readonly kills: (sizes: Sizes) => number;
  // Whether each kill waits for a moment its victim holds work.
  readonly withEvidence: boolean;
  // Evidence of the plan's own, gathered at the moment of each kill, instead of the model's.
  readonly evidence?: (model: FaultModel) => Promise<Record<string, number>>;
  figures(model: FaultModel, kills: readonly Kill[], settled: Settled, context: ScenarioContext): Promise<KillFigures>;
}

function killsScenario(plan: KillsPlan): Scenario {
  return {
    id: plan.id,
    title: plan.title,
    model: plan.model,
    async run(context) {
      const startedAt = performance.now();
      const requests = faultReturns(context.sizes.returns);
      const timeoutMs = ANSWER_TIMEOUT_MS[plan.model];
      return withModel(openScenarioModel(context, plan.model, plan.label), async (model) => {
        const checker = new EffectsChecker();
        const drive = driveReturns(model, requests, {
          checker,
          concurrency: context.sizes.concurrency,
          answerTimeoutMs: timeoutMs,
          report: context.progress,
        });
        const kills = await killAtRandomMoments(model, drive, {
          kills: plan.kills(context.sizes),
          total: requests.length,
          roles: plan.roles,
          seed: context.seed,
          recoveryTimeoutMs: timeoutMs,
          ...(plan.withEvidence ? { evidence: (role, held) => killEvidence(model, role as Team, held) } : {}),
          ...(plan.evidence ? { evidence: () => plan.evidence!(model) } : {}),
          progress: context.progress,
        });
        const driven = await drive.done;
        const settled = await settleModel(model, 60_000);
        const check = checker.check(await faultEffects(model));
        const figures = await plan.figures(model, kills, settled, context);
        return judge(
          {
            id: this.id,
            title: this.title,
            model: this.model,
            ...variantOf(model),
            returns: requests.length,
            faults: figures.faults,
            recovery: describeKillRecovery(kills),
            details: { kills, unexpectedExits: unexpectedExits(model), ...figures.details },
            ownProblems: [...settled.problems, ...figures.problems],
            notes: figures.notes,
          },
          check,
          driven,
          startedAt,
        );
      });
    },
  };
}

export const eventSourcedKills = killsScenario({
  id: 'es-kill-subscribers',
  title: 'team subscribers SIGKILLed at random moments',
  model: 'event-sourced',
  label: 'es-kills',
  roles: TEAMS,
  kills: (sizes) => sizes.kills,
  withEvidence: true,
  async figures(_model, kills, settled, context) {
    const uncommitted = kills.reduce((sum, kill) => sum + (kill.evidence.uncommittedAtKill ?? 0), 0);
    return {
      faults: `${kills.length} SIGKILLs (${describeKills(kills)}); ${uncommitted} requests uncommitted at the kills`,
      details: { lagsSettledSeconds: settled.settledMs === null ? null : seconds(settled.settledMs) },
      notes: uncommitted === 0 ? ['no kill found the victim with a request uncommitted: none hit it mid-batch'] : [],
      problems:
        kills.length < context.sizes.kills ? [`only ${kills.length} of ${context.sizes.kills} kills happened`] : [],
    };
  },
});

// The traditional model's kills: evidence they landed mid-activity is that Temporal had handed activities to the
// victim, and retried them.
function traditionalKillsPlan(role: 'teams' | 'user-support'): KillsPlan {
  const teams = role === 'teams';
  return {
    id: teams ? 'trad-kill-team-workers' : 'trad-kill-user-support',
    title: teams ? 'team workers SIGKILLed mid-activity' : "User Support's workflow worker SIGKILLed mid-run",
    model: 'traditional',
    label: teams ? 'trad-kills' : 'trad-us-kills',
    roles: teams ? TEAMS : ['user-support'],
    kills: (sizes) => (teams ? sizes.kills : Math.max(1, sizes.kills - 1)),
    withEvidence: teams,
    async figures(model, kills) {
      const notes = kills.every((kill) => kill.inFlight === 0) ? ['no kill found a return in flight'] : [];
      const faults = `${kills.length} SIGKILLs (${describeKills(kills)})`;
      if (!teams || model.name !== 'traditional') return { faults, details: {}, notes, problems: [] };
      const inHand = kills.reduce((sum, kill) => sum + (kill.evidence.activitiesStartedAtKill ?? 0), 0);
      const retried = await retriedActivities(model, kills);
      if (retried === 0) notes.push('no activity of a killed worker was retried: no kill hit an activity in flight');
      return {
        faults: `${faults}; ${inHand} activities in the victims' hands, ${retried} returns with an activity retried`,
        details: { heldReturnsWithRetriedActivity: retried },
        notes,
        problems: [],
      };
    },
  };
}

export const traditionalKills = killsScenario(traditionalKillsPlan('teams'));
export const traditionalUserSupportKills = killsScenario(traditionalKillsPlan('user-support'));

// The windows the process change opened, hit on purpose. About a third of the returns are refused, so releases and
// compensations run throughout:
// - Inventory killed while it holds units for returns whose verdict has not reached it: a held unit must ship or go
//   back to stock exactly once;
// - a refusal's undo interrupted: in the traditional model User Support's workflow worker, which runs the saga's
//   compensations one after the other, killed between them (each compensation must run once, and the rest
//   after it); in the event-sourced model, which has no coordinator, the teams that read the verdict and undo
//   what they did, killed while a refusal is not undone everywhere;
// - Customer Care killed while returns wait for their notification: each must be told exactly once.
interface ChangeWindowPlan {
  readonly window: ChangeWindow;
  readonly victim: string;
  readonly roles: readonly ModelRole[];
  readonly title: string;
  // What the evidence counts, in a few words.
  readonly what: string;
}

// Every team that reads Sales' verdict: those that undo what they did before it, and Customer Care, which waits
// for the undo before it tells the customer.
const VERDICT_READERS = TEAMS.filter((team) => (TEAM_INPUTS[team] as readonly Team[]).includes('sales'));

const inventoryHolding: ChangeWindowPlan = {
  window: 'holding',
  victim: 'inventory',
  roles: ['inventory'],
  title: 'inventory SIGKILLed holding units',
  what: 'units held',
};

const userSupportCompensating: ChangeWindowPlan = {
  window: 'compensating',
  victim: 'user-support',
  roles: ['user-support'],
  title: "User Support's workflow worker SIGKILLed while the saga compensates refusals",
  what: 'refused returns not yet undone',
};

const verdictReadersCompensating: ChangeWindowPlan = {
  window: 'compensating',
  victim: 'verdict-readers',
  roles: VERDICT_READERS,
  title: `the teams that read the verdict (${VERDICT_READERS.join(', ')}) SIGKILLed while they undo refusals`,
  what: 'refused returns not yet undone',
};

const customerCareNotifying: ChangeWindowPlan = {
  window: 'notifying',
  victim: 'customer-care',
  roles: ['customer-care'],
  title: 'customer-care SIGKILLed around a notification',
  what: 'returns awaiting their notification',
};

function changeWindowKillsPlan(model: ModelName, plan: ChangeWindowPlan): KillsPlan {
  const short = model === 'traditional' ? 'trad' : 'es';
  return {
    id: `${short}-kill-${plan.victim}-${plan.window}`,
    title: plan.title,
    model,
    label: `${short}-${plan.victim}-${plan.window}`,
    roles: plan.roles,
    kills: (sizes) => sizes.kills,
    withEvidence: false,
    async figures(_model, kills, _settled, context) {
      const inWindow = kills.reduce((sum, kill) => sum + Object.values(kill.evidence).reduce((a, b) => a + b, 0), 0);
      return {
        faults: `${kills.length} SIGKILLs (${describeKills(kills)}); ${inWindow} ${plan.what} at the kills`,
        details: {},
        notes: inWindow === 0 ? [`no kill found ${plan.what}: none hit the window`] : [],
        problems:
          kills.length < context.sizes.kills ? [`only ${kills.length} of ${context.sizes.kills} kills happened`] : [],
      };
    },
    evidence: (model) => changeWindowEvidence(model, plan.window),
  };
}

export const eventSourcedInventoryHoldingKills = killsScenario(
  changeWindowKillsPlan('event-sourced', inventoryHolding),
);
export const traditionalInventoryHoldingKills = killsScenario(changeWindowKillsPlan('traditional', inventoryHolding));
export const traditionalUserSupportCompensatingKills = killsScenario(
  changeWindowKillsPlan('traditional', userSupportCompensating),
);
export const eventSourcedCompensatingKills = killsScenario(
  changeWindowKillsPlan('event-sourced', verdictReadersCompensating),
);
export const eventSourcedCustomerCareKills = killsScenario(
  changeWindowKillsPlan('event-sourced', customerCareNotifying),
);
export const traditionalCustomerCareKills = killsScenario(changeWindowKillsPlan('traditional', customerCareNotifying));

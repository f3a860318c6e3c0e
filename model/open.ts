// The one door by name: a driver that takes either model (a fault scenario, the benchmark, a dashboard) opens it
// here, and from then on sees only the port.
import type { Config } from '../config';
import { type EventSourcedModelOptions, openEventSourcedModel } from '../event-sourced/model';
import { openTraditionalModel, type TraditionalModelOptions } from '../traditional/model';
import type { Model } from './port';

export type ModelChoice =
  | ({ readonly name: 'traditional' } & TraditionalModelOptions)
  | ({ readonly name: 'event-sourced' } & EventSourcedModelOptions);

export function openModel(config: Config, choice: ModelChoice): Promise<Model> {
  return choice.name === 'traditional' ? openTraditionalModel(config, choice) : openEventSourcedModel(config, choice);
}

// State left by earlier runs that the stores of one scope no longer agree on: Temporal remembers runs whose team
// records the team stores have lost (DATA_DIR deleted, another checkout), or one model's stores hold returns the other never saw.
// It is not a difference between the models, and the fix is the same whichever store is stale.
import { ActionableError } from './actionable-error';

export function staleScopeRemedy(scope: string): string {
  return (
    `Clear the scope with \`npm run reset\` (it clears RETURNS_SCOPE=${scope} in Kafka, Temporal and the team stores), ` +
    'or run in a scope of its own: RETURNS_SCOPE=<new-scope>.'
  );
}

export class StaleScopeError extends ActionableError {
  constructor(scope: string, whatDisagrees: string) {
    super(`Stale state in scope "${scope}": ${whatDisagrees} ${staleScopeRemedy(scope)}`);
  }
}

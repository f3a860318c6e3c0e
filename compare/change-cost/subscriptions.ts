// Which team topics each event-sourced team reads besides the requests, as event-sourced/teams.ts declares them in a
// literal `export const TEAM_INPUTS = { inventory: ['sales'], … }`. Without that export every team reads the request
// topic alone. Read from the source text at a commit, so the figures need no build of an old version.
import { ActionableError } from '../../cli/actionable-error';

export const TEAM_INPUTS_FILE = 'event-sourced/teams.ts';

export interface TeamReads {
  readonly reader: string;
  readonly writer: string;
}

// null when the source declares no TEAM_INPUTS.
export function parseTeamInputs(source: string, where: string): TeamReads[] | null {
  const code = withoutComments(source);
  const declaration = /export\s+const\s+TEAM_INPUTS\b/.exec(code);
  if (!declaration) return null;
  const unreadable = (why: string) =>
    new ActionableError(
      `${TEAM_INPUTS_FILE} at ${where} declares TEAM_INPUTS in a form change-cost cannot read (${why}). Write it ` +
        'as a literal object of team to the teams it reads, e.g. ' +
        "export const TEAM_INPUTS = { sales: [], inventory: ['sales'] } as const;",
    );
  const afterName = code.slice(declaration.index + declaration[0].length);
  // The initialiser's `=`, past any type annotation.
  const assignment = /=(?!>)\s*/.exec(afterName);
  if (!assignment || afterName[assignment.index + assignment[0].length] !== '{') throw unreadable('no object literal');
  const body = objectBody(afterName.slice(assignment.index + assignment[0].length));
  if (body === null) throw unreadable('its braces do not close');
  const entry = /(['"]?)([A-Za-z][\w-]*)\1\s*:\s*\[([^\]]*)\]/g;
  const pairs: TeamReads[] = [];
  for (const [, , reader, list] of body.matchAll(entry)) {
    for (const item of list.split(',').map((text) => text.trim())) {
      if (item === '') continue;
      const writer = /^(['"])([A-Za-z][\w-]*)\1$/.exec(item)?.[2];
      if (writer === undefined) throw unreadable(`${reader} reads ${item}, which is not a team name in quotes`);
      pairs.push({ reader, writer });
    }
  }
  // Anything but entries, commas and spaces is a form the pattern above would misread.
  if (body.replace(entry, '').replace(/[\s,]/g, '') !== '') throw unreadable('an entry is not `team: [ … ]`');
  return pairs;
}

// What the later declaration adds to the earlier one, and what it drops.
export function subscriptionChanges(
  before: readonly TeamReads[],
  after: readonly TeamReads[],
): { readonly added: TeamReads[]; readonly removed: TeamReads[] } {
  const key = ({ reader, writer }: TeamReads) => `${reader} ${writer}`;
  const missingFrom = (list: readonly TeamReads[]) => {
    const keys = new Set(list.map(key));
    return (pair: TeamReads) => !keys.has(key(pair));
  };
  return { added: after.filter(missingFrom(before)), removed: before.filter(missingFrom(after)) };
}

export function describeReads({ reader, writer }: TeamReads): string {
  return `${reader} reads ${writer}`;
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

// The text between an opening brace (the first character) and its closing one.
function objectBody(text: string): string | null {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '{') depth++;
    if (text[index] === '}' && --depth === 0) return text.slice(1, index);
  }
  return null;
}

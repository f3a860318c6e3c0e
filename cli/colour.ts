// Colour for a terminal, so that a differing row cannot pass for a matching one at a glance. Plain text for a pipe
// or a file, which is also what the tests read; NO_COLOR and FORCE_COLOR decide otherwise (config.ts).
import type { OutputSettings } from '../config';

export interface Paint {
  readonly good: (text: string) => string;
  readonly bad: (text: string) => string;
}

const PLAIN: Paint = { good: (text) => text, bad: (text) => text };
// Green and bold red; each resets only what it set, so a painted word inside a padded column keeps the padding.
const ANSI: Paint = {
  good: (text) => `\u001b[32m${text}\u001b[39m`,
  bad: (text) => `\u001b[1;31m${text}\u001b[22;39m`,
};

export function paintFor(settings: OutputSettings, stream: { readonly isTTY?: boolean }): Paint {
  const colour = settings.colour === 'always' || (settings.colour === 'terminal' && stream.isTTY === true);
  return colour ? ANSI : PLAIN;
}

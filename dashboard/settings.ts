// The dashboard's own setting, read by its entry point and refused at start-up like every setting of config.ts:
// the variable's name, what it accepts and how to fix it, with exit code 2.
import { SettingError } from '../config';

export const DASHBOARD_DEFAULTS = { DASHBOARD_PORT: '8090' } as const;

export interface DashboardSettings {
  // The port on 127.0.0.1 the page and its controls are served on.
  readonly port: number;
}

export function loadDashboardSettings(env: NodeJS.ProcessEnv = process.env): DashboardSettings {
  const text = env.DASHBOARD_PORT ?? DASHBOARD_DEFAULTS.DASHBOARD_PORT;
  // Digits only: Number() would also take "1e3", "0x1f" and " 80 ".
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65_535)) {
    throw new SettingError(
      `DASHBOARD_PORT must be a whole number from 1 to 65535, got "${text}". Unset it for the default ${DASHBOARD_DEFAULTS.DASHBOARD_PORT}.`,
    );
  }
  return { port };
}

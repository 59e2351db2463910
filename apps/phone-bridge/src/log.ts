/**
 * The bridge's logging seam: one function, injected, so tests record what was skipped and a
 * server can route it to its own logger.
 * @module
 */

/** How serious a log line is. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Receives one log line and its structured fields (never audio, never keys). */
export type BridgeLog = (
  level: LogLevel,
  message: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** Logs to the console, one line each, fields as JSON. */
export const consoleLog: BridgeLog = (level, message, fields) => {
  const line = fields === undefined ? message : `${message} ${JSON.stringify(fields)}`;
  if (level === 'info') console.log(`phone-bridge: ${line}`);
  else console.error(`phone-bridge ${level}: ${line}`);
};

/** Logs nothing. */
export const silentLog: BridgeLog = () => {};

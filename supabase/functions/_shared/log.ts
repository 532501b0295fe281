/** A structured logger: one JSON line per message. */
export type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** Logs JSON lines to stdout (info) or stderr (errors). */
export function createLog(fn: string): Log {
  return (msg, fields = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), fn, msg, ...fields });
    if (/error|fail/i.test(msg)) console.error(line);
    else console.log(line);
  };
}

/** A logger that drops everything (tests). */
export const silentLog: Log = () => {};

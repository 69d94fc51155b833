/**
 * `npm start` checks its port before it replays a day (which takes a while), so a busy port is
 * reported at once, in one line that names the fix, instead of a raw EADDRINUSE stack at the end.
 */
import * as net from 'node:net';

export class PortBusyError extends Error {
  override readonly name = 'PortBusyError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use. Stop what is using it, or pick another port: PORT=${port + 1} npm start`);
  }
}

/** Resolves when `port` on 127.0.0.1 can be listened on (and frees it again); rejects with PortBusyError when it is taken. */
export function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortBusyError(port) : error);
    });
    probe.listen(port, host, () => {
      probe.close(() => resolve());
    });
  });
}

/** The port from the PORT variable; anything that is not a port number is refused with the fix. */
export function portFromEnv(value: string | undefined, fallback = 3000): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`PORT=${value} is not a port number (1–65535), e.g. PORT=4000 npm start`);
  return port;
}

/**
 * The only ambient globals server code may rely on inside the platform sandbox (SPEC §5):
 * no `process`, no `Buffer`, no timers. `console` output becomes the app's logs
 * (Admin > Apps > View logs). tsconfig.server.json compiles src/ against this file instead of
 * @types/node, so a stray `setTimeout` or `Buffer` fails the build rather than production.
 */
interface SandboxConsole {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
}
declare var console: SandboxConsole;
/** The sandbox's CommonJS loader: server/lib files and the manifest's dependencies only. */
declare function require(id: string): unknown;

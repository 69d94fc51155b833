/**
 * Handler names a manifest refers to: every `events.*.handler` of every module, plus SMI
 * `functions` of `modules.common`. Shared by the build (to generate server.js) and the
 * validator (to check server.js exports them all).
 */
export function manifestHandlerNames(manifest: unknown): string[] {
  const names = new Set<string>();
  const modules = (manifest as { modules?: Record<string, unknown> } | null)?.modules ?? {};
  for (const mod of Object.values(modules)) {
    const m = (mod ?? {}) as { events?: Record<string, { handler?: unknown }>; functions?: Record<string, unknown> };
    for (const ev of Object.values(m.events ?? {})) {
      if (typeof ev.handler === 'string') names.add(ev.handler);
    }
    for (const fn of Object.keys(m.functions ?? {})) names.add(fn);
  }
  return [...names];
}

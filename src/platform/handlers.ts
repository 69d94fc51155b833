import type { Handler, HandlerArgs, Platform } from './types';

/** Ids only: logs never carry ticket bodies or secrets (SPEC §7). */
function describe(args: HandlerArgs): string {
  const data = (args.data ?? {}) as { ticket?: { id?: number }; conversation?: { id?: number; ticket_id?: number } };
  const parts = [`event=${String(args.event)}`];
  if (data.ticket?.id !== undefined) parts.push(`ticket=${String(data.ticket.id)}`);
  if (data.conversation?.id !== undefined) parts.push(`conversation=${String(data.conversation.id)}`);
  return parts.join(' ');
}

function logOnly(args: HandlerArgs): void {
  console.log(`[injixo-connect] received ${describe(args)}`);
}

function finishInstall(_args: HandlerArgs, platform: Platform): void {
  platform.renderData();
}

/**
 * Every handler named in manifest.json, keyed by that name. tools/build generates the
 * literal `exports = { … }` of server/server.js from this object and the manifest.
 */
export const handlers: Record<string, Handler> = {
  onTicketCreateHandler: logOnly,
  onConversationCreateHandler: logOnly,
  onTicketUpdateHandler: logOnly,
  onAppInstallHandler: finishInstall,
  onAppUninstallHandler: finishInstall,
  onScheduledEventHandler: logOnly,
};

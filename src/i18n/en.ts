/**
 * Every string an admin reads on the install page and the status page, in English.
 * `{name}` marks a placeholder; fr.ts must use the same placeholders (test/ui checks it).
 * The `guidance.*` texts are also the server's log guidance (src/delivery/status/messages.ts), so the
 * logs and the status page (in the admin's language, by failure code) say the same thing.
 * `install.blocked.*` are what onAppInstall shows when it refuses an install: the platform
 * allows 60 characters and tells the server no locale, so they are bilingual (test/ui checks).
 */
export const en = {
  'app.name': 'injixo connect',

  'install.title': 'Connect Freshdesk to injixo',
  'install.intro':
    'New tickets and replies are sent to injixo as offered contacts, so planners can forecast and schedule your agents. Both keys are checked when you save.',
  'install.checking': 'Checking the keys with injixo and Freshdesk…',
  'install.checked': 'Both keys work. You can save.',
  'install.fixErrors': 'Please correct the fields marked above.',
  'install.checkButton': 'Check keys',

  'field.injixoKey.label': 'injixo API key',
  'field.injixoKey.hint': 'In injixo: Account > Integrations > Freshdesk > Install the injixo app > Generate.',
  'field.freshdeskKey.label': 'Freshdesk API key of an Account Administrator',
  'field.freshdeskKey.hint':
    'Signed in to Freshdesk as an Account Administrator: Profile settings > View API key. The app reads your group names with it.',
  'field.secret.saved': 'A key is saved. Leave this empty to keep it, or paste a new key.',
  'field.secret.reenter':
    'Freshdesk keeps saved keys secret and does not hand them back to this page, so paste both keys again to save changed settings. Until you save, the app keeps working with the keys it has.',
  'field.replyScope.label': 'Replies counted',
  'field.replyScope.customer': 'Customer replies only (recommended)',
  'field.replyScope.all_public': 'Customer replies and agents’ public replies',
  'field.replyScope.hint': 'Private notes and survey feedback never count.',
  'field.importWindow.label': 'Import past tickets',
  'field.importWindow.none': 'No import',
  'field.importWindow.days': 'Last {days} days',
  'field.importWindow.hint':
    'Tickets and replies created in these days before the installation are sent to injixo in the background, alongside new activity, at {rate} Freshdesk requests an hour (about one a ticket). The status page shows the progress, can pause it, and gives the command for older history.',
  'field.integrationId.label': 'injixo integration configuration id (optional)',
  'field.integrationId.hint': 'Leave empty unless injixo support asked you to set it.',
  'field.handledContacts.label': 'Send handled contacts and handle time',
  'field.handledContacts.hint':
    'Off by default because what it sends to injixo can never be deleted: each resolved ticket becomes one handled contact in its ticket’s queue, with the time entries logged on it as handle time.',
  'field.agentStatuses.label': 'Send agent statuses',
  'field.agentStatuses.hint':
    'Off by default because what it sends to injixo can never be deleted: agents’ availability changes become status intervals, and each agent must first be mapped to a person in injixo.',
  'field.agentIdentifier.label': 'Identify agents by',
  'field.agentIdentifier.email': 'Email (default)',
  'field.agentIdentifier.id': 'Freshdesk agent id',
  'field.agentIdentifier.hint': 'This is the identifier injixo shows for each agent when you map agents to people.',
  'field.dailyCheck.label': 'Check every day against Freshdesk',
  'field.dailyCheck.hint':
    'On by default: two hours after each UTC day ends, the app reads that day back from Freshdesk and sends what injixo is missing; recorded gaps are repaired the same way. It costs about one Freshdesk API call per ticket of the day (0.45 per ticket and reply), within the app’s share of the account’s API limit; the line below says what that is for this account.',

  'checkEstimate.needsKey': 'Check the keys above to see how many Freshdesk API calls a day the check costs this account.',
  'checkEstimate.result': 'For this account (about {perDay} tickets a day): about {calls} Freshdesk API calls a day, within the app’s share of the API limit.',

  'error.required': 'This field is required.',
  'error.integrationId': 'Digits only, such as 1234 (as injixo support gave it), or leave the field empty.',
  'error.injixoKeyRejected':
    'injixo rejected this API key (HTTP {status}). It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it here.',
  'error.injixoKeyRejectedFirst':
    'injixo rejected this API key (HTTP {status}). Check that you copied the whole key, or generate a new one in injixo (Account > Integrations > Freshdesk > Install the injixo app > Generate) and paste it here.',
  'estimate.needsKey': 'Paste the Freshdesk key above and check the keys to see how long this import takes for your account.',
  'estimate.measuring': 'Measuring this account’s ticket volume (one Freshdesk request)…',
  'estimate.result':
    'This account: about {perDay} tickets a day (from its {sample} newest tickets). {days} days are about {tickets} tickets, which the app imports in about {duration}.',
  'estimate.empty': 'No ticket was created in the last 30 days: the import has little or nothing to read.',
  'estimate.useCli':
    'That is more than {limit} tickets, over a day of importing in the app. Choose “No import” here and have the history imported with the import tool from a workstation instead: the status page gives its command, and it reads 100 to 350 tickets a minute, depending on the Freshdesk plan.',
  'estimate.failed': 'The ticket volume could not be measured; the app imports about {rate} tickets an hour.',
  'estimate.hours': '{count} hours',
  'estimate.days': '{count} days',
  'estimate.underHour': 'an hour or less',
  'warning.injixoUnavailable':
    'injixo could not be reached to check the key. You can save; the status page shows whether deliveries work.',
  'error.freshdeskKeyRejected':
    'Freshdesk rejected this API key (HTTP 401). Copy the key again from Profile settings > View API key.',
  'error.freshdeskNotAdmin':
    'This key belongs to an agent without the Account Administrator role, so Freshdesk refuses the Groups API (GET /api/v2/groups, HTTP 403). Paste the API key of an Account Administrator.',
  'error.freshdeskUnavailable': 'Freshdesk did not answer the key check (HTTP {status}). Please try again in a minute.',

  'status.title': 'injixo connect — status',
  'status.loading': 'Loading the status…',
  'status.loadFailed': 'The status could not be read just now. Press Refresh in a minute; if this lasts, see the app logs.',
  'status.refresh': 'Refresh',
  'status.asOf': 'Status as of {time} ({age}).',
  'status.stale.limit':
    'The live status could not be read just now: Freshworks lets the app read its data only so often a minute, and delivery comes first. This is the status as of {time} ({age}); press Refresh in a minute for a newer one.',
  'status.stale.other':
    'The live status could not be read just now. This is the status as of {time} ({age}); press Refresh in a minute, and if this lasts, see the app logs.',
  'status.unavailable.limit':
    'The status cannot be read right now: Freshworks lets the app read its data only so often a minute, and delivery comes first. Press Refresh in a minute.',
  'label.lastSuccessDetail': '{time}',
  'label.nextRun': 'Next delivery run',
  'label.nextRunDue': 'due now',
  'label.nextRunDetail': '{time}; a run every {minutes} minutes',
  'label.nextRunOverdue': 'overdue: no run for {age}',
  'recent.axis': 'Contacts per hour',
  'recent.barRange': '{from}–{to}',
  'recent.last24': 'Last 24 hours: {count}',
  'recent.today': 'Today since {midnight}: {count}',
  'recent.explain':
    'Each contact counts in the hour of its own time. “Last 24 hours” runs up to {end}; a day (“today” here, a day in injixo, or the table npm start prints) runs from midnight to midnight, so the two figures differ by the hours one has and the other has not.',
  'recent.search': 'Find a queue',
  'recent.searchHint': 'Part of a queue or group name, e.g. email or Billing',
  'recent.busiest': 'The {count} busiest queues',
  'recent.byGroup': 'All queues by Freshdesk group',
  'recent.groupSummary': '{name} — {queues} queues, {total} contacts',
  'recent.noMatch': 'No queue matches “{query}”.',
  'recent.matches': 'Queues that match: {count}.',
  'deleted.title': 'Deleted groups',
  'deleted.intro':
    'These Freshdesk groups were deleted. Their queues keep the name they were first sent to injixo with; tickets still in them are sent under it.',
  'deleted.group': 'Freshdesk group id',
  'history.who':
    'Who runs it: someone used to a terminal (your IT team, or injixo support) on a workstation with Node.js, from a copy of this app’s source code that the app’s publisher provides, after npm install; FRESHDESK_API_KEY and INJIXO_API_KEY go into the environment, never on the command line.',
  'command.copy': 'Copy command',
  'command.copied': 'Copied to the clipboard.',
  'command.copyFailed': 'The browser did not allow copying: the command is selected, copy it with Ctrl+C (⌘C).',
  'replay.fieldHint': 'As {pattern}, in {zone}',
  'replay.badFrom': 'Write the start as {pattern}, for example {example}.',
  'replay.badTo': 'Write the end as {pattern}, for example {example}.',
  'replay.asking': 'Asking for the replay…',
  'state.flowing': 'Contacts are flowing to injixo',
  'state.key_rejected': 'injixo rejects the API key',
  'state.injixo_unavailable': 'injixo is not answering',
  'state.backlog_draining': 'Sending contacts that were waiting',
  'state.waiting_for_first_delivery': 'Waiting for the first delivery',
  'state.keyRejectedSince': 'Since {time}. No contact is lost: they are sent once the key works.',
  'label.installedAt': 'Installed',
  'label.lastSuccess': 'Last successful delivery',
  'label.never': 'Never',
  'label.backlog': 'Waiting to be sent',
  'label.setAside': 'Set aside (refused by injixo)',
  'label.dropped': 'Lost',
  'label.invalidPayloads': 'Unreadable events',
  'label.missingTickets': 'Tickets found without their event (counted from Freshdesk)',
  'label.missingTicketsWaiting': '{repaired}, {waiting} still looked for',
  'label.handledSent': 'Handled contacts sent (resolved tickets)',
  'label.handledSentValue': '{sent}, {waiting} waiting 30 minutes for their logged time',
  'label.handledLate': 'Time logged after the handled contact was sent (not in injixo)',
  'label.handledLateValue': '{changes} time entries, {minutes} min',
  'label.handledEarly': 'Handled contacts sent before their 30 minutes (too many at once)',
  'label.agentsSent': 'Agent status intervals sent',
  'label.agentsSentValue': '{sent}, {pending} waiting for injixo',
  'label.agentsMapped': 'Agents injixo receives (map each to a person in injixo)',
  'label.agentsMore': ' and {more} more',
  'label.agentsNone': 'none yet',
  'label.agentsLeftOut': 'Agent status changes left out (late or refused)',
  'label.consecutiveFailures': 'Failed attempts in a row',
  'failure.title': 'Last failure',
  'failure.when': '{time}, HTTP {status}',
  'failure.whenNoStatus': '{time}, no answer',
  'failure.details': 'Details: {message}',
  'recent.title': 'Offered contacts sent, last 24 hours, per hour (times in {zone})',
  'recent.empty': 'No contact with a time in the last 24 hours has been sent.',
  'recent.show': 'Show',
  'recent.allQueues': 'All queues',
  'recent.chartLabel': '{name}: {total} offered contacts in the last 24 hours, per hour',
  'recent.bar': '{time}: {count}',
  'recent.queue': 'Queue',
  'recent.offered': 'Offered contacts, last 24 hours',
  'recent.total': 'Total',
  'renamed.title': 'Renamed groups and sources',
  'renamed.intro':
    'These queues keep the name they were first sent to injixo with, so their history stays in one injixo queue after a rename in Freshdesk.',
  'renamed.kept': 'Name in injixo (kept)',
  'renamed.current': 'Name in Freshdesk now',
  'gaps.title': 'Periods that may be missing contacts',
  'gaps.intro':
    'The app knows or suspects it missed contacts in these periods. With the daily check on, it repairs each one by itself once delivery is quiet (it reads the period from Freshdesk and sends only what is missing); you can also replay one now. A period older than the app’s 35-day ledger keeps a command for the import tool, run from a workstation with FRESHDESK_API_KEY and INJIXO_API_KEY set; if the app delivered part of that period, the tool sends those contacts again, so prefer short windows.',
  'gaps.when': '{from} to {to}',
  'gaps.lost': '{count} contacts known lost',
  'gaps.repaired': 'repaired by the daily check',
  'gaps.maybeLost': '{count} contacts may be missing at injixo',
  'gaps.reason.event_lost': 'Events the app could not store',
  'gaps.reason.backlog_full': 'Oldest waiting contacts dropped (backlog full)',
  'gaps.reason.commit_refused': 'Contacts not kept after a refused write',
  'gaps.reason.no_delivery_runs': 'No delivery run for over two hours',
  'gaps.reason.ticket_events_missing': 'Tickets created without an event reaching the app, not found in Freshdesk in time',
  'gaps.reason.delivery_unconfirmed': 'Contacts injixo did not confirm (they may be there or missing; not sent again, to never send one twice)',

  'import.title': 'Import of past tickets',
  'import.state.running': 'Importing in the background',
  'import.state.paused': 'Paused',
  'import.state.done': 'Complete',
  'import.state.failed': 'Stopped',
  'import.window': 'Tickets and replies created from {from} to {to} (the installation).',
  'import.coveredUntil': 'Tickets updated up to {time} have been read.',
  'import.counts': '{tickets} tickets read, {contacts} contacts handed to delivery, {requests} Freshdesk requests.',
  'import.eta': 'About {minutes} minutes left.',
  'import.problems': 'Could not be read (the import went on without them):',
  'import.failure': 'Why it stopped: {message}',
  'import.pause': 'Pause import',
  'import.resume': 'Resume import',
  'history.title': 'Older history',
  'history.intro':
    'For history before {to}, run the import tool from a workstation, with the keys in the environment (FRESHDESK_API_KEY, INJIXO_API_KEY), never on the command line. Move --from as far back as you need; keep --to as shown, so it never overlaps what the app delivers.',

  'replay.title': 'Replay a period',
  'replay.intro':
    'Reads Freshdesk again for a period and sends injixo only what the app’s delivered ledger says is missing, per queue and 15-minute interval: nothing is sent twice. Times are in {zone}; the period is widened to whole quarter hours. Periods from {from} on can be replayed, at most {hours} hours at a time.',
  'replay.from': 'From',
  'replay.to': 'To',
  'replay.submit': 'Replay this period',
  'replay.gapButton': 'Replay this period',
  'replay.started': 'The replay has started; its progress shows in the “Replay a period” section.',
  'replay.badInput': 'Enter both times, the start before the end.',
  'replay.state.walking': 'Reading Freshdesk',
  'replay.state.waiting_for_delivery': 'Waiting for delivery to catch up before comparing',
  'replay.state.done': 'Complete',
  'replay.state.failed': 'Stopped',
  'replay.window': 'Period from {from} to {to}.',
  'replay.counts': '{tickets} tickets read, {contacts} contacts found in Freshdesk, {requests} Freshdesk requests.',
  'replay.result': 'Sent {sent} missing contacts: Freshdesk shows {found}, the ledger had {delivered} delivered.',
  'replay.claimedElsewhere': '{count} contacts were delivered under their ticket’s former group and were not sent again.',
  'replay.uncertain': 'The app could not keep exact delivery counts for {hours} (UTC, six hours each) during a platform overload; this replay may have sent contacts injixo already had there.',
  'replay.surplus': 'injixo holds {count} contacts more than Freshdesk now shows for this period (for example tickets deleted since). They are not taken back: injixo cannot delete.',
  'replay.queue': 'Queue',
  'replay.sent': 'Sent',
  'replay.surplusColumn': 'Surplus',
  'replay.refused.no_host': 'The Freshdesk address is not known yet. Open this page again in a minute.',
  'replay.refused.invalid_time': 'Enter both times, the start before the end.',
  'replay.refused.not_before': 'The start must be before the end.',
  'replay.refused.in_future': 'A replay cannot reach into the future or the quarter hour still under way: end the period earlier.',
  'replay.refused.beyond_ledger':
    'This period starts before {from}, the oldest time the app’s ledger remembers, so a replay cannot tell what was delivered. If the app delivered nothing in it, fetch it with the import tool from a workstation: {command}',
  'replay.refused.too_long': 'One replay covers at most {hours} hours. Replay a longer period in parts.',
  'replay.refused.import_running': 'The initial import has not finished. Replay once it is done: the app reads Freshdesk for one of them at a time.',
  'replay.refused.replay_running': 'A replay is running. Wait for its result before asking for another.',

  'replay.refused.busy_platform': 'The platform is busy right now (its limit of operations a minute). Ask again at {retryAt}.',
  'replay.refused.check_running':
    'The daily check is reading Freshdesk until about {until}. Ask again once it is done: the app reads Freshdesk for one of them at a time.',
  'replay.state.comparing': 'Comparing with what was delivered',

  'walk.refused.kv': 'The platform’s limit on stored data (50 operations a minute) refused this work at {at}. It continues by itself at {retryAt}.',
  'walk.refused.schedule': 'The platform’s scheduler refused the next step at {at}. It continues by itself at {retryAt}.',
  'walk.refused.request': 'The platform’s limit of 50 requests a minute refused a Freshdesk call at {at}. It continues by itself at {retryAt}.',
  'walk.recovered': 'The platform refused a call of this work at {at}; it continued by itself at {retryAt}.',
  'walk.resumed': 'It lost its schedule {count} times (a refused or interrupted step) and continued by itself.',

  'check.title': 'Daily check against Freshdesk',
  'check.intro':
    'Every day, two hours after it ends (UTC), the app reads that day’s tickets and replies from Freshdesk and sends what injixo is missing, per queue and quarter hour. Periods that may be missing contacts are repaired the same way. Nothing is sent twice, and nothing is taken back: contacts injixo holds beyond what Freshdesk shows are counted as surplus.',
  'check.cost': 'It costs about {requests} Freshdesk API calls a day for this account ({perContact} per contact, measured on the last check), within the app’s share of the account’s API limit.',
  'check.off': 'The daily check is switched off in the settings: days are not checked, and periods that may be missing contacts are not repaired by themselves.',
  'check.next': 'Next check: {time}.',
  'check.running': 'Checking {from} to {to}: {phase} ({progress} %).',
  'check.phase.walking': 'reading Freshdesk',
  'check.phase.waiting_for_delivery': 'waiting for delivery to catch up',
  'check.phase.comparing': 'comparing with what was delivered',
  'check.phase.done': 'done',
  'check.phase.failed': 'stopped',
  'check.day': 'Day (UTC)',
  'check.freshdesk': 'Freshdesk',
  'check.delivered': 'Delivered',
  'check.sent': 'Sent by the check',
  'check.surplus': 'Surplus',
  'check.status': 'Status',
  'check.status.checked': 'Checked {time}',
  'check.status.uncertain': 'Checked {time}. Delivery counts are uncertain for {hours} (UTC): nothing was guessed there.',
  'check.status.formerGroup': '{count} delivered under their ticket’s former group.',
  'check.status.repaired': '{count} more sent by repairs of recorded periods.',
  'check.status.heldBack': '{count} held back: in their quarter hour the delivered count could not be told from what Freshdesk shows (for example a ticket deleted for good), so nothing was risked twice.',
  'check.status.pending': 'To be checked from {time}',
  'check.status.today': 'Under way; checked from {time}',
  'check.status.running': 'Being checked now',
  'check.status.not_checked.switched_off': 'Not checked: switched off in the settings',
  'check.status.not_checked.failed': 'Not checked: Freshdesk refused the key (see the settings)',
  'check.status.not_checked.before_install': 'Not checked: before the installation',
  'check.status.not_checked.import_running': 'Waiting: the initial import reads Freshdesk first',
  'check.status.not_checked.walk_running': 'Waiting: a replay reads Freshdesk first',
  'check.surplusNote': 'A surplus is never taken back, since injixo cannot delete: it counts contacts of tickets deleted since, or contacts delivered under a ticket’s former group.',

  'action.testConnection': 'Test connection',
  'action.retryNow': 'Retry backlog now',
  'action.working': 'Working…',
  'action.failed': 'The action failed ({detail}). Please try again; if it keeps failing, see the app logs.',
  'test.injixo.ok': 'injixo accepts the API key.',
  'test.injixo.rejected':
    'injixo rejects the API key. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app’s settings page.',
  'test.injixo.unavailable': 'injixo did not answer. Contacts are kept; try again later.',
  'test.freshdesk.ok': 'Freshdesk accepts the admin API key.',
  'test.freshdesk.rejected':
    'Freshdesk rejects the API key. Paste the API key of an Account Administrator on this app’s settings page.',
  'test.freshdesk.not_admin':
    'The Freshdesk API key has no Account Administrator rights, so the Groups API (GET /api/v2/groups) is refused. Paste the key of an Account Administrator on this app’s settings page.',
  'test.freshdesk.unavailable': 'Freshdesk did not answer. Please try again in a minute.',
  'deliver.delivered': 'Delivery done. Sent: {sent}. Still waiting: {backlog}.',
  'deliver.moreToDo': 'More contacts are waiting; the next run continues by itself.',
  'deliver.busy': 'A delivery is already running. Please try again in a minute.',
  'deliver.waiting_for_directory':
    'The app is waiting for the Freshdesk group names before it sends. If this stays, check the Freshdesk key on the settings page.',

  'install.blocked.injixoKey': 'injixo API key rejected / Clé API injixo refusée',
  'install.blocked.freshdeskKey': 'Freshdesk API key rejected / Clé Freshdesk refusée',
  'install.blocked.notAdmin': 'Freshdesk key needs admin rights / Clé non admin',
  'install.blocked.setup': 'Setup failed, retry / Échec, réessayez',

  'guidance.INJIXO_KEY_REJECTED':
    'injixo rejected the API key. It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app\'s settings page. Contacts are kept and will be sent once the key works.',
  'guidance.INJIXO_BAD_REQUEST':
    'injixo refused some contacts as invalid. They are set aside (see "Set aside" on the status page) and not retried; please report the reason shown to support.',
  'guidance.INJIXO_NOT_FOUND':
    'The injixo API address answered "not found". Contacts are kept. Please contact support: the app may need an update.',
  'guidance.INJIXO_UNAVAILABLE':
    'injixo is not answering right now. Contacts are kept and sent again automatically; nothing to do unless this lasts for hours. A batch injixo received but never answered is not sent again (it may already be there): it is listed under the gaps as possibly missing.',
  'guidance.FRESHDESK_KEY_REJECTED':
    'Freshdesk rejected the admin API key. Open this app\'s settings and paste the API key of a Freshdesk Account Administrator (Profile settings > View API key). Contacts are kept.',
  'guidance.FRESHDESK_NOT_ADMIN':
    'The Freshdesk API key belongs to an agent without admin rights, so the Groups API (GET /api/v2/groups) is refused. Paste the key of an Account Administrator on this app\'s settings page. Contacts are kept.',
  'guidance.FRESHDESK_RATE_LIMITED':
    'Freshdesk\'s API rate limit for the account was reached (it is shared with other apps). The app waits and continues by itself.',
  'guidance.FRESHDESK_UNAVAILABLE': 'Freshdesk\'s API did not answer as expected. The app retries by itself; contacts are kept.',
  'guidance.PLATFORM_LIMIT':
    'The app reached the Freshworks per-minute limit for this installation and is batching; contacts are kept and sent shortly.',
  'guidance.UNACCEPTED_ANSWER':
    'Freshworks refused an answer from injixo or Freshdesk because of its content type (HTTP 415). injixo may have stored those contacts, so they are not sent again (a second copy could never be taken back): they are listed under the gaps as possibly missing. If this lasts, report it to support.',
  'guidance.INVALID_PAYLOAD':
    'Freshdesk sent an event the app could not read. It was counted and logged with its ids; please report it to support.',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

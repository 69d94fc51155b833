/**
 * Every code the app logs, once: its level, who acts on it, what it means and what to do, in
 * English and French. `log()` takes only these codes (`LogCode`), the docs' tables are generated
 * from this table (`npm run docs`, tools/docs/log-codes.ts), and test/platform/log-codes.test.ts
 * fails when a code is logged without a row here or a row is logged nowhere.
 *
 * Plain data on purpose: nothing in server/ reads it at run time (log.ts imports only the type),
 * so the texts cost the app nothing. Texts are Markdown (they land in docs tables): wrap `<id>`
 * and the like in backticks.
 */
export type LogLevel = 'info' | 'warn' | 'error';

/**
 * `admin`: something the admin may have to do or should know to read the status page and
 * injixo's numbers (every code logged at warn or error, and the info codes behind a status-page
 * figure). `support`: the app's progress and self-repair, read when investigating; nothing to do.
 */
export type LogAudience = 'admin' | 'support';

export interface Bilingual {
  readonly en: string;
  readonly fr: string;
}

export interface LogCodeEntry {
  /** Every level the code is logged at, the highest first (a test checks them against the calls). */
  readonly levels: readonly [LogLevel, ...LogLevel[]];
  readonly audience: LogAudience;
  readonly meaning: Bilingual;
  readonly action: Bilingual;
}

const NOTHING = { en: 'Nothing.', fr: 'Rien.' } as const;
const REPLAY_PERIOD = {
  en: 'Replay the period from the status page (the gap has a *Replay this period* button).',
  fr: 'Rejouez la période depuis la page d’état (la période manquante a un bouton *Rejouer cette période*).',
} as const;
const REPORT = { en: 'Report the line to support.', fr: 'Transmettez la ligne au support.' } as const;
const UNLESS_HOURS = {
  en: 'Nothing, unless it repeats for hours: then report it to support.',
  fr: 'Rien, sauf si cela se répète pendant des heures : signalez-le alors au support.',
} as const;

export const LOG_CODES = {
  // ---- the keys and the two services (FailureCode, src/remote/errors.ts) ---------------------
  INJIXO_KEY_REJECTED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'injixo answers 401/403: the API key was regenerated or is wrong. Logged once an hour while it lasts, not per event.',
      fr: 'injixo répond 401/403 : la clé API a été régénérée ou est erronée. Journalisé une fois par heure tant que cela dure, pas à chaque événement.',
    },
    action: {
      en: 'Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on the settings page. Contacts are kept and sent once the key works.',
      fr: 'Générez une nouvelle clé dans injixo (Account > Integrations > Freshdesk) et collez-la dans les paramètres de l’app. Les contacts sont conservés et envoyés dès que la clé fonctionne.',
    },
  },
  INJIXO_BAD_REQUEST: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'injixo refused a contact as invalid. It is set aside (*Set aside* on the status page) and not sent again.',
      fr: 'injixo a refusé un contact comme invalide. Il est mis de côté (*Mis de côté* sur la page d’état) et n’est pas renvoyé.',
    },
    action: { en: 'Report the reason in the line to support.', fr: 'Transmettez au support la raison indiquée dans la ligne.' },
  },
  INJIXO_NOT_FOUND: {
    levels: ['warn'],
    audience: 'admin',
    meaning: { en: 'The injixo API address answers 404. Contacts are kept.', fr: 'L’adresse de l’API injixo répond 404. Les contacts sont conservés.' },
    action: { en: 'Contact support: the app may need an update.', fr: 'Contactez le support : l’app doit peut-être être mise à jour.' },
  },
  INJIXO_UNAVAILABLE: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'injixo answers 5xx/429 or not at all. Contacts are kept and sent again; `Retry-After` is honoured. Logged at the first failure, then about twice an hour.',
      fr: 'injixo répond 5xx/429 ou ne répond pas. Les contacts sont conservés et renvoyés ; `Retry-After` est respecté. Journalisé au premier échec, puis environ deux fois par heure.',
    },
    action: { en: 'Nothing, unless it lasts for hours.', fr: 'Rien, sauf si cela dure des heures.' },
  },
  FRESHDESK_KEY_REJECTED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: { en: 'Freshdesk answers 401 to the admin API key.', fr: 'Freshdesk répond 401 à la clé API d’administrateur.' },
    action: {
      en: 'Paste the API key of a Freshdesk Account Administrator (Profile settings > View API key) on the settings page. Contacts are kept.',
      fr: 'Collez dans les paramètres de l’app la clé API d’un administrateur du compte Freshdesk (Paramètres du profil > Voir la clé API). Les contacts sont conservés.',
    },
  },
  FRESHDESK_NOT_ADMIN: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The Freshdesk key is an agent’s: the Groups API (`GET /api/v2/groups`) is refused (403).',
      fr: 'La clé Freshdesk est celle d’un agent : l’API Groups (`GET /api/v2/groups`) est refusée (403).',
    },
    action: { en: 'Paste an Account Administrator’s key on the settings page.', fr: 'Collez la clé d’un administrateur du compte dans les paramètres de l’app.' },
  },
  FRESHDESK_RATE_LIMITED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'Freshdesk’s API limit for the account was reached (it is shared with other apps).',
      fr: 'La limite de l’API Freshdesk pour le compte est atteinte (elle est partagée avec les autres apps).',
    },
    action: { en: 'Nothing: the app waits and continues.', fr: 'Rien : l’app attend et reprend.' },
  },
  FRESHDESK_UNAVAILABLE: {
    levels: ['warn'],
    audience: 'admin',
    meaning: { en: 'Freshdesk’s API did not answer as expected (an outage, a timeout).', fr: 'L’API Freshdesk n’a pas répondu comme prévu (panne, délai dépassé).' },
    action: { en: 'Nothing: the app retries; contacts are kept.', fr: 'Rien : l’app réessaie ; les contacts sont conservés.' },
  },
  PLATFORM_LIMIT: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'A Freshworks per-minute limit was reached: records or a run’s bookkeeping wait in one-time schedules or for the next run (the line says which) and are applied shortly.',
      fr: 'Une limite par minute de Freshworks est atteinte : des enregistrements ou le bilan d’un envoi attendent dans des planifications ponctuelles ou le prochain envoi (la ligne précise lesquels) et sont appliqués peu après.',
    },
    action: UNLESS_HOURS,
  },
  UNACCEPTED_ANSWER: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The platform refused an answer of injixo or Freshdesk for its content type (HTTP 415). The batch is kept and sent again; injixo may count it twice.',
      fr: 'La plateforme a refusé une réponse d’injixo ou de Freshdesk pour son type de contenu (HTTP 415). Le lot est conservé et renvoyé ; injixo peut le compter deux fois.',
    },
    action: { en: 'Report it to support if it lasts.', fr: 'Signalez-le au support si cela dure.' },
  },
  INVALID_PAYLOAD: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'An event the app cannot read (the line names the event, its ids and the field). Counted as *Unreadable events* on the status page.',
      fr: 'Un événement que l’app ne peut pas lire (la ligne nomme l’événement, ses identifiants et le champ). Compté sous *Événements illisibles* sur la page d’état.',
    },
    action: REPORT,
  },

  // ---- install and settings --------------------------------------------------------------------
  INSTALL_BLOCKED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'The install was refused because injixo or Freshdesk rejected a key, or the Freshdesk key is not an admin’s (the install page said which).',
      fr: 'L’installation a été refusée : injixo ou Freshdesk a rejeté une clé, ou la clé Freshdesk n’est pas celle d’un administrateur (la page d’installation a dit laquelle).',
    },
    action: { en: 'Install again with the key the message names.', fr: 'Installez de nouveau avec la clé que le message désigne.' },
  },
  INSTALL_FAILED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'The keys work, but the app could not prepare delivery (store its state or schedule its runs); the install was refused.',
      fr: 'Les clés fonctionnent, mais l’app n’a pas pu préparer l’envoi (enregistrer son état ou planifier ses envois) ; l’installation a été refusée.',
    },
    action: { en: 'Install again in a minute; if it fails again, report the line to support.', fr: 'Réinstallez dans une minute ; si cela échoue encore, transmettez la ligne au support.' },
  },
  INSTALLED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The app was installed; contacts created from now on are delivered every few minutes.',
      fr: 'L’app est installée ; les contacts créés à partir de maintenant sont envoyés toutes les quelques minutes.',
    },
    action: NOTHING,
  },
  SETTINGS_UPDATED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The settings were saved; waiting contacts are delivered within about 6 minutes.',
      fr: 'Les paramètres sont enregistrés ; les contacts en attente sont envoyés dans les 6 minutes environ.',
    },
    action: NOTHING,
  },
  FRESHDESK_HOST_UNKNOWN: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The status page’s functions know no Freshdesk address yet (it is saved at install and when settings are saved), so they cannot read Freshdesk.',
      fr: 'Les fonctions de la page d’état ne connaissent pas encore l’adresse Freshdesk (enregistrée à l’installation et à chaque enregistrement des paramètres) : elles ne peuvent pas lire Freshdesk.',
    },
    action: { en: 'Open the settings page and save once.', fr: 'Ouvrez les paramètres de l’app et enregistrez une fois.' },
  },
  FRESHDESK_HOST_UNSAVED: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'The Freshdesk address could not be saved for the status page’s functions; it is saved again at the next settings update.',
      fr: 'L’adresse Freshdesk n’a pas pu être enregistrée pour les fonctions de la page d’état ; elle le sera au prochain enregistrement des paramètres.',
    },
    action: NOTHING,
  },
  UNKNOWN_SCHEDULE: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'A schedule fired with data this version cannot read (left by an older or newer version, or corrupt); it is ignored.',
      fr: 'Une planification s’est déclenchée avec des données que cette version ne lit pas (laissées par une autre version, ou corrompues) ; elle est ignorée.',
    },
    action: UNLESS_HOURS,
  },

  // ---- delivery ----------------------------------------------------------------------------------
  DELIVERY: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A delivery run sent contacts to injixo (new, waiting and set-aside counts in the line).',
      fr: 'Un envoi a transmis des contacts à injixo (nouveaux, en attente et mis de côté : comptes dans la ligne).',
    },
    action: NOTHING,
  },
  DELIVERY_DEFERRED: {
    levels: ['warn', 'info'],
    audience: 'admin',
    meaning: {
      en: 'A delivery run stopped before committing — a refused KV call, or the scheduler could not say whether a handed-off commit is pending — and the next run, a few minutes later, does its work. Info when only the run’s lease was refused.',
      fr: 'Un envoi s’est arrêté avant de valider — un appel au stockage KV refusé, ou le planificateur n’a pas pu dire si un bilan confié attend — et l’envoi suivant, quelques minutes plus tard, fait son travail. Niveau info quand seul le verrou de l’envoi a été refusé.',
    },
    action: UNLESS_HOURS,
  },
  DELIVERY_UNCONFIRMED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'injixo did not answer for a batch, or a run died while posting it: its contacts may or may not be at injixo. They are not sent again, since a second copy could never be taken back; the period is recorded as a gap with the count that may be missing, and the ledger’s hours as uncertain.',
      fr: 'injixo n’a pas répondu pour un lot, ou un envoi s’est interrompu pendant son envoi : ses contacts sont peut-être chez injixo, peut-être pas. Ils ne sont pas renvoyés, car une seconde copie ne pourrait jamais être retirée ; la période est notée comme manquante avec le nombre qui peut manquer, et les heures du registre comme incertaines.',
    },
    action: {
      en: 'Compare that period in injixo with Freshdesk; replay it from the status page only if contacts are known to be missing (a replay of uncertain hours may send some twice).',
      fr: 'Comparez cette période dans injixo avec Freshdesk ; ne la rejouez depuis la page d’état que s’il manque des contacts avec certitude (rejouer des heures incertaines peut en envoyer deux fois).',
    },
  },
  UNKNOWN_GROUP: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'A ticket names a group Freshdesk no longer lists (deleted). Logged once a day per group.',
      fr: 'Un ticket nomme un groupe que Freshdesk ne liste plus (supprimé). Journalisé une fois par jour et par groupe.',
    },
    action: { en: 'Nothing; its contacts go to queues named `Group <id>`.', fr: 'Rien ; ses contacts vont dans des files nommées `Group <id>`.' },
  },
  QUEUE_RENAMED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'A group or source was renamed in Freshdesk; its injixo queue keeps its first name so its history stays in one queue (listed on the status page).',
      fr: 'Un groupe ou une source a été renommé dans Freshdesk ; sa file injixo garde son premier nom pour que son historique reste dans une seule file (listé sur la page d’état).',
    },
    action: NOTHING,
  },
  EVENT_LOST: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'An event could not be kept: the KV store and the scheduler both refused it (ids in the line). Its interval is recorded as a gap.',
      fr: 'Un événement n’a pas pu être conservé : le stockage KV et le planificateur l’ont refusé (identifiants dans la ligne). Son intervalle est noté comme période manquante.',
    },
    action: REPLAY_PERIOD,
  },
  BACKLOG_FULL: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'The contacts waiting for injixo outgrew the backlog; the oldest were dropped (counts in the line) and recorded as a gap.',
      fr: 'Les contacts en attente d’injixo ont dépassé la file d’attente ; les plus anciens ont été abandonnés (comptes dans la ligne) et notés comme période manquante.',
    },
    action: REPLAY_PERIOD,
  },
  CARRY_GIVEN_UP: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'More replies or tickets waited for a later delivery run (mostly for Freshdesk look-ups of tickets from before the install) than the outbox can carry; the oldest are listed as a gap with their count.',
      fr: 'Plus de réponses ou de tickets attendaient un envoi ultérieur (surtout des recherches Freshdesk de tickets d’avant l’installation) que la boîte d’envoi ne peut en garder ; les plus anciens sont listés comme période manquante avec leur nombre.',
    },
    action: REPLAY_PERIOD,
  },
  COMMIT_REFUSED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'After a successful post the KV store refused to keep the run’s unsent contacts. Rather than risk sending the posted ones twice, they are recorded as a gap with their count.',
      fr: 'Après un envoi réussi, le stockage KV a refusé de garder les contacts non envoyés de l’envoi. Plutôt que de risquer d’envoyer deux fois ceux déjà envoyés, ils sont notés comme période manquante avec leur nombre.',
    },
    action: REPLAY_PERIOD,
  },
  COMMIT_LOST: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'After a successful post neither the KV store nor the scheduler kept the run’s bookkeeping: the next run may send the same contacts again.',
      fr: 'Après un envoi réussi, ni le stockage KV ni le planificateur n’ont gardé le bilan de l’envoi : l’envoi suivant peut renvoyer les mêmes contacts.',
    },
    action: {
      en: 'Nothing can be taken back (injixo cannot delete); read that period’s volumes with it in mind, and report it to support if it repeats.',
      fr: 'Rien ne peut être retiré (injixo ne peut pas supprimer) ; lisez les volumes de cette période en connaissance de cause, et signalez-le au support si cela se répète.',
    },
  },
  COMMIT_APPLIED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A run applied the bookkeeping that an earlier run had handed to the delivery schedule because the KV store refused it.',
      fr: 'Un envoi a appliqué le bilan qu’un envoi précédent avait confié à la planification parce que le stockage KV l’avait refusé.',
    },
    action: NOTHING,
  },
  STATE_SPILLED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'Queue-name pins or group names outgrew the state record and are now kept in N keys beside it (N in the line).',
      fr: 'Les noms de files retenus ou les noms de groupes ne tiennent plus dans l’enregistrement d’état et sont gardés dans N clés à côté (N dans la ligne).',
    },
    action: NOTHING,
  },
  STATE_OVER_BUDGET: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'The delivery state would exceed its byte budget and was not written. This is a defect.',
      fr: 'L’état de l’envoi dépasserait son budget d’octets et n’a pas été écrit. C’est un défaut de l’app.',
    },
    action: REPORT,
  },
  STORED_RECORD_UNREADABLE: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'A stored record (delivery state, outbox, backlog, handed-off commit, agents, import or replay) cannot be read by this version; the line says what is skipped or restarted.',
      fr: 'Un enregistrement stocké (état de l’envoi, boîte d’envoi, file d’attente, bilan confié, agents, import ou rejeu) n’est pas lisible par cette version ; la ligne dit ce qui est ignoré ou repris.',
    },
    action: REPORT,
  },
  LEDGER_UNCERTAIN: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The delivered counts of some six-hour periods may be off: a run’s bookkeeping was too big to hand off during a platform overload, or a replay may have sent contacts injixo already held.',
      fr: 'Les comptes envoyés de certaines périodes de six heures peuvent être faux : le bilan d’un envoi était trop gros pour être confié pendant une surcharge de la plateforme, ou un rejeu a pu envoyer des contacts qu’injixo avait déjà.',
    },
    action: {
      en: 'Avoid replaying those hours unless contacts are known to be missing: a replay there may send some twice.',
      fr: 'Évitez de rejouer ces heures, sauf s’il manque des contacts avec certitude : un rejeu peut en envoyer deux fois.',
    },
  },
  LEDGER_WRITE_LATER: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'The delivered ledger could not be written now; its counts wait in the state record and are written by a later run.',
      fr: 'Le registre des envois n’a pas pu être écrit maintenant ; ses comptes attendent dans l’enregistrement d’état et sont écrits par un envoi ultérieur.',
    },
    action: UNLESS_HOURS,
  },
  LEDGER_PRUNED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The delivered ledger let go of its oldest day (the line names its new start and how many days are kept).',
      fr: 'Le registre des envois a oublié son jour le plus ancien (la ligne donne son nouveau début et le nombre de jours gardés).',
    },
    action: { en: 'Nothing. Replays reach back as far as the ledger does.', fr: 'Rien. Un rejeu remonte aussi loin que le registre.' },
  },
  GAP_FORGOTTEN: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The oldest recorded gap left the status page to make room for newer ones (its period is in the line).',
      fr: 'La plus ancienne période manquante a quitté la page d’état pour laisser la place aux nouvelles (sa période est dans la ligne).',
    },
    action: {
      en: 'Replay that period from the status page if it was not replayed yet.',
      fr: 'Rejouez cette période depuis la page d’état si ce n’est pas encore fait.',
    },
  },
  TICKET_EVENT_REPAIRED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'A ticket was created without its creation event reaching the app (found by the gap in ticket numbers an hour later) and was counted from Freshdesk, once. Shown on the status page as *Tickets found without their event*.',
      fr: 'Un ticket a été créé sans que son événement de création parvienne à l’app (repéré par le trou dans les numéros de tickets une heure plus tard) et a été compté depuis Freshdesk, une fois. Affiché sur la page d’état sous *Tickets trouvés sans leur événement*.',
    },
    action: {
      en: 'Nothing. Many at once point at a platform or app outage: replay that period for its replies.',
      fr: 'Rien. Beaucoup à la fois signalent une panne de la plateforme ou de l’app : rejouez cette période pour ses réponses.',
    },
  },
  MISSING_TICKET_GONE: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A ticket created without its event reaching the app is gone from Freshdesk (404); there is nothing to count.',
      fr: 'Un ticket créé sans que son événement parvienne à l’app n’existe plus dans Freshdesk (404) ; il n’y a rien à compter.',
    },
    action: NOTHING,
  },
  TICKET_EVENTS_MISSING: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'Tickets whose creation event never came could not be looked up within a day (or too many were awaited); the period is listed as a gap.',
      fr: 'Des tickets dont l’événement de création n’est jamais arrivé n’ont pas pu être recherchés dans la journée (ou trop étaient attendus) ; la période est listée comme manquante.',
    },
    action: REPLAY_PERIOD,
  },
  TICKET_ID_OUT_OF_SEQUENCE: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'A ticket id lies far above the account’s numbers; it is counted, but no tickets are taken as missing below it.',
      fr: 'Un numéro de ticket est très au-dessus de ceux du compte ; il est compté, mais aucun ticket n’est considéré comme manquant en dessous.',
    },
    action: NOTHING,
  },

  // ---- handled contacts and agent statuses (opt-in) ------------------------------------------------
  TIME_LOGGED_AFTER_HANDLED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'A time entry was created, changed or deleted after its ticket’s handled contact was sent (30 minutes after the resolution). Counted on the status page.',
      fr: 'Une saisie de temps a été créée, modifiée ou supprimée après l’envoi du contact traité de son ticket (30 minutes après la résolution). Comptée sur la page d’état.',
    },
    action: {
      en: 'Nothing can be corrected in injixo; if it happens often, agents log time late.',
      fr: 'Rien ne peut être corrigé dans injixo ; si cela arrive souvent, les agents saisissent leur temps trop tard.',
    },
  },
  TIME_BOOK_FULL: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'One ticket logged more time entries than one KV record takes; the oldest of its entries were forgotten, so its handled contact carries less time (ticket and count in the line).',
      fr: 'Un ticket a plus de temps saisis qu’un enregistrement KV n’en contient ; ses plus anciens ont été oubliés, son contact traité porte donc moins de temps (ticket et nombre dans la ligne).',
    },
    action: REPORT,
  },
  TICKET_BOOK_FULL: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'One ticket holds more counted replies than one KV record takes; the oldest of them were forgotten, so one of them delivered again by Freshdesk could be counted twice (ticket and count in the line).',
      fr: 'Un ticket compte plus de réponses qu’un enregistrement KV n’en contient ; les plus anciennes ont été oubliées : l’une d’elles, renvoyée par Freshdesk, pourrait être comptée deux fois (ticket et nombre dans la ligne).',
    },
    action: REPORT,
  },
  HANDLED_CONTACTS_OFF: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'Handled contacts were switched off while resolved tickets waited for their 30 minutes; those are not sent.',
      fr: 'Les contacts traités ont été désactivés alors que des tickets résolus attendaient leurs 30 minutes ; ceux-ci ne sont pas envoyés.',
    },
    action: NOTHING,
  },
  HANDLED_UNCERTAIN: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'During a platform overload a run’s change of the waiting handled contacts was too big to hand off: some handled contacts may go out twice.',
      fr: 'Pendant une surcharge de la plateforme, le changement des contacts traités en attente était trop gros pour être confié : certains contacts traités peuvent partir deux fois.',
    },
    action: {
      en: 'Nothing can be taken back; read that period’s handled volume and AHT with it in mind.',
      fr: 'Rien ne peut être retiré ; lisez le volume traité et la DMT de cette période en connaissance de cause.',
    },
  },
  HANDLED_LOST: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'During a platform overload a run’s change of the waiting handled contacts was too big to hand off: the resolutions that run read are not sent (count in the line).',
      fr: 'Pendant une surcharge de la plateforme, le changement des contacts traités en attente était trop gros pour être confié : les résolutions lues par cet envoi ne sont pas envoyées (nombre dans la ligne).',
    },
    action: {
      en: 'Nothing can be added later; read that period’s handled volume and AHT with it in mind.',
      fr: 'Rien ne peut être ajouté après coup ; lisez le volume traité et la DMT de cette période en connaissance de cause.',
    },
  },
  AGENT_STATUSES: {
    levels: ['info'],
    audience: 'support',
    meaning: { en: 'Agent status intervals were sent to injixo (count in the line).', fr: 'Des intervalles de statut d’agent ont été envoyés à injixo (nombre dans la ligne).' },
    action: NOTHING,
  },
  AGENT_STATUS_STALE: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'An agent’s status change arrived after a later one was already sent; injixo cannot split a sent interval, so it is left out (counted).',
      fr: 'Le changement de statut d’un agent est arrivé après un changement plus récent déjà envoyé ; injixo ne peut pas découper un intervalle envoyé, il est donc écarté (compté).',
    },
    action: NOTHING,
  },
  AGENT_STATUSES_REFUSED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'injixo refused agent status intervals as invalid; they are dropped, since sending them again cannot help.',
      fr: 'injixo a refusé des intervalles de statut d’agent comme invalides ; ils sont abandonnés, car les renvoyer n’aiderait pas.',
    },
    action: {
      en: 'Check the agent mapping in injixo; report the reason in the line to support.',
      fr: 'Vérifiez l’association des agents dans injixo ; transmettez au support la raison indiquée dans la ligne.',
    },
  },
  AGENT_STATUSES_DROPPED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'Agent status intervals waited too long for injixo and were dropped, the oldest first; injixo’s adherence misses them.',
      fr: 'Des intervalles de statut d’agent ont trop attendu injixo et ont été abandonnés, les plus anciens d’abord ; l’adhérence dans injixo ne les a pas.',
    },
    action: {
      en: 'Check that injixo accepts the key and the agent mapping; report the line to support if it repeats.',
      fr: 'Vérifiez qu’injixo accepte la clé et l’association des agents ; transmettez la ligne au support si cela se répète.',
    },
  },

  // ---- history import ------------------------------------------------------------------------------
  IMPORT_STARTED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The initial import of past tickets and replies started in the background (its days in the line).',
      fr: 'L’import initial des tickets et réponses passés a démarré en arrière-plan (ses jours dans la ligne).',
    },
    action: NOTHING,
  },
  IMPORT_NOT_STARTED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The platform did not tell the app its Freshdesk address at install, so the chosen import could not start.',
      fr: 'La plateforme n’a pas donné l’adresse Freshdesk à l’installation : l’import choisi n’a pas pu démarrer.',
    },
    action: { en: 'Import the history with the import CLI.', fr: 'Importez l’historique avec l’outil en ligne de commande.' },
  },
  IMPORT_WAITING: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The import, a replay or the daily check waits before it reads more: the delivery backlog must drain, delivery runs fallen behind the events must catch up, or the platform’s limit on stored-data operations, which held event records in the last 20 minutes, must pass (a walk never takes the minute’s stored-data operations from event delivery).',
      fr: 'L’import, un rejeu ou la vérification quotidienne attend avant de lire la suite : la file d’envoi doit se vider, les envois en retard sur les événements doivent le rattraper, ou la limite de la plateforme sur les opérations de données, qui a retenu des événements dans les 20 dernières minutes, doit passer (une lecture ne prend jamais à l’envoi des événements les opérations de données de la minute).',
    },
    action: NOTHING,
  },
  IMPORT_BUSY: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A delivery run was under way, so the import’s or replay’s slice is repeated a little later.',
      fr: 'Un envoi était en cours : la tranche de l’import ou du rejeu est refaite un peu plus tard.',
    },
    action: NOTHING,
  },
  IMPORT_PROBLEM: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'Part of the import or replay could not be read from Freshdesk; it is repeated later or left out (listed on the status page).',
      fr: 'Une partie de l’import ou du rejeu n’a pas pu être lue dans Freshdesk ; elle est refaite plus tard ou laissée de côté (listée sur la page d’état).',
    },
    action: UNLESS_HOURS,
  },
  IMPORT_FAILED: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'The import or replay stopped: Freshdesk rejected the key, or it is not an admin’s.',
      fr: 'L’import ou le rejeu s’est arrêté : Freshdesk a rejeté la clé, ou ce n’est pas celle d’un administrateur.',
    },
    action: {
      en: 'Paste an Account Administrator’s key on the settings page, then resume the import (or ask for the replay again) on the status page.',
      fr: 'Collez la clé d’un administrateur du compte dans les paramètres de l’app, puis reprenez l’import (ou relancez le rejeu) sur la page d’état.',
    },
  },
  IMPORT_PAUSED: {
    levels: ['info'],
    audience: 'support',
    meaning: { en: 'The import was paused from the status page.', fr: 'L’import a été mis en pause depuis la page d’état.' },
    action: NOTHING,
  },
  IMPORT_RESUMED: {
    levels: ['info'],
    audience: 'support',
    meaning: { en: 'The import was resumed from the status page.', fr: 'L’import a été repris depuis la page d’état.' },
    action: NOTHING,
  },
  IMPORT_NOT_RESUMED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'The import was not resumed because a replay is running: one of them reads Freshdesk at a time.',
      fr: 'L’import n’a pas été repris car un rejeu est en cours : un seul des deux lit Freshdesk à la fois.',
    },
    action: { en: 'Resume the import once the replay is done.', fr: 'Reprenez l’import une fois le rejeu terminé.' },
  },
  IMPORT_DONE: {
    levels: ['info'],
    audience: 'support',
    meaning: { en: 'The initial import is complete (contacts and requests in the line).', fr: 'L’import initial est terminé (contacts et requêtes dans la ligne).' },
    action: NOTHING,
  },

  // ---- replay ----------------------------------------------------------------------------------------
  REPLAY_STARTED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A replay started: Freshdesk is read for the period, then only what the ledger lacks is sent.',
      fr: 'Un rejeu a démarré : Freshdesk est relu pour la période, puis seul ce qui manque au registre est envoyé.',
    },
    action: NOTHING,
  },
  REPLAY_DONE: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'A replay is complete: contacts found, already delivered, and handed to delivery (counts in the line).',
      fr: 'Un rejeu est terminé : contacts trouvés, déjà envoyés et transmis à l’envoi (comptes dans la ligne).',
    },
    action: NOTHING,
  },
  REPLAY_SURPLUS: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'A replay found injixo holding more than Freshdesk now shows for a queue and period (tickets deleted since, or contacts delivered under a ticket’s former group).',
      fr: 'Un rejeu a trouvé dans injixo plus que ce que Freshdesk montre maintenant pour une file et une période (tickets supprimés depuis, ou contacts envoyés sous l’ancien groupe d’un ticket).',
    },
    action: {
      en: 'Nothing can be taken back (injixo cannot delete); it is reported so forecasts can be read with it in mind.',
      fr: 'Rien ne peut être retiré (injixo ne peut pas supprimer) ; c’est signalé pour lire les prévisions en connaissance de cause.',
    },
  },
  REPLAY_FOUND_MISSING: {
    levels: ['error'],
    audience: 'admin',
    meaning: {
      en: 'A part of what the replay found in Freshdesk is missing from the KV store; its contacts are left out of this replay.',
      fr: 'Une partie de ce que le rejeu a trouvé dans Freshdesk manque dans le stockage KV ; ses contacts sont exclus de ce rejeu.',
    },
    action: { en: 'Replay the period again.', fr: 'Rejouez la période une nouvelle fois.' },
  },
  // ---- the walks and the daily check (issue 20; src/import/walk-chain.ts, tend.ts, check.ts) ----
  WALK_REFUSED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The platform refused a call of the initial import, a replay or the daily check (the KV store’s or the scheduler’s limit). The line says when it tries again; the status page shows the same sentence. Each refusal in a row doubles the wait (6 minutes, then 12, … at most an hour).',
      fr: 'La plateforme a refusé un appel de l’import initial, d’un rejeu ou de la vérification quotidienne (la limite du stockage KV ou du planificateur). La ligne dit quand il réessaie ; la page d’état affiche la même phrase. Chaque refus d’affilée double l’attente (6 minutes, puis 12, … une heure au plus).',
    },
    action: {
      en: 'Nothing: the walk continues by itself. Many in a row mean the installation is overloaded.',
      fr: 'Rien : le parcours reprend tout seul. Beaucoup d’affilée signifient que l’installation est surchargée.',
    },
  },
  WALK_RESUMED: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'A walk had lost the schedule of some of its lanes (a refused or dead slice); the watchdog, asked for by the delivery runs while a walk is active, started them again.',
      fr: 'Un parcours avait perdu la planification de certaines de ses voies (une tranche refusée ou interrompue) ; le veilleur, demandé par les envois tant qu’un parcours est actif, les a relancées.',
    },
    action: NOTHING,
  },
  WALK_TEND_LATER: {
    levels: ['warn'],
    audience: 'support',
    meaning: {
      en: 'The walks’ watchdog could not look at them now (the KV or scheduler limit); the next delivery run asks again.',
      fr: 'Le veilleur des parcours n’a pas pu les examiner maintenant (la limite du stockage KV ou du planificateur) ; le prochain envoi redemande.',
    },
    action: NOTHING,
  },
  CHECK_STARTED: {
    levels: ['info'],
    audience: 'support',
    meaning: {
      en: 'The daily check began reading a settled day, or a recorded gap, back from Freshdesk (the period in the line).',
      fr: 'La vérification quotidienne a commencé à relire dans Freshdesk un jour terminé, ou une période manquante enregistrée (la période dans la ligne).',
    },
    action: NOTHING,
  },
  CHECK_NOT_STARTED: {
    levels: ['warn'],
    audience: 'admin',
    meaning: {
      en: 'The daily check could not start: the Freshdesk address is not known yet (it is saved at install and when settings are saved).',
      fr: 'La vérification quotidienne n’a pas pu démarrer : l’adresse Freshdesk n’est pas encore connue (elle est enregistrée à l’installation et à l’enregistrement des paramètres).',
    },
    action: { en: 'Open the settings page and save once.', fr: 'Ouvrez la page des paramètres et enregistrez une fois.' },
  },
  DAY_CHECKED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'A UTC day was checked against Freshdesk, with its figures: Freshdesk’s count, delivered before, sent now, surplus, delivered under a ticket’s former group, held back, Freshdesk requests.',
      fr: 'Un jour UTC a été vérifié avec Freshdesk, avec ses chiffres : le compte de Freshdesk, déjà envoyés, envoyés maintenant, surplus, envoyés sous l’ancien groupe d’un ticket, retenus, requêtes Freshdesk.',
    },
    action: {
      en: 'Nothing. A surplus is never taken back (injixo cannot delete); read that day’s volumes with it in mind.',
      fr: 'Rien. Un surplus n’est jamais repris (injixo ne peut pas supprimer) ; lisez les volumes de ce jour en en tenant compte.',
    },
  },
  GAP_REPAIRED: {
    levels: ['info'],
    audience: 'admin',
    meaning: {
      en: 'A recorded gap (a period that may miss contacts) was repaired by difference by the daily check, with no click; the line says what was sent.',
      fr: 'Une période manquante enregistrée a été réparée par différence par la vérification quotidienne, sans clic ; la ligne dit ce qui a été envoyé.',
    },
    action: NOTHING,
  },
} as const satisfies Readonly<Record<string, LogCodeEntry>>;

export type LogCode = keyof typeof LOG_CODES;

/**
 * A set of codes that must each have a row: `LogCodeOf<'A' | 'B'>` is `'A' | 'B'` and does not
 * compile when either is missing from LOG_CODES (FailureCode in src/remote/errors.ts is one).
 */
export type LogCodeOf<T extends LogCode> = T;

export function isLogCode(code: string): code is LogCode {
  return Object.prototype.hasOwnProperty.call(LOG_CODES, code);
}

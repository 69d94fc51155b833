import type { Catalogue } from './en';

/** French for every key of en.ts, with the same `{placeholders}` (test/ui checks both). */
export const fr: Catalogue = {
  'app.name': 'injixo connect',

  'install.title': 'Relier Freshdesk à injixo',
  'install.intro':
    'Les nouveaux tickets et réponses sont envoyés à injixo comme contacts proposés, pour que les planificateurs prévoient la charge et planifient vos agents. Les deux clés sont vérifiées à l’enregistrement.',
  'install.checking': 'Vérification des clés auprès d’injixo et de Freshdesk…',
  'install.checked': 'Les deux clés fonctionnent. Vous pouvez enregistrer.',
  'install.fixErrors': 'Veuillez corriger les champs signalés ci-dessus.',
  'install.checkButton': 'Vérifier les clés',

  'field.injixoKey.label': 'Clé API injixo',
  'field.injixoKey.hint': 'Dans injixo : Compte > Intégrations > Freshdesk > Installer l’application injixo > Générer.',
  'field.freshdeskKey.label': 'Clé API Freshdesk d’un administrateur du compte',
  'field.freshdeskKey.hint':
    'Connecté à Freshdesk en tant qu’administrateur du compte : Paramètres du profil > Voir la clé API. L’application s’en sert pour lire les noms de vos groupes.',
  'field.secret.saved': 'Une clé est enregistrée. Laissez ce champ vide pour la garder, ou collez une nouvelle clé.',
  'field.secret.reenter':
    'Freshdesk garde les clés enregistrées secrètes et ne les renvoie pas à cette page : collez de nouveau les deux clés pour enregistrer des paramètres modifiés. Tant que vous n’enregistrez pas, l’application continue avec les clés qu’elle a.',
  'field.replyScope.label': 'Réponses comptées',
  'field.replyScope.customer': 'Réponses des clients uniquement (recommandé)',
  'field.replyScope.all_public': 'Réponses des clients et réponses publiques des agents',
  'field.replyScope.hint': 'Les notes privées et les retours d’enquête ne comptent jamais.',
  'field.importWindow.label': 'Importer les tickets passés',
  'field.importWindow.none': 'Pas d’import',
  'field.importWindow.days': '{days} derniers jours',
  'field.importWindow.hint':
    'Les tickets et réponses créés pendant ces jours avant l’installation sont envoyés à injixo en arrière-plan, en plus de l’activité nouvelle, à raison de {rate} requêtes Freshdesk par heure (environ une par ticket). La page d’état montre l’avancement, permet la pause et donne la commande pour un historique plus ancien.',
  'field.integrationId.label': 'Identifiant de configuration d’intégration injixo (facultatif)',
  'field.integrationId.hint': 'Laissez vide, sauf si le support injixo vous a demandé de le renseigner.',
  'field.handledContacts.label': 'Envoyer les contacts traités et la durée de traitement',
  'field.handledContacts.hint':
    'Désactivé par défaut, car ce qui est envoyé à injixo ne peut jamais être supprimé : chaque ticket résolu devient un contact traité dans la file de son ticket, avec le temps saisi sur le ticket comme durée de traitement.',
  'field.agentStatuses.label': 'Envoyer les statuts des agents',
  'field.agentStatuses.hint':
    'Désactivé par défaut, car ce qui est envoyé à injixo ne peut jamais être supprimé : les changements de disponibilité des agents deviennent des intervalles de statut, et chaque agent doit d’abord être associé à une personne dans injixo.',
  'field.agentIdentifier.label': 'Identifier les agents par',
  'field.agentIdentifier.email': 'E-mail (par défaut)',
  'field.agentIdentifier.id': 'Identifiant d’agent Freshdesk',
  'field.agentIdentifier.hint': 'C’est l’identifiant qu’injixo affiche pour chaque agent lorsque vous associez les agents aux personnes.',

  'error.required': 'Ce champ est obligatoire.',
  'error.integrationId': 'Des chiffres uniquement, par exemple 1234 (tel que le support injixo l’a donné), ou laissez le champ vide.',
  'error.injixoKeyRejected':
    'injixo a refusé cette clé API (HTTP {status}). Elle a peut-être été régénérée dans injixo. Générez une nouvelle clé dans injixo (Compte > Intégrations > Freshdesk) et collez-la ici.',
  'error.injixoKeyRejectedFirst':
    'injixo a refusé cette clé API (HTTP {status}). Vérifiez que vous avez copié la clé entière, ou générez-en une nouvelle dans injixo (Compte > Intégrations > Freshdesk > Installer l’application injixo > Générer) et collez-la ici.',
  'estimate.needsKey': 'Collez la clé Freshdesk ci-dessus et vérifiez les clés pour savoir combien de temps prend cet import pour votre compte.',
  'estimate.measuring': 'Mesure du volume de tickets de ce compte (une requête Freshdesk)…',
  'estimate.result':
    'Ce compte : environ {perDay} tickets par jour (d’après ses {sample} tickets les plus récents). {days} jours font environ {tickets} tickets, que l’application importe en {duration} environ.',
  'estimate.empty': 'Aucun ticket n’a été créé ces 30 derniers jours : l’import n’a presque rien à lire.',
  'estimate.useCli':
    'C’est plus de {limit} tickets, plus d’une journée d’import dans l’application. Choisissez « Pas d’import » ici et faites importer l’historique avec l’outil d’import depuis un poste de travail : la page d’état donne sa commande, et il lit de 100 à 350 tickets par minute selon l’offre Freshdesk.',
  'estimate.failed': 'Le volume de tickets n’a pas pu être mesuré ; l’application importe environ {rate} tickets par heure.',
  'estimate.hours': '{count} heures',
  'estimate.days': '{count} jours',
  'estimate.underHour': 'moins d’une heure',
  'warning.injixoUnavailable':
    'injixo n’a pas pu être joint pour vérifier la clé. Vous pouvez enregistrer ; la page d’état indique si les envois fonctionnent.',
  'error.freshdeskKeyRejected':
    'Freshdesk a refusé cette clé API (HTTP 401). Copiez de nouveau la clé depuis Paramètres du profil > Voir la clé API.',
  'error.freshdeskNotAdmin':
    'Cette clé appartient à un agent sans le rôle d’administrateur du compte : Freshdesk refuse donc l’API Groups (GET /api/v2/groups, HTTP 403). Collez la clé API d’un administrateur du compte.',
  'error.freshdeskUnavailable': 'Freshdesk n’a pas répondu à la vérification de la clé (HTTP {status}). Veuillez réessayer dans une minute.',

  'status.title': 'injixo connect — état',
  'status.loading': 'Chargement de l’état…',
  'status.loadFailed': 'L’état n’a pas pu être lu à l’instant. Cliquez sur Actualiser dans une minute ; si cela dure, consultez les journaux de l’application.',
  'status.refresh': 'Actualiser',
  'status.asOf': 'État au {time} ({age}).',
  'status.stale.limit':
    'L’état en direct n’a pas pu être lu à l’instant : Freshworks limite le nombre de lectures de données par minute de l’application, et les envois passent d’abord. Voici l’état au {time} ({age}) ; cliquez sur Actualiser dans une minute pour un état plus récent.',
  'status.stale.other':
    'L’état en direct n’a pas pu être lu à l’instant. Voici l’état au {time} ({age}) ; cliquez sur Actualiser dans une minute, et si cela dure, consultez les journaux de l’application.',
  'status.unavailable.limit':
    'L’état ne peut pas être lu pour l’instant : Freshworks limite le nombre de lectures de données par minute de l’application, et les envois passent d’abord. Cliquez sur Actualiser dans une minute.',
  'label.lastSuccessDetail': '{time}',
  'label.nextRun': 'Prochain envoi',
  'label.nextRunDue': 'imminent',
  'label.nextRunDetail': '{time} ; un envoi toutes les {minutes} minutes',
  'label.nextRunOverdue': 'en retard : aucun envoi depuis {age}',
  'recent.axis': 'Contacts par heure',
  'recent.barRange': '{from}–{to}',
  'recent.last24': 'Dernières 24 heures : {count}',
  'recent.today': 'Aujourd’hui depuis {midnight} : {count}',
  'recent.explain':
    'Chaque contact compte dans l’heure de sa propre date. « Dernières 24 heures » va jusqu’à {end} ; une journée (« aujourd’hui » ici, une journée dans injixo ou le tableau que npm start affiche) va de minuit à minuit : les deux chiffres diffèrent des heures que l’un contient et l’autre non.',
  'recent.search': 'Chercher une file',
  'recent.searchHint': 'Une partie du nom d’une file ou d’un groupe, par ex. email ou Billing',
  'recent.busiest': 'Les {count} files les plus actives',
  'recent.byGroup': 'Toutes les files par groupe Freshdesk',
  'recent.groupSummary': '{name} — {queues} files, {total} contacts',
  'recent.noMatch': 'Aucune file ne correspond à « {query} ».',
  'recent.matches': 'Files correspondantes : {count}.',
  'deleted.title': 'Groupes supprimés',
  'deleted.intro':
    'Ces groupes Freshdesk ont été supprimés. Leurs files gardent le nom avec lequel elles ont été envoyées à injixo la première fois ; les tickets qui y restent sont envoyés sous ce nom.',
  'deleted.group': 'Identifiant du groupe Freshdesk',
  'history.who':
    'Qui la lance : une personne habituée au terminal (votre service informatique ou le support injixo), sur un poste avec Node.js, depuis une copie du code source de cette application fournie par son éditeur, après npm install ; FRESHDESK_API_KEY et INJIXO_API_KEY vont dans l’environnement, jamais sur la ligne de commande.',
  'command.copy': 'Copier la commande',
  'command.copied': 'Copiée dans le presse-papiers.',
  'command.copyFailed': 'Le navigateur n’a pas permis la copie : la commande est sélectionnée, copiez-la avec Ctrl+C (⌘C).',
  'replay.fieldHint': 'Au format {pattern}, heure de {zone}',
  'replay.badFrom': 'Écrivez le début au format {pattern}, par exemple {example}.',
  'replay.badTo': 'Écrivez la fin au format {pattern}, par exemple {example}.',
  'replay.asking': 'Demande du rejeu…',
  'state.flowing': 'Les contacts arrivent dans injixo',
  'state.key_rejected': 'injixo refuse la clé API',
  'state.injixo_unavailable': 'injixo ne répond pas',
  'state.backlog_draining': 'Envoi des contacts en attente',
  'state.waiting_for_first_delivery': 'En attente du premier envoi',
  'state.keyRejectedSince': 'Depuis le {time}. Aucun contact n’est perdu : ils seront envoyés dès que la clé fonctionnera.',
  'label.installedAt': 'Installée le',
  'label.lastSuccess': 'Dernier envoi réussi',
  'label.never': 'Jamais',
  'label.backlog': 'En attente d’envoi',
  'label.setAside': 'Mis de côté (refusés par injixo)',
  'label.dropped': 'Perdus',
  'label.invalidPayloads': 'Événements illisibles',
  'label.missingTickets': 'Tickets trouvés sans leur événement (comptés depuis Freshdesk)',
  'label.missingTicketsWaiting': '{repaired}, encore {waiting} recherchés',
  'label.handledSent': 'Contacts traités envoyés (tickets résolus)',
  'label.handledSentValue': '{sent}, {waiting} attendent 30 minutes leur temps saisi',
  'label.handledLate': 'Temps saisi après l’envoi du contact traité (absent d’injixo)',
  'label.handledLateValue': '{changes} saisies de temps, {minutes} min',
  'label.handledEarly': 'Contacts traités envoyés avant leurs 30 minutes (trop à la fois)',
  'label.agentsSent': 'Intervalles de statut d’agent envoyés',
  'label.agentsSentValue': '{sent}, {pending} en attente d’injixo',
  'label.agentsMapped': 'Agents reçus par injixo (associez chacun à une personne dans injixo)',
  'label.agentsMore': ' et {more} de plus',
  'label.agentsNone': 'aucun pour l’instant',
  'label.agentsLeftOut': 'Changements de statut d’agent écartés (tardifs ou refusés)',
  'label.consecutiveFailures': 'Échecs consécutifs',
  'failure.title': 'Dernier échec',
  'failure.when': '{time}, HTTP {status}',
  'failure.whenNoStatus': '{time}, pas de réponse',
  'failure.details': 'Détails : {message}',
  'recent.title': 'Contacts proposés envoyés, dernières 24 heures, par heure (heures en {zone})',
  'recent.empty': 'Aucun contact daté des dernières 24 heures n’a été envoyé.',
  'recent.show': 'Afficher',
  'recent.allQueues': 'Toutes les files',
  'recent.chartLabel': '{name} : {total} contacts proposés sur les dernières 24 heures, par heure',
  'recent.bar': '{time} : {count}',
  'recent.queue': 'File',
  'recent.offered': 'Contacts proposés, dernières 24 heures',
  'recent.total': 'Total',
  'renamed.title': 'Groupes et sources renommés',
  'renamed.intro':
    'Ces files gardent le nom sous lequel elles ont été envoyées à injixo la première fois : après un renommage dans Freshdesk, leur historique reste dans une seule file injixo.',
  'renamed.kept': 'Nom dans injixo (conservé)',
  'renamed.current': 'Nom actuel dans Freshdesk',
  'gaps.title': 'Périodes où des contacts peuvent manquer',
  'gaps.intro':
    'L’app sait ou soupçonne qu’il manque des contacts pour ces périodes. Complétez-en une avec la commande indiquée, lancée depuis un poste avec FRESHDESK_API_KEY et INJIXO_API_KEY ; si l’app a déjà livré une partie de la période, le CLI renvoie ces contacts : préférez des fenêtres courtes.',
  'gaps.when': 'du {from} au {to}',
  'gaps.lost': '{count} contacts perdus connus',
  'gaps.maybeLost': '{count} contacts peut-être absents chez injixo',
  'gaps.reason.event_lost': 'Événements que l’app n’a pas pu enregistrer',
  'gaps.reason.backlog_full': 'Contacts en attente les plus anciens abandonnés (file pleine)',
  'gaps.reason.commit_refused': 'Contacts non conservés après une écriture refusée',
  'gaps.reason.no_delivery_runs': 'Aucune livraison depuis plus de deux heures',
  'gaps.reason.ticket_events_missing': 'Tickets créés sans qu’un événement parvienne à l’app, introuvables à temps dans Freshdesk',
  'gaps.reason.delivery_unconfirmed': 'Contacts qu’injixo n’a pas confirmés (présents ou manquants ; pas renvoyés, pour ne jamais envoyer deux fois)',

  'import.title': 'Import des tickets passés',
  'import.state.running': 'Import en cours en arrière-plan',
  'import.state.paused': 'En pause',
  'import.state.done': 'Terminé',
  'import.state.failed': 'Arrêté',
  'import.window': 'Tickets et réponses créés du {from} au {to} (l’installation).',
  'import.coveredUntil': 'Les tickets mis à jour jusqu’au {time} ont été lus.',
  'import.counts': '{tickets} tickets lus, {contacts} contacts transmis à l’envoi, {requests} requêtes Freshdesk.',
  'import.eta': 'Environ {minutes} minutes restantes.',
  'import.problems': 'Illisibles (l’import a continué sans eux) :',
  'import.failure': 'Raison de l’arrêt : {message}',
  'import.pause': 'Mettre l’import en pause',
  'import.resume': 'Reprendre l’import',
  'history.title': 'Historique plus ancien',
  'history.intro':
    'Pour l’historique d’avant le {to}, lancez l’outil d’import depuis un poste de travail, avec les clés dans l’environnement (FRESHDESK_API_KEY, INJIXO_API_KEY), jamais sur la ligne de commande. Reculez --from autant que nécessaire ; gardez --to tel quel, pour ne jamais recouvrir ce que l’app envoie.',

  'replay.title': 'Rejouer une période',
  'replay.intro':
    'Relit Freshdesk pour une période et n’envoie à injixo que ce qui manque selon le registre des livraisons de l’app, par file et intervalle de 15 minutes : rien n’est envoyé deux fois. Heures en {zone} ; la période est élargie aux quarts d’heure entiers. Les périodes à partir du {from} peuvent être rejouées, {hours} heures au plus à la fois.',
  'replay.from': 'Du',
  'replay.to': 'Au',
  'replay.submit': 'Rejouer cette période',
  'replay.gapButton': 'Rejouer cette période',
  'replay.started': 'Le rejeu a commencé ; sa progression s’affiche dans la section « Rejouer une période ».',
  'replay.badInput': 'Saisissez les deux heures, le début avant la fin.',
  'replay.state.walking': 'Lecture de Freshdesk',
  'replay.state.waiting_for_delivery': 'Attente de la fin des livraisons avant la comparaison',
  'replay.state.done': 'Terminé',
  'replay.state.failed': 'Arrêté',
  'replay.window': 'Période du {from} au {to}.',
  'replay.counts': '{tickets} tickets lus, {contacts} contacts trouvés dans Freshdesk, {requests} requêtes Freshdesk.',
  'replay.result': '{sent} contacts manquants envoyés : Freshdesk en montre {found}, le registre en avait {delivered} livrés.',
  'replay.claimedElsewhere': '{count} contacts avaient été livrés sous l’ancien groupe de leur ticket et n’ont pas été renvoyés.',
  'replay.uncertain': 'L’app n’a pas pu tenir un compte exact des livraisons pour {hours} (UTC, six heures chacune) pendant une surcharge de la plateforme ; ce rejeu a pu envoyer des contacts qu’injixo avait déjà.',
  'replay.surplus': 'injixo détient {count} contacts de plus que ce que Freshdesk montre maintenant pour cette période (par exemple des tickets supprimés depuis). Ils ne sont pas retirés : injixo ne peut pas supprimer.',
  'replay.queue': 'File',
  'replay.sent': 'Envoyés',
  'replay.surplusColumn': 'Excédent',
  'replay.refused.no_host': 'L’adresse Freshdesk n’est pas encore connue. Rouvrez cette page dans une minute.',
  'replay.refused.invalid_time': 'Saisissez les deux heures, le début avant la fin.',
  'replay.refused.not_before': 'Le début doit précéder la fin.',
  'replay.refused.in_future': 'Un rejeu ne peut pas aller dans le futur ni dans le quart d’heure en cours : terminez la période plus tôt.',
  'replay.refused.beyond_ledger':
    'Cette période commence avant le {from}, le plus ancien moment dont le registre de l’app se souvient : un rejeu ne peut pas savoir ce qui a été livré. Si l’app n’a rien livré pour cette période, récupérez-la avec l’outil d’import depuis un poste de travail : {command}',
  'replay.refused.too_long': 'Un rejeu couvre {hours} heures au plus. Rejouez une période plus longue en plusieurs fois.',
  'replay.refused.import_running': 'L’import initial n’est pas terminé. Rejouez une fois qu’il l’est : l’app ne lit Freshdesk que pour l’un des deux à la fois.',
  'replay.refused.replay_running': 'Un rejeu est en cours. Attendez son résultat avant d’en demander un autre.',

  'action.testConnection': 'Tester la connexion',
  'action.retryNow': 'Relancer l’envoi maintenant',
  'action.working': 'En cours…',
  'action.failed': 'L’action a échoué ({detail}). Veuillez réessayer ; si l’échec persiste, consultez les journaux de l’application.',
  'test.injixo.ok': 'injixo accepte la clé API.',
  'test.injixo.rejected':
    'injixo refuse la clé API. Générez une nouvelle clé dans injixo (Compte > Intégrations > Freshdesk) et collez-la dans les paramètres de cette application.',
  'test.injixo.unavailable': 'injixo n’a pas répondu. Les contacts sont conservés ; réessayez plus tard.',
  'test.freshdesk.ok': 'Freshdesk accepte la clé API d’administrateur.',
  'test.freshdesk.rejected':
    'Freshdesk refuse la clé API. Collez la clé API d’un administrateur du compte dans les paramètres de cette application.',
  'test.freshdesk.not_admin':
    'La clé API Freshdesk n’a pas les droits d’administrateur du compte : l’API Groups (GET /api/v2/groups) est donc refusée. Collez la clé d’un administrateur du compte dans les paramètres de cette application.',
  'test.freshdesk.unavailable': 'Freshdesk n’a pas répondu. Veuillez réessayer dans une minute.',
  'deliver.delivered': 'Envoi terminé. Envoyés : {sent}. Encore en attente : {backlog}.',
  'deliver.moreToDo': 'D’autres contacts attendent ; le prochain passage continue tout seul.',
  'deliver.busy': 'Un envoi est déjà en cours. Veuillez réessayer dans une minute.',
  'deliver.waiting_for_directory':
    'L’application attend les noms des groupes Freshdesk avant d’envoyer. Si cela dure, vérifiez la clé Freshdesk dans les paramètres.',

  'install.blocked.injixoKey': 'injixo API key rejected / Clé API injixo refusée',
  'install.blocked.freshdeskKey': 'Freshdesk API key rejected / Clé Freshdesk refusée',
  'install.blocked.notAdmin': 'Freshdesk key needs admin rights / Clé non admin',
  'install.blocked.setup': 'Setup failed, retry / Échec, réessayez',

  'guidance.INJIXO_KEY_REJECTED':
    'injixo a refusé la clé API. Elle a peut-être été régénérée dans injixo. Générez une nouvelle clé dans injixo (Compte > Intégrations > Freshdesk) et collez-la dans les paramètres de cette application. Les contacts sont conservés et seront envoyés dès que la clé fonctionnera.',
  'guidance.INJIXO_BAD_REQUEST':
    'injixo a refusé certains contacts comme invalides. Ils sont mis de côté (voir « Mis de côté » sur la page d’état) et ne sont pas renvoyés ; veuillez transmettre la raison affichée au support.',
  'guidance.INJIXO_NOT_FOUND':
    'L’adresse de l’API injixo a répondu « introuvable ». Les contacts sont conservés. Veuillez contacter le support : l’application doit peut-être être mise à jour.',
  'guidance.INJIXO_UNAVAILABLE':
    'injixo ne répond pas pour le moment. Les contacts sont conservés et renvoyés automatiquement ; rien à faire, sauf si cela dure des heures. Un lot reçu par injixo mais resté sans réponse n’est pas renvoyé (il y est peut-être déjà) : il figure dans les lacunes comme peut-être manquant.',
  'guidance.FRESHDESK_KEY_REJECTED':
    'Freshdesk a refusé la clé API d’administrateur. Ouvrez les paramètres de cette application et collez la clé API d’un administrateur du compte Freshdesk (Paramètres du profil > Voir la clé API). Les contacts sont conservés.',
  'guidance.FRESHDESK_NOT_ADMIN':
    'La clé API Freshdesk appartient à un agent sans droits d’administrateur : l’API Groups (GET /api/v2/groups) est donc refusée. Collez la clé d’un administrateur du compte dans les paramètres de cette application. Les contacts sont conservés.',
  'guidance.FRESHDESK_RATE_LIMITED':
    'La limite de requêtes de l’API Freshdesk pour le compte est atteinte (elle est partagée avec les autres applications). L’application attend et reprend toute seule.',
  'guidance.FRESHDESK_UNAVAILABLE':
    'L’API Freshdesk n’a pas répondu comme prévu. L’application réessaie toute seule ; les contacts sont conservés.',
  'guidance.PLATFORM_LIMIT':
    'L’application a atteint la limite par minute de Freshworks pour cette installation et regroupe les envois ; les contacts sont conservés et envoyés sous peu.',
  'guidance.UNACCEPTED_ANSWER':
    'Freshworks a refusé une réponse d’injixo ou de Freshdesk à cause de son type de contenu (HTTP 415). injixo a peut-être enregistré ces contacts : ils ne sont donc pas renvoyés (une seconde copie ne pourrait jamais être retirée) et figurent dans les lacunes comme peut-être manquants. Si cela dure, signalez-le au support.',
  'guidance.INVALID_PAYLOAD':
    'Freshdesk a envoyé un événement que l’application n’a pas pu lire. Il a été compté et journalisé avec ses identifiants ; veuillez le signaler au support.',
};

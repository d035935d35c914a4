/**
 * Reviewed data: the words people use to say "do not contact me", read by the
 * revocation classifier. Patterns are over normalised text (see `normalizeInbound`):
 * lower case, accents removed, apostrophes dropped ("don't" → "dont"), punctuation and
 * symbols as single spaces. Add a phrase here, with a test case beside it, and nowhere else.
 *
 * The rule behind it: 47 CFR 64.1200(a)(10) — consent may be revoked by any reasonable
 * means, the words of REVOCATION_WORDS in reply to a text are revocations per se, and
 * doubt is resolved for the consumer (an unsure message is never ignored).
 */

/** A whole message that is only one of these is a carrier keyword (after normalisation). */
export const KEYWORDS = {
  stop: ['stop', 'stopall', 'stop all', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'opt out', 'optout', 'stop stop', 'stop stop stop'],
  start: ['start', 'unstop', 'subscribe', 'opt in', 'optin'],
  help: ['help', 'info'],
} as const;

/**
 * Whole messages that are a revocation but not a carrier keyword: misspellings of one
 * (a person typed them), and the other short ways people say it.
 */
export const OTHER_STOP_WORDS = ['stp', 'sotp', 'stpo', 'tsop', 'stopp', 'stahp', 'srop', 'sstop', 'stopit', 'unsub', 'unsuscribe', 'unsubcribe', 'unsubscibe', 'unsubscrib', 'unsubsribe', 'usubscribe', 'unsubscrive', 'unscribe', 'unsubscribe me', 'unsubscribe please', 'opt out please', 'optout please', 'opt me out', 'remove', 'delete', 'remove me', 'delete me', 'dnc', 'do not call', 'do not text', 'do not contact', 'dont call', 'dont text', 'dont contact', 'no contact', 'no calls', 'no texts', 'stop please', 'please stop', 'pls stop', 'plz stop', 'plese stop', 'stop pls', 'stop plz', 'just stop', 'ok stop', 'stop thanks', 'stop thank you', 'stop now', 'stop already', 'stop it', 'stop it please', 'stop immediately', 'quit it', 'enough stop', 'stop spamming', 'cancel please', 'cancel me', 'end all', 'quit all', 'cancel all', 'unsubscribe all', 'revoke all', 'revoke consent', 'stop everything'];

/** Edit distance 1 from a keyword, alone: a misspelt keyword, unless it is one of these ordinary words. */
export const FUZZY_TARGETS = ['unsubscribe', 'stopall', 'optout'] as const;
export const REAL_WORDS_NEAR_KEYWORDS = ['subscribe', 'unsubscribed', 'stoppage', 'stop all'];

/** Lines phones and mail programs add under a message; removed before reading it. */
export const SIGNATURES = /(?:^|\s)(?:sent from my (?:iphone|ipad|android|samsung[a-z0-9 ]*|galaxy[a-z0-9 ]*|pixel[a-z0-9 ]*|mobile|phone|verizon[a-z0-9 ]*|t mobile[a-z0-9 ]*)|get outlook for (?:ios|android)|sent via [a-z ]+)\s*$/;

/** Other languages' words for stop, alone: a revocation. */
export const FOREIGN_STOP = ['alto', 'parar', 'para', 'basta', 'cancelar', 'baja', 'darme de baja', 'detener', 'no mas', 'arret', 'arrete', 'arreter', 'stoppen', 'fermare', 'parar mensagens', 'cancelar suscripcion', 'desuscribir', 'desinscrire', 'desabonner', 'стоп', 'отписаться'];

/** Verbs and nouns of contact, and the channel each names (null: contact of any kind). */
export const CONTACT_VERBS: Record<string, 'call' | 'sms' | 'email' | null> = {
  text: 'sms', texts: 'sms', texting: 'sms', textin: 'sms', txt: 'sms', txts: 'sms', txting: 'sms', sms: 'sms', msg: 'sms', msgs: 'sms', msging: 'sms', message: 'sms', messages: 'sms', messaging: 'sms', messege: 'sms', messeges: 'sms', mensajes: 'sms', escriban: 'sms', escribas: 'sms', escriba: 'sms', escribir: 'sms', escribirme: 'sms',
  call: 'call', calls: 'call', calling: 'call', callin: 'call', caling: 'call', ring: 'call', ringing: 'call', phone: 'call', phoning: 'call', voicemail: 'call', voicemails: 'call', robocall: 'call', robocalls: 'call', robocalling: 'call', llamadas: 'call', llamen: 'call', llame: 'call', llames: 'call', llamar: 'call', llamarme: 'call', llamenme: 'call',
  email: 'email', emails: 'email', emailing: 'email', mail: 'email', mails: 'email', mailing: 'email', correos: 'email',
  contact: null, contacting: null, spam: null, spamming: null, harass: null, harassing: null, pester: null, pestering: null, bugging: null, bothering: null, sending: null, reaching: null, hitting: null,
};

/** Verbs that alone, after "don't" or "never", ask for no contact. */
const DIRECT_VERBS = Object.keys(CONTACT_VERBS).filter((w) => CONTACT_VERBS[w] !== null || ['contact', 'contacting', 'spam', 'spamming', 'harass', 'harassing'].includes(w));
const alt = (words: readonly string[]) => `(?:${[...words].sort((a, b) => b.length - a.length).join('|')})`;
const VERB = alt(Object.keys(CONTACT_VERBS));
const DIRECT = alt(DIRECT_VERBS);
const ME = '(?:me|us|this number|my number|my phone|my cell|my email|here|anymore|any more|again|ever again|please|pls|plz|now|all|the|these|those|your|ur|any|more|with|them|stuff|ads)';
/** Not right after a negation: "don't stop texting me" is no revocation. */
const NOT_NEG = '(?<!\\b(?:dont|do not|never|cant|cannot|wont|not|didnt|did not|shouldnt|no need to|why would you|why did you) )';
const STOP = '(?:stop|stp|stahp|quit|cease|end)';
const LIST = '(?:list|lists|database|system|records|contacts|texts|calls|messages|emails|mailings|mailing list|marketing|register)';
const OWNER = '(?:your|ur|the|this|that|all|all your|all of your|ya|yall|all future|any|every|these)';
/** What may follow "don't call me" and make it a matter of when, not whether. */
const WHEN = '(?:before|after|until|till|til|at work|at night|at this time|on weekends|on sundays|on saturdays|on the weekend|between|during|tomorrow|today|tonight|this week|next week|in the morning|in the evening|later|so early|so late|back|right now|yet|at \\d)';

/** Free text that clearly asks not to be contacted: each a revocation. */
export const REVOCATION_PATTERNS: Array<{ name: string; re: RegExp }> = [
  { name: 'stop contacting', re: new RegExp(`${NOT_NEG}\\b${STOP} (?:(?:all|the|these|those|your|ur|with the|sending me|sending) )*${VERB}(?: ${ME})*\\b(?! (?:${WHEN}|${ME})\\b)`) },
  { name: 'stop it', re: new RegExp(`${NOT_NEG}\\b(?:stop|quit) (?:it|this|that|now|already|immediately|asap|right now|everything|all contact|all messages|all of (?:it|this))\\b`) },
  { name: 'do not contact', re: new RegExp(`\\b(?:dont|do not|never|no longer|dont ever|do not ever|never ever) (?:ever )?${DIRECT}(?: ${ME})*\\b(?! (?:${WHEN}|${ME})\\b)`) },
  { name: 'no more', re: new RegExp(`\\bno (?:more|further|mas) ${VERB}\\b`) },
  { name: 'remove me', re: new RegExp(`\\b(?:remove|delete|take|erase|drop|scratch|cross|strike|get|put) (?:me|my number|my phone|my name|my info|my information|my details|my contact|my email|this number|us|my cell|my phone number)(?: (?:number|please|pls|now|asap))* (?:off|from|out of)(?:(?: ${OWNER})?(?: [a-z]+)? ${LIST}\\b|(?= \\||$))`) },
  { name: 'remove me now', re: /\b(?:remove|delete|unsubscribe|unsub|opt) (?:me|my number|this number|us)(?: (?:out|off|now|asap|please|pls|plz|immediately|right now|thanks|thank you))*(?= \||$)/ },
  { name: 'off your list', re: new RegExp(`\\b(?:off|out of) ${OWNER}(?: [a-z]+)? (?:list|lists|database|system|records|contacts)\\b`) },
  { name: 'opt out', re: /\b(?:opt(?:ing)? ?out|unsubscribe|unsubscribing|unsub)\b/ },
  { name: 'already asked', re: /\b(?:i|we) (?:already |have |ve |already have |ve already |have already )?(?:unsubscribed|opted out|said stop|said to stop|told you to stop|asked you to stop|asked to be removed|replied stop|texted stop|sent stop|asked not to be)\b/ },
  { name: 'want to opt out', re: /\b(?:i|we) (?:want|wish|would like|wanna|need|d like|d love) to (?:opt out|unsubscribe|be removed|stop (?:getting|receiving)|revoke|withdraw|cancel (?:these|the|this|your|my) (?:texts|messages|calls|emails|alerts|subscription))\b/ },
  { name: 'no longer wish', re: /\b(?:no longer|dont|do not|never|dont ever) (?:wish|want|care|consent|agree|need|like) to (?:receive|get|be contacted|be called|be texted|hear from|be messaged|be emailed)\b/ },
  { name: 'dont want', re: new RegExp(`\\b(?:i|we) (?:dont|do not|no longer) (?:want|need) (?:(?:any|your|these|those|the|more|anymore|any more|this|to get|to receive|anything|further) )*${VERB}\\b`) },
  { name: 'cancel the contact', re: /\b(?:cancel|end|revoke|withdraw) (?:all |my |these |the |your |this )?(?:texts|messages|calls|emails|alerts|notifications|sms|text messages|subscription to (?:texts|messages|calls|emails))\b/ },
  { name: 'leave me alone', re: /\b(?:leave me alone|leave us alone|lose my number|delete my number|forget my number|lose this number|go away|get lost|fuck off|f off|piss off|bugger off|screw off|back off|buzz off)\b/ },
  { name: 'wrong number', re: /\b(?:wrong (?:number|person|phone|cell|no)|you have the wrong|not (?:my|his|her|their) number|(?:no one|nobody) (?:by|with|named|called) that name|(?:he|she|they) (?:doesnt|dont|does not|do not) live here|i am not (?:him|her|them)|i dont know (?:him|her|them|who that is)|no (?:such person|one here by that name))\b/ },
  { name: 'revoke consent', re: /\b(?:revoke|revoking|revoked|withdraw|withdrawing|withdrew|cancel|rescind|take back|pull) (?:my |all |any |the )?(?:consent|permission|authorization|authorisation|agreement to be contacted)\b/ },
  { name: 'do not call list', re: /\b(?:do not call|dnc|dont call|no call) (?:list|registry|register)\b|\b(?:put|add|place) (?:me|my number|this number|us) (?:on|in|to) (?:your |the )?(?:do not call|dnc|dont call|no call|do not contact)\b/ },
  { name: 'how do i stop', re: new RegExp(`\\bhow (?:do|can|to|would|should) (?:i |we )?(?:(?:stop|end|block) (?:(?:these|the|your|this|getting|receiving|all|them) )*${VERB}\\b|unsubscribe|opt out|get off (?:this|your|the)|be removed|get removed|make (?:this|these|them|it|you) stop|stop (?:this|these|them|it)(?= \\||$))`) },
  { name: 'spanish', re: /\b(?:no me (?:llame|llamen|llames|escriba|escriban|escribas|envie|envien|envies|manden|mandes|contacte|contacten|moleste|molesten|vuelvan|vuelva)|dej(?:e|en|a) de (?:llamar|escribir|enviar|mandar|molestar|contactar)(?:me|nos)?|(?:dar|darme|dame|denme|deme) de baja|(?:quiten|quitar|quita|quitame|quitenme|borren|borrar|borrame|elimine|eliminen|eliminar|eliminame|eliminenme|sacame|saquenme) (?:mi numero|mi telefono|de (?:su|la|sus|esta) lista|me de)|no (?:quiero|deseo|quiero recibir|deseo recibir) (?:recibir |mas |ningun |que me |sus )*(?:mensajes|llamadas|correos|nada|contacto|llamen|escriban)|no molestar|basta ya)\b/ },
  { name: 'french', re: /\b(?:arretez de|arrete de|ne (?:m ?|me )(?:appelez|contactez|ecrivez|envoyez) plus|desabonnez moi|desinscrivez moi|retirez moi)\b/ },
];

/** Messages that may be a revocation: never ignored (opted out or held for review, as the floor sets). */
export const UNSURE_PATTERNS: Array<{ name: string; why: string; re: RegExp }> = [
  { name: 'not interested', why: 'declines the offer; may mean do not contact', re: /\b(?:not interested|no interest|uninterested|not intrested|not intersted|not intereste|no thanks|no thank you|no thx|nah thanks|not for me|no estoy interesad[oa]|no gracias|pas interesse)\b|^(?:pass|ill pass|i ll pass|i will pass|im good|im all set|all set|were good|we re good|im ok|no ty)(?: thanks| thank you| thx)?$/ },
  { name: 'bare no', why: 'a bare refusal', re: /^(?:no|nope|nah|never|no way|hell no|n|absolutely not|no no|no no no|nein|non)$/ },
  { name: 'never asked', why: 'says they never agreed to be contacted', re: /\b(?:how did you get (?:my|this) (?:number|phone|email|info)|where did you get (?:my|this) (?:number|phone|email|info)|i never (?:signed up|gave you|agreed|opted in)|i didnt sign up|i did not sign up|never signed up|i dont know you)\b/ },
  { name: 'complaint', why: 'complains of the contact', re: /\b(?:spam|spammer|spammers|scam|scammer|scammers|harassment|harassing|harass|reported (?:you|this|to)|reporting (?:you|this)|report (?:you|this)|block(?:ed|ing)? (?:you|this|your)|ill sue|i will sue|sue you|my lawyer|my attorney|tcpa|illegal|enough already|thats enough|too many (?:texts|calls|messages|emails)|why do you keep|why are you (?:texting|calling|messaging|emailing)|stop harassing)\b|^enough$/ },
  { name: 'stop and more', why: 'starts with a stop word and goes on', re: /^(?:stop|quit|unsubscribe|cancel|end|revoke|opt out|optout|remove)\b/ },
  { name: 'ends with stop', why: 'ends with a stop word', re: /\b(?:stop|unsubscribe|optout|opt out|remove me)$/ },
  { name: 'dont contact at times', why: 'limits when to contact; may mean not at all', re: new RegExp(`\\b(?:dont|do not|stop|never|quit) ${DIRECT}(?: me)? ${WHEN}\\b`) },
];

/** A message of these symbols alone (a stop sign, a raised hand) may be a revocation. */
export const STOP_SYMBOLS = /^(?:\p{Extended_Pictographic}|\uFE0F|\u200D|\p{Emoji_Modifier}|\s)*(?:🛑|✋|🚫|⛔|🙅|🤚|❌|✖)(?:\p{Extended_Pictographic}|\uFE0F|\u200D|\p{Emoji_Modifier}|\s)*$/u;

/**
 * Phrases with the words of a revocation that are not one ("don't stop the delivery",
 * "the bus stop", "cancel my appointment"). They are taken out of the message before the
 * patterns above read it; a negation takes the rest of its clause with it.
 */
export const LOOK_ALIKES: RegExp[] = [
  /\b(?:dont|do not|never|please dont|pls dont|please do not) (?:stop|quit|end|cancel|unsubscribe|remove|delete|opt me out|take me off|give up)\b[^|]*/g,
  /\b(?:dont|do not|never|didnt|did not) (?:want|wish|mean|need|intend) to (?:stop|quit|unsubscribe|opt out|cancel|be removed|end)\b[^|]*/g,
  /\b(?:cant|cannot|couldnt|wont|would not|wouldnt|not going to|never|not) (?:stop|quit)(?: (?:thinking|laughing|talking|eating|smiling|watching|using|buying|reading|listening|playing|now|yet))?\b/g,
  /\bstop (?:by|at|in|over|for|off at|sign|light|lights|watch|loss|gap|motion|the car|the truck|and go|and shop|and think|worrying|being|smoking|drinking)\b/g,
  /\b(?:bus|truck|last|next|first|pit|full|rest|one|train|my|your) stop\b/g,
  /\b(?:cancel|cancelled|canceled|cancelling|canceling|end) (?:my|the|our|this|that|your|an|a) (?:appointment|order|meeting|reservation|booking|visit|delivery|service call|flight|trip|card|account|policy|lease|contract|plan|insurance|application|claim|payment|month|week|day|year|quarter)\b/g,
  /\b(?:end of|by the end|at the end|end date|the end|dead end|in the end|end up|ends up|ended up|front end|back end|high end|low end)\b/g,
  /\bquit (?:my job|smoking|drinking|the job|work|school|my)\b/g,
  /\b(?:no more|no further) (?:questions|problems|issues|worries|delays)\b/g,
  /(?<!\b(?:dont|do not|never|not|stop|quit) )\b(?:call|text|email|message) me (?:back|later|tomorrow|at|on|after|before)\b/g,
];

/** Words that name every channel: a revocation using them widens to calls, texts and email. */
export const ALL_CHANNEL_WORDS = /\b(?:stop all|stopall|all contact|all communication|all communications|any contact|contact me in any way|in any way|everything|all of it|at all|in any form|any means|any more contact|revoke all|cancel all|quit all|end all|unsubscribe all)\b/;

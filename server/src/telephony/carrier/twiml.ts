/** The verbs the simulated carrier acts on, read from a TwiML document. */
export type TwimlVerb =
  | { verb: 'Say'; text: string }
  | { verb: 'Play'; url: string; loop: number }
  | { verb: 'Pause'; seconds: number }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'busy' | 'rejected' }
  | { verb: 'Redirect'; url: string; method: 'GET' | 'POST' }
  | { verb: 'Record'; maxLength: number; recordingStatusCallback: string | null }
  | {
      verb: 'Dial';
      numbers: string[];
      clients: string[];
      callerId: string | null;
      action: string | null;
      method: 'GET' | 'POST';
      timeout: number;
      /** The status callback of the first `<Number>`, when it has one. */
      statusCallback: string | null;
      /** A named room this call joins (`<Dial><Conference>`), when the dial names one. */
      conference?: ConferenceNoun;
    }
  | { verb: 'Message'; text: string; to: string | null }
  | { verb: 'Gather' };

/** `<Conference>` inside `<Dial>`: the room's name and how this call takes part. */
export interface ConferenceNoun {
  name: string;
  muted: boolean;
  /** Whether a tone sounds when someone enters or leaves (true, false, onEnter, onExit). */
  beep: 'true' | 'false' | 'onEnter' | 'onExit';
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** What plays while the room waits for someone who starts it; null: the carrier's music. */
  waitUrl: string | null;
  waitMethod: 'GET' | 'POST';
  maxParticipants: number;
  record: 'do-not-record' | 'record-from-start';
  recordingStatusCallback: string | null;
  /** The call this one coaches: only that call hears it. */
  coach: string | null;
  participantLabel: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** Which conference events go to the status callback: start end join leave mute hold modify speaker announcement. */
  statusCallbackEvent: string[];
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value.toLowerCase() === 'true';
}

function conferenceNoun(text: string, a: Record<string, string>): ConferenceNoun {
  const beep = a.beep ?? 'true';
  return {
    name: text,
    muted: bool(a.muted, false),
    beep: beep === 'false' || beep === 'onEnter' || beep === 'onExit' ? beep : 'true',
    startConferenceOnEnter: bool(a.startConferenceOnEnter, true),
    endConferenceOnExit: bool(a.endConferenceOnExit, false),
    waitUrl: a.waitUrl === undefined ? null : a.waitUrl,
    waitMethod: method(a.waitMethod ?? 'POST'),
    maxParticipants: Math.min(250, Math.max(2, Number(a.maxParticipants ?? 250) || 250)),
    record: a.record === 'record-from-start' ? 'record-from-start' : 'do-not-record',
    recordingStatusCallback: a.recordingStatusCallback ?? null,
    coach: a.coach ?? null,
    participantLabel: a.participantLabel ?? null,
    statusCallback: a.statusCallback ?? null,
    statusCallbackMethod: method(a.statusCallbackMethod),
    statusCallbackEvent: (a.statusCallbackEvent ?? '').split(/[\s,]+/).filter(Boolean),
  };
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = decode(m[2] ?? m[3]);
  return out;
}

function decode(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

function method(value: string | undefined): 'GET' | 'POST' {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** Every `<tag>` child of `inner`: its text (or its `<Identity>`'s) and attributes. */
function children(inner: string, tag: string): Array<{ text: string; attrs: Record<string, string> }> {
  const re = new RegExp(`<${tag}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  return [...inner.matchAll(re)].map((m) => {
    const body = m[2] ?? '';
    const identity = /<Identity>([\s\S]*?)<\/Identity>/.exec(body)?.[1];
    return { text: decode((identity ?? body).trim()), attrs: attrs(m[1] ?? '') };
  });
}

/**
 * Reads the top-level verbs of `<Response>`, in order. Unknown verbs are skipped; a
 * document that is not TwiML reads as no verbs at all.
 */
export function parseTwiml(xml: string): TwimlVerb[] {
  const clean = xml.replace(/<!--[\s\S]*?-->/g, '');
  const body = /<Response(?:\s[^>]*)?>([\s\S]*)<\/Response>/.exec(clean)?.[1] ?? '';
  const out: TwimlVerb[] = [];
  const re = /<([A-Za-z]+)((?:\s+[A-Za-z:]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/>|>([\s\S]*?)<\/\1>)/g;
  for (const m of body.matchAll(re)) {
    const [, verb, rawAttrs, , inner = ''] = m;
    const a = attrs(rawAttrs);
    switch (verb) {
      case 'Say':
        out.push({ verb, text: decode(inner.replace(/<[^>]+>/g, '').trim()) });
        break;
      case 'Play':
        out.push({ verb, url: decode(inner.trim()), loop: Number(a.loop ?? 1) || 1 });
        break;
      case 'Pause':
        out.push({ verb, seconds: Number(a.length ?? 1) });
        break;
      case 'Hangup':
        out.push({ verb });
        break;
      case 'Reject':
        out.push({ verb, reason: a.reason === 'busy' ? 'busy' : 'rejected' });
        break;
      case 'Redirect':
        out.push({ verb, url: decode(inner.trim()), method: method(a.method) });
        break;
      case 'Record':
        out.push({ verb, maxLength: Number(a.maxLength ?? 3600), recordingStatusCallback: a.recordingStatusCallback ?? null });
        break;
      case 'Message': {
        const nested = children(inner, 'Body')[0];
        out.push({ verb, text: nested ? nested.text : decode(inner.trim()), to: a.to ?? null });
        break;
      }
      case 'Gather':
        out.push({ verb });
        break;
      case 'Dial': {
        const numbers = children(inner, 'Number');
        const clients = children(inner, 'Client').map((c) => c.text);
        const bare = inner.trim() && !inner.includes('<') ? decode(inner.trim()) : null;
        const room = children(inner, 'Conference')[0];
        out.push({
          verb,
          numbers: bare ? [bare] : numbers.map((n) => n.text),
          clients,
          callerId: a.callerId ?? null,
          action: a.action ?? null,
          method: method(a.method),
          timeout: Number(a.timeout ?? 30),
          statusCallback: numbers[0]?.attrs.statusCallback ?? null,
          ...(room ? { conference: conferenceNoun(room.text, room.attrs) } : {}),
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

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
    }
  | { verb: 'Message'; text: string; to: string | null }
  | { verb: 'Gather' };

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
        out.push({
          verb,
          numbers: bare ? [bare] : numbers.map((n) => n.text),
          clients,
          callerId: a.callerId ?? null,
          action: a.action ?? null,
          method: method(a.method),
          timeout: Number(a.timeout ?? 30),
          statusCallback: numbers[0]?.attrs.statusCallback ?? null,
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

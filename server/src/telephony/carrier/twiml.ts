/** The verbs the simulated carrier acts on, read from a TwiML document. */
export type TwimlVerb =
  | { verb: 'Say'; text: string }
  | { verb: 'Play'; url: string }
  | { verb: 'Pause'; seconds: number }
  | { verb: 'Hangup' }
  | { verb: 'Redirect'; url: string }
  | { verb: 'Record'; maxLength: number; recordingStatusCallback: string | null }
  | { verb: 'Dial'; numbers: string[]; clients: string[]; callerId: string | null; action: string | null; timeout: number; statusCallback: string | null }
  | { verb: 'Message'; text: string }
  | { verb: 'Gather' };

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z]+)="([^"]*)"/g)) out[m[1]] = decode(m[2]);
  return out;
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Reads the top-level verbs of `<Response>`, in order. Unknown verbs are skipped. */
export function parseTwiml(xml: string): TwimlVerb[] {
  const body = /<Response[^>]*>([\s\S]*)<\/Response>/.exec(xml)?.[1] ?? '';
  const out: TwimlVerb[] = [];
  const re = /<([A-Za-z]+)([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;
  for (const m of body.matchAll(re)) {
    const [, verb, rawAttrs, , inner = ''] = m;
    const a = attrs(rawAttrs);
    switch (verb) {
      case 'Say':
        out.push({ verb, text: decode(inner.trim()) });
        break;
      case 'Play':
        out.push({ verb, url: decode(inner.trim()) });
        break;
      case 'Pause':
        out.push({ verb, seconds: Number(a.length ?? 1) });
        break;
      case 'Hangup':
        out.push({ verb });
        break;
      case 'Redirect':
        out.push({ verb, url: decode(inner.trim()) });
        break;
      case 'Record':
        out.push({ verb, maxLength: Number(a.maxLength ?? 3600), recordingStatusCallback: a.recordingStatusCallback ?? null });
        break;
      case 'Message':
        out.push({ verb, text: decode(inner.trim()) });
        break;
      case 'Gather':
        out.push({ verb });
        break;
      case 'Dial': {
        const numbers = [...inner.matchAll(/<Number[^>]*>([\s\S]*?)<\/Number>/g)].map((x) => decode(x[1].trim()));
        const clients = [...inner.matchAll(/<Client[^>]*>([\s\S]*?)<\/Client>/g)].map((x) => decode(x[1].trim()));
        const numberAttrs = /<Number([^>]*)>/.exec(inner)?.[1];
        if (!numbers.length && !clients.length && inner.trim() && !inner.includes('<')) numbers.push(decode(inner.trim()));
        out.push({
          verb,
          numbers,
          clients,
          callerId: a.callerId ?? null,
          action: a.action ?? null,
          timeout: Number(a.timeout ?? 30),
          statusCallback: numberAttrs ? (attrs(numberAttrs).statusCallback ?? null) : null,
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

import { describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { parseTwiml, type TwimlVerb } from './twiml.js';

function built(fill: (r: InstanceType<typeof twilio.twiml.VoiceResponse>) => void): string {
  const r = new twilio.twiml.VoiceResponse();
  fill(r);
  return r.toString();
}

describe('parseTwiml', () => {
  it.each<[string, string, TwimlVerb[]]>([
    ['say then hang up', '<Response><Say voice="alice">Hello &amp; bye</Say><Hangup/></Response>', [{ verb: 'Say', text: 'Hello & bye' }, { verb: 'Hangup' }]],
    ['pause and play', "<Response><Pause length='4'/><Play loop=\"2\">https://x.test/a.mp3</Play></Response>", [{ verb: 'Pause', seconds: 4 }, { verb: 'Play', url: 'https://x.test/a.mp3', loop: 2 }]],
    ['a redirect with its method', '<Response><Redirect method="GET">/next?a=1&amp;b=2</Redirect></Response>', [{ verb: 'Redirect', url: '/next?a=1&b=2', method: 'GET' }]],
    ['a bare dialed number', '<Response><Dial>+12125550111</Dial></Response>', [{ verb: 'Dial', numbers: ['+12125550111'], clients: [], callerId: null, action: null, method: 'POST', timeout: 30, statusCallback: null }]],
    ['a client by identity element', '<Response><Dial><Client><Identity>agent-2</Identity></Client></Dial></Response>', [{ verb: 'Dial', numbers: [], clients: ['agent-2'], callerId: null, action: null, method: 'POST', timeout: 30, statusCallback: null }]],
    ['a reply text', '<Response><Message>You are unsubscribed.</Message></Response>', [{ verb: 'Message', text: 'You are unsubscribed.', to: null }]],
    ['reject as busy', '<Response><Reject reason="busy"/></Response>', [{ verb: 'Reject', reason: 'busy' }]],
    ['gather, record and unknown verbs', '<Response><Gather><Say>Press 1</Say></Gather><Record maxLength="30" recordingStatusCallback="/rec"/><Enqueue>q</Enqueue></Response>', [{ verb: 'Gather' }, { verb: 'Record', maxLength: 30, recordingStatusCallback: '/rec' }]],
    ['comments and the XML declaration', '<?xml version="1.0" encoding="UTF-8"?><!-- <Hangup/> --><Response><Say>x</Say></Response>', [{ verb: 'Say', text: 'x' }]],
    ['not TwiML at all', '{"ok":true}', []],
    ['an empty response', '<Response/>', []],
  ])('%s', (_, xml, verbs) => {
    expect(parseTwiml(xml)).toEqual(verbs);
  });

  it('reads what the official builder writes: <Dial> with callerId, action and a <Number> with status callbacks', () => {
    const xml = built((r) => {
      const dial = r.dial({ callerId: '+12125550100', action: 'https://switchboard.test/fallback?c=1', timeout: 20, answerOnBridge: true });
      dial.number({ statusCallback: 'https://switchboard.test/status?c=1&x=2', statusCallbackEvent: ['initiated', 'answered'] }, '+13055550123');
      dial.client('agent-7');
    });
    expect(parseTwiml(xml)).toEqual([
      { verb: 'Dial', numbers: ['+13055550123'], clients: ['agent-7'], callerId: '+12125550100', action: 'https://switchboard.test/fallback?c=1', method: 'POST', timeout: 20, statusCallback: 'https://switchboard.test/status?c=1&x=2' },
    ]);
  });

  it('reads a <Conference> the official builder writes, with defaults for what it leaves out', () => {
    const xml = built((r) => {
      r.dial({ action: 'https://switchboard.test/after' }).conference(
        { startConferenceOnEnter: false, endConferenceOnExit: true, muted: true, beep: 'onEnter', coach: `CA${'1'.repeat(32)}`, statusCallback: 'https://switchboard.test/conf?a=1&b=2', statusCallbackEvent: ['start', 'join', 'leave'], record: 'record-from-start', participantLabel: 'supervisor' },
        'call-7',
      );
      r.dial().conference('plain');
    });
    const [first, second] = parseTwiml(xml);
    expect(first).toMatchObject({
      verb: 'Dial',
      action: 'https://switchboard.test/after',
      conference: { name: 'call-7', muted: true, beep: 'onEnter', startConferenceOnEnter: false, endConferenceOnExit: true, coach: `CA${'1'.repeat(32)}`, participantLabel: 'supervisor', record: 'record-from-start', statusCallback: 'https://switchboard.test/conf?a=1&b=2', statusCallbackMethod: 'POST', statusCallbackEvent: ['start', 'join', 'leave'] },
    });
    expect(second).toMatchObject({
      verb: 'Dial',
      numbers: [],
      conference: { name: 'plain', muted: false, beep: 'true', startConferenceOnEnter: true, endConferenceOnExit: false, coach: null, maxParticipants: 250, record: 'do-not-record', statusCallback: null, statusCallbackEvent: [] },
    });
  });
});

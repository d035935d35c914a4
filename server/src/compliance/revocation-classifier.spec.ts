import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { REVOCATION_WORDS } from './data/consent-law.js';
import { classifyInboundText, normalizeInbound } from './revocation-classifier.js';


describe('classifyInboundText: carrier keywords', () => {
  it.each([
    ...REVOCATION_WORDS.words,
    'STOP', 'stop', 'Stop', '  Stop. ', 'STOP!', 'stop!!!', '"End."', '“Stop”', 'STOPALL', 'STOP ALL', 'stop all', 'OPTOUT', 'OPT OUT', 'opt-out', 'Opt Out', 'opt_out',
    'UNSUBSCRIBE', 'Unsubscribe 🙏', '🙏 unsubscribe', 'Cancel', 'END', 'quit', 'Quit.', 'REVOKE', 'revoke!', 'ＳＴＯＰ', 'ｓｔｏｐ', 'S\u200BTOP', 'S\u200DT\u200DO\u200DP', '\u202ESTOP',
    'ЅТОР', 'stоp', 'st0p', '5TOP', 'S T O P', 's t o p', 'STOP STOP', 'stop stop stop', 'Stooooop', 'STOP\n\nSent from my iPhone', 'Stop\nSent from my Samsung Galaxy smartphone',
    'stop 🛑', '🛑 STOP 🛑', 'STOP 😡', '¡STOP!', '...stop...', 'stop?', '(stop)', '[STOP]', '*STOP*', 'STÖP', 'stôp',
  ])('%j is STOP', (text) => {
    expect(classifyInboundText(text)).toMatchObject({ kind: 'keyword', keyword: 'stop' });
  });

  it.each(['START', 'start', 'Start.', 'UNSTOP', 'unstop!', 'SUBSCRIBE', 'opt in', 'OPT-IN', 'ＳＴＡＲＴ'])('%j is START', (text) => {
    expect(classifyInboundText(text)).toMatchObject({ kind: 'keyword', keyword: 'start' });
  });

  it.each(['HELP', 'help', 'Help?', 'INFO', 'info.', 'ＨＥＬＰ'])('%j is HELP', (text) => {
    expect(classifyInboundText(text)).toMatchObject({ kind: 'keyword', keyword: 'help' });
  });

  it('STOP ALL and STOPALL name every channel; STOP alone names none beside the one it came by', () => {
    expect(classifyInboundText('STOP ALL')).toMatchObject({ channels: ['call', 'sms', 'email'] });
    expect(classifyInboundText('stopall')).toMatchObject({ channels: ['call', 'sms', 'email'] });
    expect(classifyInboundText('STOP')).toMatchObject({ channels: [] });
  });
});

describe('classifyInboundText: free-text revocations', () => {
  it.each([
    'Please stop texting me',
    'please stop texting me!!',
    'Stop texting me',
    'stop txting me',
    'STOP TEXTING ME',
    'stop messaging me',
    'stop sending me these texts',
    'Stop sending me messages',
    'stop contacting me',
    'Stop spamming me',
    'stop harassing me',
    'quit texting me',
    'Quit calling',
    'cease contacting me',
    'Stop calling me',
    'stop calling my number',
    'stop calling this number',
    'stop emailing me',
    'stop the calls',
    'stop all the texts',
    'Stop it',
    'stop it already',
    'stop this now',
    'please stop',
    'Pls stop',
    'plz stop!!',
    'just stop',
    'stop please',
    'Stop, thanks',
    'stop now',
    'stop already',
    'stop immediately',
    "Don't text me",
    'dont text me',
    'DO NOT TEXT ME',
    'do not contact me',
    'Do not call me again',
    'never call me again',
    'never text me again',
    'Don’t message me anymore',
    "don't ever contact me",
    'do not call',
    'DNC',
    'no more texts',
    'No more calls please',
    'no more messages',
    'no more emails',
    'remove me from your list',
    'Remove me from your list please',
    'Please remove me from your list.',
    'take me off your list',
    'Take me off your calling list',
    'take my number off your list',
    'get me off this list',
    'remove my number from your database',
    'delete my number from your system',
    'please remove me',
    'remove me',
    'remove me now',
    'Remove',
    'delete me',
    'unsubscribe me',
    'unsubscribe me please',
    'Please unsubscribe me',
    'opt me out',
    'please opt me out',
    'I want to opt out',
    'i would like to unsubscribe',
    'I wish to be removed',
    'I want to stop receiving these',
    'I want to stop getting texts',
    'I no longer wish to receive these messages',
    'i do not wish to be contacted',
    "I don't want to be contacted",
    "I don't want any more texts",
    'I dont want your calls',
    'we do not want these messages',
    'i no longer want texts',
    'cancel these texts',
    'cancel my subscription to texts',
    'cancel all messages',
    'revoke my consent',
    'I revoke consent',
    'I withdraw my consent',
    'withdraw permission',
    'I revoke all consent to contact me',
    'leave me alone',
    'Leave me alone!!!',
    'lose my number',
    'go away',
    'fuck off',
    'f off',
    'Piss off',
    'wrong number',
    'WRONG NUMBER',
    'Wrong #? wrong number',
    'you have the wrong number',
    'This is the wrong person',
    'no one by that name here',
    'she does not live here',
    'put me on your do not call list',
    'add me to the DNC',
    'do not call list',
    'How do I stop these texts?',
    'how do i unsubscribe',
    'How can I opt out?',
    'how do I make this stop',
    'I already said stop',
    'I told you to stop',
    'I asked to be removed',
    'i already unsubscribed',
    'I opted out last week',
    'Stp',
    'stpo',
    'sotp',
    'stopp',
    'stahp',
    'unsub',
    'Unsubcribe',
    'unsubscibe',
    'Unsuscribe',
    'usubscribe',
    'unsubscrbe',
    'optuot',
    'Alto',
    'PARAR',
    'basta',
    'cancelar',
    'baja',
    'Darme de baja',
    'No me llamen más',
    'no me llame',
    'No me escriban',
    'dejen de llamarme',
    'deje de enviar mensajes',
    'no más mensajes',
    'Quiten mi número de su lista',
    'no quiero recibir mensajes',
    'no molestar',
    'Arrêtez de m’appeler',
    'ne m’appelez plus',
    'désabonnez-moi',
    'STOP TEXTING ME 😡😡',
    '🙄 stop texting me',
    'ｐｌｅａｓｅ ｓｔｏｐ ｔｅｘｔｉｎｇ ｍｅ',
    'plеase stop texting me',
    'please st0p texting me',
    'stop texting me, end of story',
    'Hi, please remove me from your list. Thanks, Ann',
    'Yeah no. Stop calling me.',
    'I got your message. Do not contact me again.',
    'stop texting me\n\nSent from my iPhone',
    'STOP this is harassment',
    'quit bugging me man',
  ])('%j is a revocation', (text) => {
    expect(classifyInboundText(text)).toMatchObject({ kind: 'revocation', confidence: 'high' });
  });

  it.each([
    ['Stop calling me', ['call']],
    ['stop texting me', ['sms']],
    ['stop emailing me', ['email']],
    ['stop calling and texting me', ['call', 'sms']],
    ['wrong number', ['call', 'sms']],
    ['stop all contact', ['call', 'sms', 'email']],
    ["don't contact me in any way", ['call', 'sms', 'email']],
    ['remove me from your list', []],
    ['no me llamen más', ['call']],
  ])('%j names %j', (text, channels) => {
    expect(classifyInboundText(text)).toMatchObject({ channels });
  });
});

describe('classifyInboundText: may be a revocation', () => {
  it.each([
    'not interested',
    'Not interested, thanks',
    'NOT INTERESTED',
    'not intrested',
    'no thanks',
    'No thank you.',
    'no',
    'No.',
    'nope',
    'nah',
    'never',
    'no way',
    'pass',
    "I'll pass",
    "I'm good",
    'all set',
    'no gracias',
    'No estoy interesado',
    'how did you get my number?',
    'where did you get this number',
    'I never signed up for this',
    'i didnt sign up',
    'this is spam',
    'SPAM',
    'scam',
    'this is harassment',
    'I am reporting you',
    'blocked your number',
    'I will sue',
    'TCPA violation',
    'this is illegal',
    'enough',
    'enough already',
    'too many texts',
    'why do you keep texting me',
    'Why are you calling me?',
    'stop, I am driving',
    'Stop. I will report you',
    'cancel',
    'remove me?',
    'ok whatever just stop',
    "don't call me at work",
    "Don't call me before 5pm",
    'stop texting me so early',
    'never call me on weekends',
    '🛑',
    '✋',
    '🚫🚫',
    '⛔️',
    '🙅‍♀️',
  ])('%j is unsure', (text) => {
    const v = classifyInboundText(text);
    if (text === 'cancel') expect(v).toMatchObject({ kind: 'keyword' });
    else if (text === 'remove me?' || text === 'ok whatever just stop') expect(v.kind).toMatch(/^(revocation|unsure)$/);
    else expect(v).toMatchObject({ kind: 'unsure' });
    if (v.kind === 'unsure') expect(v.why.length).toBeGreaterThan(0);
  });
});

describe('classifyInboundText: ordinary replies and look-alikes', () => {
  it.each([
    "Don't stop the delivery, I need it by Friday",
    "don't stop texting me, I love the updates",
    'Please don’t remove me from your list',
    "I don't want to unsubscribe",
    "I can't stop thinking about that house",
    'can you stop by tomorrow?',
    'I will stop by at 3',
    'Stop at the front desk when you arrive',
    'the bus stop is on Main St',
    'It is the last stop on the line',
    'Cancel my appointment for Tuesday',
    'can I cancel my order?',
    'I need to end my lease early',
    'End of the week works for me',
    'by the end of the day',
    'call me back later',
    'text me tomorrow',
    'call me at 5',
    'please call me',
    'yes',
    'Yes please',
    'ok',
    'OK 👍',
    'thanks!',
    'Sounds good',
    'what time is the appointment?',
    'How much is it?',
    'I am interested',
    'Interested, tell me more',
    'Can you send me the details?',
    'send me the brochure',
    'I quit my job last week, can we talk about the loan?',
    'No problem',
    'no more questions, thanks',
    'Not now, maybe next month',
    'I had a great stay',
    'see you tomorrow',
    'Texting you from my work phone',
    'What is your address?',
    'Is the offer still open?',
    'The listing ended?',
    'I moved to Boston',
    'Happy holidays!',
    'stopwatch',
    'who is this?',
    'Who dis',
    'who are you',
    'Stoppage time',
    'Subscribe me to the newsletter',
    'what does STOP ALL mean',
    '👍',
    '😂😂',
    '123',
    '',
    '   ',
    '.',
    '\u0000\u0001',
  ])('%j is no revocation', (text) => {
    const v = classifyInboundText(text);
    if (text === 'what does STOP ALL mean') expect(v.kind).toMatch(/^(unsure|none)$/);
    else expect(v).toEqual({ kind: 'none' });
  });
});

describe('classifyInboundText: hostile input', () => {
  it('reads a huge message in bounded time and never throws', () => {
    const huge = 'a'.repeat(1_000_000) + ' stop texting me';
    const started = process.hrtime.bigint();
    expect(classifyInboundText(huge)).toEqual({ kind: 'none' }); // only the first 2,000 characters are read
    expect(classifyInboundText('stop texting me ' + 'x '.repeat(500_000))).toMatchObject({ kind: 'revocation' });
    expect(classifyInboundText('do not '.repeat(100_000))).toMatchObject({ kind: expect.any(String) });
    expect(classifyInboundText('stop stop '.repeat(100_000))).toMatchObject({ kind: expect.any(String) });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });

  it.each([null, undefined, 42, {}, '\uD800', '\uFFFF'.repeat(10), '\u202E\u202D'.repeat(50), '😀'.repeat(5000), '|'.repeat(3000), '!?.,;'.repeat(1000)])('%p is read without throwing', (value) => {
    expect(() => classifyInboundText(value as string)).not.toThrow();
  });

  it('property: any string classifies to one of the four kinds, and the same text always the same way', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const v = classifyInboundText(s);
        expect(['keyword', 'revocation', 'unsure', 'none']).toContain(v.kind);
        expect(classifyInboundText(s)).toEqual(v);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: STOP stays STOP whatever case, width, white space, invisible characters or emoji surround it', () => {
    const invisible = fc.constantFrom('', '\u200B', '\u200D', '\uFEFF', '\u2060');
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        invisible,
        fc.constantFrom('', ' ', '  ', '\n', '\t'),
        fc.constantFrom('', '!', '.', '!!', '🙏', ' 😡', '?'),
        (upper, wide, gap, pad, tail) => {
          let word = [...'stop'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(gap);
          if (wide) word = [...word].map((c) => (/[a-z]/i.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
          expect(classifyInboundText(`${pad}${word}${tail}${pad}`)).toMatchObject({ kind: 'keyword', keyword: 'stop' });
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('property: a revocation phrase stays one inside ordinary words around it', () => {
    const filler = fc.constantFrom('hi', 'hello', 'thanks', 'ok', 'sorry', 'look', 'seriously', 'ann here', '');
    const phrase = fc.constantFrom('stop texting me', 'remove me from your list', 'do not contact me', 'no more calls', 'leave me alone', 'wrong number');
    fc.assert(
      fc.property(filler, phrase, filler, (before, p, after) => {
        expect(classifyInboundText(`${before}${before ? '. ' : ''}${p}${after ? '. ' : ''}${after}`)).toMatchObject({ kind: 'revocation' });
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalizeInbound', () => {
  it.each([
    ["Don't STOP!", 'dont stop'],
    ['ＳＴＯＰ', 'stop'],
    ['S\u200BT\u200BO\u200BP', 'stop'],
    ['No más', 'no mas'],
    ['stop. now', 'stop | now'],
    ['st0p 5pm', 'stop 5pm'],
    ['ЅТОР', 'stop'],
    ['стоп', 'стоп'],
    ['stooooop', 'stop'],
    ['  a -- b  ', 'a b'],
  ])('%j → %j', (text, out) => {
    expect(normalizeInbound(text)).toBe(out);
  });
});

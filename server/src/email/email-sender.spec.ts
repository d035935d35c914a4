import { describe, expect, it } from '@jest/globals';
import { replySubject, threadAfter } from './email-sender.js';

describe('replies', () => {
  it.each([
    ['Your quote', 'Re: Your quote'],
    ['Re: Your quote', 'Re: Your quote'],
    ['RE:Your quote', 'RE:Your quote'],
    ['  re : spaced', '  re : spaced'],
    ['Regarding the quote', 'Re: Regarding the quote'],
  ])('the subject %j answered is %j (never Re: Re:)', (subject, reply) => {
    expect(replySubject(subject)).toBe(reply);
  });

  it('a reply to the first message starts its references; later ones add to them, keeping the thread', () => {
    expect(threadAfter({ messageId: '<a@x>', referencesHeader: null, threadId: null })).toEqual({ inReplyTo: '<a@x>', references: '<a@x>', threadId: '<a@x>' });
    expect(threadAfter({ messageId: '<b@x>', referencesHeader: '<a@x>', threadId: '<a@x>' })).toEqual({ inReplyTo: '<b@x>', references: '<a@x> <b@x>', threadId: '<a@x>' });
    // An id already in the chain is not listed twice.
    expect(threadAfter({ messageId: '<b@x>', referencesHeader: '<a@x>  <b@x>', threadId: '<a@x>' }).references).toBe('<a@x> <b@x>');
  });
});

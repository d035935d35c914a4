import { describe, expect, it } from '@jest/globals';
import { classifySmsKeyword, keywordReply } from './sms-keywords.js';

describe('classifySmsKeyword', () => {
  it.each([
    ['STOP', 'stop'],
    ['stop', 'stop'],
    ['  Stop. ', 'stop'],
    ['STOPALL', 'stop'],
    ['unsubscribe!', 'stop'],
    ['Cancel', 'stop'],
    ['END', 'stop'],
    ['quit', 'stop'],
    ['ＳＴＯＰ', 'stop'],
    ['START', 'start'],
    ['unstop', 'start'],
    ['Help?', 'help'],
  ])('%j → %s', (body, kind) => {
    expect(classifySmsKeyword(body)).toBe(kind);
  });

  it.each(['please stop calling me at work', 'stopped', 'STOP IT', 'start tomorrow', 'help me choose', '', 'ok'])('%j is an ordinary reply', (body) => {
    expect(classifySmsKeyword(body)).toBeNull();
  });

  it('replies name the organization and the other keywords', () => {
    expect(keywordReply('stop', 'Acme')).toBe('Acme: You are unsubscribed and will receive no more messages. Reply START to resubscribe.');
    expect(keywordReply('help', 'Acme')).toContain('Reply STOP to unsubscribe');
  });
});

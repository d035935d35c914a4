import { describe, expect, it } from '@jest/globals';
import { formField } from './form-field.js';
import { bracketed, idsIn, parseInbound } from './parse-inbound.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('parseInbound', () => {
  it('reads a reply: addresses lower-cased, In-Reply-To and every References id, plain text', async () => {
    const m = await parseInbound(
      crlf(['From: "Ann" <Ann@Example.COM>', 'To: a@acme.test, B <b@acme.test>', 'Subject: Re: Hi', 'Message-ID: <m1@x>', 'In-Reply-To: <o1@acme.test>', 'References: <o0@acme.test>', ' <o1@acme.test>', '', 'Sure.', '']),
    );
    expect(m).toMatchObject({ messageId: '<m1@x>', from: 'ann@example.com', to: 'a@acme.test, b@acme.test', subject: 'Re: Hi', inReplyTo: '<o1@acme.test>', references: ['<o0@acme.test>', '<o1@acme.test>'], report: null });
    expect(m.text.trim()).toBe('Sure.');
  });

  it.each([
    ['Auto-Submitted: auto-replied', true],
    ['Auto-Submitted: no', false],
    ['X-Autoreply: yes', true],
    ['Precedence: auto_reply', true],
  ])('%s: automatic %s', async (header, automatic) => {
    const m = await parseInbound(crlf(['From: ann@example.com', 'Subject: Out of office', 'Message-ID: <ooo@x>', header, '', 'Away until Monday.', '']));
    expect(m.automatic).toBe(automatic);
  });

  it('gives a message without a Message-ID one made from its bytes, the same each time', async () => {
    const raw = crlf(['From: a@b.test', 'Subject: none', '', 'x']);
    const [a, b] = await Promise.all([parseInbound(raw), parseInbound(raw)]);
    expect(a.messageId).toMatch(/^<sha256-[0-9a-f]{64}@inbound\.invalid>$/);
    expect(b.messageId).toBe(a.messageId);
  });

  const report = (status: string, action: string) =>
    crlf([
      'From: MAILER-DAEMON@mx.test', 'Subject: Delivery Status Notification', 'Message-ID: <d1@mx.test>', 'Content-Type: multipart/report; report-type=delivery-status; boundary=b', '',
      '--b', 'Content-Type: text/plain', '', 'Sorry.', '--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.test', '',
      'Final-Recipient: rfc822; Gone@Example.com', `Action: ${action}`, `Status: ${status}`, 'Diagnostic-Code: smtp; 550 5.1.1 no such user', '',
      '--b', 'Content-Type: message/rfc822', '', 'From: us@acme.test', 'Message-ID: <orig@acme.test>', 'Subject: Hi', '', 'Body', '--b--', '',
    ]);

  it.each([
    ['5.1.1', 'failed', true],
    ['5.2.2', 'failed', true],
    ['4.2.2', 'delayed', false],
    ['4.4.7', 'failed', false],
  ])('a multipart/report with Status %s and Action %s: permanent %s', async (status, action, permanent) => {
    const m = await parseInbound(report(status, action));
    expect(m.report).toMatchObject({ permanent, status, recipient: 'gone@example.com', originalIds: ['<orig@acme.test>'] });
    expect(m.report?.diagnostic).toContain('550 5.1.1');
  });

  it('reads the common mailer-daemon shape: a status code in the text and the original quoted below', async () => {
    const m = await parseInbound(
      crlf([
        'From: Mail Delivery Subsystem <mailer-daemon@googlemail.test>', 'Subject: Delivery Status Notification (Failure)', 'Message-ID: <d2@mx.test>', '',
        "Your message wasn't delivered to gone@example.com because the address couldn't be found.", '', 'The response was:', '550 5.1.1 The email account that you tried to reach does not exist.', '',
        '----- Original message -----', '', 'From: us@acme.test', 'Message-ID: <orig2@acme.test>', 'Subject: Hi', '',
      ]),
    );
    expect(m.report).toMatchObject({ permanent: true, status: '5.1.1', originalIds: ['<orig2@acme.test>'] });
  });

  it('a message from a person that talks about failures is not a report', async () => {
    const m = await parseInbound(crlf(['From: ann@example.com', 'Subject: Delivery failed?', 'Message-ID: <p@x>', '', 'Status: 5.0.0 ha', '']));
    expect(m.report).toBeNull();
  });
});

describe('ids and form fields', () => {
  it('brackets ids and finds every id in a header', () => {
    expect(bracketed('a@b')).toBe('<a@b>');
    expect(bracketed('<a@b>')).toBe('<a@b>');
    expect(idsIn('<a@b>\r\n <c@d>  <a@b>')).toEqual(['<a@b>', '<c@d>']);
    expect(idsIn(['a@b', 'c@d'])).toEqual(['<a@b>', '<c@d>']);
    expect(idsIn(undefined)).toEqual([]);
  });

  it('takes one field of a multipart form, as bytes', () => {
    const body = Buffer.from('--X\r\nContent-Disposition: form-data; name="to"\r\n\r\nme\r\n--X\r\nContent-Disposition: form-data; name="email"\r\n\r\nFrom: a\r\n\r\nhi\r\n--X--\r\n');
    expect(formField(body, 'multipart/form-data; boundary=X', 'email')?.toString()).toBe('From: a\r\n\r\nhi');
    expect(formField(body, 'multipart/form-data; boundary="X"', 'to')?.toString()).toBe('me');
    expect(formField(body, 'multipart/form-data; boundary=X', 'missing')).toBeNull();
    expect(formField(body, 'multipart/form-data', 'email')).toBeNull();
  });
});

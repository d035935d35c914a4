/**
 * Reviewed data: the US states whose laws require every party's consent before a phone
 * call is recorded, with the statute each rests on. Code reads the rule from here; change
 * a state here, with its citation, and nowhere else. The rest of the states (and federal
 * law, 18 U.S.C. § 2511(2)(d)) allow a party to the call to record it.
 *
 * Reviewed 2026-12-07 against the statutes' texts. Some apply only to a "confidential"
 * or "private" conversation, or (Connecticut) give a civil remedy rather than a crime;
 * a floor records as if all of them applied to every call. This is the floor's working
 * list, not legal advice: counsel confirms it before it changes.
 */

export interface RecordingConsentRule {
  state: string;
  name: string;
  citation: string;
  /** What the statute requires, in plain words. */
  summary: string;
}

export const RECORDING_CONSENT_REVIEWED = '2026-12-07';

export const FEDERAL_RECORDING_RULE = { citation: '18 U.S.C. § 2511(2)(d)', summary: 'A party to a call may record it (one-party consent), unless a state requires more' };

export const ALL_PARTY_CONSENT_STATES: readonly RecordingConsentRule[] = [
  { state: 'CA', name: 'California', citation: 'Cal. Penal Code §§ 632, 632.7', summary: 'Every party to a confidential communication (and any call with a cordless or cellular phone) must consent' },
  { state: 'CT', name: 'Connecticut', citation: 'Conn. Gen. Stat. § 52-570d', summary: 'Recording a phone call needs every party\'s consent, a verbal notice recorded at the start, or an automatic tone (civil liability)' },
  { state: 'DE', name: 'Delaware', citation: 'Del. Code tit. 11, § 1335(a)(4)', summary: 'Intercepting a private communication without the consent of all parties is an offence (the wiretap act, § 2402, allows one party; the stricter reading is followed)' },
  { state: 'FL', name: 'Florida', citation: 'Fla. Stat. § 934.03(2)(d)', summary: 'All parties must consent to the interception of a wire, oral or electronic communication' },
  { state: 'IL', name: 'Illinois', citation: '720 ILCS 5/14-2(a)', summary: 'Recording a private conversation needs the consent of all parties' },
  { state: 'MD', name: 'Maryland', citation: 'Md. Code, Cts. & Jud. Proc. § 10-402(c)(3)', summary: 'All parties must consent to the interception of a communication' },
  { state: 'MA', name: 'Massachusetts', citation: 'Mass. Gen. Laws ch. 272, § 99', summary: 'A secret recording without every party\'s consent is an interception' },
  { state: 'MI', name: 'Michigan', citation: 'Mich. Comp. Laws § 750.539c', summary: 'Eavesdropping on a private conversation without the consent of all parties is an offence (courts let a participant record; the stricter reading is followed)' },
  { state: 'MT', name: 'Montana', citation: 'Mont. Code Ann. § 45-8-213(1)(c)', summary: 'Recording a conversation without the knowledge of all parties is an offence' },
  { state: 'NV', name: 'Nevada', citation: 'Nev. Rev. Stat. § 200.620', summary: 'Intercepting a wire communication needs every party\'s consent (Lane v. Allstate, 114 Nev. 1176 (1998))' },
  { state: 'NH', name: 'New Hampshire', citation: 'N.H. Rev. Stat. Ann. § 570-A:2', summary: 'All parties must consent to the interception of a telecommunication' },
  { state: 'OR', name: 'Oregon', citation: 'Or. Rev. Stat. § 165.540', summary: 'All parties must be told when a conversation is recorded (in person; phone calls allow one party; the stricter reading is followed)' },
  { state: 'PA', name: 'Pennsylvania', citation: '18 Pa. Cons. Stat. §§ 5703, 5704(4)', summary: 'All parties must consent to the interception of a wire, electronic or oral communication' },
  { state: 'WA', name: 'Washington', citation: 'Wash. Rev. Code § 9.73.030', summary: 'All parties must consent; an announcement recorded at the start is consent' },
];

const BY_STATE = new Map(ALL_PARTY_CONSENT_STATES.map((r) => [r.state, r]));

/** The all-party rule for a US state (`CA` or `US-CA`), or null where one party may record (and outside the US). */
export function allPartyConsentRule(state: string | null | undefined): RecordingConsentRule | null {
  const code = /^(?:US-)?([A-Z]{2})$/i.exec(state ?? '')?.[1];
  return code ? (BY_STATE.get(code.toUpperCase()) ?? null) : null;
}

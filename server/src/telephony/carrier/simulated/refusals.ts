import { CarrierHttpError } from '../twilio-shape.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The carrier's 404 for a resource it does not hold. */
export function notFound(what: string): CarrierHttpError {
  return new CarrierHttpError(404, 20404, `The requested resource ${what} was not found`);
}

/** The carrier's answer to a control that does not fit the call's state. */
export function wrongState(message: string): CarrierHttpError {
  return new CarrierHttpError(409, 21220, message);
}

/** An E.164 number (or a `client:` identity where calls allow one); else the carrier's 400 naming the parameter. */
export function phoneNumber(value: string | null | undefined, name: 'To' | 'From', code: number, allowClient: boolean): string {
  const v = (value ?? '').trim();
  if (E164.test(v) || (allowClient && /^client:[\w.@-]+$/.test(v))) return v;
  throw new CarrierHttpError(400, code, `Invalid '${name}' Phone Number: ${v || '(empty)'} is not a valid phone number`);
}

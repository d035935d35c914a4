/** A carrier webhook's form fields, as they arrive. */
export type CarrierParams = Record<string, string | undefined>;

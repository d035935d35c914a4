/** The softphone's Voice identity for an agent (`<Client>` in TwiML, the token's identity). */
export function agentIdentity(userId: string): string {
  return `agent-${userId}`;
}

/** WebSocket close codes the gateway uses; documented in docs/protocol.md. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  frameTooLarge: 1009,
  internal: 1011,
  protocolViolation: 4000,
  unauthenticated: 4001,
  unknownTenant: 4004,
  helloTimeout: 4008,
  rateLimited: 4029,
} as const;

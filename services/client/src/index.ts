// Public surface of @switchboard/client: the WebSocket client, the HTTP auth calls and the error types.
export {
  DEFAULT_RECONNECT,
  SwitchboardClient,
  type ClientEvents,
  type CloseInfo,
  type ConnectionState,
  type DisconnectInfo,
  type FetchResult,
  type GapInfo,
  type IdleWarningInfo,
  type PendingSend,
  type QueueStatusInfo,
  type ReadReceiptInfo,
  type ReconnectOptions,
  type ReconnectingInfo,
  type ResendInfo,
  type ResumedInfo,
  type SendOptions,
  type SwitchboardClientOptions,
  type TokenRefreshContext,
} from './client';
export {
  agentLogin,
  createVisitorSession,
  errorCodeForStatus,
  gatewayWebSocketUrl,
  problemToError,
  type AgentLoginRequest,
  type AgentSession,
  type HttpOptions,
  type VisitorSession,
  type VisitorSessionRequest,
} from './http';
export {
  ClientError,
  isClientError,
  type ClientErrorOptions,
  type ClientErrorSource,
  type ProblemDetails,
} from './errors';
export {
  CloseCode,
  closeDisposition,
  describeCloseCode,
  errorCodeForClose,
  type CloseCodeValue,
  type CloseDisposition,
} from './close-codes';
export {
  agentStatusName,
  agentStatusValue,
  type AgentStatusName,
  type SelectableAgentStatus,
} from './agent-status';
export {
  cannedReplyVariables,
  findCannedReplies,
  renderCannedReply,
  type CannedReplyVariables,
} from './canned-replies';
export {
  checkCommand,
  type CommandOptions,
  type ConversationCommandKind,
  type TransferTarget,
} from './commands';
export { isHiddenMessage, isNote, roleName, type RoleName } from './message-kinds';
export {
  TYPING_EXPIRY_MS,
  TYPING_IDLE_MS,
  TYPING_RENEW_MS,
  TypingIndicators,
  TypingNotifier,
  type TypingInfo,
} from './typing';
export { backoffDelay, type BackoffOptions } from './backoff';
export { MessageSequencer, type SeqRange } from './message-sequencer';
export { ReadTracker, type ReadStateInfo } from './read-tracker';
export { newClientMsgId } from './ids';
export type { WebSocketConstructor, WebSocketLike, MessageEventLike, CloseEventLike } from './web-socket';
export { CLIENT_MSG_ID_PATTERN, MAX_TEXT_CHARS, checkSend } from './send-rules';
export { TypedEmitter, type EventMap } from './typed-emitter';
export { CLIENT_VERSION } from './version';

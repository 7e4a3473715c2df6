// Public surface of @switchboard/client: the WebSocket client, the HTTP auth calls and the error types.
export {
  SwitchboardClient,
  type ClientEvents,
  type CloseInfo,
  type ConnectionState,
  type SendOptions,
  type SwitchboardClientOptions,
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
export { CloseCode, describeCloseCode, errorCodeForClose, type CloseCodeValue } from './close-codes';
export { CLIENT_MSG_ID_PATTERN, MAX_TEXT_CHARS, checkSend } from './send-rules';
export { TypedEmitter, type EventMap } from './typed-emitter';
export { CLIENT_VERSION } from './version';

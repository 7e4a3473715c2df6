import { type CannedReplyVariables, findCannedReplies } from '@switchboard/client';

/** A canned reply as the console lists it (from GET /v1/agent/canned-replies). */
export interface CannedReplyView {
  id: string;
  /** '' for a reply the tenant shares. */
  agentId: string;
  shortcut: string;
  text: string;
  shared: boolean;
}

/** A `/shortcut` being typed in the composer: where it starts and ends, and what follows the slash. */
export interface SlashToken {
  /** Index of the `/`. */
  start: number;
  /** Index just after the token (the caret). */
  end: number;
  /** What was typed after the slash (may be empty). */
  query: string;
}

/**
 * The `/shortcut` just before the caret, if the agent is typing one: a slash at the start of the text or after
 * whitespace, followed by shortcut characters only up to the caret. `https://x` or `a/b` are not tokens.
 */
export function slashToken(text: string, caret: number): SlashToken | undefined {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([A-Za-z0-9_-]*)$/.exec(before);
  if (m === null) return undefined;
  const query = m[2] ?? '';
  const start = caret - query.length - 1;
  return { start, end: caret, query };
}

/** The replies matching a token, best first (the SDK's order: exact shortcut, then alphabetical, own first). */
export function matchReplies<R extends CannedReplyView>(
  replies: readonly R[],
  token: SlashToken | undefined,
): R[] {
  if (token === undefined) return [];
  return findCannedReplies(replies, token.query);
}

/** Replaces the token with the rendered reply; returns the new text and where the caret goes. */
export function insertReply(
  text: string,
  token: SlashToken,
  rendered: string,
): { text: string; caret: number } {
  const next = text.slice(0, token.start) + rendered + text.slice(token.end);
  return { text: next, caret: token.start + rendered.length };
}

/** The variables a reply is filled with for one conversation. */
export function replyVariables(input: {
  visitorName: string;
  visitorEmail: string;
  agentName: string;
  conversationId: string;
}): CannedReplyVariables {
  return {
    visitor: { name: input.visitorName, email: input.visitorEmail },
    agent: { name: input.agentName },
    conversation: { id: input.conversationId },
  };
}

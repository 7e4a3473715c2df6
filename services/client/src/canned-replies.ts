import type { CannedReply, ConversationSummary } from '@switchboard/proto/wire';

/** The values a canned reply's variables are filled with; a missing value renders as ''. */
export interface CannedReplyVariables {
  visitor?: { name?: string | undefined; email?: string | undefined };
  agent?: { name?: string | undefined };
  conversation?: { id?: string | undefined };
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

const RESOLVERS: Readonly<Record<string, (vars: CannedReplyVariables) => string | undefined>> = {
  'visitor.name': (vars) => vars.visitor?.name,
  'visitor.email': (vars) => vars.visitor?.email,
  'agent.name': (vars) => vars.agent?.name,
  'conversation.id': (vars) => vars.conversation?.id,
};

/**
 * Fills a canned reply's text: `{{visitor.name}}`, `{{visitor.email}}`, `{{agent.name}}` and
 * `{{conversation.id}}` (spaces inside the braces allowed, names case-sensitive). A known variable without a
 * value becomes ''; an unknown one is left as written, so a typo stays visible to the agent. Pure.
 */
export function renderCannedReply(text: string, vars: CannedReplyVariables): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const resolve = RESOLVERS[name];
    return resolve === undefined ? whole : (resolve(vars) ?? '');
  });
}

/** The variables for a conversation, from its record (the pre-chat form's name and email) and the agent's name. */
export function cannedReplyVariables(
  conversation: Pick<ConversationSummary, 'conversationId' | 'visitorContext'> | undefined,
  agentName: string | undefined,
): CannedReplyVariables {
  return {
    visitor: { name: conversation?.visitorContext?.name, email: conversation?.visitorContext?.email },
    agent: { name: agentName },
    conversation: { id: conversation?.conversationId },
  };
}

/**
 * The canned replies whose shortcut starts with what the agent typed after '/', for the console's picker.
 * `typed` is the input as typed (`/he`, or just `he`); matching ignores case. Input with whitespace after the
 * shortcut matches nothing (the agent has moved on). Order: an exact match first, then by shortcut; on equal
 * shortcuts the agent's own reply comes before the tenant's shared one. Pure; the input list is not changed.
 */
export function findCannedReplies<R extends Pick<CannedReply, 'shortcut' | 'agentId'>>(
  replies: readonly R[],
  typed: string,
): R[] {
  const text = typed.trimStart();
  const prefix = (text.startsWith('/') ? text.slice(1) : text).toLowerCase();
  if (/\s/.test(prefix)) return [];
  const rank = (r: R): number => (r.shortcut.toLowerCase() === prefix ? 0 : 1);
  return replies
    .filter((r) => r.shortcut.toLowerCase().startsWith(prefix))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        compare(a.shortcut.toLowerCase(), b.shortcut.toLowerCase()) ||
        (a.agentId === '' ? 1 : 0) - (b.agentId === '' ? 1 : 0),
    );
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

import { renderCannedReply } from '@switchboard/client';
import { type CannedReplyView, insertReply, matchReplies, replyVariables, slashToken } from './canned';

const replies: CannedReplyView[] = [
  { id: '1', agentId: '', shortcut: 'hello', text: "Hi {{visitor.name}}, I'm {{agent.name}}.", shared: true },
  { id: '2', agentId: 'a1', shortcut: 'hello', text: 'Hey {{visitor.name}}!', shared: false },
  { id: '3', agentId: '', shortcut: 'help', text: 'How can I help?', shared: true },
  { id: '4', agentId: '', shortcut: 'bye', text: 'Bye {{visitor.name}}', shared: true },
];

describe('slashToken', () => {
  it('slashToken - a slash at the start or after whitespace, up to the caret', () => {
    expect(slashToken('/he', 3)).toEqual({ start: 0, end: 3, query: 'he' });
    expect(slashToken('/', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(slashToken('thanks /by', 10)).toEqual({ start: 7, end: 10, query: 'by' });
    expect(slashToken('line\n/he', 8)).toEqual({ start: 5, end: 8, query: 'he' });
  });

  it('slashToken - not inside words, URLs, or once a space follows', () => {
    expect(slashToken('a/b', 3)).toBeUndefined();
    expect(slashToken('see https://x.test/he', 21)).toBeUndefined();
    expect(slashToken('/hello ', 7)).toBeUndefined();
    expect(slashToken('/hello there', 3)).toEqual({ start: 0, end: 3, query: 'he' });
  });
});

describe('matchReplies', () => {
  it('matchReplies - filters by prefix as the agent types, exact first, own before shared', () => {
    expect(matchReplies(replies, slashToken('/hel', 4)).map((r) => r.id)).toEqual(['2', '1', '3']);
    expect(matchReplies(replies, slashToken('/HELP', 5)).map((r) => r.id)).toEqual(['3']);
    expect(matchReplies(replies, slashToken('/', 1))).toHaveLength(4);
    expect(matchReplies(replies, slashToken('/zzz', 4))).toEqual([]);
    expect(matchReplies(replies, undefined)).toEqual([]);
  });
});

describe('insertReply', () => {
  it('insertReply - replaces the token with the rendered reply and puts the caret after it', () => {
    const text = 'Thanks! /hel and more';
    const token = slashToken(text, 12);
    if (token === undefined) throw new Error('no token');
    const vars = replyVariables({
      visitorName: 'Ann',
      visitorEmail: '',
      agentName: 'Bob',
      conversationId: 'c1',
    });
    const rendered = renderCannedReply(replies[0]?.text ?? '', vars);
    expect(rendered).toBe("Hi Ann, I'm Bob.");
    expect(insertReply(text, token, rendered)).toEqual({
      text: "Thanks! Hi Ann, I'm Bob. and more",
      caret: 24,
    });
  });
});

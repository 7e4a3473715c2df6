import { type CannedReply, ConversationSummary } from '@switchboard/proto';
import { cannedReplyVariables, findCannedReplies, renderCannedReply } from './canned-replies';

function reply(shortcut: string, agentId = '', text = `text of ${shortcut}`): CannedReply {
  return {
    id: `r-${shortcut}-${agentId}`,
    tenantId: 'demo',
    agentId,
    shortcut,
    text,
    createdAtMs: 0,
    updatedAtMs: 0,
  };
}

describe('renderCannedReply', () => {
  const vars = {
    visitor: { name: 'Ann', email: 'ann@example.com' },
    agent: { name: 'Alice' },
    conversation: { id: 'c-1' },
  };

  test('renderCannedReply - fills every known variable, with or without spaces inside the braces', () => {
    expect(
      renderCannedReply(
        'Hi {{visitor.name}} ({{ visitor.email }}), {{  agent.name}} here about {{conversation.id  }}.',
        vars,
      ),
    ).toBe('Hi Ann (ann@example.com), Alice here about c-1.');
  });

  test('renderCannedReply - fills a variable used twice, and leaves text without variables alone', () => {
    expect(renderCannedReply('{{agent.name}}/{{agent.name}}', vars)).toBe('Alice/Alice');
    expect(renderCannedReply('no variables {here} {{ }}', vars)).toBe('no variables {here} {{ }}');
  });

  test('renderCannedReply - leaves unknown variables as written (names are case-sensitive)', () => {
    expect(renderCannedReply('{{visitor.phone}} {{ Visitor.Name }} {{agent}} {{x.y.z}}', vars)).toBe(
      '{{visitor.phone}} {{ Visitor.Name }} {{agent}} {{x.y.z}}',
    );
  });

  test('renderCannedReply - a known variable without a value becomes empty', () => {
    expect(
      renderCannedReply('Hi {{visitor.name}}!{{visitor.email}}|{{agent.name}}|{{conversation.id}}', {}),
    ).toBe('Hi !||');
    expect(renderCannedReply('Hi {{ visitor.name }}!', { visitor: { email: 'a@b.c' } })).toBe('Hi !');
  });

  test('cannedReplyVariables - takes the visitor from the pre-chat form and the agent name given', () => {
    const summary = ConversationSummary.fromPartial({
      conversationId: 'c-9',
      visitorContext: { name: 'Bob', email: 'bob@example.com' },
    });
    expect(
      renderCannedReply(
        '{{visitor.name}} {{visitor.email}} {{agent.name}} {{conversation.id}}',
        cannedReplyVariables(summary, 'Alice'),
      ),
    ).toBe('Bob bob@example.com Alice c-9');
    expect(renderCannedReply('[{{visitor.name}}]', cannedReplyVariables(undefined, undefined))).toBe('[]');
  });
});

describe('findCannedReplies', () => {
  const replies = [reply('thanks'), reply('hello'), reply('help'), reply('hello', 'a-1'), reply('bye')];

  test('findCannedReplies - matches the shortcut prefix typed after /, ignoring case', () => {
    expect(findCannedReplies(replies, '/HE').map((r) => r.shortcut)).toEqual(['hello', 'hello', 'help']);
    expect(findCannedReplies(replies, 'th').map((r) => r.shortcut)).toEqual(['thanks']);
    expect(findCannedReplies(replies, '/x')).toEqual([]);
  });

  test("findCannedReplies - an exact match comes first; the agent's own before the shared one", () => {
    const found = findCannedReplies([reply('helpdesk'), reply('help'), reply('help', 'a-1')], '/help');
    expect(found.map((r) => [r.shortcut, r.agentId])).toEqual([
      ['help', 'a-1'],
      ['help', ''],
      ['helpdesk', ''],
    ]);
  });

  test('findCannedReplies - a lone / lists everything sorted; text after the shortcut matches nothing', () => {
    expect(findCannedReplies(replies, '/').map((r) => r.shortcut)).toEqual([
      'bye',
      'hello',
      'hello',
      'help',
      'thanks',
    ]);
    expect(findCannedReplies(replies, '/hello there')).toEqual([]);
  });

  test('findCannedReplies - leaves the input list as it was', () => {
    const before = replies.map((r) => r.shortcut);
    findCannedReplies(replies, '/');
    expect(replies.map((r) => r.shortcut)).toEqual(before);
  });
});

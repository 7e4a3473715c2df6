import type { RoutingRule, VisitorContext } from '@switchboard/proto';
import { compilePattern, TargetGroupChooser } from './target-group';

function rule(id: string, groupId: string, keywords: string[], pattern = ''): RoutingRule {
  return { id, groupId, keywords, pattern, priority: 0 };
}

function ctx(over: Partial<VisitorContext> = {}): VisitorContext {
  return {
    pageUrl: '',
    referrer: '',
    userAgent: '',
    language: '',
    name: '',
    email: '',
    groupId: '',
    fields: {},
    ...over,
  };
}

const groups = new Set(['general', 'sales', 'billing', 'tech']);

describe('TargetGroupChooser', () => {
  const chooser = new TargetGroupChooser(
    [
      rule('r1', 'billing', ['Refund', '退款']),
      rule('r2', 'sales', ['price', 'buy']),
      rule('r3', 'tech', [], String.raw`error\s+\d{3}`),
      rule('r4', 'nowhere', ['moon']),
    ],
    groups,
    'general',
  );

  it('choose - the widget or pre-chat group comes first', () => {
    expect(chooser.choose(ctx({ groupId: 'sales' }), 'I want a refund')).toEqual({
      groupId: 'sales',
      reason: 'widget',
    });
    expect(chooser.choose(ctx({ groupId: 'tech', fields: { group: 'tech' } }), '')).toEqual({
      groupId: 'tech',
      reason: 'pre_chat',
    });
  });

  it('choose - keywords match case-insensitively, in any script', () => {
    expect(chooser.choose(undefined, 'I want a REFUND now')).toEqual({
      groupId: 'billing',
      reason: 'rule:r1',
    });
    expect(chooser.choose(undefined, '我要退款')).toEqual({ groupId: 'billing', reason: 'rule:r1' });
  });

  it('choose - the first rule in the tenant order wins, whatever matches first in the text', () => {
    expect(chooser.choose(undefined, 'what is the price of a refund?')).toEqual({
      groupId: 'billing',
      reason: 'rule:r1',
    });
  });

  it('choose - a pattern rule matches by RegExp', () => {
    expect(chooser.choose(undefined, 'I get error  500 on login')).toEqual({
      groupId: 'tech',
      reason: 'rule:r3',
    });
  });

  it('choose - nothing matches: the default group', () => {
    expect(chooser.choose(undefined, 'hello')).toEqual({ groupId: 'general', reason: 'default' });
    expect(chooser.choose(ctx(), '')).toEqual({ groupId: 'general', reason: 'default' });
  });

  it('choose - an unknown group (asked for or from a rule) falls back to the default', () => {
    expect(chooser.choose(ctx({ groupId: 'vip' }), 'refund')).toEqual({
      groupId: 'general',
      reason: 'default',
    });
    expect(chooser.choose(undefined, 'to the moon')).toEqual({ groupId: 'general', reason: 'default' });
  });

  it('choose - a pattern rule earlier than a keyword rule wins', () => {
    const c = new TargetGroupChooser(
      [rule('p', 'tech', [], 'crash'), rule('k', 'billing', ['refund'])],
      groups,
      'general',
    );
    expect(c.choose(undefined, 'refund after crash')).toEqual({ groupId: 'tech', reason: 'rule:p' });
  });

  it('compilePattern - source or /source/flags; invalid and empty patterns are ignored', () => {
    expect(compilePattern('/refund/i')?.test('REFUND')).toBe(true);
    expect(compilePattern('refund')?.test('REFUND')).toBe(false);
    expect(compilePattern('(')).toBeUndefined();
    expect(compilePattern('')).toBeUndefined();
  });
});

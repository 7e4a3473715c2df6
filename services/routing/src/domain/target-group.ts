import type { Group, RoutingRule, VisitorContext } from '@switchboard/proto';
import TextMatcher from 'modern-ahocorasick/text';

export interface TargetGroup {
  readonly groupId: string;
  /** Why this group (Enqueue.reason): "widget", "pre_chat", "rule:<id>" or "default". */
  readonly reason: string;
}

/**
 * Chooses the group a new conversation is queued in (docs/lifecycle.md §4.2): the widget's or pre-chat
 * form's group, else the first rule whose keywords (case-insensitive, any) or pattern match the first
 * message, else the default group. A group the tenant does not have falls back to the default.
 * Compiled once per tenant configuration: one Aho–Corasick automaton over every rule's keywords.
 */
export class TargetGroupChooser {
  private readonly keywords: TextMatcher<number> | undefined;
  private readonly patterns: (RegExp | undefined)[];

  constructor(
    private readonly rules: readonly RoutingRule[],
    private readonly groups: ReadonlySet<string>,
    private readonly defaultGroupId: string,
  ) {
    const entries = rules.flatMap((rule, index) =>
      rule.keywords
        .map((k) => k.trim())
        .filter((k) => k !== '')
        .map((pattern) => ({ pattern, data: index })),
    );
    this.keywords = entries.length > 0 ? new TextMatcher(entries, { caseFold: true }) : undefined;
    this.patterns = rules.map((r) => compilePattern(r.pattern));
  }

  static of(
    rules: readonly RoutingRule[],
    groups: Iterable<Group>,
    defaultGroupId: string,
  ): TargetGroupChooser {
    return new TargetGroupChooser(rules, new Set([...groups].map((g) => g.id)), defaultGroupId);
  }

  choose(context: VisitorContext | undefined, firstMessage: string): TargetGroup {
    const asked = context?.groupId ?? '';
    if (asked !== '') {
      const reason = context?.fields['group'] === asked ? 'pre_chat' : 'widget';
      return this.known(asked, reason);
    }
    const rule = this.firstMatchingRule(firstMessage);
    if (rule !== undefined) return this.known(rule.groupId, `rule:${rule.id}`);
    return { groupId: this.defaultGroupId, reason: 'default' };
  }

  /** The first rule, in the tenant's order, whose keywords or pattern match `text`. */
  firstMatchingRule(text: string): RoutingRule | undefined {
    if (text === '') return undefined;
    let byKeyword = Number.POSITIVE_INFINITY;
    if (this.keywords !== undefined) {
      for (const hit of this.keywords.iterate(text)) {
        if (hit.data !== undefined && hit.data < byKeyword) byKeyword = hit.data;
      }
    }
    for (let i = 0; i < this.rules.length && i < byKeyword; i++) {
      const re = this.patterns[i];
      if (re !== undefined) {
        re.lastIndex = 0;
        if (re.test(text)) return this.rules[i];
      }
    }
    return Number.isFinite(byKeyword) ? this.rules[byKeyword] : undefined;
  }

  private known(groupId: string, reason: string): TargetGroup {
    return this.groups.has(groupId)
      ? { groupId, reason }
      : { groupId: this.defaultGroupId, reason: 'default' };
  }
}

/** A rule pattern: JavaScript RegExp source, or a `/source/flags` literal (e.g. `/refund/i`). Invalid: ignored. */
export function compilePattern(pattern: string): RegExp | undefined {
  if (pattern === '') return undefined;
  const literal = /^\/(.+)\/([dgimsuy]*)$/s.exec(pattern);
  try {
    return literal !== null ? new RegExp(literal[1] ?? '', literal[2]) : new RegExp(pattern);
  } catch {
    return undefined;
  }
}

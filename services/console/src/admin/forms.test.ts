import {
  agentBody,
  agentDraft,
  canonicalLanguage,
  fillVariables,
  groupBody,
  groupDraft,
  groupValidationOk,
  hasIssues,
  hoursBody,
  hoursDraft,
  hoursValidationOk,
  insertVariable,
  moveItem,
  newAgentDraft,
  newGroupDraft,
  newPreChatField,
  normalizeHexColour,
  parseList,
  parseWholeNumber,
  readableTextColour,
  replyBody,
  sameDraft,
  unknownVariables,
  validateAgentDraft,
  validateGroupDraft,
  validateHoursDraft,
  validateReplyDraft,
  validateWidgetDraft,
  widgetBody,
  widgetDraft,
  widgetValidationOk,
  type AgentDraft,
  type HoursDraft,
  type WidgetDraft,
} from './forms';
import type { Agent, Group, TenantSettings, WidgetSettings } from './types';

const agent: Agent = {
  id: 'a-1',
  email: 'dana@demo.test',
  display_name: 'Dana',
  role: 'supervisor',
  max_concurrent: 4,
  group_ids: ['sales'],
  skills: ['billing'],
  languages: ['en'],
};

const widget: WidgetSettings = {
  title: 'Help',
  color: '#2563eb',
  position: 'right',
  pre_chat_enabled: true,
  pre_chat_fields: [{ key: 'name', label_en: 'Name', label_zh: '姓名', required: true }],
  welcome_message: 'Hi',
  offline_message: 'Away',
  csat_enabled: false,
};

const settings: TenantSettings = {
  widget_keys: ['demo-widget-key'],
  default_group_id: 'general',
  accept_timeout_s: 30,
  idle_close_s: 1800,
  idle_warning_s: 120,
  reopen_window_s: 600,
  default_max_concurrent: 5,
  idle_close_disabled: false,
  reopen_disabled: true,
  business_hours: {
    time_zone: 'Asia/Shanghai',
    windows: [{ weekday: 1, start_minute: 540, end_minute: 1080 }],
  },
  widget,
};

const issueKeys = (issues: object) =>
  Object.fromEntries(
    Object.entries(issues)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, (v as { key: string }).key]),
  );

describe('form helpers', () => {
  it('parseList - splits on commas (also Chinese ones) and newlines, trims, drops empties and duplicates', () => {
    expect(parseList(' a, b，c\nd,,a ')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseList('  ')).toEqual([]);
  });

  it('parseWholeNumber - only plain non-negative integers', () => {
    expect(parseWholeNumber(' 42 ')).toBe(42);
    expect(parseWholeNumber('0')).toBe(0);
    for (const bad of ['', '-1', '1.5', '1e3', '12px', '0x10']) expect(parseWholeNumber(bad)).toBeUndefined();
  });

  it('canonicalLanguage - BCP 47 tags in canonical case', () => {
    expect(canonicalLanguage('zh-cn')).toBe('zh-CN');
    expect(canonicalLanguage('EN')).toBe('en');
    expect(canonicalLanguage('not a tag')).toBeUndefined();
  });

  it('moveItem - moves within bounds and ignores moves out of them', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 1, 2)).toEqual(['a', 'b']);
  });

  it('sameDraft - equal plain data compares equal, any edit does not', () => {
    expect(sameDraft(agentDraft(agent), agentDraft(agent))).toBe(true);
    expect(sameDraft(agentDraft(agent), { ...agentDraft(agent), password: 'x' })).toBe(false);
  });
});

describe('agent form', () => {
  const valid = (): AgentDraft => ({
    ...newAgentDraft(),
    email: ' New.Agent@Demo.Test ',
    display_name: ' New Agent ',
    password: 'longenough',
  });

  it('validateAgentDraft - a complete new agent passes', () => {
    expect(hasIssues(validateAgentDraft(valid()))).toBe(false);
  });

  it('validateAgentDraft - required fields, email shape, capacity 1..100, password for a new agent', () => {
    const issues = validateAgentDraft({
      ...newAgentDraft(),
      email: 'not-an-email',
      max_concurrent: '101',
    });
    expect(issueKeys(issues)).toEqual({
      email: 'err_email',
      display_name: 'err_required',
      max_concurrent: 'err_number_range',
      password: 'err_required',
    });
    expect(issueKeys(validateAgentDraft({ ...valid(), email: '' }))).toEqual({ email: 'err_required' });
    expect(issueKeys(validateAgentDraft({ ...valid(), max_concurrent: '2.5' }))).toEqual({
      max_concurrent: 'err_number_range',
    });
    expect(issueKeys(validateAgentDraft({ ...valid(), max_concurrent: '0' }))).toEqual({
      max_concurrent: 'err_number_range',
    });
    expect(hasIssues(validateAgentDraft({ ...valid(), max_concurrent: '1' }))).toBe(false);
    expect(hasIssues(validateAgentDraft({ ...valid(), max_concurrent: '100' }))).toBe(false);
  });

  it('validateAgentDraft - a new agent may not take a listed agent’s email (the API would overwrite it)', () => {
    expect(
      issueKeys(validateAgentDraft({ ...valid(), email: 'DANA@demo.test' }, ['dana@demo.test'])),
    ).toEqual({
      email: 'err_email_taken',
    });
    expect(hasIssues(validateAgentDraft(agentDraft(agent), ['dana@demo.test']))).toBe(false);
  });

  it('validateAgentDraft - an existing agent may keep the password, a reset needs 8 characters', () => {
    const draft = agentDraft(agent);
    expect(hasIssues(validateAgentDraft(draft))).toBe(false);
    expect(issueKeys(validateAgentDraft({ ...draft, password: 'short' }))).toEqual({
      password: 'err_password_length',
    });
  });

  it('validateAgentDraft - bad language tags and over-long skills are reported', () => {
    const issues = validateAgentDraft({ ...valid(), languages: ['en', 'xx yy'], skills: ['x'.repeat(65)] });
    expect(issueKeys(issues)).toEqual({ languages: 'err_language_invalid', skills: 'err_tag_invalid' });
    expect(issues.languages?.params).toEqual({ tag: 'xx yy' });
  });

  it('agentBody - a new agent: trimmed, lower-case email, number capacity, no id, with password', () => {
    expect(
      agentBody({ ...valid(), group_ids: ['sales', 'gone'], languages: ['zh-cn', 'ZH-CN'] }, ['sales']),
    ).toEqual({
      email: 'new.agent@demo.test',
      display_name: 'New Agent',
      role: 'agent',
      max_concurrent: 5,
      group_ids: ['sales'],
      skills: [],
      languages: ['zh-CN'],
      password: 'longenough',
    });
  });

  it('agentBody - an existing agent keeps its id and, with an empty password, sends none', () => {
    // The body is then the agent as listed, field for field.
    expect(agentBody(agentDraft(agent))).toEqual(agent);
  });
});

describe('group form', () => {
  const group: Group = {
    id: 'sales',
    name: 'Sales',
    manual_pick: true,
    max_concurrent_per_agent: 3,
    skills: ['pricing'],
    languages: ['en', 'zh-CN'],
    business_hours: {
      time_zone: 'Europe/London',
      windows: [{ weekday: 2, start_minute: 480, end_minute: 960 }],
    },
  };

  it('groupDraft / groupBody - round trip of a stored group', () => {
    expect(groupBody(groupDraft(group, 'Asia/Shanghai'))).toEqual(group);
  });

  it('newGroupDraft - uses the tenant hours (no windows) with the tenant zone preselected', () => {
    const body = groupBody({ ...newGroupDraft('Asia/Shanghai'), name: '  Support ' });
    expect(body).toEqual({
      name: 'Support',
      manual_pick: false,
      max_concurrent_per_agent: 0,
      skills: [],
      languages: [],
      business_hours: { time_zone: 'Asia/Shanghai', windows: [] },
    });
  });

  it('validateGroupDraft - name required, capacity 0..100, window problems block saving', () => {
    const draft = newGroupDraft('');
    const v = validateGroupDraft({ ...draft, max_concurrent_per_agent: '-1' });
    expect(issueKeys(v.fields)).toEqual({
      name: 'err_required',
      max_concurrent_per_agent: 'err_number_range',
    });
    const overlapping = {
      ...draft,
      name: 'X',
      hours: {
        time_zone: 'UTC',
        scheduled: true,
        days: [
          [],
          [
            { start: '09:00', end: '12:00' },
            { start: '10:00', end: '11:00' },
          ],
          [],
          [],
          [],
          [],
          [],
        ],
      },
    };
    expect(groupValidationOk(validateGroupDraft(overlapping))).toBe(false);
    expect(groupValidationOk(validateGroupDraft({ ...draft, name: 'X' }))).toBe(true);
  });
});

describe('canned reply form', () => {
  it('validateReplyDraft - shortcut characters, required text, known variables only', () => {
    expect(issueKeys(validateReplyDraft({ id: '', shortcut: '', text: '' }))).toEqual({
      shortcut: 'err_required',
      text: 'err_required',
    });
    expect(issueKeys(validateReplyDraft({ id: '', shortcut: 'hi there', text: 'x' }))).toEqual({
      shortcut: 'err_shortcut',
    });
    const unknown = validateReplyDraft({ id: '', shortcut: 'hi', text: 'Hi {{visitor.phone}}' });
    expect(unknown.text).toEqual({ key: 'err_unknown_variable', params: { name: '{{visitor.phone}}' } });
    expect(hasIssues(validateReplyDraft({ id: '', shortcut: '/Hello', text: 'Hi {{ visitor.name }}' }))).toBe(
      false,
    );
  });

  it('replyBody - lower-case shortcut without the slash, trimmed text, always shared', () => {
    expect(replyBody({ id: '', shortcut: ' /Hello ', text: ' Hi {{visitor.name}} ' })).toEqual({
      shortcut: 'hello',
      text: 'Hi {{visitor.name}}',
      shared: true,
    });
    expect(replyBody({ id: 'r1', shortcut: 'bye', text: 'Bye' })).toEqual({
      id: 'r1',
      shortcut: 'bye',
      text: 'Bye',
      shared: true,
    });
  });

  it('unknownVariables / fillVariables / insertVariable', () => {
    expect(unknownVariables('{{a}} {{agent.name}} {{a}} {{ b }}')).toEqual(['a', 'b']);
    expect(
      fillVariables('Hi {{visitor.name}}, I am {{ agent.name }} {{x}}', {
        'visitor.name': 'Li',
        'agent.name': 'Al',
      }),
    ).toBe('Hi Li, I am Al {{x}}');
    expect(insertVariable('Hello !', 'visitor.name', 6, 6)).toEqual({
      text: 'Hello {{visitor.name}}!',
      caret: 22,
    });
    expect(insertVariable('Hello XX', 'agent.name', 6, 8)).toEqual({
      text: 'Hello {{agent.name}}',
      caret: 20,
    });
  });
});

describe('widget form', () => {
  it('widgetDraft / widgetBody - round trip', () => {
    expect(widgetBody(widgetDraft(widget))).toEqual(widget);
  });

  it('widgetBody - trims, normalises #abc colours, keeps field order', () => {
    const draft: WidgetDraft = {
      ...widgetDraft(widget),
      title: '  Support ',
      color: '#ABC',
      pre_chat_fields: [
        { key: ' email ', label_en: 'Email ', label_zh: '', required: false },
        { key: 'name', label_en: 'Name', label_zh: '姓名', required: true },
      ],
    };
    const body = widgetBody(draft);
    expect(body.title).toBe('Support');
    expect(body.color).toBe('#aabbcc');
    expect(body.pre_chat_fields.map((f) => f.key)).toEqual(['email', 'name']);
    expect(body.pre_chat_fields[0]).toEqual({
      key: 'email',
      label_en: 'Email',
      label_zh: '',
      required: false,
    });
    expect(widgetBody({ ...draft, color: ' ' }).color).toBe('');
  });

  it('validateWidgetDraft - colour, field keys (format, duplicates), labels, an empty enabled form', () => {
    const base = widgetDraft(widget);
    expect(widgetValidationOk(validateWidgetDraft(base))).toBe(true);
    expect(issueKeys(validateWidgetDraft({ ...base, color: 'blue' }).fields)).toEqual({ color: 'err_color' });
    const v = validateWidgetDraft({
      ...base,
      pre_chat_fields: [
        { key: 'name', label_en: 'Name', label_zh: '', required: true },
        { key: 'name', label_en: '', label_zh: '姓名', required: false },
        { key: 'bad key', label_en: '', label_zh: '', required: false },
        { key: 'Email', label_en: 'Email', label_zh: '', required: false },
        { key: '1st', label_en: 'First', label_zh: '', required: false },
        { key: 'order_no', label_en: 'Order', label_zh: '', required: false },
      ],
    });
    expect(v.preChat.map(issueKeys)).toEqual([
      { key: 'err_field_key_duplicate' },
      { key: 'err_field_key_duplicate' },
      { key: 'err_field_key', label: 'err_field_label' },
      { key: 'err_field_key' },
      { key: 'err_field_key' },
      {},
    ]);
    expect(issueKeys(validateWidgetDraft({ ...base, pre_chat_fields: [] }).fields)).toEqual({
      pre_chat_fields: 'err_pre_chat_empty',
    });
    expect(
      widgetValidationOk(validateWidgetDraft({ ...base, pre_chat_enabled: false, pre_chat_fields: [] })),
    ).toBe(true);
  });

  it('newPreChatField - a key not used yet', () => {
    expect(newPreChatField([]).key).toBe('field_1');
    expect(newPreChatField([{ key: 'field_2', label_en: '', label_zh: '', required: false }]).key).toBe(
      'field_3',
    );
  });

  it('normalizeHexColour / readableTextColour', () => {
    expect(normalizeHexColour('#FfF')).toBe('#ffffff');
    expect(normalizeHexColour('red')).toBe('#2563eb');
    expect(readableTextColour('#2563eb')).toBe('#ffffff');
    expect(readableTextColour('#000000')).toBe('#ffffff');
    expect(readableTextColour('#ffff00')).toBe('#111827');
    expect(readableTextColour('#ffffff')).toBe('#111827');
  });
});

describe('business hours form', () => {
  it('hoursDraft / hoursBody - round trip of the fields the page edits', () => {
    expect(hoursBody(hoursDraft(settings))).toEqual({
      business_hours: settings.business_hours,
      accept_timeout_s: 30,
      idle_close_s: 1800,
      idle_warning_s: 120,
      reopen_window_s: 600,
      default_max_concurrent: 5,
      default_group_id: 'general',
      idle_close_disabled: false,
      reopen_disabled: true,
    });
  });

  it('validateHoursDraft - ranges, warning before close (defaults included), known default group', () => {
    const draft: HoursDraft = hoursDraft(settings);
    expect(hoursValidationOk(validateHoursDraft(draft, ['general']))).toBe(true);
    const v = validateHoursDraft(
      {
        ...draft,
        accept_timeout_s: '3601',
        idle_close_s: '100',
        idle_warning_s: '0',
        default_group_id: 'gone',
      },
      ['general'],
    );
    expect(issueKeys(v.fields)).toEqual({
      accept_timeout_s: 'err_number_range',
      idle_warning_s: 'err_warning_before_close',
      default_group_id: 'err_group_missing',
    });
    expect(v.fields.idle_warning_s?.params).toEqual({ close: 100, warning: 120 });
    // Both zero: the defaults 1800 and 120 are fine.
    expect(
      hoursValidationOk(
        validateHoursDraft({ ...draft, idle_close_s: '0', idle_warning_s: '0' }, ['general']),
      ),
    ).toBe(true);
    expect(
      issueKeys(validateHoursDraft({ ...draft, default_max_concurrent: '' }, ['general']).fields),
    ).toEqual({ default_max_concurrent: 'err_number_range' });
    // With idle close off, the warning is unused and not compared.
    const off = { ...draft, idle_close_disabled: true, idle_close_s: '100', idle_warning_s: '500' };
    expect(hoursValidationOk(validateHoursDraft(off, ['general']))).toBe(true);
  });

  it('validateHoursDraft - an invalid schedule blocks saving', () => {
    const draft = hoursDraft(settings);
    const bad = { ...draft, hours: { ...draft.hours, time_zone: 'Nowhere/City' } };
    expect(hoursValidationOk(validateHoursDraft(bad, ['general']))).toBe(false);
  });
});

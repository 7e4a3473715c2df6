import { MESSAGES, translate, translator, type Lang } from './i18n';

const LANGS: readonly Lang[] = ['en', 'zh-CN'];

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

describe('admin i18n', () => {
  it('admin i18n - en and zh-CN have exactly the same keys', () => {
    const en = Object.keys(MESSAGES.en).sort();
    const zh = Object.keys(MESSAGES['zh-CN']).sort();
    expect(zh).toEqual(en);
    expect(en.length).toBeGreaterThan(100);
  });

  it('admin i18n - no message is empty in either language', () => {
    for (const lang of LANGS) {
      const empty = Object.entries(MESSAGES[lang]).filter(([, text]) => text.trim() === '');
      expect([lang, empty]).toEqual([lang, []]);
    }
  });

  it('admin i18n - both languages use the same placeholders in each message', () => {
    const mismatched = Object.keys(MESSAGES.en).filter((key) => {
      const k = key as keyof typeof MESSAGES.en;
      return placeholders(MESSAGES.en[k]).join() !== placeholders(MESSAGES['zh-CN'][k]).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('admin i18n - the Chinese dictionary is actually translated', () => {
    const same = Object.keys(MESSAGES.en).filter((key) => {
      const k = key as keyof typeof MESSAGES.en;
      return MESSAGES.en[k] === MESSAGES['zh-CN'][k];
    });
    expect(same).toEqual([]);
  });

  it('admin i18n - translate fills placeholders and leaves unknown ones as written', () => {
    expect(translate('en', 'agent_created', { name: 'Dana' })).toBe('Agent Dana created.');
    expect(translate('zh-CN', 'agent_created', { name: 'Dana' })).toBe('已创建客服 Dana。');
    expect(translate('en', 'err_number_range', { min: 0 })).toBe('Enter a whole number from 0 to {max}.');
    expect(translator('zh-CN')('save')).toBe('保存更改');
  });

  it('admin i18n - a value containing braces is inserted literally, not re-expanded', () => {
    expect(translate('en', 'err_unknown_variable', { name: '{{visitor.phone}}' })).toBe(
      '{{visitor.phone}} is not a known variable.',
    );
  });
});

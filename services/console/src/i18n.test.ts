import { DICTIONARIES, detectLang, LANGS, type MessageKey, placeholders, translate } from './i18n';

describe('i18n dictionaries', () => {
  const en = DICTIONARIES.en;
  const keys = Object.keys(en).sort() as MessageKey[];

  it.each(LANGS)('i18n - %s has exactly the English keys', (lang) => {
    expect(Object.keys(DICTIONARIES[lang]).sort()).toEqual(keys);
  });

  it.each(LANGS)('i18n - every %s string is non-blank and uses the same placeholders as English', (lang) => {
    for (const key of keys) {
      const text = DICTIONARIES[lang][key];
      expect([key, text.trim() === '']).toEqual([key, false]);
      expect([key, placeholders(text)]).toEqual([key, placeholders(en[key])]);
    }
  });

  it('i18n - the Chinese dictionary is actually translated (not English copies)', () => {
    const same = keys.filter((k) => DICTIONARIES['zh-CN'][k] === en[k] && /[A-Za-z]{3,}/.test(en[k]));
    // Proper nouns and symbol-only strings may stay as they are.
    expect(same.filter((k) => !['context.csatScore', 'context.none'].includes(k))).toEqual([]);
  });
});

describe('translate', () => {
  it('translate - fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'chat.typing', { name: 'Ann' })).toBe('Ann is typing…');
    expect(translate('zh-CN', 'chat.typing', { name: '小明' })).toBe('小明 正在输入…');
    expect(translate('en', 'chat.typing')).toBe('{name} is typing…');
    expect(translate('en', 'queue.online', { count: 2, free: 0 })).toBe('2 online · 0 free');
  });
});

describe('detectLang', () => {
  it('detectLang - any zh tag is zh-CN, English otherwise, first supported wins', () => {
    expect(detectLang(['zh-TW'])).toBe('zh-CN');
    expect(detectLang(['zh'])).toBe('zh-CN');
    expect(detectLang(['en-US', 'zh-CN'])).toBe('en');
    expect(detectLang(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(detectLang(['fr-FR'])).toBe('en');
    expect(detectLang([])).toBe('en');
  });
});

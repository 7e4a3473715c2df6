import { DICTIONARIES, resolveLang, supportedLang, translate, type Lang } from './i18n';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('i18n', () => {
  test('dictionaries - en and zh-CN have the same keys', () => {
    expect(Object.keys(DICTIONARIES['zh-CN']).sort()).toEqual(Object.keys(DICTIONARIES.en).sort());
  });

  test('dictionaries - every string is translated and uses the same placeholders in both languages', () => {
    for (const [key, en] of Object.entries(DICTIONARIES.en)) {
      const zh = DICTIONARIES['zh-CN'][key as keyof typeof DICTIONARIES.en];
      expect(zh.trim()).not.toBe('');
      expect(en.trim()).not.toBe('');
      expect([key, [...new Set(placeholders(zh))]]).toEqual([key, [...new Set(placeholders(en))]]);
    }
  });

  test('translate - fills placeholders, every occurrence, and leaves unknown ones', () => {
    expect(translate('en', 'queue.position', { position: 2 })).toBe('You are number 2 in line');
    expect(translate('zh-CN', 'status.chatting', { name: 'Bob' })).toBe('正在与 Bob 聊天');
    expect(translate('en', 'typing.one')).toBe('{name} is typing…');
    expect(translate('en', 'typing.one', { name: '{name}' })).toBe('{name} is typing…');
  });

  test('supportedLang - maps Chinese and English tags, nothing else', () => {
    const cases: [string, Lang | undefined][] = [
      ['zh', 'zh-CN'],
      ['zh-CN', 'zh-CN'],
      ['zh-Hans-CN', 'zh-CN'],
      ['ZH_tw', 'zh-CN'],
      ['en', 'en'],
      ['en-GB', 'en'],
      ['fr', undefined],
      ['', undefined],
      ['english', undefined],
    ];
    for (const [tag, lang] of cases) expect([tag, supportedLang(tag)]).toEqual([tag, lang]);
  });

  test('resolveLang - data-lang, then <html lang>, then the browser, then English', () => {
    expect(resolveLang('zh-CN', 'en', ['en-US'])).toBe('zh-CN');
    expect(resolveLang(undefined, 'zh-CN', ['en-US'])).toBe('zh-CN');
    expect(resolveLang('fr', 'de', ['de-DE', 'zh-TW'])).toBe('zh-CN');
    expect(resolveLang(undefined, '', [])).toBe('en');
    expect(resolveLang('en', 'zh', ['zh'])).toBe('en');
  });
});

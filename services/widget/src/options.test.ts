import {
  DEFAULT_COLOR,
  fieldLabel,
  isCssColor,
  parseTenantSettings,
  readEmbedOptions,
  resolveConfig,
  textColorOn,
  type EmbedOptions,
} from './options';

const PAGE = 'https://shop.example/products/mug';

describe('options', () => {
  test('readEmbedOptions - the gateway defaults to the folder the script came from', () => {
    expect(readEmbedOptions({ widgetKey: 'k' }, 'https://chat.example.com/widget.js?v=3', PAGE)).toEqual({
      widgetKey: 'k',
      gateway: 'https://chat.example.com',
    });
    expect(readEmbedOptions({ widgetKey: 'k' }, 'https://example.com/sb/widget.js', PAGE)).toMatchObject({
      gateway: 'https://example.com/sb',
    });
    expect(readEmbedOptions({ widgetKey: 'k' }, '/widget.js', PAGE)).toMatchObject({
      gateway: 'https://shop.example',
    });
  });

  test('readEmbedOptions - data-gateway wins when it is an http(s) URL', () => {
    const data = { widgetKey: 'k', gateway: 'http://127.0.0.1:8080/' };
    expect(readEmbedOptions(data, 'https://cdn.example/widget.js', PAGE)).toMatchObject({
      gateway: 'http://127.0.0.1:8080',
    });
    const bad = { widgetKey: 'k', gateway: 'javascript:alert(1)' };
    expect(readEmbedOptions(bad, 'https://cdn.example/widget.js', PAGE)).toMatchObject({
      gateway: 'https://cdn.example',
    });
  });

  test('readEmbedOptions - refuses a tag without a widget key or a usable gateway', () => {
    expect(readEmbedOptions({}, 'https://x/widget.js', PAGE)).toEqual({
      error: 'the script tag has no data-widget-key',
    });
    expect(readEmbedOptions({ widgetKey: 'k' }, '', 'about:blank')).toHaveProperty('error');
  });

  test('readEmbedOptions - keeps well-formed options and drops the rest', () => {
    const data = {
      widgetKey: ' k ',
      lang: 'zh-CN',
      color: '#ff0000',
      position: 'LEFT',
      title: ' Help ',
      group: 'sales',
    };
    expect(readEmbedOptions(data, 'https://x/widget.js', PAGE)).toEqual({
      widgetKey: 'k',
      gateway: 'https://x',
      lang: 'zh-CN',
      color: '#ff0000',
      position: 'left',
      title: 'Help',
      group: 'sales',
    });
    const bad = {
      widgetKey: 'k',
      color: 'red; background: url(x)',
      position: 'top',
      group: 'a b',
      title: ' ',
    };
    expect(readEmbedOptions(bad, 'https://x/widget.js', PAGE)).toEqual({
      widgetKey: 'k',
      gateway: 'https://x',
    });
  });

  test('parseTenantSettings - maps the JSON and survives missing or mistyped fields', () => {
    expect(
      parseTenantSettings({
        title: 'Demo',
        color: '#2563eb',
        position: 'left',
        pre_chat_enabled: true,
        pre_chat_fields: [
          { key: 'name', label_en: 'Your name', label_zh: '您的姓名', required: true },
          { key: '', label_en: 'no key' },
          'junk',
        ],
        welcome_message: 'Hi',
        offline_message: 'Later',
        csat_enabled: true,
      }),
    ).toEqual({
      title: 'Demo',
      color: '#2563eb',
      position: 'left',
      preChatEnabled: true,
      preChatFields: [{ key: 'name', labelEn: 'Your name', labelZh: '您的姓名', required: true }],
      welcomeMessage: 'Hi',
      offlineMessage: 'Later',
      csatEnabled: true,
    });
    expect(parseTenantSettings(null)).toEqual({
      title: '',
      color: '',
      position: 'right',
      preChatEnabled: false,
      preChatFields: [],
      welcomeMessage: '',
      offlineMessage: '',
      csatEnabled: false,
    });
  });

  test('resolveConfig - defaults, then the tenant, then the data attributes', () => {
    const embed: EmbedOptions = { widgetKey: 'k', gateway: 'https://x' };
    const page = { htmlLang: 'en', browserLangs: ['en-US'] };
    expect(resolveConfig(embed, undefined, page)).toMatchObject({
      title: 'Chat with us',
      color: DEFAULT_COLOR,
      position: 'right',
      preChatEnabled: false,
      csatEnabled: false,
    });
    const tenant = parseTenantSettings({
      title: 'Shop',
      color: '#123456',
      position: 'left',
      pre_chat_enabled: true,
      pre_chat_fields: [{ key: 'name', label_en: 'Name', label_zh: '姓名', required: true }],
      csat_enabled: true,
    });
    expect(resolveConfig(embed, tenant, page)).toMatchObject({
      title: 'Shop',
      color: '#123456',
      position: 'left',
      preChatEnabled: true,
      csatEnabled: true,
    });
    const overridden = { ...embed, title: 'Help', color: 'teal', position: 'right' as const, lang: 'zh' };
    expect(resolveConfig(overridden, tenant, page)).toMatchObject({
      title: 'Help',
      color: 'teal',
      position: 'right',
      lang: 'zh-CN',
    });
    expect(resolveConfig(embed, { ...tenant, title: '' }, { browserLangs: ['zh-CN'] }).title).toBe(
      '在线客服',
    );
  });

  test('resolveConfig - a form switched on without fields is not shown', () => {
    const tenant = parseTenantSettings({ pre_chat_enabled: true, pre_chat_fields: [] });
    const config = resolveConfig({ widgetKey: 'k', gateway: 'https://x' }, tenant, { browserLangs: [] });
    expect(config.preChatEnabled).toBe(false);
  });

  test('fieldLabel - the chosen language, else the other one, else the key', () => {
    const both = { key: 'name', labelEn: 'Name', labelZh: '姓名', required: false };
    expect(fieldLabel(both, 'en')).toBe('Name');
    expect(fieldLabel(both, 'zh-CN')).toBe('姓名');
    expect(fieldLabel({ ...both, labelZh: '' }, 'zh-CN')).toBe('Name');
    expect(fieldLabel({ ...both, labelEn: ' ', labelZh: '' }, 'en')).toBe('name');
  });

  test('isCssColor - hex, numeric rgb()/hsl() and names; nothing that could smuggle CSS', () => {
    for (const ok of ['#fff', '#2563EB', '#2563eb80', 'rgb(37, 99, 235)', 'hsl(220 83% 53% / 0.9)', 'teal']) {
      expect([ok, isCssColor(ok)]).toEqual([ok, true]);
    }
    for (const bad of ['#12', 'url(x)', 'var(--x)', 'red;x:y', 'rgb(1,2,3);', 'expression(alert(1))', '']) {
      expect([bad, isCssColor(bad)]).toEqual([bad, false]);
    }
  });

  test('textColorOn - white on dark colours, near-black on light ones', () => {
    expect(textColorOn('#2563eb')).toBe('#ffffff');
    expect(textColorOn('#000')).toBe('#ffffff');
    expect(textColorOn('#facc15')).toBe('#111827');
    expect(textColorOn('#ffffff')).toBe('#111827');
    expect(textColorOn('teal')).toBe('#ffffff');
  });
});

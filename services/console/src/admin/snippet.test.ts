import { embedSnippet, escapeAttribute, gatewayOrigin, widgetScriptUrl } from './snippet';

describe('embed snippet', () => {
  it('embedSnippet - the documented snippet for a key', () => {
    expect(embedSnippet('https://chat.example.com', 'demo-widget-key')).toBe(
      '<script src="https://chat.example.com/widget.js" data-widget-key="demo-widget-key" async></script>',
    );
  });

  it('embedSnippet - trailing slashes of the gateway URL are dropped', () => {
    expect(widgetScriptUrl('http://localhost:8080///')).toBe('http://localhost:8080/widget.js');
  });

  it('embedSnippet - optional attributes in a fixed order, empty ones left out', () => {
    expect(
      embedSnippet('https://gw', 'k', { lang: 'zh-CN', color: '#ff0000', position: 'left', title: 'Help' }),
    ).toBe(
      '<script src="https://gw/widget.js" data-widget-key="k" data-lang="zh-CN" data-color="#ff0000" ' +
        'data-position="left" data-title="Help" async></script>',
    );
    expect(embedSnippet('https://gw', 'k', { color: '', title: '' })).toBe(
      '<script src="https://gw/widget.js" data-widget-key="k" async></script>',
    );
  });

  it('escapeAttribute - every character that could end an attribute or open a tag is escaped', () => {
    expect(escapeAttribute(`a"b'c<d>e&f`)).toBe('a&quot;b&#39;c&lt;d&gt;e&amp;f');
    expect(escapeAttribute('&amp;')).toBe('&amp;amp;');
  });

  it('embedSnippet - hostile values cannot break out of their attribute', () => {
    const snippet = embedSnippet('https://gw"><script>alert(1)</script>', 'x" onload="alert(1)', {
      title: `</script><img src=x onerror=alert(1)>`,
    });
    expect(snippet).not.toContain('"><script>');
    expect(snippet).not.toContain('" onload=');
    expect(snippet).not.toContain('</script><img');
    // One opening and one closing tag: the whole snippet stays a single element.
    expect(snippet.match(/<script/g)).toHaveLength(1);
    expect(snippet.match(/<\/script>/g)).toHaveLength(1);
    expect(snippet).toContain('data-widget-key="x&quot; onload=&quot;alert(1)"');
  });

  it('gatewayOrigin - an absolute base URL wins, a relative one is resolved against the page', () => {
    expect(gatewayOrigin('https://gw.example.com/', 'http://console.local')).toBe('https://gw.example.com');
    expect(gatewayOrigin('', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(gatewayOrigin('/chat', 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/chat');
  });
});

import type { JSX } from 'preact';
import { useI18n } from './context';

/** Switches between English and Chinese; the button names the language it switches to. */
export function LangToggle(): JSX.Element {
  const { lang, t, setLang } = useI18n();
  return (
    <button
      type="button"
      class="btn ghost small"
      title={t('lang.switchLabel')}
      aria-label={t('lang.switchLabel')}
      onClick={() => {
        setLang(lang === 'en' ? 'zh-CN' : 'en');
      }}
      data-testid="lang-toggle"
    >
      {t('lang.switch')}
    </button>
  );
}

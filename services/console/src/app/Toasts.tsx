import type { JSX } from 'preact';
import type { Toast } from '../console-store';
import { useI18n } from './context';

export function Toasts(props: { toasts: readonly Toast[]; onDismiss: (id: number) => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="toasts" aria-live="polite">
      {props.toasts.map((toast) => (
        <div
          key={toast.id}
          class={`toast ${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          <span class="toast-text">{toast.text}</span>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('toast.dismiss')}
            onClick={() => {
              props.onDismiss(toast.id);
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

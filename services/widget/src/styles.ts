/**
 * The widget's stylesheet, inside its shadow root: page styles cannot reach in, these cannot leak out.
 * Sizes are in px, never rem, so the page's root font size does not matter either.
 */
export const STYLES = `
:host { all: initial; }
.sb-root {
  all: initial;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", sans-serif;
  color: #111827;
  -webkit-font-smoothing: antialiased;
}
.sb-root *, .sb-root *::before, .sb-root *::after { box-sizing: border-box; }
.sb-root [hidden] { display: none !important; }
:where(.sb-root) button { font: inherit; color: inherit; }
.sb-root :focus-visible { outline: 3px solid var(--sb-color); outline-offset: 2px; }
.sb-launcher {
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483000;
  width: 58px; height: 58px; border-radius: 50%; border: 0; padding: 0; cursor: pointer;
  display: flex; align-items: center; justify-content: center;
  background: var(--sb-color); color: var(--sb-on-color);
  box-shadow: 0 6px 20px rgba(17, 24, 39, .25);
  transition: transform .15s ease;
}
.sb-launcher:hover { transform: scale(1.05); }
.sb-launcher:focus-visible { outline-color: #111827; }
.sb-launcher .sb-icon-close, .sb-open .sb-launcher .sb-icon-chat { display: none; }
.sb-open .sb-launcher .sb-icon-close { display: block; width: 22px; height: 22px; }
.sb-left .sb-launcher, .sb-left .sb-panel { left: 20px; right: auto; }
.sb-icon { width: 26px; height: 26px; fill: currentColor; }
.sb-icon-close { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2.4; stroke-linecap: round; }
.sb-icon-send { width: 20px; height: 20px; }
.sb-badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; border: 2px solid #fff; background: #dc2626; color: #fff;
  font-size: 12px; font-weight: 700; line-height: 18px; text-align: center;
}
.sb-panel {
  position: fixed; bottom: 92px; right: 20px; z-index: 2147483001;
  width: 376px; height: 600px; max-height: calc(100vh - 112px);
  display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 16px; box-shadow: 0 16px 48px rgba(17, 24, 39, .25);
}
@media (prefers-reduced-motion: no-preference) {
  .sb-panel { animation: sb-in .18s ease-out; }
  @keyframes sb-in { from { opacity: 0; transform: translateY(12px); } }
}
.sb-header {
  display: flex; align-items: center; gap: 8px; padding: 14px 10px 14px 18px;
  background: var(--sb-color); color: var(--sb-on-color);
}
.sb-header-text { flex: 1; min-width: 0; }
.sb-title { margin: 0; font-size: 16px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sb-subtitle { margin: 2px 0 0; font-size: 12px; opacity: .9; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sb-icon-button {
  flex: none; width: 38px; height: 38px; border: 0; border-radius: 10px; padding: 0; cursor: pointer;
  display: flex; align-items: center; justify-content: center; background: transparent; color: inherit;
}
.sb-icon-button:hover { background: rgba(255, 255, 255, .18); }
.sb-header .sb-icon-button:focus-visible { outline-color: var(--sb-on-color); outline-offset: -3px; }
.sb-banner {
  display: flex; align-items: center; justify-content: center; gap: 8px; padding: 7px 14px;
  background: #fef3c7; color: #92400e; font-size: 13px; font-weight: 500;
}
.sb-banner.sb-lost { background: #fee2e2; color: #991b1b; }
.sb-body {
  flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain;
  display: flex; flex-direction: column; gap: 10px; padding: 16px 14px; background: #f6f7f9;
}
.sb-messages { display: flex; flex-direction: column; gap: 8px; }
.sb-row { display: flex; flex-direction: column; align-items: flex-start; max-width: 85%; }
.sb-row.sb-own { align-self: flex-end; align-items: flex-end; }
.sb-name { margin: 0 10px 2px; font-size: 12px; color: #6b7280; }
.sb-bubble {
  padding: 8px 12px; border-radius: 16px 16px 16px 4px; background: #fff; border: 1px solid #e5e7eb;
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
}
.sb-own .sb-bubble {
  border-radius: 16px 16px 4px 16px; border-color: transparent;
  background: var(--sb-color); color: var(--sb-on-color);
}
.sb-own.sb-pending .sb-bubble { opacity: .65; }
.sb-own.sb-failed .sb-bubble { background: #fee2e2; color: #7f1d1d; }
.sb-bubble a { color: inherit; text-decoration: underline; }
.sb-meta { display: flex; gap: 6px; margin: 3px 10px 0; font-size: 11px; color: #6b7280; }
.sb-failed .sb-meta { color: #b91c1c; }
.sb-link-button {
  border: 0; padding: 0; background: none; cursor: pointer; text-decoration: underline;
  font-size: inherit; color: inherit;
}
.sb-notice { align-self: center; max-width: 90%; text-align: center; font-size: 12px; color: #6b7280; }
.sb-welcome .sb-bubble { background: #fff; }
.sb-more { align-self: center; font-size: 12px; color: #4b5563; }
.sb-status { font-size: 12px; color: #4b5563; padding: 0 4px; }
.sb-typing { font-style: italic; }
.sb-idle { padding: 8px 12px; border-radius: 10px; background: #fff7ed; color: #9a3412; font-size: 12px; }
.sb-card {
  display: flex; flex-direction: column; gap: 10px; padding: 14px;
  border: 1px solid #e5e7eb; border-radius: 12px; background: #fff;
}
.sb-card-form { display: flex; flex-direction: column; gap: 10px; }
.sb-card-title { margin: 0; font-size: 15px; font-weight: 600; }
.sb-card p { margin: 0; }
.sb-field { display: flex; flex-direction: column; gap: 4px; }
.sb-label { font-size: 13px; font-weight: 500; color: #374151; }
.sb-req { color: #dc2626; margin-left: 2px; }
.sb-input {
  width: 100%; padding: 8px 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff;
  font: inherit; color: #111827;
}
.sb-input:focus { outline: 2px solid var(--sb-color); outline-offset: 0; border-color: transparent; }
.sb-input[aria-invalid="true"] { border-color: #dc2626; }
textarea.sb-input { resize: vertical; min-height: 64px; }
.sb-error { font-size: 12px; color: #b91c1c; }
.sb-primary {
  align-self: stretch; padding: 10px 14px; border: 0; border-radius: 8px; cursor: pointer;
  background: var(--sb-color); color: var(--sb-on-color); font-weight: 600;
}
.sb-primary:disabled { opacity: .6; cursor: default; }
.sb-secondary {
  align-self: stretch; padding: 9px 14px; border: 1px solid var(--sb-color); border-radius: 8px;
  background: #fff; color: var(--sb-color); font-weight: 600; cursor: pointer;
}
.sb-stars { display: flex; gap: 4px; }
.sb-star { width: 36px; height: 36px; border: 0; padding: 0; background: none; cursor: pointer; color: #d1d5db; }
.sb-star .sb-icon { width: 30px; height: 30px; }
.sb-star.sb-on { color: #f59e0b; }
.sb-composer {
  display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px;
  border-top: 1px solid #e5e7eb; background: #fff;
}
.sb-composer .sb-input { flex: 1; min-height: 40px; max-height: 120px; resize: none; border-radius: 20px; padding: 9px 14px; }
.sb-send {
  flex: none; width: 40px; height: 40px; border: 0; border-radius: 50%; padding: 0; cursor: pointer;
  display: flex; align-items: center; justify-content: center;
  background: var(--sb-color); color: var(--sb-on-color);
}
.sb-visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
@media (max-width: 480px) {
  .sb-panel, .sb-left .sb-panel {
    top: 0; right: 0; bottom: 0; left: 0; width: 100%; height: 100%; max-height: none; border-radius: 0;
  }
  .sb-open .sb-launcher { display: none; }
}
`;

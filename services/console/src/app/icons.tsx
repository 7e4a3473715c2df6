import type { JSX } from 'preact';

/** Inline icons (no font or emoji glyph needed); decorative, so hidden from assistive tech. */
function Svg(props: { d: string }): JSX.Element {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <path d={props.d} />
    </svg>
  );
}

export const BellIcon = (): JSX.Element => (
  <Svg d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />
);
export const SearchIcon = (): JSX.Element => <Svg d="M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.3-4.3" />;
export const LockIcon = (): JSX.Element => <Svg d="M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4" />;
export const PanelIcon = (): JSX.Element => <Svg d="M3 4h18v16H3zM15 4v16" />;
export const InboxIcon = (): JSX.Element => (
  <Svg d="M22 12h-6l-2 3h-4l-2-3H2M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
);
export const RefreshIcon = (): JSX.Element => <Svg d="M21 12a9 9 0 1 1-3-6.7L21 8M21 3v5h-5" />;

// Placeholder entry; the widget is being built.
import { SwitchboardClient } from '@switchboard/client';
(window as unknown as Record<string, unknown>)['SwitchboardWidget'] = { SwitchboardClient };

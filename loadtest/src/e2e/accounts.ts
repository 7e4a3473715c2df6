/** An agent login the demo seed creates. */
export interface AgentAccount {
  readonly tenantId: string;
  readonly email: string;
  readonly password: string;
}

export const DEMO_TENANT = 'demo';
export const DEMO_WIDGET_KEY = 'demo-widget-key';

/**
 * The agent accounts that exist after `startSwitchboard({seed: true})`. The admin service has no RPC to
 * create more, so M agent sockets are spread over these (an agent may have several sockets).
 */
export const DEMO_AGENT_ACCOUNTS: readonly AgentAccount[] = [
  { tenantId: DEMO_TENANT, email: 'alice@demo.test', password: 'switchboard' },
  { tenantId: DEMO_TENANT, email: 'bob@demo.test', password: 'switchboard' },
];

export interface AgentSocketPlan {
  readonly socketId: number;
  readonly account: AgentAccount;
  readonly worker: number;
}

/**
 * Which worker opens which agent socket: socket j logs in as account j mod A, and every socket of one
 * account lives in the same worker (account i in worker i mod K). An agent's sockets all receive all of
 * its conversations, so keeping them together lets a worker own both ends of each conversation.
 */
export function planAgentSockets(
  agents: number,
  workers: number,
  accounts: readonly AgentAccount[],
): AgentSocketPlan[] {
  const used = Math.min(agents, accounts.length);
  return Array.from({ length: agents }, (_, j) => {
    const accountIndex = j % used;
    const account = accounts[accountIndex];
    if (account === undefined) throw new RangeError('no agent account to plan with');
    return { socketId: j, account, worker: accountIndex % workers };
  });
}

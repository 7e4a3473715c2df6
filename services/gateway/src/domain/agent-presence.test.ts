import { AgentPresenceTracker } from './agent-presence';

describe('AgentPresenceTracker', () => {
  it('connect/disconnect - several tabs count once; offline only when the last closes', () => {
    const t = new AgentPresenceTracker('g1', () => 7);
    expect(t.connect('demo', 'a1')).toMatchObject({ online: true, sockets: 1, gatewayId: 'g1', atMs: 7 });
    expect(t.connect('demo', 'a1')).toMatchObject({ online: true, sockets: 2 });
    expect(t.disconnect('demo', 'a1')).toMatchObject({ online: true, sockets: 1 });
    expect(t.heartbeats()).toHaveLength(1);
    expect(t.disconnect('demo', 'a1')).toMatchObject({ online: false, sockets: 0 });
    expect(t.heartbeats()).toHaveLength(0);
  });
});

import { agentLogin, createVisitorSession, SwitchboardClient } from '@switchboard/client';
import { OtlpReceiver } from '../src/otlp-receiver';
import { startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

const receiver = new OtlpReceiver();
let stack: TestStack;

beforeAll(async () => {
  const endpoint = await receiver.start();
  stack = await startTestStack('t', { otlpEndpoint: endpoint });
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await receiver.stop();
});

describe('tracing', () => {
  it('tracing - one message yields gateway, session and persistence spans in one trace', async () => {
    const agent = await agentLogin(stack.httpUrl, {
      tenantId: 'demo',
      email: 'bob@demo.test',
      password: 'switchboard',
    });
    const agentClient = new SwitchboardClient({ url: stack.wsUrl, token: agent.token });
    await agentClient.connect();
    const v = await createVisitorSession(stack.httpUrl, { widgetKey: 'demo-widget-key' });
    const visitor = new SwitchboardClient({ url: stack.wsUrl, token: v.token });
    await visitor.connect();
    try {
      const ack = await visitor.send(v.conversationId, 'trace me', { clientMsgId: 'traced-1' });
      const gatewaySpan = await waitFor('the gateway.send span', () =>
        receiver.spans.find(
          (s) => s.name === 'gateway.send' && s.attributes['sb.client_msg_id'] === 'traced-1',
        ),
      );
      const trace = await waitFor(
        'session and persistence spans in the same trace',
        () => {
          const inTrace = receiver.spans.filter((s) => s.traceId === gatewaySpan.traceId);
          const names = new Set(inTrace.map((s) => s.name));
          return names.has('session.append') && names.has('persistence.store') ? inTrace : undefined;
        },
        30_000,
      );
      const byName = new Map(trace.map((s) => [s.name, s]));
      expect(byName.get('gateway.send')?.service).toBe('gateway');
      expect(byName.get('session.append')?.service).toBe('session');
      expect(byName.get('persistence.store')?.service).toBe('persistence');
      // The chain is parent → child across processes: gateway → session → persistence.
      expect(byName.get('session.append')?.parentSpanId).toBe(gatewaySpan.spanId);
      expect(byName.get('persistence.store')?.parentSpanId).toBe(byName.get('session.append')?.spanId);
      expect(ack.seq).toBe(1);
    } finally {
      await visitor.close();
      await agentClient.close();
    }
  });
});

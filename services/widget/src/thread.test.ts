import { type IncomingMessage, Thread } from './thread';

const ME = 'visitor-1';
const agent = (seq: number, text = `agent ${seq}`): IncomingMessage => ({
  seq,
  clientMsgId: `a-${seq}`,
  senderId: 'agent-1',
  role: 'agent',
  name: 'Bob',
  text,
  atMs: 1000 + seq,
});
const mine = (seq: number, clientMsgId: string, text = `mine ${seq}`): IncomingMessage => ({
  seq,
  clientMsgId,
  senderId: ME,
  role: 'visitor',
  name: 'Ann',
  text,
  atMs: 1000 + seq,
});

function view(thread: Thread): string[] {
  return thread
    .items()
    .map((i) =>
      i.kind === 'notice' ? `notice:${i.text}` : `${i.own ? 'me' : 'them'}:${i.text}:${i.status}:${i.seq}`,
    );
}

describe('thread', () => {
  let thread: Thread;
  beforeEach(() => {
    thread = new Thread();
    thread.setOwnId(ME);
  });

  test('Thread - a pending message becomes sent on its ack and stays one item when delivered', () => {
    thread.addPending('m1', 'hello', 1);
    expect(view(thread)).toEqual(['me:hello:pending:0']);
    thread.ack('m1', 1, 5);
    expect(thread.deliver(mine(1, 'm1', 'hello'))).toBe(false);
    expect(view(thread)).toEqual(['me:hello:sent:1']);
  });

  test('Thread - delivery before the ack also settles the pending message', () => {
    thread.addPending('m1', 'hello', 1);
    expect(thread.deliver(mine(1, 'm1', 'hello'))).toBe(true);
    thread.ack('m1', 1, 5);
    expect(view(thread)).toEqual(['me:hello:sent:1']);
  });

  test('Thread - orders by seq, keeps unsent messages last in the order written', () => {
    thread.addPending('m3', 'third', 3);
    thread.addPending('m4', 'fourth', 4);
    thread.deliver(agent(2));
    thread.deliver(mine(1, 'm1'));
    expect(view(thread)).toEqual([
      'me:mine 1:sent:1',
      'them:agent 2:sent:2',
      'me:third:pending:0',
      'me:fourth:pending:0',
    ]);
    thread.ack('m4', 3, 0);
    thread.ack('m3', 4, 0);
    expect(view(thread)).toEqual([
      'me:mine 1:sent:1',
      'them:agent 2:sent:2',
      'me:fourth:sent:3',
      'me:third:sent:4',
    ]);
  });

  test('Thread - a message seen twice is shown once', () => {
    expect(thread.deliver(agent(1))).toBe(true);
    expect(thread.deliver(agent(1))).toBe(false);
    expect(thread.size).toBe(1);
  });

  test('Thread - own messages from another tab count as own', () => {
    thread.deliver(mine(1, 'from-other-tab'));
    expect(thread.items()[0]).toMatchObject({ own: true, role: 'visitor', status: 'sent' });
  });

  test('Thread - failed messages can be retried; a version bump marks each change', () => {
    thread.addPending('m1', 'hi', 1);
    const v0 = thread.get('o:m1')?.version ?? -1;
    thread.fail('m1');
    expect(thread.get('o:m1')).toMatchObject({ status: 'failed', version: v0 + 1 });
    thread.addPending('m1', 'hi', 1);
    expect(thread.get('o:m1')).toMatchObject({ status: 'pending', version: v0 + 2 });
  });

  test('Thread - notices sit after the seq they name and keep their place when updated', () => {
    thread.deliver(mine(1, 'm1'));
    thread.deliver(agent(2));
    thread.notice('joined', 'Bob joined', 1);
    expect(view(thread)).toEqual(['me:mine 1:sent:1', 'notice:Bob joined', 'them:agent 2:sent:2']);
    thread.notice('joined', 'Bob joined again', 2);
    expect(view(thread)[1]).toBe('notice:Bob joined again');
  });

  test('Thread - lastReadOwn is the newest own message at or below the read seq', () => {
    thread.deliver(mine(1, 'm1'));
    thread.deliver(agent(2));
    thread.deliver(mine(3, 'm3'));
    thread.addPending('m9', 'unsent', 9);
    expect(thread.lastReadOwn(0)).toBeUndefined();
    expect(thread.lastReadOwn(2)?.key).toBe('o:m1');
    expect(thread.lastReadOwn(10)?.key).toBe('o:m3');
    expect(thread.firstSeq()).toBe(1);
    expect(thread.lastSeq()).toBe(3);
  });
});

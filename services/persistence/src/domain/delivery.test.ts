import { SubjectCatalog, UnifiedMessage } from '@switchboard/proto';
import { readDelivery } from './delivery';

const catalog = new SubjectCatalog('u1');

function encode(overrides: Partial<UnifiedMessage> = {}): Uint8Array {
  return UnifiedMessage.encode(
    UnifiedMessage.fromPartial({ tenantId: 'acme', conversationId: 'c1', seq: 1, text: 'hi', ...overrides }),
  ).finish();
}

test('readDelivery - a well-formed message on its own subject becomes a row', () => {
  const intake = readDelivery(catalog.conversation('acme', 'c1'), encode(), catalog);
  expect(intake.kind).toBe('row');
  if (intake.kind === 'row')
    expect(intake.row).toMatchObject({ tenant_id: 'acme', conversation_id: 'c1', seq: 1, text: 'hi' });
});

test('readDelivery - bytes that are not a UnifiedMessage are poison', () => {
  const intake = readDelivery(
    catalog.conversation('acme', 'c1'),
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
    catalog,
  );
  expect(intake).toMatchObject({
    kind: 'poison',
    reason: expect.stringContaining('not a UnifiedMessage') as unknown,
  });
});

test('readDelivery - a payload whose tenant differs from its subject is poison', () => {
  const intake = readDelivery(catalog.conversation('other', 'c1'), encode(), catalog);
  expect(intake).toMatchObject({ kind: 'poison', reason: expect.stringContaining('subject') as unknown });
});

test('readDelivery - seq 0 and ids that are not subject tokens are poison', () => {
  const subject = catalog.conversation('acme', 'c1');
  expect(readDelivery(subject, encode({ seq: 0 }), catalog).kind).toBe('poison');
  expect(readDelivery(subject, encode({ tenantId: 'a.b' }), catalog).kind).toBe('poison');
  expect(readDelivery(subject, encode({ conversationId: '' }), catalog).kind).toBe('poison');
});

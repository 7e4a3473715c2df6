import { removeById, sortedMatches, upsertById } from './lists';

const a = { id: 'a', name: 'Alice' };
const b = { id: 'b', name: 'bob' };
const c = { id: 'c', name: 'Carol' };

describe('admin lists', () => {
  it('upsertById - a new entry is added at the end', () => {
    expect(upsertById([a, b], c)).toEqual([a, b, c]);
    expect(upsertById([], a)).toEqual([a]);
  });

  it('upsertById - a saved entry replaces the one with its id, the rest keep their order', () => {
    const renamed = { id: 'a', name: 'Alicia' };
    const list = [a, b, c];
    expect(upsertById(list, renamed)).toEqual([b, c, renamed]);
    expect(list).toEqual([a, b, c]);
  });

  it('removeById - drops the entry with the id; an unknown id changes nothing', () => {
    expect(removeById([a, b, c], 'b')).toEqual([a, c]);
    expect(removeById([a, b], 'x')).toEqual([a, b]);
  });

  it('sortedMatches - sorted by the key, without a query every entry', () => {
    const list = [c, b, a];
    expect(sortedMatches(list, '', (x) => x.name)).toEqual([a, b, c]);
    expect(
      sortedMatches(
        list,
        '  ',
        (x) => x.name,
        () => false,
      ),
    ).toEqual([a, b, c]);
    expect(list).toEqual([c, b, a]);
  });

  it('sortedMatches - the filter gets the trimmed, lower-cased query', () => {
    const seen: string[] = [];
    const shown = sortedMatches(
      [c, b, a],
      '  BO ',
      (x) => x.name,
      (x, q) => {
        seen.push(q);
        return x.name.toLowerCase().includes(q);
      },
    );
    expect(shown).toEqual([b]);
    expect(new Set(seen)).toEqual(new Set(['bo']));
  });

  it('sortedMatches - a query without a filter keeps every entry', () => {
    expect(sortedMatches([b, a], 'zzz', (x) => x.name)).toEqual([a, b]);
  });
});

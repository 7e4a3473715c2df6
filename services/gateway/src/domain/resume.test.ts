import { needsLastSeq, resumePoints, startSeq } from './resume';

describe('startSeq', () => {
  it('startSeq - a resume point starts right after it, whatever the backfill limit', () => {
    expect(startSeq({ resumeLastSeq: 7, backfillLimit: 0 }, 0)).toBe(8);
    expect(startSeq({ resumeLastSeq: 7, backfillLimit: 2 }, 100)).toBe(8);
    expect(startSeq({ resumeLastSeq: 0, backfillLimit: 2 }, 100)).toBe(1);
    expect(needsLastSeq({ resumeLastSeq: 7, backfillLimit: 2 })).toBe(false);
  });

  it('startSeq - without a resume point, backfill_limit keeps only the newest messages', () => {
    expect(needsLastSeq({ resumeLastSeq: undefined, backfillLimit: 3 })).toBe(true);
    expect(startSeq({ resumeLastSeq: undefined, backfillLimit: 3 }, 10)).toBe(8);
    expect(startSeq({ resumeLastSeq: undefined, backfillLimit: 3 }, 2)).toBe(1);
    expect(startSeq({ resumeLastSeq: undefined, backfillLimit: 3 }, 0)).toBe(1);
  });

  it('startSeq - with neither, everything from seq 1 (the v1 behaviour)', () => {
    expect(needsLastSeq({ resumeLastSeq: undefined, backfillLimit: 0 })).toBe(false);
    expect(startSeq({ resumeLastSeq: undefined, backfillLimit: 0 }, 50)).toBe(1);
  });
});

describe('resumePoints', () => {
  it('resumePoints - keeps the highest point per conversation and ignores unusable ones', () => {
    const points = resumePoints([
      { conversationId: 'c1', lastSeq: 4 },
      { conversationId: 'c1', lastSeq: 9 },
      { conversationId: 'c1', lastSeq: 2 },
      { conversationId: 'c2', lastSeq: 0 },
      { conversationId: '', lastSeq: 3 },
      { conversationId: 'c3', lastSeq: 2 ** 60 },
    ]);
    expect([...points.entries()]).toEqual([
      ['c1', 9],
      ['c2', 0],
    ]);
  });
});

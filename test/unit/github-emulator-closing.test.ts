import { describe, expect, it } from 'vitest';
import { closingReferences } from '../../src/rehearsal/github-emulator/issue-closing.js';

describe('closingReferences (the emulator\'s "Closes #N")', () => {
  it('finds every GitHub closing keyword, in any case, with an optional colon', () => {
    const text = 'Closes #1. fixes #2, RESOLVED: #3\nclose #4 fixed #5 resolve #6 Fix: #7 closed #8 resolves #9';
    expect(closingReferences(text)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('ignores mentions without a keyword, keywords inside words, and repeats', () => {
    expect(closingReferences('See #1; prefixes #2; unfixed #3; Closes #4 and closes #4; closes#5')).toEqual([4]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { maskSecrets, setKnownSecrets } from '../../src/host/secret-values.js';

afterEach(() => setKnownSecrets({}));

describe('secret values in recorded tails', () => {
  it('masks the worker’s own secret values even when they do not look like tokens', () => {
    setKnownSecrets({ GITHUB_TOKEN: 'plain-enterprise-token-7731', ANTHROPIC_API_KEY: 'short' }, [
      'https://hooks.example.test/T0/B0/secretpart',
    ]);
    const line =
      'curl -H "Authorization: token plain-enterprise-token-7731" https://hooks.example.test/T0/B0/secretpart; echo short';
    const masked = maskSecrets(line);
    expect(masked).not.toContain('plain-enterprise-token-7731');
    expect(masked).not.toContain('secretpart');
    // values shorter than 12 characters are not secrets (they would mask ordinary words)
    expect(masked).toContain('echo short');
  });

  it('still masks token shapes without any registered value, and leaves other text alone', () => {
    setKnownSecrets({});
    expect(maskSecrets('token ghp_abcdefghijklmnopqrstuvwxyz0123 here')).not.toContain(
      'ghp_abcdefghijklmnopqrstuvwxyz0123',
    );
    expect(maskSecrets('nothing secret here')).toBe('nothing secret here');
  });
});

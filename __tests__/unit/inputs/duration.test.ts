import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../../../src/inputs/duration.js';
import { closest, didYouMean } from '../../../src/inputs/suggest.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['72h', 259_200_000],
    ['7d', 604_800_000],
    ['1m500ms', 60_500],
    [' 5m ', 300_000]
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    ['', 'empty'],
    ['10', 'has no unit'],
    ['1.5h', 'not a duration'],
    ['10 m', 'not a duration'],
    ['-5m', 'not a duration'],
    ['5m5m', 'repeats or misorders'],
    ['30s1m', 'repeats or misorders'],
    ['5w', 'not a duration']
  ])('rejects %j', (text, fragment) => expect(() => parseDuration(text)).toThrow(fragment));

  it('formats back to the shortest spelling', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(365 * 86_400_000)).toBe('365d');
    expect(parseDuration(formatDuration(93_784_005))).toBe(93_784_005);
  });
});

describe('closest / didYouMean', () => {
  it('suggests near typos only', () => {
    expect(closest('kialii', ['kiali', 'grafana'])).toBe('kiali');
    expect(closest('promethues', ['kiali', 'prometheus'])).toBe('prometheus');
    expect(closest('zipkin', ['kiali', 'prometheus', 'grafana', 'jaeger'])).toBeUndefined();
    expect(didYouMean('Demo', ['demo'])).toBe('; did you mean "demo"?');
    expect(didYouMean('xyz', ['demo'])).toBe('');
  });
});

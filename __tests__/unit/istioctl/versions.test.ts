import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import {
  closestVersions,
  parseIstioctlVersion,
  parseVersionSpec,
  resolveVersion,
  type ReleaseInfo
} from '../../../src/istioctl/versions.js';

const rel = (version: string, extra: Partial<ReleaseInfo> = {}): ReleaseInfo => ({
  version,
  prerelease: false,
  draft: false,
  ...extra
});

// Shaped like Istio's real history: patches of older minors published after newer minors, and
// pre-releases of the next minor that `latest` must skip.
const RELEASES: ReleaseInfo[] = [
  rel('1.31.0-rc.0', { prerelease: true }),
  rel('1.31.0-beta.2', { prerelease: true }),
  rel('1.29.7'),
  rel('1.30.3'),
  rel('1.28.10'),
  rel('1.30.2'),
  rel('1.29.6'),
  rel('1.30.1'),
  rel('1.30.0'),
  rel('1.32.0', { draft: true }),
  rel('1.31.0-alpha.0'), // not flagged as pre-release, but the suffix says it is
  rel('1.13.9'),
  rel('1.13.3'),
  rel('1.13.0'),
  rel('not-a-version')
];

describe('parseVersionSpec', () => {
  it.each([
    ['latest', { kind: 'latest' }],
    ['LATEST', { kind: 'latest' }],
    ['1.30', { kind: 'minor', major: 1, minor: 30 }],
    ['v1.30', { kind: 'minor', major: 1, minor: 30 }],
    ['1.30.x', { kind: 'minor', major: 1, minor: 30 }],
    ['1.30.*', { kind: 'minor', major: 1, minor: 30 }],
    ['1.30.3', { kind: 'exact', version: '1.30.3' }],
    ['v1.30.3', { kind: 'exact', version: '1.30.3' }],
    [' 1.13.3 ', { kind: 'exact', version: '1.13.3' }],
    ['1.31.0-rc.0', { kind: 'exact', version: '1.31.0-rc.0' }]
  ])('%s', (spec, expected) => {
    expect(parseVersionSpec(spec)).toEqual(expected);
  });

  it.each(['', '1', 'one.two', '1.30.3.4', '>=1.30', 'stable', '~1.30'])(
    'rejects %j with the accepted forms',
    (spec) => {
      expect(() => parseVersionSpec(spec)).toThrow(/is not a version/);
      try {
        parseVersionSpec(spec);
      } catch (err) {
        expect((err as ActionError).hint).toMatch(/latest, 1\.30 .* 1\.30\.3/);
      }
    }
  );
});

describe('resolveVersion', () => {
  it.each([
    ['latest', '1.30.3'],
    ['1.30', '1.30.3'],
    ['v1.29', '1.29.7'],
    ['1.28.x', '1.28.10'],
    ['1.13', '1.13.9'],
    ['1.30.1', '1.30.1'],
    ['v1.13.3', '1.13.3'],
    ['1.31.0-rc.0', '1.31.0-rc.0'] // an explicitly requested pre-release is fine
  ])('%s → %s', (spec, expected) => {
    expect(resolveVersion(spec, RELEASES)).toBe(expected);
  });

  it('latest ignores drafts, pre-release flags and -alpha/-beta/-rc suffixes', () => {
    expect(
      resolveVersion('latest', [
        rel('1.2.0'),
        rel('1.3.0', { draft: true }),
        rel('1.3.0-alpha.1'),
        rel('1.4.0', { prerelease: true })
      ])
    ).toBe('1.2.0');
  });

  it('an unknown exact version names the closest existing ones', () => {
    let err: unknown;
    try {
      resolveVersion('1.30.9', RELEASES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    const e = err as ActionError;
    expect(e.message).toBe('istio-version 1.30.9 does not exist.');
    expect(e.details).toEqual(['Closest existing versions: 1.30.3, 1.30.2, 1.30.1, 1.30.0']);
  });

  it('a draft is not an existing version', () => {
    expect(() => resolveVersion('1.32.0', RELEASES)).toThrow('istio-version 1.32.0 does not exist.');
  });

  it('a minor with only pre-releases says so and lists them', () => {
    let err: ActionError | undefined;
    try {
      resolveVersion('1.31', RELEASES);
    } catch (e) {
      err = e as ActionError;
    }
    expect(err?.message).toBe('istio-version 1.31 matches no stable Istio release.');
    expect(err?.details[0]).toContain('1.31.0-rc.0 (pre-release)');
    expect(err?.details[0]).toContain('1.30.3');
  });

  it('latest with no stable release fails instead of guessing', () => {
    expect(() => resolveVersion('latest', [rel('1.31.0-rc.0', { prerelease: true })])).toThrow(
      /No stable Istio release/
    );
    expect(() => resolveVersion('latest', [])).toThrow(/No stable Istio release/);
  });
});

describe('closestVersions', () => {
  it.each([
    ['1.30.9', ['1.30.3', '1.30.2', '1.30.1', '1.30.0']],
    ['1.29.0', ['1.30.1', '1.30.0', '1.29.7', '1.29.6']],
    ['1.99', ['1.30.3', '1.29.7', '1.28.10', '1.13.9']],
    ['1.14', ['1.30.3', '1.29.7', '1.28.10', '1.13.9']],
    ['1.31.5', ['1.31.0-rc.0', '1.31.0-beta.2', '1.31.0-alpha.0', '1.30.3']],
    ['2.0.0', ['1.30.3', '1.30.2', '1.30.1', '1.30.0']],
    ['0.8.0', ['1.13.3', '1.13.0']]
  ])('%s → %j', (target, expected) => {
    expect(closestVersions(target, RELEASES, target === '0.8.0' ? 2 : 4)).toEqual(expected);
  });

  it('returns nothing for garbage or an empty list', () => {
    expect(closestVersions('x', RELEASES)).toEqual([]);
    expect(closestVersions('1.30.1', [])).toEqual([]);
  });
});

describe('parseIstioctlVersion', () => {
  it.each([
    ['1.13 bare form', '1.13.3\n', '1.13.3'],
    ['1.23+ form', 'client version: 1.30.3\n', '1.30.3'],
    [
      'with remote lines',
      'client version: 1.30.3\ncontrol plane version: 1.29.6\ndata plane version: 1.29.6 (4 proxies)\n',
      '1.30.3'
    ],
    ['pre-release', 'client version: 1.31.0-rc.0', '1.31.0-rc.0'],
    ['CRLF', 'client version: 1.30.3\r\n', '1.30.3'],
    ['leading v', 'v1.13.3', '1.13.3'],
    [
      '-o json',
      JSON.stringify(
        {
          clientVersion: {
            version: '1.30.3',
            revision: 'abc',
            golang_version: 'go1.24',
            status: 'Clean',
            tag: '1.30.3'
          }
        },
        null,
        2
      ),
      '1.30.3'
    ],
    [
      '-o json 1.13',
      '{"clientVersion":{"version":"1.13.3","revision":"x","golang_version":"go1.17.8","status":"Clean","tag":"1.13.3"}}',
      '1.13.3'
    ]
  ])('%s', (_name, stdout, expected) => {
    expect(parseIstioctlVersion(stdout)).toBe(expected);
  });

  it.each([
    ['empty', '', /printed nothing/],
    ['noise', 'Error: unknown flag: --remote\n', /Error: unknown flag/],
    ['json without version', '{"clientVersion":{}}', /no clientVersion\.version/],
    ['broken json', '{"clientVersion":', /does not parse/]
  ])('fails clearly on %s', (_name, stdout, shown) => {
    let err: ActionError | undefined;
    try {
      parseIstioctlVersion(stdout);
    } catch (e) {
      err = e as ActionError;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect(err?.describe()).toMatch(shown);
  });
});
